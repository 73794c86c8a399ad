package citrus_test

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

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/jarcoal/httpmock"
)

func ExampleNew() {
	client, err := citrus.New(citrus.Config{
		Environment: citrus.Prod,
		ProdBaseURL: "https://ips-rest.example-county.gov/IPS-PRD-RS/api",
		UserName:    "DataPumpUser",
		Password:    "from-your-secret-store",
	})
	fmt.Println(client != nil, err)

	// PROD without its URL is a configuration error, never a fall back to DEV.
	_, err = citrus.New(citrus.Config{Environment: citrus.Prod, UserName: "DataPumpUser", Password: "from-your-secret-store"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, citrus.ErrNotApplied))
	// Output:
	// true <nil>
	// citrus New invalid input, nothing was sent: Config.ProdBaseURL: is required when Environment is PROD (there is no default, and DEV is never used instead) (not applied: nothing was sent)
	// true
}

func ExampleClient_PostPayment() {
	// A fake IPS, so the example runs anywhere.
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-8E6F2386", Amount: citrus.Cents(5000), Payer: "Jane Citizen"})

	client, err := citrus.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{
		BillerReference: "1018-8E6F2386",
		Amount:          citrus.Cents(5000), // optional: checked against what IPS records
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("applied:", res.Success)
	fmt.Println("payer:", res.Transaction.TransactionPayer)
	fmt.Println("amount:", res.Transaction.TransactionAmount, "differs:", res.AmountDiffers)
	fmt.Println("status:", res.Transaction.Status)
	fmt.Println("token:", res.Transaction.TransactionToken)
	// Output:
	// applied: true
	// payer: Jane Citizen
	// amount: 50.00 differs: false
	// status: Paid
	// token: 1018-8E6F2386
}

// Every error says whether the payment may be posted again.
func ExampleClient_PostPayment_outcomes() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "A-applied", Amount: citrus.Cents(5000)})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "B-declined", Amount: citrus.Cents(5000), Decline: true})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "C-busy", Amount: citrus.Cents(5000)})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "D-dropped", Amount: citrus.Cents(5000)})
	// IPS is too busy for C (429 every time), and the connection drops
	// after IPS applied D.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "C-busy", Action: citrustest.Refuse, Status: 429, Times: citrustest.Forever})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "D-dropped", Action: citrustest.DropAfterApply})
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))

	for _, ref := range []string{"A-applied", "B-declined", "C-busy", "D-dropped"} {
		_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref})
		var e *citrus.Error
		switch {
		case err == nil:
			fmt.Println(ref, "applied: mark the invoice paid")
		case errors.Is(err, citrus.ErrAlreadyApplied):
			fmt.Println(ref, "applied before: never post it again")
		case errors.Is(err, citrus.ErrTemporary):
			fmt.Println(ref, "not applied: post it again later")
		case errors.Is(err, citrus.ErrNotApplied):
			fmt.Println(ref, "not applied: look into it before posting again")
		case errors.Is(err, citrus.ErrOutcomeUnknown) && errors.As(err, &e):
			fmt.Println(ref, "outcome unknown:", e.Reconcile)
		}
	}
	// Output:
	// A-applied applied: mark the invoice paid
	// B-declined not applied: look into it before posting again
	// C-busy not applied: post it again later
	// D-dropped outcome unknown: IPS offers no look-up call: ask the county whether the payment for this BillerReference was applied before posting it again
}

// IPS records the transaction the BillerReference names; when the amount
// charged differs, the payment stands and the county settles the
// difference.
func ExampleClient_PostPayment_amountDiffers() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config())

	for _, charged := range []string{"49.99", "50.01", "50"} {
		ref := "1018-" + charged
		srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(5000)})
		amount, _ := citrus.ParseAmount(charged)
		res, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref, Amount: amount})
		fmt.Println(charged, err, res.AmountDiffers, res.Transaction.TransactionAmount)
	}
	// Output:
	// 49.99 <nil> true 50.00
	// 50.01 <nil> true 50.00
	// 50 <nil> false 50.00
}

