// Package conformance is the behaviour suite every partner package must
// pass. A partner plugs in with a small adapter around its in-process fake
// (a Subject), and Run checks, against the real package and the real fake,
// the promises the SDK makes for every partner:
//
//   - every kind of injected fault ends in the right outcome, and the
//     fake's ledger agrees (NotApplied never after the partner applied);
//   - a 2xx that does not show what the partner recorded is OutcomeUnknown;
//   - a repeated post is never reported as "not applied";
//   - an expired session or token is renewed once, by one login, also
//     under 200 concurrent callers;
//   - invalid input and a context already done send nothing;
//   - a failed or hung login is reported as a step of the caller's
//     operation, and the next call logs in afresh;
//   - WithFinishStartedWrites turns a write cut short by the caller into a
//     definite outcome;
//   - concurrent callers reuse connections, over TLS too;
//   - no secret reaches an error or a log line.
//
// PrintsNoSecrets checks, from a package's source, that every exported type
// keeps its secrets in redact.Secret fields and prints none of them.
package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/internal/transport"
)

// Subject is a partner package as the suite sees it.
type Subject struct {
	// Partner is the package name, e.g. "citrus".
	Partner string
	// WriteOp and LoginOp are the SDK operation names of the main write
	// and of the login, as errors report them.
	WriteOp, LoginOp string
	// WriteEndpoint and LoginEndpoint are the fake's endpoint names for
	// them, as its faults and call counts take them.
	WriteEndpoint, LoginEndpoint string
	// Start starts a fresh fake (over TLS when useTLS is set) and returns
	// it with a client of the package built with opts. The adapter stops
	// the fake with t.Cleanup.
	Start func(t *testing.T, useTLS bool, opts ...transport.Option) Env
}

// Env is one fake with one client for it.
type Env interface {
	// NewItem makes something payable in the fake and returns its key:
	// what the fake's faults, call counts and ledger know it by.
	NewItem() string
	// Write makes the package's main state-changing call for key.
	Write(ctx context.Context, key string) error
	// WriteInvalid makes the same call with input the package must refuse
	// before sending.
	WriteInvalid(ctx context.Context) error
	// Applied is how many times the fake's ledger applied key.
	Applied(key string) int
	// Inject queues a fault in the fake.
	Inject(f fake.Fault)
	// ClearFaults drops the queued faults.
	ClearFaults()
	// CallsFor is how many requests about key reached endpoint ("" key:
	// all of them).
	CallsFor(endpoint, key string) int
	// Logins is how many logins the fake granted.
	Logins() int
	// ExpireAuth ends every session or token the fake issued.
	ExpireAuth()
	// NewConns is how many connections clients opened to the fake.
	NewConns() int64
	// Secrets is every credential the client was configured with and every
	// token, session id or cookie value the fake issued so far.
	Secrets() []string
}

// TrustTLS returns an option under which the SDK's default client trusts
// a fake's TLS certificate (pool) while keeping its own pool and settings.
func TrustTLS(pool *x509.CertPool) transport.Option {
	return transport.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		if t, ok := rt.(*http.Transport); ok && pool != nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
		}
		return rt
	})
}

// fastRetry keeps retries quick in the suite.
var fastRetry = transport.WithRetryPolicy(transport.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond})

// Run runs the whole suite against s.
func Run(t *testing.T, s Subject) {
	r := &run{s: s, log: newLogSink()}
	t.Run("Applied", r.applied)
	t.Run("FaultOutcomes", r.faultOutcomes)
	t.Run("RepeatIsNeverNotApplied", r.repeat)
	t.Run("ConcurrentCallersShareOneLogin", r.concurrentLogin)
	t.Run("ExpiredAuthRenewedOnce", r.expiredAuth)
	t.Run("InvalidInputSendsNothing", r.invalidInput)
	t.Run("ContextDoneSendsNothing", r.contextDone)
	t.Run("LoginFailureIsAStepOfTheCall", r.loginFailure)
	t.Run("HungLoginIsAbandoned", r.hungLogin)
	t.Run("FinishStartedWrites", r.finishStartedWrites)
	t.Run("ConnectionsReused", r.connectionsReused)
	t.Run("ConnectionsReusedOverTLS", r.connectionsReusedTLS)
	t.Run("NoSecretInErrorsOrLogs", r.noSecrets)
}
