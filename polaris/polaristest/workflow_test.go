package polaristest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake's workflows: the prompts they ask, the answers they take, and
// the payment an answer records.

// answerBody is a DtoWorkflowAnswer to guid's prompt with result and ext
// (JSON text) as ReplyExtension, as the partner document's sample writes
// it.
func answerBody(guid polaris.WorkflowGUID, prompt int, result polaris.WorkflowPromptResult, ext string) string {
	return fmt.Sprintf(`{"WorkflowRequestGuid":%q,"WorkflowRequestType":2,"WorkflowStatus":-3,"WorkflowPromptID":%d,`+
		`"WorkflowPromptResult":%d,"ReplyValue":null,"ReplyExtension":%s}`, guid, prompt, result, ext)
}

// extension is a ReplyExtension paying proc and ovd (JSON text) by method,
// with card (JSON text) as its CreditCardPaymentData.
func extension(proc, ovd string, method int, card string) string {
	return fmt.Sprintf(`{"WorkflowReplyExtensionType":3,"Data":{"ProcChargeTxnCodeID":2,"ProcTransAmount":%s,`+
		`"OVDChargeTxnCodeID":2,"OVDTransAmount":%s,"PayMethod":%d,"CreditCardPaymentData":%s}}`, proc, ovd, method, card)
}

// sampleCard is the partner document's card packet, in part.
const sampleCard = `{"trackId":1234,"guid":"xxxx-xxx-xxx-xxx-xxx","amount":1.0,"error":"Ok","txnStatus":"Finished","troutId":"TROUTD","ccDigits":"XXXX","ccType":"????"}`

// wfReply is a workflow response as the fake writes it.
type wfReply struct {
	WorkflowRequestGuid polaris.WorkflowGUID         `json:"WorkflowRequestGuid"`
	WorkflowRequestType int                          `json:"WorkflowRequestType"`
	WorkflowStatus      polaris.WorkflowStatus       `json:"WorkflowStatus"`
	Prompt              *polaris.Prompt              `json:"Prompt"`
	InformationMessages []polaris.InformationMessage `json:"InformationMessages"`
}

// answer sends body to workflow guid and returns the status, the reply (on
// 200) or the refusal's message, and the raw body.
func (s *session) answer(guid polaris.WorkflowGUID, body string) (int, wfReply, string) {
	s.t.Helper()
	status, raw := s.call(http.MethodPut, apiPath+"/workflow/"+string(guid), body)
	var r wfReply
	if status == http.StatusOK {
		require.NoError(s.t, json.Unmarshal([]byte(raw), &r), raw)
	}
	return status, r, raw
}

// info is the messages of a reply.
func info(r wfReply) []string {
	var out []string
	for _, m := range r.InformationMessages {
		out = append(out, fmt.Sprintf("%d %s: %s", m.Type, m.Title, m.Message))
	}
	return out
}

const (
	holdTitle    = "Item on hold"
	holdMessage  = "This item is on hold for another patron. Check it out anyway?"
	chargesTitle = "Charges"
)

func TestStartWorkflow(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	first := s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70)})
	assert.Equal(t, polaris.InputRequired, first.Status)
	assert.Equal(t, polaristest.CheckoutRequestType, first.WorkflowRequestType)
	assert.Equal(t, &polaris.Prompt{WorkflowPromptID: polaristest.PaymentPromptID, Title: chargesTitle,
		Message: "Processing charge 1.00, overdue charge 0.70. Pay now?"}, first.Prompt)
	assert.Empty(t, first.InformationMessages)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, string(first.WorkflowRequestGUID), "a version 4 GUID")
	assert.False(t, s.srv.WorkflowDone(first.WorkflowRequestGUID))
	assert.False(t, s.srv.WorkflowDone("5d356b6e-d626-4b8c-aa3b-f08fc4caaa22"), "an unknown workflow is not done")

	hold := s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), HoldNotice: true})
	assert.Equal(t, &polaris.Prompt{WorkflowPromptID: polaristest.HoldPromptID, Title: holdTitle, Message: holdMessage}, hold.Prompt)
	assert.NotEqual(t, first.WorkflowRequestGUID, hold.WorkflowRequestGUID)
}

