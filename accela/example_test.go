package accela_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
)

// startFake stands in for Accela so the examples run anywhere.
func startFake() (*accelatest.Server, *accela.Client) {
	srv := accelatest.NewServer(accelatest.Options{})
	srv.AddRecord(accelatest.Record{ID: "TACOMA-03HST-00000-002UD", CustomID: "BLD2003-01115"})
	client, err := accela.New(srv.Config())
	if err != nil {
		panic(err)
	}
	return srv, client
}

func ExampleNew() {
	client, err := accela.New(accela.Config{
		AppID:       "636440768712345678",
		AppSecret:   "from-your-secret-store",
		Agency:      "TACOMA",
		Environment: "PROD",
		UserName:    "payments@tacoma.example",
		Password:    "from-your-secret-store",
	}, accela.WithTimeout(20*time.Second), accela.WithUserAgent("citypay/2.3"))
	fmt.Println(client != nil, err)

	_, err = accela.New(accela.Config{AppID: "636440768712345678"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// accela.New: invalid Config.AppSecret: is required
}

func ExampleClient_InitializePayment() {
	srv, client := startFake()
	defer srv.Close()

	res, err := client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{
		EntityIDs:     []string{"TACOMA-03HST-00000-002UD"},
		PaymentMethod: accela.CreditCard,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("transactions:", len(res.Result))
	// Output: transactions: 1
}

func ExampleClient_CommitPayment() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()

	ini, err := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, _ := accela.ParseAmount("100.50")
	res, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID:              string(ini.Result[0].TransactionID),
		Amount:                     amount,
		PaymentMethod:              accela.CreditCard,
		PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
		CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
	})
	switch {
	case err == nil:
		p := res.Result.CompletePayments[0]
		fmt.Println("applied:", p.PaymentStatus, p.RecordID.ID, p.CustomID)
		if res.ScriptFailed() {
			fmt.Println("tell the agency: their script failed:", res.Message)
		}
	case errors.Is(err, accela.ErrNotApplied):
		fmt.Println("not applied, fix and resend:", err)
	default:
		var e *accela.Error
		errors.As(err, &e)
		fmt.Println("outcome unknown:", e.Reconcile)
	}
	// Output: applied: Paid TACOMA-03HST-00000-002UD BLD2003-01115
}

// An agency script that fails after the commit leaves the payment applied.
func ExampleCommitPaymentResult_ScriptFailed() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})

	srv.FailNextScript(accelatest.ScriptAfter)
	res, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: string(ini.Result[0].TransactionID), Amount: accela.Cents(5000),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1001",
	})
	fmt.Println("err:", err, "script failed:", res.ScriptFailed(), "-", res.Message)
	// Output: err: <nil> script failed: true - EMSE operation failed.
}

func ExampleClient_ListRecordPayments() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})
	txn := string(ini.Result[0].TransactionID)

	// The connection drops after Accela applied the commit: outcome unknown.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Cut: accelatest.CutAfterApply})
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1002",
	})
	fmt.Println("unknown:", errors.Is(err, accela.ErrOutcomeUnknown))

	// Reconcile: is the transaction among the record's payments?
	list, err := client.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: "TACOMA-03HST-00000-002UD"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range list.Result {
		if p.TransactionID == accela.ID(txn) {
			fmt.Println("already applied:", p.Amount, p.PaymentStatus, "- do not commit again")
		}
	}
	// Output:
	// unknown: true
	// already applied: 50.00 Paid - do not commit again
}

func ExampleClient_VoidPayment() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})
	res, _ := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: string(ini.Result[0].TransactionID), Amount: accela.Cents(5000),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1003",
	})

	void, err := client.VoidPayment(ctx, &accela.VoidPaymentRequest{
		PaymentID: string(res.Result.CompletePayments[0].PaymentID),
		Comments:  "citizen paid twice",
		Reason:    &accela.VoidReason{Value: "DUP", Text: "Duplicate payment"},
	})
	fmt.Println(*void.Result.IsSuccess, err)
	// Output: true <nil>
}

func ExampleTokenSourceFunc() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})

	cfg := srv.Config()
	cfg.UserName, cfg.Password, cfg.AppSecret = "", "", ""
	// Tokens come from elsewhere, e.g. an authorization-code flow.
	cfg.TokenSource = accela.TokenSourceFunc(func(ctx context.Context) (accela.Token, error) {
		return accela.Token{AccessToken: srv.IssueToken(), Expiry: time.Now().Add(15 * time.Minute)}, nil
	})
	client, _ := accela.New(cfg)
	list, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(len(list.Result), err)
	// Output: 0 <nil>
}

func ExampleParseAmount() {
	a, err := accela.ParseAmount("100.50")
	fmt.Println(a, err, accela.Cents(250))
	// Output: 100.50 <nil> 2.50
}

func ExampleConfig_String() {
	fmt.Println(accela.Config{AppID: "app", AppSecret: "s3cret", UserName: "u", Password: "pw"})
	// Output:
	// accela.Config{BaseURL: TokenURL: AppID:app AppSecret:REDACTED Agency: Environment: UserName:u Password:REDACTED Scope: TokenSource:false}
}
