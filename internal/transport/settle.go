package transport

import (
	"errors"
	"time"
)

// Settlement is what a partner's read-back says about a call whose outcome
// was unknown. Its zero value is SettleUnknown, so a settlement nobody
// decided never claims that sending again is safe.
type Settlement int

// The settlements.
const (
	// SettleUnknown: the read-back failed, or the payment may not show in
	// it yet (it was sent less than the settle grace ago). Settle again
	// later; never send it again meanwhile.
	SettleUnknown Settlement = iota
	// SettleApplied: the partner holds the payment. Never send it again.
	SettleApplied
	// SettleAbsent: the partner does not hold the payment, and the
	// read-back is past the settle grace. Sending it again is safe.
	SettleAbsent
)

// String names the settlement.
func (s Settlement) String() string {
	switch s {
	case SettleApplied:
		return "applied"
	case SettleAbsent:
		return "absent"
	}
	return "unknown"
}

// DefaultSettleGrace is how long after a call a read-back that does not
// show it is still taken as "may not show yet" rather than "absent".
const DefaultSettleGrace = time.Minute

// SettleGrace returns how long a read-back may lag behind a write (see
// WithSettleGrace).
func (c *Client) SettleGrace() time.Duration { return c.settleGrace }

// Judge decides a settlement from a read-back: found means applied; not
// found means absent once sentAt lies more than the settle grace in the
// past, and unknown before that, with the time to settle again. Partners
// require sentAt in their settle requests; a zero one counts as now.
func (c *Client) Judge(found bool, sentAt time.Time) (Settlement, time.Time) {
	if found {
		return SettleApplied, time.Time{}
	}
	if sentAt.IsZero() {
		sentAt = time.Now()
	}
	if ready := sentAt.Add(c.settleGrace); time.Now().Before(ready) {
		return SettleUnknown, ready
	}
	return SettleAbsent, time.Time{}
}

// SettleOf returns the settle request of type T that err (an *Error, or
// one wrapping it) carries, or false. Partner packages offer it as
// SettleRequestOf.
func SettleOf[T any](err error) (T, bool) {
	var e *Error
	var zero T
	if !errors.As(err, &e) {
		return zero, false
	}
	v, ok := e.Settle.(T)
	return v, ok
}

// AttachSettle attaches the settle request hint builds to err when err is
// an *Error whose outcome is unknown, and returns err; on any other error
// (or nil) it does nothing, so a partner calls it on the error path of
// every write. hint gets the time the call counts as sent (now, in UTC and
// without a monotonic reading, so it comes back from JSON equal) and
// returns nil when the call holds no keys to settle with.
func AttachSettle[T any](err error, hint func(sentAt time.Time) *T) error {
	var e *Error
	if errors.As(err, &e) && e.Outcome == OutcomeUnknown {
		if h := hint(time.Now().UTC().Round(0)); h != nil {
			e.Settle = h
		}
	}
	return err
}
