package citrus

import (
	"context"
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/transport"
)

// MaxBillerReferenceLen is the longest BillerReference PostPayment accepts.
const MaxBillerReferenceLen = 255

const opPostPayment = "PostPayment"

// reconcile is the advice on an unknown outcome: IPS documents no look-up.
const reconcile = "IPS offers no look-up call: ask the county whether the payment for this BillerReference was applied before posting it again"

// PostPayment tells IPS that the invoice carrying req.BillerReference (IPS'
// "Token") has been paid: POST
// cashiering/paymentprocessing/callback/authorized?Token=BillerReference.
//
// It returns the transaction IPS recorded and nil when IPS applied the
// payment. When IPS answers success:false, the error is ErrNotApplied and
// the result is still returned, so the transaction IPS holds can be
// inspected.
//
// A post is never resent automatically once it may have reached IPS. If
// the connection fails or times out after the request was written, IPS
// answers 5xx, or IPS' answer does not say whether it applied the payment,
// the error is ErrOutcomeUnknown: ask the county before posting again (IPS
// has no look-up call). An expired session (401) is renewed and the post
// resent once, as the 401 proves it was not applied.
func (c *Client) PostPayment(ctx context.Context, req *PostPaymentRequest) (*PostPaymentResult, error) {
	var chk transport.Checks
	if !chk.Nil(req == nil) {
		chk.Text("BillerReference", req.BillerReference, MaxBillerReferenceLen)
		chk.Money("Amount", req.Amount, false)
	}
	if err := chk.Err(partner, opPostPayment); err != nil {
		return nil, err
	}
	query := "Token=" + url.QueryEscape(req.BillerReference)
	var res *PostPaymentResult
	err := c.session.Do(ctx, opPostPayment, func(ctx context.Context, s session) error {
		var out callbackAnswer
		resp, err := c.http.Do(ctx, &transport.Request{
			Op:     opPostPayment,
			Effect: transport.Write,
			Method: http.MethodPost,
			Path:   "/cashiering/paymentprocessing/callback/authorized",
			Query:  query,
			JSON: callbackBody{
				VoidReasonOnFailure: c.cfg.VoidReasonOnFailure,
				CashRegister:        c.cfg.CashRegister,
				Token:               req.BillerReference,
			},
			Header:    c.headers,
			Cookies:   s.cookies,
			Reconcile: reconcile,
		}, &out)
		if err != nil {
			return err
		}
		res, err = out.result(resp, req)
		return err
	})
	return res, withSettle(err, req)
}

// result decides what a confirming callback answer means:
//   - success:true and no errorCode: applied;
//   - success:false, or an errorCode with no success flag: not applied;
//   - success:true with an errorCode: IPS contradicts itself, the outcome
//     is unknown.
func (a *callbackAnswer) result(resp *transport.Response, req *PostPaymentRequest) (*PostPaymentResult, error) {
	rs := a.ResponseStatus
	res := &PostPaymentResult{ResponseStatus: rs.scrubbed(resp)}
	var success *bool
	if a.Data != nil {
		res.Transaction = a.Data.Transaction
		success = a.Data.Success
	}
	if success != nil {
		res.Success = *success
	}
	if !req.Amount.IsZero() && res.Transaction.TransactionAmount != req.Amount {
		res.AmountDiffers = true
	}
	switch {
	case success != nil && *success && rs.ErrorCode == "":
		return res, nil
	case success != nil && !*success, success == nil && rs.ErrorCode != "":
		msg := rs.Message
		if rs.ErrorCode == "" && msg == "" {
			msg = "IPS answered success:false: the payment was not applied"
		}
		return res, resp.Refused(rs.ErrorCode, msg, fieldErrors(rs.Errors)...)
	default:
		msg := rs.Message
		if msg == "" {
			msg = "IPS answered success:true with an error code"
		}
		return res, resp.Unknown(rs.ErrorCode, msg)
	}
}

// scrubbed returns the status block with every text IPS may have echoed
// from the request scrubbed of secrets and card numbers, so a result the
// caller logs is as safe as an error.
func (rs ResponseStatus) scrubbed(resp *transport.Response) ResponseStatus {
	rs.ErrorCode, rs.Message, rs.StackTrace = resp.Scrub(rs.ErrorCode), resp.Scrub(rs.Message), resp.Scrub(rs.StackTrace)
	if len(rs.Errors) > 0 {
		errs := make([]ResponseError, len(rs.Errors))
		for i, e := range rs.Errors {
			e.ErrorCode, e.FieldName, e.Message = resp.Scrub(e.ErrorCode), resp.Scrub(e.FieldName), resp.Scrub(e.Message)
			errs[i] = e
		}
		rs.Errors = errs
	}
	return rs
}
