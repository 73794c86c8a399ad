package crmcom

import (
	"errors"
	"strings"

	"github.com/google/go-querystring/query"
)

// status is the envelope's status block. "OK" is success; any other code
// is a refusal; no code at all means the answer has no status. Answers
// hold it as a value, which spares an allocation per call.
type status struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	Description string `json:"description"`
}

func (s *status) ok() bool { return strings.EqualFold(s.Code, "OK") }

// text is the message and description as one line of an error.
func (s *status) text() string {
	switch {
	case s.Code == "":
		return "CRM.COM answered without a status"
	case s.Message == "":
		return s.Description
	case s.Description == "" || s.Description == s.Message:
		return s.Message
	}
	return s.Message + ": " + s.Description
}

// loginBody is the body of POST authentication/token ("organisation", as
// CRM.COM spells it).
type loginBody struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	Organisation string `json:"organisation"`
	Unit         string `json:"unit,omitempty"`
}

// loginAnswer is the answer to a login: {"status":..,"data":{"token":..}}.
type loginAnswer struct {
	Status status `json:"status"`
	Data   *struct {
		Token string `json:"token"`
	} `json:"data"`
}

// tokenBody is the body of POST authentication/token/release.
type tokenBody struct {
	Token string `json:"token"`
}

// releaseAnswer is the answer to a token release.
type releaseAnswer struct {
	Status status `json:"status"`
}

// Confirm accepts any answer with a status: OK, or a refusal.
func (a *releaseAnswer) Confirm() error {
	if a.Status.Code == "" {
		return errors.New("no status.code")
	}
	return nil
}

// udfBody is the sixteen user-defined fields on the wire. Bodies embed a
// pointer to it, nil when no field is set, so encoding a body without
// them skips the sixteen fields at once.
type udfBody struct {
	UDFString1 string  `json:"udf_string_1,omitempty"`
	UDFString2 string  `json:"udf_string_2,omitempty"`
	UDFString3 string  `json:"udf_string_3,omitempty"`
	UDFString4 string  `json:"udf_string_4,omitempty"`
	UDFString5 string  `json:"udf_string_5,omitempty"`
	UDFString6 string  `json:"udf_string_6,omitempty"`
	UDFString7 string  `json:"udf_string_7,omitempty"`
	UDFString8 string  `json:"udf_string_8,omitempty"`
	UDFFloat1  Decimal `json:"udf_float_1,omitempty"`
	UDFFloat2  Decimal `json:"udf_float_2,omitempty"`
	UDFFloat3  Decimal `json:"udf_float_3,omitempty"`
	UDFFloat4  Decimal `json:"udf_float_4,omitempty"`
	UDFDate1   string  `json:"udf_date_1,omitempty"`
	UDFDate2   string  `json:"udf_date_2,omitempty"`
	UDFDate3   string  `json:"udf_date_3,omitempty"`
	UDFDate4   string  `json:"udf_date_4,omitempty"`
}

// createBody is the body of POST payments/create, in the order of the
// partner document's sample.
type createBody struct {
	Token              string                        `json:"token"`
	AccountsReceivable *AccountsReceivableIdentifier `json:"accounts_receivable_identifier"`
	Type               *TypeIdentifier               `json:"type_identifier"`
	LifeCycleState     LifeCycleState                `json:"life_cycle_state"`
	PaymentMethod      *PaymentMethodIdentifier      `json:"payment_method_identifier"`
	Card               *CardIdentifier               `json:"card_identifier,omitempty"`
	PaymentAmount      Amount                        `json:"payment_amount"`
	Category           *CategoryIdentifier           `json:"category_identifier,omitempty"`
	ReceivedOn         string                        `json:"received_on,omitempty"`
	ReceivedByUser     *UserIdentifier               `json:"received_by_user_identifier,omitempty"`
	ReceivedByUnit     *UnitIdentifier               `json:"received_by_unit_identifier,omitempty"`
	Description        string                        `json:"description,omitempty"`
	Notes              string                        `json:"notes,omitempty"`
	*udfBody
	InvoicesToPay []invoiceToPay `json:"invoices_to_pay_set,omitempty"`
	BillsToPay    []billToPay    `json:"bills_to_pay_set,omitempty"`
}

func (b *createBody) setToken(t string) { b.Token = t }

type invoiceToPay struct {
	Invoice InvoiceIdentifier `json:"invoice_identifier"`
}

type billToPay struct {
	Bill BillIdentifier `json:"bill_identifier"`
}

// payBody is the body of POST payments/pay_invoice and payments/pay_bill,
// in the order of the partner document's samples.
type payBody struct {
	Token              string                        `json:"token"`
	AccountsReceivable *AccountsReceivableIdentifier `json:"accounts_receivable_identifier"`
	LifeCycleState     LifeCycleState                `json:"life_cycle_state,omitempty"`
	Type               *TypeIdentifier               `json:"type_identifier"`
	PaymentMethod      *PaymentMethodIdentifier      `json:"payment_method_identifier"`
	Category           *CategoryIdentifier           `json:"category_identifier,omitempty"`
	Invoice            *InvoiceIdentifier            `json:"invoice_identifier,omitempty"`
	Bill               *BillIdentifier               `json:"bill_identifier,omitempty"`
	ReceivedOn         string                        `json:"received_on,omitempty"`
	ReceivedByUser     *UserIdentifier               `json:"received_by_user_identifier,omitempty"`
	ReceivedByUnit     *UnitIdentifier               `json:"received_by_unit_identifier,omitempty"`
	Card               *CardIdentifier               `json:"card_identifier,omitempty"`
	Notes              string                        `json:"notes,omitempty"`
	*udfBody
}

