package main

import (
	"context"
	"errors"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
)

func citrusDemo(ctx context.Context, d *demo) error {
	d.section("citrus: Citrus County FL cashiering (IPS)")
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	const ref, declined = "1018-8E6F2386C545776F754F350683BD5DC8", "1019-DECLINED"
	srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(5000), Payer: "Jane Citizen"})
	srv.AddInvoice(citrustest.Invoice{BillerReference: declined, Amount: citrus.Cents(1250), Decline: true})
	d.say("started a fake IPS at %s with an invoice %s for 50.00", srv.URL(), ref)

	client, err := citrus.New(srv.Config(), citrus.WithLogger(d.log))
	if err != nil {
		return err
	}
	d.say("citrus.New with the fake's DEV URL and credentials")

	res, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: ref, Amount: citrus.Cents(5000)})
	if err != nil {
		return err
	}
	d.say("PostPayment(%q): applied", ref)
	d.detail("transaction %d for %s, status %s, receipt %s, amount %s",
		res.Transaction.ID, res.Transaction.TransactionPayer, res.Transaction.Status, res.Transaction.ReceiptNumber, res.Transaction.TransactionAmount)
	d.detail("the SDK logged in first: %d login, session sent as ss-id/ss-pid cookies", srv.Logins())

	if _, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: ref, Amount: citrus.Cents(5000)}); err != nil {
		return err
	}
	d.say("PostPayment again with the same BillerReference: IPS answers with the transaction it holds (fake: %d posts received, applied %d time)", srv.Received(ref), srv.Applied(ref))
	if err := expect(srv.Applied(ref) == 1 && srv.Received(ref) == 2, "applied %d, received %d", srv.Applied(ref), srv.Received(ref)); err != nil {
		return err
	}

	res, err = client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: declined})
	if err := expect(errors.Is(err, citrus.ErrNotApplied) && res != nil && !res.Success, "declined invoice: %v", err); err != nil {
		return err
	}
	d.say("PostPayment(%q): IPS answered success:false -> errors.Is(err, citrus.ErrNotApplied)", declined)
	d.detail("%v", err)

	_, err = client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: ""})
	var e *citrus.Error
	if err := expect(errors.As(err, &e) && len(e.Fields) == 1 && !errors.Is(err, citrus.ErrTemporary), "empty BillerReference: %v", err); err != nil {
		return err
	}
	d.say("PostPayment(\"\"): refused before sending -> %v", err)

	srv.AddInvoice(citrustest.Invoice{BillerReference: "1020-CUT", Amount: citrus.Cents(7500)})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "1020-CUT", Action: citrustest.DropAfterApply})
	_, err = client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: "1020-CUT"})
	if err := expect(errors.Is(err, citrus.ErrOutcomeUnknown) && errors.As(err, &e), "cut connection: %v", err); err != nil {
		return err
	}
	d.say("IPS applies 1020-CUT, then the connection drops -> errors.Is(err, citrus.ErrOutcomeUnknown), not resent")
	d.detail("reconcile: %s", e.Reconcile)
	hint, _ := citrus.SettleRequestOf(err)
	_, serr := client.Settle(ctx, hint)
	if err := expect(errors.Is(serr, citrus.ErrNoReadBack), "settle: %v", serr); err != nil {
		return err
	}
	d.detail("Settle(%s) -> errors.Is(err, citrus.ErrNoReadBack): IPS cannot be read back, a person asks the county", hint.BillerReference)
	d.detail("the fake's ledger confirms it was applied: applied %d time(s)", srv.Applied("1020-CUT"))

	srv.ExpireSessions()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1021-AFTER-EXPIRY", Amount: citrus.Cents(990)})
	if _, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: "1021-AFTER-EXPIRY"}); err != nil {
		return err
	}
	d.say("IPS sessions expire -> the next post gets 401, logs in once more and is resent: logins now %d", srv.Logins())
	return expect(srv.Logins() == 2 && len(srv.Ledger()) == 3, "logins %d, ledger %d", srv.Logins(), len(srv.Ledger()))
}
