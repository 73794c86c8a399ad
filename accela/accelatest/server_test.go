package accelatest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func start(t *testing.T, opts accelatest.Options) *accelatest.Server {
	t.Helper()
	srv := accelatest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

func passwordForm() url.Values {
	return url.Values{
		"grant_type": {"password"}, "client_id": {accelatest.DefaultAppID}, "client_secret": {accelatest.DefaultAppSecret},
		"username": {accelatest.DefaultUserName}, "password": {accelatest.DefaultPassword}, "scope": {"payments"},
		"agency_name": {accelatest.DefaultAgency}, "environment": {accelatest.DefaultAgencyEnvironment},
	}
}

func refreshForm(refresh string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "client_id": {accelatest.DefaultAppID},
		"client_secret": {accelatest.DefaultAppSecret}, "refresh_token": {refresh}}
}

// token posts a raw token request.
func token(t *testing.T, srv *accelatest.Server, form url.Values, appID string) (int, map[string]string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if appID != "" {
		req.Header.Set("x-accela-appid", appID)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

func accessToken(t *testing.T, srv *accelatest.Server) string {
	t.Helper()
	status, out, _ := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	require.Equal(t, 200, status, out)
	return out["access_token"]
}

func TestFakeTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	status, out, h := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	require.Equal(t, 200, status)
	assert.Equal(t, "900", out["expires_in"], "a string, as Accela sends it")
	assert.Equal(t, "bearer", out["token_type"])
	assert.Equal(t, "payments", out["scope"])
	assert.Len(t, out["access_token"], 40)
	assert.Len(t, out["refresh_token"], 40)
	assert.Equal(t, "no-store", h.Get("Cache-Control"))
	assert.Equal(t, 1, srv.Grants("password"))
	assert.Equal(t, []string{out["access_token"], out["refresh_token"]}, srv.IssuedSecrets())

	status, refreshed, _ := token(t, srv, refreshForm(out["refresh_token"]), accelatest.DefaultAppID)
	require.Equal(t, 200, status)
	assert.NotEqual(t, out["access_token"], refreshed["access_token"])
	assert.NotEqual(t, out["refresh_token"], refreshed["refresh_token"])
	assert.Equal(t, 1, srv.Grants("refresh_token"))
	status, again, _ := token(t, srv, refreshForm(out["refresh_token"]), accelatest.DefaultAppID)
	assert.Equal(t, 400, status, "a refresh token works once")
	assert.Equal(t, "invalid_grant", again["error"])
	assert.Equal(t, 1, srv.Grants("refresh_token"), "refused grants are not counted")
	assert.Len(t, srv.IssuedSecrets(), 4)

	for name, tc := range map[string]struct {
		mutate func(url.Values)
		appID  string
		status int
		code   string
	}{
		"no app id header":    {func(url.Values) {}, "", 401, "unauthorized_client"},
		"wrong app id header": {func(url.Values) {}, "other", 401, "unauthorized_client"},
		"wrong client id":     {func(f url.Values) { f.Set("client_id", "other") }, accelatest.DefaultAppID, 401, "invalid_client"},
		"wrong secret":        {func(f url.Values) { f.Set("client_secret", "x") }, accelatest.DefaultAppID, 401, "invalid_client"},
		"wrong password":      {func(f url.Values) { f.Set("password", "x") }, accelatest.DefaultAppID, 400, "invalid_grant"},
		"wrong user":          {func(f url.Values) { f.Set("username", "x") }, accelatest.DefaultAppID, 400, "invalid_grant"},
		"no scope":            {func(f url.Values) { f.Del("scope") }, accelatest.DefaultAppID, 400, "invalid_scope"},
		"other agency":        {func(f url.Values) { f.Set("agency_name", "SEATTLE") }, accelatest.DefaultAppID, 400, "invalid_request"},
		"other environment":   {func(f url.Values) { f.Set("environment", "PROD") }, accelatest.DefaultAppID, 400, "invalid_request"},
		"unknown grant":       {func(f url.Values) { f.Set("grant_type", "client_credentials") }, accelatest.DefaultAppID, 400, "unsupported_grant_type"},
		"unknown refresh":     {func(f url.Values) { f.Set("grant_type", "refresh_token"); f.Set("refresh_token", "never-issued") }, accelatest.DefaultAppID, 400, "invalid_grant"},
	} {
		form := passwordForm()
		tc.mutate(form)
		status, out, _ := token(t, srv, form, tc.appID)
		assert.Equal(t, tc.status, status, name)
		assert.Equal(t, tc.code, out["error"], name)
		assert.NotEmpty(t, out["error_description"], name)
	}
	form := passwordForm()
	form.Set("agency_name", "tacoma")
	form.Del("environment")
	status, _, _ = token(t, srv, form, accelatest.DefaultAppID)
	assert.Equal(t, 200, status, "the agency is matched without case; agency and environment are optional")
	assert.Equal(t, 2, srv.Grants("password"))

	resp, err := http.Post(srv.TokenURL(), "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode, "the token endpoint takes a form")

	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL()+"?"+passwordForm().Encode(), strings.NewReader(passwordForm().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-accela-appid", accelatest.DefaultAppID)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var oauth map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&oauth))
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode, "credentials in the query are refused")
	assert.Equal(t, "invalid_request", oauth["error"])
	assert.Equal(t, 2, srv.Grants("password"))
}

func TestFakeTokenLifetime(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{TokenLifetime: time.Hour})
	_, out, _ := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	assert.Equal(t, "3600", out["expires_in"])
	srv.SetTokenLifetime(time.Second)
	_, out, _ = token(t, srv, passwordForm(), accelatest.DefaultAppID)
	assert.Equal(t, "1", out["expires_in"])
	access := out["access_token"]
	status, _ := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: access}.do(t, srv)
	assert.Equal(t, 404, status, "the token works (the record is unknown)")
	time.Sleep(1100 * time.Millisecond)
	status, body := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: access}.do(t, srv)
	assert.Equal(t, 401, status)
	assert.Equal(t, "token_expired", body["code"])
}

