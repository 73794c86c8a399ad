package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// echoForm is one way a partner echoes a value.
type echoForm struct {
	name string
	enc  func(string) string
}

// encodings are the forms Scrub must see through. Each writes its whole
// input, so the form of a prefix is a prefix of the form.
var encodings = []echoForm{
	{"raw", func(s string) string { return s }},
	{"query", url.QueryEscape},
	{"query lower hex", func(s string) string { return lowerPercent(url.QueryEscape(s)) }},
	{"path", url.PathEscape},
	{"path lower hex", func(s string) string { return lowerPercent(url.PathEscape(s)) }},
	{"html", html.EscapeString},
	{"html named", strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", `'`, "&apos;").Replace},
	{"html decimal", strings.NewReplacer(`&`, "&#38;", `<`, "&#60;", `>`, "&#62;", `"`, "&#34;", `'`, "&#39;").Replace},
	{"html hex", strings.NewReplacer(`&`, "&#x26;", `<`, "&#x3c;", `>`, "&#X3E;", `"`, "&#x22;", `'`, "&#x27;").Replace},
	{"html php", strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", `'`, "&#039;").Replace},
	{"html mixed", htmlMixed},
	{"json", func(s string) string { return jsonString(s, true) }},
	{"json without html escaping", func(s string) string { return jsonString(s, false) }},
	{"json escaping slashes", func(s string) string { return strings.ReplaceAll(jsonString(s, false), "/", `\/`) }},
	{"json ascii", jsonASCII},
	{"query twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }},
	{"html twice", func(s string) string { return html.EscapeString(html.EscapeString(s)) }},
	{"html of json", func(s string) string { return html.EscapeString(jsonString(s, false)) }},
	{"json of html", func(s string) string { return jsonString(html.EscapeString(s), true) }},
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerPercent(s string) string { return percentHex.ReplaceAllStringFunc(s, strings.ToLower) }

// htmlMixed escapes each of &<>"' in turn with a different one of its
// entities, as a server stitching text from several libraries might.
func htmlMixed(s string) string {
	forms := map[rune][]string{
		'&':  {"&amp;", "&#38;", "&#x26;", "&AMP;"},
		'<':  {"&lt;", "&#60;", "&#x3C;", "&#0060;"},
		'>':  {"&gt;", "&#62;", "&#x3e;", "&GT;"},
		'"':  {"&quot;", "&#34;", "&#x22;", "&#034;"},
		'\'': {"&#39;", "&apos;", "&#x27;", "&#039;"},
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if f, ok := forms[r]; ok {
			b.WriteString(f[n%len(f)])
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jsonString is s as encoding/json writes it inside a string, quotes cut.
func jsonString(s string, escapeHTML bool) string {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(escapeHTML)
	if err := e.Encode(s); err != nil {
		panic(err)
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	return out[1 : len(out)-1]
}

// jsonASCII escapes as encoders that keep to ASCII do: every other rune as
// \uxxxx, beyond the BMP as a surrogate pair.
func jsonASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// scrubSecrets are the values TestScrubEveryForm hides: every character a
// form escapes, multibyte and beyond-BMP runes, a control character.
var scrubSecrets = []string{
	`p@ss "w&rd"<1>'x'/ü\`,
	"Hpx0Hd5H8fJ9RrtQjxsG",
	"100%+sure=yes;no?a#b",
	"tab\there\nnl😀€\u2028end",
}

func TestScrubEveryForm(t *testing.T) {
	var s Secrets
	s.AddPermanent(scrubSecrets[:2]...)
	for _, v := range scrubSecrets[2:] {
		s.AddTemporary(v)
	}
	for _, secret := range scrubSecrets {
		for _, e := range encodings {
			t.Run(e.name+"/"+secret, func(t *testing.T) {
				whole := e.enc(secret)
				assert.Equal(t, "error: REDACTED.", s.Scrub("error: "+whole+"."), whole)
				assert.Equal(t, "REDACTED", s.Scrub(whole))

				for _, n := range []int{8, 9, 12, utf8.RuneCountInString(secret) - 1} {
					cut := e.enc(runePrefix(secret, n))
					assert.Equal(t, "echo: REDACTED", s.Scrub("echo: "+cut), "%d characters: %s", n, cut)
				}
				short := "echo: " + e.enc(runePrefix(secret, 7)) + " x"
				assert.Equal(t, short, s.Scrub(short), "7 characters are not an echo")
			})
		}
	}
}

func runePrefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func TestScrub(t *testing.T) {
	var s Secrets
	s.AddPermanent("p@ss word/1", "", "abc", "abcdef", "Secret\"Pass'", "k3y-\xff-bytes", "pin42",
		"r\uFFFDplaced", "pass\u0080word", "pässword", "abcdefgh\u0080ij")
	s.AddTemporary("Hpx0Hd5H8fJ9RrtQjxsG")
	s.AddTemporary("")
	cases := []struct{ name, in, want string }{
		{"query, session id, raw, path",
			`Post "https://h/api?Password=p%40ss+word%2F1": ss-id=Hpx0Hd5H8fJ9RrtQjxsG raw p@ss word/1 path p@ss%20word%2F1`,
			`Post "https://h/api?Password=REDACTED": ss-id=REDACTED raw REDACTED path REDACTED`},
		{"lower-case percent hex", "p%40ss%20word%2f1", Mask},
		{"percent hex of mixed case", "p%40ss+word%2f1 p%40ss+word%2F1", "REDACTED REDACTED"},
		{"a secret inside another is masked whole", "x abcdef y", "x REDACTED y"},
		{"a short secret whole", "x abc y pin42", "x REDACTED y REDACTED"},
		{"a short secret's head is kept", "pin4 ab", "pin4 ab"},
		{"truncated at 8", "IPS echoed Hpx0Hd5H", "IPS echoed REDACTED"},
		{"truncated at 7 is kept", "IPS echoed Hpx0Hd5", "IPS echoed Hpx0Hd5"},
		{"truncated inside an escape", "p%40ss+wor%2", "REDACTED%2"},
		{"mixed entities in one secret", "<td>Secret&quot;Pass&#39;</td> <td>Secret&#x22;Pass&apos;</td>", "<td>REDACTED</td> <td>REDACTED</td>"},
		{"entities around a secret are kept", "a &amp; b Secret&#34;Pass&#039; &lt;c&gt;", "a &amp; b REDACTED &lt;c&gt;"},
		{"json", `{"error":"bad password Secret\"Pass\u0027","user":"x"}`, `{"error":"bad password REDACTED","user":"x"}`},
		{"json escaped html entity", `"Secret\u0026quot;Pass\u0026#39;"`, `"REDACTED"`},
		{"adjacent matches merge", "p@ss word/1Hpx0Hd5H8fJ9RrtQjxsG", Mask},
		{"overlapping matches merge", "Hpx0Hd5HHpx0Hd5H8fJ9RrtQjxsG!", "REDACTED!"},
		{"a card number next to a secret merges", "abc4111111111111111", Mask},
		{"card number", "card 4111 1111 1111 1111 declined", "card REDACTED declined"},
		{"invalid UTF-8 in a secret", "k3y-\xff-bytes k3y-%FF-bytes k3y-%ff-by", "REDACTED REDACTED REDACTED"},
		{"unrelated escapes are kept", `%zz &#xZZ; \u12 & % \ + &#;`, `%zz &#xZZ; \u12 & % \ + &#;`},
		{"entity names in upper case", "Secret&QUOT;Pass&APOS;", Mask},
		{"U+FFFD in a secret is a character", "x r\uFFFDplaced r%EF%BF%BDplaced", "x REDACTED REDACTED"},
		// The bytes of a multibyte character, each raw or percent-escaped.
		{"U+0080 percent-escaped", "pass%C2%80word", Mask},
		{"U+0080, first byte raw", "pass\xc2%80word", Mask},
		{"U+0080, second byte raw", "pass%C2\x80word", Mask},
		{"ä, first byte raw", "p\xc3%A4ssword", Mask},
		{"a lone byte 0x80 is not U+0080", "abcdefgh\x80ij", "REDACTED\x80ij"},
		{"nothing to mask", "nothing here", "nothing here"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, s.Scrub(c.in))
		})
	}
}

func TestSecretsForgetOldestTemporary(t *testing.T) {
	var s Secrets
	s.AddPermanent("password-1")
	for i := range maxTemporary + 5 {
		s.AddTemporary(fmt.Sprintf("%03d-session", i))
	}
	assert.Equal(t, 32, maxTemporary, "as the Secrets doc says")
	assert.Equal(t, "000-session", s.Scrub("000-session"), "oldest forgotten")
	assert.Equal(t, "004-session", s.Scrub("004-session"), "oldest forgotten")
	assert.Equal(t, Mask, s.Scrub("005-session"))
	assert.Equal(t, Mask, s.Scrub(fmt.Sprintf("%03d-session", maxTemporary+4)))
	assert.Equal(t, Mask, s.Scrub("password-1"), "permanent kept")

	s.AddTemporary("005-session") // held already: now the newest
	s.AddTemporary("new-session")
	assert.Equal(t, Mask, s.Scrub("005-session"), "re-adding keeps a value")
	assert.Equal(t, "006-session", s.Scrub("006-session"), "and the next oldest goes")

	// Re-adding the oldest value, however often, holds it once: the value
	// added after it is kept until 31 newer ones come.
	var r Secrets
	r.AddTemporary("first-session")
	r.AddTemporary("second-session")
	for range maxTemporary - 1 {
		r.AddTemporary("first-session")
	}
	r.AddTemporary("third-session")
	assert.Equal(t, "REDACTED REDACTED REDACTED", r.Scrub("first-session second-session third-session"))
}

// TestDecoderReadings pins what the decoder reads at the start of text: a
// character the whole text spells, escaped at most maxDepth times, or
// nothing but the text's first byte.
func TestDecoderReadings(t *testing.T) {
	const none = -1
	cases := []struct {
		name, text string
		want       rune // read from the whole text, or none
	}{
		{"largest decimal rune", "&#1114111;", utf8.MaxRune},
		{"largest hex rune", "&#x10FFFF;", utf8.MaxRune},
		{"seven decimal digits", "&#1000000;", 1000000},
		{"six hex digits", "&#x100000;", 0x100000},
		{"beyond the largest rune", "&#1114112;", none},
		{"many leading zeros, decimal", "&#00000000064;", '@'},
		{"many leading zeros, hex", "&#x0000000040;", '@'},
		{"named, upper case", "&AMP;", '&'},
		{"named, mixed case", "&aPoS;", '\''},
		{"named, upper case Q", "&QUOT;", '"'},
		{"percent, a hex digit escaped", "%%340", '@'},
		{"percent, escaped three times", "%%%3340", none},
		{"entity, a digit escaped", "&#&#54;4;", '@'},
		{"entity, escaped three times", "&#&#&#53;4;4;", none},
		{"a letter is no decimal digit", "&#6a;", none},
		{"percent, not hex", "%4z", none},
		{"percent, no hex at all", "%zz", none},
		{"entity, no digits", "&#zz;", none},
		{"json, not hex", `\uzzzz`, none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decoder{text: c.text}
			var whole []rune // what is read from the whole text
			for _, tok := range d.tokens(0, maxDepth) {
				if tok.end == len(c.text) {
					whole = append(whole, tok.v)
				}
			}
			if c.want == none {
				assert.Empty(t, whole)
			} else {
				assert.Equal(t, []rune{c.want}, whole)
			}
		})
	}
}

func TestSecretsCacheFollowsChanges(t *testing.T) {
	var s Secrets
	assert.Equal(t, "tok-123456789", s.Scrub("tok-123456789"))
	s.AddTemporary("tok-123456789")
	assert.Equal(t, Mask, s.Scrub("tok-123456789"), "a temporary value added after a Scrub")
	s.AddPermanent("pass-987654321")
	assert.Equal(t, "REDACTED REDACTED", s.Scrub("pass-987654321 tok-123456789"), "a permanent value added after a Scrub")
	m := s.matcher()
	assert.Same(t, m, s.matcher(), "cached until a change")
}

func TestSecretsConcurrent(t *testing.T) {
	var s Secrets
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(3)
		go func() { defer wg.Done(); s.AddTemporary(fmt.Sprintf("tok-%d-xyz", i)) }()
		go func() { defer wg.Done(); s.AddPermanent(fmt.Sprintf("pw-%d-abcdefgh", i)) }()
		go func() { defer wg.Done(); _ = s.Scrub("tok-1-xyz pw-1-abcdefgh") }()
	}
	wg.Wait()
	assert.Equal(t, "REDACTED REDACTED", s.Scrub("tok-1-xyz pw-1-abcdefgh"))
	var nilSet *Secrets
	assert.Equal(t, "x", nilSet.Scrub("x"))
}

// TestScrubAdversarialText guards against a matcher that backtracks or
// slows to a crawl: text built to keep every secret's match alive as long
// as possible, against the most secrets a set holds. The work is linear
// in the text (milliseconds here); a run still going after a budget far
// above that fails rather than waiting for the test binary's timeout.
func TestScrubAdversarialText(t *testing.T) {
	var s Secrets
	for i := range maxTemporary {
		s.AddTemporary(strings.Repeat("a", 30) + fmt.Sprint(i))
	}
	// \u005c\u005c… reaches the same place by more than one reading, so a
	// matcher that followed readings rather than the places they end at
	// would double its work with each of the 24 backslashes.
	s.AddPermanent(`&&&&&&&&&&&&x`, `%%%%%%%%%%%x`, strings.Repeat(`\`, 24)+"x", "é&é&é&é&é&")
	cases := []struct{ name, text, want string }{
		{"one letter", strings.Repeat("a", 10_000), Mask},
		{"entities", strings.Repeat("&amp;", 2_000), Mask},
		{"percent", strings.Repeat("%25", 3_000), Mask},
		{"json", strings.Repeat(`\u005c`, 1_500), Mask},
		{"mixed", strings.Repeat("%C3%A9&#38;", 1_000), Mask},
		{"zeros", strings.Repeat("&#0000000", 1_000), strings.Repeat("&#0000000", 1_000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const budget = 10 * time.Second
			start := time.Now()
			done := make(chan string, 1)
			go func() { done <- s.Scrub(c.text) }()
			select {
			case got := <-done:
				t.Logf("%d bytes in %v", len(c.text), time.Since(start))
				assert.Equal(t, c.want, got)
			case <-time.After(budget):
				t.Fatalf("Scrub of %d bytes still running after %v", len(c.text), budget)
			}
		})
	}
}

func BenchmarkScrub(b *testing.B) {
	var s Secrets
	s.AddPermanent("CitrusTestAdmin", "s3cr&t-P@ssw0rd")
	for i := range maxTemporary {
		s.AddTemporary(fmt.Sprintf("Hpx0Hd5H8fJ9RrtQjx%03d", i))
	}
	text := strings.Repeat(`<p>Error &amp; more: {"message":"Invalid user \u0026 pass","code":"E-1234"} `+
		`at https://h/api?x=a%20b&amp;y=c for s3cr&amp;t-P@ssw0rd</p>`+"\n", 40)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = s.Scrub(text)
	}
}

// FuzzScrub embeds a secret, whole or cut to 8 or more characters, in
// random text in each form of encodings, and checks that no form of its
// first 8 characters survives Scrub.
func FuzzScrub(f *testing.F) {
	f.Add(`p@ss "w&rd"<1>'x'/ü\`, "before ", " after", uint8(0))
	f.Add("Hpx0Hd5H8fJ9RrtQjxsG", `{"e":"`, `"}`, uint8(3))
	f.Add("100%+sure=yes;no?a#b", "%", "&", uint8(7))
	f.Add("tab\there\nnl😀€\u2028end", `\`, `\u`, uint8(200))
	f.Add("REDACTED-pass", "REDACTED", "ED", uint8(1))
	f.Add("aaaaaaaaaaaa", "aaaaaaa", "aaaaaaaaaaaaaa", uint8(9))
	f.Add("&amp;&amp;&amp;", "&amp", ";", uint8(2))
	f.Fuzz(func(t *testing.T, secret, before, after string, cut uint8) {
		n := utf8.RuneCountInString(secret)
		if n < minEcho || n > 64 || !utf8.ValidString(secret) || len(before)+len(after) > 256 {
			t.Skip()
		}
		var s Secrets
		s.AddPermanent(secret)
		prefix := runePrefix(secret, minEcho)
		echo := runePrefix(secret, minEcho+int(cut)%(n-minEcho+1))

		// Mask itself may spell part of a secret ("REDACTED-pass"), so
		// check the output with every Mask turned into a rune the secret
		// lacks; no form of the secret holds that rune either.
		sentinel := '\uE000'
		for strings.ContainsRune(secret, sentinel) {
			sentinel++
		}
		for _, e := range encodings {
			for _, v := range []string{secret, echo} {
				text := before + e.enc(v) + after
				out := strings.ReplaceAll(s.Scrub(text), Mask, string(sentinel))
				for _, g := range encodings {
					if leak := g.enc(prefix); strings.Contains(out, leak) {
						t.Fatalf("%s form %q of %q survives in Scrub(%q) = %q", g.name, leak, v, text, out)
					}
				}
			}
		}
	})
}
