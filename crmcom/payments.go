package crmcom

import (
	"context"
	"net/http"

	"github.com/civicpay/datapump/internal/transport"
)

// The payment operations, as errors name them.
const (
	opCreatePayment = "CreatePayment"
	opPayInvoice    = "PayInvoice"
	opPayBill       = "PayBill"
	opPostPayment   = "PostPayment"
	opRejectPayment = "RejectPayment"
	opCancelPayment = "CancelPayment"
)

// A payment call is never resent automatically once it may have reached
// CRM.COM. Each one's doc comment says how to settle an unknown outcome;
// Error.Reconcile repeats it with the identifier to look for, and
// Error.Settle carries the SettleRequest for Settle (SettleRequestOf).

// PayInvoice creates a POSTED payment for the whole outstanding amount of
// one invoice: POST payments/pay_invoice. The result is the payment
// CRM.COM created; with req.ExpectedAmount set, PayResult.AmountDiffers
// reports a payment of another amount.
//
// CRM.COM refusing because the invoice is already paid (a code in
// Config.AlreadyAppliedCodes) is ErrAlreadyApplied: never pay it again.
// If the connection fails or times out after the request was written,
// CRM.COM answers 5xx, or its answer shows no payment id, the error is
// ErrOutcomeUnknown and carries a SettleRequest (SettleRequestOf): settle
// it with Settle, which reads GetLatestPayments for the accounts
// receivable and looks for a POSTED payment whose invoices_to_pay_set
// holds the invoice, before paying it again. A refused token is renewed
// and the call resent once, as the refusal proves it was not applied.
func (c *Client) PayInvoice(ctx context.Context, req *PayInvoiceRequest) (*PayResult, error) {
	if err := req.check(opPayInvoice); err != nil {
		return nil, err
	}
	loc := c.cfg.Location
	sc := &summaryCall[payBody, *payBody]{body: payBody{
		AccountsReceivable: &req.AccountsReceivable,
		LifeCycleState:     req.LifeCycleState,
		Type:               &req.Type,
		PaymentMethod:      &req.PaymentMethod,
		Category:           optional(&req.Category),
		Invoice:            &req.Invoice,
		ReceivedOn:         wireTime(req.ReceivedOn, loc),
		ReceivedByUser:     optional(&req.ReceivedByUser),
		ReceivedByUnit:     optional(&req.ReceivedByUnit),
		Card:               optional(&req.Card),
		Notes:              req.Notes,
		udfBody:            req.UserDefinedFields.wire(loc),
	}}
	res, err := c.pay(ctx, opPayInvoice, "/payments/pay_invoice", sc, invoiceReconcile.of(req.Invoice.fields()), req.ExpectedAmount)
	if err != nil {
		return nil, withSettle(err, SettleRequest{Op: opPayInvoice, AccountsReceivable: req.AccountsReceivable, Invoice: req.Invoice, Amount: req.ExpectedAmount})
	}
	return res, nil
}

// PayBill creates a POSTED payment for the whole outstanding amount of one
// bill: POST payments/pay_bill. It behaves as PayInvoice does; CRM.COM
// refusing because the bill is already paid is ErrAlreadyApplied, and an
// unknown outcome is settled with Settle, which reads GetLatestPayments
// and looks for a POSTED payment whose bills_to_pay_set holds the bill.
func (c *Client) PayBill(ctx context.Context, req *PayBillRequest) (*PayResult, error) {
	if err := req.check(opPayBill); err != nil {
		return nil, err
	}
	loc := c.cfg.Location
	sc := &summaryCall[payBody, *payBody]{body: payBody{
		AccountsReceivable: &req.AccountsReceivable,
		LifeCycleState:     req.LifeCycleState,
		Type:               &req.Type,
		PaymentMethod:      &req.PaymentMethod,
		Category:           optional(&req.Category),
		Bill:               &req.Bill,
		ReceivedOn:         wireTime(req.ReceivedOn, loc),
		ReceivedByUser:     optional(&req.ReceivedByUser),
		ReceivedByUnit:     optional(&req.ReceivedByUnit),
		Card:               optional(&req.Card),
		Notes:              req.Notes,
		udfBody:            req.UserDefinedFields.wire(loc),
	}}
	res, err := c.pay(ctx, opPayBill, "/payments/pay_bill", sc, billReconcile.of(req.Bill.fields()), req.ExpectedAmount)
	if err != nil {
		return nil, withSettle(err, SettleRequest{Op: opPayBill, AccountsReceivable: req.AccountsReceivable, Bill: req.Bill, Amount: req.ExpectedAmount})
	}
	return res, nil
}

