package polaristest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/polaris"
)

// The JSON keys Polaris takes, spelled as the partner document's samples
// spell them (and txnAmount, which its table requires).
var (
	fineDataKeys = []string{"PatronID", "TxnAmount", "FreeTextNote", "PatronPaymentMethod", "MainTxnIDs", "CreditCardPaymentData"}
	cardKeys     = []string{"trackId", "guid", "vendorId", "baseAddress", "customerID", "terminalID", "userName", "password",
		"amount", "txnAmount", "patronID", "language", "result", "trackNumber", "error", "txnStatus", "troutId",
		"ccDigits", "ccType", "authCode", "request", "response"}
	answerKeys    = []string{"WorkflowRequestGuid", "WorkflowRequestType", "WorkflowStatus", "WorkflowPromptID", "WorkflowPromptResult", "ReplyValue", "ReplyExtension"}
	extensionKeys = []string{"WorkflowReplyExtensionType", "Data"}
	dataKeys      = []string{"ProcChargeTxnCodeID", "ProcTransAmount", "OVDChargeTxnCodeID", "OVDTransAmount", "PayMethod", "CreditCardPaymentData"}
)

// fineData is DtoFineData as the fake reads it; pointers tell a missing
// key from a zero value.
type fineData struct {
	PatronID              *polaris.PatronID            `json:"PatronID"`
	TxnAmount             *polaris.Amount              `json:"TxnAmount"`
	FreeTextNote          *string                      `json:"FreeTextNote"`
	PatronPaymentMethod   *polaris.PatronPaymentMethod `json:"PatronPaymentMethod"`
	MainTxnIDs            []polaris.TxnID              `json:"MainTxnIDs"`
	CreditCardPaymentData json.RawMessage              `json:"CreditCardPaymentData"`
}

// ccData is DtoCCPaymentData as the fake reads it.
type ccData struct {
	TrackID     int64           `json:"trackId"`
	GUID        *string         `json:"guid"`
	VendorID    int64           `json:"vendorId"`
	BaseAddress *string         `json:"baseAddress"`
	CustomerID  *string         `json:"customerID"`
	TerminalID  *string         `json:"terminalID"`
	UserName    *string         `json:"userName"`
	Password    *string         `json:"password"`
	Amount      *polaris.Amount `json:"amount"`
	TxnAmount   *polaris.Amount `json:"txnAmount"`
	PatronID    *int64          `json:"patronID"`
	Language    *string         `json:"language"`
	Result      int             `json:"result"`
	TrackNumber *string         `json:"trackNumber"`
	Error       *string         `json:"error"`
	TxnStatus   *string         `json:"txnStatus"`
	TroutID     *string         `json:"troutId"`
	CCDigits    *string         `json:"ccDigits"`
	CCType      *string         `json:"ccType"`
	AuthCode    *string         `json:"authCode"`
	Request     *string         `json:"request"`
	Response    *string         `json:"response"`
}

// decodeExact reads a JSON object body strictly: application/json, every
// key spelled exactly as Polaris spells it (keys lists them), no unknown
// key, no trailing data.
func decodeExact(r *http.Request, keys []string, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return errors.New("unreadable body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := exactKeys(body, keys); err != nil {
		return err
	}
	return fake.DecodeStrict(r, "", v)
}

// exactKeys refuses an object key that is not in keys, letter case
// included.
func exactKeys(obj []byte, keys []string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return errors.New("body is not a JSON object")
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return fmt.Errorf("unknown key %q", k)
		}
	}
	return nil
}

// readCard reads a CreditCardPaymentData object (nil for null).
func readCard(raw json.RawMessage) (*ccData, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if err := exactKeys(raw, cardKeys); err != nil {
		return nil, fmt.Errorf("CreditCardPaymentData: %w", err)
	}
	var cc ccData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cc); err != nil {
		return nil, fmt.Errorf("CreditCardPaymentData: %v", err)
	}
	switch {
	case cc.Amount == nil && cc.TxnAmount == nil:
		return nil, errors.New("CreditCardPaymentData.TxnAmount is required")
	case cc.TxnStatus == nil || (*cc.TxnStatus != "Success" && *cc.TxnStatus != "Finished"):
		return nil, errors.New("CreditCardPaymentData.txnStatus must be Success or Finished")
	case cc.CCDigits != nil && len(strings.Map(keepDigits, *cc.CCDigits)) > 4:
		return nil, errors.New("CreditCardPaymentData.ccDigits must hold at most the last 4 digits")
	}
	return &cc, nil
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// validMethod reports whether m is one of the document's payment methods.
func validMethod(m polaris.PatronPaymentMethod) bool {
	return (m >= polaris.PayFrmCredit && m <= polaris.StoredValue) || (m >= polaris.Cash && m <= polaris.SmartCard)
}

// validMoney reports whether a is a positive amount with at most 2 decimals.
func validMoney(a polaris.Amount) bool { return a.Sign() > 0 && a.DecimalPlaces() <= 2 }

// payFlags reads the pay call's query: action=pay and the three flags,
// all required.
func payFlags(r *http.Request) (reload, overpayment bool, err error) {
	q := r.URL.Query()
	if q.Get("action") != "pay" {
		return false, false, errors.New("action must be pay")
	}
	flag := func(name string) bool {
		v, perr := strconv.ParseBool(q.Get(name))
		if perr != nil && err == nil {
			err = fmt.Errorf("%s is required: true or false", name)
		}
		return v
	}
	reload, overpayment = flag("reload"), flag("overpayment")
	flag("circ")
	return reload, overpayment, err
}

