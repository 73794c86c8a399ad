package crmcom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
)

// exampleFake starts a fake CRM.COM with account 192 and two invoices,
// I00000294 (138.00) and I00000295 (60.00).
func exampleFake() *crmcomtest.Server {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	srv.AddAccount(crmcomtest.Account{Number: "192", Name: "Peter Johnson Premium"})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I00000294", Amount: crmcom.Cents(13800)})
	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I00000295", Amount: crmcom.Cents(6000)})
	return srv
}

// examplePay is a pay_invoice request for an invoice of account 192.
func examplePay(invoice crmcom.ID) *crmcom.PayInvoiceRequest {
	return &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Invoice:            crmcom.InvoiceIdentifier{Number: invoice},
		Type:               crmcom.TypeIdentifier{Name: "Invoices Balance Payment"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Direct Debit"},
	}
}

// exampleDraft creates a DRAFT payment of 25.00 on account 192.
func exampleDraft(ctx context.Context, client *crmcom.Client) *crmcom.PaymentSummary {
	draft, err := client.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Type:               crmcom.TypeIdentifier{Name: "Payment 1"},
		LifeCycleState:     crmcom.Draft,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"},
		PaymentAmount:      crmcom.Cents(2500),
	})
	if err != nil {
		panic(err)
	}
	return draft
}

func ExampleNew() {
	client, err := crmcom.New(crmcom.Config{
		BaseURL:      "https://crm.example.com/crmapi/rest/v2",
		Username:     "JackH",
		Password:     "from your secret store",
		Organisation: "Main Organisation",
	}, crmcom.WithTimeout(20*time.Second))
	fmt.Println(client != nil, err)

	_, err = crmcom.New(crmcom.Config{BaseURL: "http://crm.example.com/crmapi/rest/v2", WebAPIKey: "k", Username: "JackH"})
	var e *crmcom.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			fmt.Println(f.Field)
		}
	}
	// Output:
	// true <nil>
	// Config.BaseURL
	// Config.WebAPIKey
}

func ExampleClient_PayInvoice() {
	srv := exampleFake()
	defer srv.Close()
	client, err := crmcom.New(srv.Config())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	req := examplePay("I00000294")
	req.ExpectedAmount = crmcom.Cents(13800) // what the customer was charged
	res, err := client.PayInvoice(ctx, req)
	switch {
	case err == nil:
		fmt.Println("paid:", res.Payment.PaymentAmount, res.Payment.LifeCycleState, "differs:", res.AmountDiffers)
	case errors.Is(err, crmcom.ErrAlreadyApplied):
		fmt.Println("paid before: never pay again")
	case errors.Is(err, crmcom.ErrNotApplied):
		fmt.Println("not paid: fix (or, if temporary, retry later) and resend")
	default: // crmcom.ErrOutcomeUnknown
		fmt.Println("may be paid: reconcile first")
	}

	_, err = client.PayInvoice(ctx, req)
	fmt.Println("again:", errors.Is(err, crmcom.ErrAlreadyApplied))
	// Output:
	// paid: 138.00 POSTED differs: false
	// again: true
}

// An unknown outcome, settled by hand with the read-back the error names
// (Client.Settle does it from the error's SettleRequest).
func ExampleClient_PayInvoice_unknownOutcome() {
	srv := exampleFake()
	defer srv.Close()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I00000294", Action: crmcomtest.DropAfterApply})
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()

	_, err := client.PayInvoice(ctx, examplePay("I00000294"))
	var e *crmcom.Error
	if errors.As(err, &e) && errors.Is(err, crmcom.ErrOutcomeUnknown) {
		fmt.Println(e.Reconcile)
	}
	latest, _ := client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Number:             1,
		FieldsSet:          []string{"life_cycle_state", "invoices_to_pay_set"},
	})
	p := latest.Payments[0]
	fmt.Println(p.LifeCycleState, p.InvoicesToPaySet[0].Number, "- it was paid")
	// Output:
	// settle it (Settle, or GetLatestPayments for the accounts receivable and a POSTED payment whose invoices_to_pay_set holds it) for invoice_identifier number=I00000294 before paying it again
	// POSTED I00000294 - it was paid
}

