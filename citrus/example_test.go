package citrus_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/jarcoal/httpmock"
)

// startFake stands in for IPS so the examples run anywhere.
func startFake() *citrustest.Server {
	srv := citrustest.NewServer(citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-8E6F2386", Amount: citrus.Cents(5000), Payer: "Jane Citizen"})
	return srv
}

func ExampleNew() {
	client, err := citrus.New(citrus.Config{
		Environment: citrus.Prod,
		ProdBaseURL: "https://ips-rest.example-county.gov/IPS-PRD-RS/api",
		UserName:    "DataPumpUser",
		Password:    "from-your-secret-store",
	},
		citrus.WithTimeout(20*time.Second),
		citrus.WithUserAgent("citypay/2.3"),
		citrus.WithRetryPolicy(citrus.DefaultRetryPolicy()),
	)
	fmt.Println(client != nil, err)

	// PROD without its URL is a configuration error, never a fall back to DEV.
	_, err = citrus.New(citrus.Config{Environment: citrus.Prod, UserName: "u", Password: "p"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// citrus.New: invalid Config.ProdBaseURL: is required when Environment is PROD (there is no default, and DEV is never used instead)
}

func ExampleClient_PostPayment() {
	srv := startFake()
	defer srv.Close()
	client, err := citrus.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}

	res, err := client.PostPayment(context.Background(), "1018-8E6F2386")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("applied:", res.Success)
	fmt.Println("payer:", res.Transaction.TransactionPayer)
	fmt.Println("amount:", res.Transaction.TransactionAmount)
	fmt.Println("status:", res.Transaction.Status)
	// Output:
	// applied: true
	// payer: Jane Citizen
	// amount: 50.00
	// status: Paid
}

// Every error says whether the payment may be posted again.
func ExampleClient_PostPayment_outcomes() {
	srv := startFake()
	defer srv.Close()
	client, _ := citrus.New(srv.Config())

	// IPS applies the payment, then the connection drops before it answers.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutAfterApply})

	_, err := client.PostPayment(context.Background(), "1018-8E6F2386")
	var e *citrus.Error
	switch {
	case err == nil:
		fmt.Println("applied")
	case errors.Is(err, citrus.ErrNotApplied):
		fmt.Println("not applied: fix and resend")
	case errors.Is(err, citrus.ErrOutcomeUnknown) && errors.As(err, &e):
		fmt.Println("outcome unknown:", e.Reconcile)
	}
	// Output:
	// outcome unknown: IPS offers no look-up call: ask the county whether the payment for this BillerReference was applied before posting it again
}

func ExampleClient_Authenticate() {
	srv := startFake()
	defer srv.Close()
	client, _ := citrus.New(srv.Config())

	auth, err := client.Authenticate(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as", auth.UserName, "session", auth.SessionID)
	// Output:
	// logged in as CitrusTestAdmin session REDACTED
}

// httpmock can stand in for IPS too, for exact request checks.
func ExampleWithHTTPClient() {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodPost, citrus.DefaultDevBaseURL+"/portal/auth",
		httpmock.NewStringResponder(200, `{"sessionId":"s-1","userName":"u","responseStatus":{}}`))
	httpmock.RegisterResponder(http.MethodPost, citrus.DefaultDevBaseURL+"/cashiering/paymentprocessing/callback/authorized",
		httpmock.NewStringResponder(200, `{"data":{"transaction":{"id":7},"success":true},"responseStatus":{}}`))

	client, _ := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"}, citrus.WithHTTPClient(hc))
	res, err := client.PostPayment(context.Background(), "7-ABC")
	fmt.Println(res.Transaction.ID, err, httpmock.GetTotalCallCount())
	// Output:
	// 7 <nil> 2
}

func ExampleWithLogger() {
	srv := startFake()
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
	client, _ := citrus.New(srv.Config(), citrus.WithLogger(logger))
	_, _ = client.PostPayment(context.Background(), "1018-8E6F2386")
	// Output:
	// level=INFO msg="datapump http" partner=citrus op=Authenticate method=POST path=/IPS-TST-RS/api/portal/auth status=200 attempt=1
	// level=INFO msg="datapump http" partner=citrus op=PostPayment method=POST path=/IPS-TST-RS/api/cashiering/paymentprocessing/callback/authorized status=200 attempt=1
}

func ExampleParseAmount() {
	a, err := citrus.ParseAmount("100.50")
	fmt.Println(a, err)
	_, err = citrus.ParseAmount("1,00")
	fmt.Println(err)
	// Output:
	// 100.50 <nil>
	// money: parse "1,00": not a decimal number
}

func ExampleCents() {
	fmt.Println(citrus.Cents(10050), citrus.Cents(-7))
	// Output: 100.50 -0.07
}

func ExampleConfig_String() {
	cfg := citrus.Config{Environment: citrus.Dev, UserName: "DataPumpUser", Password: "s3cret"}
	fmt.Println(cfg)
	// Output:
	// citrus.Config{Environment:DEV DevBaseURL: ProdBaseURL: UserName:DataPumpUser Password:REDACTED CashRegister: VoidReasonOnFailure: IPSUserName: MaintainSession:false}
}

func ExampleWithRetryPolicy() {
	srv := startFake()
	defer srv.Close()
	// The login is retried; the payment post only if it provably never left
	// or IPS refused it with 408 or 429.
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{
		MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}))
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 429, Times: 2})
	_, err := client.PostPayment(context.Background(), "1018-8E6F2386")
	fmt.Println(err, srv.Calls(citrustest.EndpointCallback), len(srv.Ledger()))
	// Output: <nil> 3 1
}
