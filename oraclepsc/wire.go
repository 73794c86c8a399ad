package oraclepsc

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// createAnswer is Oracle's answer to a create: the row as recorded,
// decoded straight into the result's Payment. The unexported fields hold
// what was sent, for Confirm.
type createAnswer struct {
	*CheckoutPayment
	sentCheckout CheckoutID
	sentID       CheckoutPmtID
	sentRef      PaymentReferenceID
}

// Confirm accepts an answer that shows the row Oracle recorded: its
// CheckoutPmtId (the one sent, when the create named one), and, where the
// answer repeats them, the CheckoutId and PaymentReferenceId sent. Anything
// else may be an answer about another row, or none.
func (a *createAnswer) Confirm() error {
	switch {
	case a.CheckoutPmtID <= 0:
		return errors.New("no CheckoutPmtId")
	case a.sentID != 0 && a.CheckoutPmtID != a.sentID:
		return errors.New("CheckoutPmtId is not the one sent")
	case a.PaymentReferenceID != "" && a.PaymentReferenceID != a.sentRef:
		return errors.New("PaymentReferenceId is not the one sent")
	case a.CheckoutID != "" && a.CheckoutID != a.sentCheckout:
		return errors.New("CheckoutId is not the one sent")
	}
	return nil
}

// listAnswer is Oracle's collection answer, decoded straight into the
// result.
type listAnswer struct {
	*ListCheckoutPaymentsResult
}

// Confirm accepts only an answer that is a collection: items present and
// as many as its count says. The list is how an unknown outcome is
// settled, so an empty or foreign answer must never read as "no such
// payment" (which would invite a second create).
func (a listAnswer) Confirm() error {
	switch {
	case a.Items == nil:
		return errors.New("no items")
	case a.Count != len(a.Items):
		return errors.New("count does not match the items")
	}
	return nil
}

// paymentsPath is the CheckoutPmt collection of a checkout.
const paymentsPath = "/fscmRestApi/resources/{ResourceVersion}/publicSectorCheckouts/{CheckoutId}/child/CheckoutPmt"

// query encodes a list request's query string; filter is its q.
func (r *ListCheckoutPaymentsRequest) query(q string) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if len(r.Fields) > 0 {
		v.Set("fields", strings.Join(r.Fields, ","))
	}
	if r.OnlyData {
		v.Set("onlyData", "true")
	}
	if r.Limit > 0 {
		v.Set("limit", strconv.Itoa(r.Limit))
	}
	if r.Offset > 0 {
		v.Set("offset", strconv.Itoa(r.Offset))
	}
	if len(r.OrderBy) > 0 {
		keys := make([]string, len(r.OrderBy))
		for i, o := range r.OrderBy {
			keys[i] = o.Field + ":asc"
			if o.Descending {
				keys[i] = o.Field + ":desc"
			}
		}
		v.Set("orderBy", strings.Join(keys, ","))
	}
	if r.TotalResults {
		v.Set("totalResults", "true")
	}
	return v.Encode()
}

// term is one attribute=value condition of a Filter.
type term struct {
	field  string // the Go field, for errors
	attr   string // Oracle's attribute name
	value  string
	number bool
}

// terms lists the conditions set in f, in a fixed order.
func (f *Filter) terms() []term {
	var ts []term
	if f.CheckoutPmtID != 0 {
		ts = append(ts, term{"Filter.CheckoutPmtID", "CheckoutPmtId", f.CheckoutPmtID.String(), true})
	}
	for _, t := range []term{
		{"Filter.PaymentReferenceID", "PaymentReferenceId", string(f.PaymentReferenceID), false},
		{"Filter.PaymentTransactionID", "PaymentTransactionId", f.PaymentTransactionID, false},
		{"Filter.PaymentTrackingData", "PaymentTrackingData", f.PaymentTrackingData, false},
		{"Filter.PaymentMethodCode", "PaymentMethodCode", f.PaymentMethodCode, false},
		{"Filter.CashierID", "CashierId", f.CashierID, false},
		{"Filter.SessionID", "SessionId", f.SessionID, false},
	} {
		if t.value != "" {
			ts = append(ts, t)
		}
	}
	return ts
}

// q writes the filter's conditions in the q syntax of the pinned REST
// framework version: query-by-example for version 1
// ("PaymentReferenceId=ABCD1234;CheckoutPmtId=300000100000001"),
// expressions with quoted strings for version 2 and later
// ("CheckoutPmtId=300000100000001 and PaymentReferenceId='ABCD1234'").
// Values were checked by checkFilter.
func (f *Filter) q(v2 bool) string {
	var b strings.Builder
	for i, t := range f.terms() {
		switch {
		case i > 0 && v2:
			b.WriteString(" and ")
		case i > 0:
			b.WriteByte(';')
		}
		b.WriteString(t.attr)
		b.WriteByte('=')
		if v2 && !t.number {
			b.WriteString("'" + t.value + "'")
		} else {
			b.WriteString(t.value)
		}
	}
	return b.String()
}
