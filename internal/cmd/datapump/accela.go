package main

import (
	"context"
	"errors"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
)

func accelaDemo(ctx context.Context, d *demo) error {
	d.section("accela: Accela Civic Platform, Construct API v4")
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	const record = "TACOMA-03HST-00000-002UD"
	srv.AddRecord(accelatest.Record{ID: record, CustomID: "BLD2003-01115"})
	d.say("started a fake Accela at %s (token endpoint %s) with record %s", srv.URL(), srv.TokenURL(), record)

	client, err := accela.New(srv.Config(), accela.WithLogger(d.log))
	if err != nil {
		return err
	}
	d.say("accela.New with the fake's app id, agency %s and password-grant user", srv.Config().Agency)

	initialize := func() (accela.ID, error) {
		res, err := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{record}, PaymentMethod: accela.CreditCard})
		if err != nil {
			return "", err
		}
		return res.TransactionID, nil
	}
	commit := func(txn accela.ID, amount string) (*accela.CommitPaymentResult, error) {
		a, err := accela.ParseAmount(amount)
		if err != nil {
			return nil, err
		}
		return client.CommitPayment(ctx, &accela.CommitPaymentRequest{
			TransactionID: txn, RecordIDs: []string{record}, Amount: a, PaymentMethod: accela.CreditCard,
			PaymentSystemTransactionID: "citypay-" + string(txn),
			CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
		})
	}

	txn, err := initialize()
	if err != nil {
		return err
	}
	d.say("InitializePayment(%s): transaction %s (the SDK fetched a token first: %d password grant)", record, txn, srv.Grants("password"))

	res, err := commit(txn, "100.50")
	if err != nil {
		return err
	}
	p := res.Payments[0]
	d.say("CommitPayment(%s, 100.50): applied", txn)
	d.detail("payment %s, receipt %s, status %s, record %s (%s)", p.PaymentID, p.ReceiptID, p.PaymentStatus, p.RecordID.ID, p.CustomID)

	_, err = commit(txn, "100.50")
	if err := expect(errors.Is(err, accela.ErrAlreadyApplied), "second commit: %v", err); err != nil {
		return err
	}
	d.say("CommitPayment(%s) again: Accela refuses a second commit -> errors.Is(err, accela.ErrAlreadyApplied): the first stands, never pay again", txn)

	txn2, err := initialize()
	if err != nil {
		return err
	}
	srv.SetPaymentEnabled(false)
	_, err = commit(txn2, "25.00")
	var e *accela.Error
	if err := expect(errors.As(err, &e) && e.StatusCode == 403 && errors.Is(err, accela.ErrNotApplied), "payment disabled: %v", err); err != nil {
		return err
	}
	d.say("the agency has not enabled Payment Enabled -> %d %s, not applied (trace id %s)", e.StatusCode, e.Code, e.TraceID)
	srv.SetPaymentEnabled(true)

	srv.FailNextScript(accelatest.ScriptAfter)
	res, err = commit(txn2, "25.00")
	if err := expect(err == nil && res.ScriptFailed(), "after-script: %v", err); err != nil {
		return err
	}
	d.say("an agency script fails after the commit -> applied anyway, ScriptFailed() reports %q", res.ScriptMessage)

	txn3, err := initialize()
	if err != nil {
		return err
	}
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn3), Action: accelatest.DropAfterApply})
	_, err = commit(txn3, "75.00")
	if err := expect(errors.Is(err, accela.ErrOutcomeUnknown) && errors.As(err, &e), "cut commit: %v", err); err != nil {
		return err
	}
	d.say("Accela applies %s, then the connection drops -> errors.Is(err, accela.ErrOutcomeUnknown), not resent", txn3)
	d.detail("reconcile: %s", e.Reconcile)
	hint, ok := accela.SettleRequestOf(err)
	if err := expect(ok, "no settle request on the unknown commit"); err != nil {
		return err
	}
	settled, err := client.Settle(ctx, hint)
	if err != nil {
		return err
	}
	if err := expect(settled.Status == accela.SettleApplied && !settled.AmountDiffers, "settled %v", settled.Status); err != nil {
		return err
	}
	d.detail("Settle(transaction %s, records %v) reads the records back: %s, payment %s for %s: it is not committed again",
		hint.TransactionID, hint.RecordIDs, settled.Status, settled.Payments[0].ID, settled.Recorded)

	srv.ExpireTokens()
	if _, err := client.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: record}); err != nil {
		return err
	}
	d.say("Accela expires the token -> 401 token_expired, one refresh_token grant, call resent (grants: %d password, %d refresh)",
		srv.Grants("password"), srv.Grants("refresh_token"))

	_, err = client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: txn3, Amount: accela.Cents(100), PaymentMethod: accela.CreditCard, PaymentSystemTransactionID: "x",
		CreditCard: &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "4111111111111111"},
	})
	if err := expect(errors.As(err, &e) && len(e.Fields) == 1 && e.Method == "", "full card number: %v", err); err != nil {
		return err
	}
	d.say("a full card number in CardNumberLastDigits is refused before sending -> %v", err)
	return expect(len(srv.Ledger()) == 3, "ledger has %d payments, want 3", len(srv.Ledger()))
}
