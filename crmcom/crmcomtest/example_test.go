package crmcomtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
)

func pay(invoice crmcom.ID) *crmcom.PayInvoiceRequest {
	return &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Invoice:            crmcom.InvoiceIdentifier{Number: invoice},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit},
	}
}

func ExampleNewServer() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192", Name: "Peter Johnson Premium"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I00000294", Amount: crmcom.Cents(13800)})

	client, _ := crmcom.New(srv.Config())
	res, err := client.PayInvoice(context.Background(), pay("I00000294"))
	fmt.Println(res.Payment.PaymentAmount, err)

	ledger := srv.Ledger()
	fmt.Println(len(ledger), ledger[0].ID == res.Payment.ID, ledger[0].Invoices, srv.Applied("I00000294"))
	left, _ := srv.Outstanding("I00000294")
	fmt.Println("outstanding:", left, "logins:", srv.Logins())
	// Output:
	// 138.00 <nil>
	// 1 true [I00000294] 1
	// outstanding: 0.00 logins: 1
}

func ExampleServer_Inject() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(5000)})
	// CRM.COM applies the payment, then answers 500.
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I-1", Action: crmcomtest.FailAfterApply})

	client, _ := crmcom.New(srv.Config())
	_, err := client.PayInvoice(context.Background(), pay("I-1"))
	fmt.Println(errors.Is(err, crmcom.ErrOutcomeUnknown), srv.Applied("I-1"), srv.CallsFor(crmcomtest.EndpointPayInvoice, "I-1"))
	// Output: true 1 1
}

func ExampleServer_ExpireTokens() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	_ = client.Login(ctx)

	srv.ExpireTokens()
	_, err := client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 1,
	})
	fmt.Println(err, "logins:", srv.Logins(), "calls:", srv.Calls(crmcomtest.EndpointGetLatest))
	// Output: <nil> logins: 2 calls: 2
}

func ExampleServer_SetReadLag() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(5000)})
	srv.SetReadLag(100 * time.Millisecond)
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	_, _ = client.PayInvoice(ctx, pay("I-1"))

	latest := func() int {
		res, _ := client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 5,
		})
		return len(res.Payments)
	}
	fmt.Println(latest())
	time.Sleep(150 * time.Millisecond)
	fmt.Println(latest())
	// Output:
	// 0
	// 1
}

func ExampleServer_KeyConfig() {
	srv := crmcomtest.NewServer(crmcomtest.Options{JWT: true})
	defer srv.Close()
	client, _ := crmcom.New(srv.KeyConfig())
	fmt.Println(client.Login(context.Background()), srv.Calls(crmcomtest.EndpointWebAPIKeyLogin))
	// Output: <nil> 1
}

func ExampleServer_AddCard() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(5000)})
	srv.AddCard("192", "card_15S0w0E0IcJRGs11e6ffmDXK")
	client, _ := crmcom.New(srv.Config())

	req := pay("I-1")
	req.PaymentMethod = crmcom.PaymentMethodIdentifier{Name: crmcomtest.GatewayMethod}
	req.Card = crmcom.CardIdentifier{PaymentGatewayReferenceNumber: "card_15S0w0E0IcJRGs11e6ffmDXK"}
	res, err := client.PayInvoice(context.Background(), req)
	fmt.Println(res.Payment.ProcessedByPaymentGateway, err)
	// Output: STRIPE <nil>
}

// started returns a fake with account 192 and its invoice I-1 of 50.00.
func started() *crmcomtest.Server {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(5000)})
	return srv
}

func ExampleServer_AddAccount() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{ID: "2C5FC6F615FA9E798487AC0C293ECCE6", Number: "192", Name: "Peter Johnson Premium"})
	client, _ := crmcom.New(srv.Config())
	_, err := client.ListPayments(context.Background(), &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Name: "Peter Johnson Premium"},
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleServer_AddInvoice() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "192"})
	// Partly paid already: 30.00 of 138.00 left.
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I00000294", ReferenceNumber: "322",
		Amount: crmcom.Cents(13800), Outstanding: crmcom.Cents(3000)})
	client, _ := crmcom.New(srv.Config())
	req := pay("")
	req.Invoice = crmcom.InvoiceIdentifier{ReferenceNumber: "322"}
	res, _ := client.PayInvoice(context.Background(), req)
	fmt.Println(res.Payment.PaymentAmount)
	// Output: 30.00
}

func ExampleServer_AddBill() {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	srv.AddAccount(crmcomtest.Account{Number: "186"})
	srv.AddBill(crmcomtest.Bill{Account: "186", Number: "128", Amount: crmcom.Cents(10000)})
	left, ok := srv.Outstanding("128")
	fmt.Println(left, ok)
	// Output: 100.00 true
}

func ExampleServer_Applied() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	_, err := client.PayInvoice(context.Background(), pay("I-1"))
	fmt.Println(srv.Applied("I-1"), errors.Is(err, crmcom.ErrAlreadyApplied))
	// Output: 1 true
}

