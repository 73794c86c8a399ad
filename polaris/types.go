package polaris

import (
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/wire"
)

// PatronID is a Polaris patron record id.
type PatronID int64

// TxnID is a patron account transaction id: a charge in FineFee.TxnID and
// PayFinesAndFeesRequest.MainTxnIDs, a payment in
// PayFinesAndFeesResult.TxnIDs.
type TxnID int64

// WorkflowGUID identifies a Polaris workflow request (WorkflowRequestGuid),
// e.g. "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22".
type WorkflowGUID string

// PatronAccountTxnCode is the kind of a patron account transaction, as the
// partner document's enum PatronAccountTxnCode lists it.
type PatronAccountTxnCode int

// The patron account transaction codes.
const (
	Charge              PatronAccountTxnCode = 1
	Payment             PatronAccountTxnCode = 2
	Return              PatronAccountTxnCode = 3
	Deposit             PatronAccountTxnCode = 4
	Waive               PatronAccountTxnCode = 5
	WaiveExistingCharge PatronAccountTxnCode = 6
	Forfeit             PatronAccountTxnCode = 7
	Credit              PatronAccountTxnCode = 8
	PayRefund           PatronAccountTxnCode = 9
	AutoWaive           PatronAccountTxnCode = 10
)

var txnCodeNames = [...]string{"", "Charge", "Payment", "Return", "Deposit", "Waive",
	"WaiveExistingCharge", "Forfeit", "Credit", "PayRefund", "AutoWaive"}

// String returns the code's name in the partner document, or its number
// when the document does not list it.
func (c PatronAccountTxnCode) String() string {
	if c >= Charge && c <= AutoWaive {
		return txnCodeNames[c]
	}
	return strconv.Itoa(int(c))
}

// PatronPaymentMethod is how a patron paid, as the partner document's enum
// PatronPaymentMethod lists it. A card payment from a card reader is
// CreditCard (12).
type PatronPaymentMethod int

// The payment methods.
const (
	PayFrmCredit     PatronPaymentMethod = 1
	PayFrmDeposit    PatronPaymentMethod = 2
	DepositFrmCredit PatronPaymentMethod = 3
	CreditFrmDeposit PatronPaymentMethod = 4
	CreditFrmPAY     PatronPaymentMethod = 5
	StoredValue      PatronPaymentMethod = 6
	Cash             PatronPaymentMethod = 11
	CreditCard       PatronPaymentMethod = 12
	DebitCard        PatronPaymentMethod = 13
	Check            PatronPaymentMethod = 14
	Voucher          PatronPaymentMethod = 15
	CollectionAgency PatronPaymentMethod = 16
	SmartCard        PatronPaymentMethod = 17
)

var methodNames = map[PatronPaymentMethod]string{
	PayFrmCredit: "PayFrmCredit", PayFrmDeposit: "PayFrmDeposit", DepositFrmCredit: "DepositFrmCredit",
	CreditFrmDeposit: "CreditFrmDeposit", CreditFrmPAY: "CreditFrmPAY", StoredValue: "StoredValue",
	Cash: "Cash", CreditCard: "CreditCard", DebitCard: "DebitCard", Check: "Check",
	Voucher: "Voucher", CollectionAgency: "CollectionAgency", SmartCard: "SmartCard",
}

// String returns the method's name in the partner document, or its number
// when the document does not list it.
func (m PatronPaymentMethod) String() string {
	if s, ok := methodNames[m]; ok {
		return s
	}
	return strconv.Itoa(int(m))
}

func (m PatronPaymentMethod) known() bool { _, ok := methodNames[m]; return ok }

// WorkflowStatus is the state of a Polaris workflow. The values are not in
// the partner document; they are the ones two public Polaris clients agree
// on.
type WorkflowStatus int

// The workflow statuses.
const (
	InputRequired         WorkflowStatus = -3
	ErrorOccurred         WorkflowStatus = -2
	InvalidReply          WorkflowStatus = -1
	Started               WorkflowStatus = 0
	CompletedSuccessfully WorkflowStatus = 1
	CompletedFailure      WorkflowStatus = 2
	CompletedCancelled    WorkflowStatus = 3
)

var statusNames = [...]string{"InputRequired", "ErrorOccurred", "InvalidReply", "Started",
	"CompletedSuccessfully", "CompletedFailure", "CompletedCancelled"}

// String returns the status' name, or its number when it is not one of
// the known statuses.
func (s WorkflowStatus) String() string {
	if s.known() {
		return statusNames[s-InputRequired]
	}
	return strconv.Itoa(int(s))
}

