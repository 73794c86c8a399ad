// Package transport is the one HTTP engine every partner package uses: it
// builds requests under a base URL, sends them with retries that cannot
// double-post, decodes responses with size caps, classifies every failure
// into the SDK's outcome model, and keeps secrets out of errors and logs.
package transport

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/hashicorp/go-cleanhttp"
)

// Version is the SDK version reported in the User-Agent header.
const Version = "0.1.0"

// DefaultTimeout bounds each HTTP attempt when no WithTimeout option is given.
const DefaultTimeout = 30 * time.Second

// Size caps for response bodies.
const (
	MaxSuccessBody = 10 << 20 // a 2xx body larger than this is an error
	MaxErrorBody   = 1 << 20  // an error body is read up to this size
)

// Settings is the Go plumbing an SDK client is built with; partner packages
// fill it through Options.
type Settings struct {
	HTTPClient *http.Client
	Logger     *slog.Logger
	Timeout    time.Duration
	UserAgent  string
	Retry      RetryPolicy
}

// Option changes Settings. Every partner package re-exports the same options.
type Option func(*Settings)

// WithHTTPClient makes the SDK send through c, used as is (not copied), so
// httpmock.ActivateNonDefault(c), proxies and instrumented transports work.
// The SDK's own refusal of cross-host redirects and its TLS 1.2 minimum apply
// only to the default client; set them on c yourself.
func WithHTTPClient(c *http.Client) Option { return func(s *Settings) { s.HTTPClient = c } }

// WithLogger sends one record per HTTP attempt to l (method, host, path,
// status, duration, attempt). The default discards them.
func WithLogger(l *slog.Logger) Option { return func(s *Settings) { s.Logger = l } }

// WithTimeout bounds each HTTP attempt (connect, send, read the whole
// response). The context passed to each call bounds the call as a whole.
func WithTimeout(d time.Duration) Option { return func(s *Settings) { s.Timeout = d } }

// WithUserAgent puts product (e.g. "citypay/2.3") in front of the SDK's own
// User-Agent.
func WithUserAgent(product string) Option { return func(s *Settings) { s.UserAgent = product } }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option { return func(s *Settings) { s.Retry = p } }

// Config is what a partner package tells the engine about its partner.
type Config struct {
	Partner string   // package name, e.g. "citrus"
	BaseURL *url.URL // every Request.Path is joined under it
	// SafeQueryKeys lists query keys whose values may appear in errors and
	// logs; every other query value is redacted.
	SafeQueryKeys []string
	// Secrets is scrubbed from every error text; the partner adds its
	// credentials and, as they rotate, its tokens and session ids.
	Secrets *redact.Secrets
	// ParseError fills e (Code, Message, TraceID, Fields) from a non-2xx
	// response. body holds at most MaxErrorBody bytes. It may be nil.
	ParseError func(e *Error, h http.Header, body []byte)
	// CookieJar keeps cookies the partner sets, per SDK client.
	CookieJar bool
	// TraceHeader names the response header carrying the partner's id for
	// a call (Accela: x-accela-traceid); every error about a response gets it.
	TraceHeader string
}

// Client sends requests to one partner. It is safe for concurrent use.
type Client struct {
	partner     string
	base        *url.URL
	basePath    string // base's escaped path, without a trailing slash
	http        *http.Client
	log         *slog.Logger
	timeout     time.Duration
	userAgent   string
	userAgentV  []string // userAgent as a header value, built once
	acceptV     []string // the Accept header value, built once
	retry       RetryPolicy
	safeQuery   []string
	secrets     *redact.Secrets
	parseError  func(*Error, http.Header, []byte)
	jar         http.CookieJar
	traceHeader string
}

// New builds a Client from the partner's Config and the caller's options.
func New(cfg Config, opts ...Option) (*Client, error) {
	s := Settings{Timeout: DefaultTimeout, Retry: DefaultRetryPolicy()}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if s.Timeout <= 0 {
		return nil, &ValidationError{Field: "WithTimeout", Reason: "must be positive"}
	}
	if err := s.Retry.validate(); err != nil {
		return nil, err
	}
	if strings.ContainsFunc(s.UserAgent, isControl) {
		return nil, &ValidationError{Field: "WithUserAgent", Reason: "must not contain control characters"}
	}
	if cfg.BaseURL == nil {
		return nil, errors.New("transport: Config.BaseURL is nil")
	}
	c := &Client{
		partner:     cfg.Partner,
		base:        cfg.BaseURL,
		http:        s.HTTPClient,
		log:         s.Logger,
		timeout:     s.Timeout,
		retry:       s.Retry,
		safeQuery:   cfg.SafeQueryKeys,
		secrets:     cfg.Secrets,
		parseError:  cfg.ParseError,
		traceHeader: cfg.TraceHeader,
	}
	if c.http == nil {
		c.http = defaultHTTPClient(s.Timeout)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.secrets == nil {
		c.secrets = new(redact.Secrets)
	}
	c.userAgent = fmt.Sprintf("datapump/%s (%s; %s)", Version, cfg.Partner, runtime.Version())
	if s.UserAgent != "" {
		c.userAgent = s.UserAgent + " " + c.userAgent
	}
	c.userAgentV, c.acceptV = []string{c.userAgent}, []string{"application/json"}
	c.basePath = strings.TrimSuffix(c.base.EscapedPath(), "/")
	if cfg.CookieJar {
		c.jar, _ = cookiejar.New(nil) // never fails with nil options
	}
	return c, nil
}

// defaultHTTPClient is one pooled client per SDK client: TLS 1.2 or later, a
// finite timeout, and no redirect to another host or of a non-GET request.
func defaultHTTPClient(timeout time.Duration) *http.Client {
	c := cleanhttp.DefaultPooledClient()
	c.Timeout = timeout
	if t, ok := c.Transport.(*http.Transport); ok {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	c.CheckRedirect = checkRedirect
	return c
}

// checkRedirect follows a redirect only for GET and HEAD, only to the same
// scheme and host, and at most 10 times. Otherwise the 3xx response itself is
// returned, and Do reports it as an error.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if len(via) >= 10 || req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme ||
		(first.Method != http.MethodGet && first.Method != http.MethodHead) {
		return http.ErrUseLastResponse
	}
	return nil
}

// Secrets returns the set scrubbed from this client's errors.
func (c *Client) Secrets() *redact.Secrets { return c.secrets }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
