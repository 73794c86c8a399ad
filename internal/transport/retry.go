package transport

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Effect says what a request does to the partner's state, which decides
// what may be retried and what a failure means. The zero value is not an
// effect: Do refuses a request that does not declare one, so a payment
// post can never be mistaken for a read.
type Effect int

const (
	// Read changes nothing: retried on any transient failure; a failure is
	// always NotApplied (there is nothing to apply).
	Read Effect = iota + 1
	// Login obtains a session or token: retried like a Read.
	Login
	// Write changes state and repeating it could apply it twice (posting a
	// payment): retried only when the request provably never left, or the
	// partner refused it with 408 or 429. A failure after it may have
	// arrived is OutcomeUnknown, and a 2xx must confirm what the partner
	// recorded (see Confirmer).
	Write
	// RepeatableWrite changes state, but repeating it cannot apply it
	// twice (an upsert keyed by the caller; opening a transaction that
	// charges nothing until committed): retried like a Read, its failures
	// classified and its answers confirmed like a Write's.
	RepeatableWrite
)

func (e Effect) valid() bool        { return e >= Read && e <= RepeatableWrite }
func (e Effect) changesState() bool { return e == Write || e == RepeatableWrite }
func (e Effect) repeatable() bool   { return e != Write }

// String names the effect.
func (e Effect) String() string {
	switch e {
	case Read:
		return "read"
	case Login:
		return "login"
	case Write:
		return "write"
	case RepeatableWrite:
		return "repeatable write"
	}
	return "undeclared"
}

// RetryPolicy bounds automatic retries. Whatever it says, a request that may
// already have been applied is never resent unless repeating it is safe.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, including the first; 1 disables retries
	BaseDelay   time.Duration // first backoff; doubles each attempt, with jitter
	MaxDelay    time.Duration // cap on one backoff, and on a Retry-After the SDK will wait for
}

// DefaultRetryPolicy is 3 attempts, backing off from 200ms up to 5s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}
}

func (p RetryPolicy) check(c *Checks) {
	switch {
	case p.MaxAttempts < 1:
		c.Add("RetryPolicy.MaxAttempts", "must be at least 1")
	case p.BaseDelay < 0 || p.MaxDelay < 0:
		c.Add("RetryPolicy", "delays must not be negative")
	case p.MaxDelay < p.BaseDelay:
		c.Add("RetryPolicy.MaxDelay", "must not be less than BaseDelay")
	}
}

// attempt is what one HTTP exchange produced, as far as retries care.
type attempt struct {
	n           int
	sent        bool   // bytes may have reached the partner
	status      int    // 0 if no response arrived
	err         *Error // set when the attempt failed
	bodyFailed  bool   // a 2xx arrived but its body could not be read or decoded
	unconfirmed bool   // a 2xx arrived that does not show what the partner recorded
	redirected  bool   // a redirect the SDK does not follow
	retryAfter  time.Duration
}

// mayHaveApplied reports whether a state-changing request could have taken
// effect in this attempt.
func (a attempt) mayHaveApplied() bool {
	switch {
	case a.status == 0:
		return a.sent
	case a.redirected, a.bodyFailed, a.unconfirmed, a.status >= 300 && a.status < 400, a.status >= 500:
		return true
	}
	return false
}

// retryDecision explains whether to try again and after how long.
type retryDecision struct {
	retry  bool
	wait   time.Duration
	reason string
}

// decide runs the retry checks in order; the first that matches answers.
func (p RetryPolicy) decide(ctx context.Context, e Effect, a attempt) retryDecision {
	switch {
	case ctx.Err() != nil:
		return retryDecision{reason: "context done"}
	case a.n >= p.MaxAttempts:
		return retryDecision{reason: "attempts exhausted"}
	case a.redirected || (a.status >= 300 && a.status < 400):
		return retryDecision{reason: "redirect refused"}
	case a.err != nil && a.err.Outcome == AlreadyApplied:
		return retryDecision{reason: "already applied"}
	case a.status == 0 && !a.sent:
		return p.again(ctx, a, "request never left")
	case a.status == http.StatusTooManyRequests || a.status == http.StatusRequestTimeout:
		return p.again(ctx, a, "partner refused for now")
	case a.status != 0 && a.status < 500 && !a.bodyFailed && !a.unconfirmed:
		return retryDecision{reason: "partner answered"}
	case !e.repeatable():
		return retryDecision{reason: "may have been applied"}
	case a.status == 0:
		return p.again(ctx, a, "network error")
	case a.bodyFailed || a.unconfirmed:
		return p.again(ctx, a, "unreadable answer")
	case a.status != http.StatusNotImplemented:
		return p.again(ctx, a, "server error")
	}
	return retryDecision{reason: "not retryable"}
}

// again schedules another attempt after the backoff, or after Retry-After
// when the partner sent one, unless that wait is longer than the policy
// allows or outlasts the context.
func (p RetryPolicy) again(ctx context.Context, a attempt, reason string) retryDecision {
	wait := p.backoff(a.n)
	if a.retryAfter > 0 {
		if a.retryAfter > p.MaxDelay {
			return retryDecision{reason: "Retry-After longer than the retry policy allows"}
		}
		wait = max(wait, a.retryAfter)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return retryDecision{reason: "context deadline before the next attempt"}
	}
	return retryDecision{retry: true, wait: wait, reason: reason}
}

// backoff returns BaseDelay×2^(n-1), capped at MaxDelay, with "equal jitter":
// half fixed, half random, so many clients do not retry in step.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		if d > p.MaxDelay/2 { // doubling would pass the cap, or overflow
			d = p.MaxDelay
			break
		}
		d *= 2
	}
	d = min(d, p.MaxDelay)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

// worstCase bounds how long a call that keeps failing can take: every
// attempt running out its timeout, every backoff at its cap.
func (p RetryPolicy) worstCase(perAttempt time.Duration) time.Duration {
	return time.Duration(p.MaxAttempts)*perAttempt + time.Duration(p.MaxAttempts-1)*p.MaxDelay
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
