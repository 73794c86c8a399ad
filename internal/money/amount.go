// Package money holds the exact decimal type every partner package uses for money.
//
// An Amount is coef × 10^-scale with an int64 coefficient and at most
// MaxScale digits after the point; it never passes through float64, and
// nothing in this package rounds. Input or results an Amount cannot hold
// exactly are errors wrapping ErrSyntax or ErrRange, and no error repeats
// the text it refused.
//
// # Canonical form
//
// Trailing zeros after the decimal point are dropped whenever an Amount is
// made (by Parse, Cents, arithmetic or decoding), so 10.5, 10.50 and 10.500
// are the same Amount: == compares values, and an Amount can be a map key.
// The zero value is 0 and equals Parse("0.00"). DecimalPlaces says how many
// digits after the point the value needs.
//
// # Text, JSON and SQL
//
// String shows at least two decimal places, as money is written, and more
// only when the value needs them: "100.00", "100.50", "0.125", "-3.00".
// Amounts are sent as JSON numbers with exactly those digits (100.50, never
// 100.5 or 100.49999999999999), so they reach the partner as exact
// decimals. Decoding accepts a JSON number or a string holding one; null
// leaves an Amount unchanged. MarshalText and the database/sql Value use
// the same text, and Scan reads decimals from text columns or DECIMAL and
// NUMERIC ones, but never from float64.
package money

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// MaxScale is the largest number of digits an Amount keeps after the decimal point.
const MaxScale = 18

// Amount is an exact decimal amount of money: coef × 10^-scale, always in
// canonical form (see the package documentation), so == compares values.
// The zero value is 0.
type Amount struct {
	coef  int64
	scale uint8 // 0..MaxScale; if scale > 0, coef%10 != 0
}

var (
	// ErrSyntax is wrapped by the errors for text that is not a decimal
	// number (Parse, decoding, Scan); test with errors.Is.
	ErrSyntax = errors.New("not a decimal number")

	// ErrRange is wrapped by the errors for values an Amount cannot hold
	// exactly: too many digits or more than MaxScale decimals (Parse,
	// decoding, Scan), a sum, difference or negation out of range, and an
	// Amount.Cents that is not a whole int64 number of cents; test with
	// errors.Is.
	ErrRange = errors.New("too many digits for an exact amount")
)

// canonical returns coef × 10^-scale with trailing fractional zeros dropped.
func canonical(coef int64, scale uint8) Amount {
	for scale > 0 && coef%10 == 0 {
		coef /= 10
		scale--
	}
	return Amount{coef: coef, scale: scale}
}

// Cents returns cents/100, e.g. Cents(10050) is 100.50. The method
// Amount.Cents converts back.
func Cents(cents int64) Amount { return canonical(cents, 2) }

// Cents is the integer minor-units accessor: the exact value in hundredths,
// e.g. 100.50 is 10050 and -3 is -300, for systems that count money in
// cents. It never rounds: an amount with more than 2 decimal places, or one
// whose count of hundredths overflows int64, is an error wrapping ErrRange.
func (a Amount) Cents() (int64, error) {
	if a.scale > 2 {
		return 0, rangeError("money: more than 2 decimal places, not a whole number of cents")
	}
	c, ok := mulPow10(a.coef, 2-a.scale)
	if !ok {
		return 0, rangeError("money: too large to count in cents")
	}
	return c, nil
}

// Parse reads a decimal such as "100.50", "-3", "0.0000001" or a JSON number
// with an exponent such as "1.005e2". It never rounds: input that does not fit
// exactly is an error. Errors wrap ErrSyntax or ErrRange and never repeat
// the input.
func Parse(s string) (Amount, error) {
	a, err := parse(s)
	switch {
	case err == nil:
		return a, nil
	case err == errDecimals:
		return Amount{}, err
	}
	// The input is never quoted: it may be a partner's text or a
	// caller's record, and errors end up in logs.
	return Amount{}, fmt.Errorf("money: %w", err)
}

