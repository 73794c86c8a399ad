package polaris

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

const opSettle = "Settle"

// Settle reads Polaris back to answer what became of a payment whose
// outcome was unknown. Polaris' read-back (GetFinesAndFees for
// req.PatronID) lists what charges owe, not the payments made, so Settle
// compares what the charges in req.MainTxnIDs owe now with what they owed
// before the payment (req.OwedBefore). Polaris applies a payment's whole
// amount to its charges, up to what they owe (the rest of an overpayment
// becomes a credit), so the payment shows as their outstanding amounts
// going down by req.Amount, or by all they owed if that was less:
//
//   - SettleApplied: they went down by at least that; the result says by
//     how much (Recorded) and whether it differs from what was expected
//     (AmountDiffers: applied, but not what the patron was charged).
//     Never pay it again.
//   - SettleAbsent: every one of them still owes exactly what it owed,
//     and the payment was sent more than the settle grace ago
//     (WithSettleGrace): pay again, with the same charges and amount.
//   - SettleUnknown: they owe what they owed, but the read-back may still
//     lag (RetryAt says when to settle again); or reading failed (the
//     error says why, as a step of Settle); or what Polaris shows is
//     neither the payment nor its absence (Reason says why: a charge is
//     no longer listed, since Polaris may drop a charge paid in full as
//     well as one waived or paid another way; they went down by less than
//     the payment; or one owes more than before). Never pay it again
//     meanwhile.
//
// The request is what an unknown payment's error carries
// (SettleRequestOf; only when the payment set OwedBefore), or what the
// caller stored before paying.
func (c *Client) Settle(ctx context.Context, req *SettleRequest) (*SettleResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	res := &SettleResult{}
	fines, err := c.GetFinesAndFees(ctx, &GetFinesAndFeesRequest{PatronID: req.PatronID})
	if err != nil {
		return res, c.http.AsStep(opSettle, opGet, err)
	}
	var before, now Amount
	var grew []TxnID
	for _, id := range req.MainTxnIDs {
		owed := req.OwedBefore[id]
		f, listed := fineOf(fines.FinesAndFees, id)
		if !listed {
			res.Unlisted = append(res.Unlisted, id)
			continue
		}
		res.Charges = append(res.Charges, f)
		if f.OutstandingAmount.Cmp(owed) > 0 {
			grew = append(grew, id)
		}
		var e1, e2 error
		before, e1 = before.Add(owed)
		now, e2 = now.Add(f.OutstandingAmount)
		if e1 != nil || e2 != nil {
			return res, &Error{Partner: partner, Op: opSettle, Message: "the outstanding amounts do not add up exactly"}
		}
	}
	var reason string
	switch {
	case len(res.Unlisted) > 0:
		reason = "Polaris no longer lists charge " + txnList(res.Unlisted) +
			" (paid in full, waived or removed: its list does not say which)"
	case len(grew) > 0:
		reason = "charge " + txnList(grew) + " owes more than before the payment"
	}
	if reason == "" {
		res.Recorded, _ = before.Sub(now) // both sums are exact: so is their difference
		expected := req.Amount
		if expected.Cmp(before) > 0 {
			expected = before // the rest became a credit
		}
		switch {
		case res.Recorded.IsZero():
			res.Status, res.RetryAt = c.http.Judge(false, req.SentAt)
			return res, nil
		case res.Recorded.Cmp(expected) >= 0:
			res.Status, res.RetryAt = c.http.Judge(true, req.SentAt)
			res.AmountDiffers = res.Recorded != expected
			return res, nil
		}
		reason = fmt.Sprintf("the charges went down by %s, less than the payment's %s: partly paid, by this payment or another", res.Recorded, expected)
	}
	// Unknown whatever the grace says; while it runs, the read may be stale.
	_, res.RetryAt = c.http.Judge(false, req.SentAt)
	res.Status, res.Reason = SettleUnknown, reason
	return res, nil
}

// fineOf returns the listed charge txn.
func fineOf(fines []FineFee, txn TxnID) (FineFee, bool) {
	for _, f := range fines {
		if f.TxnID == txn {
			return f, true
		}
	}
	return FineFee{}, false
}

// txnList writes ids as "1, 2".
func txnList(ids []TxnID) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(int64(id), 10))
	}
	return b.String()
}

func (r *SettleRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opSettle)
	}
	checkPatron(&chk, r.PatronID)
	checkTxnIDs(&chk, r.MainTxnIDs)
	if len(r.MainTxnIDs) > 0 {
		checkOwed(&chk, r.MainTxnIDs, r.OwedBefore)
	}
	checkAmount(&chk, "Amount", r.Amount, true)
	if r.SentAt.IsZero() {
		chk.Add("SentAt", "is required: when the payment was sent")
	}
	return chk.Err(partner, opSettle)
}

// SettleRequestOf returns the settle request an unknown payment's error
// carries, or false when err carries none.
func SettleRequestOf(err error) (*SettleRequest, bool) {
	return transport.SettleOf[*SettleRequest](err)
}

// withSettle attaches the settle request of a payment to its error when
// the outcome is unknown and the request said what its charges owed.
func withSettle(err error, req *PayFinesAndFeesRequest) error {
	return transport.AttachSettle(err, func(sentAt time.Time) *SettleRequest {
		if len(req.OwedBefore) == 0 {
			return nil // without what the charges owed there is nothing to compare
		}
		return &SettleRequest{
			PatronID: req.PatronID, MainTxnIDs: slices.Clone(req.MainTxnIDs), OwedBefore: maps.Clone(req.OwedBefore),
			Amount: req.TxnAmount, SentAt: sentAt,
		}
	})
}
