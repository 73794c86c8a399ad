package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/civicpay/datapump/internal/redact"
)

// defaultReconcile is the advice on an unknown outcome when the partner
// package gives none.
const defaultReconcile = "check with the partner whether it was applied before resending"

// Response is a 2xx answer whose body was decoded into the caller's value.
type Response struct {
	StatusCode int
	Header     http.Header

	client *Client
	req    *prepared
}

// Fail returns an *Error about this response, for a failure the partner
// reports inside a 2xx body (an error envelope, Citrus' success:false). The
// partner's code, message and field errors are scrubbed of secrets and
// card numbers here, like those of any error body.
func (r *Response) Fail(o Outcome, code, message string, fields ...FieldError) *Error {
	e := r.client.responseError(r.req, r.StatusCode, r.Header)
	e.outcome = o
	if o == OutcomeUnknown {
		e.Reconcile = r.req.reconcile()
	}
	e.Code, e.Message, e.Fields = code, message, fields
	r.client.scrubPartnerText(e)
	return e
}

// Do sends r, retrying as its Kind and the retry policy allow, and decodes a
// 2xx JSON body into out (unless out is nil). Every failure is an *Error whose
// outcome says whether the request may have been applied.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	p, err := c.prepare(r)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		e := &Error{Partner: c.partner, Op: r.Op, outcome: NotApplied}
		e.cause = c.scrub(err)
		return nil, e
	}
	mayHaveApplied := false
	for n := 1; ; n++ {
		start := time.Now()
		resp, a := c.send(ctx, p, out, n)
		if r.Kind.changesState() && a.mayHaveApplied() {
			mayHaveApplied = true
		}
		c.logAttempt(ctx, p, a, time.Since(start))
		if resp != nil {
			return resp, nil
		}
		d := c.retry.decide(ctx, r.Kind, a)
		if d.retry {
			err := sleep(ctx, d.wait)
			if err == nil {
				continue
			}
			a.err.cause = c.scrub(errors.Join(a.err.cause, fmt.Errorf("gave up waiting to retry: %w", err)))
		}
		e := a.err
		e.outcome = NotApplied
		if mayHaveApplied {
			e.outcome = OutcomeUnknown
			e.Reconcile = p.reconcile()
		}
		return nil, e
	}
}

func (p *prepared) reconcile() string {
	if p.Reconcile != "" {
		return p.Reconcile
	}
	return defaultReconcile
}

// sendTrace records, from httptrace, whether any byte of the request may have
// been written. Hooks may run on other goroutines.
type sendTrace struct {
	gotConnAsked atomic.Bool // the transport reports through httptrace at all
	wrote        atomic.Bool
}

// sent reports whether the request may have reached the partner. Without
// evidence that it did not (a transport that reports no trace events), it
// assumes it did.
func (t *sendTrace) sent() bool { return !t.gotConnAsked.Load() || t.wrote.Load() }

func (t *sendTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:      func(string) { t.gotConnAsked.Store(true) },
		WroteHeaders: func() { t.wrote.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { t.wrote.Store(true) },
	}
}

// send makes one attempt. It returns a Response on success, or the attempt's
// facts with a.err set.
func (c *Client) send(ctx context.Context, p *prepared, out any, n int) (*Response, attempt) {
	a := attempt{n: n}
	actx := ctx
	if c.http.Timeout <= 0 || c.http.Timeout > c.timeout {
		// The HTTP client does not bound the attempt by itself.
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var tr sendTrace
	var body io.Reader
	if p.body != nil {
		body = bytes.NewReader(p.body)
	}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, tr.hooks()), p.Method, p.url.String(), body)
	if err != nil {
		a.err = c.newError(p)
		a.err.cause = c.scrub(err)
		return nil, a
	}
	c.addHeaders(p, hreq)

	hresp, err := c.http.Do(hreq)
	if err != nil {
		a.sent = tr.sent()
		a.err = c.newError(p)
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the full URL, query string and all
		}
		// Some RoundTrippers (httpmock among them) put the URL in their own
		// errors too.
		text := strings.ReplaceAll(err.Error(), p.url.String(), p.redacted())
		a.err.cause = &scrubbed{text: c.secrets.Scrub(text), err: err}
		return nil, a
	}
	defer closeBody(hresp.Body)
	a.sent, a.status = true, hresp.StatusCode
	if c.jar != nil {
		if rc := hresp.Cookies(); len(rc) > 0 {
			c.jar.SetCookies(p.url, rc)
		}
	}
	switch {
	case redirected(p, hresp):
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "redirect refused (to " + redact.URL(hresp.Request.URL) + ")"
		a.redirected = true
		return nil, a
	case hresp.StatusCode >= 300 && hresp.StatusCode < 400:
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "redirect refused"
		if loc, err := hresp.Location(); err == nil {
			a.err.Message += " (to " + redact.URL(loc) + ")"
		}
		return nil, a
	case hresp.StatusCode < 200 || hresp.StatusCode >= 300:
		a.err = c.errorFromResponse(p, hresp)
		if hresp.StatusCode == http.StatusTooManyRequests || hresp.StatusCode == http.StatusServiceUnavailable {
			a.retryAfter = parseRetryAfter(hresp.Header, time.Now())
		}
		return nil, a
	}
	if err := decodeSuccess(hresp, out); err != nil {
		a.bodyFailed = true
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "response body unreadable"
		a.err.cause = c.scrub(err)
		return nil, a
	}
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, client: c, req: p}, a
}

