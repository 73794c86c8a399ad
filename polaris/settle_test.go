package polaris_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// owedNow reads what p's charges owe now, for OwedBefore.
func owedNow(t *testing.T, c *polaris.Client, p polaristest.Patron) map[polaris.TxnID]polaris.Amount {
	t.Helper()
	fines, err := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)
	owed := map[polaris.TxnID]polaris.Amount{}
	for _, txn := range txnIDs(p) {
		a, listed := fines.Outstanding(txn)
		require.True(t, listed)
		owed[txn] = a
	}
	return owed
}

// unknownPay pays req through a fault that leaves the outcome unknown and
// returns the settle request its error carries.
func unknownPay(t *testing.T, srv *polaristest.Server, c *polaris.Client, req *polaris.PayFinesAndFeesRequest, action polaristest.Action) *polaris.SettleRequest {
	t.Helper()
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: key(req.PatronID), Action: action})
	_, err := c.PayFinesAndFees(context.Background(), req)
	require.ErrorIs(t, err, polaris.ErrOutcomeUnknown)
	hint, ok := polaris.SettleRequestOf(err)
	require.True(t, ok, "an unknown payment that said what its charges owed carries a settle request")
	return hint
}

func TestSettleHintAcrossCharges(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{ListPaidCharges: true}, polaris.WithSettleGrace(0))
	p := patronOwing(srv, 600, 400)
	req := cardPay(p, 750)
	req.OwedBefore = owedNow(t, c, p)
	hint := unknownPay(t, srv, c, req, polaristest.DropAfterApply)

	assert.Equal(t, p.ID, hint.PatronID)
	assert.Equal(t, txnIDs(p), hint.MainTxnIDs)
	assert.Equal(t, req.OwedBefore, hint.OwedBefore)
	assert.Equal(t, polaris.Cents(750), hint.Amount)
	assert.WithinDuration(t, time.Now(), hint.SentAt, time.Minute)
	req.OwedBefore[p.Charges[0].TxnID] = polaris.Cents(1)
	assert.Equal(t, polaris.Cents(600), hint.OwedBefore[p.Charges[0].TxnID], "the hint keeps its own copy")

	stored, err := json.Marshal(hint) // an outbox keeps it across restarts
	require.NoError(t, err)
	var back polaris.SettleRequest
	require.NoError(t, json.Unmarshal(stored, &back))
	assert.True(t, hint.SentAt.Equal(back.SentAt), "JSON keeps the instant")
	back.SentAt = hint.SentAt
	assert.Equal(t, *hint, back, "and every other field")

	res, err := c.Settle(context.Background(), &back)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleApplied, res.Status)
	assert.Equal(t, polaris.Cents(750), res.Recorded)
	assert.False(t, res.AmountDiffers)
	assert.Empty(t, res.Reason)
	assert.Zero(t, res.RetryAt)
	assert.Empty(t, res.Unlisted)
	require.Len(t, res.Charges, 2, "in the payment's order, with what each owes now")
	assert.Equal(t, p.Charges[0].TxnID, res.Charges[0].TxnID)
	assert.True(t, res.Charges[0].OutstandingAmount.IsZero())
	assert.Equal(t, polaris.Cents(250), res.Charges[1].OutstandingAmount)
	assert.Equal(t, 1, srv.Applied(p.ID))
}

