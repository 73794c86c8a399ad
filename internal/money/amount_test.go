package money

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
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
		{"more than 18 zero decimals", mustParse(t, "1"), mustParse(t, "1.0000000000000000000000")},
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
		{"1e255", ErrRange},
		{"1e256", ErrRange},                   // 256 zeros are not 0 zeros
		{"1e18446744073709551616", ErrRange},  // 2^64 is not 0
		{"1e-18446744073709551617", ErrRange}, // nor 2^64+1 one
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
	cases = append(cases, []struct {
		in   string
		want error
	}{
		{"1" + strings.Repeat("0", 255) + "e1", ErrRange}, // 10^256: 256 zeros are not 0
		{"1" + strings.Repeat("0", 400), ErrRange},
	}...)
	for _, tc := range cases {
		_, err := Parse(tc.in)
		assert.ErrorIs(t, err, tc.want, "%.30q", tc.in)
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
	cases := []struct{ in, want string }{
		{"12x34secret", "money: not a decimal number"},
		{"", "money: not a decimal number"},
		{"9223372036854775808", "money: too many digits for an exact amount"},
		{"1e99999", "money: too many digits for an exact amount"},
		{"0.0000000000000000001", "money: more than 18 digits after the decimal point"},
	}
	for _, tc := range cases {
		_, err := Parse(tc.in)
		assert.EqualError(t, err, tc.want, tc.in)
	}
}

func TestAddSub(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	cases := []struct {
		name          string
		a, b          Amount
		sum, diff     string // "" if out of range
		sumAt, diffAt Amount // checked when set: the exact canonical result
	}{
		{name: "plain", a: mustParse(t, "100.5"), b: mustParse(t, "0.25"), sum: "100.75", diff: "100.25"},
		{name: "mixed signs", a: mustParse(t, "-5.25"), b: mustParse(t, "10.5"), sum: "5.25", diff: "-15.75"},
		{name: "mixed signs reversed", a: mustParse(t, "10.5"), b: mustParse(t, "-5.25"), sum: "5.25", diff: "15.75"},
		{name: "to zero", a: mustParse(t, "-5.25"), b: mustParse(t, "5.25"), sum: "0.00", diff: "-10.50", sumAt: Amount{}},
		{name: "carry to canonical", a: mustParse(t, "0.25"), b: mustParse(t, "0.75"), sum: "1.00", diff: "-0.50", sumAt: Amount{coef: 1}},
		{name: "zero operands", a: Amount{}, b: Amount{}, sum: "0.00", diff: "0.00"},
		{name: "tiny", a: mustParse(t, "1e-18"), b: mustParse(t, "-1e-18"), sum: "0.00", diff: "0.000000000000000002"},
		{name: "MaxInt64 + -1", a: Amount{coef: maxI}, b: Amount{coef: -1}, sum: "9223372036854775806.00", diff: ""},
		{name: "MinInt64 + 1", a: Amount{coef: minI}, b: Amount{coef: 1}, sum: "-9223372036854775807.00", diff: ""},
		{name: "MaxInt64 + 1", a: Amount{coef: maxI}, b: Amount{coef: 1}, sum: "", diff: "9223372036854775806.00"},
		{name: "MinInt64 + -1", a: Amount{coef: minI}, b: Amount{coef: -1}, sum: "", diff: "-9223372036854775807.00"},
		{name: "MaxInt64 + 0.01", a: Amount{coef: maxI}, b: Cents(1), sum: "", diff: ""},
		{name: "MaxInt64 + MinInt64", a: Amount{coef: maxI}, b: Amount{coef: minI}, sum: "-1.00", diff: ""},
		{name: "MinInt64 - MinInt64", a: Amount{coef: minI}, b: Amount{coef: minI}, sum: "", diff: "0.00"},
		{name: "-1 - MinInt64", a: Amount{coef: -1}, b: Amount{coef: minI}, sum: "", diff: "9223372036854775807.00"},
		{name: "0 - MinInt64", a: Amount{}, b: Amount{coef: minI}, sum: "-9223372036854775808.00", diff: ""},
		{name: "largest cents + smallest cents", a: Cents(maxI), b: Cents(minI), sum: "-0.01", diff: ""},
		{name: "largest cents - 0.07", a: Cents(maxI), b: Cents(7), sum: "", diff: "92233720368547758.00"},
		// Rescaling overflows, yet the exact canonical result fits.
		{name: "rescale overflows, sum fits", a: Amount{coef: 922337203685477581}, b: mustParse(t, "-0.5"),
			sum: "922337203685477580.50", diff: "", sumAt: Amount{coef: 9223372036854775805, scale: 1}},
		{name: "sum overflows before canonical form", a: mustParse(t, "922337203685477580.5"), b: mustParse(t, "0.5"),
			sum: "922337203685477581.00", diff: "922337203685477580.00", sumAt: Amount{coef: 922337203685477581}},
		{name: "exact sum whole, ending in a zero", a: mustParse(t, "922337203685477580.5"), b: mustParse(t, "9.5"),
			sum: "922337203685477590.00", diff: "922337203685477571.00", sumAt: Amount{coef: 922337203685477590}},
		{name: "18 decimals and a large whole", a: mustParse(t, "1e-18"), b: Amount{coef: 10}, sum: "", diff: ""},
		{name: "18 decimals and a small whole", a: mustParse(t, "1e-18"), b: Amount{coef: 9}, sum: "9.000000000000000001", diff: "-8.999999999999999999"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check := func(op string, got Amount, err error, want string, at Amount) {
				t.Helper()
				if want == "" {
					assert.ErrorIs(t, err, ErrRange, op)
					assert.Zero(t, got, op)
					return
				}
				require.NoError(t, err, op)
				assert.Equal(t, want, got.String(), op)
				assert.Equal(t, mustParse(t, want), got, "%s: canonical", op)
				if at != (Amount{}) {
					assert.Equal(t, at, got, op)
				}
			}
			sum, err := tc.a.Add(tc.b)
			check("a+b", sum, err, tc.sum, tc.sumAt)
			sum, err = tc.b.Add(tc.a)
			check("b+a", sum, err, tc.sum, tc.sumAt)
			diff, err := tc.a.Sub(tc.b)
			check("a-b", diff, err, tc.diff, tc.diffAt)
		})
	}
}

