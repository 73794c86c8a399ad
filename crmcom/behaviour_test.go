package crmcom_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setup starts a fake with accounts 192 and 186 and a client for it.
func setup(t *testing.T, opts crmcomtest.Options, clientOpts ...crmcom.Option) (*crmcomtest.Server, *crmcom.Client) {
	t.Helper()
	srv := crmcomtest.NewServer(opts)
	t.Cleanup(srv.Close)
	srv.AddAccount(crmcomtest.Account{ID: "2C5FC6F615FA9E798487AC0C293ECCE6", Number: "192", Name: "Peter Johnson Premium"})
	srv.AddAccount(crmcomtest.Account{Number: "186"})
	c, err := crmcom.New(srv.Config(), append([]crmcom.Option{fastRetry()}, clientOpts...)...)
	require.NoError(t, err)
	return srv, c
}

func addInvoice(t *testing.T, srv *crmcomtest.Server, number, amount string) {
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: crmcom.ID(number), Amount: mustAmount(t, amount)})
}

// errOf asserts err is a *Error matching want and returns it.
func errOf(t *testing.T, err, want error) *crmcom.Error {
	t.Helper()
	var e *crmcom.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, want, "%v", err)
	return e
}

func TestPayInvoicePaysTheWholeOutstandingAmount(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I00000294", "138.00")
	ctx := context.Background()

	res, err := c.PayInvoice(ctx, payInvoice("I00000294"))
	require.NoError(t, err)
	assert.Equal(t, "138.00", res.Payment.PaymentAmount.String())
	assert.Equal(t, crmcom.Posted, res.Payment.LifeCycleState)
	assert.NotEmpty(t, res.Payment.Number, "a posted payment has a number")
	assert.False(t, res.AmountDiffers, "no ExpectedAmount, nothing to compare")
	left, _ := srv.Outstanding("I00000294")
	assert.True(t, left.IsZero())

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, res.Payment.ID, ledger[0].ID, "the ledger id is the client's id")
	assert.Equal(t, res.Payment.ReferenceNumber, ledger[0].ReferenceNumber)
	assert.Equal(t, []crmcom.ID{"I00000294"}, ledger[0].Invoices)
	assert.Equal(t, crmcomtest.PaymentType, ledger[0].Type)

	// Paid already: the first payment stands.
	_, err = c.PayInvoice(ctx, payInvoice("I00000294"))
	e := errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Equal(t, "INVOICE_ALREADY_PAID", e.Code)
	assert.Contains(t, err.Error(), "already applied: do not resend; settle it (Settle, or GetLatestPayments for the accounts receivable and a POSTED payment whose invoices_to_pay_set holds it) for invoice_identifier number=I00000294")
	_, ok := crmcom.SettleRequestOf(err)
	assert.False(t, ok, "only an unknown outcome carries a settle request")
	assert.Equal(t, 1, srv.Applied("I00000294"))
	assert.Equal(t, 2, srv.CallsFor(crmcomtest.EndpointPayInvoice, "I00000294"), "the repeat reached the fake")
}

func TestPayResultSaysWhenTheAmountDiffers(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-1", "100.00")
	addInvoice(t, srv, "I-2", "100.00")
	req := payInvoice("I-1")
	req.ExpectedAmount = mustAmount(t, "100")
	res, err := c.PayInvoice(context.Background(), req)
	require.NoError(t, err)
	assert.False(t, res.AmountDiffers, "100 and 100.00 are one amount")

	req = payInvoice("I-2")
	req.ExpectedAmount = mustAmount(t, "99.99")
	res, err = c.PayInvoice(context.Background(), req)
	require.NoError(t, err, "the payment stands")
	assert.True(t, res.AmountDiffers)
	assert.Equal(t, "100.00", res.Payment.PaymentAmount.String())
}

