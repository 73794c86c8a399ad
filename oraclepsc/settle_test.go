package oraclepsc_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unknownCreate creates ref in checkout through a fault that leaves the
// outcome unknown and returns the settle request its error carries.
func unknownCreate(t *testing.T, srv *oraclepsctest.Server, c *oraclepsc.Client, req *oraclepsc.CreateCheckoutPaymentRequest, action oraclepsctest.Action) *oraclepsc.SettleRequest {
	t.Helper()
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: string(req.PaymentReferenceID), Action: action})
	_, err := c.CreateCheckoutPayment(context.Background(), req)
	require.ErrorIs(t, err, oraclepsc.ErrOutcomeUnknown)
	hint, ok := oraclepsc.SettleRequestOf(err)
	require.True(t, ok, "an unknown create carries its settle request")
	return hint
}

func TestSettleHintRoundTripsAndSettlesApplied(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	req := payment(checkout, "SETL0000000000000001")
	before := time.Now()
	hint := unknownCreate(t, srv, c, req, oraclepsctest.DropAfterApply)
	assert.Equal(t, checkout, hint.CheckoutID)
	assert.Equal(t, req.PaymentReferenceID, hint.PaymentReferenceID)
	assert.Equal(t, req.LineAmount, hint.Amount, "the LineAmount charged")
	assert.False(t, hint.SentAt.Before(before), "sent at or after the create started")
	assert.WithinDuration(t, time.Now(), hint.SentAt, time.Minute)

	stored, err := json.Marshal(hint) // an outbox keeps it across restarts
	require.NoError(t, err)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(stored, &keys))
	assert.Equal(t, `"`+string(checkout)+`"`, string(keys["checkoutId"]))
	assert.Equal(t, `"SETL0000000000000001"`, string(keys["paymentReferenceId"]))
	assert.Equal(t, `100.50`, string(keys["amount"]), "an exact decimal, never a float")
	assert.Contains(t, keys, "sentAt")
	var back oraclepsc.SettleRequest
	require.NoError(t, json.Unmarshal(stored, &back))
	assert.Equal(t, hint.CheckoutID, back.CheckoutID)
	assert.Equal(t, hint.PaymentReferenceID, back.PaymentReferenceID)
	assert.Equal(t, hint.Amount, back.Amount)
	assert.True(t, hint.SentAt.Equal(back.SentAt))

	res, err := c.Settle(context.Background(), &back)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1)
	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, ledger[0].Payment.CheckoutPmtID, res.Payments[0].CheckoutPmtID, "the row Oracle holds")
	assert.Equal(t, req.PaymentReferenceID, res.Payments[0].PaymentReferenceID)
	assert.Equal(t, oraclepsc.Cents(10050), res.Recorded)
	assert.False(t, res.AmountDiffers)
	assert.True(t, res.RetryAt.IsZero())
	assert.Equal(t, 1, srv.CallsFor(oraclepsctest.EndpointCreate, string(req.PaymentReferenceID)), "settling sends no create")
}

func TestSettleAbsentThenCreatedAgainAppliesOnce(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	req := payment(checkout, "SETL0000000000000002")
	req.CheckoutPmtID = 300000700000010
	hint := unknownCreate(t, srv, c, req, oraclepsctest.DropBeforeApply)

	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleAbsent, res.Status)
	assert.Empty(t, res.Payments)
	assert.False(t, res.AmountDiffers)

	_, err = c.CreateCheckoutPayment(context.Background(), req)
	require.NoError(t, err, "the same create, same PaymentReferenceID, is sent again")
	assert.Equal(t, 1, srv.Applied(req.PaymentReferenceID))
	res, err = c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status)
	assert.Equal(t, req.CheckoutPmtID, res.Payments[0].CheckoutPmtID)
	_, err = c.CreateCheckoutPayment(context.Background(), req)
	require.ErrorIs(t, err, oraclepsc.ErrAlreadyApplied, "and a third create is refused")
	assert.Equal(t, 1, srv.Applied(req.PaymentReferenceID))
}

func TestSettleAmountMismatchIsReported(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	req := payment(checkout, "SETL0000000000000003")
	hint := unknownCreate(t, srv, c, req, oraclepsctest.FailAfterApply)

	hint.Amount = oraclepsc.Cents(10000) // what the citizen was charged, per the caller
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status, "the payment stands")
	assert.Equal(t, oraclepsc.Cents(10050), res.Recorded, "what Oracle recorded")
	assert.True(t, res.AmountDiffers, "reported, not hidden")

	hint.Amount = amount(t, "100.5")
	res, err = c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.False(t, res.AmountDiffers, "100.5 is 100.50: amounts compare as exact decimals")
}

