package transport

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/hashicorp/go-cleanhttp"
)

// Version is the SDK version reported in the User-Agent header.
const Version = "0.2.0"

// Size caps for response bodies.
const (
	MaxSuccessBody = 10 << 20 // a 2xx body larger than this is an error
	MaxErrorBody   = 1 << 20  // an error body is read up to this size
)

// Partner is what a partner package tells the engine about its partner.
type Partner struct {
	Name    string   // package name, e.g. "citrus"
	BaseURL *url.URL // every Request.Path is joined under it
	// SafeQueryKeys lists query keys whose values may appear in errors and
	// logs; every other query value is redacted.
	SafeQueryKeys []string
	// Secrets is scrubbed from every error text and log line; the partner
	// adds its credentials and, as they rotate, its tokens and session ids.
	Secrets *redact.Secrets
	// ParseError fills e (Code, Message, TraceID, Fields) from a non-2xx
	// answer; body holds at most MaxErrorBody bytes. It may set Outcome to
	// AlreadyApplied when the partner's refusal means the request was done
	// before; any other Outcome it sets is ignored. It may be nil.
	ParseError func(e *Error, h http.Header, body []byte)
	// Accept is the Accept header; empty means "application/json".
	Accept string
	// CookieJar keeps cookies the partner sets, per SDK client.
	CookieJar bool
	// TraceHeader names the response header carrying the partner's id for
	// a call (Accela: x-accela-traceid); every error about a response gets it.
	TraceHeader string
}

// Client sends requests to one partner. It is safe for concurrent use.
type Client struct {
	partner  string
	base     *url.URL
	origin   string // base's scheme and host, e.g. "https://api.example"
	basePath string // base's escaped path, without a trailing slash
	http     *http.Client
	own      bool // http is the SDK's own client, not the caller's
	// reportsTrace: the client's transport is known to report httptrace
	// events (the SDK's own, unwrapped).
	reportsTrace bool
	log          *slog.Logger
	observe      func(Attempt)
	timeout      time.Duration
	finish       bool
	settleGrace  time.Duration
	userAgentV   []string // the User-Agent header value, built once
	acceptV      []string // the Accept header value, built once
	retry        RetryPolicy
	safeQuery    []string
	secrets      *redact.Secrets
	parseError   func(*Error, http.Header, []byte)
	jar          *jar
	traceHeader  string
}

// New builds a Client from the partner's description and the caller's
// options. Invalid options are a NotApplied *Error of op "New".
func New(p Partner, opts ...Option) (*Client, error) {
	o := options{timeout: DefaultTimeout, retry: DefaultRetryPolicy(), idlePerHost: DefaultIdleConnsPerHost, settleGrace: DefaultSettleGrace}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	var chk Checks
	if o.timeout <= 0 {
		chk.Add("WithTimeout", "must be positive")
	}
	if o.settleGrace < 0 {
		chk.Add("WithSettleGrace", "must not be negative")
	}
	if o.idlePerHost < 1 {
		chk.Add("WithIdleConnsPerHost", "must be at least 1")
	}
	if o.httpClient != nil && o.wrap != nil {
		chk.Add("WithTransportWrapper", "cannot be combined with WithHTTPClient; wrap your client's Transport instead")
	}
	o.retry.check(&chk)
	if strings.ContainsFunc(o.userAgent, isControl) {
		chk.Add("WithUserAgent", "must not contain control characters")
	}
	if p.BaseURL == nil {
		chk.Add("BaseURL", "is required")
	}
	if err := chk.Err(p.Name, "New"); err != nil {
		return nil, err
	}
	c := &Client{
		partner:     p.Name,
		base:        p.BaseURL,
		origin:      p.BaseURL.Scheme + "://" + p.BaseURL.Host,
		basePath:    strings.TrimSuffix(p.BaseURL.EscapedPath(), "/"),
		http:        o.httpClient,
		log:         o.logger,
		observe:     o.observer,
		timeout:     o.timeout,
		finish:      o.finishWrites,
		settleGrace: o.settleGrace,
		retry:       o.retry,
		safeQuery:   p.SafeQueryKeys,
		secrets:     p.Secrets,
		parseError:  p.ParseError,
		traceHeader: http.CanonicalHeaderKey(p.TraceHeader),
	}
	if c.http == nil {
		c.http, c.own = defaultHTTPClient(o.idlePerHost, o.wrap), true
		c.reportsTrace = o.wrap == nil
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.secrets == nil {
		c.secrets = new(redact.Secrets)
	}
	ua := "datapump/" + Version + " (" + p.Name + "; " + runtime.Version() + ")"
	if o.userAgent != "" {
		ua = o.userAgent + " " + ua
	}
	c.userAgentV = []string{ua}
	c.acceptV = []string{"application/json"}
	if p.Accept != "" {
		c.acceptV = []string{p.Accept}
	}
	if p.CookieJar {
		j, _ := cookiejar.New(nil) // never fails with nil options
		c.jar = &jar{jar: j, secrets: c.secrets}
	}
	return c, nil
}

// defaultHTTPClient is one pooled client per SDK client: TLS 1.2 or later,
// an idle pool deep enough for the caller's concurrency, the SDK's redirect
// policy, and no client-wide timeout (each attempt's context carries its
// deadline, which spares net/http a timer per request).
func defaultHTTPClient(idlePerHost int, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	t := cleanhttp.DefaultPooledTransport()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.MaxIdleConnsPerHost = idlePerHost
	t.MaxIdleConns = 2 * idlePerHost // a partner may answer from two hosts (API and token endpoint)
	var rt http.RoundTripper = t
	if wrap != nil {
		rt = wrap(t)
	}
	return &http.Client{Transport: rt, CheckRedirect: checkRedirect}
}

// httpClient returns the client for one call: the SDK's own, or one built
// from the caller's client as it is now, under the SDK's redirect policy.
func (c *Client) httpClient() *http.Client {
	if c.own {
		return c.http
	}
	u := c.http
	return &http.Client{Transport: u.Transport, Jar: u.Jar, Timeout: u.Timeout, CheckRedirect: checkRedirect}
}

// checkRedirect follows a redirect only for GET and HEAD, only to the same
// scheme and host, and at most 10 times. Otherwise the 3xx answer itself is
// returned, and Do reports it as an error. Request bodies, credentials and
// cookies therefore never travel to another host, nor from https to http.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if len(via) >= 10 || req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme ||
		(first.Method != http.MethodGet && first.Method != http.MethodHead) {
		return http.ErrUseLastResponse
	}
	req.Header.Del("Referer") // the previous URL may carry a query secret
	return nil
}