func TestPayBill(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	srv.AddBill(crmcomtest.Bill{Account: "186", Number: "128", Amount: crmcom.Cents(10000)})
	req := docPayBill()
	req.ReceivedOn = time.Time{}
	res, err := c.PayBill(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "100.00", res.Payment.PaymentAmount.String())
	assert.Equal(t, []crmcom.ID{"128"}, srv.Ledger()[0].Bills)
	assert.Equal(t, crmcomtest.BillCategory, srv.Ledger()[0].Category)

	_, err = c.PayBill(context.Background(), req)
	assert.Equal(t, "BILL_ALREADY_PAID", errOf(t, err, crmcom.ErrAlreadyApplied).Code)
	assert.Equal(t, 1, srv.Applied("128"))

	wrong := docPayBill()
	wrong.AccountsReceivable = crmcom.AccountsReceivableIdentifier{Number: "192"}
	_, err = c.PayBill(context.Background(), wrong)
	assert.Contains(t, errOf(t, err, crmcom.ErrNotApplied).Message, "another accounts receivable")
}

// The payment life cycle, as the fake enforces it: post and reject from
// DRAFT only, cancel from POSTED only; repeating one is "already applied".
func TestPaymentLifeCycle(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-9", "80.00")
	ctx := context.Background()
	create := func(state crmcom.LifeCycleState) *crmcom.PaymentSummary {
		t.Helper()
		p, err := c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
			Type:               crmcom.TypeIdentifier{Name: crmcomtest.OtherPaymentType},
			LifeCycleState:     state,
			PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.BankTransfer},
			PaymentAmount:      mustAmount(t, "50.00"),
			InvoicesToPay:      []crmcom.InvoiceIdentifier{{Number: "I-9"}},
		})
		require.NoError(t, err)
		return p
	}
	outstanding := func() string {
		a, _ := srv.Outstanding("I-9")
		return a.String()
	}
	cancel := func(p crmcom.PaymentIdentifier) (*crmcom.CancelPaymentResult, error) {
		return c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{
			Payment: p, Type: crmcom.TypeIdentifier{Name: crmcomtest.CancellationType},
			Category: crmcom.CategoryIdentifier{Name: crmcomtest.CancellationCategory}, IssueReason: "entered twice",
		})
	}
	reject := func(p crmcom.PaymentIdentifier) (*crmcom.PaymentSummary, error) {
		return c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{Payment: p, RejectionReason: crmcom.RejectionReasonIdentifier{Name: crmcomtest.RejectionReason}})
	}

	// DRAFT -> POSTED -> CANCELLED.
	draft := create(crmcom.Draft)
	assert.Equal(t, crmcom.Draft, draft.LifeCycleState)
	assert.Empty(t, draft.Number, "a draft has no number")
	assert.Equal(t, "80.00", outstanding(), "a draft pays nothing yet")

	posted, err := c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: crmcom.PaymentIdentifier{ReferenceNumber: draft.ReferenceNumber}})
	require.NoError(t, err)
	assert.Equal(t, draft.ID, posted.ID)
	assert.Equal(t, crmcom.Posted, posted.LifeCycleState)
	assert.NotEmpty(t, posted.Number)
	assert.Equal(t, "30.00", outstanding())

	_, err = c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: posted.Identifier()})
	e := errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Equal(t, "PAYMENT_ALREADY_POSTED", e.Code)
	assert.Equal(t, "settle it (Settle, or ShowPayment: life_cycle_state POSTED means it was applied) for payment_identifier id="+string(posted.ID), e.Reconcile)

	_, err = reject(posted.Identifier())
	assert.Equal(t, "INVALID_LIFE_CYCLE_STATE", errOf(t, err, crmcom.ErrNotApplied).Code, "a posted payment cannot be rejected")

	res, err := cancel(crmcom.PaymentIdentifier{Number: posted.Number})
	require.NoError(t, err)
	assert.Equal(t, posted.ID, res.Payment.ID)
	assert.NotEmpty(t, res.Cancellation.ID)
	assert.Equal(t, crmcom.Posted, res.Cancellation.LifeCycleState)
	assert.Equal(t, "50.00", res.Cancellation.PaymentAmount.String())
	assert.Equal(t, "80.00", outstanding(), "the cancelled payment's amount is outstanding again")

	_, err = cancel(posted.Identifier())
	assert.Equal(t, "PAYMENT_ALREADY_CANCELLED", errOf(t, err, crmcom.ErrAlreadyApplied).Code)
	_, err = c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: posted.Identifier()})
	assert.Equal(t, "INVALID_LIFE_CYCLE_STATE", errOf(t, err, crmcom.ErrNotApplied).Code)

	shown, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: posted.Identifier()})
	require.NoError(t, err)
	assert.Equal(t, crmcom.Cancelled, shown.LifeCycleState)

	// DRAFT -> REJECTED.
	draft = create(crmcom.Draft)
	rejected, err := reject(draft.Identifier())
	require.NoError(t, err)
	assert.Equal(t, crmcom.Rejected, rejected.LifeCycleState)
	_, err = reject(draft.Identifier())
	assert.Equal(t, "PAYMENT_ALREADY_REJECTED", errOf(t, err, crmcom.ErrAlreadyApplied).Code)
	_, err = c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: draft.Identifier()})
	errOf(t, err, crmcom.ErrNotApplied)
	_, err = cancel(draft.Identifier())
	assert.Equal(t, "INVALID_LIFE_CYCLE_STATE", errOf(t, err, crmcom.ErrNotApplied).Code, "only a posted payment can be cancelled")
	shown, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: draft.Identifier()})
	require.NoError(t, err)
	assert.Equal(t, crmcomtest.RejectionReason, shown.RejectionReason.Name)

	// Created POSTED, then cancelled; a draft cannot be cancelled.
	direct := create(crmcom.Posted)
	assert.Equal(t, "30.00", outstanding())
	_, err = cancel(direct.Identifier())
	require.NoError(t, err)
	draft = create(crmcom.Draft)
	_, err = cancel(draft.Identifier())
	errOf(t, err, crmcom.ErrNotApplied)

	// Cancelling takes a cancellation type.
	other := create(crmcom.Posted)
	_, err = c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{Payment: other.Identifier(), Type: crmcom.TypeIdentifier{Name: crmcomtest.PaymentType}})
	assert.Contains(t, errOf(t, err, crmcom.ErrNotApplied).Message, "PAYMENT_CANCELLATION")
}

