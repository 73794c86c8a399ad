package accela_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/jarcoal/httpmock"
)

// The record the examples pay for.
const exampleRecord = "TACOMA-03HST-00000-002UD"

func ExampleNew() {
	client, err := accela.New(accela.Config{
		AppID:             "636440768712345678",
		AppSecret:         "from-your-secret-store",
		Agency:            "TACOMA",
		AgencyEnvironment: "PROD",
		UserName:          "payments@tacoma.example",
		Password:          "from-your-secret-store",
	})
	fmt.Println(client != nil, err)

	_, err = accela.New(accela.Config{AppID: "636440768712345678", UserName: "payments@tacoma.example"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// accela New invalid input, nothing was sent: Config.AppSecret: is required; Config.Password: is required (not applied: nothing was sent)
}

func ExampleClient_InitializePayment() {
	// A fake Accela, so the example runs anywhere.
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config())

	res, err := client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{
		EntityIDs:     []string{exampleRecord},
		PaymentMethod: accela.CreditCard,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("transaction:", res.TransactionID)
	// Output: transaction: 322931
}

func ExampleClient_CommitPayment() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord, CustomID: "BLD2003-01115"})
	client, _ := accela.New(srv.Config())
	ctx := context.Background()

	ini, err := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, _ := accela.ParseAmount("100.50")
	res, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID:              ini.TransactionID, // as InitializePayment returned it
		Amount:                     amount,
		PaymentMethod:              accela.CreditCard,
		PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
		CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range res.Payments {
		fmt.Println("applied:", p.PaymentID, p.PaymentStatus, p.RecordID.ID, p.CustomID)
	}
	fmt.Println("script failed:", res.ScriptFailed())
	// Output:
	// applied: 322933 Paid TACOMA-03HST-00000-002UD BLD2003-01115
	// script failed: false
}

// Every error says whether the commit may be sent again.
func ExampleClient_CommitPayment_outcomes() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config(), accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	ctx := context.Background()
	commit := func(txn accela.ID) error {
		_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
			TransactionID: txn, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-" + string(txn),
		})
		return err
	}
	applied := srv.OpenTransaction(exampleRecord)
	busy := srv.OpenTransaction(exampleRecord)
	dropped := srv.OpenTransaction(exampleRecord)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(busy), Action: accelatest.Refuse, Status: 429, Times: accelatest.Forever})
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(dropped), Action: accelatest.DropAfterApply})

	for _, step := range []struct {
		name string
		txn  accela.ID
	}{{"first commit", applied}, {"second commit", applied}, {"Accela busy", busy}, {"connection dropped", dropped}, {"unknown transaction", "1"}} {
		err := commit(step.txn)
		var e *accela.Error
		switch {
		case err == nil:
			fmt.Println(step.name + ": applied")
		case errors.Is(err, accela.ErrAlreadyApplied):
			fmt.Println(step.name + ": applied before, never commit it again")
		case errors.Is(err, accela.ErrTemporary):
			fmt.Println(step.name + ": not applied, commit again later")
		case errors.Is(err, accela.ErrNotApplied):
			fmt.Println(step.name+": not applied, fix first:", errors.As(err, &e), e.StatusCode, e.Code)
		case errors.Is(err, accela.ErrOutcomeUnknown) && errors.As(err, &e):
			fmt.Println(step.name+": outcome unknown,", e.Reconcile)
		}
	}
	// Output:
	// first commit: applied
	// second commit: applied before, never commit it again
	// Accela busy: not applied, commit again later
	// connection dropped: outcome unknown, settle it (Settle, or ListRecordPayments for the transaction's records and FindTransaction) for transactionId 322933
	// unknown transaction: not applied, fix first: true 404 resource_not_found
}

// A commit whose outcome is unknown is settled by reading the record's
// payments back.
func ExampleClient_ListRecordPayments() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})

	// The connection drops after Accela applied the commit.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Action: accelatest.DropAfterApply})
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: ini.TransactionID, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1002",
	})
	fmt.Println("unknown:", errors.Is(err, accela.ErrOutcomeUnknown))

	list, err := client.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range list.Payments {
		fmt.Println("payment", p.ID, "of transaction", p.TransactionID, p.Amount, p.PaymentStatus)
	}
	// Output:
	// unknown: true
	// payment 322933 of transaction 322931 50.00 Paid
}