func TestSettleReferenceRecordedTwiceIsReported(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	req := payment(checkout, "SETL0000000000000004")
	_, err := c.CreateCheckoutPayment(context.Background(), req)
	require.NoError(t, err)
	hint := unknownCreate(t, srv, c, req, oraclepsctest.DropAfterApply) // a blind resend, without a CheckoutPmtID
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status)
	assert.Len(t, res.Payments, 2)
	assert.Equal(t, oraclepsc.Cents(20100), res.Recorded)
	assert.True(t, res.AmountDiffers, "two rows for one reference are not what was charged")
}

// An upsert is retried by the SDK; if every attempt fails it is settled
// like a plain create.
func TestSettleUnknownUpsert(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	req := payment(checkout, "SETL0000000000000005")
	req.CheckoutPmtID, req.Upsert = 300000700000011, true
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: string(req.PaymentReferenceID),
		Action: oraclepsctest.FailAfterApply, Times: oraclepsctest.Forever})
	_, err := c.CreateCheckoutPayment(context.Background(), req)
	require.ErrorIs(t, err, oraclepsc.ErrOutcomeUnknown)
	assert.Equal(t, 3, srv.CallsFor(oraclepsctest.EndpointCreate, string(req.PaymentReferenceID)), "retried")
	hint, ok := oraclepsc.SettleRequestOf(err)
	require.True(t, ok)
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1, "one row, updated by the retries")
	assert.Equal(t, req.CheckoutPmtID, res.Payments[0].CheckoutPmtID)
	assert.False(t, res.AmountDiffers)
}

func TestSettleWithinTheGraceSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(time.Hour))
	hint := unknownCreate(t, srv, c, payment(checkout, "SETL0000000000000006"), oraclepsctest.DropBeforeApply)
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleUnknown, res.Status, "not found within the grace is not absent")
	assert.True(t, res.RetryAt.Equal(hint.SentAt.Add(time.Hour)))

	hint.SentAt = hint.SentAt.Add(-2 * time.Hour) // an outbox settling it later
	res, err = c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleAbsent, res.Status)
	assert.True(t, res.RetryAt.IsZero())
}

func TestSettleValidatesEveryField(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	ok := func() *oraclepsc.SettleRequest {
		return &oraclepsc.SettleRequest{CheckoutID: checkout, PaymentReferenceID: "SETL0000000000000007", Amount: oraclepsc.Cents(100), SentAt: time.Now()}
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *oraclepsc.SettleRequest)
		field string
	}{
		{"no CheckoutID", func(r *oraclepsc.SettleRequest) { r.CheckoutID = "" }, "CheckoutID"},
		{"CheckoutID with a slash", func(r *oraclepsc.SettleRequest) { r.CheckoutID = "1/../2" }, "CheckoutID"},
		{"CheckoutID too long", func(r *oraclepsc.SettleRequest) { r.CheckoutID = oraclepsc.CheckoutID(strings.Repeat("1", 51)) }, "CheckoutID"},
		{"no PaymentReferenceID", func(r *oraclepsc.SettleRequest) { r.PaymentReferenceID = "" }, "PaymentReferenceID"},
		{"PaymentReferenceID with a quote", func(r *oraclepsc.SettleRequest) { r.PaymentReferenceID = "CPAY'1" }, "PaymentReferenceID"},
		{"PaymentReferenceID too long", func(r *oraclepsc.SettleRequest) {
			r.PaymentReferenceID = oraclepsc.PaymentReferenceID(strings.Repeat("1", 51))
		}, "PaymentReferenceID"},
		{"negative Amount", func(r *oraclepsc.SettleRequest) { r.Amount = oraclepsc.Cents(-1) }, "Amount"},
		{"Amount with 3 decimals", func(r *oraclepsc.SettleRequest) { r.Amount = amount(t, "1.005") }, "Amount"},
		{"no SentAt", func(r *oraclepsc.SettleRequest) { r.SentAt = time.Time{} }, "SentAt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := ok()
			tc.edit(req)
			res, err := c.Settle(context.Background(), req)
			assert.Nil(t, res)
			var e *oraclepsc.Error
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, oraclepsc.ErrNotApplied)
			assert.Equal(t, "Settle", e.Op)
			require.Len(t, e.Fields, 1)
			assert.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
	_, err := c.Settle(context.Background(), nil)
	assert.ErrorContains(t, err, "request: is nil")
	zero := ok()
	zero.Amount = oraclepsc.Amount{}
	_, err = c.Settle(context.Background(), zero)
	assert.NoError(t, err, "a create that sent no LineAmount settles with a zero Amount")
	assert.Equal(t, 1, srv.Calls(oraclepsctest.EndpointList), "only the valid requests were read back")
	_, ok2 := oraclepsc.SettleRequestOf(errors.New("other"))
	assert.False(t, ok2)
	_, ok2 = oraclepsc.SettleRequestOf(nil)
	assert.False(t, ok2)
}

