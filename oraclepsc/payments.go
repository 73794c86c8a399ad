package oraclepsc

import (
	"context"
	"crypto/rand"
	"iter"
	"net/http"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/transport"
)

// The advice on an unknown outcome of a create, "{key}" its
// PaymentReferenceID (the error's URL names the checkout).
const (
	reconcileCreate = "settle it (Settle, or ListCheckoutPayments for the checkout with Filter.PaymentReferenceID" +
		" and FindReference) for PaymentReferenceId {key}"
	reconcileUpsert = "resend the same upsert (same CheckoutPmtID): it cannot record the payment twice; or " + reconcileCreate
)

const (
	opCreate = "CreateCheckoutPayment"
	opList   = "ListCheckoutPayments"
	opAll    = "AllCheckoutPayments"
	opGet    = "GetCheckoutPayment"
)

// CreateCheckoutPayment adds a payment to a checkout: POST
// /fscmRestApi/resources/{version}/publicSectorCheckouts/{CheckoutId}/child/CheckoutPmt,
// with every attribute set in req and, for an upsert, Upsert-Mode: true.
// Every limit of the partner document is checked before anything is sent.
//
// A nil error means Oracle recorded the payment; the result holds the row
// as Oracle returned it (its CheckoutPmtID, links, Location and ETag) and
// says whether it was created or, by an upsert, updated.
//
// Without Upsert a create is never resent automatically once it may have
// reached Oracle. If the connection fails or times out after the request
// was written, Oracle answers 5xx, or its answer shows no CheckoutPmtId,
// the error is ErrOutcomeUnknown and carries a SettleRequest
// (SettleRequestOf): store it and settle the create with Settle, which
// looks the payment up by its PaymentReferenceID, before creating it
// again. With a CheckoutPmtID of your own, Oracle refuses a repeated
// create as a duplicate, which is ErrAlreadyApplied: the first create
// stands.
//
// With Upsert (and the CheckoutPmtID it requires) a repeat cannot record
// the payment twice, so the SDK retries it like a read, and so may you:
// resend the same request to settle an unknown outcome, or settle it with
// Settle as a plain create.
//
// A 401 with a TokenSource renews the token and resends once, as the 401
// proves the create was not applied.
func (c *Client) CreateCheckoutPayment(ctx context.Context, req *CreateCheckoutPaymentRequest) (*CreateCheckoutPaymentResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	effect, reconcile := transport.Write, reconcileCreate
	if req.Upsert {
		effect, reconcile = transport.RepeatableWrite, reconcileUpsert
	}
	res := &CreateCheckoutPaymentResult{}
	out := createAnswer{CheckoutPayment: &res.Payment, sentCheckout: req.CheckoutID, sentID: req.CheckoutPmtID, sentRef: req.PaymentReferenceID}
	resp, err := c.call(ctx, &transport.Request{
		Op:           opCreate,
		Effect:       effect,
		Method:       http.MethodPost,
		Path:         paymentsPath,
		PathArgs:     []string{c.version, string(req.CheckoutID)},
		JSON:         req,
		ContentType:  c.contents,
		Reconcile:    reconcile,
		ReconcileKey: string(req.PaymentReferenceID),
	}, req.Upsert, &out)
	if err != nil {
		return nil, withSettle(err, req)
	}
	res.Created = resp.StatusCode == http.StatusCreated || !req.Upsert
	res.Location, res.ETag, res.TraceID = resp.Header.Get("Location"), resp.Header.Get("ETag"), resp.Header.Get(traceHeader)
	return res, nil
}

// ListCheckoutPayments returns one page of a checkout's payments: GET
// /fscmRestApi/resources/{version}/publicSectorCheckouts/{CheckoutId}/child/CheckoutPmt
// with q (from req.Filter), fields, onlyData, limit, offset, orderBy and
// totalResults as req asks. It is the read-back Settle uses to settle a
// create whose outcome is unknown: filter by its PaymentReferenceID and
// look for it with FindReference. AllCheckoutPayments walks every page.
func (c *Client) ListCheckoutPayments(ctx context.Context, req *ListCheckoutPaymentsRequest) (*ListCheckoutPaymentsResult, error) {
	if err := req.check(opList); err != nil {
		return nil, err
	}
	res, _, err := c.list(ctx, opList, req)
	return res, err
}

