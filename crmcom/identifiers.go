package crmcom

import (
	"github.com/civicpay/datapump/internal/transport"
)

// CRM.COM names an entity by an identifier: an object whose one field says
// how (by id, number, name, ...). Each identifier type below accepts
// exactly one of its fields ("Only one of those parameters is allowed to
// be specified"); setting two, or none where the identifier is mandatory,
// is an error before anything is sent. On POST an identifier travels as a
// JSON object ({"number":"192"}), on GET as a query value field=value
// (accounts_receivable_identifier=number=192).
//
// The partner document leaves out the lists of allowed fields; the fields
// below are those its samples and response objects show, and those marked
// as an assumption.

// PaymentIdentifier names a payment. Payment.Identifier and
// PaymentSummary.Identifier return one by id.
type PaymentIdentifier struct {
	ID              ID     `json:"id,omitempty"`
	Number          ID     `json:"number,omitempty"`
	ReferenceNumber ID     `json:"reference_number,omitempty"`
	BackOfficeCode  string `json:"back_office_code,omitempty"`
}

// AccountsReceivableIdentifier names an accounts receivable (a customer's
// account). Name is an assumption.
type AccountsReceivableIdentifier struct {
	ID     ID     `json:"id,omitempty"`
	Number ID     `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
}

// TypeIdentifier names a financial transaction type (type_identifier),
// such as "Invoices Balance Payment", or "Payment Cancellation" for
// CancelPayment. AlternativeCode is an assumption.
type TypeIdentifier struct {
	ID              ID     `json:"id,omitempty"`
	Name            string `json:"name,omitempty"`
	AlternativeCode string `json:"alternative_code,omitempty"`
}

// CategoryIdentifier names a financial transaction category
// (category_identifier). Code is an assumption.
type CategoryIdentifier struct {
	ID   ID     `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	Code string `json:"code,omitempty"`
}

// PaymentMethodIdentifier names a payment method, such as "Direct Debit".
// AlternativeCode is an assumption.
type PaymentMethodIdentifier struct {
	ID              ID     `json:"id,omitempty"`
	Name            string `json:"name,omitempty"`
	AlternativeCode string `json:"alternative_code,omitempty"`
}

// InvoiceIdentifier names an invoice.
type InvoiceIdentifier struct {
	ID              ID `json:"id,omitempty"`
	Number          ID `json:"number,omitempty"`
	ReferenceNumber ID `json:"reference_number,omitempty"`
}

// BillIdentifier names a bill. ID and ReferenceNumber are assumptions.
type BillIdentifier struct {
	ID              ID `json:"id,omitempty"`
	Number          ID `json:"number,omitempty"`
	ReferenceNumber ID `json:"reference_number,omitempty"`
}

// UserIdentifier names a CRM.COM user (received_by_user_identifier).
type UserIdentifier struct {
	ID       ID     `json:"id,omitempty"`
	Username string `json:"username,omitempty"`
}

// UnitIdentifier names a unit (received_by_unit_identifier).
// AlternativeCode is an assumption.
type UnitIdentifier struct {
	ID              ID     `json:"id,omitempty"`
	Name            string `json:"name,omitempty"`
	AlternativeCode string `json:"alternative_code,omitempty"`
}

// CardIdentifier names a card held by a payment gateway for the accounts
// receivable's owner (card_identifier), such as a Stripe card id. It never
// carries card data: a value that looks like a card number is refused.
type CardIdentifier struct {
	ID                            ID     `json:"id,omitempty"`
	PaymentGatewayReferenceNumber string `json:"payment_gateway_reference_number,omitempty"`
}

// RejectionReasonIdentifier names a payment rejection reason.
// AlternativeCode is an assumption.
type RejectionReasonIdentifier struct {
	ID              ID     `json:"id,omitempty"`
	Name            string `json:"name,omitempty"`
	AlternativeCode string `json:"alternative_code,omitempty"`
}

// idField is one field of an identifier: its wire name and value.
type idField struct{ name, value string }

