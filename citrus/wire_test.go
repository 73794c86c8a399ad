package citrus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The partner document's sample values.
const (
	docBase      = "https://ips-rest.citrusbocc.com/IPS-TST-RS/api"
	docUser      = "CitrusTestAdmin"
	docPassword  = "CitrusTestAdminPW04022020"
	docSessionID = "Hpx0Hd5H8fJ9RrtQjxsG"
	docToken     = "1018-8E6F2386C545776F754F350683BD5DC8FEADF5BDEBE1E1843882F9B38A642BCC"
	docInstance  = "a6acaf7b-1d62-4a01-b165-45b4f4085d52"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

// successResponse is the document's sample response with success:true.
func successResponse(t testing.TB) []byte {
	b := fixture(t, "callback-response.json")
	out := bytes.Replace(b, []byte(`"success": false`), []byte(`"success": true`), 1)
	require.NotEqual(t, b, out)
	return out
}

// wire records what the mock IPS received.
type wire struct {
	mock                   *httpmock.MockTransport
	auth, callback         *http.Request
	authBody, callbackBody []byte
}

// mockIPS answers like the partner document: the auth sample (plus the
// InstanceId cookie the document's callback sample carries) and
// callbackStatus/callbackBody. Each test has its own mock transport, so
// tests run in parallel.
func mockIPS(t *testing.T, callbackStatus int, callbackBody []byte) (*http.Client, *wire) {
	t.Helper()
	w := &wire{mock: httpmock.NewMockTransport()}
	w.mock.RegisterResponder(http.MethodPost, docBase+"/portal/auth", func(r *http.Request) (*http.Response, error) {
		w.auth = r
		if r.Body != nil {
			w.authBody, _ = io.ReadAll(r.Body)
		}
		resp := httpmock.NewBytesResponse(200, fixture(t, "auth-response.json"))
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Add("Set-Cookie", "InstanceId="+docInstance+"; Path=/")
		return resp, nil
	})
	w.mock.RegisterResponder(http.MethodPost, docBase+"/cashiering/paymentprocessing/callback/authorized", func(r *http.Request) (*http.Response, error) {
		w.callback = r
		w.callbackBody, _ = io.ReadAll(r.Body)
		resp := httpmock.NewBytesResponse(callbackStatus, callbackBody)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	return &http.Client{Transport: w.mock}, w
}

func docConfig() citrus.Config {
	return citrus.Config{Environment: citrus.Dev, UserName: docUser, Password: docPassword}
}

func post(ref string) *citrus.PostPaymentRequest {
	return &citrus.PostPaymentRequest{BillerReference: ref}
}

func TestWireFormatMatchesPartnerDocument(t *testing.T) {
	t.Parallel()
	hc, w := mockIPS(t, 200, successResponse(t))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)

	res, err := c.PostPayment(context.Background(), post(docToken))
	require.NoError(t, err)
	assert.True(t, res.Success)

	// Auth: POST {base}/portal/auth?UserName=..&Password=.., no body.
	require.NotNil(t, w.auth)
	assert.Equal(t, http.MethodPost, w.auth.Method)
	assert.Equal(t, docBase+"/portal/auth?UserName="+docUser+"&Password="+docPassword, w.auth.URL.String())
	assert.Empty(t, w.authBody)
	assert.Empty(t, w.auth.Header.Get("Content-Type"))
	assert.Empty(t, w.auth.Header.Get("X-Ips-Maintain-Session"), "off by default")

	// Callback: method, URL and query.
	r := w.callback
	require.NotNil(t, r)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, docBase+"/cashiering/paymentprocessing/callback/authorized?Token="+docToken, r.URL.String())

	// Headers.
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "datapump/"), r.Header.Get("User-Agent"))

	// Cookies: the document's four, each once.
	cookies := map[string]string{}
	for _, ck := range r.Cookies() {
		_, dup := cookies[ck.Name]
		assert.False(t, dup, "cookie %s sent twice", ck.Name)
		cookies[ck.Name] = ck.Value
	}
	assert.Equal(t, map[string]string{
		"InstanceId":   docInstance,
		"ips.username": "Rhythm",
		"ss-id":        docSessionID,
		"ss-pid":       docSessionID,
	}, cookies)

	// Body: exactly the document's sample request, as compact JSON.
	var want bytes.Buffer
	require.NoError(t, json.Compact(&want, fixture(t, "callback-request.json")))
	assert.Equal(t, want.String(), string(w.callbackBody))
}

