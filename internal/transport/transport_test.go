package transport

import (
	"bytes"
	"context"
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
	"sync"
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

func parseErr(e *Error, h http.Header, body []byte) {
	var b struct{ Code, Message, TraceID string }
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message, e.TraceID = b.Code, b.Message, b.TraceID
	}
	if b.Code == "already_done" {
		e.Outcome = AlreadyApplied
	}
	if b.Code == "claims_outcome" {
		e.Outcome = NotApplied // a partner cannot decide any other outcome
	}
}

func newClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	var chk Checks
	u := chk.BaseURL("BaseURL", base)
	require.NoError(t, chk.Err("test", "New"))
	secrets := new(redact.Secrets)
	secrets.AddPermanent(secretPassword)
	c, err := New(Partner{
		Name:          "test",
		BaseURL:       u,
		SafeQueryKeys: []string{"fields"},
		Secrets:       secrets,
		CookieJar:     true,
		TraceHeader:   "X-Trace",
		ParseError:    parseErr,
	}, append([]Option{WithRetryPolicy(fastRetry())}, opts...)...)
	require.NoError(t, err)
	return c
}

// answer is a confirming answer type for writes.
type answer struct {
	ID string `json:"id"`
	OK bool   `json:"ok"`
}

func (a *answer) Confirm() error {
	if a.ID == "" {
		return errors.New("no id")
	}
	return nil
}

func post(path string) *Request {
	return &Request{Op: "Post", Effect: Write, Method: http.MethodPost, Path: path, JSON: map[string]string{"a": "b"}}
}

func get(path string) *Request {
	return &Request{Op: "Get", Effect: Read, Method: http.MethodGet, Path: path}
}

// requireOutcome asserts err is an *Error matching exactly one outcome,
// want.
func requireOutcome(t *testing.T, err error, want error) *Error {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.ErrorAs(t, err, &e)
	for _, s := range []error{ErrOutcomeUnknown, ErrNotApplied, ErrAlreadyApplied} {
		if s == want {
			assert.ErrorIs(t, err, s)
		} else {
			assert.NotErrorIs(t, err, s, "an error has exactly one outcome")
		}
	}
	assert.NotContains(t, err.Error(), "\n")
	return e
}

