package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
)

func polarisDemo(ctx context.Context, d *demo) error {
	d.section("polaris: Polaris ILS, Leap staff API (Polaris.ApplicationServices)")
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{
		{Amount: polaris.Cents(600), FeeDescription: "Damage"},
		{Amount: polaris.Cents(400), FeeDescription: "Misc Charge"},
	}})
	charges := []polaris.TxnID{p.Charges[0].TxnID, p.Charges[1].TxnID}
	d.say("started a fake Polaris at %s with patron %d owing 6.00 (charge %d) and 4.00 (charge %d)", srv.URL(), p.ID, charges[0], charges[1])

	client, err := polaris.New(srv.Config(), polaris.WithLogger(d.log))
	if err != nil {
		return err
	}
	d.say("polaris.New with the fake's URL, branch %d, workstation %d and staff user %s\\%s",
		srv.Config().OrganizationID, srv.Config().WorkstationID, srv.Config().StaffDomain, srv.Config().StaffUserName)

	pay := func(patron polaris.PatronID, amount polaris.Amount, txns []polaris.TxnID, digits string) (*polaris.PayFinesAndFeesResult, error) {
		return client.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
			PatronID: patron, TxnAmount: amount, MainTxnIDs: txns, PaymentMethod: polaris.CreditCard, Reload: true,
			CreditCardPaymentData: polaris.CreditCardPaymentData{
				TxnAmount: amount, TxnStatus: "Finished", Error: "OK", TroutID: "TROUTD", CCDigits: digits, CCType: "VISA",
			},
		})
	}

	res, err := pay(p.ID, polaris.Cents(750), charges, "4219")
	if err != nil {
		return err
	}
	d.say("PayFinesAndFees(patron %d, 7.50): applied as payment transactions %v (the SDK logged in first: %d login, PAS header after)", p.ID, res.TxnIDs, srv.Logins())
	for _, f := range res.FinesAndFees {
		d.detail("reload: charge %d %s still owes %s of %s", f.TxnID, f.FeeDescription, f.OutstandingAmount, f.TxnAmount)
	}

	res, err = pay(p.ID, polaris.Cents(250), charges, "4219")
	if err != nil {
		return err
	}
	d.say("PayFinesAndFees(patron %d, 2.50): applied as %v; the patron owes nothing (%d fines listed)", p.ID, res.TxnIDs, len(res.FinesAndFees))

	_, err = pay(p.ID, polaris.Cents(250), charges, "4219")
	if err := expect(errors.Is(err, polaris.ErrAlreadyApplied), "second payment: %v", err); err != nil {
		return err
	}
	d.say("the same payment again: Polaris answers the charges are already paid -> errors.Is(err, polaris.ErrAlreadyApplied): the first stands, never pay again")

	secured := srv.AddPatron(polaristest.Patron{Secured: true, Charges: []polaristest.Charge{{Amount: polaris.Cents(300)}}})
	_, err = pay(secured.ID, polaris.Cents(300), []polaris.TxnID{secured.Charges[0].TxnID}, "4219")
	if err := expect(errors.Is(err, polaris.ErrPatronSecured) && errors.Is(err, polaris.ErrNotApplied), "secured patron: %v", err); err != nil {
		return err
	}
	d.say("patron %d's record is secured -> 409, errors.Is(err, polaris.ErrPatronSecured), not applied", secured.ID)

	over := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(300)}}})
	_, err = pay(over.ID, polaris.Cents(500), []polaris.TxnID{over.Charges[0].TxnID}, "4219")
	var e *polaris.Error
	if err := expect(errors.As(err, &e) && e.StatusCode == 400 && errors.Is(err, polaris.ErrNotApplied), "overpayment: %v", err); err != nil {
		return err
	}
	d.say("5.00 for a charge of 3.00 without overpayment=true -> %d %q, not applied", e.StatusCode, e.Message)

	wf := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70), HoldNotice: true})
	d.say("a checkout starts workflow %s and asks %q", wf.WorkflowRequestGUID, wf.Prompt.Message)
	var werr error
	for werr == nil && !wf.Done() {
		answer := wf.Answer(polaris.PromptYes)
		if wf.Prompt.WorkflowPromptID == polaristest.PaymentPromptID {
			answer = wf.Answer(polaris.PromptContinue)
			answer.ReplyExtension = polaris.ReplyExtension{WorkflowReplyExtensionType: 3, Data: polaris.ReplyData{
				ProcChargeTxnCodeID: polaris.Payment, ProcTransAmount: polaris.Cents(100),
				OVDChargeTxnCodeID: polaris.Payment, OVDTransAmount: polaris.Cents(70), PayMethod: polaris.CreditCard,
				CreditCardPaymentData: polaris.CreditCardPaymentData{TxnAmount: polaris.Cents(170), TxnStatus: "Finished", Error: "OK", CCDigits: "4219"},
			}}
		}
		d.detail("AnswerWorkflow: prompt %d answered %s", answer.WorkflowPromptID, answer.WorkflowPromptResult)
		wf, werr = client.AnswerWorkflow(ctx, answer)
		if werr == nil && !wf.Done() {
			d.detail("next prompt: %q", wf.Prompt.Message)
		}
	}
	if err := expect(werr == nil && wf.Status == polaris.CompletedSuccessfully, "workflow: %v", werr); err != nil {
		return err
	}
	d.say("the workflow is done: %s, %q (charges 1.70 recorded: patron %d has %d payments)", wf.Status, wf.InformationMessages[0].Message, p.ID, srv.Applied(p.ID))

	cut := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(900)}}})
	key := strconv.FormatInt(int64(cut.ID), 10)
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: key, Action: polaristest.DropAfterApply})
	_, err = client.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
		PatronID: cut.ID, TxnAmount: polaris.Cents(500), MainTxnIDs: []polaris.TxnID{cut.Charges[0].TxnID}, PaymentMethod: polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{TxnAmount: polaris.Cents(500), TxnStatus: "Finished", Error: "OK", CCDigits: "4219"},
		OwedBefore:            map[polaris.TxnID]polaris.Amount{cut.Charges[0].TxnID: polaris.Cents(900)},
	})
	if err := expect(errors.Is(err, polaris.ErrOutcomeUnknown) && errors.As(err, &e), "cut payment: %v", err); err != nil {
		return err
	}
	d.say("Polaris records 5.00 of patron %d's 9.00, then the connection drops -> errors.Is(err, polaris.ErrOutcomeUnknown), not resent", cut.ID)
	d.detail("reconcile: %s", e.Reconcile)
	hint, ok := polaris.SettleRequestOf(err)
	if err := expect(ok, "cut payment without a settle request: %v", err); err != nil {
		return err
	}
	stored, err := json.Marshal(hint)
	if err != nil {
		return err
	}
	d.detail("the error carries what settles it (OwedBefore was set), for an outbox to store: %s", stored)
	settled, err := client.Settle(ctx, hint)
	if err != nil {
		return err
	}
	if err := expect(settled.Status == polaris.SettleApplied && !settled.AmountDiffers, "settle: %+v", settled); err != nil {
		return err
	}
	d.say("Settle: %s, charge %d went down by %s (amount differs: %t): never pay it again", settled.Status, cut.Charges[0].TxnID, settled.Recorded, settled.AmountDiffers)
	fines, err := client.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: cut.ID})
	if err != nil {
		return err
	}
	owed, listed := fines.Outstanding(cut.Charges[0].TxnID)
	if err := expect(listed && owed == polaris.Cents(400), "charge %d still owes %s", cut.Charges[0].TxnID, owed); err != nil {
		return err
	}
	d.detail("GetFinesAndFees(%d) shows what Settle read: charge %d owes %s of 9.00: the 5.00 was recorded once", cut.ID, cut.Charges[0].TxnID, owed)

	srv.ExpireTokens()
	if _, err := client.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID}); err != nil {
		return err
	}
	d.say("Polaris expires the token -> 401, one staff login more, call resent (logins: %d)", srv.Logins())

	_, err = pay(over.ID, polaris.Cents(300), []polaris.TxnID{over.Charges[0].TxnID}, "4111111111111111")
	if err := expect(errors.As(err, &e) && len(e.Fields) == 1 && e.Method == "", "full card number: %v", err); err != nil {
		return err
	}
	d.say("a full card number in CCDigits is refused before sending -> %v", err)
	return expect(len(srv.Ledger()) == 4 && srv.Logins() == 2, "ledger %d, logins %d", len(srv.Ledger()), srv.Logins())
}