func ExampleListRecordPaymentsResult_FindTransaction() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	first := srv.OpenTransaction(exampleRecord)
	second := srv.OpenTransaction(exampleRecord)
	_, _ = client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: first, Amount: accela.Cents(2500), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1",
	})

	list, _ := client.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	for _, txn := range []accela.ID{first, second} {
		if found := list.FindTransaction(txn); len(found) > 0 {
			fmt.Println(txn, "applied:", found[0].Amount, "- do not commit again")
		} else {
			fmt.Println(txn, "not found - commit it")
		}
	}
	// Output:
	// 322931 applied: 25.00 - do not commit again
	// 322932 not found - commit it
}

func ExampleClient_VoidPayment() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	res, _ := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: srv.OpenTransaction(exampleRecord), Amount: accela.Cents(5000),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1003",
	})

	req := &accela.VoidPaymentRequest{
		PaymentID: res.Payments[0].PaymentID, // as CommitPayment returned it
		Comments:  "citizen paid twice",
		Reason:    &accela.VoidReason{Value: "DUP", Text: "Duplicate payment"},
	}
	void, err := client.VoidPayment(ctx, req)
	fmt.Println(void.PaymentID, void.Message, err)
	_, err = client.VoidPayment(ctx, req)
	fmt.Println("again:", errors.Is(err, accela.ErrAlreadyApplied))
	// Output:
	// 322933 Payment voided. <nil>
	// again: true
}

// An agency script that fails after the commit leaves the payment applied.
func ExampleCommitPaymentResult_ScriptFailed() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config())

	srv.FailNextScript(accelatest.ScriptAfter)
	res, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: srv.OpenTransaction(exampleRecord), Amount: accela.Cents(5000),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1001",
	})
	if err == nil && res.ScriptFailed() {
		fmt.Println("applied; tell the agency their script failed:", res.ScriptCode, res.ScriptMessage)
	}
	// Output: applied; tell the agency their script failed: emse_error EMSE operation failed.
}

// Tokens can come from elsewhere, e.g. an authorization-code flow.
func ExampleTokenSourceFunc() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})

	cfg := accela.Config{BaseURL: srv.URL(), AppID: accelatest.DefaultAppID, Agency: "TACOMA", AgencyEnvironment: "TEST"}
	cfg.TokenSource = accela.TokenSourceFunc(func(ctx context.Context) (accela.Token, error) {
		// Your own token store; here the fake issues one.
		return accela.Token{AccessToken: accela.Secret(srv.IssueToken()), Expiry: time.Now().Add(15 * time.Minute)}, nil
	})
	client, err := accela.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	list, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	fmt.Println(len(list.Payments), err, srv.Calls(accelatest.EndpointToken))
	// Output: 0 <nil> 0
}

func ExampleTokenSourceFunc_Token() {
	src := accela.TokenSourceFunc(func(context.Context) (accela.Token, error) {
		return accela.Token{AccessToken: "raw-token-1"}, nil
	})
	tok, err := src.Token(context.Background())
	fmt.Println(tok.AccessToken, tok.AccessToken.Reveal(), err)
	// Output: REDACTED raw-token-1 <nil>
}

func ExampleID_UnmarshalJSON() {
	// Accela sends ids as numbers in one place and strings in another; an
	// ID keeps the exact text either way.
	var ids []accela.ID
	_ = json.Unmarshal([]byte(`[3166539, "198284", null]`), &ids)
	fmt.Printf("%q\n", ids)
	// Output: ["3166539" "198284" ""]
}

func ExampleRecordID_UnmarshalJSON() {
	var records []accela.RecordID
	_ = json.Unmarshal([]byte(`["TACOMA-03HST-00000-002UD", {"id":"TACOMA-03HST-00000-002UE","customId":"BLD2003-01116","trackingId":1234}]`), &records)
	for _, r := range records {
		fmt.Printf("%+v\n", r)
	}
	// Output:
	// {ID:TACOMA-03HST-00000-002UD CustomID: ServiceProviderCode: TrackingID: Value:}
	// {ID:TACOMA-03HST-00000-002UE CustomID:BLD2003-01116 ServiceProviderCode: TrackingID:1234 Value:}
}

// httpmock can stand in for Accela too, for exact request checks. Give
// each client its own mock transport.
func ExampleWithHTTPClient() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL,
		httpmock.NewStringResponder(200, `{"access_token":"tok-1","expires_in":"900","refresh_token":"r-1"}`))
	var auth string
	mock.RegisterResponder(http.MethodGet, accela.DefaultBaseURL+"/v4/records/R-1/payments",
		func(r *http.Request) (*http.Response, error) {
			auth = r.Header.Get("Authorization")
			return httpmock.NewStringResponse(200, `{"result":[{"id":7,"amount":12.5,"transactionId":322931}],"status":200}`), nil
		})

	client, _ := accela.New(accela.Config{AppID: "app", AppSecret: "s", UserName: "u", Password: "p"},
		accela.WithHTTPClient(&http.Client{Transport: mock}))
	list, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(list.Payments[0].Amount, list.Payments[0].TransactionID, err, auth, mock.GetTotalCallCount())
	// Output: 12.50 322931 <nil> tok-1 2
}