func TestWorkflowAnswerIsCheckedStrictly(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	wf := s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70)})
	guid := wf.WorkflowRequestGUID
	good := answerBody(guid, polaristest.PaymentPromptID, polaris.PromptContinue, extension("1.00", "0.70", 12, sampleCard))
	for _, tc := range []struct {
		name, body, want string
	}{
		{"another workflow in the body", strings.Replace(good, string(guid), "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22", 1), "WorkflowRequestGuid must name the workflow in the URL"},
		{"no workflow in the body", strings.Replace(good, `"WorkflowRequestGuid":"`+string(guid)+`",`, "", 1), "WorkflowRequestGuid must name the workflow in the URL"},
		{"status ErrorOccurred", strings.Replace(good, `"WorkflowStatus":-3`, `"WorkflowStatus":-2`, 1), "WorkflowStatus must be InputRequired (-3)"},
		{"status Started", strings.Replace(good, `"WorkflowStatus":-3`, `"WorkflowStatus":0`, 1), "WorkflowStatus must be InputRequired (-3)"},
		{"no status", strings.Replace(good, `"WorkflowStatus":-3,`, "", 1), "WorkflowStatus must be InputRequired (-3)"},
		{"another request type", strings.Replace(good, `"WorkflowRequestType":2`, `"WorkflowRequestType":3`, 1), "WorkflowRequestType does not match the workflow"},
		{"no request type", strings.Replace(good, `"WorkflowRequestType":2,`, "", 1), "WorkflowRequestType does not match the workflow"},
		{"no prompt id", strings.Replace(good, `"WorkflowPromptID":92,`, "", 1), "WorkflowPromptID and WorkflowPromptResult are required"},
		{"no prompt result", strings.Replace(good, `"WorkflowPromptResult":5,`, "", 1), "WorkflowPromptID and WorkflowPromptResult are required"},
		{"a lower-case key", strings.Replace(good, `"ReplyValue"`, `"replyValue"`, 1), `Null object: unknown key "replyValue"`},
		{"an unknown extension key", strings.Replace(good, `"WorkflowReplyExtensionType":3,`, `"Type":3,`, 1), `ReplyExtension: unknown key "Type"`},
		{"an unknown data key", strings.Replace(good, `"PayMethod":12`, `"PaymentMethod":12`, 1), `ReplyExtension.Data: unknown key "PaymentMethod"`},
		{"an unfinished card transaction", strings.Replace(good, `"txnStatus":"Finished"`, `"txnStatus":"Failed"`, 1), "CreditCardPaymentData.txnStatus must be Success or Finished"},
		{"a card number", strings.Replace(good, `"ccDigits":"XXXX"`, `"ccDigits":"4111111111111111"`, 1), "CreditCardPaymentData.ccDigits must hold at most the last 4 digits"},
	} {
		status, _, raw := s.answer(guid, tc.body)
		require.Equal(t, 400, status, "%s: %s", tc.name, raw)
		assert.Equal(t, tc.want, message(t, raw), tc.name)
	}
	status, _, raw := s.answer("5d356b6e-d626-4b8c-aa3b-f08fc4caaa22", strings.ReplaceAll(good, string(guid), "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22"))
	require.Equal(t, 404, status, raw)
	assert.Equal(t, "Workflow request not found.", message(t, raw))
	assert.Empty(t, s.srv.Ledger())
	assert.False(t, s.srv.WorkflowDone(guid))

	// The GUID's letter case does not matter, in the URL or the body.
	upper := polaris.WorkflowGUID(strings.ToUpper(string(guid)))
	status, r, raw := s.answer(upper, good)
	require.Equal(t, 200, status, raw)
	assert.Equal(t, polaris.CompletedSuccessfully, r.WorkflowStatus)
	assert.Equal(t, guid, r.WorkflowRequestGuid)
}

