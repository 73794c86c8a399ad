package crmcom

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/wire"
)

// ID is an identifier, number or reference number CRM.COM returns ("id",
// "number", "reference_number"). It keeps the exact text, whether CRM.COM
// sends a JSON string or a number, so a value one call returns goes into
// the next call's identifier as is.
type ID string

// UnmarshalJSON accepts a JSON string, an integer, or null (empty).
func (id *ID) UnmarshalJSON(b []byte) error {
	if s, ok := plainJSONString(b); ok {
		*id = ID(s)
		return nil
	}
	s, err := wire.IDText(b)
	if err != nil {
		return errors.New("crmcom: " + err.Error())
	}
	*id = ID(s)
	return nil
}

// plainJSONString returns the text of a JSON string literal without escapes
// or control characters, the form nearly every CRM.COM id and date takes,
// without the general decoder's work; ok is false for anything else.
func plainJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	b = b[1 : len(b)-1]
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return "", false
		}
	}
	return string(b), true
}

// LifeCycleState is the state of a payment.
type LifeCycleState string

// The life-cycle states of a payment. A payment is created DRAFT or
// POSTED; PostPayment and RejectPayment take a DRAFT one to POSTED or
// REJECTED; CancelPayment takes a POSTED one to CANCELLED.
const (
	Draft     LifeCycleState = "DRAFT"
	Posted    LifeCycleState = "POSTED"
	Rejected  LifeCycleState = "REJECTED"
	Cancelled LifeCycleState = "CANCELLED"
)

// Decimal is an exact decimal number that is not money: CRM.COM's
// user-defined "Float" fields. It holds the number's text, e.g. "10" or
// "-2.5e3", and travels as a JSON number, never through float64.
type Decimal string

// MarshalJSON writes the decimal as a JSON number; text that is not a
// number is an error.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if !d.valid() {
		return nil, errors.New("crmcom: Decimal is not a number")
	}
	return []byte(d), nil
}

// UnmarshalJSON accepts a JSON number, a string holding one, or null
// (empty).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch {
	case s == "null":
		return nil
	case strings.HasPrefix(s, `"`):
		if err := json.Unmarshal(b, &s); err != nil {
			return errors.New("crmcom: Decimal is not a JSON string or number")
		}
	}
	if v := Decimal(s); v != "" && !v.valid() {
		return errors.New("crmcom: Decimal is not a number")
	}
	*d = Decimal(s)
	return nil
}

// valid reports whether d is a JSON number literal.
func (d Decimal) valid() bool {
	s := string(d)
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && json.Valid([]byte(s))
}

// timeLayout is how CRM.COM writes dates: no zone, no fraction.
const timeLayout = "2006-01-02T15:04:05"

// zoneless marks a time decoded from text without a zone, until it is
// read in the client's Config.Location. It prints as UTC.
var zoneless = time.FixedZone("UTC", 0)

// Time is a date as CRM.COM writes it: "2014-07-14T10:31:15", without a
// zone. The client reads it in Config.Location (UTC by default). null
// decodes to the zero time.
type Time struct {
	time.Time
}

// MarshalJSON writes the time without a zone, in its own location, as
// CRM.COM writes dates; the zero time is null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads a CRM.COM date: zone-less (read as UTC until the
// client applies Config.Location) or, should CRM.COM send one, with a
// zone; null and "" are the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if s, ok := plainJSONString(b); ok && len(s) == len(timeLayout) {
		if v, err := time.ParseInLocation(timeLayout, s, zoneless); err == nil {
			t.Time = v
			return nil
		}
	}
	v, err := wire.TimeText(b, zoneless)
	if err != nil {
		return errors.New("crmcom: " + err.Error())
	}
	t.Time = v
	return nil
}

// in reads a zone-less time in loc; a time with a zone keeps its instant.
func (t *Time) in(loc *time.Location) {
	if t.Location() != zoneless {
		return
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	t.Time = time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc)
}

