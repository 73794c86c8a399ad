package oraclepsc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/jarcoal/httpmock"
)

// startExample stands in for Oracle so the examples run anywhere: a fake
// pod with one checkout, and a client for it.
func startExample() (*oraclepsctest.Server, *oraclepsc.Client, oraclepsc.CheckoutID) {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	client, err := oraclepsc.New(srv.Config())
	if err != nil {
		panic(err)
	}
	return srv, client, srv.NewCheckout()
}

func ExampleNew() {
	client, err := oraclepsc.New(oraclepsc.Config{
		BaseURL:  "https://fa-abcd-saasfaprod1.fa.ocs.oraclecloud.com",
		UserName: "psc.payments@agency.example",
		Password: "from-your-secret-store",
	}, oraclepsc.WithTimeout(20*time.Second), oraclepsc.WithUserAgent("citypay/2.3"))
	fmt.Println(client != nil, err)

	_, err = oraclepsc.New(oraclepsc.Config{UserName: "psc.payments@agency.example"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// oraclepsc New invalid input, nothing was sent: Config.BaseURL: is required; Config.Password: is required (not applied: nothing was sent)
}

// With a TokenSource the client sends bearer tokens (JWTs) instead of
// Basic credentials, renewing them before they expire and once after a
// 401.
func ExampleNew_tokenSource() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, err := oraclepsc.New(oraclepsc.Config{
		BaseURL:     srv.URL(),
		TokenSource: srv.TokenSource(), // yours calls the identity domain or the token relay
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := client.CreateCheckoutPayment(context.Background(), &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: srv.NewCheckout(), PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(2500),
	})
	fmt.Println(res.Payment.CheckoutPmtID, err, "tokens issued:", srv.Logins())
	// Output: 300000100000001 <nil> tokens issued: 1
}

func ExampleClient_CreateCheckoutPayment() {
	srv, client, checkout := startExample()
	defer srv.Close()

	ref, err := oraclepsc.NewPaymentReferenceID("CPAY")
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, _ := oraclepsc.ParseAmount("100.50")
	res, err := client.CreateCheckoutPayment(context.Background(), &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID:           checkout,
		PaymentReferenceID:   ref, // keep it with the payment: it is how an unknown outcome is settled
		LineAmount:           amount,
		TotalTendAmount:      amount,
		PaymentCurrency:      "USD",
		PaymentMethodCode:    "CARD",
		PaymentDate:          oraclepsc.DateOf(time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)),
		PaymentTransactionID: "ch_3PBc2x2eZvKYlo2C",
		PayerName:            "Jane Q. Citizen",
	})
	var e *oraclepsc.Error
	switch {
	case err == nil:
		fmt.Println("recorded:", res.Payment.CheckoutPmtID, res.Payment.LineAmount, res.Payment.PaymentDate, "created:", res.Created)
	case errors.Is(err, oraclepsc.ErrAlreadyApplied):
		fmt.Println("recorded before; do not create it again")
	case errors.Is(err, oraclepsc.ErrNotApplied):
		fmt.Println("not recorded; fix or resend:", err)
	case errors.As(err, &e):
		fmt.Println("outcome unknown:", e.Reconcile)
	}
	// Output: recorded: 300000100000001 100.50 2024-05-01 created: true
}

// With Upsert and a CheckoutPmtID of your own, a create can be repeated
// safely: the SDK retries it by itself, and a repeat updates the row.
func ExampleClient_CreateCheckoutPayment_upsert() {
	srv, client, checkout := startExample()
	defer srv.Close()
	req := &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, CheckoutPmtID: 300000812345678, Upsert: true,
		PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(4200),
	}
	// Oracle records it, then the connection drops before the answer.
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Action: oraclepsctest.DropAfterApply})
	res, err := client.CreateCheckoutPayment(context.Background(), req)
	fmt.Println(err, "created:", res.Created, "rows:", len(srv.Ledger()))
	// Output: <nil> created: false rows: 1
}