func TestRequestOnTheWire(t *testing.T) {
	var got *http.Request
	var body []byte
	ts := newServer(t, "/things/{id}/commit", func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "InstanceId", Value: "instance-0001", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "ss-id", Value: "from-the-jar", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"7","ok":true}`)
	})
	c := newClient(t, ts.URL+prefix, WithUserAgent("citypay/2.3"))
	req := &Request{
		Op: "Commit", Effect: Write, Method: http.MethodPut,
		Path: "/things/{ID}/commit", PathArgs: []string{"a b+é"},
		Query:   url.Values{"Token": {"T-1 2"}}.Encode(),
		JSON:    map[string]any{"amount": json.Number("100.50")},
		Header:  http.Header{"X-Extra": {"1"}},
		Cookies: NewCookies(&http.Cookie{Name: "ss-id", Value: "explicit"}),
	}
	var out answer
	resp, err := c.Do(context.Background(), req, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 1, resp.Attempts)

	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, prefix+"/things/a%20b+%C3%A9/commit", got.URL.EscapedPath())
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
	assert.Equal(t, []string{"ss-id=explicit; InstanceId=instance-0001"}, got.Header.Values("Cookie"))
}

func TestCookieHeaderFollowsTheJar(t *testing.T) {
	n := 0
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		n++
		http.SetCookie(w, &http.Cookie{Name: "Gen", Value: fmt.Sprintf("generation-%d", n), Path: "/"})
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	c := newClient(t, ts.URL+prefix)
	own := NewCookies(&http.Cookie{Name: "a", Value: "1"})
	var seen []string
	for range 3 {
		req := post("/op")
		req.Cookies = own
		_, err := c.Do(context.Background(), req, &answer{})
		require.NoError(t, err)
		seen = append(seen, c.cookieHeader(&prepared{Request: req, url: mustURL(t, ts.URL+prefix+"/op")}))
	}
	assert.Equal(t, []string{"a=1; Gen=generation-1", "a=1; Gen=generation-2", "a=1; Gen=generation-3"}, seen,
		"a cookie the partner sets replaces the cached header")
	assert.Contains(t, c.secrets.Scrub("generation-2 leaked"), "REDACTED", "cookie values the partner sets are secrets")
}

// A cookie the partner set with a lifetime is no longer sent once it has
// expired, though the partner set no cookie since: the cached Cookie
// header lives only as long as the first cookie in it.
func TestExpiredCookieLeavesTheCachedHeader(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var sent []string
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, r.Header.Get("Cookie"))
		if len(sent) == 1 {
			http.SetCookie(w, &http.Cookie{Name: "Short", Value: "lives-one-second", Path: "/", MaxAge: 1})
			http.SetCookie(w, &http.Cookie{Name: "Session", Value: "for-the-session", Path: "/"})
		}
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	c := newClient(t, ts.URL+prefix)
	own := NewCookies(&http.Cookie{Name: "a", Value: "1"}) // its header is cached with the jar's
	for i := range 3 {
		if i == 2 {
			time.Sleep(1100 * time.Millisecond)
		}
		req := post("/op")
		req.Cookies = own
		_, err := c.Do(context.Background(), req, &answer{})
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"a=1", "a=1; Short=lives-one-second; Session=for-the-session", "a=1; Session=for-the-session"}, sent)
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
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
	_, err := c.Do(context.Background(), &Request{Op: "Token", Effect: Login, Method: http.MethodPost, URL: u,
		Form: url.Values{"grant_type": {"password"}, "password": {secretPassword}}}, &struct{}{})
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", ctype)
	assert.Equal(t, "grant_type=password&password="+url.QueryEscape(secretPassword), body)
}

func TestUnsafeRequestsAreRefusedBeforeSending(t *testing.T) {
	ts := newServer(t, "/", func(http.ResponseWriter, *http.Request) {})
	c := newClient(t, ts.URL+prefix)
	cases := map[string]struct {
		req   *Request
		out   any
		field string
	}{
		"undeclared effect":  {&Request{Op: "x", Method: "POST", Path: "/x"}, nil, "request effect"},
		"slash in a value":   {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{"a/b"}}, nil, "ID"},
		"backslash":          {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{`a\b`}}, nil, "ID"},
		"encoded slash":      {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{"a%2Fb"}}, nil, "ID"},
		"encoded slash, lc":  {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{"a%2fb"}}, nil, "ID"},
		"encoded backslash":  {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{"a%5Cb"}}, nil, "ID"},
		"dot-dot value":      {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{".."}}, nil, "ID"},
		"empty value":        {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}", PathArgs: []string{""}}, nil, "ID"},
		"missing value":      {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p/{ID}"}, nil, "ID"},
		"extra value":        {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/p", PathArgs: []string{"1"}}, nil, "request path"},
		"dot-dot path":       {&Request{Op: "x", Effect: Read, Method: "GET", Path: "/payments/../admin"}, nil, "request path"},
		"relative URL":       {&Request{Op: "x", Effect: Read, Method: "GET", URL: &url.URL{Path: "/rel"}}, nil, "request URL"},
		"two bodies":         {&Request{Op: "x", Effect: Read, Method: "POST", Path: "/x", JSON: 1, Form: url.Values{}}, nil, "request body"},
		"unencodable JSON":   {&Request{Op: "x", Effect: Read, Method: "POST", Path: "/x", JSON: func() {}}, nil, "request body"},
		"write without out":  {post("/x"), nil, ""},
		"write, plain out":   {post("/x"), &struct{}{}, ""},
		"repeatable, no out": {&Request{Op: "x", Effect: RepeatableWrite, Method: "POST", Path: "/x"}, nil, ""},
	}
	for name, tc := range cases {
		_, err := c.Do(context.Background(), tc.req, tc.out)
		e := requireOutcome(t, err, ErrNotApplied)
		assert.False(t, e.Temporary, name)
		assert.Empty(t, e.Method, name)
		if tc.field != "" {
			require.NotEmpty(t, e.Fields, name)
			assert.Equal(t, tc.field, e.Fields[0].Field, name)
		} else {
			assert.Contains(t, e.Message, "Confirmer", name)
		}
	}
	assert.Zero(t, ts.calls.Load(), "nothing was sent")
}

func TestStatusClassification(t *testing.T) {
	cases := []struct {
		name      string
		effect    Effect
		status    int
		header    map[string]string
		code      string
		want      error
		temporary bool
		wantCalls int32
	}{
		{"write 500 is unknown, not retried", Write, 500, nil, "", ErrOutcomeUnknown, false, 1},
		{"write 503 is unknown, not retried", Write, 503, nil, "", ErrOutcomeUnknown, false, 1},
		{"write 400 is refused", Write, 400, nil, "", ErrNotApplied, false, 1},
		{"write 401 is refused", Write, 401, nil, "", ErrNotApplied, false, 1},
		{"write 409 is refused", Write, 409, nil, "", ErrNotApplied, false, 1},
		{"write 409 already done", Write, 409, nil, "already_done", ErrAlreadyApplied, false, 1},
		{"write 500 already done is unknown", Write, 500, nil, "claims_outcome", ErrOutcomeUnknown, false, 1},
		{"write 400 claiming another outcome", Write, 400, nil, "claims_outcome", ErrNotApplied, false, 1},
		{"write 429 is refused and retried", Write, 429, map[string]string{"Retry-After": "0"}, "", ErrNotApplied, true, 3},
		{"write 408 is refused and retried", Write, 408, nil, "", ErrNotApplied, true, 3},
		{"read 500 is retried", Read, 500, nil, "", ErrNotApplied, true, 3},
		{"read 501 is not retried", Read, 501, nil, "", ErrNotApplied, true, 1},
		{"read 404", Read, 404, nil, "", ErrNotApplied, false, 1},
		{"login 502 is retried", Login, 502, nil, "", ErrNotApplied, true, 3},
		{"repeatable write 500 is retried, outcome unknown", RepeatableWrite, 500, nil, "", ErrOutcomeUnknown, false, 3},
		{"repeatable write 404 is refused", RepeatableWrite, 404, nil, "", ErrNotApplied, false, 1},
		{"write 429 with too long Retry-After is not retried", Write, 429, map[string]string{"Retry-After": "3600"}, "", ErrNotApplied, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("X-Trace", "tr-9")
				w.WriteHeader(tc.status)
				code := tc.code
				if code == "" {
					code = "bad_thing"
				}
				_, _ = io.WriteString(w, `{"code":"`+code+`","message":"it broke"}`)
			})
			c := newClient(t, ts.URL+prefix)
			r := post("/op")
			r.Effect = tc.effect
			r.Reconcile = "look it up with ListThings"
			_, err := c.Do(context.Background(), r, &answer{})
			e := requireOutcome(t, err, tc.want)
			assert.Equal(t, tc.wantCalls, ts.calls.Load())
			assert.Equal(t, int(tc.wantCalls), e.Attempts)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, "it broke", e.Message)
			assert.Equal(t, "tr-9", e.TraceID)
			assert.Equal(t, tc.temporary, e.Temporary)
			if tc.want == ErrNotApplied {
				assert.Equal(t, tc.temporary, errors.Is(err, ErrTemporary))
				assert.Empty(t, e.Reconcile)
			} else {
				assert.Equal(t, "look it up with ListThings", e.Reconcile)
				assert.Contains(t, e.Error(), "look it up with ListThings")
			}
		})
	}
}

func TestRetryAfterIsHonouredOnEveryRetriedStatus(t *testing.T) {
	for _, status := range []int{408, 429, 503} {
		var first time.Time
		var gap time.Duration
		ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
			if first.IsZero() {
				first = time.Now()
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(status)
				return
			}
			gap = time.Since(first)
			_, _ = io.WriteString(w, `{"id":"1"}`)
		})
		c := newClient(t, ts.URL+prefix, WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second}))
		_, err := c.Do(context.Background(), get("/op"), &answer{})
		require.NoError(t, err, "status %d", status)
		assert.GreaterOrEqual(t, gap, 900*time.Millisecond, "status %d waits Retry-After", status)
	}
}

func TestRetryThenSuccess(t *testing.T) {
	var n atomic.Int32
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, `{"id":"7"}`)
	})
	c := newClient(t, ts.URL+prefix)
	var out answer
	resp, err := c.Do(context.Background(), get("/op"), &out)
	require.NoError(t, err)
	assert.Equal(t, "7", out.ID)
	assert.Equal(t, 3, resp.Attempts)
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

	_, err := c.Do(context.Background(), post("/op"), &answer{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), ts.calls.Load(), "a write that may have arrived is never resent")
	assert.Zero(t, e.StatusCode)
	assert.Contains(t, e.Error(), defaultReconcile)

	ts.calls.Store(0)
	_, err = c.Do(context.Background(), get("/op"), &answer{})
	e = requireOutcome(t, err, ErrNotApplied)
	assert.True(t, e.Temporary)
	assert.Equal(t, int32(3), ts.calls.Load(), "a read is retried")
}

func TestDialFailureIsNotAppliedAndRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens here now

	var buf bytes.Buffer
	c := newClient(t, "http://"+addr+prefix, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	_, err = c.Do(context.Background(), post("/op"), &answer{})
	e := requireOutcome(t, err, ErrNotApplied)
	assert.True(t, e.Temporary, "a request that never left may be sent again later")
	assert.Equal(t, 3, e.Attempts)
	assert.Contains(t, err.Error(), "connection refused")
	assert.Equal(t, 3, strings.Count(buf.String(), `"attempt"`), "a request that never left is retried")
	assert.Contains(t, buf.String(), `"retry_reason":"request never left"`)
}

func TestContextDoneBeforeSending(t *testing.T) {
	ts := newServer(t, "/op", func(http.ResponseWriter, *http.Request) {})
	c := newClient(t, ts.URL+prefix)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, post("/op"), &answer{})
	e := requireOutcome(t, err, ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, e.Temporary)
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
	_, err := c.Do(ctx, post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), ts.calls.Load())
}

func TestPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := newClient(t, ts.URL+prefix, WithTimeout(30*time.Millisecond))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), ts.calls.Load())

	// The per-attempt timeout also bounds a caller's client that has none.
	c = newClient(t, ts.URL+prefix, WithTimeout(30*time.Millisecond), WithHTTPClient(&http.Client{}))
	start := time.Now()
	_, err = c.Do(context.Background(), post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Less(t, time.Since(start), time.Second)
}

func TestFinishStartedWrites(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		_, _ = io.WriteString(w, `{"id":"9"}`)
	})
	ctx := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}

	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(ctx(), post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown)

	c = newClient(t, ts.URL+prefix, WithFinishStartedWrites())
	var out answer
	_, err = c.Do(ctx(), post("/op"), &out)
	require.NoError(t, err, "a written write is seen through to its answer")
	assert.Equal(t, "9", out.ID)

	// A read is not held: the caller's context ends it.
	_, err = c.Do(ctx(), get("/op"), &out)
	requireOutcome(t, err, ErrNotApplied)

	// A write not yet written when the context ends is abandoned.
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Do(done, post("/op"), &out)
	requireOutcome(t, err, ErrNotApplied)
}

func TestFinishStartedWritesAbandonsAnUnwrittenWrite(t *testing.T) {
	// A listener that accepts nothing: the dial hangs in the backlog... so
	// use a server that holds the connection before reading the request.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	c := newClient(t, "http://"+ln.Addr().String()+prefix, WithFinishStartedWrites(), WithTimeout(5*time.Second),
		WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			rt.(*http.Transport).DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
				<-ctx.Done() // a dial that never completes
				return nil, ctx.Err()
			}
			return rt
		}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Do(ctx, post("/op"), &answer{})
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Less(t, time.Since(start), time.Second, "nothing was written: the caller does not wait")
	assert.Contains(t, e.Error(), "before the request was written")
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
	assert.Contains(t, err.Error(), "gave up waiting to retry")
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, int32(1), ts.calls.Load())
}

func TestAnswersThatDoNotConfirm(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		body   string
	}{
		"invalid JSON": {200, `{"id":`},
		"empty":        {200, ``},
		"blank":        {200, "  \n"},
		"null":         {200, `null`},
		"empty object": {200, `{}`},
		"no id":        {201, `{"ok":true}`},
		"204":          {204, ``},
		"too large":    {200, `{"id":"` + strings.Repeat("x", MaxSuccessBody) + `"}`},
	} {
		t.Run(name, func(t *testing.T) {
			ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newClient(t, ts.URL+prefix)
			_, err := c.Do(context.Background(), post("/op"), &answer{})
			e := requireOutcome(t, err, ErrOutcomeUnknown)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, int32(1), ts.calls.Load(), "never resent")

			ts.calls.Store(0)
			rw := post("/op")
			rw.Effect = RepeatableWrite
			_, err = c.Do(context.Background(), rw, &answer{})
			requireOutcome(t, err, ErrOutcomeUnknown)
			assert.Equal(t, int32(3), ts.calls.Load(), "a repeatable write is retried")
		})
	}
}

func TestReadsNeedNoBody(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), get("/op"), &struct{}{})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), get("/op"), nil)
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
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, MaxErrorBody, seen)
	assert.Equal(t, "Bad Request", e.Message, "an unparsable error body falls back to the status text")
}

func TestTraceHeaderOnEveryResponseError(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Trace", "tr-2xx")
		_, _ = io.WriteString(w, `{"broken":`)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, "tr-2xx", e.TraceID, "an unreadable 2xx keeps the partner's trace id")

	ts2 := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"code":"x","traceId":"from-body"}`)
	})
	_, err = newClient(t, ts2.URL+prefix).Do(context.Background(), post("/op"), &answer{})
	e = requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, "from-body", e.TraceID, "a body's trace id stands when no header is sent")
}

