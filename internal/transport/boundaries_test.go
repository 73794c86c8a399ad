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
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests pin the boundaries mutation testing found unguarded.

func TestTextChecksAtEveryEdge(t *testing.T) {
	for value, want := range map[string]string{
		"\x01\x02": "control characters", // only control characters: the fast path must not take them
		"\x7f":     "control characters",
		"\x1f":     "control characters",
		"a ":       "spaces",
		" ":        "spaces",
		"é b":      "",
		"é\u00a0b": "", // a no-break space is not a control character
		"é\u009fb": "control characters",
		"é\u0080b": "control characters",
		"\u00a0é":  "spaces", // a leading no-break space is a space
		"~":        "",
		"a b":      "",
	} {
		got := complaint(func(c *Checks) { c.OptionalText("F", value, 0) })
		if want == "" {
			assert.Empty(t, got, "%q", value)
		} else {
			assert.Contains(t, got, want, "%q", value)
		}
	}
	assert.Empty(t, complaint(func(c *Checks) { c.OptionalText("F", "abc", 3) }), "plain text at the limit")
	assert.Contains(t, complaint(func(c *Checks) { c.OptionalText("F", "abcd", 3) }), "the most allowed is 3")
}

func TestOptionBoundaries(t *testing.T) {
	u, _ := url.Parse("https://x.example")
	for _, o := range []Option{WithSettleGrace(0), WithIdleConnsPerHost(1), WithTimeout(time.Nanosecond)} {
		_, err := New(Partner{Name: "t", BaseURL: u}, o)
		assert.NoError(t, err)
	}
	_, err := New(Partner{Name: "t", BaseURL: u}, WithSettleGrace(-1))
	assert.ErrorContains(t, err, "WithSettleGrace: must not be negative")
	c, err := New(Partner{Name: "t", BaseURL: u}, WithSettleGrace(3*time.Second), WithIdleConnsPerHost(10))
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, c.SettleGrace())
	tr := c.http.Transport.(*http.Transport)
	assert.Equal(t, 10, tr.MaxIdleConnsPerHost)
	assert.Equal(t, 20, tr.MaxIdleConns, "room for the API host and a token host")
	d, _ := New(Partner{Name: "t", BaseURL: u})
	assert.Equal(t, DefaultSettleGrace, d.SettleGrace())
	assert.Equal(t, RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}, DefaultRetryPolicy())
}

// A wrapped transport may not report httptrace events: a failure through
// it must count as "may have been sent".
func TestWrappedTransportThatReportsNothing(t *testing.T) {
	c := newClient(t, "https://api.example/api", WithTransportWrapper(func(http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("broken wrapper") })
	}))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown)
}

// A RoundTripper that follows a redirect to another host by itself is
// caught from the response's request.
func TestRedirectFollowedInsideARoundTripper(t *testing.T) {
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		other := r.Clone(r.Context())
		other.URL, _ = url.Parse("https://elsewhere.example/op")
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{"id":"1"}`)), Header: http.Header{}, Request: other}, nil
	})
	c := newClient(t, "https://api.example/api", WithHTTPClient(&http.Client{Transport: rt}))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Contains(t, e.Message, "redirect refused (to https://elsewhere.example/op)")
}

func TestRedirectChainIsCapped(t *testing.T) {
	hops := 0
	ts := newServer(t, "/", func(w http.ResponseWriter, r *http.Request) {
		hops++
		http.Redirect(w, r, fmt.Sprintf("%s/hop%d", prefix, hops), http.StatusFound)
	})
	c := newClient(t, ts.URL+prefix, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	_, err := c.Do(context.Background(), get("/start"), nil)
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, 302, e.StatusCode)
	assert.Equal(t, 10, hops, "ten requests, then the redirect is refused")
}

func TestCookieValuesAsSecretsFromEightCharacters(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "A", Value: "abcdefgh", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "B", Value: "1234567", Path: "/"})
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	require.NoError(t, err)
	assert.Equal(t, "x REDACTED y", c.secrets.Scrub("x abcdefgh y"))
	assert.Equal(t, "x 1234567 y", c.secrets.Scrub("x 1234567 y"), "a short value is not worth mangling every message")

	// Without cookies of its own, the request sends the jar's as they are.
	var got string
	ts2 := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Cookie")
		http.SetCookie(w, &http.Cookie{Name: "InstanceId", Value: "instance-1", Path: "/"})
		_, _ = io.WriteString(w, `{"id":"1"}`)
	})
	c2 := newClient(t, ts2.URL+prefix)
	for range 2 {
		_, err = c2.Do(context.Background(), post("/op"), &answer{})
		require.NoError(t, err)
	}
	assert.Equal(t, "InstanceId=instance-1", got)
}

func TestPerAttemptTimeoutUnderALongerCallerDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { <-release })
	for _, opts := range [][]Option{
		{WithTimeout(50 * time.Millisecond)},
		{WithTimeout(50 * time.Millisecond), WithHTTPClient(&http.Client{Timeout: time.Hour})},
	} {
		c := newClient(t, ts.URL+prefix, opts...)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		_, err := c.Do(ctx, post("/op"), &answer{})
		cancel()
		requireOutcome(t, err, ErrOutcomeUnknown)
		assert.Less(t, time.Since(start), 2*time.Second, "the attempt's own timeout applies under a longer deadline")
	}
}

func TestBadEscapeInAPathTemplate(t *testing.T) {
	c := newClient(t, "https://api.example/api")
	_, err := c.Do(context.Background(), &Request{Op: "x", Effect: Read, Method: "GET", Path: "/a%zz/b"}, nil)
	e := requireOutcome(t, err, ErrNotApplied)
	require.NotEmpty(t, e.Fields)
	assert.Equal(t, "has a bad percent-escape", e.Fields[0].Message)
}

// failingDecoder is an answer that decodes itself, and fails.
type failingDecoder struct{ answer }

func (f *failingDecoder) Decode([]byte) error { return errors.New("shape not understood") }

func TestDecoderFailureIsAnUnreadableAnswer(t *testing.T) {
	ts := newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"id":"1"}`) })
	c := newClient(t, ts.URL+prefix)
	_, err := c.Do(context.Background(), post("/op"), &failingDecoder{})
	e := requireOutcome(t, err, ErrOutcomeUnknown)
	assert.Equal(t, "answer unreadable", e.Message)
	assert.Contains(t, e.Error(), "shape not understood")
}

func TestErrorBodyCutShort(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.example/api/op", func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"code":"x`), errReader{}))}, nil
	})
	c := newClient(t, "https://api.example/api", WithHTTPClient(&http.Client{Transport: mock}))
	_, err := c.Do(context.Background(), get("/op"), nil)
	requireOutcome(t, err, ErrNotApplied)
	assert.Contains(t, err.Error(), "reading the error body")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRetryAfterAtTheCap(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Second}
	d := p.decide(context.Background(), Read, attempt{n: 1, status: 503, retryAfter: time.Second})
	assert.True(t, d.retry, "a Retry-After equal to MaxDelay is honoured")
	assert.Equal(t, time.Second, d.wait)
	d = p.decide(context.Background(), Read, attempt{n: 1, status: 503, retryAfter: time.Second + 1})
	assert.False(t, d.retry)
}