func ExampleClient_PayBill() {
	srv := exampleFake()
	defer srv.Close()
	srv.AddBill(crmcomtest.Bill{Account: "192", Number: "128", Amount: crmcom.Cents(10000)})
	client, _ := crmcom.New(srv.Config())

	res, err := client.PayBill(context.Background(), &crmcom.PayBillRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Bill:               crmcom.BillIdentifier{Number: "128"},
		Type:               crmcom.TypeIdentifier{Name: "Invoices Balance Payment"},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Direct Debit"},
		Category:           crmcom.CategoryIdentifier{Name: "Bill Payments"},
	})
	fmt.Println(res.Payment.PaymentAmount, res.Payment.LifeCycleState, err)
	// Output: 100.00 POSTED <nil>
}

func ExampleClient_CreatePayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())

	p, err := client.CreatePayment(context.Background(), &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Type:               crmcom.TypeIdentifier{Name: "Payment 1"},
		LifeCycleState:     crmcom.Posted,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"},
		PaymentAmount:      crmcom.Cents(5000),
		ReceivedOn:         time.Date(2015, 3, 2, 9, 12, 54, 0, time.UTC),
		InvoicesToPay:      []crmcom.InvoiceIdentifier{{Number: "I00000294"}},
		UserDefinedFields:  crmcom.UserDefinedFields{UDFString1: "order-7731"}, // your key, for reconciling
	})
	fmt.Println(p.PaymentAmount, p.LifeCycleState, err)
	left, _ := srv.Outstanding("I00000294")
	fmt.Println("outstanding:", left)
	// Output:
	// 50.00 POSTED <nil>
	// outstanding: 88.00
}

func ExampleClient_PostPayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	draft := exampleDraft(ctx, client)

	posted, err := client.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: draft.Identifier()})
	fmt.Println(draft.LifeCycleState, "->", posted.LifeCycleState, err)
	_, err = client.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: draft.Identifier()})
	fmt.Println("again:", errors.Is(err, crmcom.ErrAlreadyApplied))
	// Output:
	// DRAFT -> POSTED <nil>
	// again: true
}

func ExampleClient_RejectPayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	draft := exampleDraft(ctx, client)

	rejected, err := client.RejectPayment(ctx, &crmcom.RejectPaymentRequest{
		Payment:         crmcom.PaymentIdentifier{ReferenceNumber: draft.ReferenceNumber},
		RejectionReason: crmcom.RejectionReasonIdentifier{Name: "Reject Due to Business Request"},
	})
	fmt.Println(rejected.LifeCycleState, err)
	_, err = client.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: draft.Identifier()})
	var e *crmcom.Error
	if errors.As(err, &e) && errors.Is(err, crmcom.ErrNotApplied) {
		fmt.Println("post refused:", e.Code)
	}
	// Output:
	// REJECTED <nil>
	// post refused: INVALID_LIFE_CYCLE_STATE
}

func ExampleClient_CancelPayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	paid, _ := client.PayInvoice(ctx, examplePay("I00000295"))

	res, err := client.CancelPayment(ctx, &crmcom.CancelPaymentRequest{
		Payment:     paid.Payment.Identifier(),
		Type:        crmcom.TypeIdentifier{Name: "Payment Cancellation"},
		Category:    crmcom.CategoryIdentifier{Name: "Cancellation Because of Mistake"},
		IssueReason: "paid twice by the customer's bank",
	})
	fmt.Println("cancellation:", res.Cancellation.PaymentAmount, res.Cancellation.LifeCycleState, err)
	left, _ := srv.Outstanding("I00000295")
	fmt.Println("outstanding again:", left)
	// Output:
	// cancellation: 60.00 POSTED <nil>
	// outstanding again: 60.00
}

