package tokencache

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type counter struct {
	calls atomic.Int32
	delay time.Duration
	err   error
	prevs []string
	mu    sync.Mutex
	exp   time.Duration
	now   func() time.Time
}

func (c *counter) login(ctx context.Context, prev *Token[string]) (Token[string], error) {
	n := c.calls.Add(1)
	c.mu.Lock()
	if prev != nil {
		c.prevs = append(c.prevs, prev.Value)
	}
	c.mu.Unlock()
	time.Sleep(c.delay)
	if c.err != nil {
		return Token[string]{}, c.err
	}
	tok := Token[string]{Value: "tok-" + string(rune('0'+n))}
	if c.exp > 0 {
		tok.Expiry = c.now().Add(c.exp)
	}
	return tok, nil
}

// newCache builds a Cache over a transport client for partner "p", whose
// login deadline is short so hung logins are quick to test.
func newCache(t *testing.T, login LoginFunc[string], renewBefore time.Duration) *Cache[string] {
	t.Helper()
	u, _ := url.Parse("https://p.example")
	tc, err := transport.New(transport.Partner{Name: "p", BaseURL: u},
		transport.WithTimeout(200*time.Millisecond), transport.WithRetryPolicy(transport.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return New(tc, "Login", login, renewBefore)
}

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	lc := &counter{delay: 20 * time.Millisecond}
	c := newCache(t, lc.login, 0)
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, gen, err := c.Get(context.Background())
			assert.NoError(t, err)
			assert.Equal(t, "tok-1", tok.Value)
			assert.Equal(t, uint64(1), gen)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), lc.calls.Load())
}

func TestImpatientCallerDoesNotFailTheLogin(t *testing.T) {
	lc := &counter{delay: 50 * time.Millisecond}
	c := newCache(t, lc.login, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, _, err := c.Get(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)
	assert.Equal(t, int32(1), lc.calls.Load(), "the waiting caller joined the login already under way")
}

func TestFailedLoginIsNotCached(t *testing.T) {
	lc := &counter{err: errors.New("refused")}
	c := newCache(t, lc.login, 0)
	_, _, err := c.Get(context.Background())
	assert.EqualError(t, err, "refused")
	time.Sleep(time.Millisecond)
	lc.err = nil
	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value)
}

func TestRenewedInTheBackgroundBeforeExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	release := make(chan struct{})
	lc := &counter{exp: 15 * time.Minute, now: clock}
	c := newCache(t, func(ctx context.Context, prev *Token[string]) (Token[string], error) {
		if prev != nil {
			<-release // the renewal takes a while
		}
		return lc.login(ctx, prev)
	}, time.Minute)
	c.now = clock

	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)

	advance(13 * time.Minute)
	tok, _, _ = c.Get(context.Background())
	assert.Equal(t, "tok-1", tok.Value, "still two minutes left")
	assert.Equal(t, int32(1), lc.calls.Load())

	advance(90 * time.Second)
	for range 10 {
		tok, _, err = c.Get(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.Value, "callers keep the still-valid token while one renewal runs")
	}
	close(release)
	require.Eventually(t, func() bool {
		tok, _, _ := c.Get(context.Background())
		return tok.Value == "tok-2"
	}, time.Second, time.Millisecond)
	assert.Equal(t, int32(2), lc.calls.Load(), "one renewal for all those callers")
	assert.Equal(t, []string{"tok-1"}, lc.prevs, "the old token is offered for its refresh token")
}

func TestExpiredTokenWaitsForTheLogin(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lc := &counter{exp: time.Minute, now: func() time.Time { return now }}
	c := newCache(t, lc.login, 10*time.Second)
	c.now = func() time.Time { return now }
	_, _, err := c.Get(context.Background())
	require.NoError(t, err)
	now = now.Add(2 * time.Minute) // past expiry, not only past renewal
	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value, "an expired token is never handed out")
}

func TestHungLoginIsAbandoned(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	var calls atomic.Int32
	c := newCache(t, func(ctx context.Context, _ *Token[string]) (Token[string], error) {
		if calls.Add(1) == 1 {
			<-block // ignores its context, as a broken token source might
		}
		return Token[string]{Value: "ok"}, nil
	}, 0)
	start := time.Now()
	err := c.Do(context.Background(), "PostPayment", func(context.Context, string) error { return nil })
	assert.Less(t, time.Since(start), 2*time.Second, "bounded by the login deadline")
	var e *transport.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "PostPayment", e.Op)
	assert.Equal(t, "Login", e.Step)

	tok, _, err := c.Get(context.Background())
	require.NoError(t, err, "the next call starts a fresh login")
	assert.Equal(t, "ok", tok.Value)
}

func TestPanickingLoginIsAnError(t *testing.T) {
	c := newCache(t, func(context.Context, *Token[string]) (Token[string], error) {
		panic("token source blew up with secret s3cr3t")
	}, 0)
	err := c.Do(context.Background(), "CommitPayment", func(context.Context, string) error { return nil })
	var e *transport.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.Equal(t, "CommitPayment", e.Op)
	assert.Equal(t, "Login", e.Step)
	assert.Contains(t, err.Error(), "panicked")
	assert.NotContains(t, err.Error(), "s3cr3t", "the panic value is never printed")
}

func TestInvalidateOnlyItsGeneration(t *testing.T) {
	lc := &counter{}
	c := newCache(t, lc.login, 0)
	_, gen1, _ := c.Get(context.Background())
	c.Invalidate(gen1)
	tok, gen2, _ := c.Get(context.Background())
	assert.Equal(t, "tok-2", tok.Value)
	c.Invalidate(gen1) // a late 401 for the old token
	tok, gen3, _ := c.Get(context.Background())
	assert.Equal(t, "tok-2", tok.Value)
	assert.Equal(t, gen2, gen3)
}

