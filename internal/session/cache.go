// Package session caches a partner session or access token for all the
// goroutines of one SDK client: exactly one login runs when many callers need
// one at once, a token is renewed shortly before it expires, and a call the
// partner refuses with 401 is sent once more with a new token.
package session

import (
	"context"
	"sync"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

// Token is a credential and the time it stops being valid.
type Token[T any] struct {
	Value  T
	Expiry time.Time // zero: valid until the partner refuses it
}

// LoginFunc obtains a new token. prev is the token being replaced, or nil on
// the first login, so a partner can use its refresh token.
type LoginFunc[T any] func(ctx context.Context, prev *Token[T]) (Token[T], error)

// Cache holds one token. It is safe for concurrent use.
type Cache[T any] struct {
	partner     string
	login       LoginFunc[T]
	renewBefore time.Duration
	now         func() time.Time

	mu      sync.Mutex
	cur     *Token[T] // the last token obtained, valid or not
	valid   bool      // cur may be used
	renewAt time.Time // when cur is renewed; zero: only when refused
	gen     uint64    // counts tokens obtained
	flight  *flight[T]
}

// flight is one login under way; everyone who needs a token waits on it.
type flight[T any] struct {
	done chan struct{}
	tok  Token[T]
	gen  uint64
	err  error
}

// New returns a Cache that logs in with login and renews a token renewBefore
// its expiry, or a quarter of its lifetime before, whichever is sooner, so a
// short-lived token is still used.
func New[T any](partner string, login LoginFunc[T], renewBefore time.Duration) *Cache[T] {
	return &Cache[T]{partner: partner, login: login, renewBefore: renewBefore, now: time.Now}
}

// Get returns a usable token and its generation, logging in when none is
// held or the one held is about to expire. Concurrent callers share one
// login; each stops waiting when its own ctx is done. The login itself runs
// on a context without the caller's cancellation (the transport's timeout and
// retry policy bound it), so one impatient caller cannot fail it for all.
func (c *Cache[T]) Get(ctx context.Context) (Token[T], uint64, error) {
	c.mu.Lock()
	if c.valid && (c.renewAt.IsZero() || c.now().Before(c.renewAt)) {
		tok, gen := *c.cur, c.gen
		c.mu.Unlock()
		return tok, gen, nil
	}
	f := c.flight
	if f == nil {
		if err := ctx.Err(); err != nil {
			// A caller already gone starts nothing on the network.
			c.mu.Unlock()
			var zero Token[T]
			return zero, 0, err
		}
		f = &flight[T]{done: make(chan struct{})}
		c.flight = f
		go c.run(context.WithoutCancel(ctx), f, c.cur)
	}
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		var zero Token[T]
		return zero, 0, ctx.Err()
	case <-f.done:
		return f.tok, f.gen, f.err
	}
}

func (c *Cache[T]) run(ctx context.Context, f *flight[T], prev *Token[T]) {
	tok, err := c.login(ctx, prev)
	c.mu.Lock()
	if err == nil {
		c.gen++
		c.cur, c.valid = &tok, true
		c.renewAt = time.Time{}
		if !tok.Expiry.IsZero() {
			c.renewAt = tok.Expiry.Add(-min(c.renewBefore, tok.Expiry.Sub(c.now())/4))
		}
		f.tok, f.gen = tok, c.gen
	}
	f.err = err
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}

// Renew makes the held token unusable and returns a new one, joining a
// login already under way if there is one.
func (c *Cache[T]) Renew(ctx context.Context) (Token[T], error) {
	c.mu.Lock()
	c.valid = false
	c.mu.Unlock()
	tok, _, err := c.Get(ctx)
	return tok, err
}

// Invalidate marks the token of generation gen unusable, unless a newer one
// has replaced it already. The token stays available to the next login as
// prev (for its refresh token).
func (c *Cache[T]) Invalidate(gen uint64) {
	c.mu.Lock()
	if c.gen == gen {
		c.valid = false
	}
	c.mu.Unlock()
}

// Do calls fn with a usable token. If fn fails with a 401 that left the call
// not applied (transport.IsUnauthorized), the token is invalidated and fn runs
// once more with a new one. op names the caller's operation in errors.
func (c *Cache[T]) Do(ctx context.Context, op string, fn func(context.Context, T) error) error {
	for try := 1; ; try++ {
		tok, gen, err := c.Get(ctx)
		if err != nil {
			return transport.Unsent(c.partner, op, err)
		}
		err = fn(ctx, tok.Value)
		if try == 2 || !transport.IsUnauthorized(err) {
			return err
		}
		c.Invalidate(gen)
	}
}