func ExampleClient_ShowPayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	paid, _ := client.PayInvoice(ctx, examplePay("I00000294"))

	p, err := client.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: paid.Payment.Identifier()})
	fmt.Println(p.LifeCycleState, p.PaymentAmount, p.AccountsReceivable.Name, p.Type.Name, err)
	brief, _ := client.ShowPayment(ctx, &crmcom.ShowPaymentRequest{
		Payment:   crmcom.PaymentIdentifier{Number: paid.Payment.Number},
		FieldsSet: []string{"life_cycle_state"},
	})
	fmt.Printf("%q %q\n", brief.LifeCycleState, brief.AccountsReceivable.Name)
	// Output:
	// POSTED 138.00 Peter Johnson Premium Invoices Balance Payment <nil>
	// "POSTED" ""
}

func ExampleClient_ListPayments() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	_, _ = client.PayInvoice(ctx, examplePay("I00000294"))
	_, _ = client.PayInvoice(ctx, examplePay("I00000295"))

	page, err := client.ListPayments(ctx, &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		FieldsSet:          []string{"payment_amount"},
		NumberOfResults:    10,
	})
	for _, p := range page.Payments {
		fmt.Println(p.PaymentAmount)
	}
	fmt.Println(err)
	// Output:
	// 138.00
	// 60.00
	// <nil>
}

func ExampleClient_AllPayments() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	for i := range 5 {
		_, _ = client.CreatePayment(ctx, &crmcom.CreatePaymentRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
			Type:               crmcom.TypeIdentifier{Name: "Payment 1"}, LifeCycleState: crmcom.Posted,
			PaymentMethod: crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"}, PaymentAmount: crmcom.Cents(int64(100 * (i + 1))),
		})
	}

	total := crmcom.Cents(0)
	for p, err := range client.AllPayments(ctx, &crmcom.ListPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		NumberOfResults:    2, // pages of two
	}) {
		if err != nil {
			fmt.Println(err)
			break
		}
		total, _ = total.Add(p.PaymentAmount)
	}
	fmt.Println(total, "in", srv.Calls(crmcomtest.EndpointList), "pages")
	// Output: 15.00 in 3 pages
}

func ExampleClient_GetLatestPayments() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	_, _ = client.PayInvoice(ctx, examplePay("I00000294"))
	_, _ = client.PayInvoice(ctx, examplePay("I00000295"))

	latest, err := client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Number:             1,
	})
	fmt.Println(len(latest.Payments), latest.Payments[0].PaymentAmount, err)
	// Output: 1 60.00 <nil>
}

func ExampleClient_Login() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())

	err := client.Login(context.Background()) // check the credentials at start-up
	fmt.Println(err, srv.Logins())

	cfg := srv.Config()
	cfg.Password = "wrong"
	bad, _ := crmcom.New(cfg)
	err = bad.Login(context.Background())
	var e *crmcom.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, errors.Is(err, crmcom.ErrTemporary))
	}
	// Output:
	// <nil> 1
	// INVALID_CREDENTIALS false
}

func ExampleClient_Close() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()
	_, _ = client.PayInvoice(ctx, examplePay("I00000294"))

	err := client.Close(ctx) // e.g. when the service shuts down
	fmt.Println(err, srv.Releases(), srv.LiveTokens())
	// Output: <nil> 1 0
}

func ExamplePaymentSummary_Identifier() {
	s := crmcom.PaymentSummary{ID: "83DFE781350877933A6FA2A51EF0F102", Number: "100", ReferenceNumber: "115"}
	fmt.Printf("%+v\n", s.Identifier())
	// Output: {ID:83DFE781350877933A6FA2A51EF0F102 Number: ReferenceNumber: BackOfficeCode:}
}

func ExamplePayment_Identifier() {
	p := crmcom.Payment{ID: "830C6B800A1EAB42EA8D670ED6871E41", Number: "96"}
	req := &crmcom.ShowPaymentRequest{Payment: p.Identifier()}
	fmt.Println(req.Payment.ID)
	// Output: 830C6B800A1EAB42EA8D670ED6871E41
}

func ExampleID_UnmarshalJSON() {
	var v struct {
		ID     crmcom.ID `json:"id"`
		Number crmcom.ID `json:"number"`
		Posted crmcom.ID `json:"posted"`
	}
	err := json.Unmarshal([]byte(`{"id":"830C6B80","number":96,"posted":null}`), &v)
	fmt.Printf("%q %q %q %v\n", v.ID, v.Number, v.Posted, err)
	// Output: "830C6B80" "96" "" <nil>
}