// The advice on an unknown outcome, per identifier field; see reconcile.
var (
	invoiceReconcile = newReconcileTexts((&InvoiceIdentifier{}).fields(), func(field string) string {
		return "settle it (Settle, or GetLatestPayments for the accounts receivable and a POSTED payment whose invoices_to_pay_set holds it) for invoice_identifier " +
			field + "={key} before paying it again"
	})
	billReconcile = newReconcileTexts((&BillIdentifier{}).fields(), func(field string) string {
		return "settle it (Settle, or GetLatestPayments for the accounts receivable and a POSTED payment whose bills_to_pay_set holds it) for bill_identifier " +
			field + "={key} before paying it again"
	})
	createReconcile = newReconcileTexts((&AccountsReceivableIdentifier{}).fields(), func(field string) string {
		return "settle it (Settle, if CreatePaymentRequest.ReferenceUDF names your reference; or GetLatestPayments: the payment's amount, received_on or your reference) for accounts_receivable_identifier " +
			field + "={key} before creating it again"
	})
	postReconcile   = showReconcile(Posted)
	rejectReconcile = showReconcile(Rejected)
	cancelReconcile = showReconcile(Cancelled)
)

func showReconcile(state LifeCycleState) reconcileTexts {
	return newReconcileTexts((&PaymentIdentifier{}).fields(), func(field string) string {
		return "settle it (Settle, or ShowPayment: life_cycle_state " + string(state) + " means it was applied) for payment_identifier " + field + "={key}"
	})
}

// summaryCall is one write answered with a payment summary, held in one
// allocation: its body, the transport request, the answer and the result
// the answer decodes into (res.Payment). A pay is the SDK's hottest call;
// five allocations become one.
type summaryCall[B any, PB interface {
	*B
	setToken(string)
}] struct {
	body B
	req  transport.Request
	out  summaryAnswer
	res  PayResult
}

// run sends the body under a token, resending once if CRM.COM refuses the
// token, and leaves the payment CRM.COM recorded in sc.res.Payment.
func (sc *summaryCall[B, PB]) run(ctx context.Context, c *Client, op, path string, want LifeCycleState, rec reconcile) error {
	return c.call(ctx, op, func(ctx context.Context, token string) error {
		PB(&sc.body).setToken(token)
		sc.res = PayResult{}
		sc.out = summaryAnswer{Data: &sc.res.Payment, want: want}
		sc.req = transport.Request{
			Op: op, Effect: transport.Write, Method: http.MethodPost, Path: path, JSON: &sc.body,
			Reconcile: rec.text, ReconcileKey: rec.key,
		}
		resp, err := c.http.Do(ctx, &sc.req, &sc.out)
		if err != nil {
			return err
		}
		if err := c.codes.refusal(resp, &sc.out.Status, sc.out.recorded()); err != nil {
			return err
		}
		sc.res.Payment.in(c.cfg.Location)
		return nil
	})
}

// pay sends a pay_invoice or pay_bill body.
func (c *Client) pay(ctx context.Context, op, path string, sc *summaryCall[payBody, *payBody], rec reconcile, expected Amount) (*PayResult, error) {
	if err := sc.run(ctx, c, op, path, Posted, rec); err != nil {
		return nil, err
	}
	sc.res.AmountDiffers = !expected.IsZero() && sc.res.Payment.PaymentAmount != expected
	return &sc.res, nil
}

// CreatePayment creates a DRAFT or POSTED payment of req.PaymentAmount:
// POST payments/create. The result is the payment CRM.COM created; a
// DRAFT one is then posted with PostPayment or rejected with
// RejectPayment.
//
// If the connection fails or times out after the request was written,
// CRM.COM answers 5xx, or its answer shows no payment id, the error is
// ErrOutcomeUnknown. CRM.COM takes no reference of the caller's own, so
// put yours in a user-defined string field and name it in
// req.ReferenceUDF: the error then carries a SettleRequest
// (SettleRequestOf), and Settle finds the payment by that reference with
// GetLatestPayments. Without one, call GetLatestPayments for the accounts
// receivable and look for the payment (its amount, received_on) before
// creating it again.
func (c *Client) CreatePayment(ctx context.Context, req *CreatePaymentRequest) (*PaymentSummary, error) {
	if err := req.check(opCreatePayment); err != nil {
		return nil, err
	}
	loc := c.cfg.Location
	sc := &summaryCall[createBody, *createBody]{body: createBody{
		AccountsReceivable: &req.AccountsReceivable,
		Type:               &req.Type,
		LifeCycleState:     req.LifeCycleState,
		PaymentMethod:      &req.PaymentMethod,
		Card:               optional(&req.Card),
		PaymentAmount:      req.PaymentAmount,
		Category:           optional(&req.Category),
		ReceivedOn:         wireTime(req.ReceivedOn, loc),
		ReceivedByUser:     optional(&req.ReceivedByUser),
		ReceivedByUnit:     optional(&req.ReceivedByUnit),
		Description:        req.Description,
		Notes:              req.Notes,
		udfBody:            req.UserDefinedFields.wire(loc),
	}}
	for _, inv := range req.InvoicesToPay {
		sc.body.InvoicesToPay = append(sc.body.InvoicesToPay, invoiceToPay{Invoice: inv})
	}
	for _, bill := range req.BillsToPay {
		sc.body.BillsToPay = append(sc.body.BillsToPay, billToPay{Bill: bill})
	}
	res, err := summary(ctx, c, opCreatePayment, "/payments/create", sc, req.LifeCycleState, createReconcile.of(req.AccountsReceivable.fields()))
	if err != nil && req.ReferenceUDF != 0 {
		return nil, withSettle(err, SettleRequest{Op: opCreatePayment, AccountsReceivable: req.AccountsReceivable,
			ReferenceUDF: req.ReferenceUDF, Reference: req.udfString(req.ReferenceUDF), Amount: req.PaymentAmount})
	}
	return res, err
}

