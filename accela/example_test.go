package accela_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/jarcoal/httpmock"
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

// httpmock can stand in for Accela too, for exact request checks.
func ExampleWithHTTPClient() {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL,
		httpmock.NewStringResponder(200, `{"access_token":"tok-1","expires_in":"900","refresh_token":"r-1"}`))
	httpmock.RegisterResponder(http.MethodGet, accela.DefaultBaseURL+"/v4/records/R-1/payments",
		httpmock.NewStringResponder(200, `{"result":[{"id":7,"amount":12.5,"transactionId":322931}],"status":200}`))

	client, _ := accela.New(accela.Config{AppID: "app", AppSecret: "s", UserName: "u", Password: "p"}, accela.WithHTTPClient(hc))
	list, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(list.Result[0].Amount, list.Result[0].TransactionID, err, httpmock.GetTotalCallCount())
	// Output: 12.5 322931 <nil> 2
}

func ExampleWithLogger() {
	srv, _ := startFake()
	defer srv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		// Drop the varying attributes so the example's output is stable.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "host":
				return slog.Attr{}
			}
			return a
		},
	}))
	client, _ := accela.New(srv.Config(), accela.WithLogger(logger))
	_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "TACOMA-03HST-00000-002UD"})
	// Output:
	// level=INFO msg="datapump http" partner=accela op=Token method=POST path=/auth/oauth2/token status=200 attempt=1
	// level=INFO msg="datapump http" partner=accela op=ListRecordPayments method=GET path=/apis/v4/records/TACOMA-03HST-00000-002UD/payments status=200 attempt=1
}

func ExampleWithRetryPolicy() {
	srv, _ := startFake()
	defer srv.Close()
	// Reads and logins are retried; a commit only if it provably never left.
	client, _ := accela.New(srv.Config(), accela.WithRetryPolicy(accela.RetryPolicy{
		MaxAttempts: 4, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}))
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Status: 503, Times: 3})
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "TACOMA-03HST-00000-002UD"})
	fmt.Println(err, srv.Calls(accelatest.EndpointListPayments))
	// Output: <nil> 4
}
