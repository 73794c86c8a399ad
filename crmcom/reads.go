package crmcom

import (
	"context"
	"iter"
	"net/http"
	"slices"

	"github.com/civicpay/datapump/internal/transport"
)

// The read operations, as errors name them.
const (
	opShowPayment       = "ShowPayment"
	opListPayments      = "ListPayments"
	opGetLatestPayments = "GetLatestPayments"
)

// DefaultPageSize is the page size AllPayments asks for when
// ListPaymentsRequest.NumberOfResults is zero.
const DefaultPageSize = 50

// ShowPayment returns one payment: GET payments/show. With req.FieldsSet,
// only those fields are filled. It is how a caller settles the unknown
// outcome of PostPayment, RejectPayment or CancelPayment: the payment's
// LifeCycleState says whether the call was applied.
func (c *Client) ShowPayment(ctx context.Context, req *ShowPaymentRequest) (*Payment, error) {
	if err := req.check(opShowPayment); err != nil {
		return nil, err
	}
	q := readQuery{Payment: idText(req.Payment.fields()), FieldsSet: req.FieldsSet}
	var res *Payment
	err := c.call(ctx, opShowPayment, func(ctx context.Context, token string) error {
		q.Token = token
		var out showAnswer
		resp, err := c.get(ctx, opShowPayment, "/payments/show", &q, &out)
		if err != nil {
			return err
		}
		if err := c.codes.refusal(resp, &out.Status, false); err != nil {
			return err
		}
		out.Data.in(c.cfg.Location)
		res = out.Data
		return nil
	})
	return res, err
}

// ListPayments returns one page of an accounts receivable's payments: GET
// payments/list. AllPayments iterates over every page.
func (c *Client) ListPayments(ctx context.Context, req *ListPaymentsRequest) (*ListPaymentsResult, error) {
	if err := req.check(opListPayments); err != nil {
		return nil, err
	}
	q := readQuery{
		AccountsReceivable: idText(req.AccountsReceivable.fields()),
		Type:               idText(req.Type.fields()),
		Category:           idText(req.Category.fields()),
		PaymentMethod:      idText(req.PaymentMethod.fields()),
		Offset:             req.Offset,
		NumberOfResults:    req.NumberOfResults,
		FieldsSet:          req.FieldsSet,
	}
	payments, err := c.list(ctx, opListPayments, "/payments/list", &q)
	if err != nil {
		return nil, err
	}
	return &ListPaymentsResult{Payments: payments}, nil
}

// AllPayments iterates over every payment ListPayments would return for
// req, page after page: from req.Offset, req.NumberOfResults at a time
// (DefaultPageSize when zero), until a page comes back short. On an error
// it yields the error once and stops; breaking out of the loop stops it
// too. Paging with offset and number_of_results is an assumption (see the
// package documentation): should CRM.COM answer the same page again, the
// iteration stops with an error rather than loop (a FieldsSet without "id"
// gets it added, to tell).
func (c *Client) AllPayments(ctx context.Context, req *ListPaymentsRequest) iter.Seq2[*Payment, error] {
	return func(yield func(*Payment, error) bool) {
		if err := req.check(opListPayments); err != nil {
			yield(nil, err)
			return
		}
		r := *req
		if r.NumberOfResults == 0 {
			r.NumberOfResults = DefaultPageSize
		}
		if len(r.FieldsSet) > 0 && !slices.Contains(r.FieldsSet, "id") {
			r.FieldsSet = append(slices.Clip(r.FieldsSet), "id") // to tell a repeated page
		}
		seen := map[ID]bool{}
		for {
			page, err := c.ListPayments(ctx, &r)
			if err != nil {
				yield(nil, err)
				return
			}
			fresh := 0
			for i := range page.Payments {
				p := &page.Payments[i]
				if p.ID == "" || !seen[p.ID] {
					fresh++
				}
				seen[p.ID] = true
			}
			if len(page.Payments) > 0 && fresh == 0 {
				yield(nil, &Error{Partner: partner, Op: opListPayments, Outcome: NotApplied,
					Message: "CRM.COM answered a page of payments already seen: it does not page with offset and number_of_results"})
				return
			}
			for i := range page.Payments {
				if !yield(&page.Payments[i], nil) {
					return
				}
			}
			if len(page.Payments) < r.NumberOfResults {
				return
			}
			r.Offset += len(page.Payments)
		}
	}
}

// GetLatestPayments returns the latest req.Number payments of an accounts
// receivable, the latest first: GET payments/get_latest. It is how a
// caller settles the unknown outcome of PayInvoice, PayBill or
// CreatePayment: ask with FieldsSet including "invoices_to_pay_set" or
// "bills_to_pay_set" and look for the payment.
func (c *Client) GetLatestPayments(ctx context.Context, req *GetLatestPaymentsRequest) (*GetLatestPaymentsResult, error) {
	if err := req.check(opGetLatestPayments); err != nil {
		return nil, err
	}
	q := readQuery{
		AccountsReceivable: idText(req.AccountsReceivable.fields()),
		Type:               idText(req.Type.fields()),
		Category:           idText(req.Category.fields()),
		PaymentMethod:      idText(req.PaymentMethod.fields()),
		Number:             req.Number,
		FieldsSet:          req.FieldsSet,
	}
	payments, err := c.list(ctx, opGetLatestPayments, "/payments/get_latest", &q)
	if err != nil {
		return nil, err
	}
	return &GetLatestPaymentsResult{Payments: payments}, nil
}

// list sends a GET whose answer is a list of payments.
func (c *Client) list(ctx context.Context, op, path string, q *readQuery) ([]Payment, error) {
	var res []Payment
	err := c.call(ctx, op, func(ctx context.Context, token string) error {
		q.Token = token
		var out listAnswer
		resp, err := c.get(ctx, op, path, q, &out)
		if err != nil {
			return err
		}
		if err := c.codes.refusal(resp, &out.Status, false); err != nil {
			return err
		}
		for i := range out.Data {
			out.Data[i].in(c.cfg.Location)
		}
		res = out.Data
		return nil
	})
	return res, err
}

// idText renders an identifier as CRM.COM's query value: field=value.
func idText(fs idFields) string { return fs.String() }

// get sends one GET of a read operation.
func (c *Client) get(ctx context.Context, op, path string, q *readQuery, out any) (*transport.Response, error) {
	return c.http.Do(ctx, &transport.Request{
		Op: op, Effect: transport.Read, Method: http.MethodGet, Path: path, Query: q.encode(),
	}, out)
}
