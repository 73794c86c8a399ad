package main

import (
	"context"
	"errors"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
)

func oraclepscDemo(ctx context.Context, d *demo) error {
	d.section("oraclepsc: Oracle Fusion Public Sector Community Development (checkout payments)")
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	checkout := srv.NewCheckout()
	d.say("started a fake Oracle pod at %s with checkout %s", srv.URL(), checkout)

	client, err := oraclepsc.New(srv.Config(), oraclepsc.WithLogger(d.log))
	if err != nil {
		return err
	}
	d.say("oraclepsc.New with the pod's URL and HTTP Basic credentials (REST-Framework-Version %d pinned)", oraclepsc.DefaultFrameworkVersion)

	amount, err := oraclepsc.ParseAmount("100.50")
	if err != nil {
		return err
	}
	payment := func(ref oraclepsc.PaymentReferenceID) *oraclepsc.CreateCheckoutPaymentRequest {
		return &oraclepsc.CreateCheckoutPaymentRequest{
			CheckoutID: checkout, PaymentReferenceID: ref, LineAmount: amount, TotalTendAmount: amount,
			PaymentCurrency: "USD", PaymentMethodCode: "CARD", PayerName: "Jane Q. Citizen",
		}
	}
	newRef := func() (oraclepsc.PaymentReferenceID, error) { return oraclepsc.NewPaymentReferenceID("CPAY") }

	ref, err := newRef()
	if err != nil {
		return err
	}
	res, err := client.CreateCheckoutPayment(ctx, payment(ref))
	if err != nil {
		return err
	}
	d.say("CreateCheckoutPayment(%s, %s): applied (HTTP 201, created %v)", ref, amount, res.Created)
	d.detail("Oracle's CheckoutPmtId %d, %d links (self, canonical, parent), ETag and Location headers", res.Payment.CheckoutPmtID, len(res.Payment.Links))

	// A CheckoutPmtID of the caller's choosing makes a repeat detectable.
	dup := payment("")
	if dup.PaymentReferenceID, err = newRef(); err != nil {
		return err
	}
	dup.CheckoutPmtID = 300000812345678
	if _, err := client.CreateCheckoutPayment(ctx, dup); err != nil {
		return err
	}
	_, err = client.CreateCheckoutPayment(ctx, dup)
	var e *oraclepsc.Error
	if err := expect(errors.Is(err, oraclepsc.ErrAlreadyApplied) && errors.As(err, &e), "duplicate: %v", err); err != nil {
		return err
	}
	d.say("the same create with CheckoutPmtId %d again: Oracle refuses the duplicate key (%d %s) -> errors.Is(err, oraclepsc.ErrAlreadyApplied): recorded once, never create it again",
		dup.CheckoutPmtID, e.StatusCode, e.Code)

	// An upsert with the caller's id is safe to repeat: the SDK retries it.
	up := payment("")
	if up.PaymentReferenceID, err = newRef(); err != nil {
		return err
	}
	up.CheckoutPmtID, up.Upsert = 300000812345679, true
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: string(up.PaymentReferenceID), Action: oraclepsctest.DropAfterApply})
	res, err = client.CreateCheckoutPayment(ctx, up)
	if err := expect(err == nil && !res.Created && srv.Applied(up.PaymentReferenceID) == 1, "upsert: %v", err); err != nil {
		return err
	}
	d.say("an upsert (Upsert-Mode: true, CheckoutPmtId %d): Oracle applies it, the connection drops, the SDK resends it by itself", up.CheckoutPmtID)
	d.detail("the resend updated the row (HTTP 200, created %v): %d row in the fake's ledger for it", res.Created, srv.Applied(up.PaymentReferenceID))

	// A plain create cut off after Oracle applied it is an unknown outcome.
	cut, err := newRef()
	if err != nil {
		return err
	}
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: string(cut), Action: oraclepsctest.DropAfterApply})
	_, err = client.CreateCheckoutPayment(ctx, payment(cut))
	if err := expect(errors.Is(err, oraclepsc.ErrOutcomeUnknown) && errors.As(err, &e), "cut create: %v", err); err != nil {
		return err
	}
	d.say("a plain create: Oracle applies %s, then the connection drops -> errors.Is(err, oraclepsc.ErrOutcomeUnknown), not resent", cut)
	d.detail("reconcile: %s", e.Reconcile)
	hint, ok := oraclepsc.SettleRequestOf(err)
	if err := expect(ok, "cut create carries no settle request"); err != nil {
		return err
	}
	settled, err := client.Settle(ctx, hint)
	if err != nil {
		return err
	}
	if err := expect(settled.Status == oraclepsc.SettleApplied && len(settled.Payments) == 1 && !settled.AmountDiffers,
		"settle %s: %v", cut, settled.Status); err != nil {
		return err
	}
	d.detail("client.Settle(the error's SettleRequest: checkout, PaymentReferenceId, amount %s) -> %s as CheckoutPmtId %d, %s recorded, amount differs %v",
		hint.Amount, settled.Status, settled.Payments[0].CheckoutPmtID, settled.Recorded, settled.AmountDiffers)
	list, err := client.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{
		CheckoutID: checkout, Filter: oraclepsc.Filter{PaymentReferenceID: cut},
	})
	if err != nil {
		return err
	}
	found := list.FindReference(cut)
	if err := expect(len(found) == 1, "payment %s not found by the list", cut); err != nil {
		return err
	}
	d.detail("the same read-back by hand: ListCheckoutPayments with q=PaymentReferenceId='%s' finds CheckoutPmtId %d: it was applied, so it is not created again", cut, found[0].CheckoutPmtID)

	bad := payment(ref)
	bad.Description = "paid with card 4111 1111 1111 1111"
	bad.CheckName = "a name far longer than the one hundred characters Oracle keeps for the name printed on a check, so it is refused"
	_, err = client.CreateCheckoutPayment(ctx, bad)
	if err := expect(errors.As(err, &e) && len(e.Fields) == 2 && e.Method == "", "invalid input: %v", err); err != nil {
		return err
	}
	d.say("a card number in Description and an over-long CheckName are refused before sending -> %v", err)

	total, pages := oraclepsc.Amount{}, srv.Calls(oraclepsctest.EndpointList)
	for p, err := range client.AllCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 2}) {
		if err != nil {
			return err
		}
		if total, err = total.Add(p.LineAmount); err != nil {
			return err
		}
	}
	d.say("AllCheckoutPayments walks the checkout in pages of 2: %d payments, %s in all, %d pages",
		len(srv.Ledger()), total, srv.Calls(oraclepsctest.EndpointList)-pages)

	bearer, err := oraclepsc.New(srv.BearerConfig(), oraclepsc.WithLogger(d.log))
	if err != nil {
		return err
	}
	next, err := newRef()
	if err != nil {
		return err
	}
	if _, err := bearer.CreateCheckoutPayment(ctx, payment(next)); err != nil {
		return err
	}
	srv.ExpireTokens()
	if next, err = newRef(); err != nil {
		return err
	}
	if _, err := bearer.CreateCheckoutPayment(ctx, payment(next)); err != nil {
		return err
	}
	d.say("with a TokenSource (bearer JWTs from the token relay): Oracle expires the token -> 401, one new token, create resent (tokens issued: %d)", srv.Logins())
	return expect(srv.Logins() == 2 && len(srv.Ledger()) == 6, "logins %d, ledger %d", srv.Logins(), len(srv.Ledger()))
}
