package accelatest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
)

func ExampleNewServer() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "TACOMA-03HST-00000-002UD"})

	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: string(ini.Result[0].TransactionID), Amount: accela.Cents(12550),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1",
	})
	fmt.Println("err:", err)
	for _, p := range srv.Ledger() {
		fmt.Println("applied:", p.RecordID, p.Amount, p.PaymentMethod)
	}
	fmt.Println("password grants:", srv.Grants("password"))
	// Output:
	// err: <nil>
	// applied: TACOMA-03HST-00000-002UD 125.50 Check
	// password grants: 1
}

func ExampleServer_SetPaymentEnabled() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"R-1"}})

	srv.SetPaymentEnabled(false)
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: string(ini.Result[0].TransactionID), Amount: accela.Cents(100),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-2",
	})
	var e *accela.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code, errors.Is(err, accela.ErrNotApplied))
	}
	// Output: 403 forbidden true
}

func ExampleServer_ExpireTokens() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	list := func() error {
		_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		return err
	}

	_ = list()
	srv.ExpireTokens() // the next call gets 401 token_expired, refreshes once and is resent
	fmt.Println(list(), srv.Grants("password"), srv.Grants("refresh_token"))
	// Output: <nil> 1 1
}
