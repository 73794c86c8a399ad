package accela_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refresh grant Accela refuses (400 or 401) falls back to the password
// grant; a refresh grant that fails otherwise (the token endpoint down)
// is an error, and the password is not sent.
func TestRefreshRefusalFallsBackOnlyOn400And401(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		fallback bool
	}{
		{http.StatusBadRequest, true},
		{http.StatusUnauthorized, true},
		{http.StatusForbidden, false},
		{http.StatusServiceUnavailable, false},
	} {
		srv, c := setup(t)
		list(t, c, recordID, "")
		srv.ExpireTokens()
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointToken, Key: "refresh_token", Action: accelatest.Refuse, Status: tc.status, Times: accelatest.Forever})
		_, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
		if tc.fallback {
			require.NoError(t, err, "refresh refused with %d", tc.status)
			assert.Equal(t, 2, srv.Grants("password"), "refresh refused with %d", tc.status)
		} else {
			e := errorOf(t, err, accela.ErrNotApplied)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, 1, srv.Grants("password"), "refresh failed with %d: no password grant", tc.status)
		}
		assert.Zero(t, srv.Grants("refresh_token"))
	}
}

// A TokenSource's token may hold any visible ASCII character, '!' (the
// first after the space) included.
func TestTokenSourceTokenOfVisibleASCII(t *testing.T) {
	t.Parallel()
	srv := accelatest.NewServer(accelatest.Options{})
	t.Cleanup(srv.Close)
	var sent string
	c, err := accela.New(tokenSourceConfig(srv, func(context.Context) (accela.Token, error) {
		return accela.Token{AccessToken: "tok!~-77"}, nil
	}), accela.WithHTTPClient(&http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		sent = r.Header.Get("Authorization")
		return http.DefaultTransport.RoundTrip(r)
	})}), fastRetry())
	require.NoError(t, err)
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	e := errorOf(t, err, accela.ErrNotApplied)
	assert.Equal(t, http.StatusUnauthorized, e.StatusCode, "the fake never issued it, so Accela refuses it")
	assert.Empty(t, e.Fields, "the client did not refuse it")
	assert.Equal(t, "tok!~-77", sent, "sent as it is")
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Blank input is an error, never a panic, even when the decoder is called
// directly.
func TestRecordIDOfBlankInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "  ", "\n"} {
		var r accela.RecordID
		assert.Error(t, r.UnmarshalJSON([]byte(in)), "%q", in)
	}
}

// Accela may refuse an initialize in the body (HTTP 200, status 400)
// without a result: that is Accela's refusal, not an answer that fails to
// show a transaction.
func TestInitializeRefusedInTheBody(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	ini := m.on(http.MethodPost, apiBase+"/v4/payments/initialize",
		answer(200, `{"status":400,"code":"invalid_param","message":"record not found"}`))
	c := m.client(t, wireConfig())
	_, err := c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{docRecord}})
	e := errorOf(t, err, accela.ErrNotApplied)
	assert.Equal(t, "invalid_param", e.Code)
	assert.Contains(t, e.Message, "record not found (status 400 in the response body)")
	assert.Equal(t, 1, ini.calls(), "a refusal is not retried")
}
