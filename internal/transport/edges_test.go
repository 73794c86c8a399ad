package transport

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
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

// These tests pin the edges the mutants that survived the earlier tests
// showed unguarded. The survivors that change nothing observable are in
// .ci/mutation-equivalent, each with the reason.

// sentURL sends r through a client for base and returns the URL that
// reached the wire.
func sentURL(t *testing.T, base string, r *Request) string {
	t.Helper()
	var got string
	c := newClient(t, base, WithHTTPClient(&http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		got = req.URL.String()
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
	})}))
	_, err := c.Do(context.Background(), r, nil)
	require.NoError(t, err)
	return got
}

// Each part of a URL may be the longest: the joined URL keeps every part
// whole, whichever dominates.
func TestLongURLPartsAreJoinedWhole(t *testing.T) {
	long := strings.Repeat("x", 300)
	for name, tc := range map[string]struct {
		base, path, query, want string
	}{
		"base path": {"https://api.example/" + long, "/op", "", "https://api.example/" + long + "/op"},
		"path":      {"https://api.example/v1", "/" + long, "", "https://api.example/v1/" + long},
		"query":     {"https://api.example/v1", "/op", "q=" + long, "https://api.example/v1/op?q=" + long},
	} {
		got := sentURL(t, tc.base, &Request{Op: "Get", Effect: Read, Method: http.MethodGet, Path: tc.path, Query: tc.query})
		assert.Equal(t, tc.want, got, name)
	}
}

// A placeholder may open the path, or follow another with nothing between.
func TestPlaceholderAtTheStartOfWhatRemains(t *testing.T) {
	for path, want := range map[string]string{
		"{id}/status":        "https://api.example/v1/T-1/status",
		"/files/{name}{ext}": "https://api.example/v1/files/T-1.pdf",
	} {
		args := []string{"T-1"}
		if strings.Contains(path, "{ext}") {
			args = []string{"T-1", ".pdf"}
		}
		got := sentURL(t, "https://api.example/v1", &Request{Op: "Get", Effect: Read, Method: http.MethodGet, Path: path, PathArgs: args})
		assert.Equal(t, want, got, path)
	}
}

// The percent-escape check reads the whole joined path, its first byte
// included: a base path that does not start with a slash (a URL built by
// hand rather than parsed) puts an escape there.
func TestBadEscapeFoundWhereverThePathStartsWithAnEscape(t *testing.T) {
	c, err := New(Partner{Name: "test", BaseURL: &url.URL{Scheme: "https", Host: "api.example", Path: "%v1"}})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Op: "Get", Effect: Read, Method: http.MethodGet, Path: "/a%zz"}, nil)
	e := requireOutcome(t, err, ErrNotApplied)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, FieldError{Field: "request path", Message: "has a bad percent-escape"}, e.Fields[0])
}

// A caller's client whose Timeout equals the attempt timeout bounds the
// attempt itself: the SDK adds no deadline of its own, so the error is the
// client's timeout.
func TestCallersClientTimeoutEqualToTheAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	const d = 100 * time.Millisecond
	c := newClient(t, ts.URL+prefix, WithTimeout(d), WithHTTPClient(&http.Client{Timeout: d}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	_, err := c.Do(context.Background(), get("/op"), nil)
	requireOutcome(t, err, ErrNotApplied)
	assert.Contains(t, err.Error(), "Client.Timeout exceeded")
}

// cookieRecorder records the Cookie header of every request it serves, by
// path; setCookie, when it returns one, is set on the answer.
type cookieRecorder struct {
	mu  sync.Mutex
	got []string
}

func (c *cookieRecorder) handler(setCookie func(r *http.Request) *http.Cookie) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.got = append(c.got, strings.TrimPrefix(r.URL.Path, prefix)+" "+r.Header.Get("Cookie"))
		c.mu.Unlock()
		if ck := setCookie(r); ck != nil {
			http.SetCookie(w, ck)
		}
		_, _ = io.WriteString(w, `{"id":"1"}`)
	}
}

func (c *cookieRecorder) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}

// The Cookie header a request's own cookies share with the jar is cached
// per URL path: a cookie scoped to one path never rides along to another.
func TestCachedCookieHeaderIsPerPath(t *testing.T) {
	var rec cookieRecorder
	var set atomic.Bool
	ts := newServer(t, "/", rec.handler(func(r *http.Request) *http.Cookie {
		if r.URL.Path != prefix+"/a" || set.Swap(true) {
			return nil
		}
		return &http.Cookie{Name: "A", Value: "only-for-a", Path: prefix + "/a"}
	}))
	c := newClient(t, ts.URL+prefix)
	own := NewCookies(&http.Cookie{Name: "own", Value: "1"})
	for _, path := range []string{"/a", "/a", "/b", "/a"} {
		req := get(path)
		req.Cookies = own
		_, err := c.Do(context.Background(), req, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"/a own=1", "/a own=1; A=only-for-a", "/b own=1", "/a own=1; A=only-for-a"}, rec.all())
}