func TestIdentifiersResolveByEveryField(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	srv.AddInvoice(crmcomtest.Invoice{ID: "INV-ID-1", Number: "N-1", ReferenceNumber: "R-1", Account: "192", Amount: crmcom.Cents(100)})
	srv.AddInvoice(crmcomtest.Invoice{ID: "INV-ID-2", Number: "N-2", ReferenceNumber: "R-2", Account: "192", Amount: crmcom.Cents(100)})
	srv.AddInvoice(crmcomtest.Invoice{ID: "INV-ID-3", Number: "N-3", ReferenceNumber: "R-3", Account: "192", Amount: crmcom.Cents(100)})
	ctx := context.Background()
	for i, tc := range []struct {
		ar  crmcom.AccountsReceivableIdentifier
		inv crmcom.InvoiceIdentifier
		typ crmcom.TypeIdentifier
		pm  crmcom.PaymentMethodIdentifier
	}{
		{crmcom.AccountsReceivableIdentifier{ID: "2C5FC6F615FA9E798487AC0C293ECCE6"}, crmcom.InvoiceIdentifier{ID: "INV-ID-1"},
			crmcom.TypeIdentifier{ID: "9CC46F8C0A203CCA7A40B58825E74704"}, crmcom.PaymentMethodIdentifier{ID: "PM7"}},
		{crmcom.AccountsReceivableIdentifier{Number: "192"}, crmcom.InvoiceIdentifier{Number: "N-2"},
			crmcom.TypeIdentifier{AlternativeCode: "INVBALPAY"}, crmcom.PaymentMethodIdentifier{AlternativeCode: "BT"}},
		{crmcom.AccountsReceivableIdentifier{Name: "Peter Johnson Premium"}, crmcom.InvoiceIdentifier{ReferenceNumber: "R-3"},
			crmcom.TypeIdentifier{Name: crmcomtest.PaymentType}, crmcom.PaymentMethodIdentifier{Name: crmcomtest.BankTransfer}},
	} {
		res, err := c.PayInvoice(ctx, &crmcom.PayInvoiceRequest{
			AccountsReceivable: tc.ar, Invoice: tc.inv, Type: tc.typ, PaymentMethod: tc.pm,
			Category:       crmcom.CategoryIdentifier{Code: []string{"INVPAY", "BILLPAY", "MISTAKE"}[i]},
			ReceivedByUser: crmcom.UserIdentifier{Username: crmcomtest.OtherUser},
			ReceivedByUnit: crmcom.UnitIdentifier{AlternativeCode: "MG"},
		})
		require.NoError(t, err, "%d", i)

		for _, id := range []crmcom.PaymentIdentifier{{ID: res.Payment.ID}, {Number: res.Payment.Number}, {ReferenceNumber: res.Payment.ReferenceNumber}} {
			p, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: id})
			require.NoError(t, err, "%+v", id)
			assert.Equal(t, res.Payment.ID, p.ID)
			assert.Equal(t, crmcomtest.OtherUser, p.ReceivedByUser.Username)
			assert.Equal(t, crmcomtest.AdminUnit, p.ReceivedByUnit.Name)
			require.Len(t, p.InvoicesToPaySet, 1)
			assert.Equal(t, fmt.Sprintf("N-%d", i+1), string(p.InvoicesToPaySet[0].Number))
			assert.True(t, p.InvoicesToPaySet[0].OutstandingAmount.IsZero())
		}
	}

	_, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{Number: "no-such"}})
	e := errOf(t, err, crmcom.ErrNotApplied)
	assert.Equal(t, "NOT_FOUND", e.Code)
	assert.False(t, e.Temporary)
	_, err = c.PayInvoice(ctx, payInvoice("no-such"))
	assert.Equal(t, "NOT_FOUND", errOf(t, err, crmcom.ErrNotApplied).Code)
	req := payInvoice("N-1")
	req.PaymentMethod = crmcom.PaymentMethodIdentifier{Name: "Cash"}
	_, err = c.PayInvoice(ctx, req)
	errOf(t, err, crmcom.ErrNotApplied)
}