func ExampleWithLogger() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug, // successful attempts log at Debug, failed ones at Warn
		// Drop the attributes that vary, so the example's output is stable.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "host":
				return slog.Attr{}
			}
			return a
		},
	}))
	client, _ := accela.New(srv.Config(), accela.WithLogger(logger))
	_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	// Output:
	// level=DEBUG msg="datapump http" datapump.partner=accela datapump.op=Token datapump.method=POST datapump.path=/auth/oauth2/token datapump.status=200 datapump.attempt=1
	// level=DEBUG msg="datapump http" datapump.partner=accela datapump.op=ListRecordPayments datapump.method=GET datapump.path=/apis/v4/records/TACOMA-03HST-00000-002UD/payments datapump.status=200 datapump.attempt=1
}

func ExampleWithObserver() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Action: accelatest.Refuse, Status: 503})

	// Count attempts for metrics; the observer runs on the calling goroutine.
	var mu sync.Mutex
	var attempts []accela.Attempt
	client, _ := accela.New(srv.Config(),
		accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
		accela.WithObserver(func(a accela.Attempt) {
			mu.Lock()
			defer mu.Unlock()
			attempts = append(attempts, a)
		}))
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	fmt.Println("err:", err)
	for _, a := range attempts {
		fmt.Printf("%s attempt %d: HTTP %d, failed %v, retry %v %q\n", a.Op, a.Number, a.StatusCode, a.Err != nil, a.Retry, a.RetryReason)
	}
	// Output:
	// err: <nil>
	// Token attempt 1: HTTP 200, failed false, retry false ""
	// ListRecordPayments attempt 1: HTTP 503, failed true, retry true "server error"
	// ListRecordPayments attempt 2: HTTP 200, failed false, retry false ""
}

// A transport wrapper keeps the SDK's pooled client and adds your own
// middleware, such as otelhttp.NewTransport or metrics.
func ExampleWithTransportWrapper() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})

	var mu sync.Mutex
	var seen []string
	client, _ := accela.New(srv.Config(), accela.WithTransportWrapper(func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path)
			mu.Unlock()
			return next.RoundTrip(r)
		})
	}))
	_, err := client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})
	fmt.Println(err)
	fmt.Println(strings.Join(seen, "\n"))
	// Output:
	// <nil>
	// POST /auth/oauth2/token
	// POST /apis/v4/payments/initialize
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A worker shut down by cancelling its context: with the option, a commit
// already on the wire is seen through to Accela's answer, so it ends
// applied or not, never "outcome unknown".
func ExampleWithFinishStartedWrites() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config(), accela.WithFinishStartedWrites(), accela.WithTimeout(5*time.Second))
	txn, _ := client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})

	// Accela takes 300ms to answer; the worker is told to stop after 100ms.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Delay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: txn.TransactionID, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-7",
	})
	fmt.Println(err, len(res.Payments), srv.Applied(txn.TransactionID))
	// Output: <nil> 1 1
}

// Many goroutines committing at once reuse connections when the pool
// keeps at least one idle connection per goroutine.
func ExampleWithIdleConnsPerHost() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	const workers = 8
	client, _ := accela.New(srv.Config(), accela.WithIdleConnsPerHost(workers))

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
					TransactionID: srv.OpenTransaction(exampleRecord), Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk",
				})
				if err != nil {
					fmt.Println(err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("applied:", len(srv.Ledger()), "tokens:", srv.Grants("password"), "few connections:", srv.NewConns() <= 2*workers)
	// Output: applied: 40 tokens: 1 few connections: true
}

// WithTimeout bounds each attempt; the context bounds the whole call.
func ExampleWithTimeout() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config(), accela.WithTimeout(100*time.Millisecond))
	txn := srv.OpenTransaction(exampleRecord)
	_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})

	// Accela does not answer the commit in time: it may or may not have applied it.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Delay: time.Second})
	_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-8",
	})
	fmt.Println(errors.Is(err, accela.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

func ExampleWithUserAgent() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, accela.DefaultTokenURL,
		func(r *http.Request) (*http.Response, error) {
			ua := strings.Fields(r.Header.Get("User-Agent"))
			fmt.Println(ua[0], strings.HasPrefix(ua[1], "datapump/"))
			return httpmock.NewStringResponse(200, `{"access_token":"tok-1"}`), nil
		})
	mock.RegisterResponder(http.MethodGet, accela.DefaultBaseURL+"/v4/records/R-1/payments", httpmock.NewStringResponder(200, `{"result":[]}`))
	client, _ := accela.New(accela.Config{AppID: "app", AppSecret: "s", UserName: "u", Password: "p"},
		accela.WithHTTPClient(&http.Client{Transport: mock}), accela.WithUserAgent("citypay/2.3"))
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(err)
	// Output:
	// citypay/2.3 true
	// <nil>
}