func ExampleDecimal_MarshalJSON() {
	b, err := json.Marshal(struct {
		F crmcom.Decimal `json:"udf_float_1"`
	}{"10.25"})
	fmt.Println(string(b), err)
	_, err = json.Marshal(crmcom.Decimal("ten"))
	fmt.Println(err != nil)
	// Output:
	// {"udf_float_1":10.25} <nil>
	// true
}

func ExampleDecimal_UnmarshalJSON() {
	var v []crmcom.Decimal
	err := json.Unmarshal([]byte(`[10, "20.5", -3e2, null]`), &v)
	fmt.Printf("%q %v\n", v, err)
	// Output: ["10" "20.5" "-3e2" ""] <nil>
}

func ExampleTime_UnmarshalJSON() {
	var v struct {
		IssuedOn crmcom.Time `json:"issued_on"`
		PostedOn crmcom.Time `json:"posted_on"`
	}
	err := json.Unmarshal([]byte(`{"issued_on":"2014-07-14T16:49:11","posted_on":null}`), &v)
	fmt.Println(v.IssuedOn.Format(time.DateTime), v.PostedOn.IsZero(), err)
	// Output: 2014-07-14 16:49:11 true <nil>
}

func ExampleTime_MarshalJSON() {
	nicosia := time.FixedZone("EET", 2*60*60)
	b, _ := json.Marshal([]crmcom.Time{{Time: time.Date(2014, 7, 14, 9, 12, 54, 0, nicosia)}, {}})
	fmt.Println(string(b))
	// Output: ["2014-07-14T09:12:54",null]
}

func ExampleParseAmount() {
	a, err := crmcom.ParseAmount("138.5")
	fmt.Println(a, err)
	_, err = crmcom.ParseAmount("about 10")
	fmt.Println(err != nil)
	// Output:
	// 138.50 <nil>
	// true
}

func ExampleCents() {
	fmt.Println(crmcom.Cents(13800), crmcom.Cents(5))
	// Output: 138.00 0.05
}

func ExampleDefaultRetryPolicy() {
	p := crmcom.DefaultRetryPolicy()
	fmt.Println(p.MaxAttempts, p.BaseDelay, p.MaxDelay)
	// Output: 3 200ms 5s
}

// A caller that hides the client behind its own interface builds the
// SDK's errors for its own fakes.
func ExampleError() {
	var pay func() error = func() error {
		return &crmcom.Error{Partner: "crmcom", Op: "PayInvoice", Outcome: crmcom.NotApplied, Temporary: true, StatusCode: 503}
	}
	err := pay()
	fmt.Println(errors.Is(err, crmcom.ErrNotApplied), errors.Is(err, crmcom.ErrTemporary))
	fmt.Println(errors.Is(&crmcom.Error{}, crmcom.ErrOutcomeUnknown), "(the zero Error never claims a resend is safe)")
	// Output:
	// true true
	// true (the zero Error never claims a resend is safe)
}

func ExampleWithHTTPClient() {
	srv := exampleFake()
	defer srv.Close()
	hc := &http.Client{Timeout: 10 * time.Second} // your own client: proxy, tracing, ...
	client, _ := crmcom.New(srv.Config(), crmcom.WithHTTPClient(hc))
	_, err := client.PayInvoice(context.Background(), examplePay("I00000294"))
	fmt.Println(err)
	// Output: <nil>
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
	return t.next.RoundTrip(r)
}

func ExampleWithTransportWrapper() {
	srv := exampleFake()
	defer srv.Close()
	var counter *countingTransport
	client, _ := crmcom.New(srv.Config(), crmcom.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		counter = &countingTransport{next: rt} // e.g. otelhttp.NewTransport(rt)
		return counter
	}))
	_, _ = client.PayInvoice(context.Background(), examplePay("I00000294"))
	fmt.Println(counter.n, "requests: a login and the payment")
	// Output: 2 requests: a login and the payment
}