func TestFieldsSetAndReadBack(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	var created []*crmcom.PaymentSummary
	for i := range 7 {
		p, err := c.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
			Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType}, LifeCycleState: crmcom.Posted,
			PaymentMethod: crmcom.PaymentMethodIdentifier{Name: []string{crmcomtest.BankTransfer, crmcomtest.DirectDebit}[i%2]},
			PaymentAmount: crmcom.Cents(int64(100 + i)), UserDefinedFields: crmcom.UserDefinedFields{UDFString1: fmt.Sprint("order-", i)},
		})
		require.NoError(t, err)
		created = append(created, p)
	}
	ar := crmcom.AccountsReceivableIdentifier{Number: "192"}

	p, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: created[0].Identifier(), FieldsSet: []string{"id", "life_cycle_state"}})
	require.NoError(t, err)
	assert.Equal(t, crmcom.Payment{ID: created[0].ID, LifeCycleState: crmcom.Posted}, *p, "only the fields asked for")
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: created[0].Identifier(), FieldsSet: []string{"colour"}})
	errOf(t, err, crmcom.ErrNotApplied)

	full, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: created[3].Identifier()})
	require.NoError(t, err)
	assert.Equal(t, "order-3", full.UDFString1)
	assert.Equal(t, "1.03", full.PaymentAmount.String())
	assert.Equal(t, "192", string(full.AccountsReceivable.Number))

	latest, err := c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{AccountsReceivable: ar, Number: 3, FieldsSet: []string{"id"}})
	require.NoError(t, err)
	require.Len(t, latest.Payments, 3)
	for i, p := range latest.Payments {
		assert.Equal(t, created[6-i].ID, p.ID, "the latest first")
	}
	dd, err := c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{AccountsReceivable: ar, Number: 10,
		PaymentMethod: crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit}})
	require.NoError(t, err)
	assert.Len(t, dd.Payments, 3, "filtered by method")

	// Every page, in order.
	calls := srv.Calls(crmcomtest.EndpointList)
	var ids []crmcom.ID
	for p, err := range c.AllPayments(ctx, &crmcom.ListPaymentsRequest{AccountsReceivable: ar, NumberOfResults: 3}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	require.Len(t, ids, 7)
	for i := range created {
		assert.Equal(t, created[i].ID, ids[i])
	}
	assert.Equal(t, 3, srv.Calls(crmcomtest.EndpointList)-calls, "pages of 3, 3 and 1")

	n := 0
	for range c.AllPayments(ctx, &crmcom.ListPaymentsRequest{AccountsReceivable: ar, NumberOfResults: 2}) {
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 5, srv.Calls(crmcomtest.EndpointList)-calls, "breaking out stops the paging")

	page, err := c.ListPayments(ctx, &crmcom.ListPaymentsRequest{AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "186"}})
	require.NoError(t, err)
	assert.NotNil(t, page.Payments)
	assert.Empty(t, page.Payments)
}