// Partner returns the partner's package name.
func (c *Client) Partner() string { return c.partner }

// Secrets returns the set scrubbed from this client's errors and logs.
func (c *Client) Secrets() *redact.Secrets { return c.secrets }

// Timeout returns the per-attempt timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// LoginDeadline bounds a shared login: every attempt the retry policy
// allows, each running out its timeout.
func (c *Client) LoginDeadline() time.Duration { return c.retry.worstCase(c.timeout) }

// minCookieSecret is the shortest cookie value scrubbed as a secret:
// session and instance ids are long, and scrubbing a short value such as
// "1" would mangle every message.
const minCookieSecret = 8

// jar is the per-client cookie jar. It remembers every cookie value the
// partner sets as a secret, and counts changes so a Cookie header built
// from it can be reused until the partner sets another cookie or one of
// the cookies it holds expires.
type jar struct {
	jar     http.CookieJar
	secrets *redact.Secrets
	gen     atomic.Uint64
	next    atomic.Int64 // when the first stored cookie expires (Unix ns); 0 if none does

	mu      sync.Mutex
	expires map[string]time.Time // by domain, path and name: cookies with an expiry
}

func (j *jar) set(u *url.URL, cs []*http.Cookie) {
	now := time.Now()
	for _, ck := range cs {
		if len(ck.Value) >= minCookieSecret {
			j.secrets.AddTemporary(ck.Value)
		}
	}
	j.jar.SetCookies(u, cs)
	j.mu.Lock()
	if j.expires == nil {
		j.expires = map[string]time.Time{}
	}
	for _, ck := range cs {
		key := ck.Domain + ";" + ck.Path + ";" + ck.Name
		switch {
		case ck.MaxAge > 0:
			j.expires[key] = now.Add(time.Duration(ck.MaxAge) * time.Second)
		case ck.MaxAge == 0 && !ck.Expires.IsZero():
			j.expires[key] = ck.Expires
		default: // a session cookie, or one deleted
			delete(j.expires, key)
		}
	}
	j.renew(now)
	j.mu.Unlock()
}

// expire invalidates the cached Cookie headers if a cookie they may hold
// has expired since they were built.
func (j *jar) expire() {
	next := j.next.Load()
	if next == 0 {
		return
	}
	now := time.Now()
	if now.UnixNano() < next {
		return
	}
	j.mu.Lock()
	j.renew(now)
	j.mu.Unlock()
}

// renew forgets the expired cookies, notes when the next one expires and
// invalidates every cached Cookie header. j.mu must be held.
func (j *jar) renew(now time.Time) {
	var next int64
	for key, t := range j.expires {
		switch n := t.UnixNano(); {
		case !t.After(now):
			delete(j.expires, key)
		case next == 0 || n < next:
			next = n
		}
	}
	j.next.Store(next)
	j.gen.Add(1)
}
