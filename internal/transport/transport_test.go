package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prefix is the base URL's own path: a request that ignores it hits the
// mux's 404 instead of the handler, so absolute-path bugs fail.
const prefix = "/IPS-TST-RS/api"

const secretPassword = "Pw-s3cret!&=x"

type testServer struct {
	*httptest.Server
	calls atomic.Int32
}

// newServer mounts h at prefix+path and counts the calls that reach it.
func newServer(t *testing.T, path string, h http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	mux := http.NewServeMux()
	mux.HandleFunc(prefix+path, func(w http.ResponseWriter, r *http.Request) {
		ts.calls.Add(1)
		h(w, r)
	})
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func fastRetry() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}
}

func newClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	u, err := ParseBaseURL("BaseURL", base)
	require.NoError(t, err)
	secrets := new(redact.Secrets)
	secrets.AddPermanent(secretPassword)
	c, err := New(Config{
		Partner:       "test",
		BaseURL:       u,
		SafeQueryKeys: []string{"fields"},
		Secrets:       secrets,
		CookieJar:     true,
		TraceHeader:   "X-Trace",
		ParseError: func(e *Error, h http.Header, body []byte) {
			var b struct{ Code, Message, TraceID string }
			if json.Unmarshal(body, &b) == nil {
				e.Code, e.Message, e.TraceID = b.Code, b.Message, b.TraceID
			}
		},
	}, append([]Option{WithRetryPolicy(fastRetry())}, opts...)...)
	require.NoError(t, err)
	return c
}

func post(path string) *Request {
	return &Request{Op: "Post", Kind: Write, Method: http.MethodPost, Path: path, JSON: map[string]string{"a": "b"}}
}

func get(path string) *Request {
	return &Request{Op: "Get", Kind: Read, Method: http.MethodGet, Path: path}
}

func requireOutcome(t *testing.T, err error, want error) *Error {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, want)
	other := ErrOutcomeUnknown
	if want == ErrOutcomeUnknown {
		other = ErrNotApplied
	}
	assert.NotErrorIs(t, err, other, "an error has exactly one outcome")
	return e
}

func TestRequestOnTheWire(t *testing.T) {
	var got *http.Request
	var body []byte
	ts := newServer(t, "/things/a%2Fb/commit", func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "InstanceId", Value: "i-1", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "ss-id", Value: "from-jar", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	c := newClient(t, ts.URL+prefix, WithUserAgent("citypay/2.3"))
	type q struct {
		Token  string `url:"Token"`
		Fields string `url:"fields,omitempty"`
	}
	req := &Request{
		Op: "Commit", Kind: Write, Method: http.MethodPut,
		Path:    "/things/" + Segment("a/b") + "/commit",
		Query:   q{Token: "T-1 2"},
		JSON:    map[string]any{"amount": json.Number("100.50")},
		Header:  http.Header{"X-Extra": {"1"}},
		Cookies: []*http.Cookie{{Name: "ss-id", Value: "explicit"}},
	}
	var out struct{ OK bool }
	resp, err := c.Do(context.Background(), req, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, 200, resp.StatusCode)

	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, prefix+"/things/a%2Fb/commit", got.URL.EscapedPath())
	assert.Equal(t, "Token=T-1+2", got.URL.RawQuery)
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Equal(t, "1", got.Header.Get("X-Extra"))
	assert.Regexp(t, `^citypay/2\.3 datapump/`+Version+` \(test; go`, got.Header.Get("User-Agent"))
	assert.JSONEq(t, `{"amount":100.50}`, string(body))
	assert.Equal(t, []string{"ss-id=explicit"}, got.Header.Values("Cookie"))

	// The second request carries what the server set, except where the
	// request names its own cookie.
	_, err = c.Do(context.Background(), req, &out)
	require.NoError(t, err)
	ck, err := got.Cookie("InstanceId")
	require.NoError(t, err)
	assert.Equal(t, "i-1", ck.Value)
	ss, err := got.Cookie("ss-id")
	require.NoError(t, err)
	assert.Equal(t, "explicit", ss.Value)
	assert.Len(t, got.Cookies(), 2)
}

func TestFormBodyAndAbsoluteURL(t *testing.T) {
	var ctype, body string
	ts := newServer(t, "/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		ctype = r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		_, _ = io.WriteString(w, `{}`)
	})
	c := newClient(t, "https://api.example")
	u, _ := url.Parse(ts.URL + prefix + "/oauth2/token")
	_, err := c.Do(context.Background(), &Request{Op: "Token", Kind: Login, Method: http.MethodPost, URL: u,
		Form: url.Values{"grant_type": {"password"}, "password": {secretPassword}}}, &struct{}{})
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", ctype)
	assert.Equal(t, "grant_type=password&password="+url.QueryEscape(secretPassword), body)
}

