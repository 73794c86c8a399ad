package polaristest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/polaris"
)

// The prompts and request type of the fake's workflows.
const (
	// HoldPromptID asks whether to check out an item that is on hold for
	// another patron; PromptYes, PromptOK or PromptContinue go on.
	HoldPromptID = 81
	// PaymentPromptID asks to pay the processing and overdue charges;
	// PromptContinue (as the partner document's sample answers it) or
	// PromptPay, with a ReplyExtension paying exactly them, completes the
	// workflow.
	PaymentPromptID = 92
	// CheckoutRequestType is the fake's WorkflowRequestType.
	CheckoutRequestType = 2
)

// Workflow is a checkout the fake runs as a workflow: it asks for its
// charges to be paid, and optionally something else first.
type Workflow struct {
	PatronID polaris.PatronID
	// ProcessingCharge and OverdueCharge are what the payment prompt asks:
	// the answer's ProcTransAmount and OVDTransAmount must be exactly
	// these.
	ProcessingCharge polaris.Amount
	OverdueCharge    polaris.Amount
	// HoldNotice asks HoldPromptID before the payment prompt.
	HoldNotice bool
	// FailAfterPayment records the payment, then ends the workflow with
	// CompletedFailure, as a checkout that fails once its charges are paid.
	FailAfterPayment bool
}

// workflow is a running (or finished) workflow.
type workflow struct {
	Workflow
	guid   polaris.WorkflowGUID
	prompt int // the prompt waiting for an answer; 0 once done
}

// StartWorkflow begins a workflow, as a checkout call to Polaris would, and
// returns its first response: InputRequired with a prompt to answer with
// polaris.Client.AnswerWorkflow.
func (s *Server) StartWorkflow(w Workflow) *polaris.WorkflowResult {
	wf := &workflow{Workflow: w, guid: newGUID(), prompt: PaymentPromptID}
	if w.HoldNotice {
		wf.prompt = HoldPromptID
	}
	s.mu.Lock()
	s.workflows[wf.guid] = wf
	s.mu.Unlock()
	return wf.reply(polaris.InputRequired)
}

// WorkflowDone reports whether the workflow has ended.
func (s *Server) WorkflowDone(guid polaris.WorkflowGUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflows[guid]
	return wf != nil && wf.prompt == 0
}

