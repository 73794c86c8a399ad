package polaris

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/google/go-querystring/query"
)

// authAnswer is the staff login's answer.
type authAnswer struct {
	AccessToken  string      `json:"AccessToken"`
	AccessSecret string      `json:"AccessSecret"`
	AuthExpDate  string      `json:"AuthExpDate"`
	SiteDomain   string      `json:"SiteDomain"`
	PolarisUser  PolarisUser `json:"PolarisUser"`
}

// payQuery is the pay call's query string. The partner document's table
// makes every flag required (its URL template shows two), so all are
// always sent.
type payQuery struct {
	Action      string `url:"action"`
	Reload      bool   `url:"reload"`
	Overpayment bool   `url:"overpayment"`
	Circ        bool   `url:"circ"`
}

// payQueries holds the eight possible query strings, encoded once.
var payQueries = func() (qs [8]string) {
	for i := range qs {
		v, _ := query.Values(payQuery{Action: "pay", Reload: i&1 != 0, Overpayment: i&2 != 0, Circ: i&4 != 0})
		qs[i] = v.Encode()
	}
	return qs
}()

func payQueryString(reload, overpayment, circ bool) string {
	i := 0
	if reload {
		i |= 1
	}
	if overpayment {
		i |= 2
	}
	if circ {
		i |= 4
	}
	return payQueries[i]
}

// fineData is DtoFineData, its keys in the order of the partner
// document's sample.
type fineData struct {
	PatronID              PatronID            `json:"PatronID"`
	TxnAmount             Amount              `json:"TxnAmount"`
	FreeTextNote          string              `json:"FreeTextNote"`
	PatronPaymentMethod   PatronPaymentMethod `json:"PatronPaymentMethod"`
	MainTxnIDs            []TxnID             `json:"MainTxnIDs"`
	CreditCardPaymentData *ccData             `json:"CreditCardPaymentData"`
}

// ccData is DtoCCPaymentData with the partner document's sample keys (and
// txnAmount, which its table requires). nil pointers are sent as null, as
// the sample sends unset values.
type ccData struct {
	TrackID     int64     `json:"trackId"`
	GUID        string    `json:"guid"`
	VendorID    int64     `json:"vendorId"`
	BaseAddress *string   `json:"baseAddress"`
	CustomerID  *string   `json:"customerID"`
	TerminalID  *string   `json:"terminalID"`
	UserName    *string   `json:"userName"`
	Password    *string   `json:"password"`
	Amount      Amount    `json:"amount"`
	TxnAmount   Amount    `json:"txnAmount"`
	PatronID    *PatronID `json:"patronID"`
	Language    *string   `json:"language"`
	Result      int       `json:"result"`
	TrackNumber *string   `json:"trackNumber"`
	Error       string    `json:"error"`
	TxnStatus   string    `json:"txnStatus"`
	TroutID     *string   `json:"troutId"`
	CCDigits    *string   `json:"ccDigits"`
	CCType      *string   `json:"ccType"`
	AuthCode    *string   `json:"authCode"`
	Request     string    `json:"request"`
	Response    string    `json:"response"`
}

// wireCard returns the wire form of cc, or nil.
func wireCard(cc *CreditCardPaymentData) *ccData {
	if cc.none() {
		return nil
	}
	d := &ccData{
		TrackID: cc.TrackID, GUID: cc.GUID, VendorID: cc.VendorID,
		BaseAddress: orNull(&cc.BaseAddress), CustomerID: orNull(&cc.CustomerID), TerminalID: orNull(&cc.TerminalID),
		Amount: cc.TxnAmount, TxnAmount: cc.TxnAmount,
		Language: orNull(&cc.Language), Result: cc.Result, TrackNumber: orNull(&cc.TrackNumber),
		Error: cc.Error, TxnStatus: cc.TxnStatus, TroutID: orNull(&cc.TroutID),
		CCDigits: orNull(&cc.CCDigits), CCType: orNull(&cc.CCType), AuthCode: orNull(&cc.AuthCode),
		Request: cc.Request, Response: cc.Response,
	}
	if cc.PatronID != 0 {
		d.PatronID = &cc.PatronID
	}
	if cc.UserName != "" {
		s := cc.UserName.Reveal()
		d.UserName = &s
	}
	if cc.Password != "" {
		s := cc.Password.Reveal()
		d.Password = &s
	}
	return d
}