var errDecimals = rangeError(fmt.Sprintf("money: more than %d digits after the decimal point", MaxScale))

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
		var ok bool
		if exp, ok = exponent(s[i+1:], len(s)+MaxScale+20); !ok {
			return Amount{}, ErrSyntax
		}
	}
	intPart, fracPart, hasDot := strings.Cut(mant, ".")
	if intPart == "" && fracPart == "" || hasDot && fracPart == "" || !allDigits(intPart) || !allDigits(fracPart) {
		return Amount{}, ErrSyntax
	}
	// The value is digits × 10^-scale. Leading zeros say nothing and
	// trailing ones are dropped (canonical form), each moving the point.
	digits := strings.TrimLeft(intPart+fracPart, "0")
	if digits == "" {
		return Amount{}, nil
	}
	trimmed := strings.TrimRight(digits, "0")
	scale := len(fracPart) - exp - (len(digits) - len(trimmed))
	digits = trimmed
	if scale > MaxScale {
		return Amount{}, errDecimals
	}
	if len(digits)-scale > 19 {
		return Amount{}, ErrRange
	}
	if neg {
		digits = "-" + digits
	}
	coef, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Amount{}, ErrRange
	}
	if scale < 0 {
		var ok bool
		if coef, ok = mulPow10(coef, uint8(-scale)); !ok {
			return Amount{}, ErrRange
		}
		scale = 0
	}
	return Amount{coef: coef, scale: uint8(scale)}, nil
}

// exponent reads an optionally signed run of digits, saturating at ±limit:
// any exponent that large puts a non-zero mantissa out of range either way,
// and a zero mantissa is zero whatever the exponent.
func exponent(s string, limit int) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || !allDigits(s) {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s) && e < limit; i++ {
		e = e*10 + int(s[i]-'0')
	}
	e = min(e, limit)
	if neg {
		e = -e
	}
	return e, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount with at least two digits after the point and
// more only when the value needs them: "100.00", "100.50", "-0.05", "0.125".
func (a Amount) String() string {
	var buf [48]byte
	return string(a.appendText(buf[:0]))
}

// appendText appends String's text to b.
func (a Amount) appendText(b []byte) []byte {
	if a.coef < 0 {
		b = append(b, '-')
	}
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], abs(a.coef), 10)
	places := max(int(a.scale), 2)
	for range places - int(a.scale) {
		digits = append(digits, '0')
	}
	n := len(digits) - places // digits before the point
	if n <= 0 {
		b = append(b, '0', '.')
		for range -n {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:n]...)
	b = append(b, '.')
	return append(b, digits[n:]...)
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1 // safe for math.MinInt64
	}
	return uint64(v)
}

// DecimalPlaces is the number of digits after the point that the value
// needs: 2 for 100.25, 1 for 100.50 (which is 100.5), 0 for 100.00.
func (a Amount) DecimalPlaces() int { return int(a.scale) }

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

// IsZero reports whether the amount is 0.
func (a Amount) IsZero() bool { return a.coef == 0 }

// Cmp compares a and b by value: -1 if a < b, 0 if equal, +1 if a > b.
// It is exact for any two amounts and does not allocate.
func (a Amount) Cmp(b Amount) int {
	if sa, sb := a.Sign(), b.Sign(); sa != sb || sa == 0 {
		return cmp.Compare(sa, sb)
	}
	// Same sign, both non-zero: compare at the larger scale. If bringing
	// one to that scale overflows, its magnitude exceeds any int64, so it
	// is the larger magnitude.
	scale := max(a.scale, b.scale)
	x, okA := mulPow10(a.coef, scale-a.scale)
	y, okB := mulPow10(b.coef, scale-b.scale)
	switch {
	case !okA: // |a| > |b|
		return a.Sign()
	case !okB: // |b| > |a|
		return -b.Sign()
	}
	return cmp.Compare(x, y)
}

