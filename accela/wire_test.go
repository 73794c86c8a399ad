package accela_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/civicpay/datapump/accela"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	docTransaction = "322931"
	testToken      = "raw-access-token-0001"
	testRefresh    = "refresh-token-0001"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func wireConfig() accela.Config {
	return accela.Config{
		AppID: "app-123", AppSecret: "app-secret-xyz",
		Agency: "TACOMA", Environment: "PROD",
		UserName: "payments@tacoma.example", Password: "user-Pa55word",
	}
}

// sampleCommit is the partner document's sample request as typed input.
func sampleCommit(t testing.TB) *accela.CommitPaymentRequest {
	amount, err := accela.ParseAmount("100.50")
	require.NoError(t, err)
	return &accela.CommitPaymentRequest{
		TransactionID:              docTransaction,
		Amount:                     amount,
		ConvenienceFee:             accela.Amount{}, // the sample's "0"
		PayeePhone:                 "4067615677",
		PaymentMethod:              accela.CreditCard,
		PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
		CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
	}
}

type captured struct {
	req  *http.Request
	body []byte
}

// mockAccela registers the token endpoint and one API responder, capturing
// what they receive.
func mockAccela(t *testing.T, method, apiURL string, status int, apiBody []byte) (*http.Client, *captured, *captured) {
	t.Helper()
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	t.Cleanup(httpmock.DeactivateAndReset)
	tok, api := &captured{}, &captured{}
	capture := func(c *captured, status int, body []byte) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			c.req = r
			c.body, _ = io.ReadAll(r.Body)
			resp := httpmock.NewBytesResponse(status, body)
			resp.Header.Set("Content-Type", "application/json")
			resp.Header.Set("X-Accela-Traceid", "trace-from-header")
			return resp, nil
		}
	}
	httpmock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL, capture(tok, 200,
		[]byte(`{"access_token":"`+testToken+`","token_type":"bearer","expires_in":"900","refresh_token":"`+testRefresh+`","scope":"payments records"}`)))
	httpmock.RegisterResponder(method, apiURL, capture(api, status, apiBody))
	return hc, tok, api
}

func TestWireTokenRequest(t *testing.T) {
	hc, tok, _ := mockAccela(t, http.MethodPut, "https://apis.accela.com/v4/payments/322931", 200, fixture(t, "commit-response-sample.json"))
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err)

	r := tok.req
	require.NotNil(t, r)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, accela.DefaultTokenURL, r.URL.String(), "credentials never travel in the query")
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(t, "app-123", r.Header.Get("x-accela-appid"))
	assert.Empty(t, r.Header.Get("Authorization"))
	form, err := url.ParseQuery(string(tok.body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"grant_type":    {"password"},
		"client_id":     {"app-123"},
		"client_secret": {"app-secret-xyz"},
		"username":      {"payments@tacoma.example"},
		"password":      {"user-Pa55word"},
		"scope":         {"payments records"},
		"agency_name":   {"TACOMA"},
		"environment":   {"PROD"},
	}, form)
}

func TestWireCommitPayment(t *testing.T) {
	hc, _, api := mockAccela(t, http.MethodPut, "https://apis.accela.com/v4/payments/322931", 200, fixture(t, "commit-response-sample.json"))
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err)
	assert.Equal(t, "trace-from-header", res.TraceID)

	r := api.req
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "https://apis.accela.com/v4/payments/322931", r.URL.String(), "no empty fields= or lang=")
	assert.Equal(t, testToken, r.Header.Get("Authorization"), "the raw token, no Bearer")
	assert.Equal(t, "app-123", r.Header.Get("x-accela-appid"))
	assert.Equal(t, "TACOMA", r.Header.Get("x-accela-agency"))
	assert.Equal(t, "PROD", r.Header.Get("x-accela-environment"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))

	// The document's sample, with amounts as numbers as the specification types them.
	assert.JSONEq(t, string(fixture(t, "commit-request-expected.json")), string(api.body))
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(api.body, &raw))
	assert.Equal(t, "100.50", string(raw["amount"]), "exact digits, a JSON number")
	assert.Equal(t, "0", string(raw["convenienceFee"]))
	assert.NotContains(t, string(api.body), "comments", "unset optional fields are left out")
}