func ExampleClient_Authenticate() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config())

	// Check the credentials at start-up; PostPayment logs in by itself.
	auth, err := client.Authenticate(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as", auth.UserName, "session", auth.SessionID)

	wrong := srv.Config()
	wrong.Password = "not-the-password"
	client, _ = citrus.New(wrong)
	_, err = client.Authenticate(context.Background())
	var e *citrus.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, e.StatusCode, e.Message, errors.Is(err, citrus.ErrNotApplied))
	}
	// Output:
	// logged in as CitrusTestAdmin session REDACTED
	// Authenticate 401 Invalid UserName or Password true
}

// httpmock can stand in for IPS too, for exact request checks. Give each
// client its own mock transport.
func ExampleWithHTTPClient() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, citrus.DefaultDevBaseURL+"/portal/auth",
		httpmock.NewStringResponder(200, `{"sessionId":"s-1","userName":"u","responseStatus":{}}`))
	var posted string
	mock.RegisterResponder(http.MethodPost, citrus.DefaultDevBaseURL+"/cashiering/paymentprocessing/callback/authorized",
		func(r *http.Request) (*http.Response, error) {
			posted = r.URL.RawQuery
			return httpmock.NewStringResponse(200, `{"data":{"transaction":{"id":7},"success":true},"responseStatus":{}}`), nil
		})

	client, _ := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"},
		citrus.WithHTTPClient(&http.Client{Transport: mock}))
	res, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "7-ABC"})
	fmt.Println(res.Transaction.ID, err, posted, mock.GetTotalCallCount())
	// Output: 7 <nil> Token=7-ABC 2
}

func ExampleWithLogger() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})

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
	client, _ := citrus.New(srv.Config(), citrus.WithLogger(logger))
	_, _ = client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	// Output:
	// level=DEBUG msg="datapump http" datapump.partner=citrus datapump.op=Authenticate datapump.method=POST datapump.path=/IPS-TST-RS/api/portal/auth datapump.status=200 datapump.attempt=1
	// level=DEBUG msg="datapump http" datapump.partner=citrus datapump.op=PostPayment datapump.method=POST datapump.path=/IPS-TST-RS/api/cashiering/paymentprocessing/callback/authorized datapump.status=200 datapump.attempt=1
}

func ExampleWithObserver() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.Refuse, Status: 429})

	// Count attempts for metrics; the observer runs on the calling goroutine.
	var mu sync.Mutex
	var attempts []citrus.Attempt
	client, _ := citrus.New(srv.Config(),
		citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
		citrus.WithObserver(func(a citrus.Attempt) {
			mu.Lock()
			defer mu.Unlock()
			attempts = append(attempts, a)
		}))
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println("err:", err)
	for _, a := range attempts {
		fmt.Printf("%s attempt %d: HTTP %d, failed %v, retry %v %q\n", a.Op, a.Number, a.StatusCode, a.Err != nil, a.Retry, a.RetryReason)
	}
	// Output:
	// err: <nil>
	// Authenticate attempt 1: HTTP 200, failed false, retry false ""
	// PostPayment attempt 1: HTTP 429, failed true, retry true "partner refused for now"
	// PostPayment attempt 2: HTTP 200, failed false, retry false ""
}

// A transport wrapper keeps the SDK's pooled client and adds your own
// middleware, such as otelhttp.NewTransport or metrics.
func ExampleWithTransportWrapper() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})

	var mu sync.Mutex
	var seen []string
	client, _ := citrus.New(srv.Config(), citrus.WithTransportWrapper(func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path)
			mu.Unlock()
			return next.RoundTrip(r)
		})
	}))
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(err)
	fmt.Println(strings.Join(seen, "\n"))
	// Output:
	// <nil>
	// POST /IPS-TST-RS/api/portal/auth
	// POST /IPS-TST-RS/api/cashiering/paymentprocessing/callback/authorized
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A worker shut down by cancelling its context: with the option, a post
// already on the wire is seen through to IPS' answer, so it ends applied
// or not, never "outcome unknown".
func ExampleWithFinishStartedWrites() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config(), citrus.WithFinishStartedWrites(), citrus.WithTimeout(5*time.Second))
	_, _ = client.Authenticate(context.Background())

	// IPS takes 300ms to answer; the worker is told to stop after 100ms.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(err, res.Success, srv.Applied("1018-AB"))
	// Output: <nil> true 1
}

