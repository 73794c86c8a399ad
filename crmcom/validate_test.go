package crmcom_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refused asserts err is the SDK's own refusal before sending: NotApplied,
// permanent, nothing sent, naming fields (in order) with reasons.
func refused(t *testing.T, err error, fields ...string) *crmcom.Error {
	t.Helper()
	e := errOf(t, err, crmcom.ErrNotApplied)
	assert.NotErrorIs(t, err, crmcom.ErrTemporary, "invalid input needs a fix")
	assert.Empty(t, e.Method, "nothing was sent")
	assert.Contains(t, err.Error(), "nothing was sent")
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field)
	}
	assert.Equal(t, fields, got, "%v", err)
	return e
}

// Every call checks its request before anything is sent, and lists every
// problem at once.
func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()

	// nil requests.
	_, err := c.ShowPayment(ctx, nil)
	refused(t, err, "request")
	_, err = c.ListPayments(ctx, nil)
	refused(t, err, "request")
	_, err = c.GetLatestPayments(ctx, nil)
	refused(t, err, "request")
	_, err = c.CreatePayment(ctx, nil)
	refused(t, err, "request")
	_, err = c.PayInvoice(ctx, nil)
	refused(t, err, "request")
	_, err = c.PayBill(ctx, nil)
	refused(t, err, "request")
	_, err = c.PostPayment(ctx, nil)
	refused(t, err, "request")
	_, err = c.RejectPayment(ctx, nil)
	refused(t, err, "request")
	_, err = c.CancelPayment(ctx, nil)
	refused(t, err, "request")
	for _, err := range c.AllPayments(ctx, nil) {
		refused(t, err, "request")
	}

	// Empty requests: every mandatory identifier named.
	_, err = c.PayInvoice(ctx, &crmcom.PayInvoiceRequest{})
	refused(t, err, "Invoice", "AccountsReceivable", "Type", "PaymentMethod")
	_, err = c.PayBill(ctx, &crmcom.PayBillRequest{})
	refused(t, err, "Bill", "AccountsReceivable", "Type", "PaymentMethod")
	_, err = c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{})
	refused(t, err, "AccountsReceivable", "Type", "LifeCycleState", "PaymentMethod", "PaymentAmount")
	_, err = c.PostPayment(ctx, &crmcom.PostPaymentRequest{})
	refused(t, err, "Payment")
	_, err = c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{})
	refused(t, err, "Payment", "RejectionReason")
	_, err = c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{})
	refused(t, err, "Payment", "Type")
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{})
	refused(t, err, "Payment")
	_, err = c.ListPayments(ctx, &crmcom.ListPaymentsRequest{Offset: -1, NumberOfResults: -1})
	refused(t, err, "AccountsReceivable", "Offset", "NumberOfResults")
	_, err = c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{})
	refused(t, err, "AccountsReceivable", "Number")

	// Two fields of one identifier: CRM.COM allows only one.
	req := payInvoice("I-1")
	req.Invoice.ReferenceNumber = "328"
	req.AccountsReceivable.ID = "2C5F"
	req.Category = crmcom.CategoryIdentifier{Name: "a", Code: "b"}
	req.ReceivedByUser = crmcom.UserIdentifier{ID: "u", Username: "v"}
	req.ReceivedByUnit = crmcom.UnitIdentifier{Name: "a", AlternativeCode: "b"}
	req.Card = crmcom.CardIdentifier{ID: "c", PaymentGatewayReferenceNumber: "d"}
	req.Type.ID = "x"
	req.PaymentMethod.ID = "y"
	e := refused(t, reqErr(c.PayInvoice(ctx, req)), "Invoice", "AccountsReceivable", "Type", "PaymentMethod", "Category",
		"ReceivedByUser", "ReceivedByUnit", "Card")
	assert.Equal(t, "must have exactly one field set; CRM.COM allows only one", e.Fields[0].Message)
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: "a", BackOfficeCode: "b"}})
	refused(t, err, "Payment")
	_, err = c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "1"}, Number: 1,
		Type: crmcom.TypeIdentifier{ID: "a", Name: "b"}, Category: crmcom.CategoryIdentifier{ID: "a", Code: "b"},
		PaymentMethod: crmcom.PaymentMethodIdentifier{ID: "a", Name: "b"},
	})
	refused(t, err, "Type", "Category", "PaymentMethod")
	_, err = c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Type: crmcom.TypeIdentifier{Name: "t"},
		LifeCycleState: "posted", PaymentMethod: crmcom.PaymentMethodIdentifier{Name: "m"}, PaymentAmount: crmcom.Cents(-1),
		InvoicesToPay: []crmcom.InvoiceIdentifier{{Number: "1"}, {}}, BillsToPay: []crmcom.BillIdentifier{{Number: "1", ID: "2"}},
	})
	refused(t, err, "LifeCycleState", "PaymentAmount", "InvoicesToPay[1]", "BillsToPay[0]")
	_, err = c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{
		Payment: crmcom.PaymentIdentifier{Number: "1"}, RejectionReason: crmcom.RejectionReasonIdentifier{ID: "a", Name: "b"},
	})
	refused(t, err, "RejectionReason")

	// Values that are not clean text, and a pay that cannot be DRAFT.
	req = payInvoice("I-1\n")
	req.AccountsReceivable.Number = " 192"
	req.LifeCycleState = crmcom.Draft
	req.Type.Name = "bad\xff"
	refused(t, reqErr(c.PayInvoice(ctx, req)), "Invoice.number", "AccountsReceivable.number", "Type.name", "LifeCycleState")

	// Card data never leaves: not in a card identifier, not in free text.
	req = payInvoice("I-1")
	req.Card.PaymentGatewayReferenceNumber = "4111 1111 1111 1111"
	req.Notes = "paid with 4111-1111-1111-1111"
	req.UDFString3 = "5500000000000004"
	e = refused(t, reqErr(c.PayInvoice(ctx, req)), "Card.payment_gateway_reference_number", "Notes", "UDFString3")
	assert.NotContains(t, e.Error(), "4111")
	assert.NotContains(t, e.Error(), "5500000000000004")
	cancel := docCancel()
	cancel.IssueReason = "card 4111111111111111"
	cancel.UDFFloat1 = "ten"
	cancel.UDFFloat2 = "1e"
	_, err = c.CancelPayment(ctx, cancel)
	refused(t, err, "IssueReason", "UDFFloat1", "UDFFloat2")
	create := docCreate(t)
	create.Description = "4111111111111111"
	_, err = c.CreatePayment(ctx, create)
	refused(t, err, "Description")

	// fields_set entries are single names.
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: "x"}, FieldsSet: []string{"id,number", "a b", ""}})
	refused(t, err, "FieldsSet", "FieldsSet", "FieldsSet")

	// ExpectedAmount is checked too, though never sent.
	req = payInvoice("I-1")
	req.ExpectedAmount = mustAmount(t, "-1")
	refused(t, reqErr(c.PayInvoice(ctx, req)), "ExpectedAmount")

	assert.Zero(t, srv.Calls(crmcomtest.EndpointLogin), "not even a login")
	for _, ep := range []string{crmcomtest.EndpointPayInvoice, crmcomtest.EndpointPayBill, crmcomtest.EndpointCreate,
		crmcomtest.EndpointPost, crmcomtest.EndpointReject, crmcomtest.EndpointCancel, crmcomtest.EndpointShow,
		crmcomtest.EndpointList, crmcomtest.EndpointGetLatest} {
		assert.Zero(t, srv.Calls(ep), ep)
	}
}

