package accela

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/civicpay/datapump/internal/wire"
)

// PaymentMethod is how the citizen paid, as Commit Payment accepts it.
type PaymentMethod string

// The payment methods Accela accepts.
const (
	CreditCard PaymentMethod = "Credit Card"
	Check      PaymentMethod = "Check"
)

// ID is an identifier Accela sends sometimes as a JSON string and
// sometimes as a number (transactionId, paymentId, receiptId). It keeps
// the exact text, so an id one call returns goes into the next as is.
type ID string

// UnmarshalJSON accepts a JSON string, an integer, or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	s, err := wire.IDText(b)
	if err != nil {
		return errors.New("accela: " + err.Error())
	}
	*id = ID(s)
	return nil
}

// RecordID identifies a record. Accela sends it as an object or, in the
// Commit Payment sample, as a plain string, which lands in ID.
type RecordID struct {
	ID                  string `json:"id,omitempty"`
	CustomID            string `json:"customId,omitempty"`
	ServiceProviderCode string `json:"serviceProviderCode,omitempty"`
	TrackingID          ID     `json:"trackingId,omitempty"`
	Value               string `json:"value,omitempty"`
}

// UnmarshalJSON accepts the object form, a string, or null.
func (r *RecordID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s, err := wire.Text(b)
		if err != nil {
			return err
		}
		*r = RecordID{ID: s}
		return nil
	}
	type plain RecordID
	return json.Unmarshal(b, (*plain)(r))
}

// InitializePaymentRequest opens a payment transaction for records.
type InitializePaymentRequest struct {
	// EntityIDs are the records being paid for (entityType "record").
	// Required.
	EntityIDs         []string
	MerchantAccountID string
	PaymentMethod     PaymentMethod // optional
	Fields            []string      // first-level response fields to return; empty: all
	Lang              string        // e.g. "en_US"; empty: Accela's default
}

// InitializePaymentResult is the transaction CommitPayment takes.
type InitializePaymentResult struct {
	// TransactionID is the transaction Accela opened for the records.
	TransactionID ID
	// TraceID is Accela's x-accela-traceid for the call.
	TraceID string
}

// CommitPaymentRequest commits a citizen's payment to an initialized
// transaction. Amounts are exact and reach Accela as JSON numbers.
type CommitPaymentRequest struct {
	// TransactionID is the id InitializePayment returned. Required.
	TransactionID ID
	// RecordIDs are the records the transaction was initialized for. They
	// are not sent to Accela; when set, the error of a commit whose
	// outcome is unknown carries a SettleRequest (see SettleRequestOf).
	RecordIDs []string
	// Amount is the payment amount, greater than zero, at most 2 decimals.
	Amount Amount
	// ConvenienceFee is the fee charged, zero or more (zero if none).
	ConvenienceFee Amount
	// PaymentMethod is CreditCard or Check. Required.
	PaymentMethod PaymentMethod
	// PaymentSystemTransactionID is your payment system's id for the
	// payment. Required.
	PaymentSystemTransactionID string
	Comments                   string
	MerchantAccountID          string
	PayeePhone                 string
	CreditCard                 *CreditCardInfo
	Fields                     []string // first-level response fields to return
	Lang                       string
}

// CreditCardInfo describes the card. Only the last digits of the card
// number are ever accepted.
type CreditCardInfo struct {
	BillingAddress *BillingAddress `json:"billingAddress,omitempty"`
	BusinessName   string          `json:"businessName,omitempty"`
	// CardNumberLastDigits is at most the last 4 digits, optionally masked
	// ("4219" or "*4219"). A full card number is refused before sending.
	CardNumberLastDigits string `json:"cardNumberLastDigits,omitempty" datapump:"public"`
	// CardType is e.g. "VISA". Required when CreditCard is given.
	CardType   string `json:"cardType"`
	HolderName string `json:"holderName,omitempty"`
}

// BillingAddress is the card's billing address. CountryCode is required
// when an address is given.
type BillingAddress struct {
	AddressLine1 string `json:"addressLine1,omitempty"`
	AddressLine2 string `json:"addressLine2,omitempty"`
	AddressLine3 string `json:"addressLine3,omitempty"`
	City         string `json:"city,omitempty"`
	CountryCode  string `json:"countryCode"`
	PostalCode   string `json:"postalCode,omitempty"`
	State        string `json:"state,omitempty"`
}