func TestHoldPrompt(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	start := func() polaris.WorkflowGUID {
		return s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), HoldNotice: true}).WorkflowRequestGUID
	}
	holdPrompt := &polaris.Prompt{WorkflowPromptID: polaristest.HoldPromptID, Title: holdTitle, Message: holdMessage}
	for _, result := range []polaris.WorkflowPromptResult{polaris.PromptYes, polaris.PromptOK, polaris.PromptContinue} {
		guid := start()
		status, r, raw := s.answer(guid, answerBody(guid, polaristest.HoldPromptID, result, "null"))
		require.Equal(t, 200, status, raw)
		assert.Equal(t, polaris.InputRequired, r.WorkflowStatus, result)
		assert.Equal(t, guid, r.WorkflowRequestGuid)
		assert.Equal(t, polaristest.CheckoutRequestType, r.WorkflowRequestType)
		assert.Equal(t, &polaris.Prompt{WorkflowPromptID: polaristest.PaymentPromptID, Title: chargesTitle,
			Message: "Processing charge 1.00, overdue charge 0.00. Pay now?"}, r.Prompt, result)
		assert.Contains(t, raw, `"InformationMessages":[]`, "an empty list, not null")
		assert.False(t, s.srv.WorkflowDone(guid))
	}
	for _, result := range []polaris.WorkflowPromptResult{polaris.PromptPay, polaris.PromptWaive, polaris.PromptCharge} {
		guid := start()
		status, r, raw := s.answer(guid, answerBody(guid, polaristest.HoldPromptID, result, extension("1.00", "0", 12, "null")))
		require.Equal(t, 200, status, raw)
		assert.Equal(t, polaris.InvalidReply, r.WorkflowStatus, result)
		assert.Equal(t, holdPrompt, r.Prompt, "asked again")
		assert.Equal(t, []string{"1 Checkout: Answer Yes to check the item out anyway."}, info(r))
	}
	// An answer to the payment prompt while the hold notice waits.
	guid := start()
	status, r, raw := s.answer(guid, answerBody(guid, polaristest.PaymentPromptID, polaris.PromptPay, extension("1.00", "0", 12, "null")))
	require.Equal(t, 200, status, raw)
	assert.Equal(t, polaris.InvalidReply, r.WorkflowStatus)
	assert.Equal(t, holdPrompt, r.Prompt)
	assert.Equal(t, []string{"1 Checkout: The reply does not answer the pending prompt."}, info(r))
	assert.Empty(t, s.srv.Ledger())
}