// api answers 401 to any token in expired, 200 otherwise, through the real
// transport, so the 401 carries the outcome the transport gives it.
func api(t *testing.T, expired ...string) func(context.Context, string) error {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(expired, r.Header.Get("Authorization")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	tc, err := transport.New(transport.Partner{Name: "p", BaseURL: u})
	require.NoError(t, err)
	return func(ctx context.Context, tok string) error {
		_, err := tc.Do(ctx, &transport.Request{Op: "Post", Effect: transport.Read, Method: "POST", Path: "/x",
			Header: http.Header{"Authorization": {tok}}}, nil)
		return err
	}
}

func TestDoRenewsOnceOnUnauthorized(t *testing.T) {
	lc := &counter{}
	c := newCache(t, lc.login, 0)
	call := api(t, "tok-1")
	var seen []string
	err := c.Do(context.Background(), "Post", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		return call(ctx, tok)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"tok-1", "tok-2"}, seen)

	// A second 401 is returned, not chased.
	c = newCache(t, (&counter{}).login, 0)
	call = api(t, "tok-1", "tok-2", "tok-3")
	seen = nil
	err = c.Do(context.Background(), "Post", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		return call(ctx, tok)
	})
	assert.True(t, transport.IsUnauthorized(err))
	assert.Len(t, seen, 2)
}

func TestDoReturnsOtherErrorsAsIs(t *testing.T) {
	lc := &counter{}
	c := newCache(t, lc.login, 0)
	var seen []string
	err := c.Do(context.Background(), "Op", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		if len(seen) == 1 {
			return &transport.Error{Partner: "p", Op: "Op", Outcome: transport.NotApplied, StatusCode: 403} // not a 401: returned as is
		}
		return nil
	})
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.Equal(t, []string{"tok-1"}, seen)
}

func TestDoUnsentWhenLoginWaitEnds(t *testing.T) {
	lc := &counter{delay: 50 * time.Millisecond}
	c := newCache(t, lc.login, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := c.Do(ctx, "PostPayment", func(context.Context, string) error { called = true; return nil })
	assert.False(t, called)
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "p PostPayment (step Login)")
}

func TestRenewForcesALogin(t *testing.T) {
	lc := &counter{}
	c := newCache(t, lc.login, 0)
	tok, err := c.Renew(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)
	tok, err = c.Renew(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value, "a valid token is replaced")
	got, _, _ := c.Get(context.Background())
	assert.Equal(t, "tok-2", got.Value)
}

func TestShortLivedTokenIsStillUsed(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	lc := &counter{exp: 4 * time.Second, now: clock}
	c := newCache(t, lc.login, time.Minute)
	c.now = clock
	tok, _, _ := c.Get(context.Background())
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	again, _, _ := c.Get(context.Background())
	time.Sleep(20 * time.Millisecond) // a renewal started now would have run
	assert.Equal(t, int32(1), lc.calls.Load(), "two seconds left of four: not yet renewed")
	assert.Equal(t, tok.Value, again.Value, "a 4s token is renewed 1s before expiry, not at once")
	mu.Lock()
	now = now.Add(1500 * time.Millisecond)
	mu.Unlock() // past renewal, before expiry: renewed in the background
	_, _, _ = c.Get(context.Background())
	require.Eventually(t, func() bool { return lc.calls.Load() == 2 }, time.Second, time.Millisecond)
}

func TestDoneContextStartsNoLogin(t *testing.T) {
	lc := &counter{}
	c := newCache(t, lc.login, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Get(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	time.Sleep(20 * time.Millisecond) // a login started in the background would have run by now
	assert.Zero(t, lc.calls.Load())
}

func TestFailedBackgroundRenewalIsNotRetriedOnEveryCall(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	var calls atomic.Int32
	c := newCache(t, func(ctx context.Context, prev *Token[string]) (Token[string], error) {
		if calls.Add(1) > 1 {
			return Token[string]{}, errors.New("partner down")
		}
		return Token[string]{Value: "tok", Expiry: clock().Add(time.Hour)}, nil
	}, 10*time.Minute)
	c.now = clock
	_, _, err := c.Get(context.Background())
	require.NoError(t, err)
	advance(55 * time.Minute) // past renewal, before expiry
	_, _, err = c.Get(context.Background())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return calls.Load() == 2 }, time.Second, time.Millisecond)
	time.Sleep(10 * time.Millisecond)
	for range 20 {
		tok, _, err := c.Get(context.Background())
		require.NoError(t, err, "the held token still works")
		assert.Equal(t, "tok", tok.Value)
	}
	assert.Equal(t, int32(2), calls.Load(), "no renewal storm after a failure")
	advance(renewRetry)
	_, _, _ = c.Get(context.Background())
	require.Eventually(t, func() bool { return calls.Load() == 3 }, time.Second, time.Millisecond, "tried again later")
}

func TestStaleTokenIsReplaced(t *testing.T) {
	lc := &counter{}
	var staleAfter atomic.Int32
	staleAfter.Store(1 << 30)
	c := newCache(t, lc.login, 0).WithStale(func(tok string) bool { return tok == "tok-1" && staleAfter.Load() <= 0 })
	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)
	staleAfter.Store(0) // e.g. idle too long, or released
	tok, _, err = c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value, "a stale token is never handed out")
	tok, _, _ = c.Get(context.Background())
	assert.Equal(t, "tok-2", tok.Value)
	assert.Equal(t, int32(2), lc.calls.Load())
}