// wireTime formats a caller's time for CRM.COM: in loc, without a zone;
// the zero time is "" (left out).
func wireTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(timeLayout)
}

// UserDefinedFields are the sixteen user-defined fields a payment or a
// payment cancellation may carry. Empty fields are not sent. Strings are
// at most MaxUDFStringLen characters and never hold a card number.
type UserDefinedFields struct {
	UDFString1, UDFString2, UDFString3, UDFString4 string
	UDFString5, UDFString6, UDFString7, UDFString8 string
	UDFFloat1, UDFFloat2, UDFFloat3, UDFFloat4     Decimal
	UDFDate1, UDFDate2, UDFDate3, UDFDate4         time.Time
}

func (u *UserDefinedFields) wire(loc *time.Location) *udfBody {
	if *u == (UserDefinedFields{}) {
		return nil
	}
	return &udfBody{
		UDFString1: u.UDFString1, UDFString2: u.UDFString2, UDFString3: u.UDFString3, UDFString4: u.UDFString4,
		UDFString5: u.UDFString5, UDFString6: u.UDFString6, UDFString7: u.UDFString7, UDFString8: u.UDFString8,
		UDFFloat1: u.UDFFloat1, UDFFloat2: u.UDFFloat2, UDFFloat3: u.UDFFloat3, UDFFloat4: u.UDFFloat4,
		UDFDate1: wireTime(u.UDFDate1, loc), UDFDate2: wireTime(u.UDFDate2, loc),
		UDFDate3: wireTime(u.UDFDate3, loc), UDFDate4: wireTime(u.UDFDate4, loc),
	}
}

// udfString returns UDFString1 to UDFString8 by number; "" for any other.
func (u *UserDefinedFields) udfString(n int) string {
	return pickString(n, u.UDFString1, u.UDFString2, u.UDFString3, u.UDFString4,
		u.UDFString5, u.UDFString6, u.UDFString7, u.UDFString8)
}

// udfString returns UDFString1 to UDFString8 by number; "" for any other.
func (u *UserDefinedValues) udfString(n int) string {
	return pickString(n, u.UDFString1, u.UDFString2, u.UDFString3, u.UDFString4,
		u.UDFString5, u.UDFString6, u.UDFString7, u.UDFString8)
}

// pickString returns the n-th (from 1) of ss, or "".
func pickString(n int, ss ...string) string {
	if n < 1 || n > len(ss) {
		return ""
	}
	return ss[n-1]
}

// UserDefinedValues are the user-defined fields of a payment as CRM.COM
// returns them.
type UserDefinedValues struct {
	UDFString1 string  `json:"udf_string_1"`
	UDFString2 string  `json:"udf_string_2"`
	UDFString3 string  `json:"udf_string_3"`
	UDFString4 string  `json:"udf_string_4"`
	UDFString5 string  `json:"udf_string_5"`
	UDFString6 string  `json:"udf_string_6"`
	UDFString7 string  `json:"udf_string_7"`
	UDFString8 string  `json:"udf_string_8"`
	UDFFloat1  Decimal `json:"udf_float_1"`
	UDFFloat2  Decimal `json:"udf_float_2"`
	UDFFloat3  Decimal `json:"udf_float_3"`
	UDFFloat4  Decimal `json:"udf_float_4"`
	UDFDate1   Time    `json:"udf_date_1"`
	UDFDate2   Time    `json:"udf_date_2"`
	UDFDate3   Time    `json:"udf_date_3"`
	UDFDate4   Time    `json:"udf_date_4"`
}

// ---- Requests

// ShowPaymentRequest asks for one payment (GET payments/show).
type ShowPaymentRequest struct {
	// Payment names the payment. Required.
	Payment PaymentIdentifier
	// FieldsSet lists the fields to return (e.g. "id",
	// "life_cycle_state"); empty returns them all.
	FieldsSet []string
}

