package accela

import (
	"context"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

const opSettle = "Settle"

// Settle reads Accela back to answer what became of a commit whose outcome
// was unknown: for each of req.RecordIDs it lists the record's payments
// (ListRecordPayments) and looks for req.TransactionID.
//
//   - SettleApplied: Accela holds payments for the transaction; the result
//     lists them, with the amount Accela recorded and whether it differs
//     from req.Amount. Never commit it again.
//   - SettleAbsent: no record shows the transaction, and the commit was
//     sent more than the settle grace ago (WithSettleGrace): commit again,
//     on the same TransactionID (an initialized transaction stays open).
//   - SettleUnknown: the transaction does not show yet but the read-back
//     may still lag (the result says when to settle again), or reading
//     failed (the error says why). Never commit it again meanwhile.
//
// The request is what an unknown commit's error carries
// (SettleRequestOf), or what the caller stored before committing.
func (c *Client) Settle(ctx context.Context, req *SettleRequest) (*SettleResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	res := &SettleResult{}
	for _, record := range req.RecordIDs {
		list, err := c.ListRecordPayments(ctx, &ListRecordPaymentsRequest{RecordID: record})
		if err != nil {
			return res, c.http.AsStep(opSettle, "ListRecordPayments", err)
		}
		res.Payments = append(res.Payments, list.FindTransaction(req.TransactionID)...)
	}
	for _, p := range res.Payments {
		sum, err := res.Recorded.Add(p.Amount)
		if err != nil {
			return res, &Error{Partner: partner, Op: opSettle, Outcome: NotApplied, Message: "the recorded amounts do not add up exactly"}
		}
		res.Recorded = sum
	}
	res.Status, res.RetryAt = c.http.Judge(len(res.Payments) > 0, req.SentAt)
	res.AmountDiffers = res.Status == SettleApplied && res.Recorded != req.Amount
	return res, nil
}

func (r *SettleRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opSettle)
	}
	chk.PathSegment("TransactionID", string(r.TransactionID), maxID)
	if len(r.RecordIDs) == 0 {
		chk.Add("RecordIDs", "needs the records the transaction was initialized for")
	}
	for _, id := range r.RecordIDs {
		chk.PathSegment("RecordIDs", id, maxID)
	}
	chk.Money("Amount", r.Amount, true)
	if r.SentAt.IsZero() {
		chk.Add("SentAt", "is required: when the commit was sent")
	}
	return chk.Err(partner, opSettle)
}

// SettleRequestOf returns the settle request an unknown commit's error
// carries, or false when err carries none.
func SettleRequestOf(err error) (*SettleRequest, bool) {
	return transport.SettleOf[*SettleRequest](err)
}

// withSettle attaches the settle request of a commit to its error when
// the outcome is unknown.
func withSettle(err error, req *CommitPaymentRequest) error {
	return transport.AttachSettle(err, func(sentAt time.Time) *SettleRequest {
		if len(req.RecordIDs) == 0 {
			return nil // without the records there is nothing to read back
		}
		return &SettleRequest{TransactionID: req.TransactionID, RecordIDs: req.RecordIDs, Amount: req.Amount, SentAt: sentAt}
	})
}
