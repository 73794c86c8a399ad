package redact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// OneLine returns s with every character that could break or hide a line
// of an error message or log escaped: \r, \n and \t as such, other C0
// controls and DEL as \xNN (\x1b), C1 controls as \u00NN (\u0085), and the
// line and paragraph separators as \u2028 and \u2029. Bytes that are not
// valid UTF-8 become \xNN. Everything else, backslashes included, is kept
// as is, so an error message built from partner text stays on one line.
func OneLine(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	if i == len(s) {
		return s // the common case: printable ASCII
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, r == '\u2028', r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// ellipsis marks where Clip cut.
const ellipsis = "…"

// Clip shortens s to at most max bytes and appends "…" when it cut, so the
// result is at most max+3 bytes; s is returned as is if it fits. The cut
// falls at a rune boundary, never inside the word REDACTED, and never
// inside a run of digit groups (digits joined by single spaces or dashes,
// as in "4111 1111 1111 1111"): it backs off to before the run, so a
// number shows whole or not at all. Scrub first, then clip, so a card number
// or secret is masked whole before any of it is cut.
func Clip(s string, max int) string {
	if len(s) <= max || s == "" {
		return s
	}
	cut := max
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// Neither back-off can land inside what the other guards: a digit run
	// starts after a non-digit, and Mask starts with a letter.
	for inDigitRun(s, cut) {
		cut--
	}
	for start := cut - len(Mask) + 1; start < cut; start++ {
		if start >= 0 && strings.HasPrefix(s[start:], Mask) {
			cut = start
			break
		}
	}
	return s[:cut] + ellipsis
}

// inDigitRun reports whether cutting s at i would split a run of digit
// groups.
func inDigitRun(s string, i int) bool {
	if i <= 0 || i >= len(s) {
		return false
	}
	a, b := s[i-1], s[i]
	isSep := func(c byte) bool { return c == ' ' || c == '-' }
	switch {
	case isDigit(a) && isDigit(b):
		return true
	case isDigit(a) && isSep(b):
		return i+1 < len(s) && isDigit(s[i+1])
	case isSep(a) && isDigit(b):
		return i >= 2 && isDigit(s[i-2])
	}
	return false
}