func ExampleServer_Calls() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	fmt.Println(srv.Calls(crmcomtest.EndpointLogin), srv.Calls(crmcomtest.EndpointPayInvoice))
	// Output: 1 2
}

func ExampleServer_CallsFor() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	_, _ = client.PayInvoice(context.Background(), pay("I-2"))
	fmt.Println(srv.CallsFor(crmcomtest.EndpointPayInvoice, "I-1"), srv.CallsFor(crmcomtest.EndpointPayInvoice, "I-2"))
	// Output: 1 1
}

func ExampleServer_CertPool() {
	srv := crmcomtest.NewServer(crmcomtest.Options{TLS: true})
	defer srv.Close()
	fmt.Println(srv.CertPool() != nil, srv.URL()[:8])
	// Output: true https://
}

func ExampleServer_ClearFaults() {
	srv := started()
	defer srv.Close()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointLogin, Action: crmcomtest.Refuse, Status: 500, Times: crmcomtest.Forever})
	srv.ClearFaults()
	client, _ := crmcom.New(srv.Config())
	fmt.Println(client.Login(context.Background()))
	// Output: <nil>
}

func ExampleServer_Close() {
	srv := started()
	srv.Close()
	client, _ := crmcom.New(srv.Config())
	err := client.Login(context.Background())
	fmt.Println(errors.Is(err, crmcom.ErrNotApplied))
	// Output: true
}

func ExampleServer_Config() {
	srv := crmcomtest.NewServer(crmcomtest.Options{Username: "payments", Organisation: "Town Library"})
	defer srv.Close()
	cfg := srv.Config()
	fmt.Println(cfg.Username, cfg.Organisation, cfg.Password, cfg.Location)
	// Output: payments Town Library REDACTED UTC
}

func ExampleServer_IssuedSecrets() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_, err := client.PayInvoice(context.Background(), pay("no-such-invoice"))
	token := srv.IssuedSecrets()[0]
	fmt.Println(len(srv.IssuedSecrets()), err != nil, strings.Contains(err.Error(), token))
	// Output: 1 true false
}

func ExampleServer_Ledger() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	res, _ := client.PayInvoice(context.Background(), pay("I-1"))
	p := srv.Ledger()[0]
	fmt.Println(p.ID == res.Payment.ID, p.State, p.Amount, p.Account, p.Invoices, p.Method)
	// Output: true POSTED 50.00 192 [I-1] Direct Debit
}

func ExampleServer_LiveTokens() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_ = client.Login(context.Background())
	fmt.Println(srv.LiveTokens())
	// Output: 1
}

func ExampleServer_Logins() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	for range 3 {
		_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	}
	fmt.Println(srv.Logins(), "login for three calls")
	// Output: 1 login for three calls
}

func ExampleServer_NewConns() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	for range 3 {
		_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	}
	fmt.Println(srv.NewConns(), "connection, reused")
	// Output: 1 connection, reused
}

func ExampleServer_Outstanding() {
	srv := started()
	defer srv.Close()
	before, _ := srv.Outstanding("I-1")
	client, _ := crmcom.New(srv.Config())
	_, _ = client.PayInvoice(context.Background(), pay("I-1"))
	after, _ := srv.Outstanding("I-1")
	_, known := srv.Outstanding("I-404")
	fmt.Println(before, after, known)
	// Output: 50.00 0.00 false
}

func ExampleServer_Releases() {
	srv := started()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	_ = client.Login(context.Background())
	_ = client.Close(context.Background())
	fmt.Println(srv.Releases(), srv.LiveTokens())
	// Output: 1 0
}

func ExampleServer_SetIdleTimeout() {
	srv := started()
	defer srv.Close()
	srv.SetIdleTimeout(20 * time.Millisecond)
	client, _ := crmcom.New(srv.Config()) // its IdleLifetime is an hour: CRM.COM refuses the idle token
	ctx := context.Background()
	_ = client.Login(ctx)
	time.Sleep(50 * time.Millisecond)
	_, err := client.PayInvoice(ctx, pay("I-1"))
	fmt.Println(err, srv.Logins(), srv.CallsFor(crmcomtest.EndpointPayInvoice, "I-1"))
	// Output: <nil> 2 2
}

func ExampleServer_SetTokenLifetime() {
	srv := crmcomtest.NewServer(crmcomtest.Options{JWT: true})
	defer srv.Close()
	srv.SetTokenLifetime(30 * time.Minute)
	client, _ := crmcom.New(srv.Config())
	fmt.Println(client.Login(context.Background()), srv.LiveTokens())
	// Output: <nil> 1
}

func ExampleServer_URL() {
	srv := started()
	defer srv.Close()
	fmt.Println(srv.URL()[len(srv.URL())-len(crmcomtest.BasePath):])
	// Output: /crmapi/rest/v2
}