// PostPayment posts a DRAFT payment: POST payments/post. The result is the
// payment, now POSTED.
//
// CRM.COM refusing because the payment is already posted is
// ErrAlreadyApplied; a payment in another state (REJECTED, CANCELLED) is
// refused, ErrNotApplied. An unknown outcome is settled with Settle (the
// error carries its SettleRequest), which reads ShowPayment:
// life_cycle_state POSTED means the post was applied.
func (c *Client) PostPayment(ctx context.Context, req *PostPaymentRequest) (*PaymentSummary, error) {
	if err := req.check(opPostPayment); err != nil {
		return nil, err
	}
	sc := &summaryCall[lifeCycleBody, *lifeCycleBody]{body: lifeCycleBody{Payment: &req.Payment}}
	res, err := summary(ctx, c, opPostPayment, "/payments/post", sc, Posted, postReconcile.of(req.Payment.fields()))
	if err != nil {
		return nil, withSettle(err, SettleRequest{Op: opPostPayment, Payment: req.Payment})
	}
	return res, nil
}

// RejectPayment rejects a DRAFT payment: POST payments/reject. The result
// is the payment, now REJECTED.
//
// CRM.COM refusing because the payment is already rejected is
// ErrAlreadyApplied; a payment in another state is refused,
// ErrNotApplied. An unknown outcome is settled with Settle (the error
// carries its SettleRequest), which reads ShowPayment: life_cycle_state
// REJECTED means the rejection was applied.
func (c *Client) RejectPayment(ctx context.Context, req *RejectPaymentRequest) (*PaymentSummary, error) {
	if err := req.check(opRejectPayment); err != nil {
		return nil, err
	}
	sc := &summaryCall[lifeCycleBody, *lifeCycleBody]{body: lifeCycleBody{Payment: &req.Payment, RejectionReason: &req.RejectionReason}}
	res, err := summary(ctx, c, opRejectPayment, "/payments/reject", sc, Rejected, rejectReconcile.of(req.Payment.fields()))
	if err != nil {
		return nil, withSettle(err, SettleRequest{Op: opRejectPayment, Payment: req.Payment})
	}
	return res, nil
}

// summary sends a write whose answer is a payment summary and returns it.
func summary[B any, PB interface {
	*B
	setToken(string)
}](ctx context.Context, c *Client, op, path string, sc *summaryCall[B, PB], want LifeCycleState, rec reconcile) (*PaymentSummary, error) {
	if err := sc.run(ctx, c, op, path, want, rec); err != nil {
		return nil, err
	}
	return &sc.res.Payment, nil
}

// CancelPayment cancels a POSTED payment: POST payments/cancel. CRM.COM
// creates and posts a payment cancellation; the result holds it and the
// payment.
//
// CRM.COM refusing because the payment is already cancelled is
// ErrAlreadyApplied; a payment that is not POSTED is refused,
// ErrNotApplied. An unknown outcome is settled with Settle (the error
// carries its SettleRequest), which reads ShowPayment: life_cycle_state
// CANCELLED means the cancellation was applied.
func (c *Client) CancelPayment(ctx context.Context, req *CancelPaymentRequest) (*CancelPaymentResult, error) {
	if err := req.check(opCancelPayment); err != nil {
		return nil, err
	}
	body := cancelBody{
		Payment:     &req.Payment,
		Type:        &req.Type,
		Category:    optional(&req.Category),
		Notes:       req.Notes,
		IssueReason: req.IssueReason,
		udfBody:     req.UserDefinedFields.wire(c.cfg.Location),
	}
	rec := cancelReconcile.of(req.Payment.fields())
	var res *CancelPaymentResult
	err := c.call(ctx, opCancelPayment, func(ctx context.Context, token string) error {
		body.Token = token
		var out cancelAnswer
		resp, err := c.http.Do(ctx, &transport.Request{
			Op: opCancelPayment, Effect: transport.Write, Method: http.MethodPost, Path: "/payments/cancel", JSON: &body,
			Reconcile: rec.text, ReconcileKey: rec.key,
		}, &out)
		if err != nil {
			return err
		}
		if err := c.codes.refusal(resp, &out.Status, out.recorded()); err != nil {
			return err
		}
		res = &CancelPaymentResult{Payment: out.Data.Payment, Cancellation: out.Data.Cancellation}
		res.Payment.in(c.cfg.Location)
		res.Cancellation.in(c.cfg.Location)
		return nil
	})
	if err != nil {
		return nil, withSettle(err, SettleRequest{Op: opCancelPayment, Payment: req.Payment})
	}
	return res, nil
}