func TestResponseErrors(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"id":"1"}`) })
	c := newClient(t, ts.URL+prefix)
	resp, err := c.Do(context.Background(), post("/op"), &answer{})
	require.NoError(t, err)
	e := resp.Refused("declined", "the county declined "+secretPassword+" card 4111111111111111",
		FieldError{Field: "Token", Message: "was " + secretPassword})
	requireOutcome(t, e, ErrNotApplied)
	assert.False(t, e.Temporary)
	assert.Equal(t, "test Post: POST "+ts.URL+prefix+"/op: HTTP 200 [declined] the county declined REDACTED card REDACTED: Token: was REDACTED (not applied: fix before resending)", e.Error())
	u := resp.Unknown("", "no flag")
	requireOutcome(t, u, ErrOutcomeUnknown)
	assert.Equal(t, defaultReconcile, u.Reconcile)
	a := resp.AlreadyApplied("dup", "already paid")
	requireOutcome(t, a, ErrAlreadyApplied)
	assert.Contains(t, a.Error(), "already applied: do not resend")
	z := resp.Unauthorized("INVALID_TOKEN", "token expired")
	requireOutcome(t, z, ErrNotApplied)
	assert.True(t, IsUnauthorized(z), "a 2xx envelope refusing the token renews it")
	assert.Equal(t, 1, z.Attempts)
}

func TestReadBackThatDoesNotConfirmIsAnError(t *testing.T) {
	for _, body := range []string{``, `null`, `{}`} {
		ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
		c := newClient(t, ts.URL+prefix)
		_, err := c.Do(context.Background(), get("/op"), &answer{})
		e := requireOutcome(t, err, ErrNotApplied)
		assert.Equal(t, 3, e.Attempts, "retried like any failed read")
		assert.Contains(t, e.Error(), "HTTP 200")
	}
}
