package redact

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// maxTemporary bounds how many rotating secrets (session ids, access tokens)
// a Secrets set remembers; the oldest are forgotten first.
const maxTemporary = 32

// minEcho is how many leading characters of a secret make a truncated echo
// worth masking. A secret shorter than this is masked only when whole.
const minEcho = 8

// maxDepth is how many layers of escaping a character of a secret may wear:
// one (a JSON escape, an HTML entity, a percent-escape) and one more over
// the characters of that escape, as in a query value escaped twice
// (%2540) or JSON that escapes an HTML entity (\u0026quot;).
const maxDepth = 2

// Secrets is a set of secret values to scrub from text. It is safe for
// concurrent use; the zero value is an empty set, and a nil *Secrets scrubs
// card numbers only. Credentials are added once with AddPermanent; values
// that rotate (session ids, tokens) with AddTemporary, which remembers the
// newest 32.
type Secrets struct {
	mu        sync.Mutex // serialises changes and building m
	permanent []string
	temporary []string
	m         atomic.Pointer[matcher] // nil until Scrub needs it; reset by changes
}

// AddPermanent remembers values for the life of the set. Empty values are
// ignored.
func (s *Secrets) AddPermanent(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" && !slices.Contains(s.permanent, v) {
			s.permanent = append(s.permanent, v)
		}
	}
	s.m.Store(nil)
}

// AddTemporary remembers a rotating value, forgetting the oldest once more
// than 32 are held. Adding a value already held makes it the
// newest. An empty value is ignored.
func (s *Secrets) AddTemporary(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.temporary, v); i >= 0 {
		s.temporary = slices.Delete(s.temporary, i, i+1)
	}
	s.temporary = append(s.temporary, v)
	if over := len(s.temporary) - maxTemporary; over > 0 {
		s.temporary = slices.Delete(s.temporary, 0, over)
	}
	s.m.Store(nil)
}

// Scrub returns text with every known secret, and every card number (see
// ContainsCardNumber), replaced by Mask. A nil set masks card numbers only.
//
// A secret is found in each form partners echo it in, and in any mix of
// them within one secret:
//   - raw;
//   - percent-escaped as url.QueryEscape and url.PathEscape write it ("+"
//     or %20 for a space), with hex digits in upper or lower case;
//   - as HTML entities: html.EscapeString's, the named &quot; &apos; &amp;
//     &lt; &gt; (any case), and numeric ones in decimal or hex, with or
//     without leading zeros (&#34; &#x22; &#039;);
//   - as JSON string escapes: \" \\ \/ \b \f \n \r \t and \uXXXX (either
//     case, UTF-16 surrogate pairs included), which covers json.Marshal's
//     output with and without HTML escaping (\u0026 \u003c \u003e);
//   - with the characters of one of those escapes escaped once more (%2540,
//     &amp;quot;, \u0026lt;).
//
// A truncated echo is masked too: the first 8 or more characters of a
// secret, in any form, extending over as much of the secret as the text
// holds. A secret shorter than 8 characters is masked only when whole.
// Overlapping and adjacent matches become one Mask; the text between them
// is kept byte for byte.
//
// Scrub builds no regular expressions: the matcher made from the secrets is
// cached until one is added, and escapes in the text are decoded once per
// position. Each position is tried against the secrets that can start
// there, so the cost is linear in the text for ordinary text; text that
// repeats the first characters of many secrets costs up to its length
// times the length of those secrets.
func (s *Secrets) Scrub(text string) string {
	if text == "" {
		return text
	}
	cards := cardSpans(text)
	m := s.matcher()
	if m == nil {
		return maskSpans(text, cards)
	}
	spans := m.find(text, cards)
	if len(spans) == len(cards) {
		return maskSpans(text, spans) // no secret found
	}
	// A card number glued to a secret ("<password>4111…") joins one longer
	// run of digits until the secret is masked: look again.
	return MaskCardNumbers(maskSpans(text, spans))
}

