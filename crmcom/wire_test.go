package crmcom_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The partner document's sample requests, as Go requests.

func docPayInvoice() *crmcom.PayInvoiceRequest {
	return &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		LifeCycleState:     crmcom.Posted,
		Type:               crmcom.TypeIdentifier{Name: "Invoices Balance Payment"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Direct Debit"},
		Category:           crmcom.CategoryIdentifier{Name: "Invoice Payments"},
		Invoice:            crmcom.InvoiceIdentifier{ReferenceNumber: "328"},
		ReceivedOn:         time.Date(2014, 7, 14, 9, 12, 54, 0, time.UTC),
		ReceivedByUser:     crmcom.UserIdentifier{Username: "JackH"},
		ReceivedByUnit:     crmcom.UnitIdentifier{Name: "Admin Unit"},
	}
}

func docPayBill() *crmcom.PayBillRequest {
	return &crmcom.PayBillRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "186"},
		LifeCycleState:     crmcom.Posted,
		Type:               crmcom.TypeIdentifier{Name: "Invoices Balance Payment"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Direct Debit"},
		Category:           crmcom.CategoryIdentifier{Name: "Bill Payments"},
		Bill:               crmcom.BillIdentifier{Number: "128"},
		ReceivedOn:         time.Date(2014, 7, 14, 9, 12, 54, 0, time.UTC),
		ReceivedByUser:     crmcom.UserIdentifier{Username: "JackH"},
		ReceivedByUnit:     crmcom.UnitIdentifier{Name: "Admin Unit"},
	}
}

func docCreate(t testing.TB) *crmcom.CreatePaymentRequest {
	day := func(m time.Month) time.Time { return time.Date(2014, m, 5, 15, 49, 59, 0, time.UTC) }
	return &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "200"},
		Type:               crmcom.TypeIdentifier{Name: "Payment 1"},
		LifeCycleState:     crmcom.Posted,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Stripe Payment Gateway"},
		Card:               crmcom.CardIdentifier{PaymentGatewayReferenceNumber: "card_15S0w0E0IcJRGs11e6ffmDXK"},
		PaymentAmount:      mustAmount(t, "50"),
		ReceivedOn:         time.Date(2015, 3, 2, 9, 12, 54, 0, time.UTC),
		ReceivedByUser:     crmcom.UserIdentifier{Username: "mpadministrator"},
		ReceivedByUnit:     crmcom.UnitIdentifier{Name: "Admin Unit"},
		Description:        "Payment",
		Notes:              "Payment note",
		UserDefinedFields: crmcom.UserDefinedFields{
			UDFString1: "udf string 1", UDFString2: "udf string 2", UDFString3: "udf string 3", UDFString4: "udf string 4",
			UDFString5: "udf string 5", UDFString6: "udf string 6", UDFString7: "udf string 7", UDFString8: "udf string 8",
			UDFFloat1: "10", UDFFloat2: "20", UDFFloat3: "30", UDFFloat4: "40",
			UDFDate1: day(5), UDFDate2: day(6), UDFDate3: day(7), UDFDate4: day(8),
		},
		BillsToPay: []crmcom.BillIdentifier{{Number: "163"}},
	}
}

func docCancel() *crmcom.CancelPaymentRequest {
	return &crmcom.CancelPaymentRequest{
		Payment:  crmcom.PaymentIdentifier{ReferenceNumber: "117"},
		Type:     crmcom.TypeIdentifier{Name: "Payment Cancellation"},
		Category: crmcom.CategoryIdentifier{Name: "Cancellation Because of Mistake"},
	}
}

// assertPOST checks what every POST must look like: JSON in and out, the
// token in the body only.
func assertPOST(t *testing.T, r seen, token string) {
	t.Helper()
	assert.Equal(t, http.MethodPost, r.method)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "datapump/"), r.header.Get("User-Agent"))
	assert.Empty(t, r.url.RawQuery, "no query on a POST")
	assert.Empty(t, r.header.Get("Authorization"), "the token is never a header")
	for name, vs := range r.header {
		for _, v := range vs {
			assert.NotContains(t, v, token, "header %s carries the token", name)
		}
	}
	var body struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal(r.body, &body))
	assert.Equal(t, token, body.Token, "the token is the body's token field")
}