// ListPaymentsRequest asks for the payments of an accounts receivable
// (GET payments/list).
type ListPaymentsRequest struct {
	// AccountsReceivable names the account. Required.
	AccountsReceivable AccountsReceivableIdentifier
	// Type, Category and PaymentMethod narrow the list. Optional.
	Type          TypeIdentifier
	Category      CategoryIdentifier
	PaymentMethod PaymentMethodIdentifier
	// FieldsSet lists the fields to return; empty returns them all.
	FieldsSet []string
	// Offset and NumberOfResults page the list (CRM.COM's offset and
	// number_of_results; an assumption: the partner document does not
	// show them). Zero leaves each out, so CRM.COM's defaults apply.
	// AllPayments pages through everything.
	Offset          int
	NumberOfResults int
}

// GetLatestPaymentsRequest asks for the latest payments of an accounts
// receivable (GET payments/get_latest).
type GetLatestPaymentsRequest struct {
	// AccountsReceivable names the account. Required.
	AccountsReceivable AccountsReceivableIdentifier
	// Type, Category and PaymentMethod narrow the list. Optional.
	Type          TypeIdentifier
	Category      CategoryIdentifier
	PaymentMethod PaymentMethodIdentifier
	// Number is how many payments to return, the latest first. Required,
	// at least 1.
	Number int
	// FieldsSet lists the fields to return; empty returns them all.
	FieldsSet []string
}

// CreatePaymentRequest creates a payment of a given amount, DRAFT or
// POSTED (POST payments/create).
type CreatePaymentRequest struct {
	// AccountsReceivable is the account the payment is allocated to.
	// Required.
	AccountsReceivable AccountsReceivableIdentifier
	// Type is the financial transaction type. Required.
	Type TypeIdentifier
	// LifeCycleState is Draft or Posted. Required.
	LifeCycleState LifeCycleState
	// PaymentMethod is how the customer paid. Required.
	PaymentMethod PaymentMethodIdentifier
	// PaymentAmount is greater than zero, with at most 2 decimals; it is
	// sent as a JSON number. Required.
	PaymentAmount Amount
	// Category is the financial transaction category. Optional.
	Category CategoryIdentifier
	// ReceivedOn is when the payment was received; it is sent in
	// Config.Location. Optional.
	ReceivedOn time.Time
	// ReceivedByUser defaults, in CRM.COM, to the user who logged in.
	ReceivedByUser UserIdentifier
	ReceivedByUnit UnitIdentifier
	// Card is the gateway card to charge; CRM.COM requires it when the
	// payment method is linked to a payment gateway.
	Card CardIdentifier
	// Description and Notes are free text (at most MaxNotesLen
	// characters, never a card number). Description appears in the
	// partner document's sample only.
	Description string
	Notes       string
	UserDefinedFields
	// InvoicesToPay and BillsToPay name what the payment pays. Optional.
	InvoicesToPay []InvoiceIdentifier
	BillsToPay    []BillIdentifier
	// ReferenceUDF names the user-defined string field, 1 to 8 for
	// UDFString1 to UDFString8, that holds your own reference for this
	// payment, one no other payment of the account carries. It is not
	// sent to CRM.COM (the field itself is); when set, the error of a
	// create whose outcome is unknown carries a SettleRequest (see
	// SettleRequestOf) that finds the payment by that reference. CRM.COM
	// takes no reference of the caller's own, so without one an unknown
	// create cannot be settled. Optional.
	ReferenceUDF int
}