func TestPathRefusesDotSegments(t *testing.T) {
	ts := newServer(t, "/", func(http.ResponseWriter, *http.Request) {})
	c := newClient(t, ts.URL+prefix)
	for _, p := range []string{"/payments/..", "/payments/./x", "../admin"} {
		_, err := c.Do(context.Background(), post(p), nil)
		e := requireOutcome(t, err, ErrNotApplied)
		var v *ValidationError
		require.ErrorAs(t, err, &v, p)
		assert.Equal(t, "request path", v.Field)
		assert.Empty(t, e.Method)
	}
	assert.Zero(t, ts.calls.Load())
	_, err := c.Do(context.Background(), &Request{Op: "x", Method: "POST", URL: &url.URL{Path: "/rel"}}, nil)
	requireOutcome(t, err, ErrNotApplied)
	_, err = c.Do(context.Background(), &Request{Op: "x", Method: "POST", Path: "/x", Query: 42}, nil)
	requireOutcome(t, err, ErrNotApplied)
	_, err = c.Do(context.Background(), &Request{Op: "x", Method: "POST", Path: "/x", JSON: func() {}}, nil)
	requireOutcome(t, err, ErrNotApplied)
}

func TestStatusClassification(t *testing.T) {
	cases := []struct {
		name      string
		kind      Kind
		status    int
		header    map[string]string
		want      error
		wantCalls int32
	}{
		{"write 500 is unknown, not retried", Write, 500, nil, ErrOutcomeUnknown, 1},
		{"write 503 is unknown, not retried", Write, 503, nil, ErrOutcomeUnknown, 1},
		{"write 400 is refused", Write, 400, nil, ErrNotApplied, 1},
		{"write 401 is refused", Write, 401, nil, ErrNotApplied, 1},
		{"write 409 is refused", Write, 409, nil, ErrNotApplied, 1},
		{"write 429 is refused and retried", Write, 429, map[string]string{"Retry-After": "0"}, ErrNotApplied, 3},
		{"write 408 is refused and retried", Write, 408, nil, ErrNotApplied, 3},
		{"read 500 is retried", Read, 500, nil, ErrNotApplied, 3},
		{"read 501 is not retried", Read, 501, nil, ErrNotApplied, 1},
		{"login 502 is retried", Login, 502, nil, ErrNotApplied, 3},
		{"idempotent write 500 is retried, outcome unknown", IdempotentWrite, 500, nil, ErrOutcomeUnknown, 3},
		{"idempotent write 404 is refused", IdempotentWrite, 404, nil, ErrNotApplied, 1},
		{"write 429 with too long Retry-After is not retried", Write, 429, map[string]string{"Retry-After": "3600"}, ErrNotApplied, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("X-Trace", "tr-9")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, `{"code":"bad_thing","message":"it broke"}`)
			})
			c := newClient(t, ts.URL+prefix)
			r := post("/op")
			r.Kind = tc.kind
			r.Reconcile = "look it up with ListThings"
			_, err := c.Do(context.Background(), r, &struct{}{})
			e := requireOutcome(t, err, tc.want)
			assert.Equal(t, tc.wantCalls, ts.calls.Load())
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, "bad_thing", e.Code)
			assert.Equal(t, "it broke", e.Message)
			assert.Equal(t, "tr-9", e.TraceID)
			if tc.want == ErrOutcomeUnknown {
				assert.Equal(t, "look it up with ListThings", e.Reconcile)
				assert.Contains(t, e.Error(), "outcome unknown: look it up with ListThings")
			} else {
				assert.Empty(t, e.Reconcile)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {})
	var n atomic.Int32
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, `{"v":7}`)
	})
	c := newClient(t, ts.URL+prefix)
	var out struct{ V int }
	_, err := c.Do(context.Background(), get("/op"), &out)
	require.NoError(t, err)
	assert.Equal(t, 7, out.V)
	assert.Equal(t, int32(3), n.Load())
}

// cutServer reads the whole request, then closes the connection without
// answering: the request arrived, the answer never did.
func cutServer(t *testing.T) *testServer {
	return newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

func TestConnectionCutAfterRequest(t *testing.T) {
	ts := cutServer(t)
	c := newClient(t, ts.URL+prefix)

	_, err := c.Do(context.Background(), post("/op"), &struct{}{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), ts.calls.Load(), "a write that may have arrived is never resent")
	assert.Zero(t, e.StatusCode)
	assert.Contains(t, e.Error(), defaultReconcile)

	ts.calls.Store(0)
	_, err = c.Do(context.Background(), get("/op"), &struct{}{})
	requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, int32(3), ts.calls.Load(), "a read is retried")
}

func TestDialFailureIsNotAppliedAndRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens here now

	var buf bytes.Buffer
	c := newClient(t, "http://"+addr+prefix, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	_, err = c.Do(context.Background(), post("/op"), nil)
	requireOutcome(t, err, ErrNotApplied)
	var op *net.OpError
	assert.ErrorAs(t, err, &op, "the network cause stays reachable")
	assert.Equal(t, 3, strings.Count(buf.String(), `"attempt"`), "a request that never left is retried")
}

func TestContextDoneBeforeSending(t *testing.T) {
	ts := newServer(t, "/op", func(http.ResponseWriter, *http.Request) {})
	c := newClient(t, ts.URL+prefix)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, post("/op"), nil)
	e := requireOutcome(t, err, ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, e.Error(), "nothing was sent")
	assert.Zero(t, ts.calls.Load())
}

func TestDeadlineWhileWaitingForAnswer(t *testing.T) {
	release := make(chan struct{})
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := newClient(t, ts.URL+prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, post("/op"), nil)
	requireOutcome(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), ts.calls.Load())
}

func TestPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := newClient(t, ts.URL+prefix, WithTimeout(30*time.Millisecond))
	_, err := c.Do(context.Background(), post("/op"), nil)
	requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), ts.calls.Load())
}

func TestContextEndsDuringBackoff(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c := newClient(t, ts.URL+prefix, WithRetryPolicy(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: time.Second}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, get("/op"), nil)
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Less(t, time.Since(start), 900*time.Millisecond, "backoff honours the context")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, int32(1), ts.calls.Load())
}

func TestUnreadableSuccessBody(t *testing.T) {
	for name, body := range map[string]string{
		"invalid JSON": `{"transaction":`,
		"empty":        ``,
		"too large":    `"` + strings.Repeat("x", MaxSuccessBody) + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
			c := newClient(t, ts.URL+prefix)
			_, err := c.Do(context.Background(), post("/op"), &struct{}{})
			e := requireOutcome(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 200, e.StatusCode)
			assert.Equal(t, int32(1), ts.calls.Load())

			ts.calls.Store(0)
			_, err = c.Do(context.Background(), get("/op"), &struct{}{})
			requireOutcome(t, err, ErrNotApplied)
			assert.Equal(t, int32(3), ts.calls.Load())
		})
	}
}

func TestNoContentAndNilOut(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &struct{}{})
	require.NoError(t, err)
}

