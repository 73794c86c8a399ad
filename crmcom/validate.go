package crmcom

import (
	"strconv"
	"strings"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/transport"
)

// Bounds of what CRM.COM's document leaves open: one fields_set entry, and
// the text of one Decimal.
const (
	maxFieldName  = 64
	maxDecimalLen = 64
)

func checkFieldsSet(chk *transport.Checks, fields []string) {
	for _, f := range fields {
		if strings.ContainsAny(f, ", ") {
			chk.Add("FieldsSet", "each entry must be one field name, without commas or spaces")
			continue
		}
		chk.Text("FieldsSet", f, maxFieldName)
	}
}

func checkUDF(chk *transport.Checks, u *UserDefinedFields) {
	if *u == (UserDefinedFields{}) {
		return
	}
	for _, f := range []struct{ name, value string }{
		{"UDFString1", u.UDFString1}, {"UDFString2", u.UDFString2}, {"UDFString3", u.UDFString3}, {"UDFString4", u.UDFString4},
		{"UDFString5", u.UDFString5}, {"UDFString6", u.UDFString6}, {"UDFString7", u.UDFString7}, {"UDFString8", u.UDFString8},
	} {
		chk.FreeText(f.name, f.value, MaxUDFStringLen)
	}
	for _, f := range []struct {
		name  string
		value Decimal
	}{{"UDFFloat1", u.UDFFloat1}, {"UDFFloat2", u.UDFFloat2}, {"UDFFloat3", u.UDFFloat3}, {"UDFFloat4", u.UDFFloat4}} {
		if f.value != "" && (!f.value.valid() || len(f.value) > maxDecimalLen) {
			chk.Add(f.name, `must be a decimal number such as "10" or "-2.5"`)
		}
	}
}

// checkCard refuses a card identifier that carries what looks like a card
// number: only a gateway's reference to a card may be sent.
func checkCard(chk *transport.Checks, card *CardIdentifier) {
	if *card == (CardIdentifier{}) {
		return
	}
	fs := card.fields()
	checkIdentifier(chk, "Card", fs, false)
	for _, f := range fs {
		if f.value != "" && redact.ContainsCardNumber(f.value) {
			chk.NoCardNumber("Card."+f.name, f.value)
		}
	}
}

// checkFilters checks the optional filters of list and get_latest.
func checkFilters(chk *transport.Checks, t *TypeIdentifier, c *CategoryIdentifier, m *PaymentMethodIdentifier) {
	checkIdentifier(chk, "Type", t.fields(), false)
	checkIdentifier(chk, "Category", c.fields(), false)
	checkIdentifier(chk, "PaymentMethod", m.fields(), false)
}

func (r *ShowPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Payment", r.Payment.fields(), true)
	checkFieldsSet(&chk, r.FieldsSet)
	return chk.Err(partner, op)
}

func (r *ListPaymentsRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "AccountsReceivable", r.AccountsReceivable.fields(), true)
	checkFilters(&chk, &r.Type, &r.Category, &r.PaymentMethod)
	checkFieldsSet(&chk, r.FieldsSet)
	if r.Offset < 0 {
		chk.Add("Offset", "must not be negative")
	}
	if r.NumberOfResults < 0 {
		chk.Add("NumberOfResults", "must not be negative")
	}
	return chk.Err(partner, op)
}

func (r *GetLatestPaymentsRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "AccountsReceivable", r.AccountsReceivable.fields(), true)
	checkFilters(&chk, &r.Type, &r.Category, &r.PaymentMethod)
	checkFieldsSet(&chk, r.FieldsSet)
	if r.Number < 1 {
		chk.Add("Number", "is required: how many payments to return, at least 1")
	}
	return chk.Err(partner, op)
}

