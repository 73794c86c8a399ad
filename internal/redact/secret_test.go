package redact

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secretValue = "pa55-W0rd-4111111111111111"

func TestSecretEveryVerb(t *testing.T) {
	cases := []struct {
		format    string
		set, zero string
	}{
		{"%v", "REDACTED", ""},
		{"%+v", "REDACTED", ""},
		{"%#v", "REDACTED", ""},
		{"%s", "REDACTED", ""},
		{"%q", `"REDACTED"`, `""`},
		{"%#q", `"REDACTED"`, `""`},
		{"%x", "REDACTED", ""},
		{"%X", "REDACTED", ""},
		{"% x", "REDACTED", ""},
		{"%d", "REDACTED", ""},
		{"%t", "REDACTED", ""},
		{"%.3s", "REDACTED", ""},
		{"%10s|", "  REDACTED|", "          |"},
		{"%-10v|", "REDACTED  |", "          |"},
		{"%[1]v %[1]s", "REDACTED REDACTED", " "},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			assert.Equal(t, c.set, fmt.Sprintf(c.format, Secret(secretValue)))
			assert.Equal(t, c.zero, fmt.Sprintf(c.format, Secret("")))
			p := Secret(secretValue)
			assert.Equal(t, c.set, fmt.Sprintf(c.format, &p), "through a pointer")
		})
	}
	assert.Equal(t, "REDACTED", fmt.Sprint(Secret(secretValue)))
	assert.Equal(t, "REDACTED\n", fmt.Sprintln(Secret(secretValue)))
	extra := "%d"
	//lint:ignore SA5009 the surplus argument is what this checks
	assert.Equal(t, "1%!(EXTRA redact.Secret=REDACTED)", fmt.Sprintf(extra, 1, Secret(secretValue)), "a surplus argument")
}

func TestSecretMethods(t *testing.T) {
	s := Secret(secretValue)
	assert.Equal(t, secretValue, s.Reveal())
	assert.Equal(t, Mask, s.String())
	assert.Equal(t, Mask, s.GoString())
	assert.Equal(t, slog.StringValue(Mask), s.LogValue())
	assert.Equal(t, `"REDACTED"`, string(must(s.MarshalJSON())))

	var zero Secret
	assert.Equal(t, "", zero.Reveal())
	assert.Equal(t, "", zero.String())
	assert.Equal(t, "", zero.GoString())
	assert.Equal(t, `""`, string(must(zero.MarshalJSON())))

	_, isText := any(s).(encoding.TextMarshaler)
	assert.False(t, isText, "no MarshalText: nothing may encode the value by accident")
	_, isText = any(&s).(encoding.TextMarshaler)
	assert.False(t, isText)
}

type card struct {
	Number Secret  `json:"number"`
	CVV    Secret  `json:"cvv"`
	Token  *Secret `json:"token"`
	None   *Secret `json:"none"`
	Holder string  `json:"holder"`
}

func TestSecretInsideStructs(t *testing.T) {
	tok := Secret("tok-" + secretValue)
	c := card{Number: secretValue, CVV: "737", Token: &tok, Holder: "Ada"}
	outer := struct {
		Card  card
		Ptr   *card
		Cards []card
		ByKey map[string]Secret
	}{c, &c, []card{c}, map[string]Secret{"k": secretValue}}

	outputs := map[string]string{}
	for _, v := range []struct {
		name string
		val  any
	}{{"value", c}, {"pointer", &c}, {"nested", outer}, {"nested pointer", &outer}} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			outputs[v.name+" "+verb] = fmt.Sprintf(verb, v.val)
		}
		outputs[v.name+" json"] = string(must(json.Marshal(v.val)))
		outputs[v.name+" slog text"] = logLine(slog.NewTextHandler, v.val)
		outputs[v.name+" slog json"] = logLine(slog.NewJSONHandler, v.val)
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, out, "pa55", out)
			assert.NotContains(t, out, "737", out)
			assert.Contains(t, out, Mask, out)
			assert.Contains(t, out, "Ada", out)
		})
	}
	for _, verb := range []string{"%s", "%d", "%x", "%q"} {
		for _, v := range []any{c, &c} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "pa55", out)
			assert.Contains(t, out, Mask, out)
		}
	}
	assert.Equal(t,
		`{"number":"REDACTED","cvv":"REDACTED","token":"REDACTED","none":null,"holder":"Ada"}`,
		string(must(json.Marshal(c))))
	assert.Equal(t, "{Number:REDACTED CVV:REDACTED Token:REDACTED None:<nil> Holder:Ada}", fmt.Sprintf("%+v", c))
}

// TestSecretFmtLimits pins the holes the Secret doc comment describes, so
// the comment is changed when they close (a new Go release, or a Secret
// that no longer holds the string directly). It shows leaks; it does not
// endorse them.
func TestSecretFmtLimits(t *testing.T) {
	type unexported struct{ pw Secret }
	c := card{Number: secretValue}
	verbP, verbS := "%p", "%s" // go vet reports these misuses when the format is a constant
	for name, out := range map[string]string{
		"unexported field": fmt.Sprintf("%v", unexported{secretValue}),
		"%p on a Secret":   fmt.Sprintf(verbP, Secret(secretValue)),
		//lint:ignore SA5009 the misuse is what this documents
		"%p on a struct": fmt.Sprintf(verbP, c),
		//lint:ignore SA5009 the misuse is what this documents
		"%s reaching a nested ptr": fmt.Sprintf(verbS, struct{ P *card }{&c}),
	} {
		assert.Contains(t, out, secretValue, name)
	}
	assert.NotContains(t, fmt.Sprintf("%v", struct{ P *card }{&c}), secretValue, "%v prints a nested pointer's address")
}

func TestSecretLogged(t *testing.T) {
	s := Secret(secretValue)
	assert.Contains(t, logLine(slog.NewTextHandler, s), "v=REDACTED")
	assert.Contains(t, logLine(slog.NewJSONHandler, s), `"v":"REDACTED"`)
	assert.Contains(t, logLine(slog.NewTextHandler, &s), "v=REDACTED")
	assert.Contains(t, logLine(slog.NewTextHandler, Secret("")), `v=""`)
	assert.Contains(t, logLine(slog.NewJSONHandler, Secret("")), `"v":""`)
}

func TestSecretUnmarshalJSON(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{`{"number":"4111111111111111"}`, "4111111111111111", false},
		{`{"number":"a\"b\u00e9\\"}`, "a\"bé\\", false},
		{`{"number":""}`, "", false},
		{`{"number":null}`, "kept", false},
		{`{}`, "kept", false},
		{`{"number":4111111111111111}`, "", true},
		{`{"number":true}`, "", true},
		{`{"number":["4111111111111111"]}`, "", true},
		{`{"number":{"v":"4111111111111111"}}`, "", true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			v := card{Number: "kept"}
			err := json.Unmarshal([]byte(c.in), &v)
			if c.wantErr {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "4111")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, v.Number.Reveal())
		})
	}
	var s Secret
	assert.Error(t, s.UnmarshalJSON(nil))
	assert.Error(t, s.UnmarshalJSON([]byte(`"unterminated`)))
}

// logLine logs v without the time, whose digits could hold any value a
// test checks is absent ("…07:37:12.4737…" holds a CVV of 737).
func logLine[H slog.Handler](newHandler func(w io.Writer, o *slog.HandlerOptions) H, v any) string {
	var buf bytes.Buffer
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	slog.New(newHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("x", "v", v)
	return buf.String()
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