func reqErr[T any](_ T, err error) error { return err }

// Boundaries of every limit: lengths at the limit and one past (in
// characters), amounts with 0 to 3 decimals, the largest amount.
func TestLimits(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("é", n) } // two bytes each: characters are counted

	// Identifier values: MaxIdentifierLen.
	_, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{BackOfficeCode: long(crmcom.MaxIdentifierLen + 1)}})
	e := refused(t, err, "Payment.back_office_code")
	assert.Equal(t, "is 256 characters long; the most allowed is 255", e.Fields[0].Message)
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{BackOfficeCode: long(crmcom.MaxIdentifierLen)}})
	assert.Equal(t, "NOT_FOUND", errOf(t, err, crmcom.ErrNotApplied).Code, "255 characters are sent")

	// Notes, description, issue reason: MaxNotesLen; user-defined strings: MaxUDFStringLen.
	addInvoice(t, srv, "I-L", "1.00")
	req := payInvoice("I-L")
	req.Notes = long(crmcom.MaxNotesLen + 1)
	req.UDFString1 = long(crmcom.MaxUDFStringLen + 1)
	req.UDFString8 = long(crmcom.MaxUDFStringLen + 1)
	refused(t, reqErr(c.PayInvoice(ctx, req)), "Notes", "UDFString1", "UDFString8")
	req.Notes, req.UDFString1, req.UDFString8 = long(crmcom.MaxNotesLen), long(crmcom.MaxUDFStringLen), long(crmcom.MaxUDFStringLen)
	_, err = c.PayInvoice(ctx, req)
	require.NoError(t, err, "at the limits")
	assert.Equal(t, long(crmcom.MaxNotesLen), srv.Ledger()[0].Notes)

	cancel := docCancel()
	cancel.IssueReason = long(crmcom.MaxNotesLen + 1)
	cancel.Notes = long(crmcom.MaxNotesLen + 1)
	_, err = c.CancelPayment(ctx, cancel)
	refused(t, err, "Notes", "IssueReason")

	// fields_set entries: 64 characters; decimals: 64.
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: "x"}, FieldsSet: []string{strings.Repeat("f", 65)}})
	refused(t, err, "FieldsSet")
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: "x"}, FieldsSet: []string{strings.Repeat("f", 64)}})
	assert.Empty(t, errOf(t, err, crmcom.ErrNotApplied).Fields, "64 characters are sent (the fake refuses the name)")
	req = payInvoice("I-L")
	req.UDFFloat1 = crmcom.Decimal("1" + strings.Repeat("0", 64))
	refused(t, reqErr(c.PayInvoice(ctx, req)), "UDFFloat1")
	req.UDFFloat1 = crmcom.Decimal("1" + strings.Repeat("0", 63))
	_, err = c.PayInvoice(ctx, req)
	assert.Empty(t, errOf(t, err, crmcom.ErrAlreadyApplied).Fields, "64 characters are sent")

	// get_latest's number: at least 1.
	ar := crmcom.AccountsReceivableIdentifier{Number: "192"}
	_, err = c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{AccountsReceivable: ar, Number: 0})
	refused(t, err, "Number")
	_, err = c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{AccountsReceivable: ar, Number: 1})
	require.NoError(t, err)
	_, err = c.ListPayments(ctx, &crmcom.ListPaymentsRequest{AccountsReceivable: ar, Offset: 0, NumberOfResults: 1})
	require.NoError(t, err)

	// Amounts: 0 is refused; 1 and 2 decimals pass; 3 are refused; the
	// largest amount travels exactly.
	create := func(amount crmcom.Amount) (*crmcom.PaymentSummary, error) {
		return c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
			AccountsReceivable: ar, Type: crmcom.TypeIdentifier{Name: crmcomtest.PaymentType}, LifeCycleState: crmcom.Draft,
			PaymentMethod: crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit}, PaymentAmount: amount,
		})
	}
	_, err = create(mustAmount(t, "0.00"))
	assert.Equal(t, "must be greater than zero", refused(t, err, "PaymentAmount").Fields[0].Message)
	for _, ok := range []string{"7", "7.5", "7.55", "0.01", "92233720368547758.07"} {
		p, err := create(mustAmount(t, ok))
		require.NoError(t, err, ok)
		assert.Equal(t, mustAmount(t, ok), p.PaymentAmount, "%s comes back exactly", ok)
	}
	assert.Equal(t, crmcom.Cents(math.MaxInt64), mustAmount(t, "92233720368547758.07"), "the largest amount")
	_, err = create(mustAmount(t, "7.555"))
	assert.Equal(t, "must have at most 2 decimal places", refused(t, err, "PaymentAmount").Fields[0].Message)
	req = payInvoice("I-L")
	req.ExpectedAmount = mustAmount(t, "1.001")
	refused(t, reqErr(c.PayInvoice(ctx, req)), "ExpectedAmount")
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := crmcom.Config{BaseURL: docBase, Username: "u", Password: "p", Organisation: "o"}
	cases := []struct {
		mutate func(*crmcom.Config)
		field  string
		reason string
	}{
		{func(c *crmcom.Config) { c.BaseURL = "" }, "Config.BaseURL", "is required"},
		{func(c *crmcom.Config) { c.BaseURL = "http://crm.example.com/crmapi/rest/v2" }, "Config.BaseURL", "https"},
		{func(c *crmcom.Config) { c.BaseURL = "https://crm.example.com/crmapi/rest/v2?x=1" }, "Config.BaseURL", "query"},
		{func(c *crmcom.Config) { c.Username = "" }, "Config.Username", "is required"},
		{func(c *crmcom.Config) { c.Password = "" }, "Config.Password", "is required"},
		{func(c *crmcom.Config) { c.Organisation = "" }, "Config.Organisation", "is required"},
		{func(c *crmcom.Config) { c.Password = "a\nb" }, "Config.Password", "control"},
		{func(c *crmcom.Config) { c.Unit = " Admin Unit" }, "Config.Unit", "spaces"},
		{func(c *crmcom.Config) { c.WebAPIKey = "k" }, "Config.WebAPIKey", "one way to log in"},
		{func(c *crmcom.Config) { *c = crmcom.Config{BaseURL: docBase, WebAPIKey: "a:b"} }, "Config.WebAPIKey", "colon"},
		{func(c *crmcom.Config) { *c = crmcom.Config{BaseURL: docBase, WebAPIKey: "k", Unit: "u"} }, "Config.Unit", "not with a WebAPIKey"},
		{func(c *crmcom.Config) { c.IdleLifetime = -time.Second }, "Config.IdleLifetime", "negative"},
		{func(c *crmcom.Config) { c.InvalidTokenCodes = []string{""} }, "Config.InvalidTokenCodes", "is required"},
		{func(c *crmcom.Config) { c.AlreadyAppliedCodes = []string{"A\tB"} }, "Config.AlreadyAppliedCodes", "control"},
		{func(c *crmcom.Config) { c.Username = strings.Repeat("u", crmcom.MaxIdentifierLen+1) }, "Config.Username", "the most allowed is 255"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		_, err := crmcom.New(cfg)
		var e *crmcom.Error
		require.ErrorAs(t, err, &e, "%+v", cfg)
		require.NotEmpty(t, e.Fields)
		assert.Equal(t, tc.field, e.Fields[0].Field)
		assert.Contains(t, e.Fields[0].Message, tc.reason)
		assert.Equal(t, "New", e.Op)
		assert.True(t, strings.HasPrefix(err.Error(), "crmcom New invalid input"), err.Error())
		assert.NotContains(t, err.Error(), "a\nb")
	}

	for _, good := range []crmcom.Config{
		ok,
		{BaseURL: "http://127.0.0.1:8080/crmapi/rest/v2", Username: "u", Password: "p", Organisation: "o", Unit: "Admin Unit"},
		{BaseURL: docBase, WebAPIKey: "k"},
		{BaseURL: docBase, Username: "u", Password: "p", Organisation: "o", IdleLifetime: time.Minute, Location: time.Local,
			InvalidTokenCodes: []string{}, AlreadyAppliedCodes: []string{"DUPLICATE"}},
	} {
		_, err := crmcom.New(good)
		assert.NoError(t, err, "%+v", good)
	}
	_, err := crmcom.New(ok, crmcom.WithTimeout(-1))
	assert.ErrorContains(t, err, "WithTimeout: must be positive")
	_, err = crmcom.New(ok, crmcom.WithRetryPolicy(crmcom.RetryPolicy{MaxAttempts: 0}))
	assert.ErrorContains(t, err, "MaxAttempts")
}

// An empty code list switches a guess off: with no invalid-token codes,
// only an HTTP 401 renews the token.
func TestCodeListsOverride(t *testing.T) {
	t.Parallel()
	m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
	m.on("POST", "/authentication/token", 200, envelope("OK", `{"token":"`+docToken+`"}`))
	m.on("POST", "/payments/pay_invoice", 200, envelope("INVALID_TOKEN", "null"))
	cfg := docConfig()
	cfg.InvalidTokenCodes = []string{}
	cfg.AlreadyAppliedCodes = []string{"INVALID_TOKEN"}
	c, err := crmcom.New(cfg, crmcom.WithHTTPClient(httpClient(m)))
	require.NoError(t, err)
	_, err = c.PayInvoice(context.Background(), docPayInvoice())
	errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Len(t, m.requests("POST", "/authentication/token"), 1, "not renewed")
}