func TestWireHeadersWithoutAgency(t *testing.T) {
	hc, tok, api := mockAccela(t, http.MethodPut, "https://apis.accela.com/v4/payments/322931", 200, fixture(t, "commit-response-sample.json"))
	cfg := wireConfig()
	cfg.Agency, cfg.Environment = "", ""
	c, err := accela.New(cfg, accela.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err)
	_, present := api.req.Header["X-Accela-Agency"]
	assert.False(t, present)
	_, present = api.req.Header["X-Accela-Environment"]
	assert.False(t, present)
	form, _ := url.ParseQuery(string(tok.body))
	assert.False(t, form.Has("agency_name"))
	assert.False(t, form.Has("environment"))
}

func TestWireQueryFieldsAndLang(t *testing.T) {
	hc, _, api := mockAccela(t, http.MethodPut, `=~^https://apis\.accela\.com/v4/payments/322931\?`, 200, fixture(t, "commit-response-sample.json"))
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	req := sampleCommit(t)
	req.Fields, req.Lang = []string{"result", "status"}, "en_US"
	_, err = c.CommitPayment(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "fields=result%2Cstatus&lang=en_US", api.req.URL.RawQuery)
}

func TestWireInitializeVoidAndList(t *testing.T) {
	hc, _, init := mockAccela(t, http.MethodPost, "https://apis.accela.com/v4/payments/initialize", 200,
		[]byte(`{"result":[{"transactionId":322931}],"status":200}`))
	void := &captured{}
	httpmock.RegisterResponder(http.MethodPut, "https://apis.accela.com/v4/payments/3166539/void", func(r *http.Request) (*http.Response, error) {
		void.req, void.body = r, must(io.ReadAll(r.Body))
		return httpmock.NewStringResponse(200, `{"result":{"id":"3166539","isSuccess":true},"status":200}`), nil
	})
	list := &captured{}
	httpmock.RegisterResponder(http.MethodGet, "https://apis.accela.com/v4/records/TACOMA-03HST-00000-002UD/payments?paymentStatus=Y",
		func(r *http.Request) (*http.Response, error) {
			list.req = r
			return httpmock.NewStringResponse(200, `{"result":[{"id":3166539,"amount":100.5,"amountNotAllocated":0,"paymentDate":"2024-03-01 10:11:12","paymentMethod":"Credit Card","paymentStatus":"Paid","receiptId":198284,"recordId":{"id":"TACOMA-03HST-00000-002UD","customId":"BLD2003-01115","serviceProviderCode":"TACOMA","trackingId":1234,"value":"BLD2003-01115"},"transactionCode":"","transactionId":322931}],"status":200}`), nil
		})
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	ctx := context.Background()

	ini, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}, PaymentMethod: accela.CreditCard})
	require.NoError(t, err)
	assert.Equal(t, accela.ID("322931"), ini.Result[0].TransactionID)
	assert.JSONEq(t, `{"entityIds":["TACOMA-03HST-00000-002UD"],"entityType":"record","paymentMethod":"Credit Card"}`, string(init.body))

	v, err := c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: "3166539", Comments: "duplicate", Reason: &accela.VoidReason{Value: "DUP", Text: "Duplicate"}})
	require.NoError(t, err)
	assert.True(t, *v.Result.IsSuccess)
	assert.JSONEq(t, `{"comments":"duplicate","reason":{"text":"Duplicate","value":"DUP"}}`, string(void.body))
	assert.Equal(t, testToken, void.req.Header.Get("Authorization"))

	l, err := c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: "TACOMA-03HST-00000-002UD", PaymentStatus: "Y"})
	require.NoError(t, err)
	require.Len(t, l.Result, 1)
	p := l.Result[0]
	assert.Equal(t, accela.ID("3166539"), p.ID)
	assert.Equal(t, "100.5", p.Amount.String())
	assert.Equal(t, accela.ID("322931"), p.TransactionID)
	assert.Equal(t, "BLD2003-01115", p.RecordID.CustomID)
	assert.Equal(t, accela.ID("1234"), p.RecordID.TrackingID)
	assert.Equal(t, http.MethodGet, list.req.Method)
	assert.Equal(t, 1, httpmock.GetCallCountInfo()["POST "+accela.DefaultTokenURL], "one token for all four calls")
}

