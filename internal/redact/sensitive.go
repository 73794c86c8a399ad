package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Sensitive holds a value a partner returns that must never be printed, such
// as a card number or CVV echoed in a response. fmt verbs, slog and JSON
// encoding all show Mask (or "" when the value is empty); Reveal returns the
// value itself.
type Sensitive string

// Reveal returns the underlying value.
func (s Sensitive) Reveal() string { return string(s) }

// String returns Mask, or "" for an empty value.
func (s Sensitive) String() string {
	if s == "" {
		return ""
	}
	return Mask
}

// Format makes every fmt verb, including %#v and %q, print String.
func (s Sensitive) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue makes slog print String.
func (s Sensitive) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes String, so re-encoding a response never leaks the value.
func (s Sensitive) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON decodes a JSON string (or null) into the value.
func (s *Sensitive) UnmarshalJSON(b []byte) error {
	var v *string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v != nil {
		*s = Sensitive(*v)
	}
	return nil
}