func ExampleWithRetryPolicy() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	// Reads, logins and InitializePayment are retried; a commit only if it
	// provably never left or Accela refused it with 408 or 429.
	client, _ := accela.New(srv.Config(), accela.WithRetryPolicy(accela.RetryPolicy{
		MaxAttempts: 4, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}))
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Action: accelatest.Refuse, Status: 503, Times: 3})
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: exampleRecord})
	fmt.Println(err, srv.Calls(accelatest.EndpointListPayments))

	txn := srv.OpenTransaction(exampleRecord)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Action: accelatest.Refuse, Status: 503})
	_, err = client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-9",
	})
	fmt.Println(errors.Is(err, accela.ErrOutcomeUnknown), srv.Calls(accelatest.EndpointCommit))
	// Output:
	// <nil> 4
	// true 1
}

func ExampleDefaultRetryPolicy() {
	p := accela.DefaultRetryPolicy()
	fmt.Println(p.MaxAttempts, p.BaseDelay, p.MaxDelay)

	// Start from the default and change what you need.
	p.MaxDelay = 2 * time.Second
	_, err := accela.New(accela.Config{AppID: "app", AppSecret: "s", UserName: "u", Password: "p"}, accela.WithRetryPolicy(p))
	fmt.Println(err)
	// Output:
	// 3 200ms 5s
	// <nil>
}

func ExampleParseAmount() {
	a, err := accela.ParseAmount("100.50")
	fmt.Println(a, err)
	b, _ := json.Marshal(struct {
		Amount accela.Amount `json:"amount"`
	}{a})
	fmt.Println(string(b)) // a JSON number with exact digits
	_, err = accela.ParseAmount("100,50")
	fmt.Println(err != nil)
	// Output:
	// 100.50 <nil>
	// {"amount":100.50}
	// true
}

func ExampleCents() {
	fmt.Println(accela.Cents(10050), accela.Cents(250), accela.Cents(-7))
	// Output: 100.50 2.50 -0.07
}

// committer is the part of *accela.Client a payments backend depends on,
// so its tests can fake it.
type committer interface {
	CommitPayment(ctx context.Context, req *accela.CommitPaymentRequest) (*accela.CommitPaymentResult, error)
}

// fakeCommitter answers every commit with err.
type fakeCommitter struct{ err error }

func (f fakeCommitter) CommitPayment(context.Context, *accela.CommitPaymentRequest) (*accela.CommitPaymentResult, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &accela.CommitPaymentResult{Payments: []accela.CompletePayment{{PaymentID: "1", PaymentStatus: "Paid"}}}, nil
}

// next is the backend code under test: what to do after a commit.
func next(c committer) string {
	_, err := c.CommitPayment(context.Background(), &accela.CommitPaymentRequest{TransactionID: "322931"})
	switch {
	case err == nil:
		return "paid"
	case errors.Is(err, accela.ErrAlreadyApplied):
		return "paid before"
	case errors.Is(err, accela.ErrTemporary):
		return "retry later"
	case errors.Is(err, accela.ErrNotApplied):
		return "needs a fix"
	default:
		return "reconcile with ListRecordPayments"
	}
}

// A fake of the client behind your own interface returns any outcome as
// a struct literal. An Error with no Outcome is OutcomeUnknown, so a fake
// can never claim by accident that resending is safe.
func ExampleError() {
	for _, err := range []error{
		nil,
		&accela.Error{Outcome: accela.NotApplied, Temporary: true, StatusCode: 503},
		&accela.Error{Outcome: accela.NotApplied, StatusCode: 403, Code: "forbidden"},
		&accela.Error{Outcome: accela.AlreadyApplied, StatusCode: 400, Message: "transaction is already committed"},
		&accela.Error{},
	} {
		fmt.Println(next(fakeCommitter{err: err}))
	}
	fmt.Println(&accela.Error{Partner: "accela", Op: "CommitPayment", Outcome: accela.AlreadyApplied, StatusCode: 400,
		Code: "data_validation_error", Message: "transaction is already committed"})
	// Output:
	// paid
	// retry later
	// needs a fix
	// paid before
	// reconcile with ListRecordPayments
	// accela CommitPayment: HTTP 400 [data_validation_error] transaction is already committed (already applied: do not resend)
}