// A create that names its CheckoutPmtID and reaches Oracle twice is
// refused the second time as a duplicate: ErrAlreadyApplied.
func ExampleClient_CreateCheckoutPayment_alreadyApplied() {
	srv, client, checkout := startExample()
	defer srv.Close()
	req := &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, CheckoutPmtID: 300000812345678,
		PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(4200),
	}
	_, err := client.CreateCheckoutPayment(context.Background(), req)
	fmt.Println("first:", err)
	_, err = client.CreateCheckoutPayment(context.Background(), req)
	var e *oraclepsc.Error
	errors.As(err, &e)
	fmt.Println("second:", errors.Is(err, oraclepsc.ErrAlreadyApplied), e.StatusCode, e.Code)
	// Output:
	// first: <nil>
	// second: true 400 JBO-25013
}

// After an unknown outcome, the list call behind Settle, named in
// Error.Reconcile, tells whether Oracle recorded the payment.
func ExampleClient_ListCheckoutPayments() {
	srv, client, checkout := startExample()
	defer srv.Close()
	ctx := context.Background()
	req := &oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(4200)}

	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Action: oraclepsctest.DropAfterApply})
	_, err := client.CreateCheckoutPayment(ctx, req)
	fmt.Println("unknown:", errors.Is(err, oraclepsc.ErrOutcomeUnknown))

	list, err := client.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{
		CheckoutID: checkout,
		Filter:     oraclepsc.Filter{PaymentReferenceID: req.PaymentReferenceID},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if found := list.FindReference(req.PaymentReferenceID); len(found) > 0 {
		fmt.Println("recorded as", found[0].CheckoutPmtID, "- do not create it again")
	}
	// Output:
	// unknown: true
	// recorded as 300000100000001 - do not create it again
}

func ExampleClient_AllCheckoutPayments() {
	srv, client, checkout := startExample()
	defer srv.Close()
	ctx := context.Background()
	for i := range 5 {
		_, _ = client.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
			CheckoutID: checkout, PaymentReferenceID: oraclepsc.PaymentReferenceID(fmt.Sprintf("CPAY%016d", i)), LineAmount: oraclepsc.Cents(int64(1000 * (i + 1))),
		})
	}
	total := oraclepsc.Amount{}
	for p, err := range client.AllCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 2}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		total, _ = total.Add(p.LineAmount)
	}
	fmt.Println("total:", total, "in", srv.Calls(oraclepsctest.EndpointList), "pages")
	// Output: total: 150.00 in 3 pages
}

func ExampleClient_GetCheckoutPayment() {
	srv, client, checkout := startExample()
	defer srv.Close()
	ctx := context.Background()
	res, _ := client.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(4200),
	})
	p, err := client.GetCheckoutPayment(ctx, &oraclepsc.GetCheckoutPaymentRequest{CheckoutID: checkout, CheckoutPmtID: res.Payment.CheckoutPmtID})
	fmt.Println(p.PaymentReferenceID, p.LineAmount, err)

	_, err = client.GetCheckoutPayment(ctx, &oraclepsc.GetCheckoutPaymentRequest{CheckoutID: checkout, CheckoutPmtID: 300000199999999})
	fmt.Println(errors.Is(err, oraclepsc.ErrNotFound))
	// Output:
	// CPAY4528190077361234 42.00 <nil>
	// true
}

func ExampleNewPaymentReferenceID() {
	ref, err := oraclepsc.NewPaymentReferenceID("CPAY")
	fmt.Println(len(ref), ref[:4], err)
	_, err = oraclepsc.NewPaymentReferenceID("CP")
	fmt.Println(err)
	// Output:
	// 20 CPAY <nil>
	// oraclepsc NewPaymentReferenceID invalid input, nothing was sent: prefix: must be 4 ASCII letters or digits (not applied: nothing was sent)
}

func ExampleDefaultAlreadyAppliedCodes() {
	fmt.Println(oraclepsc.DefaultAlreadyAppliedCodes())
	// Output: [JBO-25013]
}

