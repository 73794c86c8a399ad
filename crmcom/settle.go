package crmcom

import (
	"context"
	"strconv"
	"time"

	"github.com/civicpay/datapump/internal/transport"
)

const opSettle = "Settle"

// How many of an account's latest payments Settle reads at first, and at
// most: it doubles the number while the answer is full and does not show
// the call, so a busy account is read back far enough.
const (
	settleWindow    = 50
	maxSettleWindow = settleWindow << 8
)

// settleFields are the fields Settle asks for besides the call's own.
var settleFields = []string{"id", "number", "reference_number", "life_cycle_state", "payment_amount"}

// Settle reads CRM.COM back to answer what became of a call whose outcome
// was unknown:
//
//   - PayInvoice, PayBill: GetLatestPayments of req.AccountsReceivable,
//     looking for the latest POSTED payment whose invoices_to_pay_set
//     (bills_to_pay_set) holds req.Invoice (req.Bill). A pay takes the
//     whole outstanding amount, so that payment stands for the call only
//     when the invoice (bill) shows nothing outstanding; a POSTED payment
//     of part of it, made before, is not the call.
//   - CreatePayment: GetLatestPayments of req.AccountsReceivable, looking
//     for payments whose user-defined string field req.ReferenceUDF holds
//     req.Reference, in any state.
//   - PostPayment, RejectPayment, CancelPayment: ShowPayment of
//     req.Payment; the call was applied when the payment is POSTED,
//     REJECTED or CANCELLED, respectively.
//
// The answers:
//
//   - SettleApplied: CRM.COM holds the payment; the result lists it, with
//     the amount CRM.COM recorded and whether it differs from req.Amount.
//     Never send the call again.
//   - SettleAbsent: the read-back does not show the call, and it was sent
//     more than the settle grace ago (WithSettleGrace): send the same
//     request again. For a pay, CRM.COM refuses it as already paid
//     (ErrAlreadyApplied) should the invoice or bill have been paid
//     meanwhile.
//   - SettleUnknown: the call does not show yet but the read-back may
//     still lag (the result says when to settle again), or reading failed
//     (the error says why, as Op "Settle" with the read as its Step).
//     Never send the call again meanwhile.
//
// GetLatestPayments is asked for the latest 50 payments, then twice as
// many while the answer is full and does not show the call, up to 12,800;
// an account with more payments than that since the call stays
// SettleUnknown, with an error saying so.
//
// The request is what an unknown call's error carries (SettleRequestOf),
// or what the caller stored before sending.
func (c *Client) Settle(ctx context.Context, req *SettleRequest) (*SettleResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	res := &SettleResult{}
	var found bool
	var err error
	if state, ok := lifeCycleOps[req.Op]; ok {
		found, err = c.settleState(ctx, req, state, res)
	} else {
		found, err = c.settleLatest(ctx, req, res)
	}
	if err != nil {
		return res, err
	}
	for _, p := range res.Payments {
		sum, err := res.Recorded.Add(p.PaymentAmount)
		if err != nil {
			return res, &Error{Partner: partner, Op: opSettle, Outcome: NotApplied, Message: "the recorded amounts do not add up exactly"}
		}
		res.Recorded = sum
	}
	res.Status, res.RetryAt = c.http.Judge(found, req.SentAt)
	res.AmountDiffers = res.Status == SettleApplied && !req.Amount.IsZero() && res.Recorded != req.Amount
	return res, nil
}

// lifeCycleOps are the calls that change a payment's state, with the state
// that shows them applied.
var lifeCycleOps = map[string]LifeCycleState{opPostPayment: Posted, opRejectPayment: Rejected, opCancelPayment: Cancelled}

// settleState reads the payment of a post, reject or cancel back and
// reports whether it is in state.
func (c *Client) settleState(ctx context.Context, req *SettleRequest, state LifeCycleState, res *SettleResult) (bool, error) {
	p, err := c.ShowPayment(ctx, &ShowPaymentRequest{Payment: req.Payment, FieldsSet: settleFields})
	if err != nil {
		return false, c.http.AsStep(opSettle, opShowPayment, err)
	}
	res.Payments = []Payment{*p}
	return p.LifeCycleState == state, nil
}

// settleLatest reads the account's latest payments back, more of them
// while the answer is full and does not show the call, and reports
// whether it shows.
func (c *Client) settleLatest(ctx context.Context, req *SettleRequest, res *SettleResult) (bool, error) {
	fields := append([]string(nil), settleFields...)
	var match func(ps []Payment) (found, settled bool)
	switch req.Op {
	case opPayInvoice:
		fields = append(fields, "invoices_to_pay_set")
		want := req.Invoice.fields()
		match = func(ps []Payment) (bool, bool) {
			return paidInFull(ps, res, func(p *Payment) (Amount, bool) { return outstanding(want, p.InvoicesToPaySet) })
		}
	case opPayBill:
		fields = append(fields, "bills_to_pay_set")
		want := req.Bill.fields()
		match = func(ps []Payment) (bool, bool) {
			return paidInFull(ps, res, func(p *Payment) (Amount, bool) { return outstanding(want, p.BillsToPaySet) })
		}
	default: // opCreatePayment
		fields = append(fields, "udf_string_"+strconv.Itoa(req.ReferenceUDF))
		match = func(ps []Payment) (bool, bool) {
			for i := range ps {
				if ps[i].udfString(req.ReferenceUDF) == req.Reference {
					res.Payments = append(res.Payments, ps[i])
				}
			}
			return len(res.Payments) > 0, len(res.Payments) > 0
		}
	}
	for n := settleWindow; ; n *= 2 {
		latest, err := c.GetLatestPayments(ctx, &GetLatestPaymentsRequest{AccountsReceivable: req.AccountsReceivable, Number: n, FieldsSet: fields})
		if err != nil {
			return false, c.http.AsStep(opSettle, opGetLatestPayments, err)
		}
		res.Payments = res.Payments[:0]
		if found, settled := match(latest.Payments); settled || len(latest.Payments) < n {
			return found, nil
		}
		if n >= maxSettleWindow {
			return false, &Error{Partner: partner, Op: opSettle, Step: opGetLatestPayments, Outcome: NotApplied,
				Message: "the account has more than " + strconv.Itoa(n) + " payments and the latest do not show the call: look for it with AllPayments"}
		}
	}
}

