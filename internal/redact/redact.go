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

// ContainsCardNumber reports whether text holds what looks like a full
// payment card number; see cardSpans.
func ContainsCardNumber(text string) bool { return len(cardSpans(text)) > 0 }

// MaskCardNumbers replaces every card number in text with Mask, so a
// partner's message that echoes one from its records never reaches an
// error string.
func MaskCardNumbers(text string) string {
	spans := cardSpans(text)
	if len(spans) == 0 {
		return text
	}
	var out strings.Builder
	last := 0
	for _, sp := range spans {
		out.WriteString(text[last:sp[0]])
		out.WriteString(Mask)
		last = sp[1]
	}
	out.WriteString(text[last:])
	return out.String()
}

// cardSpans finds card numbers: within each run of digit groups (digits
// joined by single spaces or dashes), every span of whole groups holding 13
// to 19 digits that pass the Luhn check. Testing whole groups finds
// "4111 1111 1111 1111" and the number in "ref 12 4111111111111111" without
// cutting a long reference number into arbitrary slices. It returns byte
// ranges [start, end), left to right, not overlapping.
func cardSpans(text string) [][2]int {
	type group struct{ start, end int }
	var spans [][2]int
	var groups []group
	flush := func() {
		for i := 0; i < len(groups); i++ {
			var digits []byte
			for j := i; j < len(groups); j++ {
				digits = append(digits, text[groups[j].start:groups[j].end]...)
				if len(digits) > 19 {
					break
				}
				if len(digits) >= 13 && luhn(digits) {
					spans = append(spans, [2]int{groups[i].start, groups[j].end})
					i = j
					break
				}
			}
		}
		groups = groups[:0]
	}
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		groups = append(groups, group{i, j})
		i = j
		if i+1 < len(text) && (text[i] == ' ' || text[i] == '-') && isDigit(text[i+1]) {
			i++ // a separator inside the run
			continue
		}
		flush()
	}
	flush()
	return spans
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func luhn(digits []byte) bool {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
