// Package redact keeps secrets (passwords, tokens, session ids, cookies, card
// data) out of every error string, log line and printed value the SDK
// produces.
//
//   - Secret holds a value that must never be printed: fmt, slog and
//     encoding/json all see Mask, and only Reveal returns the value.
//   - Secrets is the set of credentials and session values a client holds;
//     its Scrub masks them in text a partner sends back, in every form they
//     are echoed in (raw, URL-escaped, HTML entities, JSON escapes) and when
//     an echo is cut short, along with card numbers.
//   - ContainsCardNumber and MaskCardNumbers find card numbers by Luhn check
//     and brand (IIN prefix and length), not by Luhn alone, so record ids
//     of card-like length pass.
//   - OneLine keeps partner text on one line; Clip bounds its length
//     without cutting a number or a Mask. Scrub first, then clip.
//   - URL prints a URL with its user info, fragment and query values gone.
package redact

import (
	"net/url"
	"slices"
	"strings"
)

// Mask replaces a secret wherever one is removed.
const Mask = "REDACTED"

// URL formats u for an error or log line: user info is dropped, the fragment
// is dropped, and every query value is replaced by Mask except the values of
// the keys in keep (matched case-insensitively), which are known to be safe.
func URL(u *url.URL, keep ...string) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" {
		q := c.Query()
		for k, vs := range q {
			if slices.ContainsFunc(keep, func(s string) bool { return strings.EqualFold(s, k) }) {
				continue
			}
			for i := range vs {
				vs[i] = Mask
			}
		}
		c.RawQuery = q.Encode() // sorted keys: stable output
	}
	return c.String()
}