// CommitPaymentResult is Accela's answer to a commit that was applied.
type CommitPaymentResult struct {
	// Payments are the payments the commit applied, one per record.
	Payments []CompletePayment
	// Message is Accela's result.message, if any.
	Message string
	// ScriptCode and ScriptMessage carry what an agency script (EMSE)
	// reported after the payment was applied; ScriptCode "emse_error" means
	// the script failed although the payment stands. See ScriptFailed.
	ScriptCode    string
	ScriptMessage string
	// TraceID is Accela's id for the call (body traceId, else the
	// x-accela-traceid header), for Accela support.
	TraceID string
}

// ScriptFailed reports whether an agency script failed after the payment
// was applied (code "emse_error"). The payment stands; ScriptMessage says
// what the script reported, and the agency should be told.
func (r *CommitPaymentResult) ScriptFailed() bool { return r.ScriptCode == "emse_error" }

// CompletePayment is one payment a commit applied to a record.
type CompletePayment struct {
	PaymentID           ID       `json:"paymentId"`
	PaymentStatus       string   `json:"paymentStatus"` // "Paid"
	ReceiptID           ID       `json:"receiptId"`
	RecordID            RecordID `json:"recordId"`
	CustomID            string   `json:"customId,omitempty"`
	ServiceProviderCode string   `json:"serviceProviderCode"`
}

// VoidPaymentRequest voids a payment.
type VoidPaymentRequest struct {
	// PaymentID is the payment to void (CompletePayment.PaymentID). Required.
	PaymentID ID
	Comments  string
	Reason    *VoidReason
	Lang      string
}

// VoidReason is a void reason from the agency's list.
type VoidReason struct {
	Text  string `json:"text,omitempty"`
	Value string `json:"value,omitempty"`
}

// VoidPaymentResult is Accela's answer to a void.
type VoidPaymentResult struct {
	PaymentID ID     // the payment voided, as Accela's result names it
	Code      string // Accela's result code, if any
	Message   string // Accela's result message, if any
	TraceID   string // Accela's x-accela-traceid for the call
}

// ListRecordPaymentsRequest asks for a record's payments.
type ListRecordPaymentsRequest struct {
	// RecordID is the record's id (e.g. "TACOMA-03HST-00000-002UD"). Required.
	RecordID string
	// PaymentStatus filters by whether a payment was made in full: "Y", "N",
	// or "" for all.
	PaymentStatus string
	Fields        []string
	Lang          string
}

// ListRecordPaymentsResult lists a record's payments.
type ListRecordPaymentsResult struct {
	Payments []Payment
	TraceID  string // Accela's x-accela-traceid for the call
}

// Payment is a payment recorded against a record.
type Payment struct {
	ID                 ID     `json:"id"`
	Amount             Amount `json:"amount"`
	AmountNotAllocated Amount `json:"amountNotAllocated"`
	CashierID          string `json:"cashierId,omitempty"`
	// PaymentDate is the date as Accela sends it; its format is not
	// documented (commonly "2006-01-02 15:04:05", agency time).
	PaymentDate     string   `json:"paymentDate,omitempty"`
	PaymentMethod   string   `json:"paymentMethod,omitempty"`
	PaymentStatus   string   `json:"paymentStatus,omitempty"`
	ReceiptID       ID       `json:"receiptId,omitempty"`
	RecordID        RecordID `json:"recordId"`
	TransactionCode string   `json:"transactionCode,omitempty"`
	// TransactionID is the transaction the payment was committed to: the id
	// CommitPayment took.
	TransactionID ID `json:"transactionId,omitempty"`
}

// SettleRequest holds what Settle needs to find a commit: store it with
// the payment (an unknown commit's error carries one, see
// SettleRequestOf) and settle later, after a restart too; it encodes as
// JSON.
type SettleRequest struct {
	// TransactionID is the transaction committed to. Required.
	TransactionID ID `json:"transactionId"`
	// RecordIDs are the records it was initialized for. Required.
	RecordIDs []string `json:"recordIds"`
	// Amount is what the citizen was charged: Settle compares it with what
	// Accela recorded. Required.
	Amount Amount `json:"amount"`
	// SentAt is when the commit was sent. Required.
	SentAt time.Time `json:"sentAt"`
}

// SettleResult is what Settle found.
type SettleResult struct {
	// Status is SettleApplied, SettleAbsent or SettleUnknown.
	Status Settlement
	// Payments are the payments Accela holds for the transaction.
	Payments []Payment
	// Recorded is the sum of their amounts.
	Recorded Amount
	// AmountDiffers reports an applied commit whose recorded amount is
	// not the request's Amount: the payment stands, the difference is for
	// the agency to settle.
	AmountDiffers bool
	// RetryAt, for SettleUnknown because the read-back may still lag, is
	// when to settle again.
	RetryAt time.Time
}