// paidInFull looks, latest first, for the first POSTED payment that paid
// the invoice or bill (paid says whether it did, and what is outstanding
// of it). That payment stands for a pay only when nothing is left
// outstanding: a pay takes the whole outstanding amount. settled is true
// once the answer is definite.
func paidInFull(ps []Payment, res *SettleResult, paid func(*Payment) (Amount, bool)) (found, settled bool) {
	for i := range ps {
		if ps[i].LifeCycleState != Posted {
			continue
		}
		outstanding, ok := paid(&ps[i])
		switch {
		case !ok:
		case outstanding.Sign() > 0:
			return false, true // paid in part: no pay of it stands
		default:
			res.Payments = append(res.Payments, ps[i])
			return true, true
		}
	}
	return false, false
}

// outstanding finds the invoice or bill want names (by id, number or
// reference_number) in a payment's invoices_to_pay_set or
// bills_to_pay_set, and returns what is outstanding of it.
func outstanding[T Invoice | Bill](want idFields, set []T) (Amount, bool) {
	f, at, _ := want.which()
	for _, t := range set {
		inv := Invoice(t)
		got := [...]ID{inv.ID, inv.Number, inv.ReferenceNumber} // the identifier's field order
		if ID(f.value) == got[at] {
			return inv.OutstandingAmount, true
		}
	}
	return Amount{}, false
}

func (r *SettleRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opSettle)
	}
	unused := func(field string, set bool) {
		if set {
			chk.Add(field, "is not used when settling "+r.Op+"; a stored request was mixed up")
		}
	}
	ar, inv, bill, pay := r.AccountsReceivable.fields(), r.Invoice.fields(), r.Bill.fields(), r.Payment.fields()
	positive := false
	switch r.Op {
	case opPayInvoice:
		checkIdentifier(&chk, "AccountsReceivable", ar, true)
		checkIdentifier(&chk, "Invoice", inv, true)
		unused("Bill", r.Bill != BillIdentifier{})
		unused("ReferenceUDF", r.ReferenceUDF != 0 || r.Reference != "")
		unused("Payment", r.Payment != PaymentIdentifier{})
	case opPayBill:
		checkIdentifier(&chk, "AccountsReceivable", ar, true)
		checkIdentifier(&chk, "Bill", bill, true)
		unused("Invoice", r.Invoice != InvoiceIdentifier{})
		unused("ReferenceUDF", r.ReferenceUDF != 0 || r.Reference != "")
		unused("Payment", r.Payment != PaymentIdentifier{})
	case opCreatePayment:
		checkIdentifier(&chk, "AccountsReceivable", ar, true)
		checkReferenceUDF(&chk, r.ReferenceUDF)
		if chk.Required("Reference", r.Reference) {
			chk.FreeText("Reference", r.Reference, MaxUDFStringLen)
		}
		unused("Invoice", r.Invoice != InvoiceIdentifier{})
		unused("Bill", r.Bill != BillIdentifier{})
		unused("Payment", r.Payment != PaymentIdentifier{})
		positive = true
	case opPostPayment, opRejectPayment, opCancelPayment:
		checkIdentifier(&chk, "Payment", pay, true)
		unused("AccountsReceivable", r.AccountsReceivable != AccountsReceivableIdentifier{})
		unused("Invoice", r.Invoice != InvoiceIdentifier{})
		unused("Bill", r.Bill != BillIdentifier{})
		unused("ReferenceUDF", r.ReferenceUDF != 0 || r.Reference != "")
	case "":
		chk.Add("Op", "is required: the call whose outcome was unknown")
	default:
		chk.Add("Op", "must be PayInvoice, PayBill, CreatePayment, PostPayment, RejectPayment or CancelPayment")
	}
	chk.Money("Amount", r.Amount, positive)
	if r.SentAt.IsZero() {
		chk.Add("SentAt", "is required: when the call was sent")
	}
	return chk.Err(partner, opSettle)
}

// checkReferenceUDF checks the number of a user-defined string field.
func checkReferenceUDF(chk *transport.Checks, n int) {
	if n < 1 || n > 8 {
		chk.Add("ReferenceUDF", "must be 1 to 8: the user-defined string field holding your reference")
	}
}

// SettleRequestOf returns the settle request an unknown call's error
// carries, or false when err carries none.
func SettleRequestOf(err error) (*SettleRequest, bool) {
	return transport.SettleOf[*SettleRequest](err)
}

// withSettle attaches hint, sent now, to err when the call's outcome is
// unknown. It is called on the error path only.
func withSettle(err error, hint SettleRequest) error {
	return transport.AttachSettle(err, func(sentAt time.Time) *SettleRequest {
		hint.SentAt = sentAt
		return &hint
	})
}
