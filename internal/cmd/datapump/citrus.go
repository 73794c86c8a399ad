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

	res, err := client.PostPayment(ctx, ref)
	if err != nil {
		return err
	}
	d.say("PostPayment(%q): applied", ref)
	d.detail("transaction %d for %s, status %s, receipt %s, amount %s",
		res.Transaction.ID, res.Transaction.TransactionPayer, res.Transaction.Status, res.Transaction.ReceiptNumber, res.Transaction.TransactionAmount)
	d.detail("the SDK logged in first: %d login, session sent as ss-id/ss-pid cookies", srv.Logins())

	if _, err := client.PostPayment(ctx, ref); err != nil {
		return err
	}
	d.say("PostPayment again with the same BillerReference: IPS answers, ledger still holds %d payment", len(srv.Ledger()))
	if err := expect(len(srv.Ledger()) == 1, "ledger has %d entries, want 1", len(srv.Ledger())); err != nil {
		return err
	}

	res, err = client.PostPayment(ctx, declined)
	if err := expect(errors.Is(err, citrus.ErrNotApplied) && res != nil && !res.Success, "declined invoice: %v", err); err != nil {
		return err
	}
	d.say("PostPayment(%q): IPS answered success:false -> errors.Is(err, citrus.ErrNotApplied)", declined)
	d.detail("%v", err)

	_, err = client.PostPayment(ctx, "")
	var verr *citrus.ValidationError
	if err := expect(errors.As(err, &verr), "empty BillerReference: %v", err); err != nil {
		return err
	}
	d.say("PostPayment(\"\"): refused before sending -> %v", err)

	srv.AddInvoice(citrustest.Invoice{BillerReference: "1020-CUT", Amount: citrus.Cents(7500)})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutAfterApply})
	_, err = client.PostPayment(ctx, "1020-CUT")
	var e *citrus.Error
	if err := expect(errors.Is(err, citrus.ErrOutcomeUnknown) && errors.As(err, &e), "cut connection: %v", err); err != nil {
		return err
	}
	d.say("IPS applies 1020-CUT, then the connection drops -> errors.Is(err, citrus.ErrOutcomeUnknown), not resent")
	d.detail("reconcile: %s", e.Reconcile)
	d.detail("the fake's ledger confirms it was applied: %d payments", len(srv.Ledger()))

	srv.ExpireSessions()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1021-AFTER-EXPIRY", Amount: citrus.Cents(990)})
	if _, err := client.PostPayment(ctx, "1021-AFTER-EXPIRY"); err != nil {
		return err
	}
	d.say("IPS sessions expire -> the next post gets 401, logs in once more and is resent: logins now %d", srv.Logins())
	return expect(srv.Logins() == 2 && len(srv.Ledger()) == 3, "logins %d, ledger %d", srv.Logins(), len(srv.Ledger()))
}