// matcher returns the cached matcher, building it if a change reset it.
func (s *Secrets) matcher() *matcher {
	if s == nil {
		return nil
	}
	if m := s.m.Load(); m != nil {
		return m
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.m.Load(); m != nil {
		return m
	}
	m := newMatcher(append(slices.Clone(s.permanent), s.temporary...))
	s.m.Store(m)
	return m
}

// maskSpans replaces the byte ranges spans of text by Mask, merging ranges
// that overlap or touch.
func maskSpans(text string, spans [][2]int) string {
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var out strings.Builder
	out.Grow(len(text))
	last := 0 // end of the text written so far
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		out.WriteString(text[last:start])
		out.WriteString(Mask)
		last = end
	}
	out.WriteString(text[last:])
	return out.String()
}

// unit is one character of a secret: a rune, or a byte that is not valid
// UTF-8 (found only raw or percent-escaped).
type unit struct {
	r    rune
	byte bool
	raw  string // the unit as the secret holds it
}

// pattern is one secret prepared for matching.
type pattern struct {
	units []unit
	need  int // units a match must cover: minEcho, or all if fewer
}

// matcher finds the secrets of a set in text. It is immutable once built.
type matcher struct {
	patterns []pattern
	first    [256]bool    // bytes a match can start with
	byFirst  [256][]int32 // indexes of the patterns whose raw form starts with a byte
}

// escapeStart holds the bytes an escaped character can start with.
var escapeStart = [256]bool{'%': true, '&': true, '\\': true, '+': true}

func newMatcher(secrets []string) *matcher {
	slices.Sort(secrets)
	secrets = slices.Compact(secrets)
	m := &matcher{}
	for _, v := range secrets {
		if v == "" {
			continue
		}
		var p pattern
		for i := 0; i < len(v); {
			r, n := utf8.DecodeRuneInString(v[i:])
			p.units = append(p.units, unit{r: r, raw: v[i : i+n]})
			if r == utf8.RuneError && n == 1 {
				p.units[len(p.units)-1] = unit{r: rune(v[i]), byte: true, raw: v[i : i+1]}
			}
			i += n
		}
		p.need = min(minEcho, len(p.units))
		m.first[v[0]] = true
		m.byFirst[v[0]] = append(m.byFirst[v[0]], int32(len(m.patterns)))
		m.patterns = append(m.patterns, p)
	}
	for b, ok := range escapeStart {
		m.first[b] = m.first[b] || ok
	}
	return m
}

// find appends to spans the byte range of every match of a secret in text:
// at each position, the longest run of leading characters of a secret the
// text holds there, if it is long enough. A range inside the one before is
// left out.
func (m *matcher) find(text string, spans [][2]int) [][2]int {
	if len(m.patterns) == 0 {
		return spans
	}
	d := decoder{text: text}
	covered := 0 // end of the last range found
	for p := 0; p < len(text); p++ {
		c := text[p]
		if !m.first[c] {
			continue
		}
		end := -1
		if escapeStart[c] {
			toks := d.tokens(p, maxDepth)
			for i := range m.patterns {
				if pat := &m.patterns[i]; pat.units[0].startsAmong(toks) {
					end = max(end, d.match(p, pat))
				}
			}
		} else {
			for _, i := range m.byFirst[c] {
				end = max(end, d.match(p, &m.patterns[i]))
			}
		}
		if end > covered {
			spans = append(spans, [2]int{p, end})
			covered = end
		}
	}
	return spans
}

// startsAmong reports whether one of toks is u, or the first byte of u.
func (u *unit) startsAmong(toks []token) bool {
	for _, t := range toks {
		if t.v == u.r && t.byte == u.byte || t.byte && t.v == rune(u.raw[0]) {
			return true
		}
	}
	return false
}

// token is one character read from the text, and where it ends.
type token struct {
	v rune
	// byte marks v as one byte (0x80 or more) of a UTF-8 sequence, read
	// raw or percent-escaped, rather than a whole rune named by an HTML or
	// JSON escape. Characters below 0x80 are the same either way.
	byte bool
	end  int
}

// decoder reads the characters text holds at a position in every way it
// can be read: raw, or escaped up to maxDepth times. One position can hold
// several ("&amp;" is "&" followed by "amp;", or an escaped "&"), so a
// match follows every reading at once. Readings at escapes are memoised,
// so each position is decoded once however many secrets are tried there.
type decoder struct {
	text string
	memo map[int][]token // by position*(maxDepth+1) + depth
}

