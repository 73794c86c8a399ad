package accela_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSettleAcrossRecords(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, accela.WithSettleGrace(0))
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	srv.AddRecord(accelatest.Record{ID: "R-2"})
	txn := initialize(t, c, "R-1", "R-2")
	req := commitRequest(txn)
	req.RecordIDs = []string{"R-1", "R-2"}
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn), Action: accelatest.DropAfterApply})
	_, err := c.CommitPayment(context.Background(), req)
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown)

	hint, ok := accela.SettleRequestOf(err)
	require.True(t, ok, "an unknown commit carries its settle request")
	assert.Equal(t, txn, hint.TransactionID)
	assert.Equal(t, []string{"R-1", "R-2"}, hint.RecordIDs)
	assert.Equal(t, req.Amount, hint.Amount)
	assert.WithinDuration(t, time.Now(), hint.SentAt, time.Minute)

	stored, err := json.Marshal(hint) // an outbox keeps it across restarts
	require.NoError(t, err)
	var back accela.SettleRequest
	require.NoError(t, json.Unmarshal(stored, &back))
	res, err := c.Settle(context.Background(), &back)
	require.NoError(t, err)
	assert.Equal(t, accela.SettleApplied, res.Status)
	require.Len(t, res.Payments, 2, "one payment per record")
	for _, p := range res.Payments {
		assert.Equal(t, txn, p.TransactionID)
	}
	sum, err := req.Amount.Add(req.Amount)
	require.NoError(t, err)
	assert.Equal(t, sum, res.Recorded, "the fake records the full amount on each record")
	assert.True(t, res.AmountDiffers, "so the recorded sum is reported, not hidden")
	assert.Len(t, srv.Ledger(), 2)
}

func TestSettleAbsentCommitsAgainOnTheSameTransaction(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, accela.WithSettleGrace(0))
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	txn := initialize(t, c, "R-1")
	req := commitRequest(txn)
	req.RecordIDs = []string{"R-1"}
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn), Action: accelatest.DropBeforeApply})
	_, err := c.CommitPayment(context.Background(), req)
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown)
	hint, ok := accela.SettleRequestOf(err)
	require.True(t, ok)
	res, err := c.Settle(context.Background(), hint)
	require.NoError(t, err)
	assert.Equal(t, accela.SettleAbsent, res.Status)
	assert.Empty(t, res.Payments)
	_, err = c.CommitPayment(context.Background(), req)
	require.NoError(t, err, "the same transaction is committed again")
	assert.Len(t, srv.Ledger(), 1)
}

func TestSettleWithoutRecordIDsCarriesNoHint(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	txn := initialize(t, c, "R-1")
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn), Action: accelatest.DropAfterApply})
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown)
	_, ok := accela.SettleRequestOf(err)
	assert.False(t, ok, "without the record ids there is nothing to settle with")
	_, ok = accela.SettleRequestOf(errors.New("other"))
	assert.False(t, ok)
}

func TestSettleValidationAndReadFailure(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	for _, tc := range []struct {
		req   *accela.SettleRequest
		field string
	}{
		{nil, "request"},
		{&accela.SettleRequest{RecordIDs: []string{"R"}, Amount: accela.Cents(1), SentAt: time.Now()}, "TransactionID"},
		{&accela.SettleRequest{TransactionID: "1", Amount: accela.Cents(1), SentAt: time.Now()}, "RecordIDs"},
		{&accela.SettleRequest{TransactionID: "1", RecordIDs: []string{"a/b"}, Amount: accela.Cents(1), SentAt: time.Now()}, "RecordIDs"},
		{&accela.SettleRequest{TransactionID: "1", RecordIDs: []string{"R"}, SentAt: time.Now()}, "Amount"},
		{&accela.SettleRequest{TransactionID: "1", RecordIDs: []string{"R"}, Amount: accela.Cents(1)}, "SentAt"},
	} {
		_, err := c.Settle(context.Background(), tc.req)
		var e *accela.Error
		require.ErrorAs(t, err, &e)
		assert.ErrorIs(t, err, accela.ErrNotApplied)
		require.NotEmpty(t, e.Fields)
		assert.Equal(t, tc.field, e.Fields[0].Field)
	}
	assert.Zero(t, srv.Calls(accelatest.EndpointListPayments), "invalid input reads nothing")

	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Action: accelatest.Refuse, Status: 500, Times: accelatest.Forever})
	res, err := c.Settle(context.Background(), &accela.SettleRequest{TransactionID: "1", RecordIDs: []string{"R"}, Amount: accela.Cents(1), SentAt: time.Now()})
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Settle", e.Op)
	assert.Equal(t, "ListRecordPayments", e.Step)
	assert.Equal(t, accela.SettleUnknown, res.Status, "a failed read-back settles nothing")
}
