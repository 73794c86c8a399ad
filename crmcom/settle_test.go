package crmcom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unknownHint sends a call through a fault that leaves its outcome
// unknown and returns the settle request its error carries, after a trip
// through JSON, as an outbox stores it.
func unknownHint(t *testing.T, err error) *crmcom.SettleRequest {
	t.Helper()
	errOf(t, err, crmcom.ErrOutcomeUnknown)
	hint, ok := crmcom.SettleRequestOf(err)
	require.True(t, ok, "an unknown outcome carries a settle request")
	stored, err := json.Marshal(hint)
	require.NoError(t, err)
	var back crmcom.SettleRequest
	require.NoError(t, json.Unmarshal(stored, &back))
	assert.True(t, hint.SentAt.Equal(back.SentAt), "SentAt survives JSON")
	same := *hint
	same.SentAt = back.SentAt
	assert.Equal(t, same, back, "the request survives JSON")
	return &back
}

// createRequest creates a POSTED payment of amount on account 192, with
// ref in UDFString3 named as the reference.
func createRequest(t *testing.T, amount, ref string) *crmcom.CreatePaymentRequest {
	return &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.OtherPaymentType},
		LifeCycleState:     crmcom.Posted,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.BankTransfer},
		PaymentAmount:      mustAmount(t, amount),
		UserDefinedFields:  crmcom.UserDefinedFields{UDFString3: ref},
		ReferenceUDF:       3,
	}
}

func TestSettlePayInvoiceApplied(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-1", "138.00")
	ctx := context.Background()
	req := payInvoice("I-1")
	req.ExpectedAmount = mustAmount(t, "138")
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-1", Action: crmcomtest.DropAfterApply})
	_, err := c.PayInvoice(ctx, req)
	hint := unknownHint(t, err)
	assert.Equal(t, "PayInvoice", hint.Op)
	assert.Equal(t, crmcom.AccountsReceivableIdentifier{Number: "192"}, hint.AccountsReceivable)
	assert.Equal(t, crmcom.InvoiceIdentifier{Number: "I-1"}, hint.Invoice)
	assert.Equal(t, req.ExpectedAmount, hint.Amount)
	assert.WithinDuration(t, time.Now(), hint.SentAt, time.Minute)
	stored, _ := json.Marshal(hint)
	assert.Contains(t, string(stored), `{"op":"PayInvoice","accountsReceivable":{"number":"192"},"invoice":{"number":"I-1"},"amount":138.00,"sentAt":"`,
		"only the keys PayInvoice needs are stored")

	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1)
	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	p := res.Payments[0]
	assert.Equal(t, ledger[0].ID, p.ID)
	assert.Equal(t, ledger[0].Number, p.Number, "the receipt number")
	assert.Equal(t, ledger[0].ReferenceNumber, p.ReferenceNumber)
	assert.Equal(t, crmcom.Posted, p.LifeCycleState)
	assert.Equal(t, "138.00", res.Recorded.String())
	assert.False(t, res.AmountDiffers)
	assert.True(t, res.RetryAt.IsZero())

	_, err = c.PayInvoice(ctx, req)
	errOf(t, err, crmcom.ErrAlreadyApplied)
	assert.Equal(t, 1, srv.Applied("I-1"))
}

// Absent: sending the same pay again applies it once, and settling again
// finds it.
func TestSettleAbsentThenPaidAgainAppliesOnce(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	addInvoice(t, srv, "I-2", "60.00")
	ctx := context.Background()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-2", Action: crmcomtest.DropBeforeApply})
	_, err := c.PayInvoice(ctx, payInvoice("I-2"))
	hint := unknownHint(t, err)
	assert.True(t, hint.Amount.IsZero(), "no ExpectedAmount: nothing to compare")

	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status)
	assert.Empty(t, res.Payments)
	assert.Zero(t, srv.Applied("I-2"))

	_, err = c.PayInvoice(ctx, payInvoice("I-2"))
	require.NoError(t, err, "absent: the same pay is sent again")
	res, err = c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.False(t, res.AmountDiffers, "no amount to compare")
	assert.Equal(t, 1, srv.Applied("I-2"))
}