// Many goroutines posting at once reuse connections when the pool keeps
// at least one idle connection per goroutine.
func ExampleWithIdleConnsPerHost() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	const workers = 8
	client, _ := citrus.New(srv.Config(), citrus.WithIdleConnsPerHost(workers))

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				ref := fmt.Sprintf("W%d-%d", w, i)
				srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(100)})
				if _, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref}); err != nil {
					fmt.Println(err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("applied:", len(srv.Ledger()), "logins:", srv.Logins(), "few connections:", srv.NewConns() <= 2*workers)
	// Output: applied: 40 logins: 1 few connections: true
}

// WithTimeout bounds each attempt; the context bounds the whole call.
func ExampleWithTimeout() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config(), citrus.WithTimeout(100*time.Millisecond))
	_, _ = client.Authenticate(context.Background())

	// IPS does not answer the post in time: it may or may not have applied it.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: time.Second})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(errors.Is(err, citrus.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

func ExampleWithUserAgent() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, citrus.DefaultDevBaseURL+"/portal/auth",
		func(r *http.Request) (*http.Response, error) {
			fmt.Println(strings.Fields(r.Header.Get("User-Agent"))[0], strings.HasPrefix(strings.Fields(r.Header.Get("User-Agent"))[1], "datapump/"))
			return httpmock.NewStringResponse(200, `{"sessionId":"s-1","userName":"u"}`), nil
		})
	client, _ := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"},
		citrus.WithHTTPClient(&http.Client{Transport: mock}), citrus.WithUserAgent("citypay/2.3"))
	_, err := client.Authenticate(context.Background())
	fmt.Println(err)
	// Output:
	// citypay/2.3 true
	// <nil>
}

func ExampleWithRetryPolicy() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	// The login is retried on any transient failure; the payment post only
	// if it provably never left or IPS refused it with 408 or 429.
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{
		MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}))
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointAuth, Action: citrustest.Refuse, Status: 503})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.Refuse, Status: 429, Times: 2})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(err, srv.Calls(citrustest.EndpointAuth), srv.Received("1018-AB"), srv.Applied("1018-AB"))
	// Output: <nil> 2 3 1
}

func ExampleDefaultRetryPolicy() {
	p := citrus.DefaultRetryPolicy()
	fmt.Println(p.MaxAttempts, p.BaseDelay, p.MaxDelay)

	// Start from the default and change what you need.
	p.MaxAttempts = 5
	_, err := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"}, citrus.WithRetryPolicy(p))
	fmt.Println(err)
	// Output:
	// 3 200ms 5s
	// <nil>
}

func ExampleParseAmount() {
	a, err := citrus.ParseAmount("100.50")
	fmt.Println(a, err, a.DecimalPlaces())
	b, _ := citrus.ParseAmount("100.5")
	fmt.Println(a == b)
	_, err = citrus.ParseAmount("1,00")
	fmt.Println(err != nil)
	// Output:
	// 100.50 <nil> 1
	// true
	// true
}

func ExampleCents() {
	fmt.Println(citrus.Cents(10050), citrus.Cents(-7), citrus.Cents(0))
	cents, err := citrus.Cents(10050).Cents()
	fmt.Println(cents, err)
	// Output:
	// 100.50 -0.07 0.00
	// 10050 <nil>
}

// poster is the part of *citrus.Client a payments backend depends on, so
// its tests can fake it.
type poster interface {
	PostPayment(ctx context.Context, req *citrus.PostPaymentRequest) (*citrus.PostPaymentResult, error)
}

