package transport

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func jsonLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestLogRecords(t *testing.T) {
	var n int
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.Header().Set("X-Trace", "tr-1")
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	var logs strings.Builder
	c := newClient(t, ts.URL+prefix, WithLogger(jsonLogger(&logs)))
	r := get("/op")
	r.Query = url.Values{"Token": {"secret-token"}}.Encode()
	_, err := c.Do(context.Background(), r, &answer{})
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2)
	var failed, ok map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &failed))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &ok))

	assert.Equal(t, "WARN", failed["level"])
	assert.Equal(t, "DEBUG", ok["level"], "a successful attempt logs at Debug")
	assert.ElementsMatch(t, []string{"time", "level", "msg", "datapump"}, keys(ok), "the SDK's keys sit under one group")
	g := ok["datapump"].(map[string]any)
	assert.ElementsMatch(t, []string{"partner", "op", "method", "host", "path", "status", "duration", "attempt"}, keys(g))
	assert.Equal(t, prefix+"/op", g["path"])
	assert.Equal(t, float64(2), g["attempt"])
	assert.Regexp(t, `^[0-9.]+(µs|ms|s)$`, g["duration"], "durations print readably")

	fg := failed["datapump"].(map[string]any)
	assert.Equal(t, "not applied", fg["outcome"])
	assert.Equal(t, true, fg["retry"])
	assert.Equal(t, "server error", fg["retry_reason"])
	assert.Equal(t, "tr-1", fg["trace_id"])
	assert.Contains(t, fg["error"], "HTTP 503")
	assert.NotContains(t, logs.String(), "secret-token")
}

func TestLogCarriesTheCauseOfACutConnection(t *testing.T) {
	ts := cutServer(t)
	var logs strings.Builder
	c := newClient(t, ts.URL+prefix, WithLogger(jsonLogger(&logs)))
	_, _ = c.Do(context.Background(), post("/op"), &answer{})
	assert.Contains(t, logs.String(), `"status":0`)
	assert.Contains(t, logs.String(), `"outcome":"outcome unknown"`)
	assert.Contains(t, logs.String(), `"retry_reason":"may have been applied"`)
	assert.Contains(t, logs.String(), "EOF", "the cause of the failed attempt")
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSilentByDefault(t *testing.T) {
	c := newClient(t, "https://x.example")
	assert.False(t, c.log.Enabled(context.Background(), slog.LevelError))
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	var n int
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		n++
		if n < 3 {
			w.WriteHeader(429)
			return
		}
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	var mu sync.Mutex
	var seen []Attempt
	c := newClient(t, ts.URL+prefix, WithObserver(func(a Attempt) {
		mu.Lock()
		seen = append(seen, a)
		mu.Unlock()
	}))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	require.NoError(t, err)
	require.Len(t, seen, 3)
	for i, a := range seen {
		assert.Equal(t, "test", a.Partner)
		assert.Equal(t, "Post", a.Op)
		assert.Equal(t, http.MethodPost, a.Method)
		assert.Equal(t, prefix+"/op", a.Path)
		assert.Equal(t, i+1, a.Number)
		assert.Positive(t, a.Duration)
	}
	assert.Equal(t, 429, seen[0].StatusCode)
	assert.True(t, seen[0].Retry)
	assert.Equal(t, "partner refused for now", seen[0].RetryReason)
	assert.Equal(t, NotApplied, seen[0].Outcome)
	assert.Error(t, seen[0].Err)
	assert.Equal(t, 200, seen[2].StatusCode)
	assert.NoError(t, seen[2].Err)
	assert.False(t, seen[2].Retry)
}

func TestDefaultHTTPClient(t *testing.T) {
	c := newClient(t, "https://x.example")
	assert.True(t, c.own)
	assert.Zero(t, c.http.Timeout, "each attempt's context carries the deadline")
	tr, ok := c.http.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.Equal(t, DefaultIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	require.NotNil(t, c.http.CheckRedirect)

	other := newClient(t, "https://x.example", WithIdleConnsPerHost(64))
	assert.NotSame(t, c.http, other.http, "one pooled client per SDK client")
	assert.Equal(t, 64, other.http.Transport.(*http.Transport).MaxIdleConnsPerHost)

	var wrapped http.RoundTripper
	w := newClient(t, "https://x.example", WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		wrapped = rt
		return roundTripFunc(rt.RoundTrip)
	}))
	assert.IsType(t, &http.Transport{}, wrapped, "the wrapper gets the SDK's own transport")
	assert.IsType(t, roundTripFunc(nil), w.http.Transport)
	assert.NotNil(t, w.http.CheckRedirect, "and the redirect policy stays")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOptionsValidated(t *testing.T) {
	u, _ := url.Parse("https://x.example")
	for want, o := range map[string]Option{
		"WithTimeout":             WithTimeout(0),
		"RetryPolicy.MaxAttempts": WithRetryPolicy(RetryPolicy{}),
		"RetryPolicy.MaxDelay":    WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}),
		"delays must not be":      WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: -1}),
		"WithUserAgent":           WithUserAgent("bad\nagent"),
		"WithIdleConnsPerHost":    WithIdleConnsPerHost(0),
	} {
		_, err := New(Partner{Name: "t", BaseURL: u}, o)
		e := requireOutcome(t, err, ErrNotApplied)
		assert.Contains(t, e.Error(), want)
		assert.Equal(t, "New", e.Op)
	}
	_, err := New(Partner{Name: "t", BaseURL: u}, WithHTTPClient(&http.Client{}), WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { return rt }))
	assert.ErrorContains(t, err, "cannot be combined with WithHTTPClient")
	_, err = New(Partner{Name: "t"})
	assert.ErrorContains(t, err, "BaseURL: is required")
	_, err = New(Partner{Name: "t", BaseURL: u}, nil, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	assert.NoError(t, err, "a nil option is skipped; one attempt is valid")
}
