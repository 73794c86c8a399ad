package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZeroErrorIsNeverSafeToResend(t *testing.T) {
	for _, e := range []*Error{{}, {StatusCode: 502}, {Partner: "citrus", Op: "PostPayment", Temporary: true}} {
		requireOutcome(t, e, ErrOutcomeUnknown)
		assert.NotErrorIs(t, e, ErrTemporary, "temporary means something only when not applied")
		assert.NotContains(t, e.Error(), "not applied")
		assert.Contains(t, e.Error(), "outcome unknown: reconcile before resending")
	}
}

func TestUserBuiltErrors(t *testing.T) {
	unknown := &Error{Partner: "accela", Op: "CommitPayment", StatusCode: 504, Reconcile: "ListRecordPayments"}
	requireOutcome(t, unknown, ErrOutcomeUnknown)
	assert.Equal(t, "accela CommitPayment: HTTP 504 (outcome unknown: reconcile before resending; ListRecordPayments)", unknown.Error())

	temp := &Error{Partner: "accela", Op: "CommitPayment", Outcome: NotApplied, Temporary: true, StatusCode: 503, Attempts: 3}
	requireOutcome(t, temp, ErrNotApplied)
	assert.ErrorIs(t, temp, ErrTemporary)
	assert.Contains(t, temp.Error(), "not applied: safe to resend later")

	perm := &Error{Partner: "accela", Op: "CommitPayment", Outcome: NotApplied, StatusCode: 403, Code: "forbidden", TraceID: "t-1"}
	requireOutcome(t, perm, ErrNotApplied)
	assert.NotErrorIs(t, perm, ErrTemporary)
	assert.Equal(t, "accela CommitPayment: HTTP 403 [forbidden] (trace id t-1) (not applied: fix before resending)", perm.Error())

	done := &Error{Partner: "accela", Op: "CommitPayment", Outcome: AlreadyApplied, StatusCode: 400, Reconcile: "look it up"}
	requireOutcome(t, done, ErrAlreadyApplied)
	assert.Contains(t, done.Error(), "already applied: do not resend; look it up")

	nothing := &Error{Partner: "citrus", Op: "PostPayment", Outcome: NotApplied}
	assert.Contains(t, nothing.Error(), "not applied: nothing was sent")

	wrapped := fmt.Errorf("outbox: %w", temp)
	assert.ErrorIs(t, wrapped, ErrTemporary, "wrapping keeps the outcome")
	var e *Error
	require.ErrorAs(t, wrapped, &e)
	assert.Equal(t, 503, e.StatusCode, "and the details")
}

func TestPartnerSentinelsAndReauth(t *testing.T) {
	errSecured := errors.New("patron record is secured")
	e := &Error{Outcome: NotApplied, StatusCode: 409}
	Mark(e, errSecured)
	assert.ErrorIs(t, e, errSecured)
	requireOutcome(t, e, ErrNotApplied)
	assert.NotErrorIs(t, &Error{Outcome: NotApplied}, errSecured)
	assert.False(t, (&Error{Outcome: NotApplied}).Is(nil))

	assert.True(t, IsUnauthorized(&Error{Outcome: NotApplied, StatusCode: 401}))
	assert.False(t, IsUnauthorized(&Error{StatusCode: 401}), "an unknown outcome is never resent")
	assert.False(t, IsUnauthorized(&Error{Outcome: NotApplied, StatusCode: 403}))
	r := &Error{Outcome: NotApplied, StatusCode: 200}
	MarkUnauthorized(r)
	assert.True(t, IsUnauthorized(r))
	assert.True(t, IsUnauthorized(fmt.Errorf("w: %w", r)))
	assert.False(t, IsUnauthorized(errors.New("401")))
}

