package polaris

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

const (
	opPay = "PayFinesAndFees"
	opGet = "GetFinesAndFees"
)

// apiPrefix starts every API path, under the base URL.
const apiPrefix = "/api/{Version}/{Language}/{ProductID}/{SiteDomain}/{OrganizationID}/{WorkstationID}"

// finesFeesPath is a patron's fines and fees.
const finesFeesPath = apiPrefix + "/patrons/{PatronID}/accounttransactions/finesfees"

// PayFinesAndFees records a payment of existing charges of a patron: PUT
// .../patrons/{PatronID}/accounttransactions/finesfees?action=pay&circ=..&overpayment=..&reload=..
// with DtoFineData. Polaris applies TxnAmount to the charges in
// MainTxnIDs and returns the payment transactions it created (and, with
// Reload, the patron's fines and fees as they now stand).
//
// A nil error means Polaris recorded the payment. Polaris refuses an amount
// above what the charges owe (400) unless Overpayment is set and the
// branch allows it: ErrNotApplied. Such a refusal for charges that earlier
// calls paid may mean an earlier payment went through, so read them back
// with GetFinesAndFees before changing the amount. A refusal saying the
// charges are already paid is ErrAlreadyApplied (see
// Config.AlreadyAppliedPhrases); a secured patron record (409) is
// ErrPatronSecured.
//
// A payment is never resent automatically once it may have reached
// Polaris. If the connection fails or times out after the request was
// written, Polaris answers 5xx, or its answer lists no TxnIds, the error
// is ErrOutcomeUnknown: settle it with Settle, which compares what the
// charges in MainTxnIDs owe now with what they owed before. Set
// OwedBefore, and the error carries the SettleRequest for it
// (SettleRequestOf). A 401 (expired token) renews the token and resends
// once, as the 401 proves nothing was applied.
func (c *Client) PayFinesAndFees(ctx context.Context, req *PayFinesAndFeesRequest) (*PayFinesAndFeesResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	c.scrubCard(&req.CreditCardPaymentData)
	var out payAnswer
	_, err := c.call(ctx, &transport.Request{
		Op:       opPay,
		Effect:   transport.Write,
		Method:   http.MethodPut,
		Path:     finesFeesPath,
		PathArgs: c.args(strconv.FormatInt(int64(req.PatronID), 10)),
		Query:    payQueryString(req.Reload, req.Overpayment, req.Circ),
		JSON: &fineData{
			PatronID:              req.PatronID,
			TxnAmount:             req.TxnAmount,
			FreeTextNote:          req.FreeTextNote,
			PatronPaymentMethod:   req.PaymentMethod,
			MainTxnIDs:            req.MainTxnIDs,
			CreditCardPaymentData: wireCard(&req.CreditCardPaymentData),
		},
		Reconcile: payReconcile(req),
	}, &out)
	if err != nil {
		return nil, withSettle(err, req)
	}
	c.inLocation(out.FinesAndFees)
	return &PayFinesAndFeesResult{TxnIDs: out.TxnIds, FinesAndFees: out.FinesAndFees}, nil
}

// payReconcile says how to settle a payment whose outcome is unknown. It
// is built on every call, so it makes one allocation.
func payReconcile(req *PayFinesAndFeesRequest) string {
	var b strings.Builder
	b.Grow(190 + 21*len(req.MainTxnIDs))
	var num [24]byte
	b.WriteString("settle it (Settle, or GetFinesAndFees for PatronID ")
	b.Write(strconv.AppendInt(num[:0], int64(req.PatronID), 10))
	b.WriteString(" and compare the OutstandingAmount of MainTxnIDs ")
	for i, id := range req.MainTxnIDs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(strconv.AppendInt(num[:0], int64(id), 10))
	}
	b.WriteString(" with what they owed before this payment of ")
	cents, _ := req.TxnAmount.Cents() // checked: at most 2 decimal places
	b.Write(strconv.AppendInt(num[:0], cents/100, 10))
	b.WriteByte('.')
	b.WriteByte(byte('0' + cents%100/10))
	b.WriteByte(byte('0' + cents%10))
	b.WriteByte(')')
	return b.String()
}

// GetFinesAndFees reads a patron's fines and fees: GET
// .../patrons/{PatronID}/accounttransactions/finesfees. It is the
// read-back Settle uses to settle a payment whose outcome is unknown: the
// charges the payment named owe less than before when it went through.
//
// An answer that holds no list at all (neither a list nor an object with
// FinesAndFees) is an error, never read as "owes nothing".
//
// Assumption: the partner document shows only the pay call on this
// resource; that a GET lists the fines and fees (as a list, or as an
// object holding FinesAndFees, both read) is inferred from it and from
// the answer of a pay with reload=true.
func (c *Client) GetFinesAndFees(ctx context.Context, req *GetFinesAndFeesRequest) (*FinesAndFeesResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	var out finesAnswer
	resp, err := c.call(ctx, &transport.Request{
		Op:       opGet,
		Effect:   transport.Read,
		Method:   http.MethodGet,
		Path:     finesFeesPath,
		PathArgs: c.args(strconv.FormatInt(int64(req.PatronID), 10)),
	}, &out)
	if err != nil {
		return nil, err
	}
	if err := out.Confirm(); err != nil {
		// A transport that holds reads to their Confirm has refused this
		// already; one that confirms only writes has not.
		return nil, resp.Refused("", "Polaris answered with "+err.Error())
	}
	c.inLocation(out.items)
	return &FinesAndFeesResult{FinesAndFees: out.items}, nil
}

// args returns the API path values followed by more.
func (c *Client) args(more ...string) []string {
	out := make([]string, len(c.apiArgs), len(c.apiArgs)+len(more))
	copy(out, c.apiArgs)
	return append(out, more...)
}

// inLocation reads the zone-less times of fines in Config.Location.
func (c *Client) inLocation(fines []FineFee) {
	for i := range fines {
		fines[i].TxnDate.in(c.loc)
	}
}

// scrubCard makes the card service's credentials in cc secrets of this
// client, scrubbed from every error and log line.
func (c *Client) scrubCard(cc *CreditCardPaymentData) {
	for _, s := range []Secret{cc.UserName, cc.Password} {
		if v := s.Reveal(); v != "" {
			if _, known := c.seen.LoadOrStore(v, struct{}{}); !known {
				c.http.Secrets().AddPermanent(v)
			}
		}
	}
}