func TestAllPaymentsStopsWhenThePartnerIgnoresPaging(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on("GET", "/payments/list", 200, fixture(t, "list-response.json")) // always the same two
	var got int
	var last error
	for p, err := range c.AllPayments(context.Background(), &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, NumberOfResults: 2,
	}) {
		if err != nil {
			last = err
			continue
		}
		assert.NotNil(t, p)
		got++
	}
	assert.Equal(t, 2, got)
	assert.ErrorContains(t, last, "does not page")
	assert.Len(t, m.requests("GET", "/payments/list"), 2)

	// Without ids asked for, the repeat would go unseen: "id" is added.
	fields := []string{"payment_amount"}
	for _, err := range c.AllPayments(context.Background(), &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, NumberOfResults: 2, FieldsSet: fields,
	}) {
		last = err
	}
	assert.ErrorContains(t, last, "does not page")
	assert.Equal(t, "payment_amount,id", m.last(t, "GET", "/payments/list").url.Query().Get("fields_set"))
	assert.Equal(t, []string{"payment_amount"}, fields, "the caller's slice is left alone")
}

func TestGatewayPaymentNeedsACard(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-G", "42.00")
	req := payInvoice("I-G")
	req.PaymentMethod = crmcom.PaymentMethodIdentifier{Name: crmcomtest.GatewayMethod}
	_, err := c.PayInvoice(context.Background(), req)
	assert.Equal(t, "MANDATORY_PARAMETER_MISSING", errOf(t, err, crmcom.ErrNotApplied).Code)

	srv.AddCard("192", "card_15S0w0E0IcJRGs11e6ffmDXK")
	req.Card = crmcom.CardIdentifier{PaymentGatewayReferenceNumber: "card_15S0w0E0IcJRGs11e6ffmDXK"}
	res, err := c.PayInvoice(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "STRIPE", res.Payment.ProcessedByPaymentGateway)
	assert.True(t, strings.HasPrefix(res.Payment.PaymentGatewayReferenceNumber, "ch_"))
	assert.Equal(t, "card_15S0w0E0IcJRGs11e6ffmDXK", srv.Ledger()[0].Card)
}

func TestWebAPIKeyLogin(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-K", "1.00")
	c, err := crmcom.New(srv.KeyConfig())
	require.NoError(t, err)
	_, err = c.PayInvoice(context.Background(), payInvoice("I-K"))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Calls(crmcomtest.EndpointWebAPIKeyLogin))
	assert.Zero(t, srv.Calls(crmcomtest.EndpointLogin))

	cfg := srv.KeyConfig()
	cfg.WebAPIKey = "wrong-key-0123"
	c, err = crmcom.New(cfg)
	require.NoError(t, err)
	err = c.Login(context.Background())
	e := errOf(t, err, crmcom.ErrNotApplied)
	assert.Equal(t, "INVALID_CREDENTIALS", e.Code)
	assert.NotContains(t, err.Error(), "wrong-key-0123")
}

func TestWrongCredentials(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-W", "1.00")
	cfg := srv.Config()
	cfg.Password = "wrong-password-123"
	c, err := crmcom.New(cfg, fastRetry())
	require.NoError(t, err)
	_, err = c.PayInvoice(context.Background(), payInvoice("I-W"))
	e := errOf(t, err, crmcom.ErrNotApplied)
	assert.NotErrorIs(t, err, crmcom.ErrTemporary, "wrong credentials need a fix")
	assert.Equal(t, "PayInvoice", e.Op)
	assert.Equal(t, "Login", e.Step)
	assert.Equal(t, "INVALID_CREDENTIALS", e.Code)
	assert.Equal(t, 1, srv.Calls(crmcomtest.EndpointLogin), "a refused login is not retried")
	assert.Zero(t, srv.Calls(crmcomtest.EndpointPayInvoice))
	assert.NotContains(t, err.Error(), "wrong-password-123")
}

