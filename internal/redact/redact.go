// Package redact keeps secrets (passwords, tokens, session ids, cookies, card
// data) out of every error string and log line the SDK produces.
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