func TestErrorBodyIsCapped(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"code":"x","message":"`+strings.Repeat("y", 2*MaxErrorBody)+`"}`)
	})
	var seen int
	c := newClient(t, ts.URL+prefix)
	c.parseError = func(e *Error, h http.Header, body []byte) { seen = len(body) }
	_, err := c.Do(context.Background(), post("/op"), nil)
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, MaxErrorBody, seen)
	assert.Equal(t, "Bad Request", e.Message, "an unparsable error body falls back to the status text")
}

func TestRedirectToAnotherHostRefused(t *testing.T) {
	other := newServer(t, "/elsewhere", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + prefix + "/elsewhere?Password=" + secretPassword
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL, http.StatusTemporaryRedirect)
	})
	c := newClient(t, ts.URL+prefix)

	_, err := c.Do(context.Background(), post("/op"), &struct{}{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 307, e.StatusCode)
	assert.Contains(t, e.Message, "redirect refused (to http://localhost:")
	assert.NotContains(t, err.Error(), secretPassword)

	_, err = c.Do(context.Background(), get("/op"), &struct{}{})
	requireOutcome(t, err, ErrNotApplied)
	assert.Zero(t, other.calls.Load(), "the other host never hears from the SDK")
}

func TestCallerClientFollowingRedirectIsDetected(t *testing.T) {
	other := newServer(t, "/elsewhere", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+prefix+"/elsewhere", http.StatusFound)
	})
	c := newClient(t, ts.URL+prefix, WithHTTPClient(&http.Client{}))
	_, err := c.Do(context.Background(), post("/op"), &struct{}{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Contains(t, e.Message, "redirect refused")
}

func TestSameHostRedirectFollowedForReads(t *testing.T) {
	ts := newServer(t, "/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == prefix+"/old" {
			http.Redirect(w, r, prefix+"/new", http.StatusMovedPermanently)
			return
		}
		_, _ = io.WriteString(w, `{"v":1}`)
	})
	c := newClient(t, ts.URL+prefix)
	var out struct{ V int }
	_, err := c.Do(context.Background(), get("/old"), &out)
	require.NoError(t, err)
	assert.Equal(t, 1, out.V)
}

// leakyTransport fails the way some RoundTrippers do: with the whole URL,
// query string included, in the error text.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("no responder for %s %s", r.Method, r.URL)
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	c := newClient(t, "https://ips.example"+prefix,
		WithHTTPClient(&http.Client{Transport: leakyTransport{}}),
		WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	c.Secrets().AddTemporary("SESSION-abc123")
	r := &Request{Op: "Auth", Kind: Login, Method: http.MethodPost, Path: "/portal/auth",
		Query:   url.Values{"UserName": {"admin"}, "Password": {secretPassword}, "fields": {"a"}},
		Header:  http.Header{"Authorization": {"SESSION-abc123"}},
		Cookies: []*http.Cookie{{Name: "ss-id", Value: "SESSION-abc123"}}}
	_, err := c.Do(context.Background(), r, nil)
	requireOutcome(t, err, ErrNotApplied)
	text := err.Error() + fmt.Sprintf("%v %+v", err, errors.Unwrap(err)) + logs.String()
	for _, secret := range []string{secretPassword, url.QueryEscape(secretPassword), "SESSION-abc123"} {
		assert.NotContains(t, text, secret)
	}
	assert.Contains(t, err.Error(), "/portal/auth?Password=REDACTED&UserName=REDACTED&fields=a")
	assert.NotContains(t, err.Error(), "UserName=admin", "the transport's own copy of the URL is dropped")
}

func TestPartnerMessageIsScrubbed(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		_, _ = fmt.Fprintf(w, `{"code":"auth","message":"bad password %s for card 4111 1111 1111 1111"}`, secretPassword)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), nil)
	assert.True(t, IsUnauthorized(err))
	assert.NotContains(t, err.Error(), secretPassword)
	assert.Contains(t, err.Error(), "bad password REDACTED for card REDACTED")
}

func TestLogRecordsOnlyAllowedKeys(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	var logs bytes.Buffer
	c := newClient(t, ts.URL+prefix, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	r := post("/op")
	r.Query = url.Values{"Token": {"secret-token"}}
	_, err := c.Do(context.Background(), r, &struct{}{})
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(logs.Bytes(), &rec))
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"time", "level", "msg", "partner", "op", "method", "host", "path", "status", "duration", "attempt"}, keys)
	assert.Equal(t, prefix+"/op", rec["path"])
	assert.NotContains(t, logs.String(), "secret-token")
	assert.NotContains(t, logs.String(), `"a":"b"`, "no body")
}

func TestSilentByDefault(t *testing.T) {
	c := newClient(t, "https://x.example")
	assert.False(t, c.log.Enabled(context.Background(), slog.LevelError))
}

func TestDefaultHTTPClient(t *testing.T) {
	c := newClient(t, "https://x.example")
	assert.Equal(t, DefaultTimeout, c.http.Timeout)
	tr, ok := c.http.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	require.NotNil(t, c.http.CheckRedirect)

	other := newClient(t, "https://x.example")
	assert.NotSame(t, c.http, other.http, "one pooled client per SDK client")

	mine := &http.Client{}
	withMine := newClient(t, "https://x.example", WithHTTPClient(mine))
	assert.Same(t, mine, withMine.http, "a caller's client is used as is")
	assert.Nil(t, mine.CheckRedirect, "and left untouched")
}

func TestOptionsValidated(t *testing.T) {
	u, _ := url.Parse("https://x.example")
	for _, o := range []Option{
		WithTimeout(0),
		WithRetryPolicy(RetryPolicy{}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: -1}),
		WithUserAgent("bad\nagent"),
	} {
		_, err := New(Config{Partner: "t", BaseURL: u}, o)
		var v *ValidationError
		assert.ErrorAs(t, err, &v)
	}
	_, err := New(Config{Partner: "t"})
	assert.Error(t, err)
}

func TestResponseError(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	c := newClient(t, ts.URL+prefix)
	resp, err := c.Do(context.Background(), post("/op"), &struct{}{})
	require.NoError(t, err)
	e := resp.Fail(NotApplied, "declined", "the county declined "+secretPassword+" card 4111111111111111",
		FieldError{Field: "Token", Message: "was " + secretPassword})
	assert.ErrorIs(t, e, ErrNotApplied)
	assert.Equal(t, "test Post: POST "+ts.URL+prefix+"/op: HTTP 200 [declined] the county declined REDACTED card REDACTED: Token: was REDACTED (not applied)", e.Error())
	u := resp.Fail(OutcomeUnknown, "", "")
	assert.ErrorIs(t, u, ErrOutcomeUnknown)
	assert.Equal(t, defaultReconcile, u.Reconcile)
}

func TestTraceHeaderOnEveryResponseError(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Trace", "tr-2xx")
		_, _ = io.WriteString(w, `{"broken":`)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &struct{}{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, "tr-2xx", e.TraceID, "an unreadable 2xx keeps the partner's trace id")

	ts2 := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"code":"x","traceId":"from-body"}`)
	})
	_, err = newClient(t, ts2.URL+prefix).Do(context.Background(), post("/op"), nil)
	e = requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, "from-body", e.TraceID, "a body's trace id stands when no header is sent")
}
