package accela

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// traceHeader carries Accela's id for a call, for Accela support.
const traceHeader = "X-Accela-Traceid"

// reconcileCommit is the advice on a commit whose outcome is unknown.
const reconcileCommit = "settle it (Settle, or ListRecordPayments for the transaction's records and FindTransaction) for transactionId {key}"

// InitializePayment opens a payment transaction for records: POST
// /v4/payments/initialize. CommitPayment takes the TransactionID it
// returns. An initialized transaction that is never committed charges
// nothing, so the SDK retries this call like a read, and an unknown
// outcome is settled by initializing again.
func (c *Client) InitializePayment(ctx context.Context, req *InitializePaymentRequest) (*InitializePaymentResult, error) {
	const op = "InitializePayment"
	if err := req.check(op); err != nil {
		return nil, err
	}
	var out initializeAnswer
	resp, err := c.call(ctx, &transport.Request{
		Op:     op,
		Effect: transport.RepeatableWrite,
		Method: http.MethodPost,
		Path:   "/v4/payments/initialize",
		Query:  query(req.Fields, req.Lang, ""),
		JSON: initializeBody{
			EntityIDs:         req.EntityIDs,
			EntityType:        "record",
			MerchantAccountID: req.MerchantAccountID,
			PaymentMethod:     req.PaymentMethod,
		},
		Reconcile: "an initialized transaction that is never committed charges nothing: initialize again",
	}, &out)
	if err != nil {
		return nil, err
	}
	traceID := resp.Scrub(resp.Header.Get(traceHeader))
	if err := bodyStatus(resp, out.Status, out.Code, out.Message, traceID); err != nil {
		return nil, err
	}
	return &InitializePaymentResult{TransactionID: out.Result[0].TransactionID, TraceID: traceID}, nil
}

// CommitPayment commits a citizen's payment to an initialized transaction:
// PUT /v4/payments/{TransactionID}. The agency must have enabled "Payment
// Enabled" for the app, or Accela answers 403.
//
// A nil error means Accela applied the payment; if an agency script failed
// afterwards (code "emse_error") the payment still stands and
// CommitPaymentResult.ScriptFailed reports it. Accela refusing the commit
// because the transaction is already committed is ErrAlreadyApplied: the
// earlier commit stands, so never commit the payment again through a new
// transaction.
//
// A commit is never resent automatically once it may have reached Accela.
// If the connection fails or times out after the request was written,
// Accela answers 5xx (a failing "before" script cancels the commit, a
// broken connection may not), or its answer lists no payment, the error is
// ErrOutcomeUnknown: call ListRecordPayments for the transaction's records
// and look for its TransactionID before doing anything else. A 401
// (expired token) renews the token and resends once, as the 401 proves the
// commit was not applied.
func (c *Client) CommitPayment(ctx context.Context, req *CommitPaymentRequest) (*CommitPaymentResult, error) {
	const op = "CommitPayment"
	if err := req.check(op); err != nil {
		return nil, err
	}
	var out commitAnswer
	resp, err := c.call(ctx, &transport.Request{
		Op:       op,
		Effect:   transport.Write,
		Method:   http.MethodPut,
		Path:     "/v4/payments/{TransactionID}",
		PathArgs: []string{string(req.TransactionID)},
		Query:    query(req.Fields, req.Lang, ""),
		JSON: commitBody{
			Amount:                     req.Amount,
			Comments:                   req.Comments,
			ConvenienceFee:             req.ConvenienceFee,
			CreditCard:                 req.CreditCard,
			MerchantAccountID:          req.MerchantAccountID,
			PayeePhone:                 req.PayeePhone,
			PaymentMethod:              req.PaymentMethod,
			PaymentSystemTransactionID: req.PaymentSystemTransactionID,
		},
		Reconcile:    reconcileCommit,
		ReconcileKey: string(req.TransactionID),
	}, &out)
	if err != nil {
		return nil, withSettle(err, req)
	}
	res := &CommitPaymentResult{
		Payments: out.Result.CompletePayments, Message: resp.Scrub(out.Result.Message),
		ScriptCode: out.Code, ScriptMessage: resp.Scrub(out.Message), TraceID: resp.Scrub(out.TraceID),
	}
	if res.TraceID == "" {
		res.TraceID = resp.Scrub(resp.Header.Get(traceHeader))
	}
	return res, bodyStatus(resp, out.Status, out.Code, out.Message, res.TraceID)
}

// VoidPayment voids a payment: PUT /v4/payments/{PaymentID}/void. Accela
// documents it for agency apps, while CommitPayment is for citizen apps:
// one app's token may not be allowed both, so a separate Client with an
// agency app's credentials may be needed for voids.
//
// Accela answering isSuccess:false is ErrNotApplied, with the result
// returned; refusing because the payment is already voided is
// ErrAlreadyApplied. An unknown outcome is settled with ListRecordPayments.
func (c *Client) VoidPayment(ctx context.Context, req *VoidPaymentRequest) (*VoidPaymentResult, error) {
	const op = "VoidPayment"
	if err := req.check(op); err != nil {
		return nil, err
	}
	var out voidAnswer
	resp, err := c.call(ctx, &transport.Request{
		Op:        op,
		Effect:    transport.Write,
		Method:    http.MethodPut,
		Path:      "/v4/payments/{PaymentID}/void",
		PathArgs:  []string{string(req.PaymentID)},
		Query:     query(nil, req.Lang, ""),
		JSON:      voidBody{Comments: req.Comments, Reason: req.Reason},
		Reconcile: "call ListRecordPayments for the payment's record to see whether it was voided",
	}, &out)
	if err != nil {
		return nil, err
	}
	res := &VoidPaymentResult{PaymentID: out.Result.ID, Message: resp.Scrub(out.Result.Message), Code: out.Result.Code, TraceID: resp.Scrub(resp.Header.Get(traceHeader))}
	if err := bodyStatus(resp, out.Status, out.Result.Code, out.Result.Message, res.TraceID); err != nil {
		return res, err
	}
	if ok := out.Result.IsSuccess; ok != nil && !*ok {
		msg := out.Result.Message
		if msg == "" {
			msg = "Accela answered isSuccess:false: the payment was not voided"
		}
		return res, resp.Refused(out.Result.Code, msg)
	}
	return res, nil
}

// bodyStatus reads the status Accela repeats inside a 2xx body. A 4xx there
// is a refusal (or, for "already" refusals, AlreadyApplied) and a 5xx an
// unknown outcome, as if it were the HTTP status; anything else, including
// a 200 carrying script messages, is success.
func bodyStatus(resp *transport.Response, status int, code, message, traceID string) error {
	if status < 400 {
		return nil
	}
	text := strings.TrimSpace(message + " (status " + strconv.Itoa(status) + " in the response body)")
	var e *transport.Error
	switch {
	case status >= 500:
		e = resp.Unknown(code, text)
	case alreadyDone(code, message):
		e = resp.AlreadyApplied(code, text)
	default:
		e = resp.Refused(code, text)
	}
	if e.TraceID == "" {
		e.TraceID = traceID
	}
	return e
}