func (s WorkflowStatus) known() bool { return s >= InputRequired && s <= CompletedCancelled }

// WorkflowPromptResult is the answer to a workflow prompt. The values are
// not in the partner document; they are the ones two public Polaris clients
// agree on.
type WorkflowPromptResult int

// The prompt results.
const (
	PromptOK       WorkflowPromptResult = 1
	PromptYes      WorkflowPromptResult = 2
	PromptNo       WorkflowPromptResult = 3
	PromptCancel   WorkflowPromptResult = 4
	PromptContinue WorkflowPromptResult = 5
	PromptPay      WorkflowPromptResult = 6
	PromptWaive    WorkflowPromptResult = 7
	PromptCharge   WorkflowPromptResult = 8
)

var promptNames = [...]string{"", "OK", "Yes", "No", "Cancel", "Continue", "Pay", "Waive", "Charge"}

// String returns the result's name, or its number when it is not one of
// the known results.
func (r WorkflowPromptResult) String() string {
	if r.known() {
		return promptNames[r]
	}
	return strconv.Itoa(int(r))
}

func (r WorkflowPromptResult) known() bool { return r >= PromptOK && r <= PromptCharge }

// PayFinesAndFeesRequest pays existing charges of a patron after a card
// reader (or another way of paying) has taken the money. PatronID goes into
// the URL and the body's PatronID; the other fields are DtoFineData and the
// query flags.
type PayFinesAndFeesRequest struct {
	// PatronID is the patron whose charges are paid. Required, > 0.
	PatronID PatronID
	// TxnAmount is the amount paid: greater than zero, at most 2 decimal
	// places, at most MaxAmountCents cents. Unless Overpayment is set,
	// Polaris refuses an amount above what the named charges still owe.
	TxnAmount Amount
	// MainTxnIDs are the charges being paid (FineFee.TxnID), in the order
	// Polaris should apply the amount to them. Required, no repeats.
	MainTxnIDs []TxnID
	// PaymentMethod is DtoFineData.PatronPaymentMethod; CreditCard (12)
	// for a card reader payment. Required.
	PaymentMethod PatronPaymentMethod
	// FreeTextNote is an optional note (at most MaxFreeTextNoteLen
	// characters; a card number is refused).
	FreeTextNote string
	// CreditCardPaymentData is the packet the card service
	// (Innovative.Payments.Service) returned; optional: the zero value is
	// sent as null.
	CreditCardPaymentData CreditCardPaymentData
	// Reload asks Polaris to return the patron's fines and fees as they
	// are after the payment (PayFinesAndFeesResult.FinesAndFees).
	Reload bool
	// Overpayment allows TxnAmount to exceed what the charges owe (the
	// branch must allow it). The partner document says false; so is the
	// default.
	Overpayment bool
	// Circ is the query flag circ. The partner document says false; so is
	// the default.
	Circ bool
	// OwedBefore is what each charge in MainTxnIDs owed before this
	// payment (its FineFee.OutstandingAmount), read just before paying. It
	// is not sent to Polaris; when set, the error of a payment whose
	// outcome is unknown carries a SettleRequest (see SettleRequestOf),
	// since Polaris' read-back shows what charges owe, not the payments
	// made. Optional; when set, it needs an amount greater than zero for
	// every charge in MainTxnIDs and no other.
	OwedBefore map[TxnID]Amount
}

// CreditCardPaymentData is the card service's packet for a finished card
// transaction (DtoCCPaymentData); its zero value means "no packet". It is
// sent with the keys of the partner document's sample (trackId, guid, ...,
// ccDigits), plus txnAmount, which the document's table requires and its
// sample lacks. Strings left empty are sent as null where the sample has
// null.
type CreditCardPaymentData struct {
	// TrackID is the ILSStoreOrder id (trackId).
	TrackID int64
	// GUID is the id the card service made when the transaction started
	// (guid).
	GUID string
	// VendorID is the card service's vendorId (0 in the sample).
	VendorID int64
	// BaseAddress, CustomerID and TerminalID describe the card service's
	// terminal (baseAddress, customerID, terminalID).
	BaseAddress string
	CustomerID  string
	TerminalID  string
	// UserName and Password are the card service's credentials (userName,
	// password) when the packet carries them. They never print, and the
	// client scrubs them from every error and log line (it remembers each
	// distinct value for its life to do so).
	UserName Secret
	Password Secret
	// TxnAmount is the amount the card transaction took, sent as amount
	// (the sample's key) and txnAmount (the table's). Required when the
	// packet is sent: greater than zero, at most 2 decimal places.
	TxnAmount Amount
	// PatronID is the card service's patronID; 0 is sent as null.
	PatronID PatronID
	// Language is the card service's language.
	Language string
	// Result is the card service's numeric result (0 in the sample).
	Result int
	// TrackNumber is the card service's trackNumber.
	TrackNumber string
	// Error is "OK" (or "Ok") when the card transaction succeeded.
	Error string
	// TxnStatus is the card transaction's latest status: InProgress,
	// Success, Failed or Finished.
	TxnStatus string
	// TroutID is the card processor's routing id (troutId).
	TroutID string
	// CCDigits is at most the last 4 digits of the card (ccDigits), e.g.
	// "4219", "XXXX4219" or, as in the sample, "XXXX". A full card number
	// is refused before sending and never repeated in the error.
	CCDigits string
	// CCType is the card type (ccType), e.g. "VISA".
	CCType string
	// AuthCode is the card authorization code (authCode).
	AuthCode string
	// Request and Response are the card service's raw request and
	// response texts (request, response); a card number in them is refused.
	Request  string
	Response string
}

