package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/civicpay/datapump/internal/redact"
)

// Do sends r, retrying as its Effect and the retry policy allow, and decodes
// a 2xx JSON body into out (unless out is nil). Every failure is an *Error
// whose Outcome says whether the request may have been applied.
//
// A state-changing request must pass an out that implements Confirmer; a
// 2xx that is empty, 204, or does not confirm is OutcomeUnknown. A read
// whose out implements Confirmer (a read-back callers reconcile with) is
// held to the same standard: an answer that does not confirm is retried
// and, if it persists, an error rather than an empty result.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	p, err := c.prepare(r)
	if err != nil {
		return nil, err
	}
	confirm, _ := out.(Confirmer)
	if r.Effect.changesState() && confirm == nil {
		return nil, &Error{Partner: c.partner, Op: r.Op, Outcome: NotApplied,
			Message: "internal error: a state-changing request must decode into a Confirmer; nothing was sent"}
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Partner: c.partner, Op: r.Op, Outcome: NotApplied, Temporary: true, cause: c.scrub(err)}
	}
	mayHaveApplied := false
	for n := 1; ; n++ {
		start := time.Now()
		resp, a := c.send(ctx, p, out, confirm, n)
		if r.Effect.changesState() && a.mayHaveApplied() {
			mayHaveApplied = true
		}
		if resp != nil {
			c.report(ctx, p, a, time.Since(start), retryDecision{})
			return resp, nil
		}
		d := c.retry.decide(ctx, r.Effect, a)
		e := a.err
		e.Attempts = n
		switch {
		case e.Outcome == AlreadyApplied:
			e.Reconcile = p.reconcile()
		case mayHaveApplied:
			e.Outcome, e.Reconcile = OutcomeUnknown, p.reconcile()
		default:
			e.Outcome = NotApplied
			e.Temporary = (temporaryStatus(a.status) || a.bodyFailed || a.unconfirmed) && !a.redirected
		}
		c.report(ctx, p, a, time.Since(start), d)
		if d.retry {
			err := sleep(ctx, d.wait)
			if err == nil {
				continue
			}
			msg := "gave up waiting to retry"
			if e.cause != nil {
				msg = e.cause.Error() + "; " + msg
			}
			e.cause = c.scrub(fmt.Errorf("%s: %w", msg, err))
		}
		return nil, e
	}
}

// sendTrace records, from httptrace, whether any byte of the request may
// have been written. Its hooks may run on other goroutines.
type sendTrace struct {
	httptrace.ClientTrace
	mu        sync.Mutex
	connAsked bool // the transport reports through httptrace at all
	wrote     bool
	abandoned bool // the caller's context ended before anything was written
	cancel    context.CancelFunc
}

// init prepares the trace of one Do call. When the client's transport is
// known to report trace events (the SDK's own), one hook is enough;
// otherwise GetConn tells whether the transport reports at all. The trace
// is reused by each attempt (see reset), so the hooks are made once.
func (t *sendTrace) init(reportsTrace bool) {
	t.WroteHeaders = t.wroteHeaders
	if !reportsTrace {
		t.GetConn = t.getConn
	}
	t.reset(reportsTrace)
}

// reset starts a new attempt. A hook of an earlier attempt that fires late
// can only mark this one as maybe written: the safe direction.
func (t *sendTrace) reset(reportsTrace bool) {
	t.mu.Lock()
	t.connAsked, t.wrote, t.abandoned, t.cancel = reportsTrace, false, false, nil
	t.mu.Unlock()
}

func (t *sendTrace) wroteHeaders() {
	t.mu.Lock()
	t.wrote = true
	t.mu.Unlock()
}

func (t *sendTrace) getConn(string) {
	t.mu.Lock()
	t.connAsked = true
	t.mu.Unlock()
}

// sent reports whether the request may have reached the partner. Without
// evidence that it did not (a transport that reports no trace events), it
// assumes it did.
func (t *sendTrace) sent() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.connAsked || t.wrote
}

func (t *sendTrace) wasAbandoned() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.abandoned
}