func (s *Server) handlePay(w http.ResponseWriter, r *http.Request, f fake.Fault) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "The patron id is not valid.")
		return
	}
	patronID := polaris.PatronID(id)
	reload, overpayment, err := payFlags(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var body fineData
	if err := decodeExact(r, fineDataKeys, &body); err != nil {
		writeError(w, http.StatusBadRequest, "Null object: "+err.Error())
		return
	}
	card, err := readCard(body.CreditCardPaymentData)
	switch {
	case err != nil:
	case body.PatronID != nil && *body.PatronID != patronID:
		err = errors.New("PatronID does not match the patron in the URL")
	case body.TxnAmount == nil || !validMoney(*body.TxnAmount):
		err = errors.New("TxnAmount is required: an amount greater than zero with at most 2 decimals")
	case len(body.MainTxnIDs) == 0:
		err = errors.New("MainTxnIDs is required")
	case body.PatronPaymentMethod == nil || !validMethod(*body.PatronPaymentMethod):
		err = errors.New("PatronPaymentMethod is not valid")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pay := Payment{
		PatronID: patronID, MainTxnIDs: body.MainTxnIDs, Amount: *body.TxnAmount,
		Method: *body.PatronPaymentMethod, At: time.Now(),
	}
	if card != nil && card.CCDigits != nil {
		pay.CCDigits = *card.CCDigits
	}

	s.mu.Lock()
	p := s.patrons[patronID]
	status, msg := s.applyPayment(p, &pay, overpayment)
	var fines []map[string]any
	if status == http.StatusOK && reload {
		fines = s.finesOf(p, nil)
	}
	s.mu.Unlock()
	if status != http.StatusOK {
		writeError(w, status, msg)
		return
	}
	if f.After(w, refuse) {
		return
	}
	var list any // null without reload
	if reload {
		list = fines
	}
	fake.JSON(w, http.StatusOK, map[string]any{"FinesAndFees": list, "TxnIds": pay.TxnIDs})
}

// applyPayment applies pay to p's charges, or says why not; s.mu is held.
func (s *Server) applyPayment(p *patron, pay *Payment, overpayment bool) (int, string) {
	switch {
	case p == nil:
		return http.StatusNotFound, "Patron not found."
	case p.secured:
		return http.StatusConflict, securedMessage
	}
	var named []*charge
	owed := polaris.Amount{}
	for _, txn := range pay.MainTxnIDs {
		i := slices.IndexFunc(p.charges, func(c *charge) bool { return c.id == txn })
		if i < 0 {
			return http.StatusBadRequest, fmt.Sprintf("Transaction %d is not a charge of this patron.", txn)
		}
		if slices.Contains(named, p.charges[i]) {
			return http.StatusBadRequest, fmt.Sprintf("Transaction %d is named twice.", txn)
		}
		named = append(named, p.charges[i])
		owed, _ = owed.Add(p.charges[i].outstanding(nil))
	}
	switch {
	case owed.IsZero():
		return http.StatusBadRequest, "The transactions are already paid."
	case pay.Amount.Cmp(owed) > 0 && !overpayment:
		return http.StatusBadRequest, "The payment amount exceeds the balance owed."
	case pay.Amount.Cmp(owed) > 0 && !s.opts.AllowOverpayment:
		return http.StatusBadRequest, "Overpayment is not allowed at this branch."
	}
	left := pay.Amount
	for _, c := range named {
		part := c.outstanding(nil)
		if left.Cmp(part) < 0 {
			part = left
		}
		if part.IsZero() {
			continue
		}
		c.paid = append(c.paid, applied{amount: part, at: pay.At})
		left, _ = left.Sub(part)
		pay.TxnIDs = append(pay.TxnIDs, polaris.TxnID(s.ids.Next()))
	}
	if !left.IsZero() {
		pay.Credit = left
		pay.TxnIDs = append(pay.TxnIDs, polaris.TxnID(s.ids.Next()))
	}
	s.ledger = append(s.ledger, *pay)
	return http.StatusOK, ""
}

func (s *Server) handleFinesFees(w http.ResponseWriter, r *http.Request, _ fake.Fault) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "The patron id is not valid.")
		return
	}
	s.mu.Lock()
	p := s.patrons[polaris.PatronID(id)]
	var fines []map[string]any
	if p != nil {
		fines = s.finesOf(p, &s.lag)
	}
	s.mu.Unlock()
	if p == nil {
		writeError(w, http.StatusNotFound, "Patron not found.")
		return
	}
	fake.JSON(w, http.StatusOK, map[string]any{"FinesAndFees": fines})
}

// finesOf lists what p still owes (and what it paid in full, with
// Options.ListPaidCharges), as Polaris writes fines and fees; s.mu is
// held.
func (s *Server) finesOf(p *patron, lag *fake.ReadLag) []map[string]any {
	out := []map[string]any{}
	for _, c := range p.charges {
		owed := c.outstanding(lag)
		if owed.Sign() <= 0 && !s.opts.ListPaidCharges {
			continue
		}
		out = append(out, map[string]any{
			"ItemRecordID": 0, "TxnID": c.id, "TxnCodeID": polaris.Charge, "CallNumber": nil, "MaterialType": nil,
			"TxnDate": c.date.In(s.opts.Location).Format(zoneless), "Type": "Charge", "FeeDescription": c.desc,
			"BrowseTitle": "", "Barcode": nil, "TxnAmount": c.amount, "OutstandingAmount": owed,
			"Organization": "Fake Public Library - Central", "TxnOrgID": nil, "FreeTextNote": nil,
			"WaiverRequestID": nil, "HasPendingWaiverRequest": false,
		})
	}
	return out
}
