package transport

import (
	"strings"
	"testing"

	"github.com/civicpay/datapump/internal/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// complaint runs one check and returns its message ("" when it passed).
func complaint(f func(*Checks)) string {
	var c Checks
	f(&c)
	if c.OK() {
		return ""
	}
	return c.fields[0].Message
}

func TestTextChecks(t *testing.T) {
	cases := []struct {
		name  string
		check func(*Checks)
		want  string
	}{
		{"required", func(c *Checks) { c.Text("F", "", 5) }, "is required"},
		{"at the limit", func(c *Checks) { c.Text("F", "abcde", 5) }, ""},
		{"one past", func(c *Checks) { c.Text("F", "abcdef", 5) }, "is 6 characters long; the most allowed is 5"},
		{"characters, not bytes", func(c *Checks) { c.Text("F", "ééééé", 5) }, ""},
		{"characters one past", func(c *Checks) { c.Text("F", "éééééé", 5) }, "is 6 characters long"},
		{"no limit", func(c *Checks) { c.Text("F", strings.Repeat("x", 10000), 0) }, ""},
		{"control", func(c *Checks) { c.Text("F", "a\tb", 0) }, "control characters"},
		{"C1 control", func(c *Checks) { c.Text("F", "a\u0085b", 0) }, "control characters"},
		{"spaces", func(c *Checks) { c.Text("F", " a", 0) }, "spaces"},
		{"UTF-8", func(c *Checks) { c.Text("F", "a\xffb", 0) }, "UTF-8"},
		{"optional empty", func(c *Checks) { c.OptionalText("F", "", 5) }, ""},
		{"free text tab and newline", func(c *Checks) { c.FreeText("F", "a\tb\r\nc", 10) }, ""},
		{"free text control", func(c *Checks) { c.FreeText("F", "a\x00b", 10) }, "control characters"},
		{"free text card", func(c *Checks) { c.FreeText("F", "card 4111 1111 1111 1111", 100) }, "card number"},
		{"free text 13-digit card", func(c *Checks) { c.FreeText("F", "4222222222222", 100) }, "card number"},
		{"free text 19-digit card", func(c *Checks) { c.FreeText("F", "4111111111111111003", 100) }, "card number"},
		{"free text Oracle id", func(c *Checks) { c.FreeText("F", "checkout 300000100000001", 100) }, ""},
		{"free text too long", func(c *Checks) { c.FreeText("F", "abcdef", 5) }, "the most allowed is 5"},
		{"path segment slash", func(c *Checks) { c.PathSegment("F", "a/b", 0) }, "slash"},
		{"path segment dot", func(c *Checks) { c.PathSegment("F", ".", 0) }, `"." or ".."`},
		{"path segment ok", func(c *Checks) { c.PathSegment("F", "322931", 10) }, ""},
		{"path segment too long", func(c *Checks) { c.PathSegment("F", "322931", 5) }, "the most allowed is 5"},
	}
	for _, tc := range cases {
		assert.Contains(t, complaint(tc.check), tc.want, tc.name)
		if tc.want == "" {
			assert.Empty(t, complaint(tc.check), tc.name)
		}
	}
}

func TestLastFour(t *testing.T) {
	for _, ok := range []string{"", "4219", "*4219", "XXXX4219", "xx42", "7", "XXXX", "****"} {
		assert.Empty(t, complaint(func(c *Checks) { c.LastFour("F", ok) }), ok)
	}
	for bad, want := range map[string]string{
		"42190":                         "at most the last 4 digits",
		"4111111111111111":              "at most the last 4 digits",
		"*****************************": "up to 4 digits",
		"42a9":                          "up to 4 digits",
	} {
		assert.Contains(t, complaint(func(c *Checks) { c.LastFour("F", bad) }), want, bad)
	}
}

func TestMoney(t *testing.T) {
	amount := func(s string) money.Amount {
		a, err := money.Parse(s)
		require.NoError(t, err)
		return a
	}
	for s, want := range map[string]string{
		"12":                   "",
		"12.3":                 "",
		"12.34":                "",
		"12.345":               "must have at most 2 decimal places",
		"12.340":               "",
		"0":                    "must be greater than zero",
		"-1":                   "must be greater than zero",
		"92233720368547758.07": "",
	} {
		assert.Equal(t, want, complaint(func(c *Checks) { c.Money("Amount", amount(s), true) }), s)
	}
	assert.Empty(t, complaint(func(c *Checks) { c.Money("Fee", money.Amount{}, false) }), "zero allowed when not positive")
	assert.Contains(t, complaint(func(c *Checks) { c.Money("Fee", amount("-0.01"), false) }), "negative")
}

func TestBaseURL(t *testing.T) {
	for _, raw := range []string{
		"https://ips-rest.citrusbocc.com/IPS-TST-RS/api",
		"https://apis.accela.com",
		"http://127.0.0.1:8080/x",
		"http://localhost:1/",
		"http://[::1]:9/",
	} {
		var c Checks
		u := c.BaseURL("BaseURL", raw)
		require.True(t, c.OK(), raw)
		assert.Equal(t, raw, u.String())
	}
	for raw, want := range map[string]string{
		"":                          "is required",
		"ips.example/api":           "absolute https",
		"ftp://ips.example":         "absolute https",
		"http://ips.example/api":    "must use https",
		"http://10.0.0.7/api":       "loopback",
		"http://192.168.1.1":        "loopback",
		"https://u:p@ips.example":   "user info",
		"https://ips.example/?a=b":  "query",
		"https://ips.example/?":     "query",
		"https://ips.example/#frag": "fragment",
		"https://ips.example/%zz":   "not a URL",
		"https://":                  "absolute https",
	} {
		var c Checks
		assert.Nil(t, c.BaseURL("BaseURL", raw), raw)
		require.False(t, c.OK(), raw)
		assert.Contains(t, c.fields[0].Message, want, raw)
		assert.NotContains(t, c.fields[0].Message, "u:p", "the value is never repeated")
	}
}

func TestChecksErrListsEveryField(t *testing.T) {
	var c Checks
	assert.NoError(t, c.Err("p", "Op"))
	c.Text("A", "", 1)
	c.Text("B", "toolong", 3)
	c.Nil(false)
	err := c.Err("p", "Op")
	e := requireOutcome(t, err, ErrNotApplied)
	assert.False(t, e.Temporary)
	assert.Equal(t, []FieldError{{Field: "A", Message: "is required"}, {Field: "B", Message: "is 7 characters long; the most allowed is 3"}}, e.Fields)
	assert.Equal(t, "p Op invalid input, nothing was sent: A: is required; B: is 7 characters long; the most allowed is 3 (not applied: nothing was sent)", err.Error())
	assert.NotContains(t, err.Error(), "toolong")
	var n Checks
	assert.True(t, n.Nil(true))
	assert.Contains(t, n.Err("p", "Op").Error(), "request: is nil")
}