// PayFinesAndFeesResult is what Polaris recorded for a payment.
type PayFinesAndFeesResult struct {
	// TxnIDs are the payment transactions Polaris created (TxnIds).
	TxnIDs []TxnID
	// FinesAndFees are the patron's fines and fees after the payment, when
	// the request set Reload.
	FinesAndFees []FineFee
}

// FineFee is one patron account transaction as Polaris lists fines and
// fees. Every field of the partner document's sample is here.
type FineFee struct {
	ItemRecordID int64                `json:"ItemRecordID"`
	TxnID        TxnID                `json:"TxnID"`
	TxnCodeID    PatronAccountTxnCode `json:"TxnCodeID"`
	CallNumber   string               `json:"CallNumber"`
	MaterialType string               `json:"MaterialType"`
	// TxnDate is Polaris' local time, sent without a zone and read in
	// Config.Location.
	TxnDate        Time   `json:"TxnDate"`
	Type           string `json:"Type"`
	FeeDescription string `json:"FeeDescription"`
	BrowseTitle    string `json:"BrowseTitle"`
	Barcode        string `json:"Barcode"`
	// TxnAmount is the transaction's amount; OutstandingAmount what is
	// still owed on it.
	TxnAmount               Amount `json:"TxnAmount"`
	OutstandingAmount       Amount `json:"OutstandingAmount"`
	Organization            string `json:"Organization"`
	TxnOrgID                int64  `json:"TxnOrgID"`
	FreeTextNote            string `json:"FreeTextNote"`
	WaiverRequestID         int64  `json:"WaiverRequestID"`
	HasPendingWaiverRequest bool   `json:"HasPendingWaiverRequest"`
}

// GetFinesAndFeesRequest asks for a patron's fines and fees.
type GetFinesAndFeesRequest struct {
	// PatronID is the patron. Required, > 0.
	PatronID PatronID
}

// FinesAndFeesResult lists a patron's fines and fees.
type FinesAndFeesResult struct {
	// FinesAndFees are the patron's charges with what each still owes.
	FinesAndFees []FineFee
}

// Outstanding returns what transaction txn still owes and whether it is
// listed. Polaris lists what a patron owes, so a charge paid in full (or
// waived) may be missing: then it returns zero and false.
func (r *FinesAndFeesResult) Outstanding(txn TxnID) (Amount, bool) {
	for _, f := range r.FinesAndFees {
		if f.TxnID == txn {
			return f.OutstandingAmount, true
		}
	}
	return Amount{}, false
}

// SettleRequest holds what Settle needs to find a payment: store it with
// the payment (an unknown payment's error carries one when the request
// set OwedBefore, see SettleRequestOf) and settle later, after a restart
// too; it encodes as JSON.
type SettleRequest struct {
	// PatronID is the patron whose charges were paid. Required, > 0.
	PatronID PatronID `json:"patronId"`
	// MainTxnIDs are the charges the payment named, in its order.
	// Required, no repeats.
	MainTxnIDs []TxnID `json:"mainTxnIds"`
	// OwedBefore is what each of them owed before the payment
	// (PayFinesAndFeesRequest.OwedBefore). Required: an amount greater
	// than zero for every charge in MainTxnIDs and no other.
	OwedBefore map[TxnID]Amount `json:"owedBefore"`
	// Amount is the payment's TxnAmount, what the patron was charged:
	// Settle compares it with what the charges went down by. Required.
	Amount Amount `json:"amount"`
	// SentAt is when the payment was sent. Required.
	SentAt time.Time `json:"sentAt"`
}

