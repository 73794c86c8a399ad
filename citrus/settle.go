package citrus

import (
	"context"
	"errors"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

const opSettle = "Settle"

// ErrNoReadBack matches the error Settle returns: IPS offers no call to
// read a payment back, so an unknown outcome is settled by asking the
// county.
var ErrNoReadBack = errors.New("IPS offers no look-up call")

// Settle would read IPS back to answer what became of a post whose outcome
// was unknown, as the other partner packages do; IPS offers no call for
// it, so Settle always fails with an error matching ErrNoReadBack (and
// ErrNotApplied: nothing was read), whose message says what to ask the
// county: whether the transaction for the BillerReference is paid (its
// status, receipt number and amount). It sends nothing.
//
// It is here so an outbox settles every partner the same way: store the
// SettleRequest an unknown post's error carries (SettleRequestOf), call
// Settle, and on ErrNoReadBack hand the payment to a person.
func (c *Client) Settle(_ context.Context, req *SettleRequest) (*SettleResult, error) {
	var chk transport.Checks
	if !chk.Nil(req == nil) {
		chk.Text("BillerReference", req.BillerReference, MaxBillerReferenceLen)
	}
	if err := chk.Err(partner, opSettle); err != nil {
		return nil, err
	}
	e := &Error{Partner: partner, Op: opSettle, Outcome: NotApplied,
		Message: "IPS offers no look-up call: ask the county whether the transaction for this BillerReference is paid (its status, receipt number and amount)"}
	transport.Mark(e, ErrNoReadBack)
	return &SettleResult{Status: SettleUnknown}, e
}

// SettleRequestOf returns the settle request an unknown post's error
// carries, or false when err carries none.
func SettleRequestOf(err error) (*SettleRequest, bool) {
	return transport.SettleOf[*SettleRequest](err)
}

// withSettle attaches the settle request of a post to its error when the
// outcome is unknown.
func withSettle(err error, req *PostPaymentRequest) error {
	return transport.AttachSettle(err, func(sentAt time.Time) *SettleRequest {
		return &SettleRequest{BillerReference: req.BillerReference, Amount: req.Amount, SentAt: sentAt}
	})
}
