package accela

import (
	"context"
	"net/http"

	"github.com/civicpay/datapump/internal/transport"
)

// ListRecordPayments lists a record's payments: GET
// /v4/records/{RecordID}/payments (scope records). It is how a caller finds
// out whether a commit whose outcome is unknown was applied: look for the
// commit's TransactionID among the payments' TransactionID.
func (c *Client) ListRecordPayments(ctx context.Context, req *ListRecordPaymentsRequest) (*ListRecordPaymentsResult, error) {
	const op = "ListRecordPayments"
	if err := req.check(op); err != nil {
		return nil, err
	}
	var out listAnswer
	resp, err := c.call(ctx, &transport.Request{
		Op:       op,
		Effect:   transport.Read,
		Method:   http.MethodGet,
		Path:     "/v4/records/{RecordID}/payments",
		PathArgs: []string{req.RecordID},
		Query:    query(req.Fields, req.Lang, req.PaymentStatus),
	}, &out)
	if err != nil {
		return nil, err
	}
	return &ListRecordPaymentsResult{Payments: out.Result, TraceID: resp.Scrub(resp.Header.Get(traceHeader))}, nil
}

// FindTransaction returns the payments committed to transaction, or nil.
func (r *ListRecordPaymentsResult) FindTransaction(transaction ID) []Payment {
	var out []Payment
	for _, p := range r.Payments {
		if p.TransactionID == transaction {
			out = append(out, p)
		}
	}
	return out
}
