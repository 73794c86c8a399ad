package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run is one Run of the suite: the subject, every error seen, every log
// line written, and every secret any fake issued.
type run struct {
	s      Subject
	log    *logSink
	starts atomic.Int32

	mu      sync.Mutex
	errs    []error
	secrets []string
}

// logSink collects the SDK's log records in text and JSON form.
type logSink struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	text *slog.Logger
	json *slog.Logger
}

func newLogSink() *logSink {
	s := &logSink{}
	w := lockedWriter{s}
	s.text = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.json = slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return s
}

type lockedWriter struct{ s *logSink }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.buf.Write(p)
}

// start starts an Env with the suite's loggers and quick retries first, so
// the subtest's own options win.
func (r *run) start(t *testing.T, useTLS bool, opts ...transport.Option) Env {
	t.Helper()
	logger := r.log.text
	if r.starts.Add(1)%2 == 0 {
		logger = r.log.json
	}
	env := r.s.Start(t, useTLS, append([]transport.Option{transport.WithLogger(logger), fastRetry}, opts...)...)
	t.Cleanup(func() {
		r.mu.Lock()
		r.secrets = append(r.secrets, env.Secrets()...)
		r.mu.Unlock()
	})
	return env
}

// keep records err for the final secret check.
func (r *run) keep(err error) error {
	if err != nil {
		r.mu.Lock()
		r.errs = append(r.errs, err)
		r.mu.Unlock()
	}
	return err
}

// outcome asserts err is an *Error of the subject matching exactly one
// outcome sentinel, want, and returns it.
func outcome(t *testing.T, err, want error) *transport.Error {
	t.Helper()
	require.Error(t, err)
	var e *transport.Error
	require.ErrorAs(t, err, &e, "every error is a *Error")
	n := 0
	for _, s := range []error{transport.ErrOutcomeUnknown, transport.ErrNotApplied, transport.ErrAlreadyApplied} {
		if errors.Is(err, s) {
			n++
		}
	}
	assert.Equal(t, 1, n, "an error matches exactly one outcome: %v", err)
	require.ErrorIs(t, err, want, "%v", err)
	assert.NotContains(t, err.Error(), "\n", "errors stay on one line")
	return e
}

func (r *run) applied(t *testing.T) {
	env := r.start(t, false)
	key := env.NewItem()
	require.NoError(t, r.keep(env.Write(context.Background(), key)))
	assert.Equal(t, 1, env.Applied(key), "the fake applied it once")
	assert.Equal(t, 1, env.CallsFor(r.s.WriteEndpoint, key), "one request")
}

// faultCase is one injected fault and what the SDK must make of it.
type faultCase struct {
	name    string
	fault   fake.Fault
	timeout time.Duration // per-attempt timeout, when the case needs a short one
	want    error         // nil: applied
	applied int           // what the ledger must hold after
	calls   int           // requests the write endpoint must have seen
	temp    bool          // for ErrNotApplied: must be temporary
}

func (r *run) faultCases() []faultCase {
	return []faultCase{
		{name: "refused 400", fault: fake.Fault{Action: fake.Refuse, Status: 400}, want: transport.ErrNotApplied, calls: 1},
		{name: "refused 404", fault: fake.Fault{Action: fake.Refuse, Status: 404}, want: transport.ErrNotApplied, calls: 1},
		{name: "429 then applied", fault: fake.Fault{Action: fake.Refuse, Status: 429, RetryAfter: "0"}, applied: 1, calls: 2},
		{name: "408 then applied", fault: fake.Fault{Action: fake.Refuse, Status: 408}, applied: 1, calls: 2},
		{name: "429 every time", fault: fake.Fault{Action: fake.Refuse, Status: 429, Times: fake.Forever}, want: transport.ErrNotApplied, calls: 3, temp: true},
		{name: "503 on a write", fault: fake.Fault{Action: fake.Refuse, Status: 503, Times: fake.Forever}, want: transport.ErrOutcomeUnknown, calls: 1},
		{name: "dropped before applying", fault: fake.Fault{Action: fake.DropBeforeApply}, want: transport.ErrOutcomeUnknown, calls: 1},
		{name: "dropped after applying", fault: fake.Fault{Action: fake.DropAfterApply}, want: transport.ErrOutcomeUnknown, applied: 1, calls: 1},
		{name: "500 after applying", fault: fake.Fault{Action: fake.FailAfterApply}, want: transport.ErrOutcomeUnknown, applied: 1, calls: 1},
		{name: "unreadable 2xx after applying", fault: fake.Fault{Action: fake.GarbleAfterApply}, want: transport.ErrOutcomeUnknown, applied: 1, calls: 1},
		{name: "non-confirming 2xx after applying", fault: fake.Fault{Action: fake.EmptyAfterApply}, want: transport.ErrOutcomeUnknown, applied: 1, calls: 1},
		{name: "too slow", fault: fake.Fault{Delay: time.Second}, timeout: 100 * time.Millisecond, want: transport.ErrOutcomeUnknown, calls: 1},
		{name: "401 renews once", fault: fake.Fault{Action: fake.Refuse, Status: 401}, applied: 1, calls: 2},
	}
}