// An unknown commit is settled from the request its error carries, which
// an outbox stores (it is JSON) and settles after a restart too.
func ExampleClient_Settle() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config(), accela.WithSettleGrace(0))
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})

	// Accela applies the commit, then the connection drops.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(ini.TransactionID), Action: accelatest.DropAfterApply})
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: ini.TransactionID, RecordIDs: []string{exampleRecord},
		Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1",
	})
	hint, ok := accela.SettleRequestOf(err)
	fmt.Println(errors.Is(err, accela.ErrOutcomeUnknown), ok)

	res, err := client.Settle(ctx, hint)
	fmt.Println(res.Status, res.Recorded, res.AmountDiffers, err)
	// Output:
	// true true
	// applied 50.00 false <nil>
}

func ExampleSettleRequestOf() {
	err := &accela.Error{Settle: &accela.SettleRequest{TransactionID: "322931", RecordIDs: []string{exampleRecord}}}
	hint, ok := accela.SettleRequestOf(fmt.Errorf("outbox: %w", err))
	fmt.Println(hint.TransactionID, ok)
	// Output: 322931 true
}

func ExampleWithSettleGrace() {
	// Accela's record list may lag behind a commit by a few seconds: a
	// commit not found within two minutes of sending stays unknown.
	client, err := accela.New(accela.Config{AppID: "app", AppSecret: "s", UserName: "u", Password: "p"},
		accela.WithSettleGrace(2*time.Minute))
	fmt.Println(client != nil, err)
	// Output: true <nil>
}

// The outbox pattern: keep what settling needs before sending, classify
// every result, never resend an unknown outcome, settle it.
func Example_outbox() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: exampleRecord})
	client, _ := accela.New(srv.Config(), accela.WithSettleGrace(0), accela.WithFinishStartedWrites())
	ctx := context.Background()

	// An outbox row, saved in the same database transaction as the payment.
	type row struct {
		Status string
		Hint   []byte // the stored settle request, when the outcome was unknown
	}
	var r row

	// 1. Open the Accela transaction and save its id with the row before
	// committing: settling needs it.
	ini, err := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{exampleRecord}})
	if err != nil {
		fmt.Println("initialize:", err) // nothing charged: try the row again later
		return
	}
	commit := &accela.CommitPaymentRequest{
		TransactionID: ini.TransactionID, RecordIDs: []string{exampleRecord},
		Amount: accela.Cents(5000), PaymentMethod: accela.Check, PaymentSystemTransactionID: "outbox-row-1",
	}

	// 2. Commit, and classify the result. (Here Accela applies it and the
	// connection drops.)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Action: accelatest.DropAfterApply})
	_, err = client.CommitPayment(ctx, commit)
	switch {
	case err == nil, errors.Is(err, accela.ErrAlreadyApplied):
		r.Status = "posted"
	case errors.Is(err, accela.ErrTemporary):
		r.Status = "retry later" // the same commit, later
	case errors.Is(err, accela.ErrNotApplied):
		r.Status = "needs a person" // fix the cause first
	default: // accela.ErrOutcomeUnknown: never commit it again blindly
		hint, _ := accela.SettleRequestOf(err)
		r.Status, r.Hint = "unknown", mustJSON(hint)
	}
	fmt.Println("after the commit:", r.Status)

	// 3. Later (after a restart too), settle the unknown rows.
	var hint accela.SettleRequest
	_ = json.Unmarshal(r.Hint, &hint)
	res, err := client.Settle(ctx, &hint)
	switch {
	case err != nil || res.Status == accela.SettleUnknown:
		r.Status = "unknown" // settle again later (res.RetryAt)
	case res.Status == accela.SettleApplied:
		r.Status = "posted"
	case res.Status == accela.SettleAbsent:
		r.Status = "retry now" // safe: commit again on the same transaction
	}
	fmt.Println("after settling:", r.Status, len(srv.Ledger()), "payment in Accela")
	// Output:
	// after the commit: unknown
	// after settling: posted 1 payment in Accela
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
