package transport

import (
	"log/slog"
	"net/http"
	"time"
)

// DefaultTimeout bounds each HTTP attempt when no WithTimeout option is given.
const DefaultTimeout = 30 * time.Second

// DefaultIdleConnsPerHost is how many idle connections the default HTTP
// client keeps to each partner host: enough for a payments backend posting
// from many goroutines at once to reuse connections rather than open (and,
// over TLS, handshake) a new one per call.
const DefaultIdleConnsPerHost = 256

// options is the Go plumbing an SDK client is built with, filled by Options.
type options struct {
	httpClient   *http.Client
	wrap         func(http.RoundTripper) http.RoundTripper
	logger       *slog.Logger
	observer     func(Attempt)
	timeout      time.Duration
	userAgent    string
	retry        RetryPolicy
	idlePerHost  int
	finishWrites bool
	settleGrace  time.Duration
}

// Option configures the Go plumbing of a client. Every partner package
// offers the same options.
type Option func(*options)

// WithHTTPClient sends through c instead of the SDK's default client. The
// SDK reads c's Transport, Jar and Timeout at every call (so
// httpmock.ActivateNonDefault(c) after New works) and applies its own
// redirect policy, whatever c.CheckRedirect says: credentials, cookies and
// payment bodies never follow a redirect to another host or scheme.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithTransportWrapper wraps the default client's transport, keeping its
// pooling, TLS and redirect settings: pass otelhttp.NewTransport or your
// own metrics middleware. It cannot be combined with WithHTTPClient (wrap
// your own client's Transport instead).
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(o *options) { o.wrap = wrap }
}

// WithLogger records one line per HTTP attempt to l, its attributes under
// the group "datapump": partner, op, method, host, path, status, duration,
// attempt; a failed attempt is logged at Warn with its outcome, retry
// decision, trace id and cause, a successful one at Debug. Query strings,
// headers and bodies are never logged. The default is silent.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithObserver calls f after every HTTP attempt, for metrics. f runs on the
// calling goroutine and must return quickly.
func WithObserver(f func(Attempt)) Option { return func(o *options) { o.observer = f } }

// WithTimeout bounds each HTTP attempt (connect, send, read the whole
// response); the default is DefaultTimeout. The context passed to each call
// bounds the call as a whole.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithUserAgent puts product (e.g. "citypay/2.3") in front of the SDK's own
// User-Agent.
func WithUserAgent(product string) Option { return func(o *options) { o.userAgent = product } }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option { return func(o *options) { o.retry = p } }

// WithIdleConnsPerHost sets how many idle connections the default client
// keeps per partner host (default DefaultIdleConnsPerHost). Set it to at
// least the number of goroutines that call the partner at once.
func WithIdleConnsPerHost(n int) Option { return func(o *options) { o.idlePerHost = n } }

// WithFinishStartedWrites sees a state-changing request through to the
// partner's answer once its bytes have been written, even if the caller's
// context ends meanwhile (the per-attempt timeout still bounds it). The
// call then ends with a definite outcome instead of OutcomeUnknown. The
// trade-off: cancelling such a call returns only when the partner answers
// or the attempt times out. A request not yet written when the context
// ends is abandoned and NotApplied, as without the option.
func WithFinishStartedWrites() Option { return func(o *options) { o.finishWrites = true } }

// WithSettleGrace sets how long a partner's read-back may lag behind a
// write (default DefaultSettleGrace): Settle reports a payment it does not
// find as SettleUnknown until this long after it was sent, and only then
// as SettleAbsent. Longer is safer against a lagging partner; shorter
// settles sooner.
func WithSettleGrace(d time.Duration) Option { return func(o *options) { o.settleGrace = d } }