func ExampleWithLogger() {
	srv := exampleFake()
	defer srv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case "time", "host", "duration": // vary from run to run
				return slog.Attr{}
			}
			return a
		},
	}))
	client, _ := crmcom.New(srv.Config(), crmcom.WithLogger(logger))
	_, _ = client.PayInvoice(context.Background(), examplePay("I00000294"))
	// Output:
	// level=DEBUG msg="datapump http" datapump.partner=crmcom datapump.op=Login datapump.method=POST datapump.path=/crmapi/rest/v2/authentication/token datapump.status=200 datapump.attempt=1
	// level=DEBUG msg="datapump http" datapump.partner=crmcom datapump.op=PayInvoice datapump.method=POST datapump.path=/crmapi/rest/v2/payments/pay_invoice datapump.status=200 datapump.attempt=1
}

func ExampleWithObserver() {
	srv := exampleFake()
	defer srv.Close()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Action: crmcomtest.Refuse, Status: 429, RetryAfter: "0"})
	client, _ := crmcom.New(srv.Config(), crmcom.WithObserver(func(a crmcom.Attempt) {
		fmt.Printf("%s attempt %d: HTTP %d, retry %v %q\n", a.Op, a.Number, a.StatusCode, a.Retry, a.RetryReason) // feed your metrics
	}), crmcom.WithRetryPolicy(crmcom.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	_, err := client.PayInvoice(context.Background(), examplePay("I00000294"))
	fmt.Println(err)
	// Output:
	// Login attempt 1: HTTP 200, retry false ""
	// PayInvoice attempt 1: HTTP 429, retry true "partner refused for now"
	// PayInvoice attempt 2: HTTP 200, retry false ""
	// <nil>
}

func ExampleWithTimeout() {
	srv := exampleFake()
	defer srv.Close()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Delay: time.Second})
	client, _ := crmcom.New(srv.Config(), crmcom.WithTimeout(50*time.Millisecond))
	_, err := client.PayInvoice(context.Background(), examplePay("I00000294"))
	fmt.Println(errors.Is(err, crmcom.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

func ExampleWithUserAgent() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config(), crmcom.WithUserAgent("citypay/2.3"))
	fmt.Println(client.Login(context.Background()))
	// Output: <nil>
}

func ExampleWithRetryPolicy() {
	srv := exampleFake()
	defer srv.Close()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointGetLatest, Action: crmcomtest.Refuse, Status: 503, Times: 2})
	client, _ := crmcom.New(srv.Config(), crmcom.WithRetryPolicy(crmcom.RetryPolicy{
		MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond,
	}))
	_, err := client.GetLatestPayments(context.Background(), &crmcom.GetLatestPaymentsRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 5,
	})
	fmt.Println(err, srv.Calls(crmcomtest.EndpointGetLatest), "attempts: a read is retried")
	// Output: <nil> 3 attempts: a read is retried
}

func ExampleWithIdleConnsPerHost() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config(), crmcom.WithIdleConnsPerHost(16))
	ctx := context.Background()
	_ = client.Login(ctx)
	var wg sync.WaitGroup
	for range 16 { // 16 goroutines, 4 reads each
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				_, _ = client.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
					AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 1,
				})
			}
		}()
	}
	wg.Wait()
	fmt.Println("connections reused:", srv.NewConns() <= 2*16+1)
	// Output: connections reused: true
}

func ExampleWithFinishStartedWrites() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config(), crmcom.WithFinishStartedWrites())
	_ = client.Login(context.Background())
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Delay: 200 * time.Millisecond})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond) // a worker shutting down
	defer cancel()
	res, err := client.PayInvoice(ctx, examplePay("I00000294"))
	fmt.Println(res.Payment.LifeCycleState, err, "- a definite outcome, not ErrOutcomeUnknown")
	// Output: POSTED <nil> - a definite outcome, not ErrOutcomeUnknown
}