func TestWireLogin(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	require.NoError(t, c.Login(context.Background()))
	r := m.last(t, http.MethodPost, "/authentication/token")
	assert.Equal(t, "/crmapi/rest/v2/authentication/token", r.url.Path)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Empty(t, r.header.Get("Authorization"))
	assert.Equal(t, `{"username":"JackH","password":"`+docPassword+`","organisation":"Main Organisation"}`, string(r.body))

	require.NoError(t, c.Login(context.Background()), "a token is held: nothing sent")
	assert.Len(t, m.requests(http.MethodPost, "/authentication/token"), 1)

	cfg := docConfig()
	cfg.Unit = "Admin Unit"
	m2 := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
	m2.on(http.MethodPost, "/authentication/token", 200, envelope("OK", `{"token":"T-2"}`))
	c2, err := crmcom.New(cfg, crmcom.WithHTTPClient(&http.Client{Transport: m2.mock}))
	require.NoError(t, err)
	require.NoError(t, c2.Login(context.Background()))
	assert.Equal(t, `{"username":"JackH","password":"`+docPassword+`","organisation":"Main Organisation","unit":"Admin Unit"}`,
		string(m2.last(t, http.MethodPost, "/authentication/token").body))
}

func TestWireWebAPIKeyLogin(t *testing.T) {
	t.Parallel()
	m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
	m.on(http.MethodPost, "/authentication/web_api_key/token", 200, envelope("OK", `{"token":"`+docToken+`"}`))
	c, err := crmcom.New(crmcom.Config{BaseURL: docBase, WebAPIKey: "key-3f9a1c"}, crmcom.WithHTTPClient(&http.Client{Transport: m.mock}))
	require.NoError(t, err)
	require.NoError(t, c.Login(context.Background()))
	r := m.last(t, http.MethodPost, "/authentication/web_api_key/token")
	user, pass, ok := (&http.Request{Header: r.header}).BasicAuth()
	require.True(t, ok, "HTTP Basic")
	assert.Equal(t, "key-3f9a1c", user, "the key is the Basic user")
	assert.Empty(t, pass, "with an empty password")
	assert.Empty(t, r.body, "no body")
	assert.Empty(t, r.header.Get("Content-Type"))
}

func TestWireCreatePaymentMatchesTheDocument(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docCreateToken)
	m.on(http.MethodPost, "/payments/create", 200, fixture(t, "create-response.json"))
	req := docCreate(t)
	req.ReferenceUDF = 1 // for settling only: the body stays the document's
	res, err := c.CreatePayment(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, crmcom.ID("BF2392E94DB88F496656F6AFE860A673"), res.ID)

	r := m.last(t, http.MethodPost, "/payments/create")
	assert.Equal(t, "/crmapi/rest/v2/payments/create", r.url.Path)
	assertPOST(t, r, docCreateToken)
	// The corrected sample (testdata/README.md): the same keys, in the same
	// order, and payment_amount a JSON number.
	assert.JSONEq(t, string(fixture(t, "create-request.json")), string(r.body))
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(fixture(t, "create-request.json"))))
	_, _ = dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	last := -1
	for _, k := range keys {
		i := strings.Index(string(r.body), `"`+k+`":`)
		require.GreaterOrEqual(t, i, 0, k)
		assert.Greater(t, i, last, "key %s out of the document's order", k)
		last = i
	}
	assert.Contains(t, string(r.body), `"payment_amount":50.00,`, "an exact JSON number, never a string")
}