// An invoice paid in part before is not the pay: pay_invoice takes the
// whole outstanding amount, and the invoice still shows some.
func TestSettleIsNotFooledByAnEarlierPartPayment(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	addInvoice(t, srv, "I-3", "100.00")
	ctx := context.Background()
	part := createRequest(t, "40.00", "part-1")
	part.InvoicesToPay = []crmcom.InvoiceIdentifier{{Number: "I-3"}}
	_, err := c.CreatePayment(ctx, part)
	require.NoError(t, err)

	req := payInvoice("I-3")
	req.ExpectedAmount = mustAmount(t, "60")
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-3", Action: crmcomtest.DropBeforeApply})
	_, err = c.PayInvoice(ctx, req)
	hint := unknownHint(t, err)
	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status, "the POSTED part payment names the invoice, but 60.00 is still outstanding")

	paid, err := c.PayInvoice(ctx, req)
	require.NoError(t, err)
	res, err = c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1, "only the pay, not the part payment before it")
	assert.Equal(t, paid.Payment.ID, res.Payments[0].ID)
	assert.Equal(t, "60.00", res.Recorded.String())
	assert.False(t, res.AmountDiffers)
}

// A cancelled payment of the invoice is not the pay either.
func TestSettleIgnoresACancelledPayment(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	addInvoice(t, srv, "I-4", "20.00")
	ctx := context.Background()
	first, err := c.PayInvoice(ctx, payInvoice("I-4"))
	require.NoError(t, err)
	_, err = c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{Payment: first.Payment.Identifier(), Type: crmcom.TypeIdentifier{Name: crmcomtest.CancellationType}})
	require.NoError(t, err)

	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-4", Action: crmcomtest.DropBeforeApply})
	_, err = c.PayInvoice(ctx, payInvoice("I-4"))
	res, err := c.Settle(ctx, unknownHint(t, err))
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status)
}

func TestSettleAmountMismatchIsReported(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	addInvoice(t, srv, "I-5", "138.00")
	req := payInvoice("I-5")
	req.ExpectedAmount = mustAmount(t, "130.00") // the customer was charged less than is outstanding
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-5", Action: crmcomtest.FailAfterApply})
	_, err := c.PayInvoice(context.Background(), req)
	res, err := c.Settle(context.Background(), unknownHint(t, err))
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status, "applied: never pay it again")
	assert.Equal(t, "138.00", res.Recorded.String())
	assert.True(t, res.AmountDiffers, "but not what was charged: reported, not hidden")
}

func TestSettlePayBill(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	srv.AddBill(crmcomtest.Bill{Account: "186", Number: "128", Amount: crmcom.Cents(10000)})
	srv.AddBill(crmcomtest.Bill{Account: "186", Number: "129", Amount: crmcom.Cents(2000)})
	ctx := context.Background()
	req := docPayBill()
	req.ExpectedAmount = crmcom.Cents(10000)
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayBill, Key: "128", Action: crmcomtest.GarbleAfterApply})
	_, err := c.PayBill(ctx, req)
	hint := unknownHint(t, err)
	assert.Equal(t, "PayBill", hint.Op)
	assert.Equal(t, crmcom.BillIdentifier{Number: "128"}, hint.Bill)
	assert.Equal(t, crmcom.AccountsReceivableIdentifier{Number: "186"}, hint.AccountsReceivable)
	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Equal(t, srv.Ledger()[0].ID, res.Payments[0].ID)
	assert.False(t, res.AmountDiffers)

	other := docPayBill()
	other.Bill = crmcom.BillIdentifier{ReferenceNumber: "R-129"}
	srv.AddBill(crmcomtest.Bill{Account: "186", Number: "130", ReferenceNumber: "R-129", Amount: crmcom.Cents(500)})
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayBill, Key: "R-129", Action: crmcomtest.DropBeforeApply})
	_, err = c.PayBill(ctx, other)
	res, err = c.Settle(ctx, unknownHint(t, err))
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status, "bill 128's payment is not bill R-129's")
}

