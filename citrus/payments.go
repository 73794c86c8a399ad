package citrus

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/transport"
)

// MaxBillerReferenceLen is the longest BillerReference PostPayment accepts.
const MaxBillerReferenceLen = 255

// reconcile is the advice on an unknown outcome: IPS documents no look-up.
const reconcile = "IPS offers no look-up call: ask the county whether the payment for this BillerReference was applied before posting it again"

// callbackBody is the JSON body of the payment callback.
type callbackBody struct {
	VoidReasonOnFailure string `json:"voidReasonOnFailure"`
	CashRegister        string `json:"cashRegister"`
	Token               string `json:"Token"`
}

// PostPayment tells IPS that the invoice carrying billerReference (the
// BillerReference field, IPS' "Token") has been paid:
// POST cashiering/paymentprocessing/callback/authorized?Token=billerReference.
//
// It returns the transaction IPS recorded and nil when IPS applied the
// payment. When IPS answers success:false, the error matches ErrNotApplied
// and the result is still returned, so the transaction IPS holds can be
// inspected.
//
// A post is never resent automatically once it may have reached IPS. If the
// connection fails or times out after the request was written, or IPS
// answers 5xx, the payment may have been applied: the error matches
// ErrOutcomeUnknown and must be reconciled with the county before posting
// again. An expired session (401) is renewed and the post resent once, as
// the 401 proves it was not applied.
func (c *Client) PostPayment(ctx context.Context, billerReference string) (*PostPaymentResult, error) {
	const op = "PostPayment"
	if v := transport.CheckText("BillerReference", billerReference, MaxBillerReferenceLen); v != nil {
		return nil, transport.Invalid(partner, op, v.Field, v.Reason)
	}
	var res *PostPaymentResult
	err := c.session.Do(ctx, op, func(ctx context.Context, auth AuthResult) error {
		var out callbackResponse
		resp, err := c.http.Do(ctx, &transport.Request{
			Op:     op,
			Kind:   transport.Write,
			Method: http.MethodPost,
			Path:   "/cashiering/paymentprocessing/callback/authorized",
			Query:  url.Values{"Token": {billerReference}},
			JSON: callbackBody{
				VoidReasonOnFailure: c.cfg.VoidReasonOnFailure,
				CashRegister:        c.cfg.CashRegister,
				Token:               billerReference,
			},
			Header:    c.headers(),
			Cookies:   c.sessionCookies(auth.SessionID.Reveal()),
			Reconcile: reconcile,
		}, &out)
		if err != nil {
			return err
		}
		res, err = callbackResult(resp, &out)
		return err
	})
	return res, err
}

// sessionCookies are the cookies the partner document maps: ips.username and
// the session id as both ss-id and ss-pid. Cookies IPS sets itself (such as
// InstanceId) come from the client's cookie jar.
func (c *Client) sessionCookies(sessionID string) []*http.Cookie {
	return []*http.Cookie{
		{Name: "ips.username", Value: c.cfg.IPSUserName},
		{Name: "ss-id", Value: sessionID},
		{Name: "ss-pid", Value: sessionID},
	}
}

// callbackResult decides what a 2xx callback answer means:
//   - success:true and no errorCode: applied;
//   - success:false, or an errorCode with no success flag: not applied;
//   - anything else (no data, or success:true with an errorCode): IPS'
//     answer does not say, so the outcome is unknown.
func callbackResult(resp *transport.Response, out *callbackResponse) (*PostPaymentResult, error) {
	rs := out.ResponseStatus
	res := &PostPaymentResult{ResponseStatus: rs}
	var success *bool
	if out.Data != nil {
		res.Transaction = out.Data.Transaction
		success = out.Data.Success
	}
	if success != nil {
		res.Success = *success
	}
	switch {
	case success != nil && *success && rs.ErrorCode == "":
		return res, nil
	case success != nil && !*success, success == nil && rs.ErrorCode != "":
		msg := rs.Message
		if rs.ErrorCode == "" && msg == "" {
			msg = "IPS answered success:false: the payment was not applied"
		}
		return res, resp.Fail(transport.NotApplied, rs.ErrorCode, msg, fieldErrors(rs.Errors)...)
	default:
		msg := rs.Message
		if msg == "" {
			msg = "IPS' answer does not say whether the payment was applied"
		}
		return res, resp.Fail(transport.OutcomeUnknown, rs.ErrorCode, msg)
	}
}

// parseError reads ServiceStack's error body: {"responseStatus":{...}}.
func parseError(e *transport.Error, _ http.Header, body []byte) {
	var b struct {
		ResponseStatus ResponseStatus `json:"responseStatus"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	rs := b.ResponseStatus
	e.Code, e.Message, e.Fields = rs.ErrorCode, rs.Message, fieldErrors(rs.Errors)
}

func fieldErrors(errs []ResponseError) []transport.FieldError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]transport.FieldError, len(errs))
	for i, fe := range errs {
		out[i] = transport.FieldError{Field: fe.FieldName, Code: fe.ErrorCode, Message: fe.Message}
	}
	return out
}