func TestArithmeticErrors(t *testing.T) {
	_, err := Amount{coef: math.MaxInt64}.Add(Amount{coef: 1})
	assert.EqualError(t, err, "money: sum out of range")
	_, err = Amount{coef: math.MinInt64}.Sub(Amount{coef: 1})
	assert.EqualError(t, err, "money: difference out of range")
	_, err = Amount{coef: math.MinInt64}.Neg()
	assert.EqualError(t, err, "money: negation out of range")
	assert.ErrorIs(t, err, ErrRange)
}

func TestNeg(t *testing.T) {
	cases := []struct {
		in   Amount
		want Amount
	}{
		{Amount{}, Amount{}},
		{mustParse(t, "10.5"), mustParse(t, "-10.50")},
		{mustParse(t, "-0.125"), mustParse(t, "0.125")},
		{Amount{coef: math.MaxInt64}, Amount{coef: -math.MaxInt64}},
		{Amount{coef: -math.MaxInt64, scale: 2}, Cents(math.MaxInt64)},
	}
	for _, tc := range cases {
		got, err := tc.in.Neg()
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, scale := range []uint8{0, 2, MaxScale} {
		got, err := Amount{coef: math.MinInt64, scale: scale}.Neg()
		assert.ErrorIs(t, err, ErrRange, "scale %d", scale)
		assert.Zero(t, got)
	}
}

func TestCmp(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	cases := []struct {
		a, b Amount
		want int
	}{
		{mustParse(t, "1.5"), mustParse(t, "1.50"), 0},
		{mustParse(t, "-2"), mustParse(t, "1.5"), -1},
		{mustParse(t, "1.5"), mustParse(t, "1.49"), 1},
		{mustParse(t, "1.5"), mustParse(t, "1.500000000000000001"), -1},
		{mustParse(t, "-1.5"), mustParse(t, "-1.500000000000000001"), 1},
		{Amount{}, mustParse(t, "1e-18"), -1},
		{Amount{}, mustParse(t, "-1e-18"), 1},
		{Amount{}, Amount{}, 0},
		{Amount{coef: maxI}, Amount{coef: maxI}, 0},
		{Amount{coef: maxI}, Amount{coef: maxI - 1}, 1},
		{Amount{coef: minI}, Amount{coef: minI + 1}, -1},
		{Amount{coef: minI}, Amount{coef: maxI}, -1},
		// Rescaling the first operand overflows int64.
		{Amount{coef: maxI}, Amount{coef: maxI, scale: MaxScale}, 1},
		{Amount{coef: minI}, Amount{coef: minI, scale: MaxScale}, -1},
		{Amount{coef: 10}, Amount{coef: maxI, scale: MaxScale}, 1},
		{Amount{coef: 9}, Amount{coef: maxI, scale: MaxScale}, -1},
		{Amount{coef: -10}, Amount{coef: minI, scale: MaxScale}, -1},
		{Amount{coef: -9}, Amount{coef: minI, scale: MaxScale}, 1},
		{Cents(maxI), Amount{coef: maxI, scale: 3}, 1},
		{Cents(minI), Amount{coef: minI, scale: 3}, -1},
		{Cents(maxI), Amount{coef: 92233720368547758}, 1},
		{Cents(maxI), Amount{coef: 92233720368547759}, -1},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.a.Cmp(tc.b), "%s cmp %s", tc.a, tc.b)
		assert.Equal(t, -tc.want, tc.b.Cmp(tc.a), "%s cmp %s", tc.b, tc.a)
	}
}

