package polaris

import (
	"context"
	"net/http"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

const opAnswer = "AnswerWorkflow"

// workflowPath is a running workflow, under the base URL.
const workflowPath = apiPrefix + "/workflow/{WorkflowRequestGuid}"

// AnswerWorkflow answers a prompt of a running workflow: PUT
// .../workflow/{WorkflowRequestGUID} with DtoWorkflowAnswer, the GUID in
// the URL and the body alike. It is how the charges of a checkout or
// renewal paid on a card reader are recorded: answer the prompt as it asks
// (the partner document's sample answers its payment prompt with
// PromptContinue) with a ReplyExtension carrying the amounts and the card
// packet.
//
// A workflow may ask more than one prompt: the result is the next prompt
// (Status InputRequired, Prompt set, Done false) or the end of the
// workflow. Answer until Done; WorkflowResult.Answer starts each answer.
//
// A nil error means Polaris took the answer. InvalidReply is ErrNotApplied
// (the result, with the prompt asked again, is returned too). ErrorOccurred
// and CompletedFailure are ErrOutcomeUnknown, with the result: the workflow
// failed after taking the answer, and a payment the answer carried may have
// been recorded. A refusal saying the workflow is already completed is
// ErrAlreadyApplied (see Config.AlreadyAppliedPhrases).
//
// An answer is never resent automatically once it may have reached
// Polaris. If the connection fails or times out after the request was
// written, Polaris answers 5xx, or its answer lacks the workflow's GUID or
// status, the error is ErrOutcomeUnknown. Settle cannot settle it, and the
// error carries no SettleRequest: an answer names neither the patron nor
// the charges it pays, which belong to the checkout the workflow runs and
// which no call of this package lists before they are paid, so there is
// nothing owed before to compare with; and a checkout charge missing from
// GetFinesAndFees afterwards may be paid or never made. Look in the
// patron's account (in Leap) for the payment of the workflow's charges
// before answering again; a charge of the checkout still owed in
// GetFinesAndFees was not paid.
func (c *Client) AnswerWorkflow(ctx context.Context, answer *WorkflowAnswer) (*WorkflowResult, error) {
	if err := answer.check(); err != nil {
		return nil, err
	}
	c.scrubCard(&answer.ReplyExtension.Data.CreditCardPaymentData)
	guid := string(answer.WorkflowRequestGUID)
	var out workflowReply
	resp, err := c.call(ctx, &transport.Request{
		Op:        opAnswer,
		Effect:    transport.Write,
		Method:    http.MethodPut,
		Path:      workflowPath,
		PathArgs:  c.args(guid),
		JSON:      workflowBodyOf(answer),
		Reconcile: "Settle cannot tell: look in the patron's account (Leap) for the payment of workflow " + guid + "'s charges; one still owed in GetFinesAndFees was not paid",
	}, &out)
	if err != nil {
		return nil, err
	}
	res := out.result()
	switch res.Status {
	case InvalidReply:
		return res, resp.Refused(res.Status.String(), messages(res, "Polaris refused the reply"))
	case ErrorOccurred, CompletedFailure:
		return res, resp.Unknown(res.Status.String(), messages(res, "the workflow failed after taking the answer"))
	}
	return res, nil
}

// messages joins the workflow's information messages, or returns def.
func messages(r *WorkflowResult, def string) string {
	var parts []string
	for _, m := range r.InformationMessages {
		if t := joinText(m.Title, m.Message); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return def
	}
	return strings.Join(parts, "; ")
}