// A create is found by the reference in the user-defined field
// ReferenceUDF names; without one its error carries no settle request.
func TestSettleCreatePaymentByReference(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	ctx := context.Background()
	_, err := c.CreatePayment(ctx, createRequest(t, "10.00", "order-0")) // another payment, same account
	require.NoError(t, err)

	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Key: "192", Action: crmcomtest.EmptyAfterApply})
	req := createRequest(t, "25.00", "order-1")
	_, err = c.CreatePayment(ctx, req)
	hint := unknownHint(t, err)
	assert.Equal(t, crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		ReferenceUDF: 3, Reference: "order-1", Amount: mustAmount(t, "25"), SentAt: hint.SentAt}, *hint)
	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1)
	assert.Equal(t, srv.Ledger()[1].ID, res.Payments[0].ID)
	assert.Equal(t, "order-1", res.Payments[0].UDFString3)
	assert.Equal(t, "25.00", res.Recorded.String())
	assert.False(t, res.AmountDiffers)

	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Key: "192", Action: crmcomtest.DropBeforeApply})
	again := createRequest(t, "30.00", "order-2")
	_, err = c.CreatePayment(ctx, again)
	hint = unknownHint(t, err)
	res, err = c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status)
	_, err = c.CreatePayment(ctx, again)
	require.NoError(t, err, "absent: created again")
	res, err = c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Len(t, res.Payments, 1, "created once")

	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Key: "192", Action: crmcomtest.DropAfterApply})
	none := createRequest(t, "5.00", "order-3")
	none.ReferenceUDF = 0
	_, err = c.CreatePayment(ctx, none)
	errOf(t, err, crmcom.ErrOutcomeUnknown)
	_, ok := crmcom.SettleRequestOf(err)
	assert.False(t, ok, "without a reference there is nothing to settle with")
	assert.Contains(t, err.Error(), "CreatePaymentRequest.ReferenceUDF")
}

// A reference carried by two payments: both are listed, and their sum
// differs from what was charged.
func TestSettleCreatedTwiceIsReported(t *testing.T) {
	t.Parallel()
	_, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	for range 2 {
		_, err := c.CreatePayment(ctx, createRequest(t, "25.00", "order-9"))
		require.NoError(t, err)
	}
	res, err := c.Settle(ctx, &crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		ReferenceUDF: 3, Reference: "order-9", Amount: mustAmount(t, "25"), SentAt: time.Now()})
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Len(t, res.Payments, 2)
	assert.Equal(t, "50.00", res.Recorded.String())
	assert.True(t, res.AmountDiffers)
}

// PostPayment, RejectPayment and CancelPayment are settled by the
// payment's state.
func TestSettleLifeCycleCalls(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	ctx := context.Background()
	draft := func() *crmcom.PaymentSummary {
		t.Helper()
		req := createRequest(t, "15.00", fmt.Sprint("draft-", time.Now().UnixNano()))
		req.LifeCycleState = crmcom.Draft
		p, err := c.CreatePayment(ctx, req)
		require.NoError(t, err)
		return p
	}
	settle := func(err error) *crmcom.SettleResult {
		t.Helper()
		res, err := c.Settle(ctx, unknownHint(t, err))
		require.NoError(t, err)
		require.Len(t, res.Payments, 1, "the payment as it stands")
		return res
	}
	post := func(p *crmcom.PaymentSummary) error {
		_, err := c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: crmcom.PaymentIdentifier{ReferenceNumber: p.ReferenceNumber}})
		return err
	}
	reject := func(p *crmcom.PaymentSummary) error {
		_, err := c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{Payment: p.Identifier(), RejectionReason: crmcom.RejectionReasonIdentifier{Name: crmcomtest.RejectionReason}})
		return err
	}
	cancel := func(p crmcom.PaymentIdentifier) error {
		_, err := c.CancelPayment(ctx, &crmcom.CancelPaymentRequest{Payment: p, Type: crmcom.TypeIdentifier{Name: crmcomtest.CancellationType}})
		return err
	}

	// Post: cut before, absent (still DRAFT); sent again, cut after: applied.
	d := draft()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPost, Key: string(d.ReferenceNumber), Action: crmcomtest.DropBeforeApply})
	err := post(d)
	hint := unknownHint(t, err)
	assert.Equal(t, crmcom.SettleRequest{Op: "PostPayment", Payment: crmcom.PaymentIdentifier{ReferenceNumber: d.ReferenceNumber}, SentAt: hint.SentAt}, *hint)
	res := settle(err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status)
	assert.Equal(t, crmcom.Draft, res.Payments[0].LifeCycleState, "still DRAFT: post it again")
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPost, Key: string(d.ReferenceNumber), Action: crmcomtest.DropAfterApply})
	res = settle(post(d))
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Equal(t, crmcom.Posted, res.Payments[0].LifeCycleState)
	assert.NotEmpty(t, res.Payments[0].Number)
	assert.Equal(t, "15.00", res.Recorded.String())

	// Cancel the posted one: applied.
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCancel, Key: string(d.ID), Action: crmcomtest.FailAfterApply})
	res = settle(cancel(d.Identifier()))
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Equal(t, crmcom.Cancelled, res.Payments[0].LifeCycleState)

	// Reject: applied; a cut post of another draft that is then rejected is
	// absent, and its state says posting again cannot apply.
	r := draft()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointReject, Key: string(r.ID), Action: crmcomtest.DropAfterApply})
	res = settle(reject(r))
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	assert.Equal(t, crmcom.Rejected, res.Payments[0].LifeCycleState)
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPost, Key: string(r.ReferenceNumber), Action: crmcomtest.DropBeforeApply})
	res = settle(post(r))
	assert.Equal(t, crmcom.SettleAbsent, res.Status)
	assert.Equal(t, crmcom.Rejected, res.Payments[0].LifeCycleState)
}