func ExampleTokenSourceFunc_Token() {
	src := oraclepsc.TokenSourceFunc(func(ctx context.Context) (oraclepsc.Token, error) {
		// Ask your identity domain (OAuth2 client credentials or JWT
		// assertion) or Oracle's token relay here.
		return oraclepsc.Token{AccessToken: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", Expiry: time.Now().Add(time.Hour)}, nil
	})
	tok, err := src.Token(context.Background())
	fmt.Println(tok.AccessToken, err) // a Secret never prints
	// Output: REDACTED <nil>
}

func ExampleCheckoutPmtID_String() {
	fmt.Println(oraclepsc.CheckoutPmtID(300000100000123).String())
	// Output: 300000100000123
}

func ExampleCheckoutPmtID_UnmarshalJSON() {
	var ids []oraclepsc.CheckoutPmtID
	err := json.Unmarshal([]byte(`[300000100000123, "300000100000124", null]`), &ids)
	fmt.Println(ids, err)
	// Output: [300000100000123 300000100000124 0] <nil>
}

func ExampleCheckoutPayment_Link() {
	p := oraclepsc.CheckoutPayment{Links: []oraclepsc.Link{
		{Rel: "self", Kind: "item", Href: "https://pod.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/1/child/CheckoutPmt/0002",
			Properties: oraclepsc.LinkProperties{ChangeIndicator: "ACED0005"}},
	}}
	self, ok := p.Link("self")
	fmt.Println(ok, self.Properties.ChangeIndicator)
	_, ok = p.Link("parent")
	fmt.Println(ok)
	// Output:
	// true ACED0005
	// false
}

func ExampleListCheckoutPaymentsResult_FindReference() {
	page := &oraclepsc.ListCheckoutPaymentsResult{Items: []oraclepsc.CheckoutPayment{
		{CheckoutPmtID: 300000100000001, PaymentReferenceID: "CPAY0000000000000001"},
		{CheckoutPmtID: 300000100000002, PaymentReferenceID: "CPAY0000000000000002"},
	}}
	fmt.Println(page.FindReference("CPAY0000000000000002")[0].CheckoutPmtID, len(page.FindReference("CPAY")))
	// Output: 300000100000002 0
}

func ExampleDateOf() {
	fmt.Println(oraclepsc.DateOf(time.Date(2024, 5, 1, 23, 30, 0, 0, time.UTC)))
	// Output: 2024-05-01
}

func ExampleDate_String() {
	fmt.Printf("%q %q\n", oraclepsc.Date{Year: 2024, Month: time.May, Day: 1}.String(), oraclepsc.Date{}.String())
	// Output: "2024-05-01" ""
}

func ExampleDate_IsZero() {
	fmt.Println(oraclepsc.Date{}.IsZero(), oraclepsc.Date{Year: 2024, Month: 5, Day: 1}.IsZero())
	// Output: true false
}

func ExampleDate_MarshalJSON() {
	b, err := json.Marshal(oraclepsc.Date{Year: 2024, Month: time.May, Day: 1})
	fmt.Println(string(b), err)
	_, err = json.Marshal(oraclepsc.Date{Year: 2024, Month: time.February, Day: 30})
	fmt.Println(err)
	// Output:
	// "2024-05-01" <nil>
	// json: error calling MarshalJSON for type oraclepsc.Date: oraclepsc: not a calendar date
}

func ExampleDate_UnmarshalJSON() {
	var d struct{ CheckDate, PaymentDate oraclepsc.Date }
	err := json.Unmarshal([]byte(`{"CheckDate":"2024-04-30","PaymentDate":null}`), &d)
	fmt.Println(d.CheckDate, d.PaymentDate.IsZero(), err)
	// Output: 2024-04-30 true <nil>
}

func ExampleDateTime_MarshalJSON() {
	edt := time.FixedZone("EDT", -4*60*60)
	b, _ := json.Marshal(oraclepsc.DateTime{Time: time.Date(2024, 5, 1, 14, 3, 7, 250e6, edt)})
	fmt.Println(string(b))
	// Output: "2024-05-01T14:03:07.250-04:00"
}

func ExampleDateTime_UnmarshalJSON() {
	var t oraclepsc.DateTime
	err := json.Unmarshal([]byte(`"2024-05-01T18:03:07.25+0000"`), &t)
	fmt.Println(t.UTC(), err)
	// Output: 2024-05-01 18:03:07.25 +0000 UTC <nil>
}

// Code that hides the client behind its own interface can fake any
// outcome with an Error literal.
func ExampleError() {
	err := error(&oraclepsc.Error{
		Partner: "oraclepsc", Op: "CreateCheckoutPayment", StatusCode: 400, Code: "JBO-25013",
		Outcome: oraclepsc.AlreadyApplied, Reconcile: "call ListCheckoutPayments",
	})
	fmt.Println(errors.Is(err, oraclepsc.ErrAlreadyApplied), errors.Is(err, oraclepsc.ErrNotApplied))
	fmt.Println(err)
	// Output:
	// true false
	// oraclepsc CreateCheckoutPayment: HTTP 400 [JBO-25013] (already applied: do not resend; call ListCheckoutPayments)
}

func ExampleParseAmount() {
	a, err := oraclepsc.ParseAmount("100.5")
	fmt.Println(a, a.DecimalPlaces(), err)
	_, err = oraclepsc.ParseAmount("ten")
	fmt.Println(err)
	// Output:
	// 100.50 1 <nil>
	// money: not a decimal number
}

func ExampleCents() {
	fmt.Println(oraclepsc.Cents(10050))
	// Output: 100.50
}

func ExampleDefaultRetryPolicy() {
	p := oraclepsc.DefaultRetryPolicy()
	fmt.Println(p.MaxAttempts, p.BaseDelay, p.MaxDelay)
	// Output: 3 200ms 5s
}

// Exact request shapes can be checked with httpmock on a client of your
// own; the SDK reads its Transport at every call.
func ExampleWithHTTPClient() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet,
		"https://pod.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001/child/CheckoutPmt",
		httpmock.NewStringResponder(200, `{"items":[],"count":0,"hasMore":false,"limit":25,"offset":0}`))
	client, _ := oraclepsc.New(oraclepsc.Config{BaseURL: "https://pod.example", UserName: "u", Password: "p"},
		oraclepsc.WithHTTPClient(&http.Client{Transport: mock}))
	res, err := client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: "300000100000001"})
	fmt.Println(res.Count, err, mock.GetTotalCallCount())
	// Output: 0 <nil> 1
}

