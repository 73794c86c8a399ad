package accela

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// InitializePayment starts a payment transaction for records:
// POST /v4/payments/initialize. CommitPayment takes the transaction id it
// returns. An initialized transaction that is never committed charges
// nothing, so an unknown outcome here is resolved by initializing again.
func (c *Client) InitializePayment(ctx context.Context, req *InitializePaymentRequest) (*InitializePaymentResult, error) {
	const op = "InitializePayment"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	entityType := req.EntityType
	if entityType == "" {
		entityType = "record"
	}
	body := map[string]any{"entityIds": req.EntityIDs, "entityType": entityType}
	if req.MerchantAccountID != "" {
		body["merchantAccountId"] = req.MerchantAccountID
	}
	if req.PaymentMethod != "" {
		body["paymentMethod"] = req.PaymentMethod
	}
	var out InitializePaymentResult
	resp, err := c.call(ctx, &transport.Request{
		Op:        op,
		Kind:      transport.Write,
		Method:    http.MethodPost,
		Path:      "/v4/payments/initialize",
		Query:     query(req.Fields, req.Lang, ""),
		JSON:      body,
		Reconcile: "an initialized transaction that is never committed charges nothing: initialize again",
	}, &out)
	if err != nil {
		return nil, err
	}
	out.TraceID = resp.Header.Get("X-Accela-Traceid")
	return &out, nil
}

// CommitPayment commits a citizen's payment to an initialized transaction:
// PUT /v4/payments/{TransactionID}. Accela must have "Payment Enabled" the
// app, or it answers 403.
//
// A nil error means Accela applied the payment; if an agency script failed
// afterwards (code "emse_error") the payment still stands and
// CommitPaymentResult.ScriptFailed reports it.
//
// A commit is never resent automatically once it may have reached Accela.
// If the connection fails or times out after the request was written, or
// Accela answers 5xx (a failing "before" script cancels the commit, a broken
// connection may not), the error matches ErrOutcomeUnknown: call
// ListRecordPayments for the transaction's records and look for its
// TransactionID before committing again. A 401 (expired token) renews the
// token and resends once, as the 401 proves the commit was not applied.
func (c *Client) CommitPayment(ctx context.Context, req *CommitPaymentRequest) (*CommitPaymentResult, error) {
	const op = "CommitPayment"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	var out CommitPaymentResult
	resp, err := c.call(ctx, &transport.Request{
		Op:     op,
		Kind:   transport.Write,
		Method: http.MethodPut,
		Path:   "/v4/payments/" + transport.Segment(req.TransactionID),
		Query:  query(req.Fields, req.Lang, ""),
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
		Reconcile: fmt.Sprintf("call ListRecordPayments for the transaction's records and look for transactionId %s before committing again", req.TransactionID),
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.TraceID == "" {
		out.TraceID = resp.Header.Get("X-Accela-Traceid")
	}
	if err := bodyStatus(resp, out.Status, out.Code, out.Message, out.TraceID); err != nil {
		return &out, err
	}
	return &out, nil
}

// VoidPayment voids a payment: PUT /v4/payments/{PaymentID}/void. Accela
// answering isSuccess:false is ErrNotApplied, with the result returned. An
// unknown outcome is reconciled with ListRecordPayments.
func (c *Client) VoidPayment(ctx context.Context, req *VoidPaymentRequest) (*VoidPaymentResult, error) {
	const op = "VoidPayment"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	var out VoidPaymentResult
	resp, err := c.call(ctx, &transport.Request{
		Op:        op,
		Kind:      transport.Write,
		Method:    http.MethodPut,
		Path:      "/v4/payments/" + transport.Segment(req.PaymentID) + "/void",
		Query:     query(nil, req.Lang, ""),
		JSON:      voidBody{Comments: req.Comments, Reason: req.Reason},
		Reconcile: "call ListRecordPayments for the payment's record to see whether it was voided before voiding again",
	}, &out)
	if err != nil {
		return nil, err
	}
	out.TraceID = resp.Header.Get("X-Accela-Traceid")
	if err := bodyStatus(resp, out.Status, out.Result.Code, out.Result.Message, out.TraceID); err != nil {
		return &out, err
	}
	if ok := out.Result.IsSuccess; ok != nil && !*ok {
		msg := out.Result.Message
		if msg == "" {
			msg = "Accela answered isSuccess:false: the payment was not voided"
		}
		return &out, resp.Fail(transport.NotApplied, out.Result.Code, msg)
	}
	return &out, nil
}

// ListRecordPayments lists a record's payments: GET
// /v4/records/{RecordID}/payments (scope records). It is how a caller finds
// out whether a commit whose outcome is unknown was applied.
func (c *Client) ListRecordPayments(ctx context.Context, req *ListRecordPaymentsRequest) (*ListRecordPaymentsResult, error) {
	const op = "ListRecordPayments"
	if err := req.validate(op); err != nil {
		return nil, err
	}
	var out ListRecordPaymentsResult
	resp, err := c.call(ctx, &transport.Request{
		Op:     op,
		Kind:   transport.Read,
		Method: http.MethodGet,
		Path:   "/v4/records/" + transport.Segment(req.RecordID) + "/payments",
		Query:  query(req.Fields, req.Lang, req.PaymentStatus),
	}, &out)
	if err != nil {
		return nil, err
	}
	out.TraceID = resp.Header.Get("X-Accela-Traceid")
	return &out, nil
}

// call sends r with the current access token, renewing it once on a 401.
func (c *Client) call(ctx context.Context, r *transport.Request, out any) (*transport.Response, error) {
	var resp *transport.Response
	err := c.session.Do(ctx, r.Op, func(ctx context.Context, cred credential) error {
		r.Header = c.apiHeaders(cred.access)
		var err error
		resp, err = c.http.Do(ctx, r, out)
		return err
	})
	return resp, err
}

// bodyStatus reads the status Accela repeats inside a 2xx body. A 4xx there
// is a refusal and a 5xx an unknown outcome, as if it were the HTTP status;
// anything else, including a 200 carrying script messages, is success.
func bodyStatus(resp *transport.Response, status int, code, message, traceID string) error {
	if status < 400 {
		return nil
	}
	o := transport.NotApplied
	if status >= 500 {
		o = transport.OutcomeUnknown
	}
	e := resp.Fail(o, code, strings.TrimSpace(fmt.Sprintf("%s (status %d in the response body)", message, status)))
	if e.TraceID == "" {
		e.TraceID = traceID
	}
	return e
}