func TestWirePayInvoiceMatchesTheDocument(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/pay_invoice", 200, fixture(t, "pay-invoice-response.json"))
	_, err := c.PayInvoice(context.Background(), docPayInvoice())
	require.NoError(t, err)
	r := m.last(t, http.MethodPost, "/payments/pay_invoice")
	assert.Equal(t, "/crmapi/rest/v2/payments/pay_invoice", r.url.Path)
	assertPOST(t, r, docToken)
	assert.Equal(t, compact(t, fixture(t, "pay-invoice-request.json")), string(r.body), "byte for byte")
}

func TestWirePayBillMatchesTheDocument(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/pay_bill", 200, fixture(t, "pay-bill-response.json"))
	_, err := c.PayBill(context.Background(), docPayBill())
	require.NoError(t, err)
	r := m.last(t, http.MethodPost, "/payments/pay_bill")
	assertPOST(t, r, docToken)
	assert.Equal(t, compact(t, fixture(t, "pay-bill-request.json")), string(r.body))
}

func TestWireLifeCycleCallsMatchTheDocument(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/post", 200, fixture(t, "post-response.json"))
	m.on(http.MethodPost, "/payments/reject", 200, fixture(t, "reject-response.json"))
	m.on(http.MethodPost, "/payments/cancel", 200, fixture(t, "cancel-response.json"))
	ctx := context.Background()

	_, err := c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: crmcom.PaymentIdentifier{ReferenceNumber: "117"}})
	require.NoError(t, err)
	_, err = c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{
		Payment:         crmcom.PaymentIdentifier{ReferenceNumber: "118"},
		RejectionReason: crmcom.RejectionReasonIdentifier{Name: "Reject Due to Business Request"},
	})
	require.NoError(t, err)
	_, err = c.CancelPayment(ctx, docCancel())
	require.NoError(t, err)

	for path, sample := range map[string]string{
		"/payments/post": "post-request.json", "/payments/reject": "reject-request.json", "/payments/cancel": "cancel-request.json",
	} {
		r := m.last(t, http.MethodPost, path)
		assert.Equal(t, "/crmapi/rest/v2"+path, r.url.Path)
		assertPOST(t, r, docToken)
		assert.Equal(t, compact(t, fixture(t, sample)), string(r.body), path)
	}
}