// tokens returns every character text[p:] starts with, escaped at most
// depth times. The result must not be changed.
func (d *decoder) tokens(p, depth int) []token {
	if p >= len(d.text) {
		return nil
	}
	c := d.text[p]
	raw := token{v: rune(c), byte: c >= utf8.RuneSelf, end: p + 1}
	if depth == 0 || !escapeStart[c] {
		return []token{raw}
	}
	key := p*(maxDepth+1) + depth
	if toks, ok := d.memo[key]; ok {
		return toks
	}
	toks := []token{raw}
	for _, s := range d.tokens(p, depth-1) {
		switch s.v {
		case '%':
			toks = d.percent(toks, s.end, depth-1)
		case '+':
			toks = append(toks, token{v: ' ', end: s.end})
		case '&':
			toks = d.entity(toks, s.end, depth-1)
		case '\\':
			toks = d.json(toks, s.end, depth-1)
		}
	}
	if d.memo == nil {
		d.memo = map[int][]token{}
	}
	d.memo[key] = toks
	return toks
}

// number is a numeric escape read so far: its value, digit count, end.
type number struct {
	v, n int
	end  int
}

// digits reads up to limit digits in base (10 or 16) at each start, every
// character escaped at most depth times, and returns each reading of one
// or more digits. Leading zeros do not count against limit.
func (d *decoder) digits(starts []number, base, limit, depth int) []number {
	var out []number
	cur := starts
	for len(cur) > 0 {
		var next []number
		for _, s := range cur {
			for _, t := range d.tokens(s.end, depth) {
				v := digitValue(t.v)
				if v < 0 || v >= base {
					continue
				}
				n := number{v: s.v*base + v, n: s.n, end: t.end}
				if n.v > 0 {
					n.n++
				}
				if n.n <= limit && n.v <= utf8.MaxRune {
					next = append(next, n)
				}
			}
		}
		out = append(out, next...)
		cur = next
	}
	return out
}

func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'a' && r <= 'f':
		return int(r-'a') + 10
	case r >= 'A' && r <= 'F':
		return int(r-'A') + 10
	}
	return -1
}

// percent appends the byte of a %XX escape whose hex digits start at p
// (after the %), in either case.
func (d *decoder) percent(dst []token, p, depth int) []token {
	// Two hex digits, each possibly escaped: read them one at a time so
	// leading zeros are not skipped.
	for _, hi := range d.tokens(p, depth) {
		h := digitValue(hi.v)
		if h < 0 {
			continue
		}
		for _, lo := range d.tokens(hi.end, depth) {
			l := digitValue(lo.v)
			if l < 0 {
				continue
			}
			b := rune(h<<4 | l)
			dst = append(dst, token{v: b, byte: b >= utf8.RuneSelf, end: lo.end})
		}
	}
	return dst
}