// A JWT is renewed shortly before its exp by one background login while
// callers go on with the old token: no call is refused for it.
func TestJWTRenewedBeforeItsExpiry(t *testing.T) {
	t.Parallel()
	// exp has whole seconds: this token lives 3 to 4 s by the client's
	// reading, and is renewed a quarter of that before its exp, which
	// leaves a renewal under a loaded race detector time to finish.
	srv, c := setup(t, crmcomtest.Options{JWT: true, TokenLifetime: 4 * time.Second})
	ctx := context.Background()
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	var renewed time.Time
	var mu sync.Mutex
	running := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if renewed.IsZero() && srv.Logins() >= 2 {
			renewed = time.Now()
		}
		return time.Since(start) < 6*time.Second && (renewed.IsZero() || time.Since(renewed) < 150*time.Millisecond)
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; running(); i++ {
				number := fmt.Sprintf("J-%d-%d", w, i)
				addInvoice(t, srv, number, "1.00")
				if _, err := c.PayInvoice(ctx, payInvoice(crmcom.ID(number))); err != nil {
					errs <- err
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.False(t, renewed.IsZero(), "renewed within 6 s")
	assert.Equal(t, 2, srv.Logins(), "one login, and one renewal before the exp")
	assert.Equal(t, srv.Calls(crmcomtest.EndpointPayInvoice), len(srv.Ledger()), "no call was refused for its token")
}

// A token that is not a JWT is renewed after the idle lifetime, before
// CRM.COM would refuse it.
func TestIdleTokenRenewed(t *testing.T) {
	t.Parallel()
	// Generous times, so a loaded machine's slow call does not look idle.
	srv := crmcomtest.NewServer(crmcomtest.Options{IdleTimeout: 1200 * time.Millisecond})
	t.Cleanup(srv.Close)
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	cfg := srv.Config()
	cfg.IdleLifetime = 900 * time.Millisecond
	c, err := crmcom.New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	for i, pause := range []time.Duration{0, 150 * time.Millisecond, 150 * time.Millisecond, 1000 * time.Millisecond} {
		time.Sleep(pause)
		number := crmcom.ID(fmt.Sprint("D-", i))
		addInvoice(t, srv, string(number), "1.00")
		_, err := c.PayInvoice(ctx, payInvoice(number))
		require.NoError(t, err)
	}
	assert.Equal(t, 2, srv.Logins(), "renewed once, after the idle pause")
	assert.Equal(t, 4, srv.Calls(crmcomtest.EndpointPayInvoice), "no call was refused for an idle token")

	// Configured longer than CRM.COM's idle time: refused, renewed, resent.
	srv.SetIdleTimeout(200 * time.Millisecond)
	cfg.IdleLifetime = time.Hour
	c, err = crmcom.New(cfg)
	require.NoError(t, err)
	require.NoError(t, c.Login(ctx))
	time.Sleep(400 * time.Millisecond)
	addInvoice(t, srv, "D-X", "1.00")
	_, err = c.PayInvoice(ctx, payInvoice("D-X"))
	require.NoError(t, err)
	assert.Equal(t, 4, srv.Logins())
	assert.Equal(t, 2, srv.CallsFor(crmcomtest.EndpointPayInvoice, "D-X"), "refused once for the token, then resent")
}

func TestCloseReleasesTheToken(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	require.NoError(t, c.Login(ctx))
	assert.Equal(t, 1, srv.LiveTokens())
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 1, srv.Releases())
	assert.Zero(t, srv.LiveTokens())

	addInvoice(t, srv, "I-C", "5.00")
	_, err := c.PayInvoice(ctx, payInvoice("I-C"))
	require.NoError(t, err, "a closed client logs in again")
	assert.Equal(t, 2, srv.Logins())
	assert.Equal(t, 1, srv.Calls(crmcomtest.EndpointPayInvoice), "the released token was never sent")
	require.NoError(t, c.Close(ctx))
	assert.Equal(t, 2, srv.Releases())
}

// An unknown outcome is settled with the read-back the error names; the
// partner applied it, and paying again is refused as already paid.
func TestUnknownOutcomeSettledWithGetLatest(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-U", "75.00")
	srv.SetReadLag(200 * time.Millisecond)
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-U", Action: crmcomtest.DropAfterApply})
	ctx := context.Background()
	_, err := c.PayInvoice(ctx, payInvoice("I-U"))
	e := errOf(t, err, crmcom.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "GetLatestPayments")
	assert.Equal(t, 1, srv.Applied("I-U"), "the fake applied it before the connection dropped")

	find := func() bool {
		latest, err := c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 5,
			FieldsSet: []string{"id", "life_cycle_state", "invoices_to_pay_set"},
		})
		require.NoError(t, err)
		for _, p := range latest.Payments {
			for _, inv := range p.InvoicesToPaySet {
				if inv.Number == "I-U" && p.LifeCycleState == crmcom.Posted {
					return true
				}
			}
		}
		return false
	}
	assert.False(t, find(), "the read-back lags")
	assert.Eventually(t, find, 2*time.Second, 50*time.Millisecond, "then shows the payment")

	_, err = c.PayInvoice(ctx, payInvoice("I-U"))
	errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Equal(t, 1, srv.Applied("I-U"))
}