// A busy account: Settle reads more of the latest payments while the
// answer is full and does not show the call.
func TestSettleReadsPastTheFirstFiftyPayments(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	addInvoice(t, srv, "I-OLD", "12.00")
	addInvoice(t, srv, "I-CUT", "13.00")
	ctx := context.Background()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-OLD", Action: crmcomtest.DropAfterApply})
	_, err := c.PayInvoice(ctx, payInvoice("I-OLD"))
	applied := unknownHint(t, err)
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-CUT", Action: crmcomtest.DropBeforeApply})
	_, err = c.PayInvoice(ctx, payInvoice("I-CUT"))
	absent := unknownHint(t, err)
	for i := range 120 {
		_, err := c.CreatePayment(ctx, createRequest(t, "1.00", fmt.Sprint("busy-", i)))
		require.NoError(t, err)
	}

	reads := srv.Calls(crmcomtest.EndpointGetLatest)
	res, err := c.Settle(ctx, applied)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status, "found 121 payments back")
	assert.Equal(t, 3, srv.Calls(crmcomtest.EndpointGetLatest)-reads, "50, 100, then 200 payments")

	reads = srv.Calls(crmcomtest.EndpointGetLatest)
	res, err = c.Settle(ctx, absent)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status, "absent only once the whole account was read")
	assert.Equal(t, 3, srv.Calls(crmcomtest.EndpointGetLatest)-reads)
}

// Within the grace a call that does not show is unknown, with the time to
// settle again.
func TestSettleWithinTheGraceIsUnknown(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(time.Hour))
	addInvoice(t, srv, "I-6", "6.00")
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-6", Action: crmcomtest.DropBeforeApply})
	_, err := c.PayInvoice(context.Background(), payInvoice("I-6"))
	hint := unknownHint(t, err)
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleUnknown, res.Status)
	assert.Equal(t, hint.SentAt.Add(time.Hour), res.RetryAt)
}

