// Package money holds the exact decimal type every partner package uses for money.
//
// Amount never passes through float64: it keeps the digits it was given
// ("100.50" stays "100.50") and encodes them as a JSON number literal, so an
// amount reaches the partner exactly as the caller wrote it.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// MaxScale is the largest number of digits an Amount keeps after the decimal point.
const MaxScale = 18

// Amount is an exact decimal amount: coef × 10^-scale. The zero value is 0.
type Amount struct {
	coef  int64
	scale uint8
}

// Errors returned by Parse; test with errors.Is.
var (
	ErrSyntax = errors.New("not a decimal number")
	ErrRange  = errors.New("too many digits for an exact amount")
)

// Cents returns cents/100 with two decimal places, e.g. Cents(10050) is 100.50.
func Cents(cents int64) Amount { return Amount{coef: cents, scale: 2} }

// Parse reads a decimal such as "100.50", "-3", "0.0000001" or a JSON number
// with an exponent such as "1.005e2". It never rounds: input that does not fit
// exactly is an error.
func Parse(s string) (Amount, error) {
	a, err := parse(s)
	if err != nil {
		// The input is never quoted: it may be a partner's text or a
		// caller's record, and errors end up in logs.
		return Amount{}, fmt.Errorf("money: %w", err)
	}
	return a, nil
}

func parse(s string) (Amount, error) {
	if s == "" {
		return Amount{}, ErrSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || s[i+1:] == "" || e > 1000 || e < -1000 {
			return Amount{}, ErrSyntax
		}
		exp = e
	}
	intPart, fracPart, hasDot := strings.Cut(mant, ".")
	if intPart == "" && fracPart == "" || hasDot && fracPart == "" || !allDigits(intPart) || !allDigits(fracPart) {
		return Amount{}, ErrSyntax
	}
	digits := strings.TrimLeft(intPart+fracPart, "0")
	scale := len(fracPart) - exp
	for scale > MaxScale && strings.HasSuffix(digits, "0") {
		digits, scale = digits[:len(digits)-1], scale-1
	}
	if digits == "" {
		if scale < 0 {
			scale = 0
		}
		if scale > MaxScale {
			scale = MaxScale
		}
		return Amount{scale: uint8(scale)}, nil
	}
	if scale > MaxScale {
		return Amount{}, ErrRange
	}
	for ; scale < 0; scale++ {
		digits += "0"
	}
	if neg {
		digits = "-" + digits
	}
	coef, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Amount{}, ErrRange
	}
	return Amount{coef: coef, scale: uint8(scale)}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount with exactly its scale's digits after the point,
// e.g. "100.50", "-0.05", "3".
func (a Amount) String() string {
	digits := strconv.FormatUint(abs(a.coef), 10)
	if a.scale > 0 {
		if pad := int(a.scale) + 1 - len(digits); pad > 0 {
			digits = strings.Repeat("0", pad) + digits
		}
		point := len(digits) - int(a.scale)
		digits = digits[:point] + "." + digits[point:]
	}
	if a.coef < 0 {
		return "-" + digits
	}
	return digits
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1 // safe for math.MinInt64
	}
	return uint64(v)
}

// Scale is the number of digits after the decimal point.
func (a Amount) Scale() int { return int(a.scale) }

// DecimalPlaces is the number of digits after the point that the value
// needs: 2 for 100.25, 1 for 100.50 and 100.500 (both are 100.5), 0 for 100.00.
func (a Amount) DecimalPlaces() int {
	places := int(a.scale)
	for c := a.coef; places > 0 && c%10 == 0; c /= 10 {
		places--
	}
	return places
}

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.coef < 0:
		return -1
	case a.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether the amount is 0 at any scale.
func (a Amount) IsZero() bool { return a.coef == 0 }

// Cmp compares a and b by value: -1 if a < b, 0 if equal (1.5 equals 1.50), +1 if a > b.
func (a Amount) Cmp(b Amount) int { return a.rat().Cmp(b.rat()) }

func (a Amount) rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(a.scale)), nil)
	return new(big.Rat).SetFrac(big.NewInt(a.coef), den)
}

// Add returns a+b at the larger of the two scales, or an error if the exact
// sum does not fit.
func (a Amount) Add(b Amount) (Amount, error) {
	scale := max(a.scale, b.scale)
	x, okA := rescale(a.coef, scale-a.scale)
	y, okB := rescale(b.coef, scale-b.scale)
	sum := x + y
	if !okA || !okB || (x > 0 && y > 0 && sum < 0) || (x < 0 && y < 0 && sum >= 0) {
		return Amount{}, fmt.Errorf("money: %s + %s: %w", a, b, ErrRange)
	}
	return Amount{coef: sum, scale: scale}, nil
}

func rescale(coef int64, by uint8) (int64, bool) {
	for range by {
		if coef > math.MaxInt64/10 || coef < math.MinInt64/10 {
			return 0, false
		}
		coef *= 10
	}
	return coef, true
}

// MarshalJSON encodes the amount as a JSON number literal with its exact digits.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one (some partners
// quote amounts). null leaves the amount unchanged.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		unq, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("money: %w", ErrSyntax)
		}
		s = unq
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText encodes the amount as its decimal string (used by form and query encoders).
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses a decimal string.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