func (r *run) faultOutcomes(t *testing.T) {
	for _, tc := range r.faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []transport.Option
			if tc.timeout > 0 {
				opts = append(opts, transport.WithTimeout(tc.timeout))
			}
			env := r.start(t, false, opts...)
			key := env.NewItem()
			f := tc.fault
			f.Endpoint, f.Key = r.s.WriteEndpoint, key
			env.Inject(f)
			err := r.keep(env.Write(context.Background(), key))
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				e := outcome(t, err, tc.want)
				assert.Equal(t, r.s.WriteOp, e.Op)
				assert.Equal(t, tc.calls, e.Attempts, "Attempts counts the HTTP requests")
				if tc.want == transport.ErrNotApplied {
					assert.Equal(t, tc.temp, e.Temporary, "temporary: %v", err)
				}
				if tc.want == transport.ErrOutcomeUnknown {
					assert.NotEmpty(t, e.Reconcile, "an unknown outcome says how to reconcile")
				}
			}
			if tc.timeout > 0 {
				time.Sleep(tc.fault.Delay + 100*time.Millisecond) // let the fake finish (it must not apply)
			}
			assert.Equal(t, tc.applied, env.Applied(key), "ledger")
			assert.Equal(t, tc.calls, env.CallsFor(r.s.WriteEndpoint, key), "requests sent")
		})
	}
}

func (r *run) repeat(t *testing.T) {
	env := r.start(t, false)
	key := env.NewItem()
	ctx := context.Background()
	require.NoError(t, r.keep(env.Write(ctx, key)))
	err := r.keep(env.Write(ctx, key))
	if err != nil {
		e := outcome(t, err, transport.ErrAlreadyApplied)
		assert.NotEmpty(t, e.Reconcile)
	}
	assert.Equal(t, 1, env.Applied(key), "a repeat applies nothing")
	assert.Equal(t, 2, env.CallsFor(r.s.WriteEndpoint, key), "the repeat reached the fake and is counted")
}

// concurrently runs n writes of fresh items at once and returns their keys.
func (r *run) concurrently(t *testing.T, env Env, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = env.NewItem()
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.keep(env.Write(context.Background(), key))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for _, key := range keys {
		assert.Equal(t, 1, env.Applied(key))
	}
	return keys
}

func (r *run) concurrentLogin(t *testing.T) {
	env := r.start(t, false)
	r.concurrently(t, env, 200)
	assert.Equal(t, 1, env.Logins(), "200 concurrent callers, one login")
	assert.Equal(t, 1, env.CallsFor(r.s.LoginEndpoint, ""))
}

func (r *run) expiredAuth(t *testing.T) {
	env := r.start(t, false)
	r.concurrently(t, env, 1)
	env.ExpireAuth()
	r.concurrently(t, env, 100)
	assert.Equal(t, 2, env.Logins(), "an expired session is renewed by one login for 100 callers")
}

func (r *run) invalidInput(t *testing.T) {
	env := r.start(t, false)
	e := outcome(t, r.keep(env.WriteInvalid(context.Background())), transport.ErrNotApplied)
	assert.False(t, e.Temporary, "invalid input must be fixed first")
	assert.NotEmpty(t, e.Fields, "the error names the invalid field")
	assert.Empty(t, e.Method, "nothing was sent")
	assert.Zero(t, env.CallsFor(r.s.WriteEndpoint, ""))
	assert.Zero(t, env.CallsFor(r.s.LoginEndpoint, ""), "not even a login")
}

func (r *run) contextDone(t *testing.T) {
	env := r.start(t, false)
	key := env.NewItem()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := outcome(t, r.keep(env.Write(ctx, key)), transport.ErrNotApplied)
	assert.True(t, e.Temporary)
	assert.ErrorIs(t, e, context.Canceled)
	assert.Zero(t, env.CallsFor(r.s.WriteEndpoint, ""))
	assert.Zero(t, env.CallsFor(r.s.LoginEndpoint, ""))
}

func (r *run) loginFailure(t *testing.T) {
	env := r.start(t, false)
	key := env.NewItem()
	env.Inject(fake.Fault{Endpoint: r.s.LoginEndpoint, Action: fake.Refuse, Status: 500, Times: fake.Forever})
	e := outcome(t, r.keep(env.Write(context.Background(), key)), transport.ErrNotApplied)
	assert.Equal(t, r.s.WriteOp, e.Op, "the caller's operation")
	assert.Equal(t, r.s.LoginOp, e.Step, "the login is the step that failed")
	assert.True(t, e.Temporary)
	assert.Zero(t, env.CallsFor(r.s.WriteEndpoint, ""))
	env.ClearFaults()
	require.NoError(t, r.keep(env.Write(context.Background(), key)), "the next call logs in afresh")
	assert.Equal(t, 1, env.Applied(key))
}