// apiCall is one raw API request.
type apiCall struct {
	method, path, body, auth string
	ctype                    string
	headers                  map[string]string
}

func (c apiCall) do(t *testing.T, srv *accelatest.Server) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL()+c.path, strings.NewReader(c.body))
	require.NoError(t, err)
	ctype := c.ctype
	if ctype == "" {
		ctype = "application/json"
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("x-accela-appid", accelatest.DefaultAppID)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), string(b))
	assert.NotEmpty(t, resp.Header.Get("x-accela-traceid"), "every answer carries a trace id")
	assert.Equal(t, float64(resp.StatusCode), out["status"], "the status is repeated in the body")
	if resp.StatusCode >= 400 {
		assert.Equal(t, resp.Header.Get("x-accela-traceid"), out["traceId"])
		assert.Contains(t, out, "more")
	}
	return resp.StatusCode, out
}

func TestFakeAPIIsStrict(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	access := accessToken(t, srv)
	txn := srv.OpenTransaction("R-1")
	commitPath := "/v4/payments/" + string(txn)
	valid := `{"amount":10.5,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p-1"}`
	replace := func(old, new string) string { return strings.Replace(valid, old, new, 1) }
	card := func(cc string) string { return replace("{", `{"creditCard":`+cc+`,`) }

	cases := []struct {
		name   string
		call   apiCall
		status int
		code   string
	}{
		{"no app id", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-appid": ""}}, 401, "no_app_credential"},
		{"wrong app", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-appid": "other"}}, 401, "unauthorized_app"},
		{"no token", apiCall{method: "PUT", path: commitPath, body: valid}, 401, "no_token"},
		{"Bearer prefix", apiCall{method: "PUT", path: commitPath, body: valid, auth: "Bearer " + access}, 401, "invalid_token"},
		{"unknown token", apiCall{method: "PUT", path: commitPath, body: valid, auth: "nope"}, 401, "invalid_token"},
		{"wrong agency", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-agency": "SEATTLE"}}, 401, "unauthorized"},
		{"wrong environment", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-environment": "PROD"}}, 401, "unauthorized"},
		{"wrong content type", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, ctype: "text/plain"}, 400, "bad_request"},
		{"unknown field", apiCall{method: "PUT", path: commitPath, body: replace("{", `{"cardNumber":"4111111111111111",`), auth: access}, 400, "bad_request"},
		{"data after the object", apiCall{method: "PUT", path: commitPath, body: valid + "{}", auth: access}, 400, "bad_request"},
		{"not JSON", apiCall{method: "PUT", path: commitPath, body: "amount=10.5", auth: access}, 400, "bad_request"},
		{"amount as a string (the sample's way)", apiCall{method: "PUT", path: commitPath, body: replace("10.5", `"10.5"`), auth: access}, 400, "data_validation_error"},
		{"fee as a string", apiCall{method: "PUT", path: commitPath, body: replace(`"convenienceFee":0`, `"convenienceFee":"0"`), auth: access}, 400, "data_validation_error"},
		{"no amount", apiCall{method: "PUT", path: commitPath, body: replace(`"amount":10.5,`, ""), auth: access}, 400, "data_validation_error"},
		{"no fee", apiCall{method: "PUT", path: commitPath, body: replace(`"convenienceFee":0,`, ""), auth: access}, 400, "data_validation_error"},
		{"zero amount", apiCall{method: "PUT", path: commitPath, body: replace("10.5", "0"), auth: access}, 400, "data_validation_error"},
		{"negative amount", apiCall{method: "PUT", path: commitPath, body: replace("10.5", "-10.5"), auth: access}, 400, "data_validation_error"},
		{"negative fee", apiCall{method: "PUT", path: commitPath, body: replace(`"convenienceFee":0`, `"convenienceFee":-1`), auth: access}, 400, "data_validation_error"},
		{"amount not a number", apiCall{method: "PUT", path: commitPath, body: replace("10.5", "true"), auth: access}, 400, "data_validation_error"},
		{"unknown method", apiCall{method: "PUT", path: commitPath, body: replace("Check", "Cash"), auth: access}, 400, "data_validation_error"},
		{"no payment system id", apiCall{method: "PUT", path: commitPath, body: replace(`"p-1"`, `""`), auth: access}, 400, "data_validation_error"},
		{"card without type", apiCall{method: "PUT", path: commitPath, body: card(`{"cardNumberLastDigits":"4219"}`), auth: access}, 400, "data_validation_error"},
		{"full card number", apiCall{method: "PUT", path: commitPath, body: card(`{"cardType":"VISA","cardNumberLastDigits":"4111111111111111"}`), auth: access}, 400, "data_validation_error"},
		{"address without country", apiCall{method: "PUT", path: commitPath, body: card(`{"cardType":"VISA","billingAddress":{"city":"Tacoma"}}`), auth: access}, 400, "data_validation_error"},
		{"unknown transaction", apiCall{method: "PUT", path: "/v4/payments/999", body: valid, auth: access}, 404, "resource_not_found"},
		{"initialize: unknown record", apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["NOPE"],"entityType":"record"}`, auth: access}, 404, "resource_not_found"},
		{"initialize: no records", apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":[],"entityType":"record"}`, auth: access}, 400, "data_validation_error"},
		{"initialize: not records", apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1"],"entityType":"parcel"}`, auth: access}, 400, "data_validation_error"},
		{"initialize: unknown method", apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1"],"entityType":"record","paymentMethod":"Cash"}`, auth: access}, 400, "data_validation_error"},
		{"initialize: unknown field", apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1"],"entityType":"record","amount":1}`, auth: access}, 400, "bad_request"},
		{"void: unknown payment", apiCall{method: "PUT", path: "/v4/payments/999/void", body: `{}`, auth: access}, 404, "resource_not_found"},
		{"void: unknown field", apiCall{method: "PUT", path: "/v4/payments/999/void", body: `{"why":"x"}`, auth: access}, 400, "bad_request"},
		{"list: unknown record", apiCall{method: "GET", path: "/v4/records/NOPE/payments", auth: access}, 404, "resource_not_found"},
		{"list: bad paymentStatus", apiCall{method: "GET", path: "/v4/records/R-1/payments?paymentStatus=maybe", auth: access}, 400, "bad_request"},
		{"unknown path", apiCall{method: "GET", path: "/v4/nothing", auth: access}, 404, "resource_not_found"},
		{"wrong verb", apiCall{method: "POST", path: commitPath, body: valid, auth: access}, 404, "resource_not_found"},
	}
	for _, tc := range cases {
		status, out := tc.call.do(t, srv)
		assert.Equal(t, tc.status, status, "%s: %v", tc.name, out)
		assert.Equal(t, tc.code, out["code"], tc.name)
		assert.NotEmpty(t, out["message"], tc.name)
	}
	assert.Empty(t, srv.Ledger())
	assert.Zero(t, srv.Applied(txn))

	status, out := apiCall{method: "PUT", path: commitPath, body: valid, auth: access,
		headers: map[string]string{"x-accela-agency": "tacoma", "x-accela-environment": "test"}}.do(t, srv)
	assert.Equal(t, 200, status, "agency headers are matched without case: %v", out)
	assert.Equal(t, 1, srv.Applied(txn))
	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, accela.Cents(1050), ledger[0].Amount)
	assert.True(t, ledger[0].ConvenienceFee.IsZero())
	assert.Equal(t, "Check", ledger[0].PaymentMethod)
	assert.Equal(t, "p-1", ledger[0].PaymentSystemTransactionID)

	status, out = apiCall{method: "PUT", path: commitPath, body: valid, auth: access}.do(t, srv)
	assert.Equal(t, 400, status)
	assert.Equal(t, "data_validation_error", out["code"])
	assert.Equal(t, "transaction is already committed", out["message"])
	assert.Equal(t, 1, srv.Applied(txn), "a second commit applies nothing")
}

func TestFakeAnswers(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{Agency: "SEATTLE"})
	srv.AddRecord(accelatest.Record{ID: "R-1", CustomID: "C-1"})
	srv.AddRecord(accelatest.Record{ID: "R-2", CustomID: "C-2"})
	form := passwordForm()
	form.Set("agency_name", "SEATTLE")
	_, tok, _ := token(t, srv, form, accelatest.DefaultAppID)
	access := tok["access_token"]

	status, ini := apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1","R-2"],"entityType":"record","paymentMethod":"Credit Card","merchantAccountId":"M"}`, auth: access}.do(t, srv)
	require.Equal(t, 200, status)
	assert.Equal(t, []any{map[string]any{"transactionId": float64(322931)}}, ini["result"], "a number, as Accela's sample shows")

	status, commit := apiCall{method: "PUT", path: "/v4/payments/322931", auth: access,
		body: `{"amount":100.50,"convenienceFee":2.50,"paymentMethod":"Credit Card","paymentSystemTransactionId":"p-1","comments":"c","payeePhone":"1","merchantAccountId":"M",
		"creditCard":{"cardType":"VISA","cardNumberLastDigits":"*4219","holderName":"J","businessName":"B","billingAddress":{"countryCode":"US","city":"Tacoma","addressLine1":"1","addressLine2":"2","addressLine3":"3","postalCode":"98402","state":"WA"}}}`}.do(t, srv)
	require.Equal(t, 200, status, commit)
	assert.Equal(t, map[string]any{"completePayments": []any{
		map[string]any{"receiptId": "322932", "serviceProviderCode": "SEATTLE", "recordId": "R-1", "customId": "C-1", "paymentId": float64(322933), "paymentStatus": "Paid"},
		map[string]any{"receiptId": "322932", "serviceProviderCode": "SEATTLE", "recordId": "R-2", "customId": "C-2", "paymentId": float64(322934), "paymentStatus": "Paid"},
	}}, commit["result"], "the sample's shape: receiptId a string, paymentId a number")

	ledger := srv.Ledger()
	require.Len(t, ledger, 2)
	assert.Equal(t, accelatest.Payment{
		PaymentID: "322933", ReceiptID: "322932", TransactionID: "322931", RecordID: "R-1",
		Amount: accela.Cents(10050), ConvenienceFee: accela.Cents(250), PaymentMethod: "Credit Card",
		PaymentSystemTransactionID: "p-1", CardNumberLastDigits: "*4219", At: ledger[0].At,
	}, ledger[0])
	assert.WithinDuration(t, time.Now(), ledger[0].At, time.Minute)
	assert.Equal(t, 2, srv.Applied("322931"))
	ledger[0].Voided = true
	assert.False(t, srv.Ledger()[0].Voided, "the ledger is a copy")

	status, list := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: access}.do(t, srv)
	require.Equal(t, 200, status)
	items := list["result"].([]any)
	require.Len(t, items, 1)
	p := items[0].(map[string]any)
	assert.Equal(t, "322933", p["id"])
	assert.Equal(t, float64(100.5), p["amount"])
	assert.Equal(t, "322931", p["transactionId"])
	assert.Equal(t, "Paid", p["paymentStatus"])
	assert.Equal(t, map[string]any{"id": "R-1", "customId": "C-1", "serviceProviderCode": "SEATTLE", "value": "R-1"}, p["recordId"])

	status, void := apiCall{method: "PUT", path: "/v4/payments/322933/void", body: `{"comments":"dup","reason":{"text":"Duplicate","value":"DUP"}}`, auth: access}.do(t, srv)
	require.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"id": "322933", "isSuccess": true, "message": "Payment voided."}, void["result"])
	assert.True(t, srv.Ledger()[0].Voided)
	status, void = apiCall{method: "PUT", path: "/v4/payments/322933/void", body: `{}`, auth: access}.do(t, srv)
	assert.Equal(t, 400, status)
	assert.Equal(t, "payment is already voided", void["message"])

	for q, n := range map[string]int{"": 1, "?paymentStatus=Y": 0, "?paymentStatus=N": 1} {
		status, list := apiCall{method: "GET", path: "/v4/records/R-1/payments" + q, auth: access}.do(t, srv)
		require.Equal(t, 200, status)
		assert.Len(t, list["result"], n, q)
	}
	_, list = apiCall{method: "GET", path: "/v4/records/R-1/payments?paymentStatus=N", auth: access}.do(t, srv)
	assert.Equal(t, "Voided", list["result"].([]any)[0].(map[string]any)["paymentStatus"])
}

