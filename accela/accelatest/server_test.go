package accelatest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func token(t *testing.T, srv *accelatest.Server, form url.Values, appID string) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-accela-appid", appID)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func passwordForm() url.Values {
	return url.Values{
		"grant_type": {"password"}, "client_id": {accelatest.DefaultAppID}, "client_secret": {accelatest.DefaultAppSecret},
		"username": {accelatest.DefaultUserName}, "password": {accelatest.DefaultPassword}, "scope": {"payments"},
		"agency_name": {accelatest.DefaultAgency}, "environment": {accelatest.DefaultEnvironment},
	}
}

func TestFakeTokenEndpoint(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	status, out := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	require.Equal(t, 200, status)
	assert.Equal(t, "900", out["expires_in"], "a string, as Accela sends it")
	assert.NotEmpty(t, out["access_token"])

	refreshForm := url.Values{"grant_type": {"refresh_token"}, "client_id": {accelatest.DefaultAppID},
		"client_secret": {accelatest.DefaultAppSecret}, "refresh_token": {out["refresh_token"]}}
	status, refreshed := token(t, srv, refreshForm, accelatest.DefaultAppID)
	require.Equal(t, 200, status)
	assert.NotEqual(t, out["access_token"], refreshed["access_token"])
	assert.NotEqual(t, out["refresh_token"], refreshed["refresh_token"])
	assert.Equal(t, 1, srv.Grants("refresh_token"))
	status, again := token(t, srv, refreshForm, accelatest.DefaultAppID)
	assert.Equal(t, 400, status, "a refresh token works once")
	assert.Equal(t, "invalid_grant", again["error"])

	for name, tc := range map[string]struct {
		mutate func(url.Values)
		appID  string
		status int
		code   string
	}{
		"wrong app id header": {func(url.Values) {}, "other", 401, "unauthorized_client"},
		"wrong secret":        {func(f url.Values) { f.Set("client_secret", "x") }, accelatest.DefaultAppID, 401, "invalid_client"},
		"wrong password":      {func(f url.Values) { f.Set("password", "x") }, accelatest.DefaultAppID, 400, "invalid_grant"},
		"no scope":            {func(f url.Values) { f.Del("scope") }, accelatest.DefaultAppID, 400, "invalid_scope"},
		"other agency":        {func(f url.Values) { f.Set("agency_name", "SEATTLE") }, accelatest.DefaultAppID, 400, "invalid_request"},
		"unknown grant":       {func(f url.Values) { f.Set("grant_type", "client_credentials") }, accelatest.DefaultAppID, 400, "unsupported_grant_type"},
		"reused refresh": {func(f url.Values) {
			f.Set("grant_type", "refresh_token")
			f.Set("refresh_token", "never-issued")
		}, accelatest.DefaultAppID, 400, "invalid_grant"},
	} {
		form := passwordForm()
		tc.mutate(form)
		status, out := token(t, srv, form, tc.appID)
		assert.Equal(t, tc.status, status, name)
		assert.Equal(t, tc.code, out["error"], name)
	}

	resp, err := http.Post(srv.TokenURL(), "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode, "the token endpoint takes a form")
}

type apiCall struct {
	method, path, body, auth string
	headers                  map[string]string
}

func (c apiCall) do(t *testing.T, srv *accelatest.Server) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(c.method, srv.URL()+c.path, strings.NewReader(c.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("x-accela-appid", accelatest.DefaultAppID)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	if resp.StatusCode >= 400 {
		assert.NotEmpty(t, resp.Header.Get("x-accela-traceid"))
	}
	return resp.StatusCode, out
}

func TestFakeAPIIsStrict(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	_, tok := token(t, srv, passwordForm(), accelatest.DefaultAppID)
	access := tok["access_token"]

	status, out := apiCall{method: "POST", path: "/v4/payments/initialize", body: `{"entityIds":["R-1"],"entityType":"record"}`, auth: access}.do(t, srv)
	require.Equal(t, 200, status, out)
	txn := out["result"].([]any)[0].(map[string]any)["transactionId"].(float64)
	commitPath := fmt.Sprintf("/v4/payments/%d", int64(txn))
	valid := `{"amount":10.5,"convenienceFee":0,"paymentMethod":"Check","paymentSystemTransactionId":"p-1"}`

	cases := []struct {
		name   string
		call   apiCall
		status int
		code   string
	}{
		{"no token", apiCall{method: "PUT", path: commitPath, body: valid}, 401, "no_token"},
		{"Bearer prefix", apiCall{method: "PUT", path: commitPath, body: valid, auth: "Bearer " + access}, 401, "invalid_token"},
		{"unknown token", apiCall{method: "PUT", path: commitPath, body: valid, auth: "nope"}, 401, "invalid_token"},
		{"wrong agency", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-agency": "SEATTLE"}}, 401, "unauthorized"},
		{"wrong app", apiCall{method: "PUT", path: commitPath, body: valid, auth: access, headers: map[string]string{"x-accela-appid": "other"}}, 401, "unauthorized_app"},
		{"amount as string (the sample's way)", apiCall{method: "PUT", path: commitPath, body: strings.Replace(valid, "10.5", `"10.5"`, 1), auth: access}, 400, "data_validation_error"},
		{"zero amount", apiCall{method: "PUT", path: commitPath, body: strings.Replace(valid, "10.5", "0", 1), auth: access}, 400, "data_validation_error"},
		{"unknown field", apiCall{method: "PUT", path: commitPath, body: strings.Replace(valid, "{", `{"cardNumber":"4111111111111111",`, 1), auth: access}, 400, "bad_request"},
		{"full card number", apiCall{method: "PUT", path: commitPath, body: strings.Replace(valid, "{", `{"creditCard":{"cardType":"VISA","cardNumberLastDigits":"4111111111111111"},`, 1), auth: access}, 400, "data_validation_error"},
		{"address without country", apiCall{method: "PUT", path: commitPath, body: strings.Replace(valid, "{", `{"creditCard":{"cardType":"VISA","billingAddress":{"city":"Tacoma"}},`, 1), auth: access}, 400, "data_validation_error"},
		{"unknown transaction", apiCall{method: "PUT", path: "/v4/payments/999", body: valid, auth: access}, 404, "resource_not_found"},
		{"unknown record list", apiCall{method: "GET", path: "/v4/records/NOPE/payments", auth: access}, 404, "resource_not_found"},
		{"unknown path", apiCall{method: "GET", path: "/v4/nothing", auth: access}, 404, "resource_not_found"},
	}
	for _, tc := range cases {
		status, out := tc.call.do(t, srv)
		assert.Equal(t, tc.status, status, tc.name)
		assert.Equal(t, tc.code, out["code"], tc.name)
	}
	assert.Empty(t, srv.Ledger())

	status, _ = apiCall{method: "PUT", path: commitPath, body: valid, auth: access}.do(t, srv)
	assert.Equal(t, 200, status)
	assert.Len(t, srv.Ledger(), 1)
}