// Two clients talking to one partner keep their cookies apart, also when
// their requests carry no cookies of their own.
func TestClientsNeverShareJarCookies(t *testing.T) {
	var rec cookieRecorder
	var mu sync.Mutex
	n := 0
	ts := newServer(t, "/op", rec.handler(func(r *http.Request) *http.Cookie {
		if r.Header.Get("Cookie") != "" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		n++
		return &http.Cookie{Name: "S", Value: fmt.Sprintf("session-%d", n), Path: "/"}
	}))
	a, b := newClient(t, ts.URL+prefix), newClient(t, ts.URL+prefix)
	for _, c := range []*Client{a, b, a, b} {
		_, err := c.Do(context.Background(), get("/op"), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"/op ", "/op ", "/op S=session-1", "/op S=session-2"}, rec.all())
}

// A backoff capped at a delay so long that doubling it would overflow
// stays at the cap: it never wraps around to no wait at all.
func TestBackoffAtAHugeCap(t *testing.T) {
	const huge = time.Duration(1) << 62
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: huge, MaxDelay: huge}
	for n := 1; n <= 3; n++ {
		d := p.backoff(n)
		assert.GreaterOrEqual(t, d, huge/2, "attempt %d", n)
		assert.LessOrEqual(t, d, huge, "attempt %d", n)
	}
	// From a small base, doubling up to the largest cap must not wrap.
	p = RetryPolicy{MaxAttempts: 100, BaseDelay: time.Nanosecond, MaxDelay: math.MaxInt64}
	for _, n := range []int{62, 63, 64, 65, 70, 100} {
		d := p.backoff(n)
		assert.GreaterOrEqual(t, d, time.Duration(1)<<60, "attempt %d", n)
	}
}

// The shortest delays still back off with jitter, within [d/2, d].
func TestBackoffOfAFewNanoseconds(t *testing.T) {
	for d := time.Duration(1); d <= 3; d++ {
		p := RetryPolicy{MaxAttempts: 2, BaseDelay: d, MaxDelay: d}
		for range 20 {
			got := p.backoff(1)
			assert.GreaterOrEqual(t, got, d/2, "BaseDelay %v", d)
			assert.LessOrEqual(t, got, d, "BaseDelay %v", d)
		}
	}
}

// With no wait left, a context already done always wins: sleep never
// reports it may go on.
func TestSleepWithoutWaitOnADoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		require.ErrorIs(t, sleep(ctx, 0), context.Canceled)
	}
}

// The jar notes when the first cookie with a lifetime expires, from
// Max-Age before Expires; a session cookie or a deleted one has none; and
// every change, or an expiry passing, invalidates cached Cookie headers.
func TestJarTracksTheFirstExpiry(t *testing.T) {
	t.Parallel()
	cj, err := cookiejar.New(nil)
	require.NoError(t, err)
	j := &jar{jar: cj, secrets: new(redact.Secrets)}
	u := mustURL(t, "https://partner.example/api")
	soon := time.Now().Add(time.Hour).Truncate(time.Second)
	later := soon.Add(time.Hour)

	j.set(u, []*http.Cookie{{Name: "session", Value: "s"}})
	assert.Zero(t, j.next.Load(), "a session cookie never expires on its own")

	j.set(u, []*http.Cookie{{Name: "a", Value: "1", Expires: later}, {Name: "b", Value: "2", MaxAge: 3 * 3600, Expires: soon}})
	assert.Equal(t, later.UnixNano(), j.next.Load(), "Expires counts, and Max-Age wins over it")

	j.set(u, []*http.Cookie{{Name: "c", Value: "3", Expires: soon}})
	assert.Equal(t, soon.UnixNano(), j.next.Load())

	j.set(u, []*http.Cookie{{Name: "c", Value: "", MaxAge: -1}})
	assert.Equal(t, later.UnixNano(), j.next.Load(), "a deleted cookie no longer expires")

	gen := j.gen.Load()
	j.expire()
	assert.Equal(t, gen, j.gen.Load(), "nothing expired yet: cached headers stay")
	j.next.Store(time.Now().UnixNano()) // as if an hour had passed
	j.mu.Lock()
	j.expires["a-key-for-now"] = time.Now()
	j.mu.Unlock()
	j.expire()
	assert.Equal(t, gen+1, j.gen.Load(), "an expiry passed: cached headers go")
	j.mu.Lock()
	assert.NotContains(t, j.expires, "a-key-for-now", "an expired cookie is forgotten")
	j.mu.Unlock()
	assert.Equal(t, later.UnixNano(), j.next.Load(), "the next expiry is still a's")
}