func ExampleWithTransportWrapper() {
	srv, _, checkout := startExample()
	defer srv.Close()
	requests := 0
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			requests++ // e.g. otelhttp.NewTransport(rt) instead
			return rt.RoundTrip(r)
		})
	}))
	_, err := client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	fmt.Println(requests, err)
	// Output: 1 <nil>
}

func ExampleWithLogger() {
	srv, _, checkout := startExample()
	defer srv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "time" || a.Key == "host" || a.Key == "duration" {
				return slog.Attr{} // vary from run to run
			}
			return a
		},
	}))
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithLogger(logger))
	_, _ = client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	// Output: level=DEBUG msg="datapump http" datapump.partner=oraclepsc datapump.op=ListCheckoutPayments datapump.method=GET datapump.path=/fusion/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000050000001/child/CheckoutPmt datapump.status=200 datapump.attempt=1
}

func ExampleWithObserver() {
	srv, _, checkout := startExample()
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithObserver(func(a oraclepsc.Attempt) {
		fmt.Println(a.Op, a.Number, a.StatusCode, a.Err == nil)
	}))
	_, _ = client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	// Output: ListCheckoutPayments 1 200 true
}

func ExampleWithTimeout() {
	srv, _, checkout := startExample()
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithTimeout(250*time.Millisecond),
		oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{MaxAttempts: 1}))
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Delay: 5 * time.Second})
	_, err := client.CreateCheckoutPayment(context.Background(), &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234",
	})
	fmt.Println(errors.Is(err, oraclepsc.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

func ExampleWithUserAgent() {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		fmt.Println(r.Header.Get("User-Agent")[:len("citypay/2.3 datapump/")])
		return httpmock.NewStringResponse(200, `{"items":[]}`), nil
	})
	client, _ := oraclepsc.New(oraclepsc.Config{BaseURL: "https://pod.example", UserName: "u", Password: "p"},
		oraclepsc.WithHTTPClient(&http.Client{Transport: mock}), oraclepsc.WithUserAgent("citypay/2.3"))
	_, _ = client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: "1"})
	// Output: citypay/2.3 datapump/
}