func (r *CreatePaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "AccountsReceivable", r.AccountsReceivable.fields(), true)
	checkIdentifier(&chk, "Type", r.Type.fields(), true)
	switch r.LifeCycleState {
	case Draft, Posted:
	case "":
		chk.Add("LifeCycleState", `is required: "DRAFT" or "POSTED"`)
	default:
		chk.Add("LifeCycleState", `must be "DRAFT" or "POSTED"`)
	}
	checkIdentifier(&chk, "PaymentMethod", r.PaymentMethod.fields(), true)
	chk.Money("PaymentAmount", r.PaymentAmount, true)
	checkIdentifier(&chk, "Category", r.Category.fields(), false)
	checkIdentifier(&chk, "ReceivedByUser", r.ReceivedByUser.fields(), false)
	checkIdentifier(&chk, "ReceivedByUnit", r.ReceivedByUnit.fields(), false)
	checkCard(&chk, &r.Card)
	chk.FreeText("Description", r.Description, MaxNotesLen)
	chk.FreeText("Notes", r.Notes, MaxNotesLen)
	checkUDF(&chk, &r.UserDefinedFields)
	for i := range r.InvoicesToPay {
		checkIdentifier(&chk, "InvoicesToPay["+strconv.Itoa(i)+"]", r.InvoicesToPay[i].fields(), true)
	}
	for i := range r.BillsToPay {
		checkIdentifier(&chk, "BillsToPay["+strconv.Itoa(i)+"]", r.BillsToPay[i].fields(), true)
	}
	switch n := r.ReferenceUDF; {
	case n == 0:
	case n < 1 || n > 8:
		checkReferenceUDF(&chk, n)
	case r.udfString(n) == "":
		chk.Add("ReferenceUDF", "names UDFString"+strconv.Itoa(n)+", which is empty: it must hold your reference")
	}
	return chk.Err(partner, op)
}

// checkPay checks what PayInvoice and PayBill share.
func checkPay(chk *transport.Checks, ar *AccountsReceivableIdentifier, t *TypeIdentifier, m *PaymentMethodIdentifier,
	c *CategoryIdentifier, state LifeCycleState, user *UserIdentifier, unit *UnitIdentifier, card *CardIdentifier,
	notes string, udf *UserDefinedFields, expected Amount) {
	checkIdentifier(chk, "AccountsReceivable", ar.fields(), true)
	checkIdentifier(chk, "Type", t.fields(), true)
	checkIdentifier(chk, "PaymentMethod", m.fields(), true)
	checkIdentifier(chk, "Category", c.fields(), false)
	if state != "" && state != Posted {
		chk.Add("LifeCycleState", `must be "POSTED" or empty: the payment is created posted`)
	}
	checkIdentifier(chk, "ReceivedByUser", user.fields(), false)
	checkIdentifier(chk, "ReceivedByUnit", unit.fields(), false)
	checkCard(chk, card)
	chk.FreeText("Notes", notes, MaxNotesLen)
	checkUDF(chk, udf)
	chk.Money("ExpectedAmount", expected, false)
}

func (r *PayInvoiceRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Invoice", r.Invoice.fields(), true)
	checkPay(&chk, &r.AccountsReceivable, &r.Type, &r.PaymentMethod, &r.Category, r.LifeCycleState,
		&r.ReceivedByUser, &r.ReceivedByUnit, &r.Card, r.Notes, &r.UserDefinedFields, r.ExpectedAmount)
	return chk.Err(partner, op)
}

func (r *PayBillRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Bill", r.Bill.fields(), true)
	checkPay(&chk, &r.AccountsReceivable, &r.Type, &r.PaymentMethod, &r.Category, r.LifeCycleState,
		&r.ReceivedByUser, &r.ReceivedByUnit, &r.Card, r.Notes, &r.UserDefinedFields, r.ExpectedAmount)
	return chk.Err(partner, op)
}

func (r *PostPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Payment", r.Payment.fields(), true)
	return chk.Err(partner, op)
}

func (r *RejectPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Payment", r.Payment.fields(), true)
	checkIdentifier(&chk, "RejectionReason", r.RejectionReason.fields(), true)
	return chk.Err(partner, op)
}

func (r *CancelPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkIdentifier(&chk, "Payment", r.Payment.fields(), true)
	checkIdentifier(&chk, "Type", r.Type.fields(), true)
	checkIdentifier(&chk, "Category", r.Category.fields(), false)
	chk.FreeText("Notes", r.Notes, MaxNotesLen)
	chk.FreeText("IssueReason", r.IssueReason, MaxNotesLen)
	checkUDF(&chk, &r.UserDefinedFields)
	return chk.Err(partner, op)
}