// entityNames maps the named HTML entities for the characters HTML escapes.
var entityNames = map[string]rune{"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\''}

// entity appends the character of an HTML character reference whose name
// or number starts at p (after the &): named (any case), or numeric in
// decimal or hex with any leading zeros.
func (d *decoder) entity(dst []token, p, depth int) []token {
	type name struct {
		s   string
		end int
	}
	for _, t := range d.tokens(p, depth) {
		switch {
		case t.v == '#':
			start := []number{{end: t.end}}
			nums := d.digits(start, 10, 7, depth)
			for _, x := range d.tokens(t.end, depth) {
				if x.v == 'x' || x.v == 'X' {
					nums = append(nums, d.digits([]number{{end: x.end}}, 16, 6, depth)...)
				}
			}
			for _, n := range nums {
				for _, semi := range d.tokens(n.end, depth) {
					if semi.v == ';' && utf8.ValidRune(rune(n.v)) {
						dst = append(dst, token{v: rune(n.v), end: semi.end})
					}
				}
			}
		case isLetter(t.v):
			cur := []name{{string(toLower(t.v)), t.end}}
			for len(cur) > 0 {
				var next []name
				for _, c := range cur {
					for _, x := range d.tokens(c.end, depth) {
						if r, ok := entityNames[c.s]; ok && x.v == ';' {
							dst = append(dst, token{v: r, end: x.end})
						}
						if isLetter(x.v) && len(c.s) < 4 {
							next = append(next, name{c.s + string(toLower(x.v)), x.end})
						}
					}
				}
				cur = next
			}
		}
	}
	return dst
}

// jsonShort maps the two-character JSON escapes to their characters.
var jsonShort = map[rune]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// json appends the character of a JSON string escape starting at p (after
// the backslash): a short escape, or \uXXXX (either case), a surrogate
// pair read as one character.
func (d *decoder) json(dst []token, p, depth int) []token {
	for _, t := range d.tokens(p, depth) {
		if r, ok := jsonShort[t.v]; ok {
			dst = append(dst, token{v: r, end: t.end})
		}
		if t.v != 'u' {
			continue
		}
		for _, hi := range d.u4(t.end, depth) {
			r := rune(hi.v)
			if !utf16.IsSurrogate(r) {
				dst = append(dst, token{v: r, end: hi.end})
				continue
			}
			for _, slash := range d.tokens(hi.end, depth) {
				if slash.v != '\\' {
					continue
				}
				for _, u := range d.tokens(slash.end, depth) {
					if u.v != 'u' {
						continue
					}
					for _, lo := range d.u4(u.end, depth) {
						if c := utf16.DecodeRune(r, rune(lo.v)); c != utf8.RuneError {
							dst = append(dst, token{v: c, end: lo.end})
						}
					}
				}
			}
		}
	}
	return dst
}

// u4 reads the four hex digits of a \u escape starting at p.
func (d *decoder) u4(p, depth int) []number {
	cur := []number{{end: p}}
	for range 4 {
		var next []number
		for _, c := range cur {
			for _, t := range d.tokens(c.end, depth) {
				if v := digitValue(t.v); v >= 0 {
					next = append(next, number{v: c.v<<4 | v, end: t.end})
				}
			}
		}
		cur = next
	}
	return cur
}

// match returns the end of the longest match of pat's leading units at p,
// or -1 if fewer than pat.need units match.
func (d *decoder) match(p int, pat *pattern) int {
	t := d.text
	one := [1]int{p}
	cur := one[:]
	best := -1
	for k := 0; k < len(pat.units); k++ {
		u := &pat.units[k]
		if q := cur[0]; len(cur) == 1 && q < len(t) && !escapeStart[t[q]] {
			// Where the text holds no escape only the raw form can
			// match, and only at one place: compare bytes.
			if strings.HasPrefix(t[q:], u.raw) {
				one[0] = q + len(u.raw)
				cur = one[:]
				if k+1 >= pat.need {
					best = one[0]
				}
				continue
			}
			if u.r < utf8.RuneSelf || u.byte {
				break
			}
		}
		var next []int
		for _, q := range cur {
			next = d.unit(next, q, *u)
		}
		if len(next) == 0 {
			break
		}
		cur = dedupe(next)
		if k+1 >= pat.need {
			best = slices.Max(cur)
		}
	}
	return best
}

// unit appends the end of every reading of u at p.
func (d *decoder) unit(dst []int, p int, u unit) []int {
	if u.r >= utf8.RuneSelf && !u.byte {
		dst = d.bytes(dst, p, u.raw)
	}
	for _, t := range d.tokens(p, maxDepth) {
		if t.v == u.r && t.byte == u.byte {
			dst = append(dst, t.end)
		}
	}
	return dst
}

// bytes appends the ends of the UTF-8 bytes of a rune, each raw or
// percent-escaped.
func (d *decoder) bytes(dst []int, p int, raw string) []int {
	cur := []int{p}
	for i := 0; i < len(raw) && len(cur) > 0; i++ {
		var next []int
		for _, q := range cur {
			for _, t := range d.tokens(q, maxDepth) {
				if t.byte && t.v == rune(raw[i]) {
					next = append(next, t.end)
				}
			}
		}
		cur = dedupe(next)
	}
	return append(dst, cur...)
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func toLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r - 'A' + 'a'
	}
	return r
}

// dedupe sorts positions and drops repeats, in place.
func dedupe(ps []int) []int {
	if len(ps) < 2 {
		return ps
	}
	slices.Sort(ps)
	return slices.Compact(ps)
}