func ExampleWithRetryPolicy() {
	srv, _, checkout := startExample()
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{
		MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond,
	}))
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointList, Action: oraclepsctest.Refuse, Status: 503, Times: 3})
	_, err := client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	fmt.Println(err, srv.Calls(oraclepsctest.EndpointList))
	// Output: <nil> 4
}

func ExampleWithIdleConnsPerHost() {
	client, err := oraclepsc.New(oraclepsc.Config{BaseURL: "https://pod.example", UserName: "u", Password: "p"},
		oraclepsc.WithIdleConnsPerHost(512)) // for up to 512 goroutines posting at once
	fmt.Println(client != nil, err)
	// Output: true <nil>
}

// A worker shut down by cancelling its context still learns the outcome
// of a create already on the wire.
func ExampleWithFinishStartedWrites() {
	srv, _, checkout := startExample()
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithFinishStartedWrites())
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Delay: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // the worker is told to stop once its create reached Oracle
		for srv.Calls(oraclepsctest.EndpointCreate) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	res, err := client.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234",
	})
	fmt.Println(err, res.Created)
	// Output: <nil> true
}

// Oracle's list may lag behind a create, so a payment Settle does not
// find stays unknown for the grace after it was sent, and only then is
// absent.
func ExampleWithSettleGrace() {
	srv, _, checkout := startExample()
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithSettleGrace(2*time.Minute))
	ctx := context.Background()
	hint := &oraclepsc.SettleRequest{ // as an outbox stored it; Oracle never got the create
		CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234", Amount: oraclepsc.Cents(4200), SentAt: time.Now(),
	}
	res, _ := client.Settle(ctx, hint)
	fmt.Println(res.Status, "- settle again after", res.RetryAt.Sub(hint.SentAt))

	hint.SentAt = hint.SentAt.Add(-3 * time.Minute) // the same, settled three minutes on
	res, _ = client.Settle(ctx, hint)
	fmt.Println(res.Status, "- safe to create again with the same PaymentReferenceID")
	// Output:
	// unknown - settle again after 2m0s
	// absent - safe to create again with the same PaymentReferenceID
}

// An unknown create is settled from the request its error carries, which
// an outbox stores (it is JSON) and settles after a restart too.
func ExampleClient_Settle() {
	srv, client, checkout := startExample()
	defer srv.Close()
	ctx := context.Background()

	// Oracle records the payment, then the connection drops.
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Action: oraclepsctest.DropAfterApply})
	_, err := client.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: "CPAY4528190077361234", LineAmount: oraclepsc.Cents(4200),
	})
	hint, ok := oraclepsc.SettleRequestOf(err)
	fmt.Println(errors.Is(err, oraclepsc.ErrOutcomeUnknown), ok)
	stored, _ := json.Marshal(hint)

	var req oraclepsc.SettleRequest // later, perhaps after a restart
	_ = json.Unmarshal(stored, &req)
	res, err := client.Settle(ctx, &req)
	if err != nil {
		fmt.Println("still unknown, settle again later:", err)
		return
	}
	switch res.Status {
	case oraclepsc.SettleApplied:
		fmt.Println("applied as", res.Payments[0].CheckoutPmtID, res.Recorded, "amount differs:", res.AmountDiffers)
	case oraclepsc.SettleAbsent:
		fmt.Println("not recorded: create it again with the same PaymentReferenceID")
	default:
		fmt.Println("the list may lag: settle again at", res.RetryAt)
	}
	// Output:
	// true true
	// applied as 300000100000001 42.00 amount differs: false
}

func ExampleSettleRequestOf() {
	err := &oraclepsc.Error{Settle: &oraclepsc.SettleRequest{CheckoutID: "300000100000001", PaymentReferenceID: "CPAY4528190077361234"}}
	hint, ok := oraclepsc.SettleRequestOf(fmt.Errorf("outbox: %w", err))
	fmt.Println(hint.CheckoutID, hint.PaymentReferenceID, ok)
	_, ok = oraclepsc.SettleRequestOf(&oraclepsc.Error{Outcome: oraclepsc.NotApplied})
	fmt.Println(ok)
	// Output:
	// 300000100000001 CPAY4528190077361234 true
	// false
}
