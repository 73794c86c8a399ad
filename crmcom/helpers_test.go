package crmcom_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// The partner document's base URL shape, under a prefix, so a client that
// drops the base URL's path misses every responder.
const docBase = "https://crm.example.com/crmapi/rest/v2"

// The partner document's sample tokens: create's, and the other samples'.
const (
	docCreateToken = "825D7B5BB7F62E043A7C73B0FFBF124F"
	docToken       = "B8D7A12E9F91AFADE914B7330AFD08CB"
	docPassword    = "doc-password-5b1e"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

// compact returns b as compact JSON.
func compact(t testing.TB, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, json.Compact(&out, b))
	return out.String()
}

func fastRetry() crmcom.Option {
	return crmcom.WithRetryPolicy(crmcom.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
}

func docConfig() crmcom.Config {
	return crmcom.Config{BaseURL: docBase, Username: "JackH", Password: docPassword, Organisation: "Main Organisation"}
}

// seen is one request the mock CRM.COM received.
type seen struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

// mockCRM is a per-test httpmock transport answering like CRM.COM: a login
// that issues token, and whatever a test registers. It records every
// request by "METHOD path".
type mockCRM struct {
	mock  *httpmock.MockTransport
	token string

	mu   sync.Mutex
	reqs map[string][]seen
}

// newMock returns a client of docConfig (plus opts) talking to a fresh
// mock whose login issues token.
func newMock(t *testing.T, token string, opts ...crmcom.Option) (*crmcom.Client, *mockCRM) {
	t.Helper()
	m := &mockCRM{mock: httpmock.NewMockTransport(), token: token, reqs: map[string][]seen{}}
	m.on(http.MethodPost, "/authentication/token", 200, []byte(`{"status":{"message":null,"description":null,"code":"OK"},"data":{"token":"`+token+`"}}`))
	c, err := crmcom.New(docConfig(), append([]crmcom.Option{crmcom.WithHTTPClient(&http.Client{Transport: m.mock}), fastRetry()}, opts...)...)
	require.NoError(t, err)
	return c, m
}

// on answers every method+path request with status and body.
func (m *mockCRM) on(method, path string, status int, body []byte) {
	m.answer(method, path, func(int) (int, []byte) { return status, body })
}

// answer answers the n-th (from 1) method+path request with what f says.
func (m *mockCRM) answer(method, path string, f func(n int) (int, []byte)) {
	m.mock.RegisterResponder(method, docBase+path, func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
		}
		m.mu.Lock()
		key := method + " " + path
		m.reqs[key] = append(m.reqs[key], seen{method: r.Method, url: r.URL, header: r.Header.Clone(), body: body})
		n := len(m.reqs[key])
		m.mu.Unlock()
		status, out := f(n)
		resp := httpmock.NewBytesResponse(status, out)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
}

// requests returns what method+path received.
func (m *mockCRM) requests(method, path string) []seen {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]seen(nil), m.reqs[method+" "+path]...)
}

// last returns the last request to method+path; it fails the test if none.
func (m *mockCRM) last(t *testing.T, method, path string) seen {
	t.Helper()
	rs := m.requests(method, path)
	require.NotEmpty(t, rs, "no %s %s", method, path)
	return rs[len(rs)-1]
}

// envelope is a CRM.COM answer with status code and data.
func envelope(code string, data string) []byte {
	return []byte(`{"status":{"message":"` + code + ` message","description":"` + code + ` description","code":"` + code + `"},"data":` + data + `}`)
}

func newMockTransport() *httpmock.MockTransport { return httpmock.NewMockTransport() }

// fmtAll prints err every way a caller might.
func fmtAll(err error) string { return fmt.Sprintf("%v|%+v|%#v|%s|%q", err, err, err, err, err) }

// mustAmount parses a decimal or fails the test.
func mustAmount(t testing.TB, s string) crmcom.Amount {
	t.Helper()
	a, err := crmcom.ParseAmount(s)
	require.NoError(t, err)
	return a
}

// httpClient is a client sending through m.
func httpClient(m *mockCRM) *http.Client { return &http.Client{Transport: m.mock} }
