package wire

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDText(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{`"ABC-1"`, "ABC-1", ""},
		{`322931`, "322931", ""},
		{`300000100000001`, "300000100000001", ""},
		{`18446744073709551615`, "18446744073709551615", ""},
		{`-7`, "-7", ""},
		{`null`, "", ""},
		{` "x" `, "x", ""},
		{`1.5`, "", "neither"},
		{`1e3`, "", "neither"},
		{`true`, "", "neither"},
		{`{"id":1}`, "", "neither"},
		{`"unterminated`, "", "not a valid"},
	}
	for _, tc := range cases {
		got, err := IDText([]byte(tc.in))
		if tc.err != "" {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), tc.err)
			assert.NotContains(t, err.Error(), tc.in, "errors never echo partner data")
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestInt(t *testing.T) {
	for in, want := range map[string]int64{`900`: 900, `"900"`: 900, `null`: 0, `"-3"`: -3} {
		got, err := Int([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`"abc"`, `1.5`, `"99999999999999999999"`} {
		_, err := Int([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestOneOrMany(t *testing.T) {
	type item struct{ ID int }
	many, err := OneOrMany[item]([]byte(`[{"ID":1},{"ID":2}]`))
	require.NoError(t, err)
	assert.Equal(t, []item{{1}, {2}}, many)
	one, err := OneOrMany[item]([]byte(`{"ID":3}`))
	require.NoError(t, err)
	assert.Equal(t, []item{{3}}, one)
	none, err := OneOrMany[item]([]byte(`null`))
	require.NoError(t, err)
	assert.Nil(t, none)
	_, err = OneOrMany[item]([]byte(`"x"`))
	assert.Error(t, err)
}

func TestParseTime(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	cases := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2022-11-09T17:17:28.0000000-05:00", nil, time.Date(2022, 11, 9, 17, 17, 28, 0, est)},
		{"2013-05-29T17:11:59.33", nil, time.Date(2013, 5, 29, 17, 11, 59, 330_000_000, time.UTC)},
		{"2013-05-29T17:11:59.33", est, time.Date(2013, 5, 29, 17, 11, 59, 330_000_000, est)},
		{"2024-01-02 03:04:05", est, time.Date(2024, 1, 2, 3, 4, 5, 0, est)},
		{"2024-01-02", nil, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"", nil, time.Time{}},
	}
	for _, tc := range cases {
		got, err := ParseTime(tc.in, tc.loc)
		require.NoError(t, err, tc.in)
		assert.True(t, tc.want.Equal(got), "%s: got %v want %v", tc.in, got, tc.want)
	}
	_, err := ParseTime("29/05/2013 secret", nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")

	got, err := TimeText([]byte(`"2024-01-02"`), nil)
	require.NoError(t, err)
	assert.Equal(t, 2024, got.Year())
	got, err = TimeText([]byte(`null`), nil)
	require.NoError(t, err)
	assert.True(t, got.IsZero())
	_, err = TimeText([]byte(`12`), nil)
	assert.Error(t, err)
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`"plain"`:         "plain",
		`""`:              "",
		`"a\"b"`:          `a"b`,
		`"\u00e9t\u00e9"`: "été",
		`"tab\there"`:     "tab\there",
		"\"caf\xc3\xa9\"": "café",
		`"\\"`:            `\`, // only a backslash: the escape must be decoded
	} {
		got, err := Text(input(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	// Invalid UTF-8 goes through the decoder, as everywhere else, even
	// when the string holds nothing else.
	for in, want := range map[string]string{
		"\"bad\xff\"":  "bad\ufffd",
		"\"\xff\xfe\"": "\ufffd\ufffd",
	} {
		got, err := Text(input(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	// Not JSON strings: no input, a lone quote, text that only ends with a
	// quote, a string holding only a quote or only control characters.
	// The fast path must refuse each by a check of its own.
	for _, bad := range []string{``, `"`, `x`, `x"`, `ab"`, `"open`, `"a"b"`, `"""`, "\"ctl\x01\"", "\"\x01\x1f\""} {
		_, err := Text(input(bad))
		assert.Error(t, err, bad)
	}
}

// input returns s as bytes with no capacity beyond them, so that reading
// past the end of the input panics instead of going unnoticed.
func input(s string) []byte {
	b := []byte(s)
	return b[:len(b):len(b)]
}
