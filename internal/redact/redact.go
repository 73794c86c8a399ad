// Package redact keeps secrets (passwords, tokens, session ids, cookies, card
// data) out of every error string and log line the SDK produces.
package redact

import (
	"net/url"
	"slices"
	"strings"
	"sync"
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

// maxTemporary bounds how many rotating secrets (session ids, access tokens)
// a Secrets set remembers; the oldest are forgotten first.
const maxTemporary = 32

// Secrets is a set of secret values to scrub from text. It is safe for
// concurrent use. Credentials are added once with AddPermanent; values that
// rotate (session ids, tokens) with AddTemporary, which forgets the oldest
// once maxTemporary are held.
type Secrets struct {
	mu        sync.RWMutex
	permanent []string
	temporary []string
	replacer  *strings.Replacer
}

// AddPermanent remembers values for the life of the set.
func (s *Secrets) AddPermanent(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" {
			s.permanent = append(s.permanent, v)
		}
	}
	s.replacer = nil
}

// AddTemporary remembers a rotating value.
func (s *Secrets) AddTemporary(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.temporary = append(s.temporary, v)
	if over := len(s.temporary) - maxTemporary; over > 0 {
		s.temporary = slices.Delete(s.temporary, 0, over)
	}
	s.replacer = nil
}

// forms returns v and the forms it takes inside a URL, since that is where a
// secret most often hides in a transport error.
func forms(v string) []string {
	return []string{v, url.QueryEscape(v), url.PathEscape(v)}
}

// Scrub returns text with every known secret, and anything that looks
// like a card number, replaced by Mask.
func (s *Secrets) Scrub(text string) string {
	if text == "" {
		return text
	}
	text = MaskCardNumbers(text)
	if s == nil {
		return text
	}
	s.mu.RLock()
	r := s.replacer
	s.mu.RUnlock()
	if r == nil {
		s.mu.Lock()
		if s.replacer == nil {
			var all []string
			for _, v := range append(slices.Clone(s.permanent), s.temporary...) {
				all = append(all, forms(v)...)
			}
			slices.Sort(all)
			all = slices.Compact(all)
			// Longest first, so a secret that contains another is masked whole.
			slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
			pairs := make([]string, 0, 2*len(all))
			for _, v := range all {
				pairs = append(pairs, v, Mask)
			}
			s.replacer = strings.NewReplacer(pairs...)
		}
		r = s.replacer
		s.mu.Unlock()
	}
	return r.Replace(text)
}