// SettleResult is what Settle found.
type SettleResult struct {
	// Status is SettleApplied, SettleAbsent or SettleUnknown.
	Status Settlement
	// Charges are the named charges Polaris lists now, in the order of
	// the request's MainTxnIDs, with what each still owes. On
	// SettleAbsent they owe what they owed before: pay again with the
	// same charges and amount.
	Charges []FineFee
	// Unlisted are the named charges Polaris no longer lists (paid in
	// full, waived or removed: its list does not say which).
	Unlisted []TxnID
	// Recorded is how much the named charges' outstanding amounts went
	// down since OwedBefore, when Polaris lists them all: what Polaris
	// recorded against them.
	Recorded Amount
	// AmountDiffers reports an applied payment whose Recorded is not the
	// request's Amount (or, for an amount above what the charges owed,
	// not all they owed): the payment stands, the difference is for the
	// library to settle.
	AmountDiffers bool
	// RetryAt, for SettleUnknown while the read-back may still lag (the
	// payment was sent less than the settle grace ago), is when to settle
	// again.
	RetryAt time.Time
	// Reason, for SettleUnknown when Polaris answered, says why what it
	// shows is neither the payment nor its absence: a charge no longer
	// listed, charges partly paid, or a charge owing more than before.
	// Unless RetryAt is set, settling again will not change it: a person
	// must look at the patron's account.
	Reason string
}

// WorkflowAnswer answers a workflow prompt (DtoWorkflowAnswer), e.g. the
// processing and overdue charges of a checkout paid on a card reader.
// WorkflowResult.Answer fills one in from the prompt being answered.
type WorkflowAnswer struct {
	// WorkflowRequestGUID is the workflow being answered: it goes into the
	// URL and the body. Required, a GUID.
	WorkflowRequestGUID WorkflowGUID
	// WorkflowRequestType is the workflow's type (2 in the sample).
	WorkflowRequestType int
	// WorkflowStatus is the status the answer replies to: InputRequired
	// (-3), as in the sample. Its zero value is Started, so set it
	// (WorkflowResult.Answer does).
	WorkflowStatus WorkflowStatus
	// WorkflowPromptID is the prompt answered (Prompt.WorkflowPromptID).
	// Required, > 0.
	WorkflowPromptID int
	// WorkflowPromptResult is the answer. Required.
	WorkflowPromptResult WorkflowPromptResult
	// ReplyValue is a text reply, for prompts that ask one; empty is sent
	// as null.
	ReplyValue string
	// ReplyExtension carries the payment of the charges; optional: the
	// zero value is sent as null.
	ReplyExtension ReplyExtension
}

// ReplyExtension is a workflow answer's extension. Its zero value means "no
// extension".
type ReplyExtension struct {
	// WorkflowReplyExtensionType is the extension's type (3 in the sample,
	// for a checkout charge and overdue entry).
	WorkflowReplyExtensionType int
	Data                       ReplyData
}

// ReplyData is the payment a workflow answer carries: the processing
// charge and the overdue charge, how they were paid, and the card packet.
type ReplyData struct {
	// ProcChargeTxnCodeID and OVDChargeTxnCodeID are the transaction codes
	// of the processing and overdue charges (2 in the sample).
	ProcChargeTxnCodeID PatronAccountTxnCode
	// ProcTransAmount and OVDTransAmount are the amounts paid: zero or
	// more, at most 2 decimal places.
	ProcTransAmount    Amount
	OVDChargeTxnCodeID PatronAccountTxnCode
	OVDTransAmount     Amount
	// PayMethod is how they were paid. Required.
	PayMethod PatronPaymentMethod
	// CreditCardPaymentData is the card service's packet; optional: the
	// zero value is sent as null.
	CreditCardPaymentData CreditCardPaymentData
}

// WorkflowResult is Polaris' answer to a workflow answer: either the next
// prompt (Status InputRequired) or the end of the workflow.
type WorkflowResult struct {
	// WorkflowRequestGUID is the workflow; answer its next prompt with it.
	WorkflowRequestGUID WorkflowGUID
	// WorkflowRequestType is the workflow's type, when Polaris sends it.
	WorkflowRequestType int
	// Status is Polaris' WorkflowStatus: InputRequired while it asks, one
	// of the Completed statuses (or ErrorOccurred) at the end.
	Status WorkflowStatus
	// Prompt is the next question, when Status is InputRequired (or, with
	// InvalidReply, the question asked again).
	Prompt *Prompt
	// InformationMessages are Polaris' notes on the workflow; a failure
	// may carry nothing else.
	InformationMessages []InformationMessage
}