// Polaris lists what a patron owes, and may drop a charge paid in full:
// then a full payment cannot be told from a waiver or a payment made
// another way, and Settle says so instead of guessing.
func TestSettleChargeNoLongerListed(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{}, polaris.WithSettleGrace(0))
	p := patronOwing(srv, 600, 400)
	req := cardPay(p, 750)
	req.OwedBefore = owedNow(t, c, p)
	hint := unknownPay(t, srv, c, req, polaristest.FailAfterApply)

	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err, "Polaris answered")
	assert.Equal(t, polaris.SettleUnknown, res.Status, "paid in full, waived or paid at the desk: the list cannot tell")
	assert.Equal(t, []polaris.TxnID{p.Charges[0].TxnID}, res.Unlisted)
	assert.Contains(t, res.Reason, "no longer lists charge "+strconv.FormatInt(int64(p.Charges[0].TxnID), 10))
	assert.Zero(t, res.RetryAt, "past the grace: settling again will not change it")
	assert.True(t, res.Recorded.IsZero(), "not every charge is listed, so nothing is summed")
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestSettleAbsentThenPaidAgainAppliesOnce(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{}, polaris.WithSettleGrace(0))
	p := patronOwing(srv, 600, 400)
	req := cardPay(p, 1000)
	req.OwedBefore = owedNow(t, c, p)
	hint := unknownPay(t, srv, c, req, polaristest.DropBeforeApply)

	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleAbsent, res.Status)
	assert.True(t, res.Recorded.IsZero())
	require.Len(t, res.Charges, 2, "they still owe what they owed")
	for _, f := range res.Charges {
		assert.Equal(t, req.OwedBefore[f.TxnID], f.OutstandingAmount)
	}
	assert.Zero(t, srv.Applied(p.ID))

	_, err = c.PayFinesAndFees(context.Background(), req)
	require.NoError(t, err, "absent: the same payment is sent again")
	_, err = c.PayFinesAndFees(context.Background(), req)
	require.ErrorIs(t, err, polaris.ErrAlreadyApplied, "and only once")
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestSettleAmounts(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{AllowOverpayment: true, ListPaidCharges: true}, polaris.WithSettleGrace(0))
	ctx := context.Background()

	// Polaris recorded 6.00 where the patron was charged 5.99.
	p := patronOwing(srv, 600)
	req := cardPay(p, 600)
	req.OwedBefore = owedNow(t, c, p)
	hint := unknownPay(t, srv, c, req, polaristest.DropAfterApply)
	hint.Amount = polaris.Cents(599)
	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleApplied, res.Status)
	assert.Equal(t, polaris.Cents(600), res.Recorded)
	assert.True(t, res.AmountDiffers, "applied, but not what was charged: reported, not hidden")

	// An overpayment: the charge went down by all it owed, the rest is a
	// credit the fines list does not show.
	p = patronOwing(srv, 600)
	req = cardPay(p, 650)
	req.Overpayment = true
	req.OwedBefore = owedNow(t, c, p)
	res, err = c.Settle(ctx, unknownPay(t, srv, c, req, polaristest.DropAfterApply))
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleApplied, res.Status)
	assert.Equal(t, polaris.Cents(600), res.Recorded)
	assert.False(t, res.AmountDiffers)

	// Partly paid: the charge went down by 4.00, the payment was 6.00.
	p = patronOwing(srv, 1000)
	_, err = c.PayFinesAndFees(ctx, cardPay(p, 400))
	require.NoError(t, err)
	partly := &polaris.SettleRequest{PatronID: p.ID, MainTxnIDs: txnIDs(p),
		OwedBefore: map[polaris.TxnID]polaris.Amount{p.Charges[0].TxnID: polaris.Cents(1000)}, Amount: polaris.Cents(600), SentAt: time.Now()}
	res, err = c.Settle(ctx, partly)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleUnknown, res.Status, "neither this payment nor its absence")
	assert.Equal(t, polaris.Cents(400), res.Recorded)
	assert.Contains(t, res.Reason, "went down by 4.00, less than the payment's 6.00")

	// A charge owing more than the request says it owed.
	partly.OwedBefore[p.Charges[0].TxnID] = polaris.Cents(500)
	res, err = c.Settle(ctx, partly)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleUnknown, res.Status)
	assert.Contains(t, res.Reason, "owes more than before")
}

func TestSettleWithinTheGraceSaysWhenToSettleAgain(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{}, polaris.WithSettleGrace(time.Hour))
	p := patronOwing(srv, 600)
	req := cardPay(p, 600)
	req.OwedBefore = owedNow(t, c, p)
	hint := unknownPay(t, srv, c, req, polaristest.DropBeforeApply)
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, polaris.SettleUnknown, res.Status, "not showing within the grace is not absent")
	assert.Equal(t, hint.SentAt.Add(time.Hour), res.RetryAt)
	assert.Empty(t, res.Reason)
}

func TestSettleRequestOnlyWhenTheOutcomeIsUnknown(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()

	p := patronOwing(srv, 600)
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: key(p.ID), Action: polaristest.DropAfterApply})
	_, err := c.PayFinesAndFees(ctx, cardPay(p, 600))
	require.ErrorIs(t, err, polaris.ErrOutcomeUnknown)
	_, ok := polaris.SettleRequestOf(err)
	assert.False(t, ok, "without OwedBefore there is nothing to settle with")

	p = patronOwing(srv, 600)
	req := cardPay(p, 600)
	req.OwedBefore = owedNow(t, c, p)
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: key(p.ID), Action: polaristest.Refuse, Status: 400})
	_, err = c.PayFinesAndFees(ctx, req)
	require.ErrorIs(t, err, polaris.ErrNotApplied)
	_, ok = polaris.SettleRequestOf(err)
	assert.False(t, ok, "not applied: nothing to settle")
	_, err = c.PayFinesAndFees(ctx, req)
	require.NoError(t, err)
	_, err = c.PayFinesAndFees(ctx, req)
	require.ErrorIs(t, err, polaris.ErrAlreadyApplied)
	_, ok = polaris.SettleRequestOf(err)
	assert.False(t, ok, "already applied: nothing to settle")

	_, ok = polaris.SettleRequestOf(nil)
	assert.False(t, ok)
	_, ok = polaris.SettleRequestOf(errors.New("other"))
	assert.False(t, ok)

	// A workflow answer names neither patron nor charges: no settle request.
	wf := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100)})
	a := wf.Answer(polaris.PromptPay)
	a.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Amount{})
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointWorkflow, Action: polaristest.DropAfterApply})
	_, err = c.AnswerWorkflow(ctx, a)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, polaris.ErrOutcomeUnknown)
	assert.Nil(t, e.Settle)
	assert.Contains(t, e.Reconcile, "Settle cannot tell")
}