func TestErrorStaysOnOneLine(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"code":"bad\r\nInjected: yes","message":"line one\nline two\u2028three\u0007"}`)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	text := err.Error()
	assert.NotContains(t, text, "\n")
	assert.NotContains(t, text, "\r")
	assert.NotContains(t, text, "\u2028")
	assert.Contains(t, text, `bad\r\nInjected: yes`)
	assert.Contains(t, text, `line one\nline two`)
}

// leakyTransport fails the way some RoundTrippers do: with the whole URL,
// query string included, in the error text.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("no responder for %s %s (auth %s)", r.Method, r.URL, r.Header.Get("Authorization"))
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	var logs strings.Builder
	c := newClient(t, "https://ips.example"+prefix,
		WithHTTPClient(&http.Client{Transport: leakyTransport{}}),
		WithLogger(jsonLogger(&logs)))
	c.Secrets().AddTemporary("SESSION-abc123")
	r := &Request{Op: "Auth", Effect: Login, Method: http.MethodPost, Path: "/portal/auth",
		Query:   url.Values{"UserName": {"admin"}, "Password": {secretPassword}, "fields": {"a"}}.Encode(),
		Header:  http.Header{"Authorization": {"SESSION-abc123"}},
		Cookies: NewCookies(&http.Cookie{Name: "ss-id", Value: "SESSION-abc123"})}
	_, err := c.Do(context.Background(), r, nil)
	requireOutcome(t, err, ErrNotApplied)
	text := err.Error() + fmt.Sprintf("%v %+v %#v", err, errors.Unwrap(err), err) + logs.String()
	for _, secret := range []string{secretPassword, url.QueryEscape(secretPassword), "SESSION-abc123"} {
		assert.NotContains(t, text, secret)
	}
	assert.Contains(t, err.Error(), "/portal/auth?Password=REDACTED&UserName=REDACTED&fields=a")
	assert.NotContains(t, err.Error(), "UserName=admin", "the transport's own copy of the URL is dropped")
}

func TestUnwrapNeverReachesTheRawError(t *testing.T) {
	c := newClient(t, "https://ips.example"+prefix, WithHTTPClient(&http.Client{Transport: leakyTransport{}}))
	c.Secrets().AddTemporary("SESSION-abc123")
	req := get("/op")
	req.Header = http.Header{"Authorization": {"SESSION-abc123"}}
	_, err := c.Do(context.Background(), req, nil)
	require.Error(t, err)
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), "SESSION-abc123", "%T", e)
		var ue *url.Error
		assert.False(t, errors.As(e, &ue), "the raw *url.Error is out of reach")
	}

	// Context errors stay reachable.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Do(ctx, get("/op"), nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPartnerMessageIsScrubbed(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Trace", "trace-"+secretPassword)
		w.WriteHeader(401)
		_, _ = fmt.Fprintf(w, `{"code":"auth","message":"bad password %s for card 4111 1111 1111 1111, checkout 300000100000001"}`, secretPassword)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	assert.True(t, IsUnauthorized(err))
	assert.NotContains(t, err.Error(), secretPassword)
	assert.Contains(t, err.Error(), "bad password REDACTED for card REDACTED, checkout 300000100000001", "an Oracle id is not a card number")
	assert.Contains(t, err.Error(), "trace id trace-REDACTED")
}

func TestRedirectTargetIsScrubbed(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.example/api/op", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(307, "")
		resp.Header.Set("Location", "https://evil.example/"+url.PathEscape(secretPassword)+"?token="+url.QueryEscape(secretPassword))
		return resp, nil
	})
	c := newClient(t, "https://api.example/api", WithHTTPClient(&http.Client{Transport: mock}))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secretPassword)
	assert.NotContains(t, err.Error(), url.PathEscape(secretPassword))
	assert.Contains(t, err.Error(), "redirect refused (to https://evil.example/REDACTED?token=REDACTED)")
}

func TestUnsentAndAsStep(t *testing.T) {
	c := newClient(t, "https://api.example")
	c.Secrets().AddTemporary("tok-123456789")
	err := c.Unsent("Token", errors.New("source failed with tok-123456789"))
	e := requireOutcome(t, err, ErrNotApplied)
	assert.True(t, e.Temporary)
	assert.Equal(t, "Token", e.Op)
	assert.NotContains(t, err.Error(), "tok-123456789")
	assert.Nil(t, c.Unsent("x", nil))
	same := &Error{Op: "x"}
	assert.Same(t, same, c.Unsent("y", same), "an *Error passes through")

	login := &Error{Partner: "test", Op: "Authenticate", Outcome: NotApplied, StatusCode: 401}
	stepped := c.AsStep("PostPayment", "Authenticate", login)
	var s *Error
	require.ErrorAs(t, stepped, &s)
	assert.Equal(t, "PostPayment", s.Op)
	assert.Equal(t, "Authenticate", s.Step)
	assert.Equal(t, "Authenticate", login.Op, "the shared login error is not changed")
	assert.Contains(t, stepped.Error(), "test PostPayment (step Authenticate): HTTP 401")
	assert.Same(t, login, c.AsStep("Authenticate", "Authenticate", login))

	ctxErr := c.AsStep("PostPayment", "Authenticate", context.DeadlineExceeded)
	require.ErrorAs(t, ctxErr, &s)
	assert.Equal(t, "Authenticate", s.Step)
	assert.ErrorIs(t, ctxErr, context.DeadlineExceeded)
}

func TestOutcomeNames(t *testing.T) {
	assert.Equal(t, "outcome unknown", OutcomeUnknown.String())
	assert.Equal(t, "not applied", NotApplied.String())
	assert.Equal(t, "already applied", AlreadyApplied.String())
	assert.Equal(t, "outcome unknown", Outcome(42).String())
	assert.Equal(t, "Token [NotEmpty]: is required", FieldError{Field: "Token", Code: "NotEmpty", Message: "is required"}.String())
	assert.Equal(t, "Token", FieldError{Field: "Token"}.String())
}