func TestWireOverriddenDefaultsAndMaintainSession(t *testing.T) {
	t.Parallel()
	hc, w := mockIPS(t, 200, successResponse(t))
	cfg := docConfig()
	cfg.CashRegister, cfg.VoidReasonOnFailure, cfg.IPSUserName = "Kiosk-2", "Merchant", "Portal"
	cfg.MaintainSession = true
	c, err := citrus.New(cfg, citrus.WithHTTPClient(hc), citrus.WithUserAgent("citypay/2.3"))
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), post(docToken))
	require.NoError(t, err)

	assert.JSONEq(t, `{"voidReasonOnFailure":"Merchant","cashRegister":"Kiosk-2","Token":"`+docToken+`"}`, string(w.callbackBody))
	ck, err := w.callback.Cookie("ips.username")
	require.NoError(t, err)
	assert.Equal(t, "Portal", ck.Value)
	assert.Equal(t, "true", w.auth.Header.Get("X-Ips-Maintain-Session"))
	assert.Equal(t, "true", w.callback.Header.Get("X-Ips-Maintain-Session"))
	assert.True(t, strings.HasPrefix(w.callback.Header.Get("User-Agent"), "citypay/2.3 datapump/"))
}

func TestWireTokenIsQueryEscaped(t *testing.T) {
	t.Parallel()
	hc, w := mockIPS(t, 200, successResponse(t))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)
	ref := "A&B=C/D+E F"
	_, err = c.PostPayment(context.Background(), post(ref))
	require.NoError(t, err)
	assert.Equal(t, "Token=A%26B%3DC%2FD%2BE+F", w.callback.URL.RawQuery)
	assert.Equal(t, ref, w.callback.URL.Query().Get("Token"))
	assert.JSONEq(t, `{"voidReasonOnFailure":"Customer","cashRegister":"OnlinePortal","Token":"A&B=C/D+E F"}`, string(w.callbackBody))
}

func TestDocumentSampleIsNotApplied(t *testing.T) {
	t.Parallel()
	// The document's own sample answers success:false with HTTP 200.
	hc, _ := mockIPS(t, 200, fixture(t, "callback-response.json"))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.PostPayment(context.Background(), post(docToken))
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.NotErrorIs(t, err, citrus.ErrOutcomeUnknown)
	assert.NotErrorIs(t, err, citrus.ErrTemporary, "a decline must be looked at, not resent as is")
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 200, e.StatusCode)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, e.Message, "success:false")
	require.NotNil(t, res, "the transaction is still handed back")
	assert.False(t, res.Success)
	assert.Equal(t, int64(1018), res.Transaction.ID)
	assert.Equal(t, "Success", res.ResponseStatus.Severity)
}

func TestCallbackAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   error // nil: applied
	}{
		{"success", 200, `{"data":{"transaction":{"id":1},"success":true},"responseStatus":{}}`, nil},
		{"success, 201", 201, `{"data":{"transaction":{"id":1},"success":true}}`, nil},
		{"declined", 200, `{"data":{"transaction":{"id":1},"success":false}}`, citrus.ErrNotApplied},
		{"error code, no data", 200, `{"responseStatus":{"errorCode":"ArgumentException","message":"bad"}}`, citrus.ErrNotApplied},
		{"success with error code", 200, `{"data":{"transaction":{"id":1},"success":true},"responseStatus":{"errorCode":"Oops"}}`, citrus.ErrOutcomeUnknown},
		{"success without a transaction id", 200, `{"data":{"success":true}}`, citrus.ErrOutcomeUnknown},
		{"no data", 200, `{"responseStatus":{}}`, citrus.ErrOutcomeUnknown},
		{"no success flag", 200, `{"data":{"transaction":{"id":1}}}`, citrus.ErrOutcomeUnknown},
		{"empty object", 200, `{}`, citrus.ErrOutcomeUnknown},
		{"null", 200, `null`, citrus.ErrOutcomeUnknown},
		{"empty body", 200, ``, citrus.ErrOutcomeUnknown},
		{"204", 204, ``, citrus.ErrOutcomeUnknown},
		{"not JSON", 200, `<html>ok</html>`, citrus.ErrOutcomeUnknown},
		{"500", 500, `{"responseStatus":{"errorCode":"Exception"}}`, citrus.ErrOutcomeUnknown},
		{"400", 400, `{"responseStatus":{"errorCode":"ArgumentException"}}`, citrus.ErrNotApplied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hc, w := mockIPS(t, tc.status, []byte(tc.body))
			c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
			require.NoError(t, err)
			_, err = c.PostPayment(context.Background(), post(docToken))
			assert.Equal(t, 1, w.mock.GetCallCountInfo()["POST "+docBase+"/cashiering/paymentprocessing/callback/authorized"], "never resent")
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
			if tc.want == citrus.ErrOutcomeUnknown {
				var e *citrus.Error
				require.ErrorAs(t, err, &e)
				assert.Contains(t, e.Reconcile, "ask the county")
			}
		})
	}
}

