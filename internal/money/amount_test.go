package money

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKeepsExactDigits(t *testing.T) {
	cases := []struct{ in, want string }{
		{"100.50", "100.50"},
		{"0", "0"},
		{"-50", "-50"},
		{"+7.25", "7.25"},
		{"0.05", "0.05"},
		{"-0.05", "-0.05"},
		{".5", "0.5"},
		{"5.", ""}, // syntax error
		{"1.005e2", "100.5"},
		{"5E+1", "50"},
		{"12.5e-2", "0.125"},
		{"0.000000000000000001", "0.000000000000000001"},
		{"1.0000000000000000000000", "1.000000000000000000"},
		{"9223372036854775807", "9223372036854775807"},
		{"-9223372036854775808", "-9223372036854775808"},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		if tc.want == "" {
			assert.ErrorIs(t, err, ErrSyntax, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got.String(), tc.in)
	}
}

func TestParseRejects(t *testing.T) {
	for in, want := range map[string]error{
		"":                      ErrSyntax,
		"-":                     ErrSyntax,
		"1,00":                  ErrSyntax,
		"1.2.3":                 ErrSyntax,
		"NaN":                   ErrSyntax,
		"Inf":                   ErrSyntax,
		"1e":                    ErrSyntax,
		"1e99999":               ErrSyntax,
		" 1":                    ErrSyntax,
		"0x10":                  ErrSyntax,
		"9223372036854775808":   ErrRange,
		"0.0000000000000000001": ErrRange,
	} {
		_, err := Parse(in)
		assert.ErrorIs(t, err, want, "%q", in)
	}
}

func TestConstructors(t *testing.T) {
	assert.Equal(t, "100.50", Cents(10050).String())
	assert.Equal(t, "-0.07", Cents(-7).String())
	assert.Equal(t, "-9223372036854775808", Amount{coef: math.MinInt64}.String())
}

func TestCmpSignAdd(t *testing.T) {
	a, b := mustParse(t, "1.5"), mustParse(t, "1.50")
	assert.Equal(t, 0, a.Cmp(b))
	assert.Equal(t, -1, mustParse(t, "-2").Cmp(a))
	assert.Equal(t, 1, a.Cmp(mustParse(t, "1.49")))
	assert.Equal(t, -1, mustParse(t, "-0.01").Sign())
	assert.True(t, mustParse(t, "0.00").IsZero())
	assert.Equal(t, 2, b.Scale())

	sum, err := mustParse(t, "100.5").Add(mustParse(t, "0.25"))
	require.NoError(t, err)
	assert.Equal(t, "100.75", sum.String())

	_, err = Amount{coef: math.MaxInt64}.Add(Cents(1))
	assert.ErrorIs(t, err, ErrRange)
	_, err = Amount{coef: math.MinInt64}.Add(Amount{coef: -1})
	assert.ErrorIs(t, err, ErrRange)
}

func TestDecimalPlaces(t *testing.T) {
	for in, want := range map[string]int{"100.25": 2, "100.50": 1, "100.500": 1, "100.00": 0, "0": 0, "0.000": 0, "-0.125": 3, "5e-3": 3, "12": 0} {
		assert.Equal(t, want, mustParse(t, in).DecimalPlaces(), in)
	}
}

func TestJSON(t *testing.T) {
	type body struct {
		Amount Amount  `json:"amount"`
		Fee    Amount  `json:"fee"`
		Opt    *Amount `json:"opt,omitempty"`
	}
	out, err := json.Marshal(body{Amount: mustParse(t, "100.50")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":100.50,"fee":0}`, string(out))
	assert.Contains(t, string(out), `100.50`, "digits are kept exactly")

	var in body
	require.NoError(t, json.Unmarshal([]byte(`{"amount":"100.50","fee":0.1,"opt":null}`), &in))
	assert.Equal(t, "100.50", in.Amount.String())
	assert.Equal(t, "0.1", in.Fee.String())
	assert.Nil(t, in.Opt)

	err = json.Unmarshal([]byte(`{"amount":"ten"}`), &in)
	assert.True(t, errors.Is(err, ErrSyntax), "got %v", err)
	err = json.Unmarshal([]byte(`{"amount":true}`), &in)
	assert.Error(t, err)
}

func TestText(t *testing.T) {
	var a Amount
	require.NoError(t, a.UnmarshalText([]byte("12.30")))
	txt, err := a.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "12.30", string(txt))
	assert.ErrorIs(t, a.UnmarshalText([]byte("x")), ErrSyntax)
}

func mustParse(t *testing.T, s string) Amount {
	t.Helper()
	a, err := Parse(s)
	require.NoError(t, err)
	return a
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// formats back to a string that parses to the same value and scale.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"100.50", "-0.05", "1.005e2", "9223372036854775807", "0e-30", ".5", "1e-18"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not parse back: %v", s, a, err)
		}
		if a != b {
			t.Fatalf("round trip of %q: %#v != %#v", s, a, b)
		}
	})
}

func TestErrorsNeverRepeatTheInput(t *testing.T) {
	for _, in := range []string{"12x34secret", "4111111111111111x", "secret", "1e99999secret", "99999999999999999999", "0.0000000000000000000001"} {
		_, err := Parse(in)
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), in)
		assert.NotContains(t, err.Error(), "secret")
		assert.NotContains(t, err.Error(), in[:4], "not even a prefix")
	}
	_, err := Parse("12x34secret")
	assert.EqualError(t, err, "money: not a decimal number")
}
