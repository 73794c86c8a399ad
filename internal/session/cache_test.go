package session

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

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	lc := &counter{delay: 20 * time.Millisecond}
	c := New("p", lc.login, 0)
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
	c := New("p", lc.login, 0)
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
	c := New("p", lc.login, 0)
	_, _, err := c.Get(context.Background())
	assert.EqualError(t, err, "refused")
	lc.err = nil
	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value)
}

func TestRenewedBeforeExpiryWithPrev(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lc := &counter{exp: 15 * time.Minute, now: func() time.Time { return now }}
	c := New("p", lc.login, time.Minute)
	c.now = func() time.Time { return now }

	tok, _, err := c.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)

	now = now.Add(13 * time.Minute)
	tok, _, _ = c.Get(context.Background())
	assert.Equal(t, "tok-1", tok.Value, "still two minutes left")

	now = now.Add(90 * time.Second)
	tok, _, _ = c.Get(context.Background())
	assert.Equal(t, "tok-2", tok.Value, "renewed a minute before expiry")
	assert.Equal(t, []string{"tok-1"}, lc.prevs, "the old token is offered for its refresh token")
}

func TestInvalidateOnlyItsGeneration(t *testing.T) {
	lc := &counter{}
	c := New("p", lc.login, 0)
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
	tc, err := transport.New(transport.Config{Partner: "p", BaseURL: u})
	require.NoError(t, err)
	return func(ctx context.Context, tok string) error {
		_, err := tc.Do(ctx, &transport.Request{Op: "Post", Kind: transport.Write, Method: "POST", Path: "/x",
			Header: http.Header{"Authorization": {tok}}}, &struct{}{})
		return err
	}
}

func TestDoRenewsOnceOnUnauthorized(t *testing.T) {
	lc := &counter{}
	c := New("p", lc.login, 0)
	call := api(t, "tok-1")
	var seen []string
	err := c.Do(context.Background(), "Post", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		return call(ctx, tok)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"tok-1", "tok-2"}, seen)

	// A second 401 is returned, not chased.
	c = New("p", (&counter{}).login, 0)
	call = api(t, "tok-1", "tok-2", "tok-3")
	seen = nil
	err = c.Do(context.Background(), "Post", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		return call(ctx, tok)
	})
	assert.True(t, transport.IsUnauthorized(err))
	assert.Len(t, seen, 2)
}

func TestDoRetriesOnceOnUnauthorized(t *testing.T) {
	lc := &counter{}
	c := New("p", lc.login, 0)
	var seen []string
	err := c.Do(context.Background(), "Op", func(ctx context.Context, tok string) error {
		seen = append(seen, tok)
		if len(seen) == 1 {
			return transport.Invalid("p", "Op", "x", "y") // not a 401: returned as is
		}
		return nil
	})
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.Equal(t, []string{"tok-1"}, seen)
}

func TestDoUnsentWhenLoginWaitEnds(t *testing.T) {
	lc := &counter{delay: 50 * time.Millisecond}
	c := New("p", lc.login, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := c.Do(ctx, "PostPayment", func(context.Context, string) error { called = true; return nil })
	assert.False(t, called)
	assert.ErrorIs(t, err, transport.ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "p PostPayment")
}

func TestRenewForcesALogin(t *testing.T) {
	lc := &counter{}
	c := New("p", lc.login, 0)
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
	lc := &counter{exp: 4 * time.Second, now: func() time.Time { return now }}
	c := New("p", lc.login, time.Minute)
	c.now = func() time.Time { return now }
	tok, _, _ := c.Get(context.Background())
	now = now.Add(2 * time.Second)
	again, _, _ := c.Get(context.Background())
	assert.Equal(t, tok.Value, again.Value, "a 4s token is renewed 1s before expiry, not at once")
	now = now.Add(1500 * time.Millisecond)
	again, _, _ = c.Get(context.Background())
	assert.NotEqual(t, tok.Value, again.Value)
}

func TestDoneContextStartsNoLogin(t *testing.T) {
	lc := &counter{}
	c := New("p", lc.login, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Get(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	time.Sleep(20 * time.Millisecond) // a login started in the background would have run by now
	assert.Zero(t, lc.calls.Load())
}