// idFields is every field of an identifier; unused entries are empty.
type idFields [4]idField

func (i *PaymentIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"number", string(i.Number)}, {"reference_number", string(i.ReferenceNumber)}, {"back_office_code", i.BackOfficeCode}}
}

func (i *AccountsReceivableIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"number", string(i.Number)}, {"name", i.Name}}
}

func (i *TypeIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"name", i.Name}, {"alternative_code", i.AlternativeCode}}
}

func (i *CategoryIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"name", i.Name}, {"code", i.Code}}
}

func (i *PaymentMethodIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"name", i.Name}, {"alternative_code", i.AlternativeCode}}
}

func (i *InvoiceIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"number", string(i.Number)}, {"reference_number", string(i.ReferenceNumber)}}
}

func (i *BillIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"number", string(i.Number)}, {"reference_number", string(i.ReferenceNumber)}}
}

func (i *UserIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"username", i.Username}}
}

func (i *UnitIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"name", i.Name}, {"alternative_code", i.AlternativeCode}}
}

func (i *CardIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"payment_gateway_reference_number", i.PaymentGatewayReferenceNumber}}
}

func (i *RejectionReasonIdentifier) fields() idFields {
	return idFields{{"id", string(i.ID)}, {"name", i.Name}, {"alternative_code", i.AlternativeCode}}
}

// set returns the one field set, and how many are set.
func (fs *idFields) set() (idField, int) {
	f, _, n := fs.which()
	return f, n
}

// which returns the one field set, its index, and how many are set.
func (fs *idFields) which() (idField, int, int) {
	var one idField
	at, n := 0, 0
	for i, f := range fs {
		if f.value != "" {
			one, at, n = f, i, n+1
		}
	}
	return one, at, n
}

// String renders the identifier as CRM.COM's query value: field=value.
func (fs *idFields) String() string {
	f, n := fs.set()
	if n != 1 {
		return ""
	}
	return f.name + "=" + f.value
}

// checkIdentifier records what is wrong with an identifier: none of its
// fields set when it is required, more than one set, or a value that is
// not a clean line of text.
func checkIdentifier(chk *transport.Checks, name string, fs idFields, required bool) {
	_, n := fs.set()
	switch {
	case n == 0 && required:
		chk.Add(name, "is required: set one of its fields")
	case n > 1:
		chk.Add(name, "must have exactly one field set; CRM.COM allows only one")
	}
	for _, f := range fs {
		if f.value != "" && !plainText(f.value, MaxIdentifierLen) {
			chk.OptionalText(name+"."+f.name, f.value, MaxIdentifierLen)
		}
	}
}

// plainText reports whether s is text every check accepts as is: printable
// ASCII, no surrounding spaces, at most maxLen characters. Anything else
// goes to the full checks, which name the field (building that name costs
// an allocation the common case need not pay).
func plainText(s string, maxLen int) bool {
	if len(s) > maxLen || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// reconcile is a Reconcile text with "{key}" where the identifier's value
// goes, and the value: the transport joins them only when an error needs
// the text, so a call that succeeds builds nothing.
type reconcile struct{ text, key string }

// reconcileTexts holds, per field of one identifier kind (by index in its
// idFields), the text naming that field.
type reconcileTexts [4]string

// newReconcileTexts writes the text for each field of fs (a zero
// identifier: only the names count) with format, which is given the
// field's name.
func newReconcileTexts(fs idFields, format func(field string) string) reconcileTexts {
	var out reconcileTexts
	for i, f := range fs {
		if f.name != "" {
			out[i] = format(f.name)
		}
	}
	return out
}

// of returns the reconcile for an identifier of the kind, checked to have
// exactly one field.
func (r *reconcileTexts) of(fs idFields) reconcile {
	f, i, _ := fs.which()
	return reconcile{text: r[i], key: f.value}
}

// optional returns v, or nil when it is the zero identifier, so the wire
// body leaves it out.
func optional[T comparable](v *T) *T {
	var zero T
	if *v == zero {
		return nil
	}
	return v
}