func TestSignIsZero(t *testing.T) {
	cases := []struct {
		in   string
		sign int
	}{{"-0.01", -1}, {"0.00", 0}, {"-0", 0}, {"1e-18", 1}, {"-9223372036854775808", -1}}
	for _, tc := range cases {
		a := mustParse(t, tc.in)
		assert.Equal(t, tc.sign, a.Sign(), tc.in)
		assert.Equal(t, tc.sign == 0, a.IsZero(), tc.in)
	}
}

func TestArithmeticDoesNotAllocate(t *testing.T) {
	a, b := mustParse(t, "100.5"), mustParse(t, "-0.125")
	var sink int
	allocs := testing.AllocsPerRun(100, func() {
		sum, _ := a.Add(b)
		diff, _ := a.Sub(b)
		neg, _ := a.Neg()
		sink += sum.Cmp(diff) + neg.Cmp(b) + Amount{coef: math.MaxInt64}.Cmp(Amount{coef: 1, scale: MaxScale})
	})
	assert.Zero(t, allocs)
	_ = sink
}

func TestCentsAccessor(t *testing.T) {
	cases := []struct {
		in   Amount
		want int64
		err  string // "" if no error
	}{
		{Amount{}, 0, ""},
		{mustParse(t, "100"), 10000, ""},
		{mustParse(t, "100.5"), 10050, ""},
		{mustParse(t, "100.50"), 10050, ""},
		{mustParse(t, "100.25"), 10025, ""},
		{mustParse(t, "-3"), -300, ""},
		{mustParse(t, "-0.07"), -7, ""},
		{mustParse(t, "100.250"), 10025, ""},
		{mustParse(t, "92233720368547758.07"), math.MaxInt64, ""},
		{mustParse(t, "-92233720368547758.08"), math.MinInt64, ""},
		{mustParse(t, "92233720368547758"), 9223372036854775800, ""},
		{mustParse(t, "-92233720368547758"), -9223372036854775800, ""}, // the last ×10 is from exactly MinInt64/10
		{mustParse(t, "0.125"), 0, "money: more than 2 decimal places, not a whole number of cents"},
		{mustParse(t, "-0.001"), 0, "money: more than 2 decimal places, not a whole number of cents"},
		{mustParse(t, "1e-18"), 0, "money: more than 2 decimal places, not a whole number of cents"},
		{mustParse(t, "92233720368547758.1"), 0, "money: too large to count in cents"},
		{mustParse(t, "-92233720368547758.1"), 0, "money: too large to count in cents"},
		{mustParse(t, "92233720368547759"), 0, "money: too large to count in cents"},
		{mustParse(t, "-92233720368547759"), 0, "money: too large to count in cents"},
		{Amount{coef: math.MaxInt64}, 0, "money: too large to count in cents"},
		{Amount{coef: math.MinInt64}, 0, "money: too large to count in cents"},
	}
	for _, tc := range cases {
		got, err := tc.in.Cents()
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			assert.ErrorIs(t, err, ErrRange, tc.in)
			assert.Zero(t, got, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.in, Cents(got), "Cents(%d) converts back", got)
	}
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

func TestJSONRoundTrip(t *testing.T) {
	cases := []struct {
		a    Amount
		want string
	}{
		{Amount{}, "0.00"},
		{mustParse(t, "100.5"), "100.50"},
		{mustParse(t, "-3"), "-3.00"},
		{mustParse(t, "0.125"), "0.125"},
		{mustParse(t, "12345678901234567.89"), "12345678901234567.89"}, // float64 would round it
		{Cents(math.MaxInt64), "92233720368547758.07"},
		{Cents(math.MinInt64), "-92233720368547758.08"},
		{Amount{coef: math.MaxInt64}, "9223372036854775807.00"},
		{Amount{coef: math.MinInt64, scale: MaxScale}, "-9.223372036854775808"},
		{mustParse(t, "1e-18"), "0.000000000000000001"},
	}
	for _, tc := range cases {
		out, err := json.Marshal(tc.a)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(out))
		assert.True(t, json.Valid(out), "%s is valid JSON", out)

		var back Amount
		require.NoError(t, json.Unmarshal(out, &back))
		assert.Equal(t, tc.a, back)
	}

	type body struct {
		Amount Amount  `json:"amount"`
		Fee    Amount  `json:"fee"`
		Opt    *Amount `json:"opt,omitempty"`
	}
	out, err := json.Marshal(body{Amount: mustParse(t, "100.5")})
	require.NoError(t, err)
	assert.Equal(t, `{"amount":100.50,"fee":0.00}`, string(out), "a JSON number with the exact digits")
}