func TestWireOptionalFieldsAndUserDefinedFields(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/pay_invoice", 200, fixture(t, "pay-invoice-response.json"))
	m.on(http.MethodPost, "/payments/cancel", 200, fixture(t, "cancel-response.json"))
	m.on(http.MethodPost, "/payments/create", 200, fixture(t, "create-response.json"))
	ctx := context.Background()

	_, err := c.PayInvoice(ctx, &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{ID: "2C5FC6F615FA9E798487AC0C293ECCE6"},
		Invoice:            crmcom.InvoiceIdentifier{ID: "176AB06AE6DBFDB103182C67C68A2A8B"},
		Type:               crmcom.TypeIdentifier{AlternativeCode: "INVBALPAY"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{ID: "PM7"},
		Card:               crmcom.CardIdentifier{ID: "C-1"},
		Notes:              "paid at the counter",
		UserDefinedFields:  crmcom.UserDefinedFields{UDFString8: "ref-42", UDFFloat4: "-2.5e3", UDFDate1: time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"token":"`+docToken+`","accounts_receivable_identifier":{"id":"2C5FC6F615FA9E798487AC0C293ECCE6"},`+
		`"type_identifier":{"alternative_code":"INVBALPAY"},"payment_method_identifier":{"id":"PM7"},`+
		`"invoice_identifier":{"id":"176AB06AE6DBFDB103182C67C68A2A8B"},"card_identifier":{"id":"C-1"},`+
		`"notes":"paid at the counter","udf_string_8":"ref-42","udf_float_4":-2.5e3,"udf_date_1":"2024-02-29T23:59:59"}`,
		string(m.last(t, http.MethodPost, "/payments/pay_invoice").body), "optional fields left out when empty")

	_, err = c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{
		Payment: crmcom.PaymentIdentifier{BackOfficeCode: "BO-7"}, Type: crmcom.TypeIdentifier{ID: "T-9"},
		Notes: "duplicate", IssueReason: "customer asked", UserDefinedFields: crmcom.UserDefinedFields{UDFString1: "x"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"token":"`+docToken+`","payment_identifier":{"back_office_code":"BO-7"},"type_identifier":{"id":"T-9"},`+
		`"notes":"duplicate","issue_reason":"customer asked","udf_string_1":"x"}`,
		string(m.last(t, http.MethodPost, "/payments/cancel").body))

	m.on(http.MethodPost, "/payments/create", 200, envelope("OK", `{"id":"D1","life_cycle_state":"DRAFT","number":null,"reference_number":"7"}`))
	res, err := c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Name: "Peter Johnson Premium"},
		Type:               crmcom.TypeIdentifier{Name: "Payment 1"}, LifeCycleState: crmcom.Draft,
		PaymentMethod: crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"}, PaymentAmount: mustAmount(t, "0.05"),
		InvoicesToPay: []crmcom.InvoiceIdentifier{{Number: "I00000294"}, {ReferenceNumber: "322"}},
	})
	require.NoError(t, err)
	assert.Equal(t, crmcom.Draft, res.LifeCycleState)
	assert.Empty(t, res.Number, "a draft has no number yet (null)")
	assert.Equal(t, `{"token":"`+docToken+`","accounts_receivable_identifier":{"name":"Peter Johnson Premium"},`+
		`"type_identifier":{"name":"Payment 1"},"life_cycle_state":"DRAFT","payment_method_identifier":{"name":"Bank Transfer"},`+
		`"payment_amount":0.05,"invoices_to_pay_set":[{"invoice_identifier":{"number":"I00000294"}},{"invoice_identifier":{"reference_number":"322"}}]}`,
		string(m.last(t, http.MethodPost, "/payments/create").body))

	m.on(http.MethodPost, "/payments/create", 200, fixture(t, "create-response.json"))
	_, err = c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "200"}, Type: crmcom.TypeIdentifier{Name: "Payment 1"},
		LifeCycleState: crmcom.Draft, PaymentMethod: crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"}, PaymentAmount: crmcom.Cents(5000),
	})
	assert.ErrorIs(t, err, crmcom.ErrOutcomeUnknown, "a DRAFT create answered with a POSTED payment does not confirm it")
}

func TestWireReadQueries(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodGet, "/payments/show", 200, fixture(t, "show-response.json"))
	m.on(http.MethodGet, "/payments/list", 200, fixture(t, "list-response.json"))
	m.on(http.MethodGet, "/payments/get_latest", 200, fixture(t, "get-latest-response.json"))
	ctx := context.Background()

	_, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{
		Payment:   crmcom.PaymentIdentifier{ID: "830C6B800A1EAB42EA8D670ED6871E41"},
		FieldsSet: []string{"id", "life_cycle_state", "invoices_to_pay_set"},
	})
	require.NoError(t, err)
	r := m.last(t, http.MethodGet, "/payments/show")
	assert.Equal(t, "/crmapi/rest/v2/payments/show", r.url.Path)
	assert.Equal(t, "fields_set=id%2Clife_cycle_state%2Cinvoices_to_pay_set&payment_identifier=id%3D830C6B800A1EAB42EA8D670ED6871E41&token="+docToken, r.url.RawQuery)
	assert.Equal(t, "id=830C6B800A1EAB42EA8D670ED6871E41", r.url.Query().Get("payment_identifier"))
	assert.Empty(t, r.body)
	assert.Empty(t, r.header.Get("Content-Type"), "a GET has no body")
	assert.Empty(t, r.header.Get("Authorization"))

	_, err = c.ListPayments(ctx, &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Type:               crmcom.TypeIdentifier{Name: "Invoices Balance Payment"},
		Category:           crmcom.CategoryIdentifier{Code: "INV&PAY"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{AlternativeCode: "BT"},
		Offset:             100, NumberOfResults: 50,
	})
	require.NoError(t, err)
	q := m.last(t, http.MethodGet, "/payments/list").url.Query()
	assert.Equal(t, map[string][]string{
		"token":                          {docToken},
		"accounts_receivable_identifier": {"number=192"},
		"type_identifier":                {"name=Invoices Balance Payment"},
		"category_identifier":            {"code=INV&PAY"},
		"payment_method_identifier":      {"alternative_code=BT"},
		"offset":                         {"100"},
		"number_of_results":              {"50"},
	}, map[string][]string(q))

	_, err = c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 2,
	})
	require.NoError(t, err)
	assert.Equal(t, "accounts_receivable_identifier=number%3D192&number=2&token="+docToken,
		m.last(t, http.MethodGet, "/payments/get_latest").url.RawQuery)
}

