package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Secret is a value that must never be printed: a password, a token, a
// session id, or card data a partner echoes in a response. Every fmt verb
// (%v %+v %#v %s %q %x %X %d …) prints Mask, or nothing for an empty value
// (%q prints "REDACTED" or ""). String, GoString, LogValue and MarshalJSON
// hide it the same way, so a Secret stays hidden as a field of a struct
// printed with fmt, logged with slog.Any or encoded with json.Marshal.
// Reveal returns the value itself, for the one place that must send it.
//
// Secret has no MarshalText method, so no encoder can pick one up and write
// the value.
//
// Some holes remain that a string type cannot close, because fmt then reads
// the value through reflection without calling any method:
//   - an unexported struct field of type Secret prints its value; keep
//     Secret fields exported, or give the holding struct a Format method;
//   - fmt's report of a verb that does not fit its operand, as in
//     %!s(*T=&{…}), prints the operand raw: %p applied to a Secret or to a
//     value holding one, and a verb other than %v reaching a pointer nested
//     in a struct, slice or map (fmt.Sprintf("%s", struct{P *T}{…})).
//
// Print with %v, %+v or %#v, or log with slog, and these cannot occur; go
// vet reports the misused verbs when the format is a constant.
type Secret string

// Reveal returns the value itself.
func (s Secret) Reveal() string { return string(s) }

// String returns Mask, or "" for an empty value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Mask
}

// GoString returns String, so %#v and anything else that asks for a Go
// representation sees Mask.
func (s Secret) GoString() string { return s.String() }

// Format prints String for every verb; %q quotes it. A width pads the
// output as it would a string; a precision is ignored so Mask is never cut.
func (s Secret) Format(f fmt.State, verb rune) {
	out := s.String()
	if verb == 'q' {
		out = strconv.Quote(out)
	}
	if w, ok := f.Width(); ok && w > len(out) {
		pad := strings.Repeat(" ", w-len(out))
		if f.Flag('-') {
			out += pad
		} else {
			out = pad + out
		}
	}
	_, _ = io.WriteString(f, out)
}

// LogValue makes slog log String, in text and JSON handlers alike.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes the JSON string "REDACTED", or "" for an empty value,
// so re-encoding a response never leaks the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// errNotString is returned for JSON that is neither a string nor null. It
// names no part of the input, which may be the secret itself.
var errNotString = errors.New("redact: a Secret must be a JSON string or null")

// UnmarshalJSON reads a JSON string into the value. JSON null leaves the
// value as it is, as encoding/json does for strings; anything else is an
// error that does not quote the input.
func (s *Secret) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return errNotString
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return errNotString
	}
	*s = Secret(v)
	return nil
}