func TestUnmarshalJSON(t *testing.T) {
	cases := []struct {
		in   string
		want Amount
	}{
		{`100.50`, Cents(10050)},
		{`-0.05`, Cents(-5)},
		{`0`, Amount{}},
		{`1.005e2`, Cents(10050)},
		{`12345678901234567.89`, Amount{coef: 1234567890123456789, scale: 2}},
		{`"100.50"`, Cents(10050)},
		{`"-7"`, Cents(-700)},
		{`"1.005E2"`, Cents(10050)},
		{`"\u0031\u0030.5"`, Cents(1050)},
		{`"92233720368547758.07"`, Cents(math.MaxInt64)},
	}
	for _, tc := range cases {
		var a Amount
		require.NoError(t, json.Unmarshal([]byte(tc.in), &a), tc.in)
		assert.Equal(t, tc.want, a, tc.in)
	}
}

func TestUnmarshalJSONNull(t *testing.T) {
	type body struct {
		Amount Amount  `json:"amount"`
		Opt    *Amount `json:"opt"`
	}
	in := body{Amount: Cents(1234)}
	err := json.Unmarshal([]byte(`{"amount":null,"opt":null}`), &in)
	assert.NoError(t, err, "null is not an error")
	assert.Equal(t, Cents(1234), in.Amount, "null leaves the value unchanged")
	assert.Nil(t, in.Opt, "*Amount tells null from a value")

	a := Cents(5)
	assert.NoError(t, a.UnmarshalJSON([]byte("null")))
	assert.Equal(t, Cents(5), a)
}