func (r *run) hungLogin(t *testing.T) {
	env := r.start(t, false, transport.WithTimeout(100*time.Millisecond),
		transport.WithRetryPolicy(transport.RetryPolicy{MaxAttempts: 1}))
	key := env.NewItem()
	env.Inject(fake.Fault{Endpoint: r.s.LoginEndpoint, Delay: 2 * time.Second})
	start := time.Now()
	e := outcome(t, r.keep(env.Write(context.Background(), key)), transport.ErrNotApplied)
	assert.Less(t, time.Since(start), time.Second, "the login deadline bounds the wait")
	assert.Equal(t, r.s.LoginOp, e.Step)
	require.NoError(t, r.keep(env.Write(context.Background(), key)), "the next call starts a fresh login")
	assert.Equal(t, 1, env.Applied(key))
}

func (r *run) finishStartedWrites(t *testing.T) {
	for _, finish := range []bool{false, true} {
		t.Run(fmt.Sprint("finish=", finish), func(t *testing.T) {
			opts := []transport.Option{transport.WithTimeout(2 * time.Second)}
			if finish {
				opts = append(opts, transport.WithFinishStartedWrites())
			}
			env := r.start(t, false, opts...)
			key := env.NewItem()
			require.NoError(t, r.keep(env.Write(context.Background(), env.NewItem())), "log in first")
			env.Inject(fake.Fault{Endpoint: r.s.WriteEndpoint, Key: key, Delay: 500 * time.Millisecond})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				// Cancel once the request has reached the fake: it was written.
				for env.CallsFor(r.s.WriteEndpoint, key) == 0 && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			err := r.keep(env.Write(ctx, key))
			if finish {
				require.NoError(t, err, "the write on the wire was seen through to its answer")
				assert.Equal(t, 1, env.Applied(key))
				return
			}
			outcome(t, err, transport.ErrOutcomeUnknown)
			time.Sleep(600 * time.Millisecond)
			assert.Zero(t, env.Applied(key), "the fake drops a call whose client left")
		})
	}
}

func (r *run) connectionsReused(t *testing.T)    { r.reuse(t, false) }
func (r *run) connectionsReusedTLS(t *testing.T) { r.reuse(t, true) }

// reuse posts from 64 goroutines in three rounds (2, 8 and 8 posts each)
// and checks the connections: about one per goroutine in all (dials that
// race for the same request included), and next to none in the last round,
// once the pool holds them.
func (r *run) reuse(t *testing.T, useTLS bool) {
	env := r.start(t, useTLS)
	const workers = 64
	round := func(each int) {
		keys := make([][]string, workers)
		for i := range keys {
			for range each {
				keys[i] = append(keys[i], env.NewItem())
			}
		}
		var wg sync.WaitGroup
		var failed sync.Once
		for _, ks := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, key := range ks {
					if err := r.keep(env.Write(context.Background(), key)); err != nil {
						failed.Do(func() { t.Errorf("write: %v", err) })
					}
				}
			}()
		}
		wg.Wait()
	}
	round(2)
	round(8)
	warm := env.NewConns()
	round(8)
	churn := env.NewConns() - warm
	t.Logf("tls=%v: %d connections for %d posts from %d goroutines, then %d more for %d further posts", useTLS, warm, workers*10, workers, churn, workers*8)
	assert.LessOrEqual(t, warm, int64(2*workers+2), "about one connection per goroutine, not one per post")
	assert.LessOrEqual(t, churn, int64(workers/4), "a warm pool is reused, not churned")
}

func (r *run) noSecrets(t *testing.T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log.mu.Lock()
	logs := r.log.buf.String()
	r.log.mu.Unlock()
	require.NotEmpty(t, r.errs, "the suite saw errors to check")
	require.Contains(t, logs, `"datapump":{`, "the JSON log carries the SDK's group")
	require.Contains(t, logs, "datapump.partner="+r.s.Partner, "the text log carries the SDK's group")
	for _, secret := range r.secrets {
		if len(secret) < 4 {
			continue
		}
		for _, err := range r.errs {
			assert.NotContains(t, err.Error(), secret, "an error holds a secret")
			assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), secret)
		}
		assert.NotContains(t, logs, secret, "a log line holds a secret")
		if len(secret) >= 8 {
			assert.NotContains(t, logs, secret[:8], "a log line holds the start of a secret")
		}
	}
}