// PayInvoiceRequest pays the whole outstanding amount of one invoice
// with a new POSTED payment (POST payments/pay_invoice).
type PayInvoiceRequest struct {
	// AccountsReceivable is the account the payment is allocated to.
	// Required.
	AccountsReceivable AccountsReceivableIdentifier
	// Invoice is the invoice to pay. Required.
	Invoice InvoiceIdentifier
	// Type is the financial transaction type. Required.
	Type TypeIdentifier
	// PaymentMethod is how the customer paid. Required.
	PaymentMethod PaymentMethodIdentifier
	// Category is the financial transaction category. Optional.
	Category CategoryIdentifier
	// LifeCycleState, if set, must be Posted; the partner document's
	// sample sends it although its parameter table does not list it.
	LifeCycleState LifeCycleState
	// ReceivedOn is when the payment was received; it is sent in
	// Config.Location. Optional.
	ReceivedOn     time.Time
	ReceivedByUser UserIdentifier
	ReceivedByUnit UnitIdentifier
	// Card is the gateway card to charge; CRM.COM requires it when the
	// payment method is linked to a payment gateway.
	Card CardIdentifier
	// Notes is free text (at most MaxNotesLen characters, never a card
	// number).
	Notes string
	UserDefinedFields
	// ExpectedAmount is what the customer was charged, if you want it
	// checked. It is not sent: CRM.COM pays the whole outstanding amount,
	// and when that differs, PayResult.AmountDiffers says so (or, after an
	// unknown outcome, SettleResult.AmountDiffers). Optional.
	ExpectedAmount Amount
}

// PayBillRequest pays the whole outstanding amount of one bill with a new
// POSTED payment (POST payments/pay_bill).
type PayBillRequest struct {
	// AccountsReceivable is the account the payment is allocated to.
	// Required.
	AccountsReceivable AccountsReceivableIdentifier
	// Bill is the bill to pay. Required.
	Bill BillIdentifier
	// Type is the financial transaction type. Required.
	Type TypeIdentifier
	// PaymentMethod is how the customer paid. Required.
	PaymentMethod PaymentMethodIdentifier
	// Category is the financial transaction category. Optional.
	Category CategoryIdentifier
	// LifeCycleState, if set, must be Posted; the partner document's
	// sample sends it although its parameter table does not list it.
	LifeCycleState LifeCycleState
	// ReceivedOn is when the payment was received; it is sent in
	// Config.Location. Optional.
	ReceivedOn     time.Time
	ReceivedByUser UserIdentifier
	ReceivedByUnit UnitIdentifier
	// Card is the gateway card to charge; CRM.COM requires it when the
	// payment method is linked to a payment gateway.
	Card CardIdentifier
	// Notes is free text (at most MaxNotesLen characters, never a card
	// number).
	Notes string
	UserDefinedFields
	// ExpectedAmount is what the customer was charged, if you want it
	// checked; see PayInvoiceRequest.ExpectedAmount.
	ExpectedAmount Amount
}

// SettleRequest holds what Settle needs to find out what became of a call
// whose outcome was unknown: store it with the payment (an unknown call's
// error carries one, see SettleRequestOf) and settle later, after a
// restart too; it encodes as JSON. Op says which call it was and which of
// the other fields it uses.
type SettleRequest struct {
	// Op is the call, as its error names it: "PayInvoice", "PayBill",
	// "CreatePayment", "PostPayment", "RejectPayment" or "CancelPayment".
	// Required.
	Op string `json:"op"`
	// AccountsReceivable is the account the payment was allocated to.
	// Required for PayInvoice, PayBill and CreatePayment.
	AccountsReceivable AccountsReceivableIdentifier `json:"accountsReceivable,omitzero"`
	// Invoice is the invoice PayInvoice paid. Required for PayInvoice.
	Invoice InvoiceIdentifier `json:"invoice,omitzero"`
	// Bill is the bill PayBill paid. Required for PayBill.
	Bill BillIdentifier `json:"bill,omitzero"`
	// ReferenceUDF and Reference are, for CreatePayment, the user-defined
	// string field (1 to 8) and your reference in it that only this
	// payment carries (CreatePaymentRequest.ReferenceUDF). Required for
	// CreatePayment.
	ReferenceUDF int    `json:"referenceUdf,omitempty"`
	Reference    string `json:"reference,omitempty"`
	// Payment is the payment PostPayment, RejectPayment or CancelPayment
	// changes. Required for those.
	Payment PaymentIdentifier `json:"payment,omitzero"`
	// Amount is what the customer was charged: Settle compares it exactly
	// with what CRM.COM recorded. Required for CreatePayment (its
	// PaymentAmount); for PayInvoice and PayBill it is ExpectedAmount, and
	// zero (not given) is not compared; the errors of PostPayment,
	// RejectPayment and CancelPayment carry none (set, it is compared
	// with the payment's amount).
	Amount Amount `json:"amount"`
	// SentAt is when the call was sent. Required.
	SentAt time.Time `json:"sentAt"`
}

