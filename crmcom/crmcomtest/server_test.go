package crmcomtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw sends one request to the fake and returns the HTTP status and the
// envelope's status code.
func raw(t *testing.T, method, u, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var env struct {
		Status struct {
			Code string `json:"code"`
		} `json:"status"`
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &env), string(b))
	if env.Data.Token != "" {
		return resp.StatusCode, env.Status.Code + " " + env.Data.Token
	}
	return resp.StatusCode, env.Status.Code
}

func login(t *testing.T, srv *crmcomtest.Server) string {
	t.Helper()
	status, got := raw(t, "POST", srv.URL()+"/authentication/token", "application/json",
		`{"username":"JackH","password":"fake-password","organisation":"Main Organisation"}`)
	require.Equal(t, 200, status)
	code, token, _ := strings.Cut(got, " ")
	require.Equal(t, "OK", code)
	return token
}

// The fake refuses what a strict CRM.COM would, with an envelope.
func TestFakeIsStrict(t *testing.T) {
	t.Parallel()
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(5000)})
	srv.AddBill(crmcomtest.Bill{Account: "192", Number: "B-1", Amount: crmcom.Cents(5000)})
	token := login(t, srv)
	pay := func(extra string) string {
		return `{"token":"` + token + `","accounts_receivable_identifier":{"number":"192"},` +
			`"type_identifier":{"name":"Invoices Balance Payment"},"payment_method_identifier":{"name":"Direct Debit"},` +
			`"invoice_identifier":{"number":"I-1"}` + extra + `}`
	}
	create := func(amount string) string {
		return `{"token":"` + token + `","accounts_receivable_identifier":{"number":"192"},"type_identifier":{"name":"Payment 1"},` +
			`"life_cycle_state":"DRAFT","payment_method_identifier":{"name":"Bank Transfer"},"payment_amount":` + amount + `}`
	}
	for _, tc := range []struct {
		name, method, path, contentType, body, want string
	}{
		{"login without organisation", "POST", "/authentication/token", "application/json", `{"username":"JackH","password":"fake-password"}`, "MANDATORY_PARAMETER_MISSING"},
		{"login with a wrong password", "POST", "/authentication/token", "application/json", `{"username":"JackH","password":"x","organisation":"Main Organisation"}`, "INVALID_CREDENTIALS"},
		{"login with an unknown field", "POST", "/authentication/token", "application/json", `{"user":"JackH"}`, "INVALID_REQUEST"},
		{"login in a form", "POST", "/authentication/token", "application/x-www-form-urlencoded", `username=JackH`, "INVALID_REQUEST"},
		{"login with another unit", "POST", "/authentication/token", "application/json", `{"username":"JackH","password":"fake-password","organisation":"Main Organisation","unit":"Other"}`, "INVALID_UNIT"},
		{"key login without the key", "POST", "/authentication/web_api_key/token", "", ``, "INVALID_CREDENTIALS"},
		{"release of an unknown token", "POST", "/authentication/token/release", "application/json", `{"token":"nope"}`, "INVALID_TOKEN"},
		{"pay without a token", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), `"token":"`+token+`",`, "", 1), "INVALID_TOKEN"},
		{"pay as text/plain", "POST", "/payments/pay_invoice", "text/plain", pay(""), "INVALID_REQUEST"},
		{"pay with an unknown field", "POST", "/payments/pay_invoice", "application/json", pay(`,"amount":5`), "INVALID_REQUEST"},
		{"pay with trailing data", "POST", "/payments/pay_invoice", "application/json", pay("") + `{}`, "INVALID_REQUEST"},
		{"pay naming a bill", "POST", "/payments/pay_invoice", "application/json", pay(`,"bill_identifier":{"number":"B-1"}`), "INVALID_REQUEST"},
		{"pay as DRAFT", "POST", "/payments/pay_invoice", "application/json", pay(`,"life_cycle_state":"DRAFT"`), "INVALID_PARAMETER"},
		{"pay with two invoice fields", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), `{"number":"I-1"}`, `{"number":"I-1","id":"x"}`, 1), "INVALID_PARAMETER"},
		{"pay with an unknown identifier field", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), `{"number":"I-1"}`, `{"code":"I-1"}`, 1), "INVALID_PARAMETER"},
		{"pay with a numeric identifier", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), `{"number":"192"}`, `{"number":192}`, 1), "INVALID_REQUEST"},
		{"pay with a cancellation type", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), "Invoices Balance Payment", "Payment Cancellation", 1), "INVALID_PARAMETER"},
		{"pay by gateway without a card", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), "Direct Debit", "Stripe Payment Gateway", 1), "MANDATORY_PARAMETER_MISSING"},
		{"pay with a card and no gateway", "POST", "/payments/pay_invoice", "application/json", pay(`,"card_identifier":{"id":"1"}`), "INVALID_PARAMETER"},
		{"pay with a bad date", "POST", "/payments/pay_invoice", "application/json", pay(`,"received_on":"14/07/2014"`), "INVALID_PARAMETER"},
		{"pay with a quoted float", "POST", "/payments/pay_invoice", "application/json", pay(`,"udf_float_1":"10"`), "INVALID_PARAMETER"},
		{"pay of another account's invoice", "POST", "/payments/pay_invoice", "application/json", strings.Replace(pay(""), `"192"`, `"186"`, 1), "NOT_FOUND"},
		{"pay_bill naming an invoice", "POST", "/payments/pay_bill", "application/json", pay(""), "INVALID_REQUEST"},
		{"create with 3 decimals", "POST", "/payments/create", "application/json", create(`1.005`), "INVALID_PARAMETER"},
		{"create with nothing", "POST", "/payments/create", "application/json", create(`0`), "INVALID_PARAMETER"},
		{"create with no amount", "POST", "/payments/create", "application/json", create(`null`), "MANDATORY_PARAMETER_MISSING"},
		{"create with a word", "POST", "/payments/create", "application/json", create(`"ten"`), "INVALID_PARAMETER"},
		{"create with the sample's quoted amount", "POST", "/payments/create", "application/json", create(`"50"`), "OK"},
		{"create in another state", "POST", "/payments/create", "application/json", strings.Replace(create("1"), "DRAFT", "REJECTED", 1), "INVALID_PARAMETER"},
		{"post with a reason", "POST", "/payments/post", "application/json", `{"token":"` + token + `","payment_identifier":{"id":"x"},"rejection_reason_identifier":{"id":"R1"}}`, "INVALID_REQUEST"},
		{"reject without a reason", "POST", "/payments/reject", "application/json", `{"token":"` + token + `","payment_identifier":{"id":"x"}}`, "MANDATORY_PARAMETER_MISSING"},
		{"cancel without a type", "POST", "/payments/cancel", "application/json", `{"token":"` + token + `","payment_identifier":{"id":"x"}}`, "MANDATORY_PARAMETER_MISSING"},
		{"show with an unknown parameter", "GET", "/payments/show?token=" + token + "&payment_identifier=id%3Dx&colour=red", "", "", "INVALID_REQUEST"},
		{"show with a parameter twice", "GET", "/payments/show?token=" + token + "&payment_identifier=id%3Dx&payment_identifier=id%3Dy", "", "", "INVALID_REQUEST"},
		{"show without a token", "GET", "/payments/show?payment_identifier=id%3Dx", "", "", "INVALID_TOKEN"},
		{"show with a bare identifier", "GET", "/payments/show?token=" + token + "&payment_identifier=x", "", "", "INVALID_PARAMETER"},
		{"show with an unknown field", "GET", "/payments/show?token=" + token + "&payment_identifier=id%3Dx&fields_set=colour", "", "", "INVALID_PARAMETER"},
		{"get_latest without number", "GET", "/payments/get_latest?token=" + token + "&accounts_receivable_identifier=number%3D192", "", "", "MANDATORY_PARAMETER_MISSING"},
		{"get_latest of none", "GET", "/payments/get_latest?token=" + token + "&accounts_receivable_identifier=number%3D192&number=0", "", "", "INVALID_PARAMETER"},
		{"list with a negative offset", "GET", "/payments/list?token=" + token + "&accounts_receivable_identifier=number%3D192&offset=-1", "", "", "INVALID_PARAMETER"},
		{"list of an unknown account", "GET", "/payments/list?token=" + token + "&accounts_receivable_identifier=number%3D999", "", "", "NOT_FOUND"},
		{"an unknown method", "GET", "/payments/delete", "", "", "NOT_FOUND"},
	} {
		status, code := raw(t, tc.method, srv.URL()+tc.path, tc.contentType, tc.body)
		if tc.name == "an unknown method" {
			assert.Equal(t, 404, status)
		} else {
			assert.Equal(t, 200, status, tc.name)
		}
		assert.Equal(t, tc.want, code, tc.name)
	}
	assert.Len(t, srv.Ledger(), 1, "only the sample's quoted amount was applied")
	left, _ := srv.Outstanding("I-1")
	assert.Equal(t, "50.00", left.String())
}