// abandonUnlessWritten cancels the attempt if nothing has been written; a
// request already on the wire is seen through (WithFinishStartedWrites).
func (t *sendTrace) abandonUnlessWritten() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.wrote && t.cancel != nil {
		t.abandoned = true
		t.cancel()
	}
}

// attemptContext returns the context one attempt runs under: the caller's,
// bounded by the per-attempt timeout; or, for a write under
// WithFinishStartedWrites, one the caller's cancellation ends only until
// the request has been written.
func (c *Client) attemptContext(ctx context.Context, p *prepared, tr *sendTrace) (context.Context, func()) {
	if c.finish && p.Effect.changesState() {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		tr.mu.Lock()
		tr.cancel = cancel
		tr.mu.Unlock()
		stop := context.AfterFunc(ctx, tr.abandonUnlessWritten)
		return actx, func() { stop(); cancel() }
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= c.timeout {
		return ctx, noop // the caller's deadline comes first anyway
	}
	if c.own || c.http.Timeout <= 0 || c.http.Timeout > c.timeout {
		return context.WithTimeout(ctx, c.timeout)
	}
	return ctx, noop // the caller's client bounds the attempt more tightly
}

// send makes one attempt. It returns a Response on success, or the attempt's
// facts with a.err set.
func (c *Client) send(ctx context.Context, p *prepared, out any, confirm Confirmer, n int) (*Response, attempt) {
	a := attempt{n: n}
	tr := &p.trace
	tr.reset(c.reportsTrace)
	actx, done := c.attemptContext(ctx, p, tr)
	defer done()
	var body io.Reader
	if p.body != nil {
		body = bytes.NewReader(p.body)
	}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, &tr.ClientTrace), p.Method, p.urlString, body)
	if err != nil {
		a.err = c.newError(p)
		a.err.cause = c.scrub(err)
		return nil, a
	}
	c.addHeaders(p, hreq.Header)

	hresp, err := c.httpClient().Do(hreq)
	if err != nil {
		a.sent = tr.sent()
		a.err = c.newError(p)
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the full URL, query string and all
		}
		if tr.wasAbandoned() {
			err = fmt.Errorf("%w before the request was written", ctx.Err())
		}
		a.err.cause = c.scrubURL(p, err)
		return nil, a
	}
	drained := false
	defer closeBody(hresp.Body, &drained)
	a.sent, a.status = true, hresp.StatusCode
	if c.jar != nil {
		if rc := hresp.Cookies(); len(rc) > 0 {
			c.jar.set(p.URL(), rc)
		}
	}
	switch {
	case redirected(hreq, hresp):
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "redirect refused (to " + c.secrets.Scrub(redact.URL(hresp.Request.URL)) + ")"
		a.redirected = true
		return nil, a
	case hresp.StatusCode >= 300 && hresp.StatusCode < 400:
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "redirect refused"
		if loc, err := hresp.Location(); err == nil {
			a.err.Message += " (to " + c.secrets.Scrub(redact.URL(loc)) + ")"
		}
		return nil, a
	case hresp.StatusCode < 200 || hresp.StatusCode >= 300:
		a.err = c.errorFromResponse(p, hresp)
		a.retryAfter = parseRetryAfter(hresp.Header, time.Now())
		return nil, a
	}
	drained = true
	if err := c.decodeSuccess(hresp, out, confirm != nil); err != nil {
		a.bodyFailed = true
		a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
		a.err.Message = "answer unreadable"
		a.err.cause = c.scrub(err)
		return nil, a
	}
	if confirm != nil {
		if err := confirm.Confirm(); err != nil {
			a.unconfirmed = true
			a.err = c.responseError(p, hresp.StatusCode, hresp.Header)
			a.err.Message = "the answer does not show what the partner recorded: " + c.secrets.Scrub(err.Error())
			return nil, a
		}
	}
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Attempts: n, client: c, req: p}, a
}

// scrubURL scrubs a transport error whose text may hold the request URL
// (some RoundTrippers, httpmock among them, put it in their errors).
func (c *Client) scrubURL(p *prepared, err error) error {
	text := strings.ReplaceAll(err.Error(), p.urlString, p.redacted())
	s := c.scrub(err).(*scrubbedCause)
	s.text = c.secrets.Scrub(text)
	return s
}