func TestUnmarshalJSONRejects(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{`"ten"`, ErrSyntax},
		{`"12x34secret"`, ErrSyntax},
		{`"1,00"`, ErrSyntax},
		{`""`, ErrSyntax},
		{`" 1"`, ErrSyntax},
		{`"null"`, ErrSyntax},
		{`true`, ErrSyntax},
		{`{"secret":1}`, ErrSyntax},
		{`["secret"]`, ErrSyntax},
		{`"92233720368547758.08"`, ErrRange},
		{`1e-19`, ErrRange},
		{`123456789012345678901234567890`, ErrRange},
	}
	for _, tc := range cases {
		a := Cents(42)
		err := json.Unmarshal([]byte(`{"amount":`+tc.in+`}`), &struct {
			Amount *Amount `json:"amount"`
		}{&a})
		assert.ErrorIs(t, err, tc.want, tc.in)
		assert.Equal(t, Cents(42), a, "%s: a refused value changes nothing", tc.in)
		if err != nil {
			assert.NotContains(t, err.Error(), "secret", tc.in)
			if in := strings.Trim(tc.in, `"`); len(in) >= 3 {
				assert.NotContains(t, err.Error(), in, tc.in)
			}
		}

		err = a.UnmarshalJSON([]byte(tc.in))
		assert.ErrorIs(t, err, tc.want, tc.in)
	}
	// A string the JSON decoder has not checked.
	assert.ErrorIs(t, new(Amount).UnmarshalJSON([]byte(`"12\x34secret"`)), ErrSyntax)
	assert.ErrorIs(t, new(Amount).UnmarshalJSON([]byte(`"\x31"`)), ErrSyntax, "JSON escapes, not Go's")
	assert.ErrorIs(t, new(Amount).UnmarshalJSON([]byte(`"12`)), ErrSyntax)
	assert.ErrorIs(t, new(Amount).UnmarshalJSON(nil), ErrSyntax)
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

// FuzzParse checks that Parse never panics; that whatever it accepts is
// canonical, has the exact value of the input, and formats (String, JSON)
// back to text that parses to an equal Amount; and that what it refuses
// gets one of its fixed messages, never an echo of the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"100.50", "-0.05", "1.005e2", "9223372036854775807", "-9223372036854775808",
		"92233720368547758.07", "0e-30", ".5", "1e-18", "1e-19", "+7.25", "1E+2",
		"12x34secret", "1e99999", "5.", "-", "000.000", "1000e-21",
	} {
		f.Add(s)
	}
	messages := map[string]bool{
		"money: not a decimal number":                        true,
		"money: too many digits for an exact amount":         true,
		"money: more than 18 digits after the decimal point": true,
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !messages[err.Error()] || !(errors.Is(err, ErrSyntax) || errors.Is(err, ErrRange)) {
				t.Fatalf("Parse(%q): unexpected error %q", s, err)
			}
			return
		}
		if a != canonical(a.coef, a.scale) || a.scale > MaxScale {
			t.Fatalf("Parse(%q) = %#v, not canonical", s, a)
		}
		if _, exp, _ := strings.Cut(strings.ToLower(s), "e"); len(exp) <= 4 {
			if want, ok := new(big.Rat).SetString(s); ok && want.Cmp(a.rat()) != 0 {
				t.Fatalf("Parse(%q) = %s, want %s", s, a, want.RatString())
			}
		}
		b, err := Parse(a.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not parse back: %v", s, a, err)
		}
		if a != b {
			t.Fatalf("round trip of %q: %#v != %#v", s, a, b)
		}
		if a.DecimalPlaces() > 2 && len(a.String()) != len(strings.TrimRight(a.String(), "0")) {
			t.Fatalf("%#v shows trailing zeros beyond two places: %s", a, a)
		}
		out, err := json.Marshal(a)
		if err != nil || !json.Valid(out) {
			t.Fatalf("json.Marshal(%#v) = %s, %v", a, out, err)
		}
		var c Amount
		if err := json.Unmarshal(out, &c); err != nil || c != a {
			t.Fatalf("JSON round trip of %#v: %#v, %v", a, c, err)
		}
	})
}

