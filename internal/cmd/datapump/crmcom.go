package main

import (
	"context"
	"errors"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
)

func crmcomDemo(ctx context.Context, d *demo) error {
	d.section("crmcom: CRM.COM Web API v2, payments")
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	const account, invoice, cut = "192", "I00000294", "I00000295"
	srv.AddAccount(crmcomtest.Account{Number: account, Name: "Peter Johnson Premium"})
	srv.AddInvoice(crmcomtest.Invoice{Account: account, Number: invoice, Amount: crmcom.Cents(13800)})
	srv.AddInvoice(crmcomtest.Invoice{Account: account, Number: cut, Amount: crmcom.Cents(6000)})
	d.say("started a fake CRM.COM at %s with accounts receivable %s and invoices %s (138.00) and %s (60.00)", srv.URL(), account, invoice, cut)

	client, err := crmcom.New(srv.Config(), crmcom.WithLogger(d.log))
	if err != nil {
		return err
	}
	d.say("crmcom.New with the fake's URL, username, password and organisation")

	pay := func(number crmcom.ID, charged int64) (*crmcom.PayResult, error) {
		return client.PayInvoice(ctx, &crmcom.PayInvoiceRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: account},
			Invoice:            crmcom.InvoiceIdentifier{Number: number},
			Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType},
			PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit},
			ExpectedAmount:     crmcom.Cents(charged),
		})
	}
	res, err := pay(invoice, 13800)
	if err != nil {
		return err
	}
	d.say("PayInvoice(%s): applied, CRM.COM paid the whole outstanding amount", invoice)
	d.detail("payment number %s, reference %s, %s, %s (the SDK logged in first: %d login, the token in the JSON body)",
		res.Payment.Number, res.Payment.ReferenceNumber, res.Payment.PaymentAmount, res.Payment.LifeCycleState, srv.Logins())

	_, err = pay(invoice, 13800)
	var e *crmcom.Error
	if err := expect(errors.Is(err, crmcom.ErrAlreadyApplied) && errors.As(err, &e), "second pay: %v", err); err != nil {
		return err
	}
	d.say("PayInvoice(%s) again: CRM.COM answers %s -> errors.Is(err, crmcom.ErrAlreadyApplied): never pay it again", invoice, e.Code)

	draft, err := client.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: account},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.OtherPaymentType},
		LifeCycleState:     crmcom.Draft,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.BankTransfer},
		PaymentAmount:      crmcom.Cents(2500),
		UserDefinedFields:  crmcom.UserDefinedFields{UDFString1: "order-7731"},
	})
	if err != nil {
		return err
	}
	posted, err := client.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: draft.Identifier()})
	if err != nil {
		return err
	}
	d.say("CreatePayment(25.00, DRAFT), then PostPayment: %s -> %s, number %s", draft.LifeCycleState, posted.LifeCycleState, posted.Number)
	cancelled, err := client.CancelPayment(ctx, &crmcom.CancelPaymentRequest{
		Payment: posted.Identifier(), Type: crmcom.TypeIdentifier{Name: crmcomtest.CancellationType},
	})
	if err != nil {
		return err
	}
	_, err = client.RejectPayment(ctx, &crmcom.RejectPaymentRequest{
		Payment: posted.Identifier(), RejectionReason: crmcom.RejectionReasonIdentifier{Name: crmcomtest.RejectionReason},
	})
	if err := expect(errors.Is(err, crmcom.ErrNotApplied) && errors.As(err, &e), "reject a cancelled payment: %v", err); err != nil {
		return err
	}
	d.say("CancelPayment: cancellation %s of %s posted; RejectPayment of the cancelled payment -> %s, not applied", cancelled.Cancellation.Number, cancelled.Cancellation.PaymentAmount, e.Code)

	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: cut, Action: crmcomtest.DropAfterApply})
	_, err = pay(cut, 6000)
	if err := expect(errors.Is(err, crmcom.ErrOutcomeUnknown) && errors.As(err, &e), "cut pay: %v", err); err != nil {
		return err
	}
	d.say("CRM.COM pays %s, then the connection drops -> errors.Is(err, crmcom.ErrOutcomeUnknown), not resent", cut)
	d.detail("reconcile: %s", e.Reconcile)
	hint, ok := crmcom.SettleRequestOf(err)
	if err := expect(ok, "cut pay without a settle request: %v", err); err != nil {
		return err
	}
	settled, err := client.Settle(ctx, hint)
	if err != nil {
		return err
	}
	if err := expect(settled.Status == crmcom.SettleApplied && len(settled.Payments) == 1 && !settled.AmountDiffers, "settled %+v", settled); err != nil {
		return err
	}
	d.detail("Settle(SettleRequestOf(err)) (op %s, accounts receivable %s, invoice %s, %s charged; JSON for an outbox) -> %s: payment number %s, reference %s, %s recorded, differs: %t",
		hint.Op, hint.AccountsReceivable.Number, hint.Invoice.Number, hint.Amount, settled.Status,
		settled.Payments[0].Number, settled.Payments[0].ReferenceNumber, settled.Recorded, settled.AmountDiffers)
	d.detail("not showing yet would be %s until %s after sending (WithSettleGrace), then %s: pay again", crmcom.SettleUnknown, crmcom.DefaultSettleGrace, crmcom.SettleAbsent)
	latest, err := client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: account}, Number: 1,
		FieldsSet: []string{"life_cycle_state", "invoices_to_pay_set"},
	})
	if err != nil {
		return err
	}
	p := latest.Payments[0]
	if err := expect(len(p.InvoicesToPaySet) == 1 && p.InvoicesToPaySet[0].Number == cut, "latest payment %+v", p); err != nil {
		return err
	}
	d.detail("by hand: GetLatestPayments(%s) shows a %s payment of invoice %s: it was paid, so it is not paid again", account, p.LifeCycleState, cut)

	srv.ExpireTokens()
	if _, err := client.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: res.Payment.Identifier()}); err != nil {
		return err
	}
	d.say("CRM.COM ends the token -> INVALID_TOKEN, one new login, call resent (logins: %d)", srv.Logins())

	_, err = client.PayInvoice(ctx, &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: account},
		Invoice:            crmcom.InvoiceIdentifier{Number: invoice, ReferenceNumber: "322"},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit},
	})
	if err := expect(errors.As(err, &e) && len(e.Fields) == 1 && e.Method == "", "two invoice fields: %v", err); err != nil {
		return err
	}
	d.say("an invoice named by two fields is refused before sending -> %v", err)

	if err := client.Close(ctx); err != nil {
		return err
	}
	d.say("Close releases the token (releases: %d)", srv.Releases())
	return expect(len(srv.Ledger()) == 3 && srv.Logins() == 2 && srv.Releases() == 1,
		"ledger %d, logins %d, releases %d", len(srv.Ledger()), srv.Logins(), srv.Releases())
}