// An unknown pay is settled from the request its error carries, which an
// outbox stores (it is JSON) and settles after a restart too.
func ExampleClient_Settle() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config())
	ctx := context.Background()

	// CRM.COM pays the invoice, then the connection drops.
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Key: "I00000294", Action: crmcomtest.DropAfterApply})
	req := examplePay("I00000294")
	req.ExpectedAmount = crmcom.Cents(13800)
	_, err := client.PayInvoice(ctx, req)
	hint, ok := crmcom.SettleRequestOf(err)
	fmt.Println(errors.Is(err, crmcom.ErrOutcomeUnknown), ok)

	stored, _ := json.Marshal(hint) // into the outbox, beside the payment
	var back crmcom.SettleRequest
	_ = json.Unmarshal(stored, &back)
	res, err := client.Settle(ctx, &back)
	if err != nil {
		fmt.Println("settle again later:", err)
		return
	}
	switch res.Status {
	case crmcom.SettleApplied:
		p := res.Payments[0]
		fmt.Println("applied:", p.LifeCycleState, res.Recorded, "differs:", res.AmountDiffers, "- never pay it again")
	case crmcom.SettleAbsent:
		fmt.Println("absent: pay it again")
	default:
		fmt.Println("unknown: settle again at", res.RetryAt)
	}
	// Output:
	// true true
	// applied: POSTED 138.00 differs: false - never pay it again
}

// CRM.COM takes no reference of the caller's own: put yours in a
// user-defined string field and name it, and an unknown create can be
// settled.
func ExampleClient_Settle_createPayment() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config(), crmcom.WithSettleGrace(0))
	ctx := context.Background()
	req := &crmcom.CreatePaymentRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Type:               crmcom.TypeIdentifier{Name: "Payment 1"},
		LifeCycleState:     crmcom.Posted,
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: "Bank Transfer"},
		PaymentAmount:      crmcom.Cents(2500),
		UserDefinedFields:  crmcom.UserDefinedFields{UDFString1: "order-7731"},
		ReferenceUDF:       1, // UDFString1 holds our reference
	}

	// The connection drops before CRM.COM creates the payment.
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Action: crmcomtest.DropBeforeApply})
	_, err := client.CreatePayment(ctx, req)
	hint, _ := crmcom.SettleRequestOf(err)
	res, _ := client.Settle(ctx, hint)
	fmt.Println(hint.Reference, res.Status)
	if res.Status == crmcom.SettleAbsent {
		_, err = client.CreatePayment(ctx, req) // safe to send again
	}
	res, _ = client.Settle(ctx, hint)
	fmt.Println(err, res.Status, len(res.Payments), res.Recorded)
	// Output:
	// order-7731 absent
	// <nil> applied 1 25.00
}

func ExampleSettleRequestOf() {
	err := &crmcom.Error{Settle: &crmcom.SettleRequest{
		Op:                 "PayInvoice",
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Invoice:            crmcom.InvoiceIdentifier{Number: "I00000294"},
	}}
	hint, ok := crmcom.SettleRequestOf(fmt.Errorf("outbox: %w", err))
	fmt.Println(hint.Op, hint.Invoice.Number, ok)
	_, ok = crmcom.SettleRequestOf(errors.New("no crmcom error"))
	fmt.Println(ok)
	// Output:
	// PayInvoice I00000294 true
	// false
}

// A pay that does not show in the read-back stays unknown for the settle
// grace after it was sent, as CRM.COM's reads may lag behind its writes;
// only after it is it absent.
func ExampleWithSettleGrace() {
	srv := exampleFake()
	defer srv.Close()
	client, _ := crmcom.New(srv.Config(), crmcom.WithSettleGrace(time.Hour))
	ctx := context.Background()
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointPayInvoice, Action: crmcomtest.DropBeforeApply})
	_, err := client.PayInvoice(ctx, examplePay("I00000295"))
	hint, _ := crmcom.SettleRequestOf(err)

	res, _ := client.Settle(ctx, hint)
	fmt.Println("now:", res.Status, "- settle again at SentAt+1h:", res.RetryAt.Equal(hint.SentAt.Add(time.Hour)))

	hint.SentAt = hint.SentAt.Add(-2 * time.Hour) // as if settled two hours later
	res, _ = client.Settle(ctx, hint)
	fmt.Println("two hours on:", res.Status, "- pay it again")
	// Output:
	// now: unknown - settle again at SentAt+1h: true
	// two hours on: absent - pay it again
}
