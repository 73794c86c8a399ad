package citrus

import (
	"encoding/json"
	"time"

	"github.com/civicpay/datapump/internal/wire"
)

// PostPaymentRequest names the invoice that has been paid.
type PostPaymentRequest struct {
	// BillerReference is the invoice's reference, IPS' "Token" (at most
	// MaxBillerReferenceLen characters). Required.
	BillerReference string `datapump:"public"`
	// Amount is what the citizen was charged, if you want it checked: IPS
	// takes no amount, and when the transaction it records has another
	// amount, PostPaymentResult.AmountDiffers says so. Optional.
	Amount Amount
}

// PostPaymentResult is what IPS answers to a payment callback.
type PostPaymentResult struct {
	// Success is IPS' data.success: true when the county applied the payment.
	Success bool
	// Transaction is IPS' data.transaction: the cashiering transaction the
	// BillerReference names, as the county now records it.
	Transaction Transaction
	// ResponseStatus is ServiceStack's status block; its ErrorCode is empty
	// on success.
	ResponseStatus ResponseStatus
	// AmountDiffers reports that the request carried an Amount and IPS
	// recorded a transaction of another amount: the payment stands, and the
	// difference is for the county to settle.
	AmountDiffers bool
}

// SettleRequest holds what settling a post would need: an unknown post's
// error carries one (SettleRequestOf). IPS offers no look-up call, so
// Settle can only say so; the request is what to ask the county about.
type SettleRequest struct {
	BillerReference string    `json:"billerReference" datapump:"public"`
	Amount          Amount    `json:"amount"`
	SentAt          time.Time `json:"sentAt"`
}

// SettleResult is what Settle found; with IPS, always SettleUnknown.
type SettleResult struct {
	Status Settlement
}

// AuthResult is what IPS answers to a login.
type AuthResult struct {
	// SessionID is the IPS session, sent back as the ss-id and ss-pid
	// cookies. It never prints; Reveal returns it.
	SessionID      Secret         `json:"sessionId"`
	UserName       string         `json:"userName"`
	ResponseStatus ResponseStatus `json:"responseStatus"`
}

// ResponseStatus is ServiceStack's status block. A non-empty ErrorCode means
// the call failed, whatever the HTTP status.
type ResponseStatus struct {
	ErrorCode  string            `json:"errorCode,omitempty"`
	Message    string            `json:"message,omitempty"`
	StackTrace string            `json:"stackTrace,omitempty"`
	Errors     []ResponseError   `json:"errors,omitempty"`
	Meta       map[string]string `json:"meta,omitempty"`
	// Severity is an IPS addition seen on success, e.g. "Success".
	Severity string `json:"severity,omitempty"`
}

// ResponseError is one field-level error in a ResponseStatus.
type ResponseError struct {
	ErrorCode string            `json:"errorCode,omitempty"`
	FieldName string            `json:"fieldName,omitempty"`
	Message   string            `json:"message,omitempty"`
	Meta      map[string]string `json:"meta,omitempty"`
}

// Transaction is an IPS cashiering transaction.
type Transaction struct {
	ID               int64     `json:"id"`
	CashDrawerID     int64     `json:"cashDrawerId"`
	Cashier          string    `json:"cashier"`
	CashRegisterID   int64     `json:"cashRegisterId"`
	ReceiptNumber    string    `json:"receiptNumber"`
	Contact          Contact   `json:"contact"`
	Status           string    `json:"status"`
	TransactionPayer string    `json:"transactionPayer"`
	Charges          []Charge  `json:"charges"`
	Payments         []Payment `json:"payments"`
	// Distributions is kept as raw JSON: the partner document shows only
	// an empty list.
	Distributions       []json.RawMessage `json:"distributions"`
	TransactionDateTime Time              `json:"transactionDateTime"`
	TransactionAmount   Amount            `json:"transactionAmount"`
	TransactionType     string            `json:"transactionType"`
	VoidDate            Time              `json:"voidDate"`
	VoidedBy            string            `json:"voidedBy"`
	VoidReason          CodeDescription   `json:"voidReason"`
	// TransactionToken is the BillerReference the transaction answers to.
	TransactionToken string `json:"transactionToken" datapump:"public"`
}

// CodeDescription is IPS' code/description pair (void reasons, contact
// types, miscellaneous types). An unset one has Code " ".
type CodeDescription struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Contact is the person or business a transaction or charge belongs to.
type Contact struct {
	AddressLine1      string          `json:"addressLine1"`
	AddressLine2      string          `json:"addressLine2"`
	City              string          `json:"city"`
	State             string          `json:"state"`
	PostalCode        string          `json:"postalCode"`
	EMailAddress      string          `json:"eMailAddress"`
	DayPhone          string          `json:"dayPhone"`
	EveningPhone      string          `json:"eveningPhone"`
	MobileNumber      string          `json:"mobileNumber"`
	AddressString     string          `json:"addressString"`
	FaxNumber         string          `json:"faxNumber"`
	Country           string          `json:"country"`
	Position          string          `json:"position"`
	IsServiceProvider bool            `json:"isServiceProvider"`
	Identity          Identity        `json:"identity"`
	ContactType       CodeDescription `json:"contactType"`
	IsEffective       bool            `json:"isEffective"`
	ID                int64           `json:"id"`
}

