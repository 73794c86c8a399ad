package oraclepsc

import (
	"context"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

const opSettle = "Settle"

// Settle reads Oracle back to answer what became of a create whose outcome
// was unknown: it lists the checkout's payments filtered by
// req.PaymentReferenceID (ListCheckoutPayments with
// Filter.PaymentReferenceID, every page) and keeps the rows that hold
// exactly that reference (FindReference).
//
//   - SettleApplied: Oracle holds a row with the reference; the result
//     lists it, with the LineAmount Oracle recorded and whether it differs
//     from req.Amount. Never create it again.
//   - SettleAbsent: the checkout holds no row with the reference, and the
//     create was sent more than the settle grace ago (WithSettleGrace):
//     create it again, with the same PaymentReferenceID (and the same
//     CheckoutPmtID, if it named one).
//   - SettleUnknown: the reference does not show yet but the read-back
//     may still lag (the result says when to settle again), or reading
//     failed (the error says why). Never create it again meanwhile.
//
// An upsert whose outcome stayed unknown (the SDK retries upserts, so it
// rarely does) is settled the same way.
//
// The request is what an unknown create's error carries
// (SettleRequestOf), or what the caller stored before creating.
func (c *Client) Settle(ctx context.Context, req *SettleRequest) (*SettleResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	res := &SettleResult{}
	list := &ListCheckoutPaymentsRequest{
		CheckoutID: req.CheckoutID,
		Filter:     Filter{PaymentReferenceID: req.PaymentReferenceID},
		Limit:      MaxLimit,
	}
	for {
		page, err := c.ListCheckoutPayments(ctx, list)
		if err != nil {
			return res, c.http.AsStep(opSettle, opList, err)
		}
		res.Payments = append(res.Payments, page.FindReference(req.PaymentReferenceID)...)
		if !page.HasMore {
			break
		}
		if len(page.Items) == 0 {
			return res, &Error{Partner: partner, Op: opSettle, Step: opList, Outcome: NotApplied, Temporary: true,
				Message: "Oracle answered hasMore with an empty page; the read-back cannot go on"}
		}
		list.Offset += len(page.Items)
	}
	for _, p := range res.Payments {
		sum, err := res.Recorded.Add(p.LineAmount)
		if err != nil {
			return res, &Error{Partner: partner, Op: opSettle, Message: "the recorded amounts do not add up exactly"}
		}
		res.Recorded = sum
	}
	res.Status, res.RetryAt = c.http.Judge(len(res.Payments) > 0, req.SentAt)
	res.AmountDiffers = res.Status == SettleApplied && (res.Recorded != req.Amount || len(res.Payments) > 1)
	return res, nil
}

func (r *SettleRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opSettle)
	}
	chk.PathSegment("CheckoutID", string(r.CheckoutID), maxCheckoutID)
	checkReference(&chk, "PaymentReferenceID", r.PaymentReferenceID, true)
	chk.Money("Amount", r.Amount, false)
	if r.SentAt.IsZero() {
		chk.Add("SentAt", "is required: when the create was sent")
	}
	return chk.Err(partner, opSettle)
}

// SettleRequestOf returns the settle request an unknown create's error
// carries, or false when err carries none.
func SettleRequestOf(err error) (*SettleRequest, bool) {
	return transport.SettleOf[*SettleRequest](err)
}

// withSettle attaches the settle request of a create to its error when
// the outcome is unknown.
func withSettle(err error, req *CreateCheckoutPaymentRequest) error {
	return transport.AttachSettle(err, func(sentAt time.Time) *SettleRequest {
		return &SettleRequest{CheckoutID: req.CheckoutID, PaymentReferenceID: req.PaymentReferenceID, Amount: req.LineAmount, SentAt: sentAt}
	})
}
