package money

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonicalEquality(t *testing.T) {
	cases := []struct {
		name string
		a, b Amount
	}{
		{"one decimal vs two", mustParse(t, "10.5"), mustParse(t, "10.50")},
		{"one decimal vs three", mustParse(t, "10.5"), mustParse(t, "10.500")},
		{"exponent", mustParse(t, "10.5"), mustParse(t, "1050e-2")},
		{"cents", mustParse(t, "10.5"), Cents(1050)},
		{"whole", mustParse(t, "100"), mustParse(t, "100.00")},
		{"whole cents", mustParse(t, "100"), Cents(10000)},
		{"zero value and 0.00", Amount{}, mustParse(t, "0.00")},
		{"zero value and 0", Amount{}, mustParse(t, "0")},
		{"zero value and -0.000", Amount{}, mustParse(t, "-0.000")},
		{"zero value and 0e-30", Amount{}, mustParse(t, "0e-30")},
		{"zero value and Cents(0)", Amount{}, Cents(0)},
		{"negative", mustParse(t, "-3"), Cents(-300)},
		{"18 decimals with trailing zeros", mustParse(t, "1"), mustParse(t, "1.0000000000000000000000")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.True(t, tc.a == tc.b, "%#v != %#v", tc.a, tc.b)
			assert.Equal(t, 0, tc.a.Cmp(tc.b))
		})
	}
	assert.False(t, mustParse(t, "10.5") == mustParse(t, "10.05"))
	assert.False(t, mustParse(t, "1") == mustParse(t, "-1"))

	m := map[Amount]string{mustParse(t, "10.50"): "x"}
	assert.Equal(t, "x", m[mustParse(t, "10.5")], "usable as a map key by value")
}

func TestString(t *testing.T) {
	cases := []struct {
		a    Amount
		want string
	}{
		{Amount{}, "0.00"},
		{mustParse(t, "100"), "100.00"},
		{mustParse(t, "100.5"), "100.50"},
		{mustParse(t, "100.500"), "100.50"},
		{mustParse(t, "100.25"), "100.25"},
		{mustParse(t, "0.125"), "0.125"},
		{mustParse(t, "-3"), "-3.00"},
		{mustParse(t, "-0.05"), "-0.05"},
		{mustParse(t, "-0.5"), "-0.50"},
		{mustParse(t, "0.000000000000000001"), "0.000000000000000001"},
		{mustParse(t, "-0.000000000000000001"), "-0.000000000000000001"},
		{Cents(10050), "100.50"},
		{Cents(-7), "-0.07"},
		{Cents(math.MaxInt64), "92233720368547758.07"},
		{Cents(math.MinInt64), "-92233720368547758.08"},
		{Amount{coef: math.MaxInt64}, "9223372036854775807.00"},
		{Amount{coef: math.MinInt64}, "-9223372036854775808.00"},
		{Amount{coef: math.MaxInt64, scale: MaxScale}, "9.223372036854775807"},
		{Amount{coef: math.MinInt64, scale: MaxScale}, "-9.223372036854775808"},
		{Amount{coef: 1, scale: MaxScale}, "0.000000000000000001"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.a.String(), "%#v", tc.a)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in    string
		coef  int64
		scale uint8
	}{
		{"100.50", 1005, 1},
		{"100.25", 10025, 2},
		{"100", 100, 0},
		{"0", 0, 0},
		{"-0", 0, 0},
		{"000.000", 0, 0},
		{"-50", -50, 0},
		{"+7.25", 725, 2},
		{"0.05", 5, 2},
		{"-0.05", -5, 2},
		{".5", 5, 1},
		{"-.5", -5, 1},
		{"007.10", 71, 1},
		{"1.005e2", 1005, 1},
		{"1.005E2", 1005, 1},
		{"5E+1", 50, 0},
		{"5e0", 5, 0},
		{"12.5e-2", 125, 3},
		{"1e-18", 1, 18},
		{"1000e-21", 1, 18},
		{"1e18", 1e18, 0},
		{"0.000000000000000001", 1, 18},
		{"1.0000000000000000000000", 1, 0},
		{"9223372036854775807", math.MaxInt64, 0},
		{"-9223372036854775808", math.MinInt64, 0},
		{"92233720368547758.07", math.MaxInt64, 2},
		{"-92233720368547758.08", math.MinInt64, 2},
		{"9.223372036854775807", math.MaxInt64, 18},
		{"92233720368547758070e-3", math.MaxInt64, 2},
		{"922337203685477580.70e1", math.MaxInt64, 0},
		{"0e99999", 0, 0},
		{"-0.0e-99999999999999999999999999", 0, 0},
		{"1" + strings.Repeat("0", 2000) + "e-2000", 1, 0},
		{"0." + strings.Repeat("0", 2000) + "25e2001", 25, 1},
		{"1e+0000000000000000000000002", 100, 0},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, Amount{coef: tc.coef, scale: tc.scale}, got, tc.in)
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"", ErrSyntax},
		{"-", ErrSyntax},
		{"+", ErrSyntax},
		{".", ErrSyntax},
		{"5.", ErrSyntax},
		{"+-5", ErrSyntax},
		{"--5", ErrSyntax},
		{"1,00", ErrSyntax},
		{"1.2.3", ErrSyntax},
		{"1_000", ErrSyntax},
		{"NaN", ErrSyntax},
		{"Inf", ErrSyntax},
		{"e5", ErrSyntax},
		{"1e", ErrSyntax},
		{"1e+", ErrSyntax},
		{"1e1.5", ErrSyntax},
		{"1e--5", ErrSyntax},
		{"1e5x", ErrSyntax},
		{"1e 5", ErrSyntax},
		{"1e99999", ErrRange},
		{"1e-99999", ErrRange},
		{"-1e+99999999999999999999999999", ErrRange},
		{"1e-99999999999999999999999999", ErrRange},
		{" 1", ErrSyntax},
		{"1 ", ErrSyntax},
		{"0x10", ErrSyntax},
		{"$5", ErrSyntax},
		{"9223372036854775808", ErrRange},
		{"-9223372036854775809", ErrRange},
		{"92233720368547758.08", ErrRange},
		{"-92233720368547758.09", ErrRange},
		{"1e19", ErrRange},
		{"10000000000000000000", ErrRange},
		{"0.0000000000000000001", ErrRange},
		{"1e-19", ErrRange},
		{"9.2233720368547758071", ErrRange},
	}
	for _, tc := range cases {
		_, err := Parse(tc.in)
		assert.ErrorIs(t, err, tc.want, "%q", tc.in)
	}
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

