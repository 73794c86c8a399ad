package transport

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civicpay/datapump/internal/money"
	"github.com/civicpay/datapump/internal/redact"
)

// Checks collects what is wrong with a caller's input before anything is
// sent. Every method records at most one complaint per call, naming the
// field and never repeating its value (which may be a secret or a card
// number). The zero value is ready to use.
//
// Lengths are counted in characters (Unicode code points), as partner
// documents state their limits.
type Checks struct {
	fields []FieldError
}

// Add records a complaint about field.
func (c *Checks) Add(field, reason string) {
	c.fields = append(c.fields, FieldError{Field: field, Message: reason})
}

// OK reports whether nothing was recorded.
func (c *Checks) OK() bool { return len(c.fields) == 0 }

// Err returns nil when nothing was recorded, else a NotApplied, permanent
// *Error of partner's op listing every complaint in Fields.
func (c *Checks) Err(partner, op string) error {
	if len(c.fields) == 0 {
		return nil
	}
	return &Error{Partner: partner, Op: op, Outcome: NotApplied, Message: "invalid input, nothing was sent", Fields: c.fields}
}

// Required records field as missing when value is empty.
func (c *Checks) Required(field, value string) bool {
	if value == "" {
		c.Add(field, "is required")
		return false
	}
	return true
}

// Text checks a required caller-supplied string; see OptionalText.
func (c *Checks) Text(field, value string, maxLen int) {
	if c.Required(field, value) {
		c.OptionalText(field, value, maxLen)
	}
}

// OptionalText checks a string that may be empty: valid UTF-8, no control
// characters, no surrounding spaces, at most maxLen characters (0: no
// limit).
func (c *Checks) OptionalText(field, value string, maxLen int) {
	if plainASCII(value) && (maxLen <= 0 || len(value) <= maxLen) {
		return // the common case, in one pass
	}
	switch {
	case value == "":
	case !c.length(field, value, maxLen):
	case strings.ContainsFunc(value, isControl):
		c.Add(field, "must not contain control characters")
	case strings.TrimSpace(value) != value:
		c.Add(field, "must not start or end with spaces")
	}
}

// FreeText checks an optional comment-like string: valid UTF-8, at most
// maxLen characters, no control characters but tab and line breaks, and no
// card number.
func (c *Checks) FreeText(field, value string, maxLen int) {
	switch {
	case value == "":
	case !c.length(field, value, maxLen):
	case strings.ContainsFunc(value, func(r rune) bool { return isControl(r) && r != '\t' && r != '\n' && r != '\r' }):
		c.Add(field, "must not contain control characters")
	default:
		c.NoCardNumber(field, value)
	}
}

// length records an invalid or over-long value and reports whether it was
// neither.
func (c *Checks) length(field, value string, maxLen int) bool {
	if !utf8.ValidString(value) {
		c.Add(field, "is not valid UTF-8")
		return false
	}
	if n := utf8.RuneCountInString(value); maxLen > 0 && n > maxLen {
		c.Add(field, "is "+strconv.Itoa(n)+" characters long; the most allowed is "+strconv.Itoa(maxLen))
		return false
	}
	return true
}

// PathSegment checks a required value that becomes one URL path segment,
// such as a transaction id. Besides Text's rules it refuses "." and "..",
// and any slash or backslash, plain or percent-encoded, which would move
// the request to another resource.
func (c *Checks) PathSegment(field, value string, maxLen int) {
	if !c.Required(field, value) {
		return
	}
	lower := strings.ToLower(value)
	switch {
	case value == "." || value == "..":
		c.Add(field, `must not be "." or ".."`)
	case strings.ContainsAny(value, `/\`) || strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c"):
		c.Add(field, "must not contain a slash or backslash")
	default:
		c.OptionalText(field, value, maxLen)
	}
}

// NoCardNumber records field when value holds what looks like a full
// payment card number (see redact.ContainsCardNumber).
func (c *Checks) NoCardNumber(field, value string) {
	if redact.ContainsCardNumber(value) {
		c.Add(field, "looks like it holds a card number; only the last 4 digits of a card may be sent")
	}
}

// LastFour checks an optional last-digits-of-card value: up to four
// digits, optionally after mask characters (*, X, x or #: "4219",
// "*4219", "XXXX4219"),
// or only mask characters ("XXXX", as a card reader answers when it keeps
// even those). A value with more digits is refused.
func (c *Checks) LastFour(field, value string) {
	if value == "" {
		return
	}
	n := 0
	for i := 0; i < len(value); i++ {
		if value[i] >= '0' && value[i] <= '9' {
			n++
		}
	}
	digits := strings.TrimLeft(value, "*Xx#")
	switch {
	case n > 4:
		c.Add(field, "must hold at most the last 4 digits of the card; a full card number is never sent")
	case len(value) > 19 || strings.TrimLeft(digits, "0123456789") != "":
		c.Add(field, `must be up to 4 digits, optionally masked (e.g. "4219", "*4219" or "XXXX")`)
	}
}

// Money checks an amount of money: at most 2 decimal places, not
// negative, and greater than zero when positive is set.
func (c *Checks) Money(field string, a money.Amount, positive bool) {
	switch {
	case positive && a.Sign() <= 0:
		c.Add(field, "must be greater than zero")
	case a.Sign() < 0:
		c.Add(field, "must not be negative")
	case a.DecimalPlaces() > 2:
		c.Add(field, "must have at most 2 decimal places")
	}
}

// Nil records a missing request and reports whether it was missing.
func (c *Checks) Nil(isNil bool) bool {
	if isNil {
		c.Add("request", "is nil")
	}
	return isNil
}

// plainASCII reports whether s is printable ASCII without leading or
// trailing spaces: valid, without control characters, one character per
// byte. Anything else takes the full checks.
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f {
			return false
		}
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
