package redact

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestOneLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain ASCII, kept: \\n \" ' ~", "plain ASCII, kept: \\n \" ' ~"},
		{"a\r\nb\tc", `a\r\nb\tc`},
		{"bell\x07 nul\x00 esc\x1b[31m us\x1f", `bell\x07 nul\x00 esc\x1b[31m us\x1f`},
		{"del\x7f", `del\x7f`},
		{"nel\u0085 csi\u009b pad\u0080", `nel\u0085 csi\u009b pad\u0080`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"héllo – ünïcode 😀 \u00a0nbsp \u200bzwsp", "héllo – ünïcode 😀 \u00a0nbsp \u200bzwsp"},
		{"bad \xff\xfe byte", `bad \xff\xfe byte`},
		{"cut rune \xe2\x82", `cut rune \xe2\x82`},
		{"\xc2\x85 as bytes", `\u0085 as bytes`},
		// Nothing but what the printable-ASCII fast path must stop at.
		{"\n", `\n`},
		{"\x01\x1f", `\x01\x1f`},
		{"\x7f", `\x7f`},
		{"\x80", `\x80`},
		{"a\x80", `a\x80`},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			got := OneLine(c.in)
			assert.Equal(t, c.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.NotContainsf(t, got, "\n", "one line")
			assert.NotContains(t, got, "\r")
			assert.NotContains(t, got, "\u2028")
		})
	}
}

func TestClip(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"fits", "short", 5, "short"},
		{"fits with room", "short", 50, "short"},
		{"empty", "", 0, ""},
		{"cut", "abcdefgh", 4, "abcd…"},
		{"rune boundary", "héllo", 2, "h…"},
		{"rune boundary, 4 bytes", "a😀b", 4, "a…"},
		{"before a digit run", "order 12345678 failed", 10, "order …"},
		{"after a digit run", "order 12345678 failed", 14, "order 12345678…"},
		{"grouped digits", "card 4111 1111 1111 1111 declined", 16, "card …"},
		{"dashed digits", "phone 406-761-5677 x", 12, "phone …"},
		{"dash after the run is not the run", "id 42- next", 6, "id 42-…"},
		{"digits touching letters", "ref AB12345678CD", 10, "ref AB…"},
		{"inside REDACTED", "card REDACTED declined", 9, "card …"},
		{"just after REDACTED", "card REDACTED declined", 13, "card REDACTED…"},
		{"digits then REDACTED", "x 1234REDACTED", 9, "x 1234…"},
		{"REDACTED then digits", "x REDACTED1234", 12, "x REDACTED…"},
		{"REDACTED twice", "REDACTEDREDACTED", 12, "REDACTED…"},
		{"whole text is a number", "4111111111111111", 8, "…"},
		{"max zero", "abc", 0, "…"},
		{"max negative", "abc", -1, "…"},
		{"backs off to the start", "\x80\x80\x80", 2, "…"}, // no rune starts before the cut
		{"inside REDACTED at the start", "REDACTED tail", 4, "…"},
		{"digits, then a space that ends the text", "ab 12 ", 5, "ab 12…"},
		{"digits, then a space and a letter", "12 ab", 2, "12…"},
		{"one digit, a space, digits", "1 2345", 2, "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Clip(c.in, c.max)
			assert.Equal(t, c.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, len(strings.TrimSuffix(got, "…")), max(c.max, 0))
		})
	}
}

func TestScrubThenClip(t *testing.T) {
	var s Secrets
	s.AddPermanent("s3cr3t-passw0rd")
	msg := "IPS: user CitrusTestAdmin password s3cr3t-passw0rd card 4111 1111 1111 1111 rejected"
	for n := range len(msg) + 2 {
		got := Clip(s.Scrub(msg), n)
		assert.NotContains(t, got, "s3cr3t", n)
		assert.NotContains(t, got, "4111", n)
		assert.False(t, strings.Contains(got, "RED") && !strings.Contains(got, Mask), "Mask is never cut: %q", got)
	}
}