// With refusals under HTTP 400 the outcomes are the same.
func TestRefusalsUnderHTTP400(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{RefusalStatus: 400})
	addInvoice(t, srv, "I-4", "4.00")
	ctx := context.Background()
	_, err := c.PayInvoice(ctx, payInvoice("I-4"))
	require.NoError(t, err)
	_, err = c.PayInvoice(ctx, payInvoice("I-4"))
	e := errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Equal(t, 400, e.StatusCode)
	assert.NotEmpty(t, e.Reconcile)

	srv.ExpireTokens()
	_, err = c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: srv.Ledger()[0].ID}})
	require.NoError(t, err, "an INVALID_TOKEN under 400 renews the token")
	assert.Equal(t, 2, srv.Logins())

	_, err = c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: crmcom.PaymentIdentifier{ID: srv.Ledger()[0].ID}})
	assert.Equal(t, 400, errOf(t, err, crmcom.ErrAlreadyApplied).StatusCode)
}

func TestDatesRoundTripInTheConfiguredLocation(t *testing.T) {
	t.Parallel()
	eet := time.FixedZone("EET", 2*60*60)
	srv, c := setup(t, crmcomtest.Options{Location: eet})
	addInvoice(t, srv, "I-T", "9.00")
	received := time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)
	req := payInvoice("I-T")
	req.ReceivedOn = received
	req.UserDefinedFields.UDFDate2 = received.Add(time.Hour)
	res, err := c.PayInvoice(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, eet, res.Payment.IssuedOn.Location())
	assert.WithinDuration(t, time.Now(), res.Payment.IssuedOn.Time, time.Minute, "read in the fake's zone, the instant is right")
	assert.True(t, received.Equal(srv.Ledger()[0].ReceivedOn), "sent in the configured zone")

	p, err := c.ShowPayment(context.Background(), &crmcom.ShowPaymentRequest{Payment: res.Payment.Identifier()})
	require.NoError(t, err)
	assert.True(t, p.ReceivedOn.Equal(received), "%v", p.ReceivedOn)
	assert.True(t, p.UDFDate2.Equal(received.Add(time.Hour)))
}

func TestClientNeverPrintsItsCredentials(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	keyed, err := crmcom.New(srv.KeyConfig())
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Login(ctx))
	require.NoError(t, keyed.Login(ctx))
	secrets := append(srv.IssuedSecrets(), crmcomtest.DefaultPassword, crmcomtest.DefaultWebAPIKey,
		base64.StdEncoding.EncodeToString([]byte(crmcomtest.DefaultWebAPIKey+":")))
	// Every verb, %s and %q included (a format in a variable, so vet lets
	// the misuse through, as it would in a caller's code).
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, client := range []*crmcom.Client{c, keyed} {
			printed := fmt.Sprintf(verb, client)
			for _, secret := range secrets {
				assert.NotContains(t, printed, secret, verb)
			}
		}
	}
}