// Add returns a+b. If the exact sum does not fit an Amount, it returns an
// error wrapping ErrRange, never an approximate or wrapped-around sum.
func (a Amount) Add(b Amount) (Amount, error) {
	if r, ok := addSub(a, b, false); ok {
		return r, nil
	}
	return Amount{}, rangeError("money: sum out of range")
}

// Sub returns a-b. If the exact difference does not fit an Amount, it
// returns an error wrapping ErrRange.
func (a Amount) Sub(b Amount) (Amount, error) {
	if r, ok := addSub(a, b, true); ok {
		return r, nil
	}
	return Amount{}, rangeError("money: difference out of range")
}

// Neg returns -a. The one amount at each scale whose coefficient is the
// smallest int64 has no negation that fits: that is an error wrapping
// ErrRange.
func (a Amount) Neg() (Amount, error) {
	if a.coef == math.MinInt64 {
		return Amount{}, rangeError("money: negation out of range")
	}
	return Amount{coef: -a.coef, scale: a.scale}, nil
}

// addSub returns a+b, or a-b if sub, and whether the exact result fits.
// Amounts that fit int64 at a common scale take the fast path; the rest
// (operands near the limits) are done exactly with big.Int, since their
// canonical result can still fit: 922337203685477580.5 + 0.5 does.
func addSub(a, b Amount, sub bool) (Amount, bool) {
	scale := max(a.scale, b.scale)
	x, okA := mulPow10(a.coef, scale-a.scale)
	y, okB := mulPow10(b.coef, scale-b.scale)
	if okA && okB {
		if sub {
			if d := x - y; (x >= 0) == (y >= 0) || (d >= 0) == (x >= 0) {
				return canonical(d, scale), true
			}
		} else if s := x + y; (x >= 0) != (y >= 0) || (s >= 0) == (x >= 0) {
			return canonical(s, scale), true
		}
	}
	bx := new(big.Int).Mul(big.NewInt(a.coef), pow10Big(scale-a.scale))
	by := new(big.Int).Mul(big.NewInt(b.coef), pow10Big(scale-b.scale))
	if sub {
		bx.Sub(bx, by)
	} else {
		bx.Add(bx, by)
	}
	ten, rem := big.NewInt(10), new(big.Int)
	for scale > 0 {
		q, r := new(big.Int).QuoRem(bx, ten, rem)
		if r.Sign() != 0 {
			break
		}
		bx, scale = q, scale-1
	}
	if !bx.IsInt64() {
		return Amount{}, false
	}
	return Amount{coef: bx.Int64(), scale: scale}, true
}

func pow10Big(n uint8) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// mulPow10 returns coef × 10^n and whether it fits an int64.
func mulPow10(coef int64, n uint8) (int64, bool) {
	for range n {
		if coef > math.MaxInt64/10 || coef < math.MinInt64/10 {
			return 0, false
		}
		coef *= 10
	}
	return coef, true
}

// rangeError is an error with its own text that matches ErrRange.
type rangeError string

func (e rangeError) Error() string { return string(e) }
func (e rangeError) Unwrap() error { return ErrRange }

// MarshalJSON encodes the amount as a JSON number literal with String's digits.
func (a Amount) MarshalJSON() ([]byte, error) { return a.appendText(nil), nil }

// UnmarshalJSON accepts a JSON number or a string holding one (some partners
// quote amounts), with Parse's syntax. null leaves the amount unchanged and
// is not an error: a partner answering null for an amount does not fail a
// call; decode into *Amount to tell null from a value. Errors wrap
// ErrSyntax or ErrRange and never repeat the input.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("money: %w", ErrSyntax)
		}
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText encodes the amount as String's text (used by form and query encoders).
func (a Amount) MarshalText() ([]byte, error) { return a.appendText(nil), nil }

// UnmarshalText reads a decimal as Parse does; on error the amount is unchanged.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