func newGUID() polaris.WorkflowGUID {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return polaris.WorkflowGUID(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
}

// answerBody is DtoWorkflowAnswer as the fake reads it.
type answerBody struct {
	WorkflowRequestGuid  *string         `json:"WorkflowRequestGuid"`
	WorkflowRequestType  *int            `json:"WorkflowRequestType"`
	WorkflowStatus       *int            `json:"WorkflowStatus"`
	WorkflowPromptID     *int            `json:"WorkflowPromptID"`
	WorkflowPromptResult *int            `json:"WorkflowPromptResult"`
	ReplyValue           *string         `json:"ReplyValue"`
	ReplyExtension       json.RawMessage `json:"ReplyExtension"`
}

// replyData is the payment an answer carries.
type replyData struct {
	ProcChargeTxnCodeID int                          `json:"ProcChargeTxnCodeID"`
	ProcTransAmount     *polaris.Amount              `json:"ProcTransAmount"`
	OVDChargeTxnCodeID  int                          `json:"OVDChargeTxnCodeID"`
	OVDTransAmount      *polaris.Amount              `json:"OVDTransAmount"`
	PayMethod           *polaris.PatronPaymentMethod `json:"PayMethod"`
	Card                *ccData                      `json:"-"`
}

// readExtension reads ReplyExtension and its Data (nil for null).
func readExtension(raw json.RawMessage) (*replyData, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var x struct {
		WorkflowReplyExtensionType int             `json:"WorkflowReplyExtensionType"`
		Data                       json.RawMessage `json:"Data"`
	}
	if err := strictObject(raw, extensionKeys, &x); err != nil {
		return nil, errors.New("ReplyExtension: " + err.Error())
	}
	var d struct {
		replyData
		CreditCardPaymentData json.RawMessage `json:"CreditCardPaymentData"`
	}
	if err := strictObject(x.Data, dataKeys, &d); err != nil {
		return nil, errors.New("ReplyExtension.Data: " + err.Error())
	}
	card, err := readCard(d.CreditCardPaymentData)
	if err != nil {
		return nil, err
	}
	d.Card = card
	return &d.replyData, nil
}

// strictObject decodes a JSON object with exactly spelled keys and no
// unknown ones.
func strictObject(raw json.RawMessage, keys []string, v any) error {
	if err := exactKeys(raw, keys); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Server) handleWorkflow(w http.ResponseWriter, r *http.Request, f fake.Fault) {
	guid := polaris.WorkflowGUID(strings.ToLower(r.PathValue("guid")))
	var body answerBody
	if err := decodeExact(r, answerKeys, &body); err != nil {
		writeError(w, http.StatusBadRequest, "Null object: "+err.Error())
		return
	}
	data, err := readExtension(body.ReplyExtension)
	switch {
	case err != nil:
	case body.WorkflowRequestGuid == nil || !strings.EqualFold(*body.WorkflowRequestGuid, string(guid)):
		err = errors.New("WorkflowRequestGuid must name the workflow in the URL")
	case body.WorkflowStatus == nil || polaris.WorkflowStatus(*body.WorkflowStatus) != polaris.InputRequired:
		err = errors.New("WorkflowStatus must be InputRequired (-3)")
	case body.WorkflowRequestType == nil || *body.WorkflowRequestType != CheckoutRequestType:
		err = errors.New("WorkflowRequestType does not match the workflow")
	case body.WorkflowPromptID == nil || body.WorkflowPromptResult == nil:
		err = errors.New("WorkflowPromptID and WorkflowPromptResult are required")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	s.mu.Lock()
	wf := s.workflows[guid]
	var reply *polaris.WorkflowResult
	switch {
	case wf == nil:
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Workflow request not found.")
		return
	case wf.prompt == 0:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "The workflow request is already completed.")
		return
	case *body.WorkflowPromptID != wf.prompt:
		reply = wf.reply(polaris.InvalidReply, "The reply does not answer the pending prompt.")
	default:
		reply = s.answer(wf, polaris.WorkflowPromptResult(*body.WorkflowPromptResult), data)
	}
	s.mu.Unlock()
	if f.After(w, refuse) {
		return
	}
	fake.JSON(w, http.StatusOK, wireReply(reply))
}

// wireReply is r as Polaris writes a workflow response.
func wireReply(r *polaris.WorkflowResult) map[string]any {
	out := map[string]any{
		"WorkflowRequestGuid": r.WorkflowRequestGUID,
		"WorkflowRequestType": r.WorkflowRequestType,
		"WorkflowStatus":      r.Status,
		"Prompt":              r.Prompt,
		"InformationMessages": r.InformationMessages,
	}
	if r.InformationMessages == nil {
		out["InformationMessages"] = []polaris.InformationMessage{}
	}
	return out
}

// answer moves wf on by one answer; s.mu is held.
func (s *Server) answer(wf *workflow, result polaris.WorkflowPromptResult, data *replyData) *polaris.WorkflowResult {
	if result == polaris.PromptCancel || result == polaris.PromptNo {
		wf.prompt = 0
		return wf.reply(polaris.CompletedCancelled, "The checkout was cancelled.")
	}
	if wf.prompt == HoldPromptID {
		if result != polaris.PromptYes && result != polaris.PromptOK && result != polaris.PromptContinue {
			return wf.reply(polaris.InvalidReply, "Answer Yes to check the item out anyway.")
		}
		wf.prompt = PaymentPromptID
		return wf.reply(polaris.InputRequired)
	}
	switch {
	case (result != polaris.PromptContinue && result != polaris.PromptPay) || data == nil:
		return wf.reply(polaris.InvalidReply, "Pay the charges with a ReplyExtension.")
	case data.ProcTransAmount == nil || data.OVDTransAmount == nil ||
		*data.ProcTransAmount != wf.ProcessingCharge || *data.OVDTransAmount != wf.OverdueCharge:
		return wf.reply(polaris.InvalidReply, "The amounts paid do not match the charges.")
	case data.PayMethod == nil || !validMethod(*data.PayMethod):
		return wf.reply(polaris.InvalidReply, "PayMethod is not valid.")
	}
	total, _ := wf.ProcessingCharge.Add(wf.OverdueCharge)
	pay := Payment{PatronID: wf.PatronID, Amount: total, Method: *data.PayMethod, Workflow: wf.guid, At: time.Now()}
	if data.Card != nil && data.Card.CCDigits != nil {
		pay.CCDigits = *data.Card.CCDigits
	}
	for _, a := range []polaris.Amount{wf.ProcessingCharge, wf.OverdueCharge} {
		if a.Sign() > 0 {
			pay.TxnIDs = append(pay.TxnIDs, polaris.TxnID(s.ids.Next()))
		}
	}
	s.ledger = append(s.ledger, pay)
	wf.prompt = 0
	if wf.FailAfterPayment {
		return wf.reply(polaris.CompletedFailure, "The charges were paid, but the item could not be checked out.")
	}
	return wf.reply(polaris.CompletedSuccessfully, "The item was checked out.")
}

// reply is the workflow's response with status and information messages.
func (wf *workflow) reply(status polaris.WorkflowStatus, messages ...string) *polaris.WorkflowResult {
	r := &polaris.WorkflowResult{WorkflowRequestGUID: wf.guid, WorkflowRequestType: CheckoutRequestType, Status: status}
	switch {
	case wf.prompt == HoldPromptID && (status == polaris.InputRequired || status == polaris.InvalidReply):
		r.Prompt = &polaris.Prompt{WorkflowPromptID: HoldPromptID, Title: "Item on hold",
			Message: "This item is on hold for another patron. Check it out anyway?"}
	case wf.prompt == PaymentPromptID && (status == polaris.InputRequired || status == polaris.InvalidReply):
		r.Prompt = &polaris.Prompt{WorkflowPromptID: PaymentPromptID, Title: "Charges",
			Message: "Processing charge " + wf.ProcessingCharge.String() + ", overdue charge " + wf.OverdueCharge.String() + ". Pay now?"}
	}
	for _, m := range messages {
		r.InformationMessages = append(r.InformationMessages, polaris.InformationMessage{Type: 1, Title: "Checkout", Message: m})
	}
	return r
}