// PostPaymentRequest posts a DRAFT payment (POST payments/post).
type PostPaymentRequest struct {
	// Payment names the DRAFT payment. Required.
	Payment PaymentIdentifier
}

// RejectPaymentRequest rejects a DRAFT payment (POST payments/reject).
type RejectPaymentRequest struct {
	// Payment names the DRAFT payment. Required.
	Payment PaymentIdentifier
	// RejectionReason says why. Required (the partner document's table
	// lost its mandatory flag; its text and sample give one).
	RejectionReason RejectionReasonIdentifier
}

// CancelPaymentRequest cancels a POSTED payment (POST payments/cancel):
// CRM.COM creates and posts a payment cancellation.
type CancelPaymentRequest struct {
	// Payment names the POSTED payment. Required.
	Payment PaymentIdentifier
	// Type is the payment cancellation's financial transaction type, e.g.
	// "Payment Cancellation". Required.
	Type TypeIdentifier
	// Category is the cancellation's category. Optional.
	Category CategoryIdentifier
	// Notes and IssueReason are free text (at most MaxNotesLen
	// characters, never a card number).
	Notes       string
	IssueReason string
	UserDefinedFields
}

// ---- Results

// PaymentSummary is the short form of a payment that create, pay_invoice,
// pay_bill, post, reject and cancel answer with.
type PaymentSummary struct {
	ID              ID             `json:"id"`
	Number          ID             `json:"number"` // empty until the payment is posted
	ReferenceNumber ID             `json:"reference_number"`
	LifeCycleState  LifeCycleState `json:"life_cycle_state"`
	PaymentAmount   Amount         `json:"payment_amount"`
	IssuedOn        Time           `json:"issued_on"`
	PostedOn        Time           `json:"posted_on"`
	// PaymentGatewayReferenceNumber and ProcessedByPaymentGateway are set
	// when a payment gateway charged a card (e.g. "STRIPE").
	PaymentGatewayReferenceNumber string `json:"payment_gateway_reference_number,omitempty"`
	ProcessedByPaymentGateway     string `json:"processed_by_payment_gateway,omitempty"`
}

// Identifier names the payment by its id, for the next call.
func (p *PaymentSummary) Identifier() PaymentIdentifier { return PaymentIdentifier{ID: p.ID} }

func (p *PaymentSummary) in(loc *time.Location) {
	p.IssuedOn.in(loc)
	p.PostedOn.in(loc)
}

// PayResult is the payment PayInvoice or PayBill created.
type PayResult struct {
	// Payment is the POSTED payment CRM.COM created.
	Payment PaymentSummary
	// AmountDiffers reports that the request carried an ExpectedAmount
	// and CRM.COM paid another amount (the whole outstanding amount): the
	// payment stands, and the difference is yours to settle.
	AmountDiffers bool
}

// CancelPaymentResult is CRM.COM's answer to a cancellation.
type CancelPaymentResult struct {
	// Payment is the payment cancelled. The partner document's sample
	// still shows it POSTED.
	Payment PaymentSummary `json:"payment"`
	// Cancellation is the payment cancellation CRM.COM created and posted.
	Cancellation PaymentSummary `json:"payment_cancellation"`
}