// list sends one checked list request.
func (c *Client) list(ctx context.Context, op string, req *ListCheckoutPaymentsRequest) (*ListCheckoutPaymentsResult, *transport.Response, error) {
	res := &ListCheckoutPaymentsResult{}
	resp, err := c.call(ctx, &transport.Request{
		Op:       op,
		Effect:   transport.Read,
		Method:   http.MethodGet,
		Path:     paymentsPath,
		PathArgs: []string{c.version, string(req.CheckoutID)},
		Query:    req.query(req.Filter.q(c.qv2)),
	}, false, &listAnswer{res})
	if err != nil {
		return nil, nil, err
	}
	res.TraceID = resp.Header.Get(traceHeader)
	return res, resp, nil
}

// AllCheckoutPayments walks every page of a checkout's payments matching
// req, from req.Offset on, in pages of req.Limit (Oracle's default when
// zero), and yields each payment. A failed page yields its error once and
// ends the walk; so does breaking out of the loop. Oracle pages by offset,
// so payments created or removed during the walk may be skipped or seen
// twice.
//
//	for p, err := range client.AllCheckoutPayments(ctx, req) {
//		if err != nil {
//			return err
//		}
//		// use p
//	}
func (c *Client) AllCheckoutPayments(ctx context.Context, req *ListCheckoutPaymentsRequest) iter.Seq2[CheckoutPayment, error] {
	return func(yield func(CheckoutPayment, error) bool) {
		if err := req.check(opAll); err != nil {
			yield(CheckoutPayment{}, err)
			return
		}
		page := *req
		for {
			res, resp, err := c.list(ctx, opAll, &page)
			if err != nil {
				yield(CheckoutPayment{}, err)
				return
			}
			for _, p := range res.Items {
				if !yield(p, nil) {
					return
				}
			}
			if !res.HasMore {
				return
			}
			if len(res.Items) == 0 {
				yield(CheckoutPayment{}, resp.Refused("", "Oracle answered hasMore with an empty page; the walk cannot go on"))
				return
			}
			page.Offset += len(res.Items)
		}
	}
}

// GetCheckoutPayment returns the payment of a checkout with a
// CheckoutPmtID, found with q (Oracle's item URLs hold a server-made key
// the SDK never builds). No such payment is ErrNotApplied and ErrNotFound.
func (c *Client) GetCheckoutPayment(ctx context.Context, req *GetCheckoutPaymentRequest) (*CheckoutPayment, error) {
	if err := req.check(opGet); err != nil {
		return nil, err
	}
	res, resp, err := c.list(ctx, opGet, &ListCheckoutPaymentsRequest{
		CheckoutID: req.CheckoutID,
		Filter:     Filter{CheckoutPmtID: req.CheckoutPmtID},
		Limit:      2,
	})
	if err != nil {
		return nil, err
	}
	for _, p := range res.Items {
		if p.CheckoutPmtID == req.CheckoutPmtID {
			return &p, nil
		}
	}
	e := resp.Refused("", "checkout "+string(req.CheckoutID)+" has no payment with CheckoutPmtId "+req.CheckoutPmtID.String())
	transport.Mark(e, ErrNotFound)
	return nil, e
}

// PaymentReferenceDigits is how many random digits NewPaymentReferenceID
// puts after the prefix.
const PaymentReferenceDigits = 16

// NewPaymentReferenceID makes a PaymentReferenceID of the documented form:
// prefix, which must be 4 ASCII letters or digits (e.g. your agency's
// code), followed by PaymentReferenceDigits random digits from
// crypto/rand. It never returns a reference that looks like a card number,
// so no error or log line ever masks it. An invalid prefix is a NotApplied
// *Error.
func NewPaymentReferenceID(prefix string) (PaymentReferenceID, error) {
	var chk transport.Checks
	ok := len(prefix) == 4
	for i := 0; ok && i < len(prefix); i++ {
		b := prefix[i]
		ok = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
	}
	if !ok {
		chk.Add("prefix", "must be 4 ASCII letters or digits")
		return "", chk.Err(partner, "NewPaymentReferenceID")
	}
	b := make([]byte, 4+PaymentReferenceDigits)
	copy(b, prefix)
	for {
		randomDigits(b[4:])
		if !redact.ContainsCardNumber(string(b)) {
			return PaymentReferenceID(b), nil
		}
	}
}

// randomDigits fills b with uniformly random decimal digits.
func randomDigits(b []byte) {
	var buf [32]byte
	for i := 0; i < len(b); {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand)
		for _, r := range buf {
			if r < 250 && i < len(b) { // 250 = 25×10: no modulo bias
				b[i] = '0' + r%10
				i++
			}
		}
	}
}