func TestFakeWebAPIKeyLogin(t *testing.T) {
	t.Parallel()
	srv := crmcomtest.NewServer(crmcomtest.Options{WebAPIKey: "k-1"})
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL()+"/authentication/web_api_key/token", strings.NewReader("{}"))
	req.SetBasicAuth("k-1", "")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), `"INVALID_REQUEST"`, "no body")

	req, _ = http.NewRequest("POST", srv.URL()+"/authentication/web_api_key/token", nil)
	req.SetBasicAuth("k-1", "")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), `"code":"OK"`)
	assert.Equal(t, 1, srv.Logins())
}

// Options.RefusalStatus moves refusals off HTTP 200.
func TestFakeRefusalStatus(t *testing.T) {
	t.Parallel()
	srv := crmcomtest.NewServer(crmcomtest.Options{RefusalStatus: 400})
	defer srv.Close()
	status, code := raw(t, "GET", srv.URL()+"/payments/show?"+url.Values{"token": {"nope"}}.Encode(), "", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "INVALID_TOKEN", code)
}

// A JWT the fake issues ends at its exp; an opaque token after its idle
// time.
func TestFakeTokensEnd(t *testing.T) {
	t.Parallel()
	srv := crmcomtest.NewServer(crmcomtest.Options{JWT: true})
	defer srv.Close()
	token := login(t, srv)
	assert.Equal(t, 2, strings.Count(token, "."), "a JWT")
	assert.Equal(t, 1, srv.LiveTokens())
	srv.SetTokenLifetime(-1)
	login(t, srv)
	assert.Equal(t, 1, srv.LiveTokens(), "the second is born expired")
	assert.Equal(t, []string{token}, srv.IssuedSecrets()[:1])
}