func TestFakeCompletePaymentsAsObject(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{CompletePaymentsAsObject: true})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	status, out := apiCall{method: "PUT", path: "/v4/payments/" + string(srv.OpenTransaction("R-1")), auth: accessToken(t, srv),
		body: `{"amount":1,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p"}`}.do(t, srv)
	require.Equal(t, 200, status)
	cp, isObject := out["result"].(map[string]any)["completePayments"].(map[string]any)
	require.True(t, isObject, "one object, as the specification declares")
	assert.Equal(t, "Paid", cp["paymentStatus"])

	c, err := accela.New(srv.Config())
	require.NoError(t, err)
	res, err := c.CommitPayment(context.Background(), &accela.CommitPaymentRequest{TransactionID: srv.OpenTransaction("R-1"), Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "p"})
	require.NoError(t, err)
	require.Len(t, res.Payments, 1, "the client reads either shape")
}

func TestFakeSwitchesAndScripts(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	access := accessToken(t, srv)
	body := `{"amount":1,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p"}`
	commit := func(txn accela.ID) (int, map[string]any) {
		return apiCall{method: "PUT", path: "/v4/payments/" + string(txn), body: body, auth: access}.do(t, srv)
	}

	txn := srv.OpenTransaction("R-1")
	srv.SetPaymentEnabled(false)
	status, out := commit(txn)
	assert.Equal(t, 403, status)
	assert.Equal(t, "forbidden", out["code"])
	assert.Zero(t, srv.Applied(txn))
	srv.SetPaymentEnabled(true)

	srv.FailNextScript(accelatest.ScriptBefore)
	srv.FailNextScript(accelatest.ScriptAfter)
	status, out = commit(txn)
	assert.Equal(t, 500, status, "before-script: the commit is cancelled")
	assert.Equal(t, "internal_server_error", out["code"])
	assert.Contains(t, out["message"], "EMSE")
	assert.Zero(t, srv.Applied(txn))
	status, out = commit(txn)
	assert.Equal(t, 200, status, "after-script: applied, with emse_error")
	assert.Equal(t, "emse_error", out["code"])
	assert.Equal(t, "EMSE operation failed.", out["message"])
	assert.NotEmpty(t, out["traceId"])
	assert.NotNil(t, out["result"])
	assert.Equal(t, 1, srv.Applied(txn))
	status, out = commit(srv.OpenTransaction("R-1"))
	assert.Equal(t, 200, status, "scripts fail once each")
	assert.Nil(t, out["code"])
}