func TestPaymentPrompt(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	const (
		needsPayment = "1 Checkout: Pay the charges with a ReplyExtension."
		mismatch     = "1 Checkout: The amounts paid do not match the charges."
		badMethod    = "1 Checkout: PayMethod is not valid."
	)
	for _, tc := range []struct {
		name   string
		result polaris.WorkflowPromptResult
		ext    string
		want   string // the InvalidReply's message; "" when it completes
	}{
		{"Continue, as the sample", polaris.PromptContinue, extension("1.00", "0.70", 12, sampleCard), ""},
		{"Pay", polaris.PromptPay, extension("1", "0.7", 11, "null"), ""},
		{"Pay by the last method", polaris.PromptPay, extension("1", "0.7", 17, "null"), ""},
		{"Pay by the first method", polaris.PromptPay, extension("1", "0.7", 1, "null"), ""},
		{"OK", polaris.PromptOK, extension("1.00", "0.70", 12, "null"), needsPayment},
		{"Yes", polaris.PromptYes, extension("1.00", "0.70", 12, "null"), needsPayment},
		{"Waive", polaris.PromptWaive, extension("1.00", "0.70", 12, "null"), needsPayment},
		{"Continue without an extension", polaris.PromptContinue, "null", needsPayment},
		{"too little overdue", polaris.PromptPay, extension("1.00", "0.69", 12, "null"), mismatch},
		{"too much processing", polaris.PromptPay, extension("1.01", "0.70", 12, "null"), mismatch},
		{"the amounts swapped", polaris.PromptPay, extension("0.70", "1.00", 12, "null"), mismatch},
		{"no processing amount", polaris.PromptPay, extension("null", "0.70", 12, "null"), mismatch},
		{"no overdue amount", polaris.PromptPay, extension("1.00", "null", 12, "null"), mismatch},
		{"method 0", polaris.PromptPay, extension("1.00", "0.70", 0, "null"), badMethod},
		{"method 7", polaris.PromptPay, extension("1.00", "0.70", 7, "null"), badMethod},
		{"method 18", polaris.PromptPay, extension("1.00", "0.70", 18, "null"), badMethod},
		{"no method", polaris.PromptPay, strings.Replace(extension("1.00", "0.70", 12, "null"), `"PayMethod":12,`, "", 1), badMethod},
	} {
		wf := s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70)})
		guid := wf.WorkflowRequestGUID
		n := len(s.srv.Ledger())
		status, r, raw := s.answer(guid, answerBody(guid, polaristest.PaymentPromptID, tc.result, tc.ext))
		require.Equal(t, 200, status, "%s: %s", tc.name, raw)
		if tc.want != "" {
			assert.Equal(t, polaris.InvalidReply, r.WorkflowStatus, tc.name)
			assert.Equal(t, wf.Prompt, r.Prompt, "%s: asked again", tc.name)
			assert.Equal(t, []string{tc.want}, info(r), tc.name)
			assert.Len(t, s.srv.Ledger(), n, tc.name)
			assert.False(t, s.srv.WorkflowDone(guid), tc.name)
			continue
		}
		assert.Equal(t, polaris.CompletedSuccessfully, r.WorkflowStatus, tc.name)
		assert.Nil(t, r.Prompt, tc.name)
		assert.Contains(t, raw, `"Prompt":null`, tc.name)
		assert.Equal(t, []string{"1 Checkout: The item was checked out."}, info(r), tc.name)
		assert.True(t, s.srv.WorkflowDone(guid), tc.name)
		ledger := s.srv.Ledger()
		require.Len(t, ledger, n+1, tc.name)
		assert.Equal(t, guid, ledger[n].Workflow, tc.name)
		assert.Equal(t, p.ID, ledger[n].PatronID, tc.name)
		assert.Equal(t, "1.70", ledger[n].Amount.String(), tc.name)
		assert.Len(t, ledger[n].TxnIDs, 2, "%s: one per charge", tc.name)
		assert.Empty(t, ledger[n].MainTxnIDs, tc.name)
	}
	ledger := s.srv.Ledger()
	require.Len(t, ledger, 4)
	assert.Equal(t, "XXXX", ledger[0].CCDigits, "from the card packet")
	assert.Equal(t, polaris.CreditCard, ledger[0].Method)
	assert.Empty(t, ledger[1].CCDigits, "no card packet")
	assert.Equal(t, polaris.Cash, ledger[1].Method)
	assert.Equal(t, polaris.SmartCard, ledger[2].Method)
	assert.Equal(t, polaris.PayFrmCredit, ledger[3].Method)
	assert.Equal(t, 4, s.srv.Applied(p.ID))
}

func TestWorkflowPaymentTransactions(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	for _, tc := range []struct {
		proc, ovd string
		txns      int
	}{
		{"1.00", "0.70", 2}, {"1.00", "0", 1}, {"0", "0.70", 1}, {"0", "0", 0},
	} {
		proc, ovd := mustAmount(t, tc.proc), mustAmount(t, tc.ovd)
		guid := s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: proc, OverdueCharge: ovd}).WorkflowRequestGUID
		card := `{"txnAmount":0.01,"txnStatus":"Success","ccDigits":"1111"}`
		status, r, raw := s.answer(guid, answerBody(guid, polaristest.PaymentPromptID, polaris.PromptPay, extension(tc.proc, tc.ovd, 12, card)))
		require.Equal(t, 200, status, raw)
		require.Equal(t, polaris.CompletedSuccessfully, r.WorkflowStatus, raw)
		ledger := s.srv.Ledger()
		last := ledger[len(ledger)-1]
		assert.Len(t, last.TxnIDs, tc.txns, "%s + %s: a transaction per charge above zero", tc.proc, tc.ovd)
		total, _ := proc.Add(ovd)
		assert.Equal(t, total, last.Amount)
		assert.Equal(t, "1111", last.CCDigits)
	}
}