func TestSettleValidation(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	valid := func() *polaris.SettleRequest {
		return &polaris.SettleRequest{PatronID: 1, MainTxnIDs: []polaris.TxnID{11, 12},
			OwedBefore: map[polaris.TxnID]polaris.Amount{11: polaris.Cents(600), 12: polaris.Cents(400)},
			Amount:     polaris.Cents(1000), SentAt: time.Now()}
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *polaris.SettleRequest)
		field string
	}{
		{"PatronID", func(r *polaris.SettleRequest) { r.PatronID = 0 }, "PatronID"},
		{"no MainTxnIDs", func(r *polaris.SettleRequest) { r.MainTxnIDs = nil }, "MainTxnIDs"},
		{"a MainTxnID twice", func(r *polaris.SettleRequest) { r.MainTxnIDs = []polaris.TxnID{11, 11} }, "MainTxnIDs"},
		{"a MainTxnID of 0", func(r *polaris.SettleRequest) { r.MainTxnIDs[1] = 0 }, "MainTxnIDs"},
		{"no OwedBefore", func(r *polaris.SettleRequest) { r.OwedBefore = nil }, "OwedBefore"},
		{"OwedBefore misses a charge", func(r *polaris.SettleRequest) { delete(r.OwedBefore, 12) }, "OwedBefore"},
		{"OwedBefore has another charge", func(r *polaris.SettleRequest) { r.OwedBefore[13] = polaris.Cents(1) }, "OwedBefore"},
		{"OwedBefore names other charges", func(r *polaris.SettleRequest) {
			r.OwedBefore = map[polaris.TxnID]polaris.Amount{11: polaris.Cents(1), 13: polaris.Cents(1)}
		}, "OwedBefore"},
		{"OwedBefore zero", func(r *polaris.SettleRequest) { r.OwedBefore[11] = polaris.Amount{} }, "OwedBefore"},
		{"OwedBefore 3 decimals", func(r *polaris.SettleRequest) { r.OwedBefore[11] = mustAmount(t, "6.001") }, "OwedBefore"},
		{"OwedBefore too much", func(r *polaris.SettleRequest) {
			r.OwedBefore[11] = polaris.Cents(polaris.MaxAmountCents)
		}, "OwedBefore"},
		{"no Amount", func(r *polaris.SettleRequest) { r.Amount = polaris.Amount{} }, "Amount"},
		{"negative Amount", func(r *polaris.SettleRequest) { r.Amount = polaris.Cents(-1) }, "Amount"},
		{"Amount 3 decimals", func(r *polaris.SettleRequest) { r.Amount = mustAmount(t, "10.001") }, "Amount"},
		{"no SentAt", func(r *polaris.SettleRequest) { r.SentAt = time.Time{} }, "SentAt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.edit(r)
			res, err := c.Settle(context.Background(), r)
			assert.Nil(t, res)
			var e *polaris.Error
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, polaris.ErrNotApplied)
			assert.Equal(t, "Settle", e.Op)
			require.NotEmpty(t, e.Fields)
			assert.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
	_, err := c.Settle(context.Background(), nil)
	assert.ErrorContains(t, err, "request: is nil")
	assert.Zero(t, srv.Calls(polaristest.EndpointFinesFees)+srv.Calls(polaristest.EndpointStaffUser), "invalid input reads nothing")

	// The pay request's OwedBefore is checked the same way, before sending.
	p := patronOwing(srv, 600)
	req := cardPay(p, 600)
	req.OwedBefore = map[polaris.TxnID]polaris.Amount{p.Charges[0].TxnID + 1: polaris.Cents(600)}
	_, err = c.PayFinesAndFees(context.Background(), req)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, "OwedBefore", e.Fields[0].Field)
	assert.Zero(t, srv.Calls(polaristest.EndpointPay), "nothing was sent")
}

func TestSettleReadBackFails(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointFinesFees, Action: polaristest.Refuse, Status: 500, Times: polaristest.Forever})
	res, err := c.Settle(context.Background(), &polaris.SettleRequest{PatronID: p.ID, MainTxnIDs: txnIDs(p),
		OwedBefore: map[polaris.TxnID]polaris.Amount{p.Charges[0].TxnID: polaris.Cents(600)}, Amount: polaris.Cents(600), SentAt: time.Now()})
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Settle", e.Op)
	assert.Equal(t, "GetFinesAndFees", e.Step)
	assert.Equal(t, 500, e.StatusCode)
	assert.Contains(t, err.Error(), "polaris Settle (step GetFinesAndFees)")
	require.NotNil(t, res)
	assert.Equal(t, polaris.SettleUnknown, res.Status, "a failed read-back settles nothing")
	assert.Zero(t, res.RetryAt)
}

func mustAmount(t *testing.T, s string) polaris.Amount {
	t.Helper()
	a, err := polaris.ParseAmount(s)
	require.NoError(t, err)
	return a
}
