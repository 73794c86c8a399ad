// Package tokencache holds a partner session or access token for all the
// goroutines of one SDK client: exactly one login runs when many callers
// need one at once; a token near its expiry is renewed by one background
// login while callers go on using it; a login that hangs is abandoned after
// a deadline; and a call the partner refuses with 401 is sent once more
// with a new token.
package tokencache

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

// renewRetry is how long after a failed background renewal the next one
// starts, while the token held is still valid.
const renewRetry = 5 * time.Second

// Token is a credential and the time it stops being valid.
type Token[T any] struct {
	Value  T
	Expiry time.Time // zero: valid until the partner refuses it
}

// LoginFunc obtains a new token. prev is the token being replaced, or nil on
// the first login, so a partner can use its refresh token. ctx carries the
// login's deadline.
type LoginFunc[T any] func(ctx context.Context, prev *Token[T]) (Token[T], error)

// Cache holds one token. It is safe for concurrent use.
type Cache[T any] struct {
	http        *transport.Client
	login       LoginFunc[T]
	loginOp     string
	renewBefore time.Duration
	deadline    time.Duration
	now         func() time.Time
	stale       func(T) bool

	// usable is the token callers may use, read without a lock on every
	// call; nil when there is none (never obtained, refused, renewed).
	usable atomic.Pointer[held[T]]

	mu     sync.Mutex
	last   *Token[T] // the last token obtained, usable or not (a login's prev)
	gen    uint64    // counts tokens obtained
	flight *flight[T]
}

// held is a token with its generation and renewal time.
type held[T any] struct {
	tok     Token[T]
	gen     uint64
	renewAt time.Time // when a background renewal starts; zero: only when refused
}

// flight is one login under way; whoever needs a token waits on it.
type flight[T any] struct {
	done chan struct{}
	tok  Token[T]
	gen  uint64
	err  error
}

// New returns a Cache whose logins run through login, named loginOp in
// errors (e.g. "Authenticate"). A token is renewed renewBefore its expiry,
// or a quarter of its lifetime before, whichever is sooner, so a
// short-lived token is still used. A login that has not finished within
// the client's LoginDeadline is abandoned.
func New[T any](c *transport.Client, loginOp string, login LoginFunc[T], renewBefore time.Duration) *Cache[T] {
	return &Cache[T]{http: c, login: login, loginOp: loginOp, renewBefore: renewBefore, deadline: c.LoginDeadline(), now: time.Now}
}

// WithStale makes the cache treat a token for which stale reports true as
// expired, for partners whose tokens end in a way an expiry time cannot
// say (after an idle hour, once released). stale must be quick and safe
// for concurrent use. It returns c.
func (c *Cache[T]) WithStale(stale func(T) bool) *Cache[T] {
	c.stale = stale
	return c
}

