package transport

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redirectingPair is a server that redirects every request at prefix+"/op"
// to other (a second server, on "localhost" so the host differs).
func redirectingPair(t *testing.T, status int, target string) (ts, other *testServer) {
	other = newServer(t, "/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"id":"x"}`)
	})
	if target == "" {
		target = strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + prefix + "/elsewhere?Password=" + url.QueryEscape(secretPassword)
	}
	ts = newServer(t, "/op", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, status)
	})
	return ts, other
}

func TestRedirectsNeverCarryCredentialsAway(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, own := range []bool{true, false} {
			ts, other := redirectingPair(t, status, "")
			var opts []Option
			if !own {
				// A caller's client with Go's default redirect policy.
				opts = append(opts, WithHTTPClient(&http.Client{}))
			}
			c := newClient(t, ts.URL+prefix, opts...)
			req := post("/op")
			req.Header = http.Header{"Authorization": {"Bearer " + secretPassword}}
			_, err := c.Do(context.Background(), req, &answer{})
			e := requireOutcome(t, err, ErrOutcomeUnknown)
			assert.Equal(t, status, e.StatusCode)
			assert.Contains(t, e.Message, "redirect refused (to http://localhost:")
			assert.NotContains(t, err.Error(), secretPassword)

			_, err = c.Do(context.Background(), get("/op"), &answer{})
			requireOutcome(t, err, ErrNotApplied)
			assert.Zero(t, other.calls.Load(), "status %d, own client %v: the other host never hears from the SDK", status, own)
		}
	}
}

func TestRedirectFromHTTPSToHTTPIsRefused(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.example/api/op", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", "http://api.example/api/op")
		return resp, nil
	})
	mock.RegisterResponder(http.MethodGet, "http://api.example/api/op", httpmock.NewStringResponder(200, `{}`))
	c := newClient(t, "https://api.example/api", WithHTTPClient(&http.Client{Transport: mock}))
	_, err := c.Do(context.Background(), get("/op"), nil)
	e := requireOutcome(t, err, ErrNotApplied)
	assert.Equal(t, 302, e.StatusCode)
	assert.Zero(t, mock.GetCallCountInfo()["GET http://api.example/api/op"], "a scheme change is a redirect refused")
}

func TestSameHostRedirectFollowedForReadsOnly(t *testing.T) {
	var referer string
	ts := newServer(t, "/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case prefix + "/old":
			http.Redirect(w, r, prefix+"/new", http.StatusMovedPermanently)
		case prefix + "/new":
			referer = r.Header.Get("Referer")
			_, _ = io.WriteString(w, `{"id":"1"}`)
		}
	})
	for _, own := range []bool{true, false} {
		var opts []Option
		if !own {
			opts = append(opts, WithHTTPClient(&http.Client{}))
		}
		c := newClient(t, ts.URL+prefix, opts...)
		var out answer
		req := get("/old")
		req.Query = "Password=" + url.QueryEscape(secretPassword)
		_, err := c.Do(context.Background(), req, &out)
		require.NoError(t, err)
		assert.Equal(t, "1", out.ID)
		assert.Empty(t, referer, "no Referer carries the first URL's query")

		_, err = c.Do(context.Background(), post("/old"), &answer{})
		e := requireOutcome(t, err, ErrOutcomeUnknown)
		assert.Equal(t, 301, e.StatusCode, "a POST is never redirected, even on the same host")
	}
}

func TestCallersClientIsReadAtEveryCall(t *testing.T) {
	hc := &http.Client{}
	c := newClient(t, "https://api.example/api", WithHTTPClient(hc))
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.example/api/op", httpmock.NewStringResponder(200, `{"id":"late"}`))
	hc.Transport = mock // as httpmock.ActivateNonDefault(hc) after New does
	var out answer
	_, err := c.Do(context.Background(), get("/op"), &out)
	require.NoError(t, err)
	assert.Equal(t, "late", out.ID)
	assert.Nil(t, hc.CheckRedirect, "the caller's client is left untouched")
}

func TestHTTPMockWithoutResponderIsUnknownForWrites(t *testing.T) {
	mock := httpmock.NewMockTransport()
	c := newClient(t, "https://api.example/api", WithHTTPClient(&http.Client{Transport: mock}))
	_, err := c.Do(context.Background(), post("/op"), &answer{})
	requireOutcome(t, err, ErrOutcomeUnknown) // httpmock reports no trace events: the SDK assumes the request left
}