func TestCommitAnswers(t *testing.T) {
	cases := []struct {
		name, body   string
		status       int
		want         error // nil: applied
		scriptFailed bool
		code         string
	}{
		{"document sample", string(fixture(t, "commit-response-sample.json")), 200, nil, false, ""},
		{"specification's object shape", string(fixture(t, "commit-response-spec-object.json")), 200, nil, false, ""},
		{"after-script failed: applied", `{"status":200,"code":"emse_error","message":"EMSE operation failed.","traceId":"t-emse","result":{"completePayments":[]}}`, 200, nil, true, "emse_error"},
		{"before-script failed: 500", `{"status":500,"code":"internal_server_error","message":"EMSE operation failed.","traceId":"t-500"}`, 500, accela.ErrOutcomeUnknown, false, "internal_server_error"},
		{"payment not enabled: 403", `{"status":403,"code":"forbidden","message":"You are not authorized to access the resource.","more":null,"traceId":"130527090003731-9b30f89c"}`, 403, accela.ErrNotApplied, false, "forbidden"},
		{"validation: 400", `{"status":400,"code":"data_validation_error","message":"bad amount","more":{"field":"amount"}}`, 400, accela.ErrNotApplied, false, "data_validation_error"},
		{"error status inside a 200", `{"status":400,"code":"bad_request","message":"no"}`, 200, accela.ErrNotApplied, false, "bad_request"},
		{"5xx status inside a 200", `{"status":500,"code":"connection_failure","message":"db"}`, 200, accela.ErrOutcomeUnknown, false, "connection_failure"},
		{"unreadable 200", `{"result":`, 200, accela.ErrOutcomeUnknown, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hc, _, _ := mockAccela(t, http.MethodPut, "https://apis.accela.com/v4/payments/322931", tc.status, []byte(tc.body))
			c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
			require.NoError(t, err)
			res, err := c.CommitPayment(context.Background(), sampleCommit(t))
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.scriptFailed, res.ScriptFailed())
				if tc.scriptFailed {
					assert.Equal(t, "EMSE operation failed.", res.Message)
					assert.Equal(t, "t-emse", res.TraceID)
				}
				return
			}
			require.ErrorIs(t, err, tc.want)
			var e *accela.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, "trace-from-header", e.TraceID, "x-accela-traceid wins")
			if tc.want == accela.ErrOutcomeUnknown {
				assert.Contains(t, e.Reconcile, "ListRecordPayments")
				assert.Contains(t, e.Reconcile, docTransaction)
			}
			assert.Equal(t, 1, httpmock.GetCallCountInfo()["PUT https://apis.accela.com/v4/payments/322931"], "never resent")
		})
	}
}

func TestVoidNotSuccessful(t *testing.T) {
	hc, _, _ := mockAccela(t, http.MethodPut, "https://apis.accela.com/v4/payments/1/void", 200,
		[]byte(`{"result":{"id":"1","isSuccess":false,"code":"payment_closed","message":"Payment is in a closed batch"},"status":200}`))
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "1"})
	require.ErrorIs(t, err, accela.ErrNotApplied)
	require.NotNil(t, res)
	assert.False(t, *res.Result.IsSuccess)
	assert.Contains(t, err.Error(), "[payment_closed] Payment is in a closed batch")
}

func TestTokenEndpointErrors(t *testing.T) {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL, httpmock.NewStringResponder(400,
		`{"error":"invalid_grant","error_description":"Invalid username or password"}`))
	c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.CommitPayment(context.Background(), sampleCommit(t))
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, accela.ErrNotApplied)
	assert.Equal(t, "Token", e.Op)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.Equal(t, "Invalid username or password", e.Message)
	assert.Equal(t, 1, httpmock.GetTotalCallCount(), "no commit without a token, no retry of a refused login")
	assert.NotContains(t, err.Error(), "user-Pa55word")
	assert.NotContains(t, err.Error(), "app-secret-xyz")
}

func TestExpiresInAsNumberOrString(t *testing.T) {
	for _, expires := range []string{`"900"`, `900`, `""`, `null`} {
		hc := &http.Client{}
		httpmock.ActivateNonDefault(hc)
		httpmock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL, httpmock.NewStringResponder(200,
			`{"access_token":"tok","expires_in":`+expires+`,"refresh_token":"r"}`))
		httpmock.RegisterResponder(http.MethodGet, `=~/payments$`, httpmock.NewStringResponder(200, `{"result":[],"status":200}`))
		c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc))
		require.NoError(t, err)
		_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		assert.NoError(t, err, expires)
		httpmock.DeactivateAndReset()
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return bytes.Clone(b)
}