func TestSettleReadFailureIsUnknown(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t, oraclepsc.WithSettleGrace(0))
	hint := unknownCreate(t, srv, c, payment(checkout, "SETL0000000000000008"), oraclepsctest.DropAfterApply)
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointList, Action: oraclepsctest.Refuse, Status: 500, Times: oraclepsctest.Forever})
	res, err := c.Settle(context.Background(), hint)
	var e *oraclepsc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Settle", e.Op)
	assert.Equal(t, "ListCheckoutPayments", e.Step)
	assert.Equal(t, 500, e.StatusCode)
	assert.Contains(t, err.Error(), "oraclepsc Settle (step ListCheckoutPayments)")
	require.NotNil(t, res)
	assert.Equal(t, oraclepsc.SettleUnknown, res.Status, "a failed read-back settles nothing")
	assert.Equal(t, 1, srv.Applied(hint.PaymentReferenceID))

	srv.ClearFaults()
	res, err = c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status, "settled once the read-back works")
}

// The read-back filters by the reference, walks every page and keeps only
// exact matches.
func TestWireSettleReadsEveryPage(t *testing.T) {
	t.Parallel()
	row := func(id int, ref string) string {
		return `{"CheckoutId":"` + wireCheckout + `","CheckoutPmtId":` + strconv.Itoa(id) + `,"PaymentReferenceId":"` + ref + `","LineAmount":50.25}`
	}
	hc, rec := mockOracle(t,
		answer{status: 200, body: []byte(`{"items":[` + row(1, wireRef) + `,` + row(2, wireRef+"X") + `],"count":2,"hasMore":true}`)},
		answer{status: 200, body: []byte(`{"items":[` + row(3, wireRef) + `],"count":1,"hasMore":false}`)},
	)
	c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc), fastRetry())
	require.NoError(t, err)
	res, err := c.Settle(context.Background(), &oraclepsc.SettleRequest{
		CheckoutID: wireCheckout, PaymentReferenceID: wireRef, Amount: amount(t, "100.50"), SentAt: time.Now(),
	})
	require.NoError(t, err)
	assert.Equal(t, oraclepsc.SettleApplied, res.Status)
	require.Len(t, res.Payments, 2, "only exact matches")
	assert.Equal(t, oraclepsc.CheckoutPmtID(3), res.Payments[1].CheckoutPmtID)
	assert.Equal(t, amount(t, "100.50"), res.Recorded)
	assert.True(t, res.AmountDiffers, "two rows hold the reference")
	require.Equal(t, 2, rec.count())
	for i, offset := range []string{"", "2"} {
		rec.mu.Lock()
		r := rec.reqs[i]
		rec.mu.Unlock()
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "/gateway/v1"+createPath, r.URL.Path)
		q, err := url.ParseQuery(r.URL.RawQuery)
		require.NoError(t, err)
		assert.Equal(t, "PaymentReferenceId='"+wireRef+"'", q.Get("q"))
		assert.Equal(t, "500", q.Get("limit"))
		assert.Equal(t, offset, q.Get("offset"))
	}

	hc, _ = mockOracle(t, answer{status: 200, body: []byte(`{"items":[],"count":0,"hasMore":true}`)})
	c, err = oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc), fastRetry())
	require.NoError(t, err)
	res, err = c.Settle(context.Background(), &oraclepsc.SettleRequest{
		CheckoutID: wireCheckout, PaymentReferenceID: wireRef, SentAt: time.Now().Add(-time.Hour),
	})
	assert.ErrorContains(t, err, "hasMore with an empty page")
	assert.ErrorIs(t, err, oraclepsc.ErrNotApplied)
	assert.Equal(t, oraclepsc.SettleUnknown, res.Status, "an incomplete read-back is never absent")
}