func TestServiceStackErrorBody(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, docBase+"/portal/auth", httpmock.NewStringResponder(400,
		`{"responseStatus":{"errorCode":"ValidationException","message":"Validation failed","errors":[{"errorCode":"NotEmpty","fieldName":"UserName","message":"'User Name' should not be empty."}]}}`))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), post(docToken))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Equal(t, "PostPayment", e.Op, "the caller's operation")
	assert.Equal(t, "Authenticate", e.Step, "the login was the step that failed")
	assert.Equal(t, 400, e.StatusCode)
	assert.Equal(t, "ValidationException", e.Code)
	assert.Equal(t, "Validation failed", e.Message)
	assert.Equal(t, []citrus.FieldError{{Field: "UserName", Code: "NotEmpty", Message: "'User Name' should not be empty."}}, e.Fields)
	assert.NotContains(t, err.Error(), docPassword)
	assert.Equal(t, 1, mock.GetTotalCallCount(), "a refused login is not retried and nothing is posted")
}

func TestLoginAnswerWithoutSession(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"userName":"u","responseStatus":{}}`: "IPS answered without a sessionId",
		`{"sessionId":"s-1234567890","responseStatus":{"errorCode":"PasswordExpired","message":"Password has expired"}}`: "[PasswordExpired] Password has expired",
	} {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, docBase+"/portal/auth", httpmock.NewStringResponder(200, body))
		c, err := citrus.New(docConfig(), citrus.WithHTTPClient(&http.Client{Transport: mock}))
		require.NoError(t, err)
		_, err = c.PostPayment(context.Background(), post(docToken))
		assert.ErrorIs(t, err, citrus.ErrNotApplied)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), "s-1234567890")
		assert.Equal(t, 1, mock.GetTotalCallCount(), "no callback without a session")
	}
}

// A caller's own client follows redirects by Go's default policy; the SDK
// still refuses to take the login (password in its query) or a post to
// another host, and IPS' Referer never carries the password.
func TestRedirectsRefusedWithCallersClient(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, docBase+"/portal/auth", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(307, "")
		resp.Header.Set("Location", "https://evil.example/steal")
		return resp, nil
	})
	mock.RegisterResponder(http.MethodPost, "https://evil.example/steal", httpmock.NewStringResponder(200, `{"sessionId":"x"}`))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), post(docToken))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Equal(t, 307, e.StatusCode)
	assert.Contains(t, e.Message, "redirect refused (to https://evil.example/steal)")
	assert.Zero(t, mock.GetCallCountInfo()["POST https://evil.example/steal"], "the password never reached the other host")
}

func TestAmountDiffers(t *testing.T) {
	t.Parallel()
	hc, _ := mockIPS(t, 200, successResponse(t)) // the sample's transaction is 50
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)
	for amount, differs := range map[string]bool{"50": false, "50.00": false, "49.99": true, "0": false} {
		a, err := citrus.ParseAmount(amount)
		require.NoError(t, err)
		res, err := c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: docToken, Amount: a})
		require.NoError(t, err)
		assert.Equal(t, differs, res.AmountDiffers, amount)
	}
}

func TestResultFieldsEchoingTheRequestAreScrubbed(t *testing.T) {
	t.Parallel()
	body := `{"data":{"transaction":{"id":1},"success":false},"responseStatus":{"errorCode":"Declined","message":"declined for user ` +
		docUser + ` password ` + docPassword + ` card 4111111111111111","errors":[{"fieldName":"Password","message":"was ` + docPassword + `"}]}}`
	hc, _ := mockIPS(t, 200, []byte(body))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.PostPayment(context.Background(), post(docToken))
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	require.NotNil(t, res)
	printed := fmt.Sprintf("%+v", res)
	assert.NotContains(t, printed, docPassword)
	assert.NotContains(t, printed, "4111111111111111")
	assert.Contains(t, res.ResponseStatus.Message, "password REDACTED card REDACTED")
	assert.Equal(t, "was REDACTED", res.ResponseStatus.Errors[0].Message)
}

func TestContradictoryAnswerSaysSo(t *testing.T) {
	t.Parallel()
	hc, _ := mockIPS(t, 200, []byte(`{"data":{"transaction":{"id":1},"success":true},"responseStatus":{"errorCode":"Oops"}}`))
	c, err := citrus.New(docConfig(), citrus.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), post(docToken))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrOutcomeUnknown)
	assert.Equal(t, "Oops", e.Code)
	assert.Equal(t, "IPS answered success:true with an error code", e.Message)
}