// Get returns a usable token and its generation. With none held, or the one
// held expired or refused, it logs in, sharing one login among concurrent
// callers, each of whom stops waiting when its own ctx is done. A token
// past its renewal time but not yet expired is returned at once while one
// background login renews it.
func (c *Cache[T]) Get(ctx context.Context) (Token[T], uint64, error) {
	if h := c.usable.Load(); h != nil {
		if c.stale != nil && c.stale(h.tok.Value) {
			c.Invalidate(h.gen)
			return c.Get(ctx)
		}
		if h.tok.Expiry.IsZero() && h.renewAt.IsZero() {
			return h.tok, h.gen, nil
		}
		now := c.now()
		if h.tok.Expiry.IsZero() || now.Before(h.tok.Expiry) {
			if !h.renewAt.IsZero() && !now.Before(h.renewAt) {
				c.renewInBackground(ctx, h)
			}
			return h.tok, h.gen, nil
		}
	}
	c.mu.Lock()
	f := c.flight
	if h := c.usable.Load(); f == nil && h != nil && (h.tok.Expiry.IsZero() || c.now().Before(h.tok.Expiry)) &&
		(c.stale == nil || !c.stale(h.tok.Value)) {
		c.mu.Unlock() // a login finished since the check above
		return h.tok, h.gen, nil
	}
	if f == nil {
		if err := ctx.Err(); err != nil {
			c.mu.Unlock() // a caller already gone starts nothing on the network
			var zero Token[T]
			return zero, 0, err
		}
		f = c.start(ctx)
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

// renewInBackground starts one login to replace h, unless one is under way
// or h was replaced already.
func (c *Cache[T]) renewInBackground(ctx context.Context, h *held[T]) {
	c.mu.Lock()
	if c.flight == nil && c.usable.Load() == h {
		c.start(ctx)
	}
	c.mu.Unlock()
}

// start begins a login; c.mu is held. The login runs on a context without
// the caller's cancellation (one impatient caller must not fail it for
// everyone), bounded by the login deadline.
func (c *Cache[T]) start(ctx context.Context) *flight[T] {
	f := &flight[T]{done: make(chan struct{})}
	c.flight = f
	go c.run(context.WithoutCancel(ctx), f, c.last)
	return f
}

// result is what one login returned.
type result[T any] struct {
	tok Token[T]
	err error
}

func (c *Cache[T]) run(ctx context.Context, f *flight[T], prev *Token[T]) {
	ctx, cancel := context.WithTimeout(ctx, c.deadline)
	defer cancel()
	ch := make(chan result[T], 1)
	go func() {
		var r result[T]
		defer func() {
			if p := recover(); p != nil {
				r.err = &transport.Error{Partner: c.http.Partner(), Op: c.loginOp, Outcome: transport.NotApplied,
					Message: "the login panicked; nothing was sent for the call"}
				_ = p // the panic value may hold a secret: never printed
			}
			ch <- r
		}()
		r.tok, r.err = c.login(ctx, prev)
	}()
	var r result[T]
	select {
	case r = <-ch:
	case <-ctx.Done():
		// A login that ignores its context is left behind; its result,
		// should it ever come, is dropped.
		r.err = c.http.Unsent(c.loginOp, fmt.Errorf("login did not finish within %v: %w", c.deadline, ctx.Err()))
	}
	c.mu.Lock()
	if r.err == nil {
		c.gen++
		h := &held[T]{tok: r.tok, gen: c.gen}
		if !r.tok.Expiry.IsZero() {
			h.renewAt = r.tok.Expiry.Add(-min(c.renewBefore, r.tok.Expiry.Sub(c.now())/4))
		}
		c.last = &h.tok
		c.usable.Store(h)
		f.tok, f.gen = r.tok, c.gen
	} else if h := c.usable.Load(); h != nil && !h.renewAt.IsZero() {
		// A background renewal failed while the token is still good: try
		// again a little later, not on every call.
		next := *h
		next.renewAt = c.now().Add(renewRetry)
		c.usable.Store(&next)
	}
	f.err = r.err
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}

// Renew makes the held token unusable and returns a new one, joining a
// login already under way if there is one.
func (c *Cache[T]) Renew(ctx context.Context) (Token[T], error) {
	c.usable.Store(nil)
	tok, _, err := c.Get(ctx)
	return tok, err
}

// Invalidate marks the token of generation gen unusable, unless a newer one
// has replaced it already. The token stays available to the next login as
// prev (for its refresh token).
func (c *Cache[T]) Invalidate(gen uint64) {
	c.mu.Lock()
	if h := c.usable.Load(); h != nil && h.gen == gen {
		c.usable.Store(nil)
	}
	c.mu.Unlock()
}

// Do calls fn with a usable token. If fn fails with a 401 that left the call
// not applied (transport.IsUnauthorized), the token is invalidated and fn
// runs once more with a new one. A failed login is reported as an error of
// op, the caller's operation, with the login as its Step.
func (c *Cache[T]) Do(ctx context.Context, op string, fn func(context.Context, T) error) error {
	for try := 1; ; try++ {
		tok, gen, err := c.Get(ctx)
		if err != nil {
			return c.http.AsStep(op, c.loginOp, err)
		}
		err = fn(ctx, tok.Value)
		if try == 2 || !transport.IsUnauthorized(err) {
			return err
		}
		c.Invalidate(gen)
	}
}
