package conformance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SettleEnv is an Env of a partner with a read-back, as the settle suite
// sees it.
type SettleEnv interface {
	Env
	// Hint returns the settle request an OutcomeUnknown error of Write
	// carries, encoded as JSON: what an outbox stores. Nil when there is
	// none.
	Hint(err error) []byte
	// Settle decodes a stored hint and settles it with the client. When
	// otherAmount is set, it first changes the hint's amount to one the
	// partner did not record, and reports whether Settle said so.
	Settle(ctx context.Context, hint []byte, otherAmount bool) (s transport.Settlement, mismatch bool, err error)
	// SetReadLag makes the fake's read-back show a write only d after it.
	SetReadLag(d time.Duration)
}

// SettleSubject is a partner package whose read-back settles unknown
// outcomes.
type SettleSubject struct {
	Subject
	// StartSettle is Start for the settle suite.
	StartSettle func(t *testing.T, opts ...transport.Option) SettleEnv
}

// RunSettle runs the settle suite: an unknown outcome carries a typed,
// storable hint; Settle turns a cut before applying into absent and a cut
// after applying into applied with the amount checked, stays unknown while
// a lagging read-back is within the grace, and 1,000 payments posted
// through random faults with post-then-settle end applied exactly once.
func RunSettle(t *testing.T, s SettleSubject) {
	r := &run{s: s.Subject, log: newLogSink()}
	start := func(t *testing.T, opts ...transport.Option) SettleEnv {
		return s.StartSettle(t, append([]transport.Option{fastRetry}, opts...)...)
	}
	t.Run("CutBeforeApplySettlesAbsent", func(t *testing.T) {
		env := start(t, transport.WithSettleGrace(0))
		hint := unknownWrite(t, r, env, fake.DropBeforeApply)
		st, _, err := env.Settle(context.Background(), hint, false)
		require.NoError(t, err)
		assert.Equal(t, transport.SettleAbsent, st)
	})
	t.Run("CutAfterApplySettlesApplied", func(t *testing.T) {
		env := start(t, transport.WithSettleGrace(0))
		hint := unknownWrite(t, r, env, fake.DropAfterApply)
		st, mismatch, err := env.Settle(context.Background(), hint, false)
		require.NoError(t, err)
		assert.Equal(t, transport.SettleApplied, st)
		assert.False(t, mismatch)
		st, mismatch, err = env.Settle(context.Background(), hint, true)
		require.NoError(t, err)
		assert.Equal(t, transport.SettleApplied, st)
		assert.True(t, mismatch, "applied, but not the amount charged: reported, not hidden")
	})
	t.Run("LaggingReadBackStaysUnknownWithinTheGrace", func(t *testing.T) {
		const grace = 400 * time.Millisecond
		env := start(t, transport.WithSettleGrace(grace))
		env.SetReadLag(200 * time.Millisecond)
		applied := unknownWrite(t, r, env, fake.DropAfterApply)
		absent := unknownWrite(t, r, env, fake.DropBeforeApply)
		for _, hint := range [][]byte{applied, absent} {
			st, _, err := env.Settle(context.Background(), hint, false)
			require.NoError(t, err)
			assert.Equal(t, transport.SettleUnknown, st, "within the grace, not showing is not absent")
		}
		time.Sleep(grace + 50*time.Millisecond)
		st, _, err := env.Settle(context.Background(), applied, false)
		require.NoError(t, err)
		assert.Equal(t, transport.SettleApplied, st)
		st, _, err = env.Settle(context.Background(), absent, false)
		require.NoError(t, err)
		assert.Equal(t, transport.SettleAbsent, st)
	})
	t.Run("PostThenSettle1000PaymentsThroughFaults", func(t *testing.T) {
		postThenSettle(t, r, start(t, transport.WithSettleGrace(0)), 1000)
	})
}

// unknownWrite writes a fresh item through a fault that leaves its outcome
// unknown and returns the stored hint.
func unknownWrite(t *testing.T, r *run, env SettleEnv, action fake.Action) []byte {
	t.Helper()
	key := env.NewItem()
	env.Inject(fake.Fault{Endpoint: r.s.WriteEndpoint, Key: key, Action: action})
	err := env.Write(context.Background(), key)
	outcome(t, err, transport.ErrOutcomeUnknown)
	hint := env.Hint(err)
	require.NotEmpty(t, hint, "an unknown outcome carries a settle request")
	return hint
}

// postThenSettle posts n payments from 16 workers while the fake misbehaves
// at random, the way an outbox worker should: resend what was not applied,
// settle what is unknown (never resend it blindly), stop at applied or
// already applied. Every payment must end applied exactly once.
func postThenSettle(t *testing.T, r *run, env SettleEnv, n int) {
	for _, a := range []fake.Action{fake.Refuse, fake.DropBeforeApply, fake.DropAfterApply, fake.FailAfterApply, fake.GarbleAfterApply, fake.EmptyAfterApply} {
		env.Inject(fake.Fault{Endpoint: r.s.WriteEndpoint, Action: a, Rate: 0.04, Times: fake.Forever})
	}
	keys := make(chan string, n)
	for range n {
		keys <- env.NewItem()
	}
	close(keys)
	var unknowns, settled atomic.Int64
	var wg sync.WaitGroup
	var failed sync.Once
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range keys {
				if err := deliver(env, key, &unknowns, &settled); err != nil {
					failed.Do(func() { t.Errorf("%s: %v", key, err) })
				}
			}
		}()
	}
	wg.Wait()
	env.ClearFaults()
	t.Logf("%d payments: %d unknown outcomes, all settled (%d reads)", n, unknowns.Load(), settled.Load())
	assert.Positive(t, unknowns.Load(), "the faults made some outcomes unknown")
}

// deliver is one payment's way through an outbox worker.
func deliver(env SettleEnv, key string, unknowns, settled *atomic.Int64) error {
	ctx := context.Background()
	for try := 0; try < 50; try++ {
		err := env.Write(ctx, key)
		switch {
		case err == nil, errors.Is(err, transport.ErrAlreadyApplied):
		case errors.Is(err, transport.ErrNotApplied):
			time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
			continue
		case errors.Is(err, transport.ErrOutcomeUnknown):
			unknowns.Add(1)
			st, e := settleUntilKnown(ctx, env, env.Hint(err), settled)
			if e != nil {
				return e
			}
			if st == transport.SettleAbsent {
				continue // safe to send again
			}
		default:
			return err
		}
		if n := env.Applied(key); n != 1 {
			return fmt.Errorf("applied %d times", n)
		}
		return nil
	}
	return errors.New("never applied")
}

func settleUntilKnown(ctx context.Context, env SettleEnv, hint []byte, reads *atomic.Int64) (transport.Settlement, error) {
	if len(hint) == 0 {
		return transport.SettleUnknown, errors.New("an unknown outcome without a settle request")
	}
	for try := 0; try < 50; try++ {
		reads.Add(1)
		st, _, err := env.Settle(ctx, hint, false)
		if err == nil && st != transport.SettleUnknown {
			return st, nil
		}
		time.Sleep(time.Millisecond) // the read-back itself may hit a fault
	}
	return transport.SettleUnknown, errors.New("never settled")
}