// Identity is a contact's name and contractor details.
type Identity struct {
	FirstName    string `json:"firstName"`
	MiddleName   string `json:"middleName"`
	LastName     string `json:"lastName"`
	ContractorID string `json:"contractorId"`
	IsContractor bool   `json:"isContractor"`
	Title        string `json:"title"`
	// Notifications is kept as raw JSON: the partner document shows only an
	// empty list.
	Notifications []json.RawMessage `json:"notifications"`
	FullName      string            `json:"fullName"`
	ID            int64             `json:"id"`
}

// Charge is one fee on a transaction.
type Charge struct {
	ID           int64  `json:"id"`
	ChargeDate   Time   `json:"chargeDate"`
	ChargeTypeID string `json:"chargeTypeId"`
	Status       string `json:"status"`
	// Quantity and TaxRate are exact decimals, not money.
	Quantity      json.Number `json:"quantity"`
	UnitPrice     Amount      `json:"unitPrice"`
	Subtotal      Amount      `json:"subtotal"`
	TaxRate       json.Number `json:"taxRate"`
	Tax           Amount      `json:"tax"`
	Total         Amount      `json:"total"`
	PaymentAmount Amount      `json:"paymentAmount"`
	PaymentOrder  int         `json:"paymentOrder"`
	TenderTypeRaw int         `json:"tenderTypeRaw"`
	Comments      string      `json:"comments"`
	Contact       Contact     `json:"contact"`
}

// Payment is one payment (or void) recorded against a transaction. Card and
// bank fields IPS may echo are Secret: they never print.
type Payment struct {
	ID                    int64                `json:"id"`
	AddressLine1          string               `json:"addressLine1"`
	AddressLine2          string               `json:"addressLine2"`
	BudgetNumber          int64                `json:"budgetNumber"`
	CardAuthorization     string               `json:"cardAuthorization"`
	CardCvv               Secret               `json:"cardCvv"`
	CardExpirationDate    Time                 `json:"cardExpirationDate"`
	CardholderName        string               `json:"cardholderName"`
	CardNumber            Secret               `json:"cardNumber"`
	CardType              string               `json:"cardType"`
	CashDrawerID          int64                `json:"cashDrawerId"`
	Cashier               string               `json:"cashier"`
	CheckAccountNumber    Secret               `json:"checkAccountNumber"`
	CheckAccountholder    string               `json:"checkAccountholder"`
	CheckIssuingBank      string               `json:"checkIssuingBank"`
	CheckNumber           string               `json:"checkNumber"`
	CheckRoutingNumber    Secret               `json:"checkRoutingNumber"`
	PaymentAccountType    string               `json:"paymentAccountType"`
	CheckWriterID         string               `json:"checkWriterID"`
	City                  string               `json:"city"`
	Comments              string               `json:"comments"`
	Country               string               `json:"country"`
	FirstName             string               `json:"firstName"`
	LastName              string               `json:"lastName"`
	State                 string               `json:"state"`
	PostalCode            string               `json:"postalCode"`
	MiscellaneousIssuedBy string               `json:"miscellaneousIssuedBy"`
	MiscellaneousType     CodeDescription      `json:"miscellaneousType"`
	PaymentAuthorization  PaymentAuthorization `json:"paymentAuthorization"`
	Tender                string               `json:"tender"`
	TransactionAmount     Amount               `json:"transactionAmount"`
	TransactionBy         string               `json:"transactionBy"`
	TransactionDateTime   Time                 `json:"transactionDateTime"`
	TransactionType       string               `json:"transactionType"`
	VoidDateTime          Time                 `json:"voidDateTime"`
	VoidedBy              string               `json:"voidedBy"`
	VoidReason            CodeDescription      `json:"voidReason"`
	ApplyAmount           Amount               `json:"applyAmount"`
	IsReversed            bool                 `json:"isReversed"`
	PortalMemo            string               `json:"portalMemo"`
}

// PaymentAuthorization is the card processor's answer for a payment.
type PaymentAuthorization struct {
	ID                         int64  `json:"id"`
	AuthorizationCode          string `json:"authorizationCode"`
	ResponseCode               int    `json:"responseCode"`
	ResponseMessage            string `json:"responseMessage"`
	ResponseString             string `json:"responseString"`
	Amount                     Amount `json:"amount"`
	TransactionDate            Time   `json:"transactionDate"`
	TransactionReferenceNumber string `json:"transactionReferenceNumber"`
	TransactionStatus          string `json:"transactionStatus"`
}

// timeLayout is how IPS writes times: seven fractional digits and an offset,
// e.g. "2022-11-09T17:17:28.0000000-05:00".
const timeLayout = "2006-01-02T15:04:05.0000000-07:00"

// Time is a time as IPS writes it. IPS marks "no date" with
// 0001-01-01T00:00:00, which decodes to the zero time (IsZero reports true).
// A time without an offset is read as UTC.
type Time struct {
	time.Time
}

// MarshalJSON writes the time in the IPS layout.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.Time.Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads an IPS time: RFC 3339 with any number of fractional
// digits, with or without an offset; null and "" leave the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	v, err := wire.TimeText(b, time.UTC)
	if err != nil {
		return err
	}
	if v.Equal(time.Time{}) {
		v = time.Time{} // IPS' "no date"
	}
	t.Time = v
	return nil
}