func TestFakeReadLag(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	access := accessToken(t, srv)
	srv.SetReadLag(500 * time.Millisecond)
	status, _ := apiCall{method: "PUT", path: "/v4/payments/" + string(srv.OpenTransaction("R-1")), auth: access,
		body: `{"amount":1,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p"}`}.do(t, srv)
	require.Equal(t, 200, status)
	listed := func() int {
		_, out := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: access}.do(t, srv)
		return len(out["result"].([]any))
	}
	assert.Zero(t, listed(), "not visible yet")
	assert.Len(t, srv.Ledger(), 1, "although applied")
	time.Sleep(550 * time.Millisecond)
	assert.Equal(t, 1, listed())
	srv.SetReadLag(0)
	assert.Equal(t, 1, listed())
}

func TestFakeTokens(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	issued := srv.IssueToken()
	assert.Len(t, issued, 40)
	assert.Zero(t, srv.Grants("password"), "issued outside the token endpoint")
	list := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: issued}
	status, _ := list.do(t, srv)
	assert.Equal(t, 200, status)

	_, grant, _ := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	assert.Equal(t, []string{issued, grant["access_token"], grant["refresh_token"]}, srv.IssuedSecrets())

	srv.ExpireTokens()
	for _, tok := range []string{issued, grant["access_token"]} {
		status, out := apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: tok}.do(t, srv)
		assert.Equal(t, 401, status)
		assert.Equal(t, "token_expired", out["code"])
	}
	status, refreshed, _ := token(t, srv, refreshForm(grant["refresh_token"]), accelatest.DefaultAppID)
	require.Equal(t, 200, status, "refresh tokens outlive ExpireTokens")
	status, _ = apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: refreshed["access_token"]}.do(t, srv)
	assert.Equal(t, 200, status)

	srv.RevokeRefreshTokens()
	status, out, _ := token(t, srv, refreshForm(refreshed["refresh_token"]), accelatest.DefaultAppID)
	assert.Equal(t, 400, status)
	assert.Equal(t, "invalid_grant", out["error"])
	status, _ = apiCall{method: "GET", path: "/v4/records/R-1/payments", auth: refreshed["access_token"]}.do(t, srv)
	assert.Equal(t, 200, status, "revoking refresh tokens leaves access tokens alone")
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	srv.AddRecord(accelatest.Record{ID: "R-2"})
	access := accessToken(t, srv)
	body := `{"amount":1,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p"}`
	send := func(c apiCall) (*http.Response, []byte, error) {
		req, _ := http.NewRequest(c.method, srv.URL()+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", access)
		req.Header.Set("x-accela-appid", accelatest.DefaultAppID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}

	t.Run("actions on a commit", func(t *testing.T) {
		cases := []struct {
			fault   accelatest.Fault
			status  int // 0: the connection drops
			body    string
			applied int
		}{
			{accelatest.Fault{Action: accelatest.Refuse}, 503, `"code":"internal_server_error"`, 0},
			{accelatest.Fault{Action: accelatest.Refuse, Status: 429, RetryAfter: "3"}, 429, `"code":"bad_request"`, 0},
			{accelatest.Fault{Action: accelatest.Refuse, Status: 401}, 401, `"code":"unauthorized"`, 0},
			{accelatest.Fault{Action: accelatest.Refuse, Status: 403}, 403, `"code":"forbidden"`, 0},
			{accelatest.Fault{Action: accelatest.Refuse, Status: 404}, 404, `"code":"resource_not_found"`, 0},
			{accelatest.Fault{Action: accelatest.DropBeforeApply}, 0, "", 0},
			{accelatest.Fault{Action: accelatest.DropAfterApply}, 0, "", 1},
			{accelatest.Fault{Action: accelatest.FailAfterApply}, 500, `"code":"internal_server_error"`, 1},
			{accelatest.Fault{Action: accelatest.GarbleAfterApply}, 200, `{"result": [{"id": 1, "stat`, 1},
			{accelatest.Fault{Action: accelatest.EmptyAfterApply}, 200, `{}`, 1},
		}
		for _, tc := range cases {
			txn := srv.OpenTransaction("R-1")
			f := tc.fault
			f.Endpoint, f.Key = accelatest.EndpointCommit, string(txn)
			srv.Inject(f)
			resp, b, err := send(apiCall{method: "PUT", path: "/v4/payments/" + string(txn), body: body})
			if tc.status == 0 {
				assert.Error(t, err, "%+v", tc.fault)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.status, resp.StatusCode, "%+v", tc.fault)
				assert.Contains(t, string(b), tc.body)
				assert.Equal(t, tc.fault.RetryAfter, resp.Header.Get("Retry-After"))
				if tc.status >= 400 {
					assert.NotEmpty(t, resp.Header.Get("X-Accela-Traceid"))
				}
			}
			assert.Equal(t, tc.applied, srv.Applied(txn), "%+v", tc.fault)
			assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointCommit, string(txn)))
		}
	})
	t.Run("keys per endpoint", func(t *testing.T) {
		txn := srv.OpenTransaction("R-2")
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointInitialize, Key: "R-2", Action: accelatest.Refuse})
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn), Skip: 1, Times: 2, Action: accelatest.Refuse, Status: 502})
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Key: "R-2", Action: accelatest.Refuse, Status: 500})
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointToken, Key: "refresh_token", Action: accelatest.Refuse, Status: 500})

		resp, _, err := send(apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1","R-2"],"entityType":"record"}`})
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode, "an initialize is keyed by its first record")
		resp, _, err = send(apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-2"],"entityType":"record"}`})
		require.NoError(t, err)
		assert.Equal(t, 503, resp.StatusCode)
		assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointInitialize, "R-2"))
		assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointInitialize, "R-1"))

		// The commit fault lets one call through (a 400, bad body), then hits two.
		var statuses []int
		for _, b := range []string{`{}`, body, body, body} {
			resp, _, err := send(apiCall{method: "PUT", path: "/v4/payments/" + string(txn), body: b})
			require.NoError(t, err)
			statuses = append(statuses, resp.StatusCode)
		}
		assert.Equal(t, []int{400, 502, 502, 200}, statuses)
		assert.Equal(t, 4, srv.CallsFor(accelatest.EndpointCommit, string(txn)))
		assert.Equal(t, 1, srv.Applied(txn))

		resp, _, err = send(apiCall{method: "GET", path: "/v4/records/R-1/payments"})
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode, "a list is keyed by its record")
		resp, _, err = send(apiCall{method: "GET", path: "/v4/records/R-2/payments"})
		require.NoError(t, err)
		assert.Equal(t, 500, resp.StatusCode)

		status, _, _ := token(t, srv, passwordForm(), accelatest.DefaultAppID)
		assert.Equal(t, 200, status, "a password grant is keyed by its user name")
		status, out, _ := token(t, srv, refreshForm("whatever"), accelatest.DefaultAppID)
		assert.Equal(t, 500, status, "a refresh grant by its grant type")
		assert.Equal(t, "server_error", out["error"], "token faults answer in the OAuth shape")
		assert.Equal(t, 2, srv.CallsFor(accelatest.EndpointToken, accelatest.DefaultUserName))
		assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointToken, "refresh_token"))
		assert.Equal(t, 3, srv.Calls(accelatest.EndpointToken))

		pid := srv.Ledger()[len(srv.Ledger())-1].PaymentID
		srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointVoid, Key: string(pid), Action: accelatest.FailAfterApply})
		srv.Inject(accelatest.Fault{Action: accelatest.Refuse, Status: 504, Times: accelatest.Forever})
		resp, _, err = send(apiCall{method: "PUT", path: "/v4/payments/" + string(pid) + "/void", body: `{}`})
		require.NoError(t, err)
		assert.Equal(t, 500, resp.StatusCode, "faults are taken in the order injected")
		assert.True(t, srv.Ledger()[len(srv.Ledger())-1].Voided, "applied before failing")
		resp, _, err = send(apiCall{method: "GET", path: "/v4/records/R-1/payments"})
		require.NoError(t, err)
		assert.Equal(t, 504, resp.StatusCode, "no endpoint: any call")
		status, _, _ = token(t, srv, passwordForm(), accelatest.DefaultAppID)
		assert.Equal(t, 504, status)
		srv.ClearFaults()
		resp, _, err = send(apiCall{method: "GET", path: "/v4/records/R-1/payments"})
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointVoid, string(pid)))
	})
}

