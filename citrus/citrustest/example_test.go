package citrustest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
)

func ExampleNewServer() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})

	client, _ := citrus.New(srv.Config())
	_, err := client.PostPayment(context.Background(), "1018-AB")
	fmt.Println("err:", err)

	for _, p := range srv.Ledger() {
		fmt.Println("applied:", p.BillerReference, p.Amount)
	}
	fmt.Println("logins:", srv.Logins(), "callbacks:", srv.Calls(citrustest.EndpointCallback))
	// Output:
	// err: <nil>
	// applied: 1018-AB 50.00
	// logins: 1 callbacks: 1
}

func ExampleServer_Inject() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())

	// IPS fails with 500: the payment may or may not have been applied.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 500})
	_, err := client.PostPayment(context.Background(), "1018-AB")
	var e *citrus.Error
	if errors.As(err, &e) {
		fmt.Println("status:", e.StatusCode, "unknown:", errors.Is(err, citrus.ErrOutcomeUnknown))
	}
	fmt.Println("ledger entries:", len(srv.Ledger()))
	// Output:
	// status: 500 unknown: true
	// ledger entries: 0
}

func ExampleServer_ExpireSessions() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "A", Amount: citrus.Cents(100)})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "B", Amount: citrus.Cents(200)})
	client, _ := citrus.New(srv.Config())

	_, _ = client.PostPayment(context.Background(), "A")
	srv.ExpireSessions() // the next post gets 401, logs in again and is resent once
	_, err := client.PostPayment(context.Background(), "B")
	fmt.Println(err, srv.Logins(), len(srv.Ledger()))
	// Output:
	// <nil> 2 2
}
