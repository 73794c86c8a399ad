package accela

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

// Option configures the Go plumbing of a Client.
type Option = transport.Option

// RetryPolicy bounds automatic retries. A payment post is retried only when
// it provably never left or Accela refused it with 408 or 429.
type RetryPolicy = transport.RetryPolicy

// DefaultRetryPolicy returns the policy used when WithRetryPolicy is not given.
func DefaultRetryPolicy() RetryPolicy { return transport.DefaultRetryPolicy() }

// WithHTTPClient sends through c, used as is (not copied), so
// httpmock.ActivateNonDefault(c) and custom transports work. The default is
// one pooled client per Client, TLS 1.2 or later, refusing cross-host
// redirects.
func WithHTTPClient(c *http.Client) Option { return transport.WithHTTPClient(c) }

// WithLogger records one line per HTTP attempt (method, host, path, status,
// duration, attempt) to l. The default is silent.
func WithLogger(l *slog.Logger) Option { return transport.WithLogger(l) }

// WithTimeout bounds each HTTP attempt; the default is 30 seconds. The
// context passed to each call bounds the whole call.
func WithTimeout(d time.Duration) Option { return transport.WithTimeout(d) }

// WithUserAgent puts product (e.g. "citypay/2.3") in front of the SDK's
// User-Agent.
func WithUserAgent(product string) Option { return transport.WithUserAgent(product) }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option { return transport.WithRetryPolicy(p) }
