package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: time.Second}
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	soon, cancel2 := context.WithTimeout(bg, time.Millisecond)
	defer cancel2()
	cases := []struct {
		name  string
		ctx   context.Context
		kind  Kind
		a     attempt
		retry bool
	}{
		{"never left", bg, Write, attempt{n: 1}, true},
		{"left, write", bg, Write, attempt{n: 1, sent: true}, false},
		{"left, read", bg, Read, attempt{n: 1, sent: true}, true},
		{"left, idempotent", bg, IdempotentWrite, attempt{n: 1, sent: true}, true},
		{"exhausted", bg, Read, attempt{n: 3}, false},
		{"context done", cancelled, Read, attempt{n: 1}, false},
		{"deadline before backoff ends", soon, Read, attempt{n: 1, status: 503, retryAfter: 500 * time.Millisecond}, false},
		{"redirected read", bg, Read, attempt{n: 1, status: 302, redirected: true}, false},
		{"4xx", bg, Read, attempt{n: 1, status: 404}, false},
		{"429 write", bg, Write, attempt{n: 1, status: 429}, true},
		{"429 long Retry-After", bg, Read, attempt{n: 1, status: 429, retryAfter: time.Hour}, false},
		{"2xx unreadable, write", bg, Write, attempt{n: 1, status: 200, bodyFailed: true}, false},
		{"2xx unreadable, login", bg, Login, attempt{n: 1, status: 200, bodyFailed: true}, true},
		{"501", bg, Read, attempt{n: 1, status: 501}, false},
	}
	for _, tc := range cases {
		d := p.decide(tc.ctx, tc.kind, tc.a)
		assert.Equal(t, tc.retry, d.retry, "%s: %s", tc.name, d.reason)
		assert.NotEmpty(t, d.reason, tc.name)
	}
	d := p.decide(bg, Read, attempt{n: 1, status: 503, retryAfter: 300 * time.Millisecond})
	assert.Equal(t, 300*time.Millisecond, d.wait, "Retry-After wins over a shorter backoff")
}

func TestMayHaveApplied(t *testing.T) {
	assert.False(t, attempt{}.mayHaveApplied())
	assert.True(t, attempt{sent: true}.mayHaveApplied())
	assert.True(t, attempt{status: 500}.mayHaveApplied())
	assert.True(t, attempt{status: 303}.mayHaveApplied())
	assert.True(t, attempt{status: 200, bodyFailed: true}.mayHaveApplied())
	assert.False(t, attempt{status: 400}.mayHaveApplied())
	assert.False(t, attempt{status: 429}.mayHaveApplied())
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 400 * time.Millisecond}
	for range 200 {
		for n, limit := range map[int]time.Duration{1: 100, 2: 200, 3: 400, 8: 400} {
			d := p.backoff(n)
			assert.GreaterOrEqual(t, d, limit*time.Millisecond/2)
			assert.LessOrEqual(t, d, limit*time.Millisecond)
		}
	}
	assert.Zero(t, RetryPolicy{MaxAttempts: 2}.backoff(1))
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	assert.Equal(t, 3*time.Second, parseRetryAfter(h("3"), now))
	assert.Equal(t, 90*time.Second, parseRetryAfter(h(now.Add(90*time.Second).Format(http.TimeFormat)), now))
	assert.Zero(t, parseRetryAfter(h(now.Add(-time.Minute).Format(http.TimeFormat)), now))
	assert.Zero(t, parseRetryAfter(h("-1"), now))
	assert.Zero(t, parseRetryAfter(h("soon"), now))
	assert.Zero(t, parseRetryAfter(http.Header{}, now))
}

func TestSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	assert.ErrorIs(t, sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
	assert.NoError(t, sleep(context.Background(), time.Millisecond))
}

func TestParseBaseURL(t *testing.T) {
	ok := []string{
		"https://ips-rest.citrusbocc.com/IPS-TST-RS/api",
		"https://apis.accela.com",
		"http://127.0.0.1:8080/x",
		"http://localhost:1/",
		"http://[::1]:9/",
	}
	for _, raw := range ok {
		u, err := ParseBaseURL("BaseURL", raw)
		require.NoError(t, err, raw)
		assert.Equal(t, raw, u.String())
	}
	bad := map[string]string{
		"":                          "is required",
		"ips.example/api":           "absolute https",
		"ftp://ips.example":         "absolute https",
		"http://ips.example/api":    "must use https",
		"https://u:p@ips.example":   "user info",
		"https://ips.example/?a=b":  "query",
		"https://ips.example/?":     "query",
		"https://ips.example/#frag": "fragment",
		"https://ips.example/%zz":   "not a URL",
		"https://":                  "absolute https",
	}
	for raw, reason := range bad {
		_, err := ParseBaseURL("Config.ProdBaseURL", raw)
		var v *ValidationError
		require.ErrorAs(t, err, &v, raw)
		assert.Equal(t, "Config.ProdBaseURL", v.Field)
		assert.Contains(t, v.Reason, reason, raw)
		if raw != "" {
			assert.NotContains(t, v.Error(), ":p@", "the value is never repeated")
		}
	}
}

func TestCheckText(t *testing.T) {
	assert.Nil(t, CheckText("F", "1018-8E6F", 10))
	assert.Nil(t, CheckOptionalText("F", "", 10))
	for value, reason := range map[string]string{
		"":            "is required",
		"12345678901": "11 bytes long; the most allowed is 10",
		"a\x00b":      "control characters",
		"a\nb":        "control characters",
		"a\u0085b":    "control characters",
		" ab":         "spaces",
		"ab ":         "spaces",
		"\xff\xfe":    "UTF-8",
	} {
		v := CheckText("F", value, 10)
		require.NotNil(t, v, "%q", value)
		assert.Contains(t, v.Reason, reason, "%q", value)
	}
}

func TestErrorText(t *testing.T) {
	e := Invalid("citrus", "PostPayment", "BillerReference", "is required")
	assert.Equal(t, "citrus PostPayment: invalid BillerReference: is required (not applied: nothing was sent)", e.Error())
	assert.ErrorIs(t, e, ErrNotApplied)
	var v *ValidationError
	require.ErrorAs(t, e, &v)
	assert.Equal(t, "BillerReference", v.Field)
	assert.Equal(t, NotApplied, e.outcome)

	full := &Error{Partner: "accela", Op: "CommitPayment", Method: "PUT", URL: "https://apis.accela.com/v4/payments/1",
		StatusCode: 500, Code: "internal_server_error", Message: "boom", TraceID: "t-1",
		Fields:    []FieldError{{Field: "amount", Code: "range", Message: "too big"}, {Field: "fee"}},
		Reconcile: "use ListRecordPayments", outcome: OutcomeUnknown}
	assert.Equal(t, "accela CommitPayment: PUT https://apis.accela.com/v4/payments/1: HTTP 500 [internal_server_error] boom (trace id t-1): amount [range]: too big; fee (outcome unknown: use ListRecordPayments)", full.Error())
	assert.Nil(t, full.Unwrap())
}

func TestUnsent(t *testing.T) {
	assert.Nil(t, Unsent("p", "Op", nil))
	e := Invalid("p", "Op", "F", "bad")
	assert.Same(t, e, Unsent("p", "Other", e))
	err := Unsent("p", "Op", context.Canceled)
	assert.ErrorIs(t, err, ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, strings.HasPrefix(err.Error(), "p Op: context canceled"))
	assert.False(t, IsUnauthorized(err))
	assert.False(t, IsUnauthorized(errors.New("x")))
}