func TestCmpSignAdd(t *testing.T) {
	a := mustParse(t, "1.5")
	assert.Equal(t, -1, mustParse(t, "-2").Cmp(a))
	assert.Equal(t, 1, a.Cmp(mustParse(t, "1.49")))
	assert.Equal(t, -1, mustParse(t, "-0.01").Sign())
	assert.True(t, mustParse(t, "0.00").IsZero())

	sum, err := mustParse(t, "100.5").Add(mustParse(t, "0.25"))
	require.NoError(t, err)
	assert.Equal(t, "100.75", sum.String())
	sum, err = mustParse(t, "0.25").Add(mustParse(t, "0.75"))
	require.NoError(t, err)
	assert.Equal(t, Amount{coef: 1}, sum, "the sum is canonical")

	_, err = Amount{coef: math.MaxInt64}.Add(Cents(1))
	assert.ErrorIs(t, err, ErrRange)
	_, err = Amount{coef: math.MinInt64}.Add(Amount{coef: -1})
	assert.ErrorIs(t, err, ErrRange)
}

func TestDecimalPlaces(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"100.25", 2}, {"100.50", 1}, {"100.500", 1}, {"100.00", 0}, {"0", 0},
		{"0.000", 0}, {"-0.125", 3}, {"5e-3", 3}, {"12", 0}, {"1e-18", 18},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, mustParse(t, tc.in).DecimalPlaces(), tc.in)
	}
}

func TestJSON(t *testing.T) {
	type body struct {
		Amount Amount  `json:"amount"`
		Fee    Amount  `json:"fee"`
		Opt    *Amount `json:"opt,omitempty"`
	}
	out, err := json.Marshal(body{Amount: mustParse(t, "100.5")})
	require.NoError(t, err)
	assert.Equal(t, `{"amount":100.50,"fee":0.00}`, string(out))

	var in body
	require.NoError(t, json.Unmarshal([]byte(`{"amount":"100.50","fee":0.1,"opt":null}`), &in))
	assert.Equal(t, "100.50", in.Amount.String())
	assert.Equal(t, "0.10", in.Fee.String())
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
	require.NoError(t, err, s)
	return a
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// formats back to a string that parses to the same Amount.
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