func TestWireCloseReleasesTheToken(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/authentication/token/release", 200, envelope("OK", "null"))
	require.NoError(t, c.Close(context.Background()), "no token held: nothing sent")
	assert.Empty(t, m.requests(http.MethodPost, "/authentication/token/release"))

	require.NoError(t, c.Login(context.Background()))
	require.NoError(t, c.Close(context.Background()))
	r := m.last(t, http.MethodPost, "/authentication/token/release")
	assert.Equal(t, `{"token":"`+docToken+`"}`, string(r.body))
	require.NoError(t, c.Close(context.Background()), "released once")
	assert.Len(t, m.requests(http.MethodPost, "/authentication/token/release"), 1)

	require.NoError(t, c.Login(context.Background()))
	assert.Len(t, m.requests(http.MethodPost, "/authentication/token"), 2, "a released token is not used again")
}

func TestWireCloseOfATokenAlreadyGone(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/authentication/token/release", 200, envelope("INVALID_TOKEN", "null"))
	require.NoError(t, c.Login(context.Background()))
	assert.NoError(t, c.Close(context.Background()), "a token CRM.COM no longer knows is released")

	c2, m2 := newMock(t, docToken)
	m2.on(http.MethodPost, "/authentication/token/release", 200, envelope("SOME_ERROR", "null"))
	require.NoError(t, c2.Login(context.Background()))
	err := c2.Close(context.Background())
	assert.ErrorIs(t, err, crmcom.ErrNotApplied)
	assert.ErrorContains(t, err, "[SOME_ERROR]")
}