func TestSettleValidation(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	now := time.Now()
	ar := crmcom.AccountsReceivableIdentifier{Number: "192"}
	inv := crmcom.InvoiceIdentifier{Number: "I-1"}
	bill := crmcom.BillIdentifier{Number: "128"}
	pay := crmcom.PaymentIdentifier{ID: "P1"}
	for _, tc := range []struct {
		req    *crmcom.SettleRequest
		fields []string
	}{
		{nil, []string{"request"}},
		{&crmcom.SettleRequest{AccountsReceivable: ar, Invoice: inv, SentAt: now}, []string{"Op"}},
		{&crmcom.SettleRequest{Op: "PayCheque", AccountsReceivable: ar, Invoice: inv, SentAt: now}, []string{"Op"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", Invoice: inv, SentAt: now}, []string{"AccountsReceivable"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: crmcom.AccountsReceivableIdentifier{ID: "1", Number: "2"}, Invoice: inv, SentAt: now}, []string{"AccountsReceivable"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, SentAt: now}, []string{"Invoice"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: crmcom.InvoiceIdentifier{Number: "1\n"}, SentAt: now}, []string{"Invoice.number"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv, Bill: bill, SentAt: now}, []string{"Bill"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv, Payment: pay, SentAt: now}, []string{"Payment"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv, Reference: "x", SentAt: now}, []string{"ReferenceUDF"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv, Amount: crmcom.Cents(-1), SentAt: now}, []string{"Amount"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv, Amount: mustAmount(t, "1.005"), SentAt: now}, []string{"Amount"}},
		{&crmcom.SettleRequest{Op: "PayInvoice", AccountsReceivable: ar, Invoice: inv}, []string{"SentAt"}},
		{&crmcom.SettleRequest{Op: "PayBill", AccountsReceivable: ar, SentAt: now}, []string{"Bill"}},
		{&crmcom.SettleRequest{Op: "PayBill", AccountsReceivable: ar, Bill: bill, Invoice: inv, SentAt: now}, []string{"Invoice"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: ar, ReferenceUDF: 1, Reference: "r", SentAt: now}, []string{"Amount"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: ar, Reference: "r", Amount: crmcom.Cents(1), SentAt: now}, []string{"ReferenceUDF"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: ar, ReferenceUDF: 9, Reference: "r", Amount: crmcom.Cents(1), SentAt: now}, []string{"ReferenceUDF"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: ar, ReferenceUDF: 1, Amount: crmcom.Cents(1), SentAt: now}, []string{"Reference"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", AccountsReceivable: ar, ReferenceUDF: 1, Reference: "4111 1111 1111 1111", Amount: crmcom.Cents(1), SentAt: now}, []string{"Reference"}},
		{&crmcom.SettleRequest{Op: "CreatePayment", ReferenceUDF: 1, Reference: "r", Amount: crmcom.Cents(1), Invoice: inv, SentAt: now}, []string{"AccountsReceivable", "Invoice"}},
		{&crmcom.SettleRequest{Op: "PostPayment", SentAt: now}, []string{"Payment"}},
		{&crmcom.SettleRequest{Op: "RejectPayment", Payment: crmcom.PaymentIdentifier{ID: "1", Number: "2"}, SentAt: now}, []string{"Payment"}},
		{&crmcom.SettleRequest{Op: "CancelPayment", Payment: pay, AccountsReceivable: ar, SentAt: now}, []string{"AccountsReceivable"}},
	} {
		_, err := c.Settle(context.Background(), tc.req)
		refused(t, err, tc.fields...)
		assert.Equal(t, "Settle", errOf(t, err, crmcom.ErrNotApplied).Op)
	}
	assert.Zero(t, srv.Calls(crmcomtest.EndpointGetLatest)+srv.Calls(crmcomtest.EndpointShow)+srv.Calls(crmcomtest.EndpointLogin),
		"invalid input reads nothing")

	// CreatePaymentRequest.ReferenceUDF, checked before sending.
	req := createRequest(t, "1.00", "")
	_, err := c.CreatePayment(context.Background(), req)
	refused(t, err, "ReferenceUDF")
	req.ReferenceUDF = 9
	_, err = c.CreatePayment(context.Background(), req)
	refused(t, err, "ReferenceUDF")
}

// A failed read-back settles nothing: SettleUnknown, with an error of
// Settle naming the read.
func TestSettleReadFailureIsUnknown(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	ctx := context.Background()
	for _, tc := range []struct {
		endpoint, step string
		req            *crmcom.SettleRequest
	}{
		{crmcomtest.EndpointGetLatest, "GetLatestPayments", &crmcom.SettleRequest{Op: "PayInvoice",
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Invoice: crmcom.InvoiceIdentifier{Number: "I-1"}, SentAt: time.Now()}},
		{crmcomtest.EndpointShow, "ShowPayment", &crmcom.SettleRequest{Op: "PostPayment", Payment: crmcom.PaymentIdentifier{ID: "P1"}, SentAt: time.Now()}},
	} {
		srv.Inject(crmcomtest.Fault{Endpoint: tc.endpoint, Action: crmcomtest.Refuse, Status: 500, Times: crmcomtest.Forever})
		res, err := c.Settle(ctx, tc.req)
		var e *crmcom.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "Settle", e.Op)
		assert.Equal(t, tc.step, e.Step)
		assert.Equal(t, 500, e.StatusCode)
		assert.Contains(t, err.Error(), "crmcom Settle (step "+tc.step+")")
		assert.Equal(t, crmcom.SettleUnknown, res.Status, "a failed read-back settles nothing")
		srv.ClearFaults()
	}

	// CRM.COM refusing the read (no such payment) settles nothing either.
	res, err := c.Settle(ctx, &crmcom.SettleRequest{Op: "CancelPayment", Payment: crmcom.PaymentIdentifier{ID: "NOPE"}, SentAt: time.Now()})
	assert.Equal(t, "NOT_FOUND", errOf(t, err, crmcom.ErrNotApplied).Code)
	assert.Equal(t, crmcom.SettleUnknown, res.Status)

	_, ok := crmcom.SettleRequestOf(errors.New("other"))
	assert.False(t, ok)
	_, ok = crmcom.SettleRequestOf(nil)
	assert.False(t, ok)
}