// none reports whether cc is the zero value: no packet.
func (cc *CreditCardPaymentData) none() bool { return *cc == CreditCardPaymentData{} }

// none reports whether x is the zero value: no extension.
func (x *ReplyExtension) none() bool { return *x == ReplyExtension{} }

// Done reports whether the workflow asks for no further answer: its status
// is anything but InputRequired.
func (r *WorkflowResult) Done() bool { return r.Status != InputRequired }

// Answer starts the answer to r's prompt: the workflow, its type, the
// prompt id, status InputRequired and result. Add a ReplyExtension to pay.
func (r *WorkflowResult) Answer(result WorkflowPromptResult) *WorkflowAnswer {
	a := &WorkflowAnswer{
		WorkflowRequestGUID:  r.WorkflowRequestGUID,
		WorkflowRequestType:  r.WorkflowRequestType,
		WorkflowStatus:       InputRequired,
		WorkflowPromptResult: result,
	}
	if r.Prompt != nil {
		a.WorkflowPromptID = r.Prompt.WorkflowPromptID
	}
	return a
}

// Prompt is a workflow's question.
type Prompt struct {
	WorkflowPromptID int    `json:"WorkflowPromptID"`
	Title            string `json:"Title"`
	Message          string `json:"Message"`
}

// InformationMessage is a note Polaris adds to a workflow response.
type InformationMessage struct {
	Type    int    `json:"Type"`
	Title   string `json:"Title"`
	Message string `json:"Message"`
}

// AuthResult is what Polaris answers to a staff login.
type AuthResult struct {
	// AccessToken and AccessSecret authorize the calls that follow (in
	// "Authorization: PAS site:token:secret"). They never print.
	AccessToken  Secret
	AccessSecret Secret
	// AuthExpDate is when the token stops working, read in
	// Config.Location (Polaris sends it without a zone).
	AuthExpDate time.Time
	// SiteDomain is the site the token belongs to.
	SiteDomain  string
	PolarisUser PolarisUser
}

// PolarisUser is the staff user a login authenticated. Polaris' answer
// carries more; these fields are an assumption (the partner document does
// not show the login answer).
type PolarisUser struct {
	PolarisUserID  int64  `json:"PolarisUserID"`
	OrganizationID int64  `json:"OrganizationID"`
	BranchID       int64  `json:"BranchID"`
	Name           string `json:"Name"`
	Enabled        bool   `json:"Enabled"`
}

// Time is a time as Polaris writes it, without a zone
// ("2013-05-29T17:11:59.33"). Decoding reads such a time in UTC; the client
// then moves it to Config.Location, keeping the clock reading. A time with
// an offset keeps it. null and "" are the zero time.
type Time struct {
	time.Time
	zoneless bool
}

// MarshalJSON writes the time in RFC 3339 with its offset, so nothing is
// lost when a result is stored and read back.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return t.Time.MarshalJSON()
}

// UnmarshalJSON reads a Polaris time: with or without a zone and with any
// number of fractional digits; null and "" leave the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	// Polaris' own form first: wire.TimeText tries the zoned layouts
	// first, and each failed parse allocates.
	if s, ok := zonelessText(b); ok {
		if v, err := time.ParseInLocation(zonelessLayout, s, time.UTC); err == nil {
			*t = Time{Time: v, zoneless: true}
			return nil
		}
	}
	v, err := wire.TimeText(b, time.UTC)
	if err != nil {
		return err
	}
	_, zerr := time.Parse(time.RFC3339Nano, strings.Trim(string(b), `"`))
	*t = Time{Time: v, zoneless: !v.IsZero() && zerr != nil}
	return nil
}

// zonelessLayout is how Polaris writes its times.
const zonelessLayout = "2006-01-02T15:04:05.999999999"

// zonelessText returns the text of a JSON string shaped like
// "2013-05-29T17:11:59.33": a date, a T, and no zone after the clock.
func zonelessText(b []byte) (string, bool) {
	if len(b) < 21 || b[0] != '"' || b[len(b)-1] != '"' || b[11] != 'T' {
		return "", false
	}
	for _, c := range b[12 : len(b)-1] {
		if (c < '0' || c > '9') && c != ':' && c != '.' {
			return "", false
		}
	}
	return string(b[1 : len(b)-1]), true
}

// in moves a zone-less time to loc, keeping its clock reading.
func (t *Time) in(loc *time.Location) {
	if t.zoneless && loc != time.UTC {
		v := t.Time
		t.Time = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), loc)
	}
	t.zoneless = false
}