// FuzzArithmetic checks Add, Sub, Neg and Cmp against exact rational
// arithmetic: a result is returned exactly when it fits an Amount, and
// then it is the exact, canonical value.
func FuzzArithmetic(f *testing.F) {
	f.Add(int64(1005), uint8(1), int64(-525), uint8(2))
	f.Add(int64(math.MaxInt64), uint8(0), int64(-1), uint8(0))
	f.Add(int64(math.MinInt64), uint8(0), int64(1), uint8(0))
	f.Add(int64(math.MinInt64), uint8(2), int64(math.MinInt64), uint8(2))
	f.Add(int64(922337203685477581), uint8(0), int64(-5), uint8(1))
	f.Add(int64(9223372036854775805), uint8(1), int64(5), uint8(1))
	f.Add(int64(math.MaxInt64), uint8(0), int64(math.MaxInt64), uint8(18))
	f.Fuzz(func(t *testing.T, c1 int64, s1 uint8, c2 int64, s2 uint8) {
		a, b := canonical(c1, s1%(MaxScale+1)), canonical(c2, s2%(MaxScale+1))
		ra, rb := a.rat(), b.rat()
		check := func(op string, got Amount, err error, want *big.Rat) {
			t.Helper()
			fits := representable(want)
			if err != nil || !fits {
				if err == nil || fits || !errors.Is(err, ErrRange) {
					t.Fatalf("%s %s %s = %s, %v; exact %s, fits %v", a, op, b, got, err, want.RatString(), fits)
				}
				return
			}
			if got.rat().Cmp(want) != 0 || got != canonical(got.coef, got.scale) {
				t.Fatalf("%s %s %s = %#v, want %s", a, op, b, got, want.RatString())
			}
		}
		sum, err := a.Add(b)
		check("+", sum, err, new(big.Rat).Add(ra, rb))
		diff, err := a.Sub(b)
		check("-", diff, err, new(big.Rat).Sub(ra, rb))
		neg, err := a.Neg()
		check("neg", neg, err, new(big.Rat).Neg(ra))
		if got, want := a.Cmp(b), ra.Cmp(rb); got != want {
			t.Fatalf("%s cmp %s = %d, want %d", a, b, got, want)
		}
		if (a == b) != (ra.Cmp(rb) == 0) {
			t.Fatalf("%#v == %#v disagrees with their values", a, b)
		}
	})
}

func (a Amount) rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(a.scale)), nil)
	return new(big.Rat).SetFrac(big.NewInt(a.coef), den)
}

// representable reports whether r is coef × 10^-scale for an int64 coef
// and a scale of at most MaxScale, the fewest digits it can be written in.
func representable(r *big.Rat) bool {
	n := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxScale), nil)))
	if !n.IsInt() {
		return false
	}
	coef := n.Num()
	ten, rem := big.NewInt(10), new(big.Int)
	for range MaxScale {
		q, m := new(big.Int).QuoRem(coef, ten, rem)
		if m.Sign() != 0 {
			break
		}
		coef = q
	}
	return coef.IsInt64()
}