// redirected reports whether the HTTP client followed a redirect to another
// host, or turned the method into another (a caller's own client may do
// either; the default client does neither).
func redirected(p *prepared, r *http.Response) bool {
	return r.Request != nil && r.Request.URL != nil &&
		(r.Request.URL.Host != p.url.Host || r.Request.Method != p.Method)
}

func decodeSuccess(r *http.Response, out any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxSuccessBody+1))
	if err != nil {
		return fmt.Errorf("reading response body: %w", err)
	}
	if len(body) > MaxSuccessBody {
		return fmt.Errorf("response body larger than %d bytes", MaxSuccessBody)
	}
	if out == nil || r.StatusCode == http.StatusNoContent {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty response body")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decoding response body: %w", err)
	}
	return nil
}

// errorFromResponse reads at most MaxErrorBody of a non-2xx body and lets the
// partner package parse its error shape.
func (c *Client) errorFromResponse(p *prepared, r *http.Response) *Error {
	e := c.responseError(p, r.StatusCode, r.Header)
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxErrorBody))
	if err != nil {
		e.cause = c.scrub(fmt.Errorf("reading error body: %w", err))
	}
	if c.parseError != nil {
		c.parseError(e, r.Header, body)
	}
	if id := r.Header.Get(c.traceHeader); c.traceHeader != "" && id != "" {
		e.TraceID = id // the header, when sent, wins over a body's trace id
	}
	if e.Message == "" && e.Code == "" {
		e.Message = http.StatusText(r.StatusCode)
	}
	c.scrubPartnerText(e)
	return e
}

// scrubPartnerText removes secrets and card numbers from what the partner
// said: code, message and field errors.
func (c *Client) scrubPartnerText(e *Error) {
	e.Code, e.Message = c.secrets.Scrub(e.Code), c.secrets.Scrub(e.Message)
	for i := range e.Fields {
		f := &e.Fields[i]
		f.Field, f.Code, f.Message = c.secrets.Scrub(f.Field), c.secrets.Scrub(f.Code), c.secrets.Scrub(f.Message)
	}
}

// responseError starts an *Error about a response that arrived.
func (c *Client) responseError(p *prepared, status int, h http.Header) *Error {
	e := c.newError(p)
	e.StatusCode = status
	if c.traceHeader != "" {
		e.TraceID = h.Get(c.traceHeader)
	}
	return e
}

func (c *Client) newError(p *prepared) *Error {
	return &Error{Partner: c.partner, Op: p.Op, Method: p.Method, URL: p.redacted()}
}

// Unsent is the package-level Unsent with err's text scrubbed of this
// client's secrets and card numbers, for causes that come from outside the
// SDK (a caller's token source).
func (c *Client) Unsent(op string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return &Error{Partner: c.partner, Op: op, outcome: NotApplied, cause: c.scrub(err)}
}

// scrub wraps err so its text carries no known secret.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	return &scrubbed{text: c.secrets.Scrub(err.Error()), err: err}
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body.
func closeBody(b io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, b, 64<<10)
	_ = b.Close()
}

func (c *Client) logAttempt(ctx context.Context, p *prepared, a attempt, d time.Duration) {
	level := slog.LevelInfo
	if a.err != nil {
		level = slog.LevelWarn
	}
	if !c.log.Enabled(ctx, level) {
		return
	}
	c.log.LogAttrs(ctx, level, "datapump http",
		slog.String("partner", c.partner),
		slog.String("op", p.Op),
		slog.String("method", p.Method),
		slog.String("host", p.url.Host),
		slog.String("path", p.url.Path),
		slog.Int("status", a.status),
		slog.Duration("duration", d),
		slog.Int("attempt", a.n),
	)
}