// PayInvoice's answers and what the SDK makes of them. A pay is never
// resent on its own.
func TestWirePayInvoiceAnswers(t *testing.T) {
	t.Parallel()
	ok := string(fixture(t, "pay-invoice-response.json"))
	cases := []struct {
		name   string
		status int
		body   string
		want   error // nil: applied
	}{
		{"the document's sample", 200, ok, nil},
		{"201", 201, ok, nil},
		{"status ok in lower case", 200, strings.Replace(ok, `"OK"`, `"ok"`, 1), nil},
		{"refused under 200", 200, string(envelope("INVALID_PARAMETER", "null")), crmcom.ErrNotApplied},
		{"refused under 400", 400, string(envelope("INVALID_PARAMETER", "null")), crmcom.ErrNotApplied},
		{"already paid under 200", 200, string(envelope("INVOICE_ALREADY_PAID", "null")), crmcom.ErrAlreadyApplied},
		{"already paid under 409", 409, string(envelope("InvoiceAlreadyPaid", "null")), crmcom.ErrAlreadyApplied},
		{"already paid, the payment shown", 200, string(envelope("INVOICE_ALREADY_PAID", `{"id":"X1"}`)), crmcom.ErrAlreadyApplied},
		{"refused but a payment id shown", 200, string(envelope("WARNING", `{"id":"X1"}`)), crmcom.ErrOutcomeUnknown},
		{"OK without data", 200, string(envelope("OK", "null")), crmcom.ErrOutcomeUnknown},
		{"OK without an id", 200, string(envelope("OK", `{"payment_amount":225}`)), crmcom.ErrOutcomeUnknown},
		{"OK but still DRAFT", 200, string(envelope("OK", `{"id":"X1","life_cycle_state":"DRAFT"}`)), crmcom.ErrOutcomeUnknown},
		{"no status", 200, `{"data":{"id":"X1"}}`, crmcom.ErrOutcomeUnknown},
		{"empty object", 200, `{}`, crmcom.ErrOutcomeUnknown},
		{"null", 200, `null`, crmcom.ErrOutcomeUnknown},
		{"empty body", 200, ``, crmcom.ErrOutcomeUnknown},
		{"204", 204, ``, crmcom.ErrOutcomeUnknown},
		{"not JSON", 200, `<html>ok</html>`, crmcom.ErrOutcomeUnknown},
		{"500 with an envelope", 500, string(envelope("INVOICE_ALREADY_PAID", "null")), crmcom.ErrOutcomeUnknown},
		{"502 HTML", 502, `<html>Bad Gateway</html>`, crmcom.ErrOutcomeUnknown},
		{"404 HTML", 404, `<html>Not Found</html>`, crmcom.ErrNotApplied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, docToken)
			m.on(http.MethodPost, "/payments/pay_invoice", tc.status, []byte(tc.body))
			res, err := c.PayInvoice(context.Background(), docPayInvoice())
			assert.Len(t, m.requests(http.MethodPost, "/payments/pay_invoice"), 1, "never resent")
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, crmcom.ID("83DFE781350877933A6FA2A51EF0F102"), res.Payment.ID)
				return
			}
			assert.Nil(t, res)
			var e *crmcom.Error
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, "PayInvoice", e.Op)
			assert.Equal(t, 1, e.Attempts)
			if tc.want != crmcom.ErrNotApplied {
				assert.Equal(t, "settle it (Settle, or GetLatestPayments for the accounts receivable and a POSTED payment"+
					" whose invoices_to_pay_set holds it) for invoice_identifier reference_number=328 before paying it again", e.Reconcile)
			}
			hint, ok := crmcom.SettleRequestOf(err)
			assert.Equal(t, tc.want == crmcom.ErrOutcomeUnknown, ok, "a settle request on an unknown outcome only")
			if ok {
				assert.Equal(t, "PayInvoice", hint.Op)
				assert.Equal(t, crmcom.ID("328"), hint.Invoice.ReferenceNumber)
			}
			if tc.want == crmcom.ErrNotApplied {
				assert.NotErrorIs(t, err, crmcom.ErrTemporary, "a refusal needs a fix")
			}
			assert.NotContains(t, err.Error(), docToken)
		})
	}
}

func TestWireRefusalKeepsCodeMessageAndDescription(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/pay_invoice", 200,
		[]byte(`{"status":{"code":"INVALID_INVOICE","message":"Invoice is not posted","description":"Only posted invoices can be paid"},"data":null}`))
	_, err := c.PayInvoice(context.Background(), docPayInvoice())
	var e *crmcom.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 200, e.StatusCode)
	assert.Equal(t, "INVALID_INVOICE", e.Code)
	assert.Equal(t, "Invoice is not posted: Only posted invoices can be paid", e.Message)
	assert.Equal(t, "crmcom PayInvoice: POST "+docBase+"/payments/pay_invoice: HTTP 200 [INVALID_INVOICE] Invoice is not posted: "+
		"Only posted invoices can be paid (not applied: fix before resending)", err.Error())
}