// orNull points to s, or is nil (JSON null) when s is empty.
func orNull(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

// payAnswer is Polaris' answer to a pay: the payment transactions, and
// the fines and fees when reload was asked.
type payAnswer struct {
	FinesAndFees []FineFee `json:"FinesAndFees"`
	TxnIds       []TxnID   `json:"TxnIds"`
}

// Confirm requires the payment transaction ids the call exists to return.
func (a *payAnswer) Confirm() error {
	if len(a.TxnIds) == 0 {
		return errors.New("no TxnIds")
	}
	for _, id := range a.TxnIds {
		if id <= 0 {
			return errors.New("a TxnIds entry is not a transaction id")
		}
	}
	return nil
}

// finesAnswer is the fines and fees read: a list, or an object holding
// FinesAndFees (the read's shape is an assumption: both are accepted).
type finesAnswer struct {
	items  []FineFee
	listed bool // the answer held a list, possibly empty
}

// Confirm requires a list, possibly empty: an answer without one (empty,
// null, {}) must not read as "owes nothing" to a caller reconciling.
func (a *finesAnswer) Confirm() error {
	if !a.listed {
		return errors.New("no list of fines and fees")
	}
	return nil
}

// UnmarshalJSON accepts [...] or {"FinesAndFees": [...]}; null and an
// object without the key list nothing.
func (a *finesAnswer) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		a.listed = true
		return json.Unmarshal(b, &a.items)
	}
	var o struct {
		FinesAndFees json.RawMessage `json:"FinesAndFees"`
	}
	if err := json.Unmarshal(b, &o); err != nil || o.FinesAndFees == nil {
		return err
	}
	a.listed = true
	return json.Unmarshal(o.FinesAndFees, &a.items)
}

// workflowBody is DtoWorkflowAnswer.
type workflowBody struct {
	WorkflowRequestGuid  WorkflowGUID         `json:"WorkflowRequestGuid"`
	WorkflowRequestType  int                  `json:"WorkflowRequestType"`
	WorkflowStatus       WorkflowStatus       `json:"WorkflowStatus"`
	WorkflowPromptID     int                  `json:"WorkflowPromptID"`
	WorkflowPromptResult WorkflowPromptResult `json:"WorkflowPromptResult"`
	ReplyValue           *string              `json:"ReplyValue"`
	ReplyExtension       *replyExtension      `json:"ReplyExtension"`
}

type replyExtension struct {
	WorkflowReplyExtensionType int       `json:"WorkflowReplyExtensionType"`
	Data                       replyData `json:"Data"`
}

type replyData struct {
	ProcChargeTxnCodeID   PatronAccountTxnCode `json:"ProcChargeTxnCodeID"`
	ProcTransAmount       Amount               `json:"ProcTransAmount"`
	OVDChargeTxnCodeID    PatronAccountTxnCode `json:"OVDChargeTxnCodeID"`
	OVDTransAmount        Amount               `json:"OVDTransAmount"`
	PayMethod             PatronPaymentMethod  `json:"PayMethod"`
	CreditCardPaymentData *ccData              `json:"CreditCardPaymentData"`
}

// workflowBodyOf returns the wire form of a.
func workflowBodyOf(a *WorkflowAnswer) *workflowBody {
	b := &workflowBody{
		WorkflowRequestGuid:  a.WorkflowRequestGUID,
		WorkflowRequestType:  a.WorkflowRequestType,
		WorkflowStatus:       a.WorkflowStatus,
		WorkflowPromptID:     a.WorkflowPromptID,
		WorkflowPromptResult: a.WorkflowPromptResult,
		ReplyValue:           orNull(&a.ReplyValue),
	}
	if x := &a.ReplyExtension; !x.none() {
		d := &x.Data
		b.ReplyExtension = &replyExtension{
			WorkflowReplyExtensionType: x.WorkflowReplyExtensionType,
			Data: replyData{
				ProcChargeTxnCodeID: d.ProcChargeTxnCodeID, ProcTransAmount: d.ProcTransAmount,
				OVDChargeTxnCodeID: d.OVDChargeTxnCodeID, OVDTransAmount: d.OVDTransAmount,
				PayMethod: d.PayMethod, CreditCardPaymentData: wireCard(&d.CreditCardPaymentData),
			},
		}
	}
	return b
}

// workflowReply is Polaris' workflow response.
type workflowReply struct {
	WorkflowRequestGuid WorkflowGUID         `json:"WorkflowRequestGuid"`
	WorkflowRequestType int                  `json:"WorkflowRequestType"`
	WorkflowStatus      *WorkflowStatus      `json:"WorkflowStatus"`
	Prompt              *Prompt              `json:"Prompt"`
	InformationMessages []InformationMessage `json:"InformationMessages"`
}

// Confirm requires what shows Polaris took the answer: the workflow's
// GUID and a known status, and with InputRequired the prompt to answer.
func (r *workflowReply) Confirm() error {
	switch {
	case r.WorkflowRequestGuid == "":
		return errors.New("no WorkflowRequestGuid")
	case r.WorkflowStatus == nil:
		return errors.New("no WorkflowStatus")
	case !r.WorkflowStatus.known():
		return errors.New("an unknown WorkflowStatus")
	case *r.WorkflowStatus == InputRequired && (r.Prompt == nil || r.Prompt.WorkflowPromptID <= 0):
		return errors.New("InputRequired without a Prompt")
	}
	return nil
}

// result returns the reply as the caller sees it.
func (r *workflowReply) result() *WorkflowResult {
	return &WorkflowResult{
		WorkflowRequestGUID: r.WorkflowRequestGuid,
		WorkflowRequestType: r.WorkflowRequestType,
		Status:              *r.WorkflowStatus,
		Prompt:              r.Prompt,
		InformationMessages: r.InformationMessages,
	}
}