func TestWorkflowEnds(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	for _, tc := range []struct {
		name    string
		wf      polaristest.Workflow
		prompt  int
		result  polaris.WorkflowPromptResult
		status  polaris.WorkflowStatus
		info    string
		applied int
	}{
		{"Cancel", polaristest.Workflow{}, polaristest.PaymentPromptID, polaris.PromptCancel, polaris.CompletedCancelled, "1 Checkout: The checkout was cancelled.", 0},
		{"No", polaristest.Workflow{}, polaristest.PaymentPromptID, polaris.PromptNo, polaris.CompletedCancelled, "1 Checkout: The checkout was cancelled.", 0},
		{"No to the hold notice", polaristest.Workflow{HoldNotice: true}, polaristest.HoldPromptID, polaris.PromptNo, polaris.CompletedCancelled, "1 Checkout: The checkout was cancelled.", 0},
		{"Cancel at the hold notice", polaristest.Workflow{HoldNotice: true}, polaristest.HoldPromptID, polaris.PromptCancel, polaris.CompletedCancelled, "1 Checkout: The checkout was cancelled.", 0},
		{"failure after the payment", polaristest.Workflow{FailAfterPayment: true}, polaristest.PaymentPromptID, polaris.PromptPay, polaris.CompletedFailure,
			"1 Checkout: The charges were paid, but the item could not be checked out.", 1},
	} {
		w := tc.wf
		w.PatronID, w.ProcessingCharge = p.ID, polaris.Cents(100)
		guid := s.srv.StartWorkflow(w).WorkflowRequestGUID
		applied := s.srv.Applied(p.ID)
		body := answerBody(guid, tc.prompt, tc.result, extension("1.00", "0", 12, "null"))
		status, r, raw := s.answer(guid, body)
		require.Equal(t, 200, status, "%s: %s", tc.name, raw)
		assert.Equal(t, tc.status, r.WorkflowStatus, tc.name)
		assert.Nil(t, r.Prompt, tc.name)
		assert.Equal(t, []string{tc.info}, info(r), tc.name)
		assert.Equal(t, applied+tc.applied, s.srv.Applied(p.ID), tc.name)
		assert.True(t, s.srv.WorkflowDone(guid), tc.name)

		// Answered again, the ended workflow is refused as completed.
		status, _, raw = s.answer(guid, body)
		require.Equal(t, 400, status, tc.name)
		assert.Equal(t, "The workflow request is already completed.", message(t, raw), tc.name)
		assert.Equal(t, applied+tc.applied, s.srv.Applied(p.ID), tc.name)
	}
}

func TestWorkflowFaults(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes()
	start := func() polaris.WorkflowGUID {
		return s.srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100)}).WorkflowRequestGUID
	}
	guid, other := start(), start()
	s.srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointWorkflow, Key: string(guid), Action: polaristest.FailAfterApply, Status: 502})
	status, _, raw := s.answer(other, answerBody(other, polaristest.PaymentPromptID, polaris.PromptPay, extension("1", "0", 12, "null")))
	require.Equal(t, 200, status, "the fault is keyed by the workflow: %s", raw)

	status, _, raw = s.answer(guid, answerBody(guid, polaristest.PaymentPromptID, polaris.PromptPay, extension("1", "0", 12, "null")))
	require.Equal(t, 502, status, raw)
	assert.Equal(t, "Bad Gateway", message(t, raw))
	assert.True(t, s.srv.WorkflowDone(guid), "the answer was applied")
	assert.Equal(t, 2, s.srv.Applied(p.ID))

	guid = start()
	s.srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointWorkflow, Action: polaristest.Refuse, Status: 409})
	status, _, raw = s.answer(guid, answerBody(guid, polaristest.PaymentPromptID, polaris.PromptPay, extension("1", "0", 12, "null")))
	require.Equal(t, 409, status, raw)
	assert.Equal(t, "Patron record is secured.", message(t, raw))
	assert.False(t, s.srv.WorkflowDone(guid), "a refusal applies nothing")
	assert.Equal(t, 2, s.srv.Applied(p.ID))
	assert.Equal(t, 1, s.srv.CallsFor(polaristest.EndpointWorkflow, string(guid)))
	assert.Equal(t, 3, s.srv.Calls(polaristest.EndpointWorkflow))
}