// CRM.COM refusing the token, in each way it might: the token is renewed
// once and the call resent, as the refusal proves it was not applied.
func TestWireRefusedTokenIsRenewedOnce(t *testing.T) {
	t.Parallel()
	for name, refusal := range map[string]struct {
		status int
		body   []byte
	}{
		"envelope under 200":  {200, envelope("INVALID_TOKEN", "null")},
		"envelope under 403":  {403, envelope("TokenExpired", "null")},
		"HTTP 401, no body":   {401, nil},
		"HTTP 401, not JSON":  {401, []byte("Unauthorized")},
		"custom code per cfg": {200, envelope("SESSION_GONE", "null")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var opts []crmcom.Option
			c, m := newMock(t, docToken, opts...)
			if name == "custom code per cfg" {
				cfg := docConfig()
				cfg.InvalidTokenCodes = []string{"session_gone"}
				var err error
				c, err = crmcom.New(cfg, crmcom.WithHTTPClient(&http.Client{Transport: m.mock}))
				require.NoError(t, err)
			}
			m.answer(http.MethodPost, "/payments/pay_invoice", func(n int) (int, []byte) {
				if n == 1 {
					return refusal.status, refusal.body
				}
				return 200, fixture(t, "pay-invoice-response.json")
			})
			_, err := c.PayInvoice(context.Background(), docPayInvoice())
			require.NoError(t, err)
			assert.Len(t, m.requests(http.MethodPost, "/authentication/token"), 2, "one login more")
			assert.Len(t, m.requests(http.MethodPost, "/payments/pay_invoice"), 2, "resent once")
		})
	}

	t.Run("refused twice", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t, docToken)
		m.on(http.MethodGet, "/payments/show", 200, envelope("INVALID_TOKEN", "null"))
		_, err := c.ShowPayment(context.Background(), &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{Number: "96"}})
		var e *crmcom.Error
		require.ErrorAs(t, err, &e)
		assert.ErrorIs(t, err, crmcom.ErrNotApplied)
		assert.Equal(t, "INVALID_TOKEN", e.Code)
		assert.Len(t, m.requests(http.MethodGet, "/payments/show"), 2, "renewed once, not forever")
	})
	t.Run("an invalid-token code on a 5xx write is not a refusal", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t, docToken)
		m.on(http.MethodPost, "/payments/pay_invoice", 500, envelope("INVALID_TOKEN", "null"))
		_, err := c.PayInvoice(context.Background(), docPayInvoice())
		assert.ErrorIs(t, err, crmcom.ErrOutcomeUnknown)
		assert.Len(t, m.requests(http.MethodPost, "/payments/pay_invoice"), 1)
	})
}

func TestWireLoginRefusals(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		string(envelope("INVALID_CREDENTIALS", "null")):                                         "[INVALID_CREDENTIALS] INVALID_CREDENTIALS message: INVALID_CREDENTIALS description",
		string(envelope("OK", `{}`)):                                                            "CRM.COM answered the login without a token",
		`{"status":{"code":"LOCKED","message":"locked"},"data":{"token":"` + docToken + `-X"}}`: "[LOCKED] locked",
	} {
		m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
		m.on(http.MethodPost, "/authentication/token", 200, []byte(body))
		c, err := crmcom.New(docConfig(), crmcom.WithHTTPClient(&http.Client{Transport: m.mock}))
		require.NoError(t, err)
		_, err = c.PayInvoice(context.Background(), docPayInvoice())
		var e *crmcom.Error
		require.ErrorAs(t, err, &e)
		assert.ErrorIs(t, err, crmcom.ErrNotApplied)
		assert.NotErrorIs(t, err, crmcom.ErrTemporary, "credentials need a fix")
		assert.Equal(t, "PayInvoice", e.Op)
		assert.Equal(t, "Login", e.Step)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), docPassword)
		assert.NotContains(t, err.Error(), docToken, "a token issued with a refusal is a secret too")
		assert.Len(t, m.requests(http.MethodPost, "/authentication/token"), 1, "a refused login is not retried")
		assert.Empty(t, m.requests(http.MethodPost, "/payments/pay_invoice"))
	}
}