// redirected reports whether the HTTP client followed a redirect to another
// host or scheme, or turned the method into another (the SDK's policy
// allows neither; a RoundTripper might).
func redirected(sent *http.Request, r *http.Response) bool {
	return r.Request != nil && r.Request.URL != nil &&
		(r.Request.URL.Host != sent.URL.Host || r.Request.URL.Scheme != sent.URL.Scheme || r.Request.Method != sent.Method)
}

// bodyBuffers holds response buffers between calls, so reading an answer
// does not grow a new buffer every time.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decodeSuccess reads a 2xx body to its end and decodes it into out. For
// a state-changing request an answer with no body at all is an error.
func (c *Client) decodeSuccess(r *http.Response, out any, mustHaveBody bool) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // do not keep rare huge buffers alive
			buf.Reset()
			bodyBuffers.Put(buf)
		}
	}()
	if err := readCapped(buf, r.Body, MaxSuccessBody); err != nil {
		return err
	}
	body := bytes.TrimSpace(buf.Bytes())
	switch {
	case len(body) == 0 && mustHaveBody:
		return fmt.Errorf("HTTP %d with an empty body", r.StatusCode)
	case out == nil || len(body) == 0:
		return nil
	}
	var err error
	if d, ok := out.(Decoder); ok {
		err = d.Decode(body)
	} else {
		err = json.Unmarshal(body, out)
	}
	if err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	return nil
}

// readCapped reads r to its end into buf, failing once more than limit
// bytes arrive. It reads straight into buf's free space, so a pooled
// buffer of the right size costs nothing.
func readCapped(buf *bytes.Buffer, r io.Reader, limit int) error {
	for {
		if buf.Available() < 512 {
			buf.Grow(4096)
		}
		free := buf.AvailableBuffer()
		n, err := r.Read(free[:cap(free)])
		buf.Write(free[:n])
		switch {
		case buf.Len() > limit:
			return fmt.Errorf("answer larger than %d bytes", limit)
		case err == io.EOF:
			return nil
		case err != nil:
			return fmt.Errorf("reading the answer: %w", err)
		}
	}
}

// errorFromResponse reads at most MaxErrorBody of a non-2xx body and lets the
// partner package parse its error shape.
func (c *Client) errorFromResponse(p *prepared, r *http.Response) *Error {
	e := c.responseError(p, r.StatusCode, r.Header)
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxErrorBody))
	if err != nil {
		e.cause = c.scrub(fmt.Errorf("reading the error body: %w", err))
	}
	if c.parseError != nil {
		c.parseError(e, r.Header, body)
		if e.Outcome != AlreadyApplied {
			e.Outcome = OutcomeUnknown // Do classifies it
		}
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

// maxPartnerText bounds each piece of partner text kept on an error.
const maxPartnerText = 1000

// scrubPartnerText removes secrets and card numbers from what the partner
// said (code, message, trace id and field errors) and keeps each short.
func (c *Client) scrubPartnerText(e *Error) {
	clean := func(s string) string { return redact.Clip(c.secrets.Scrub(s), maxPartnerText) }
	e.Code, e.Message, e.TraceID = clean(e.Code), clean(e.Message), clean(e.TraceID)
	for i := range e.Fields {
		f := &e.Fields[i]
		f.Field, f.Code, f.Message = clean(f.Field), clean(f.Code), clean(f.Message)
	}
}

// responseError starts an *Error about a response that arrived.
func (c *Client) responseError(p *prepared, status int, h http.Header) *Error {
	e := c.newError(p)
	e.StatusCode = status
	if c.traceHeader != "" {
		e.TraceID = c.secrets.Scrub(h.Get(c.traceHeader))
	}
	return e
}

func (c *Client) newError(p *prepared) *Error {
	return &Error{Partner: c.partner, Op: p.Op, Method: p.Method, URL: c.secrets.Scrub(p.redacted())}
}

// closeBody closes the body, first draining a little of what is left
// unless it was read to its end, so the connection can be reused.
func closeBody(b io.ReadCloser, drained *bool) {
	if !*drained {
		_, _ = io.CopyN(io.Discard, b, 64<<10)
	}
	_ = b.Close()
}

func noop() {}