func (b *payBody) setToken(t string) { b.Token = t }

// lifeCycleBody is the body of POST payments/post and payments/reject.
type lifeCycleBody struct {
	Token           string                     `json:"token"`
	Payment         *PaymentIdentifier         `json:"payment_identifier"`
	RejectionReason *RejectionReasonIdentifier `json:"rejection_reason_identifier,omitempty"`
}

func (b *lifeCycleBody) setToken(t string) { b.Token = t }

// cancelBody is the body of POST payments/cancel.
type cancelBody struct {
	Token       string              `json:"token"`
	Payment     *PaymentIdentifier  `json:"payment_identifier"`
	Type        *TypeIdentifier     `json:"type_identifier"`
	Category    *CategoryIdentifier `json:"category_identifier,omitempty"`
	Notes       string              `json:"notes,omitempty"`
	IssueReason string              `json:"issue_reason,omitempty"`
	*udfBody
}

// summaryAnswer is the answer of create, pay_invoice, pay_bill, post and
// reject: the payment's short summary.
type summaryAnswer struct {
	Status status          `json:"status"`
	Data   *PaymentSummary `json:"data"`
	// want is the life-cycle state the call leaves the payment in; a
	// summary in another state does not confirm it.
	want LifeCycleState
}

// Confirm accepts a refusal (any status code but OK), or an OK answer
// showing the payment CRM.COM recorded: its id and, when the answer
// states one, the life-cycle state the call leaves it in.
func (a *summaryAnswer) Confirm() error {
	switch {
	case a.Status.Code == "":
		return errors.New("no status.code")
	case !a.Status.ok():
		return nil
	case a.Data == nil || a.Data.ID == "":
		return errors.New("status OK without data.id")
	case a.want != "" && a.Data.LifeCycleState != "" && a.Data.LifeCycleState != a.want:
		return errors.New("status OK with data.life_cycle_state " + string(a.Data.LifeCycleState) + ", not " + string(a.want))
	}
	return nil
}

// recorded reports whether the answer shows a payment id.
func (a *summaryAnswer) recorded() bool { return a.Data != nil && a.Data.ID != "" }

// cancelAnswer is the answer of payments/cancel.
type cancelAnswer struct {
	Status status `json:"status"`
	Data   *struct {
		Payment      PaymentSummary `json:"payment"`
		Cancellation PaymentSummary `json:"payment_cancellation"`
	} `json:"data"`
}

// Confirm accepts a refusal, or an OK answer showing the payment
// cancellation CRM.COM created (its id).
func (a *cancelAnswer) Confirm() error {
	switch {
	case a.Status.Code == "":
		return errors.New("no status.code")
	case !a.Status.ok():
		return nil
	case a.Data == nil || a.Data.Cancellation.ID == "":
		return errors.New("status OK without data.payment_cancellation.id")
	}
	return nil
}

func (a *cancelAnswer) recorded() bool { return a.Data != nil && a.Data.Cancellation.ID != "" }

// showAnswer is the answer of payments/show.
type showAnswer struct {
	Status status   `json:"status"`
	Data   *Payment `json:"data"`
}

// Confirm accepts a refusal, or an OK answer holding the payment. A read
// callers reconcile with must not read "nothing" from an empty answer.
func (a *showAnswer) Confirm() error {
	switch {
	case a.Status.Code == "":
		return errors.New("no status.code")
	case a.Status.ok() && a.Data == nil:
		return errors.New("status OK without data")
	}
	return nil
}

// listAnswer is the answer of payments/list and payments/get_latest.
type listAnswer struct {
	Status status    `json:"status"`
	Data   []Payment `json:"data"`
}

// Confirm accepts a refusal, or an OK answer holding a list (maybe
// empty), so an answer without one never reads as "no payments".
func (a *listAnswer) Confirm() error {
	switch {
	case a.Status.Code == "":
		return errors.New("no status.code")
	case a.Status.ok() && a.Data == nil:
		return errors.New("status OK without a data list")
	}
	return nil
}

// readQuery is the query of the GET methods, encoded with go-querystring.
// Identifiers travel as "field=value".
type readQuery struct {
	Token              string   `url:"token"`
	Payment            string   `url:"payment_identifier,omitempty"`
	AccountsReceivable string   `url:"accounts_receivable_identifier,omitempty"`
	Type               string   `url:"type_identifier,omitempty"`
	Category           string   `url:"category_identifier,omitempty"`
	PaymentMethod      string   `url:"payment_method_identifier,omitempty"`
	Number             int      `url:"number,omitempty"`
	Offset             int      `url:"offset,omitempty"`
	NumberOfResults    int      `url:"number_of_results,omitempty"`
	FieldsSet          []string `url:"fields_set,comma,omitempty"`
}

// encode returns the query string.
func (q *readQuery) encode() string {
	v, _ := query.Values(q) // fails only for a non-struct
	return v.Encode()
}