// fakePoster answers every post with err.
type fakePoster struct{ err error }

func (f fakePoster) PostPayment(context.Context, *citrus.PostPaymentRequest) (*citrus.PostPaymentResult, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &citrus.PostPaymentResult{Success: true}, nil
}

// settle is the backend code under test: what to do after a post.
func settle(p poster, ref string) string {
	_, err := p.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref})
	switch {
	case err == nil:
		return "paid"
	case errors.Is(err, citrus.ErrAlreadyApplied):
		return "paid before"
	case errors.Is(err, citrus.ErrTemporary):
		return "retry later"
	case errors.Is(err, citrus.ErrNotApplied):
		return "needs a fix"
	default:
		return "reconcile"
	}
}

// A fake of the client behind your own interface returns any outcome as
// a struct literal. An Error with no Outcome is OutcomeUnknown, so a fake
// can never claim by accident that resending is safe.
func ExampleError() {
	for _, err := range []error{
		nil,
		&citrus.Error{Outcome: citrus.NotApplied, Temporary: true, StatusCode: 503},
		&citrus.Error{Outcome: citrus.NotApplied, StatusCode: 400, Code: "ArgumentException", Message: "Token is required"},
		&citrus.Error{Outcome: citrus.AlreadyApplied},
		&citrus.Error{Reconcile: "ask the county"},
		&citrus.Error{},
	} {
		fmt.Println(settle(fakePoster{err: err}, "1018-AB"))
	}
	fmt.Println(&citrus.Error{Partner: "citrus", Op: "PostPayment", Outcome: citrus.NotApplied, StatusCode: 400, Code: "ArgumentException", Message: "Token is required"})
	// Output:
	// paid
	// retry later
	// needs a fix
	// paid before
	// reconcile
	// reconcile
	// citrus PostPayment: HTTP 400 [ArgumentException] Token is required (not applied: fix before resending)
}

func ExampleTime_UnmarshalJSON() {
	var tx struct {
		Date citrus.Time `json:"transactionDateTime"`
		Void citrus.Time `json:"voidDate"`
	}
	_ = json.Unmarshal([]byte(`{"transactionDateTime":"2022-11-09T17:17:26.0000000-05:00","voidDate":"0001-01-01T00:00:00.0000000+00:00"}`), &tx)
	fmt.Println(tx.Date.UTC(), tx.Void.IsZero())
	// Output: 2022-11-09 22:17:26 +0000 UTC true
}

func ExampleTime_MarshalJSON() {
	b, _ := json.Marshal(citrus.Time{Time: time.Date(2022, 11, 9, 17, 17, 26, 0, time.FixedZone("EST", -5*3600))})
	fmt.Println(string(b))
	b, _ = json.Marshal(citrus.Time{})
	fmt.Println(string(b))
	// Output:
	// "2022-11-09T17:17:26.0000000-05:00"
	// "0001-01-01T00:00:00.0000000+00:00"
}

// IPS has no look-up call: Settle says so, and a person asks the county.
func ExampleClient_Settle() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-8E6F2386", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.DropAfterApply})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-8E6F2386"})

	hint, _ := citrus.SettleRequestOf(err)
	_, err = client.Settle(context.Background(), hint)
	fmt.Println(errors.Is(err, citrus.ErrNoReadBack), hint.BillerReference)
	// Output: true 1018-8E6F2386
}

func ExampleSettleRequestOf() {
	err := &citrus.Error{Settle: &citrus.SettleRequest{BillerReference: "1018-AB"}}
	hint, ok := citrus.SettleRequestOf(err)
	fmt.Println(hint.BillerReference, ok)
	// Output: 1018-AB true
}

func ExampleWithSettleGrace() {
	// Settle never reads IPS back (it has no look-up call), so the grace
	// changes nothing for citrus; the option exists in every package.
	client, err := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"}, citrus.WithSettleGrace(time.Minute))
	fmt.Println(client != nil, err)
	// Output: true <nil>
}