// SettleResult is what Settle found.
type SettleResult struct {
	// Status is SettleApplied, SettleAbsent or SettleUnknown.
	Status Settlement
	// Payments are what CRM.COM holds for the call, with the fields Settle
	// asked for (ids, number, reference number, state, amount): for
	// PayInvoice and PayBill, the POSTED payment that paid the invoice or
	// bill; for CreatePayment, every payment carrying the reference (more
	// than one: it was created more than once); for PostPayment,
	// RejectPayment and CancelPayment, the payment as it stands, whatever
	// the Status (when absent, its LifeCycleState says what sending again
	// meets: DRAFT can still be posted or rejected, POSTED cancelled).
	Payments []Payment
	// Recorded is the sum of their amounts.
	Recorded Amount
	// AmountDiffers reports an applied call whose recorded amount is not
	// the request's Amount (when it has one): the payment stands, the
	// difference is yours to settle.
	AmountDiffers bool
	// RetryAt, for SettleUnknown because the read-back may still lag, is
	// when to settle again.
	RetryAt time.Time
}

// ListPaymentsResult is one page of payments/list.
type ListPaymentsResult struct {
	Payments []Payment
}

// GetLatestPaymentsResult is payments/get_latest's answer, the latest
// payment first.
type GetLatestPaymentsResult struct {
	Payments []Payment
}

// Payment is a payment as payments/show, payments/list and
// payments/get_latest return it; with a FieldsSet, only the fields asked
// for are filled.
type Payment struct {
	ID                 ID                       `json:"id"`
	Number             ID                       `json:"number"`
	ReferenceNumber    ID                       `json:"reference_number"`
	LifeCycleState     LifeCycleState           `json:"life_cycle_state"`
	PaymentAmount      Amount                   `json:"payment_amount"`
	IssuedOn           Time                     `json:"issued_on"`
	PostedOn           Time                     `json:"posted_on"`
	ReceivedOn         Time                     `json:"received_on"`
	AccountsReceivable AccountsReceivable       `json:"accounts_receivable"`
	ReceivedByUnit     Unit                     `json:"received_by_unit"`
	ReceivedByUser     User                     `json:"received_by_user"`
	Type               FinancialTransactionType `json:"type"`
	PaymentMethod      PaymentMethod            `json:"payment_method"`
	Category           NamedEntity              `json:"category"`
	RejectionReason    NamedEntity              `json:"rejection_reason"`
	InvoicesToPaySet   []Invoice                `json:"invoices_to_pay_set"`
	BillsToPaySet      []Bill                   `json:"bills_to_pay_set"`
	LogInformation     LogInformation           `json:"log_information"`
	UserDefinedValues
}

// Identifier names the payment by its id, for the next call.
func (p *Payment) Identifier() PaymentIdentifier { return PaymentIdentifier{ID: p.ID} }

func (p *Payment) in(loc *time.Location) {
	for _, t := range []*Time{&p.IssuedOn, &p.PostedOn, &p.ReceivedOn,
		&p.UDFDate1, &p.UDFDate2, &p.UDFDate3, &p.UDFDate4,
		&p.LogInformation.CreatedDate, &p.LogInformation.UpdatedDate} {
		t.in(loc)
	}
	for i := range p.InvoicesToPaySet {
		p.InvoicesToPaySet[i].in(loc)
	}
	for i := range p.BillsToPaySet {
		p.BillsToPaySet[i].in(loc)
	}
}

// AccountsReceivable is the account a payment is allocated to.
type AccountsReceivable struct {
	ID             ID           `json:"id"`
	Number         ID           `json:"number"`
	Name           string       `json:"name"`
	LifeCycleState string       `json:"life_cycle_state"` // e.g. "ACTIVE"
	AccountOwner   AccountOwner `json:"account_owner"`
}

// AccountOwner is the person or company owning an accounts receivable.
type AccountOwner struct {
	ID          ID     `json:"id"`
	Type        string `json:"type"` // e.g. "PERSON"
	Name        string `json:"name"`
	FirstName   string `json:"first_name"`
	MiddleName  string `json:"middle_name"`
	LastName    string `json:"last_name"`
	CompanyName string `json:"company_name"`
	// CompanyProfile is kept as raw JSON: the partner document shows only
	// null.
	CompanyProfile json.RawMessage `json:"company_profile"`
	Demographics   Demographics    `json:"demographics"`
}