func TestFakeTLS(t *testing.T) {
	t.Parallel()
	srv := start(t, accelatest.Options{TLS: true})
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	require.NotNil(t, srv.CertPool())
	assert.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"))
	assert.True(t, strings.HasSuffix(srv.URL(), accelatest.APIPath))
	assert.True(t, strings.HasSuffix(srv.TokenURL(), accelatest.TokenPath))
	assert.Equal(t, strings.TrimSuffix(srv.URL(), accelatest.APIPath), strings.TrimSuffix(srv.TokenURL(), accelatest.TokenPath))

	_, err := http.Post(srv.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader(passwordForm().Encode()))
	var verr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &verr, "not trusted by default")

	c, err := accela.New(srv.Config(), accela.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		rt.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
		return rt
	}))
	require.NoError(t, err)
	res, err := c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{"R-1"}})
	require.NoError(t, err)
	assert.NotEmpty(t, res.TransactionID)
	assert.Equal(t, 1, srv.Grants("password"))

	plain := start(t, accelatest.Options{})
	assert.Nil(t, plain.CertPool())
}

func TestFakeConfigAndConnections(t *testing.T) {
	t.Parallel()
	opts := accelatest.Options{AppID: "a", AppSecret: "s", UserName: "u", Password: "p", Agency: "SEATTLE", AgencyEnvironment: "PROD"}
	srv := accelatest.NewServer(opts)
	assert.Equal(t, accela.Config{
		BaseURL: srv.URL(), TokenURL: srv.TokenURL(), AppID: "a", AppSecret: "s",
		Agency: "SEATTLE", AgencyEnvironment: "PROD", UserName: "u", Password: "p",
	}, srv.Config())
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	c, err := accela.New(srv.Config())
	require.NoError(t, err)
	assert.Zero(t, srv.NewConns())
	for range 3 {
		_, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), srv.NewConns(), "the token endpoint and the API share a host and a connection")
	assert.Equal(t, 3, srv.Calls(accelatest.EndpointListPayments))
	assert.Equal(t, 3, srv.CallsFor(accelatest.EndpointListPayments, "R-1"))
	srv.Close()
	_, err = http.Get(srv.URL() + "/v4/records/R-1/payments")
	assert.Error(t, err, "closed")
}