// Secrets never reach an error, even when CRM.COM echoes them.
func TestWireSecretsNeverInErrors(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodPost, "/payments/pay_invoice", 400,
		[]byte(`{"status":{"code":"BAD","message":"token `+docToken+` and password `+docPassword+` refused","description":"card 4111 1111 1111 1111"},"data":null}`))
	m.on(http.MethodGet, "/payments/show", 502, []byte(`<html>token=`+docToken+`</html>`))
	_, err := c.PayInvoice(context.Background(), docPayInvoice())
	require.Error(t, err)
	_, err2 := c.ShowPayment(context.Background(), &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: "X"}})
	require.Error(t, err2)
	for _, e := range []error{err, err2} {
		for _, s := range []string{e.Error(), fmtAll(e)} {
			assert.NotContains(t, s, docToken)
			assert.NotContains(t, s, docPassword)
			assert.NotContains(t, s, "4111 1111 1111 1111")
		}
	}
	assert.Contains(t, err2.Error(), "token=REDACTED", "the GET's URL is shown with the token masked")
	assert.Contains(t, err2.Error(), "payment_identifier=id%3DX", "identifiers are not secret")
}

func TestWireDatesInTheConfiguredLocation(t *testing.T) {
	t.Parallel()
	nicosia := time.FixedZone("EET", 2*60*60)
	m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
	m.on(http.MethodPost, "/authentication/token", 200, envelope("OK", `{"token":"`+docToken+`"}`))
	m.on(http.MethodPost, "/payments/pay_invoice", 200, fixture(t, "pay-invoice-response.json"))
	cfg := docConfig()
	cfg.Location = nicosia
	c, err := crmcom.New(cfg, crmcom.WithHTTPClient(&http.Client{Transport: m.mock}))
	require.NoError(t, err)
	req := docPayInvoice()
	req.ReceivedOn = time.Date(2014, 7, 14, 7, 12, 54, 0, time.UTC) // 09:12:54 in Nicosia
	res, err := c.PayInvoice(context.Background(), req)
	require.NoError(t, err)
	assert.Contains(t, string(m.last(t, http.MethodPost, "/payments/pay_invoice").body), `"received_on":"2014-07-14T09:12:54"`)
	want := time.Date(2014, 7, 14, 16, 49, 11, 0, nicosia)
	assert.True(t, res.Payment.IssuedOn.Equal(want), "%v", res.Payment.IssuedOn)
	assert.Equal(t, nicosia, res.Payment.IssuedOn.Location())
}

func TestWireRedirectIsRefused(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.mock.RegisterResponder(http.MethodPost, docBase+"/payments/pay_invoice", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(307, "")
		resp.Header.Set("Location", "https://evil.example/pay")
		return resp, nil
	})
	_, err := c.PayInvoice(context.Background(), docPayInvoice())
	var e *crmcom.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 307, e.StatusCode)
	assert.True(t, errors.Is(err, crmcom.ErrNotApplied) || errors.Is(err, crmcom.ErrOutcomeUnknown))
	assert.Zero(t, m.mock.GetCallCountInfo()["POST https://evil.example/pay"], "the body and token never reach the other host")
}

// A read-back must not read "nothing" from an answer that says nothing: it
// is retried like any failed read, then an error.
func TestWireReadAnswersThatDoNotConfirm(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `{}`, `{"status":{"code":"OK"}}`, `{"status":{"code":"OK"},"data":null}`} {
		c, m := newMock(t, docToken)
		m.on(http.MethodGet, "/payments/show", 200, []byte(body))
		m.on(http.MethodGet, "/payments/get_latest", 200, []byte(body))
		_, err := c.ShowPayment(context.Background(), &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{Number: "96"}})
		e := errOf(t, err, crmcom.ErrNotApplied)
		assert.Equal(t, 3, e.Attempts, "%q retried", body)
		_, err = c.GetLatestPayments(context.Background(), &crmcom.GetLatestPaymentsRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 1,
		})
		errOf(t, err, crmcom.ErrNotApplied)
	}
	c, m := newMock(t, docToken)
	m.on(http.MethodGet, "/payments/get_latest", 200, envelope("OK", `[]`))
	res, err := c.GetLatestPayments(context.Background(), &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 1,
	})
	require.NoError(t, err, "an empty list is an answer")
	assert.NotNil(t, res.Payments)
	assert.Empty(t, res.Payments)
}