// Demographics are an account owner's personal details. The document
// numbers are Secret: they never print; Reveal returns them.
type Demographics struct {
	Gender                  string       `json:"gender"`
	DateOfBirth             DayMonthYear `json:"date_of_birth"`
	NameDay                 DayMonthYear `json:"name_day"` // no year
	PassportNumber          Secret       `json:"passport_number"`
	PassportIssuedByCountry NamedEntity  `json:"passport_issued_by_country"`
	SocialSecurityNumber    Secret       `json:"social_security_number"`
	IDNumber                Secret       `json:"id_number"`
	IDIssuedByCountry       NamedEntity  `json:"id_issued_by_country"`
	CountryOfResidence      NamedEntity  `json:"country_of_residence"`
	IndustrySector          NamedEntity  `json:"industry_sector"`
	Industry                NamedEntity  `json:"industry"`
}

// DayMonthYear is a calendar date CRM.COM sends as numbers; 0 is absent.
type DayMonthYear struct {
	Day   int `json:"day"`
	Month int `json:"month"`
	Year  int `json:"year"`
}

// NamedEntity is a CRM.COM entity referred to by id and name: a country,
// an industry, a category, a rejection reason.
type NamedEntity struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description,omitempty"`
	AlternativeCode string `json:"alternative_code,omitempty"`
}

// Unit is a CRM.COM unit (received_by_unit, log_information's units).
type Unit struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	AlternativeCode string `json:"alternative_code"`
	CommunityName   string `json:"community_name"`
	GroupName       string `json:"group_name"`
}

// User is a CRM.COM user.
type User struct {
	ID         ID     `json:"id"`
	Username   string `json:"username"`
	PersonName string `json:"person_name"`
	Email      string `json:"email"`
}

// FinancialTransactionType is a payment's type.
type FinancialTransactionType struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	AlternativeCode string `json:"alternative_code"`
	Classification  string `json:"classification"` // e.g. "PAYMENT"
}

// PaymentMethod is how a payment was made.
type PaymentMethod struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	AlternativeCode string `json:"alternative_code"`
}

// Invoice is an invoice a payment pays.
type Invoice struct {
	ID                ID     `json:"id"`
	Number            ID     `json:"number"`
	ReferenceNumber   ID     `json:"reference_number"`
	LifeCycleState    string `json:"life_cycle_state"`
	TotalAmount       Amount `json:"total_amount"`
	OutstandingAmount Amount `json:"outstanding_amount"`
	IssuedOn          Time   `json:"issued_on"`
	DueOn             Time   `json:"due_on"`
	PostedOn          Time   `json:"posted_on"`
}

func (i *Invoice) in(loc *time.Location) {
	i.IssuedOn.in(loc)
	i.DueOn.in(loc)
	i.PostedOn.in(loc)
}

// Bill is a bill a payment pays. The partner document shows only an empty
// bills_to_pay_set; the fields of an invoice are assumed.
type Bill struct {
	ID                ID     `json:"id"`
	Number            ID     `json:"number"`
	ReferenceNumber   ID     `json:"reference_number"`
	LifeCycleState    string `json:"life_cycle_state"`
	TotalAmount       Amount `json:"total_amount"`
	OutstandingAmount Amount `json:"outstanding_amount"`
	IssuedOn          Time   `json:"issued_on"`
	DueOn             Time   `json:"due_on"`
	PostedOn          Time   `json:"posted_on"`
}

func (b *Bill) in(loc *time.Location) {
	b.IssuedOn.in(loc)
	b.DueOn.in(loc)
	b.PostedOn.in(loc)
}

// LogInformation says who created and last updated a payment, and when.
type LogInformation struct {
	CreatedDate   Time `json:"created_date"`
	CreatedByUser User `json:"created_by_user"`
	CreatedByUnit Unit `json:"created_by_unit"`
	UpdatedDate   Time `json:"updated_date"`
	UpdatedByUser User `json:"updated_by_user"`
	UpdatedByUnit Unit `json:"updated_by_unit"`
}
