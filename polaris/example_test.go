package polaris_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
)

// Pay a patron's fines after the card reader took the money; an unknown
// outcome carries what settles it (see Client.Settle).
func Example() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}, {Amount: polaris.Cents(400)}}})

	client, err := polaris.New(srv.Config()) // in production: your Polaris URL, branch and staff user
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	req := &polaris.PayFinesAndFeesRequest{
		PatronID:      p.ID,
		TxnAmount:     polaris.Cents(1000),
		MainTxnIDs:    []polaris.TxnID{p.Charges[0].TxnID, p.Charges[1].TxnID},
		PaymentMethod: polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{
			TxnAmount: polaris.Cents(1000), TxnStatus: "Finished", Error: "OK", CCDigits: "4219", CCType: "VISA",
		},
		// What the charges owed (from the fines shown to the patron): not
		// sent, it lets Settle tell an unknown outcome apart.
		OwedBefore: map[polaris.TxnID]polaris.Amount{p.Charges[0].TxnID: polaris.Cents(600), p.Charges[1].TxnID: polaris.Cents(400)},
	}
	res, err := client.PayFinesAndFees(ctx, req)
	var e *polaris.Error
	switch {
	case err == nil:
		fmt.Println("recorded as", len(res.TxnIDs), "payment transactions")
	case errors.Is(err, polaris.ErrAlreadyApplied):
		fmt.Println("paid before: the earlier payment stands")
	case errors.Is(err, polaris.ErrNotApplied):
		fmt.Println("not recorded; temporary:", errors.Is(err, polaris.ErrTemporary))
	case errors.As(err, &e): // ErrOutcomeUnknown: never pay again blindly
		hint, _ := polaris.SettleRequestOf(err) // store it, then settle it with client.Settle
		fmt.Println("unknown; settle patron", hint.PatronID, "charges", hint.MainTxnIDs)
	}
	// Output:
	// recorded as 2 payment transactions
}

func ExampleNew() {
	client, err := polaris.New(polaris.Config{
		BaseURL:        "https://catalog.example.org/Polaris.ApplicationServices",
		OrganizationID: 3,
		WorkstationID:  1,
		StaffDomain:    "LIBRARY",
		StaffUserName:  "leapstaff",
		StaffPassword:  "from your secret store",
		Location:       time.FixedZone("EST", -5*60*60), // the zone Polaris writes its times in
	}, polaris.WithTimeout(20*time.Second))
	fmt.Println(client != nil, err)

	_, err = polaris.New(polaris.Config{BaseURL: "http://catalog.example.org/Polaris.ApplicationServices"})
	fmt.Println(err)
	// Output:
	// true <nil>
	// polaris New invalid input, nothing was sent: Config.BaseURL: must use https (plain http is allowed for loopback test servers only); Config.OrganizationID: must be greater than zero; Config.WorkstationID: must be greater than zero; Config.StaffDomain: is required; Config.StaffUserName: is required; Config.StaffPassword: is required (not applied: nothing was sent)
}

func ExampleClient_Authenticate() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	client, _ := polaris.New(srv.Config())

	auth, err := client.Authenticate(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as", auth.PolarisUser.Name, "on site", auth.SiteDomain)
	fmt.Println("token:", auth.AccessToken) // a Secret never prints
	fmt.Println("valid for a day:", time.Until(auth.AuthExpDate) > 23*time.Hour)
	// Output:
	// logged in as leapstaff on site polaris
	// token: REDACTED
	// valid for a day: true
}

func ExampleClient_PayFinesAndFees() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}, {Amount: polaris.Cents(400)}}})
	client, _ := polaris.New(srv.Config())

	// A partial payment; Reload returns what the patron still owes.
	res, err := client.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID:      p.ID,
		TxnAmount:     polaris.Cents(750),
		MainTxnIDs:    []polaris.TxnID{p.Charges[0].TxnID, p.Charges[1].TxnID},
		PaymentMethod: polaris.Cash,
		FreeTextNote:  "Paid at the front desk",
		Reload:        true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("payment transactions:", len(res.TxnIDs))
	for _, f := range res.FinesAndFees {
		fmt.Println(f.FeeDescription, f.TxnAmount, "still owes", f.OutstandingAmount)
	}
	// Output:
	// payment transactions: 2
	// Damage 4.00 still owes 2.50
}

// A repeat of a payment Polaris recorded is refused as already paid.
func ExampleClient_PayFinesAndFees_alreadyPaid() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config())
	req := &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	}
	_, err := client.PayFinesAndFees(context.Background(), req)
	fmt.Println("first:", err)
	_, err = client.PayFinesAndFees(context.Background(), req)
	fmt.Println("again, already applied:", errors.Is(err, polaris.ErrAlreadyApplied))
	// Output:
	// first: <nil>
	// again, already applied: true
}

// A secured patron record is its own error, matched with errors.Is.
func Example_patronSecured() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Secured: true, Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config())
	_, err := client.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	})
	fmt.Println(errors.Is(err, polaris.ErrPatronSecured), errors.Is(err, polaris.ErrNotApplied), errors.Is(err, polaris.ErrTemporary))
	// Output:
	// true true false
}

func ExampleClient_GetFinesAndFees() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600), FeeDescription: "Lost item"}}})
	client, _ := polaris.New(srv.Config())

	fines, err := client.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fines.FinesAndFees {
		fmt.Println(f.TxnCodeID, f.FeeDescription, f.OutstandingAmount)
	}
	// Output:
	// Charge Lost item 6.00
}

// Answer a workflow's prompts until it is done: here, a checkout asks
// whether to lend an item on hold for someone else, then to pay its
// charges, which the card reader took.
func ExampleClient_AnswerWorkflow() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{})
	client, _ := polaris.New(srv.Config())
	ctx := context.Background()

	// The checkout that started the workflow is not part of this package;
	// the fake starts one and returns its first prompt.
	res := srv.StartWorkflow(polaristest.Workflow{
		PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70), HoldNotice: true,
	})
	var err error
	for err == nil && !res.Done() {
		fmt.Println("prompt:", res.Prompt.Message)
		var answer *polaris.WorkflowAnswer
		switch res.Prompt.WorkflowPromptID {
		case polaristest.PaymentPromptID:
			answer = res.Answer(polaris.PromptContinue)
			answer.ReplyExtension = polaris.ReplyExtension{
				WorkflowReplyExtensionType: 3,
				Data: polaris.ReplyData{
					ProcChargeTxnCodeID: polaris.Payment, ProcTransAmount: polaris.Cents(100),
					OVDChargeTxnCodeID: polaris.Payment, OVDTransAmount: polaris.Cents(70),
					PayMethod: polaris.CreditCard,
					CreditCardPaymentData: polaris.CreditCardPaymentData{
						TxnAmount: polaris.Cents(170), TxnStatus: "Finished", Error: "OK", CCDigits: "4219",
					},
				},
			}
		default:
			answer = res.Answer(polaris.PromptYes)
		}
		res, err = client.AnswerWorkflow(ctx, answer)
	}
	switch {
	case errors.Is(err, polaris.ErrOutcomeUnknown):
		fmt.Println("the charges may have been paid: read them back before answering again")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(res.Status, res.InformationMessages[0].Message)
	}
	// Output:
	// prompt: This item is on hold for another patron. Check it out anyway?
	// prompt: Processing charge 1.00, overdue charge 0.70. Pay now?
	// CompletedSuccessfully The item was checked out.
}

func ExampleFinesAndFeesResult_Outstanding() {
	fines := &polaris.FinesAndFeesResult{FinesAndFees: []polaris.FineFee{
		{TxnID: 3665717, TxnAmount: polaris.Cents(600), OutstandingAmount: polaris.Cents(250)},
	}}
	owed, listed := fines.Outstanding(3665717)
	fmt.Println(owed, listed)
	owed, listed = fines.Outstanding(3665712) // paid in full, so no longer listed
	fmt.Println(owed, listed)
	// Output:
	// 2.50 true
	// 0.00 false
}

func ExampleWorkflowResult_Done() {
	for _, r := range []polaris.WorkflowResult{
		{Status: polaris.InputRequired, Prompt: &polaris.Prompt{WorkflowPromptID: 92}},
		{Status: polaris.CompletedSuccessfully},
		{Status: polaris.CompletedCancelled},
	} {
		fmt.Println(r.Status, r.Done())
	}
	// Output:
	// InputRequired false
	// CompletedSuccessfully true
	// CompletedCancelled true
}

func ExampleWorkflowResult_Answer() {
	res := &polaris.WorkflowResult{
		WorkflowRequestGUID: "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22", WorkflowRequestType: 2,
		Status: polaris.InputRequired, Prompt: &polaris.Prompt{WorkflowPromptID: 92, Message: "Pay the charges?"},
	}
	a := res.Answer(polaris.PromptPay)
	fmt.Println(a.WorkflowRequestGUID, a.WorkflowRequestType, a.WorkflowStatus, a.WorkflowPromptID, a.WorkflowPromptResult)
	// Output:
	// 5d356b6e-d626-4b8c-aa3b-f08fc4caaa22 2 InputRequired 92 Pay
}

func ExamplePatronAccountTxnCode_String() {
	fmt.Println(polaris.Charge, polaris.Payment, polaris.AutoWaive, polaris.PatronAccountTxnCode(42))
	// Output:
	// Charge Payment AutoWaive 42
}

func ExamplePatronPaymentMethod_String() {
	fmt.Println(polaris.Cash, polaris.CreditCard, polaris.SmartCard, polaris.PatronPaymentMethod(7))
	// Output:
	// Cash CreditCard SmartCard 7
}

func ExampleWorkflowStatus_String() {
	fmt.Println(polaris.InputRequired, polaris.ErrorOccurred, polaris.CompletedCancelled, polaris.WorkflowStatus(9))
	// Output:
	// InputRequired ErrorOccurred CompletedCancelled 9
}

func ExampleWorkflowPromptResult_String() {
	fmt.Println(polaris.PromptOK, polaris.PromptContinue, polaris.PromptCharge, polaris.WorkflowPromptResult(0))
	// Output:
	// OK Continue Charge 0
}

func ExampleTime_UnmarshalJSON() {
	var f polaris.FineFee
	_ = json.Unmarshal([]byte(`{"TxnDate":"2013-05-29T17:11:59.33"}`), &f)
	// Read alone, a zone-less time is UTC; the Client reads it in Config.Location.
	fmt.Println(f.TxnDate.Format(time.RFC3339Nano))
	// Output:
	// 2013-05-29T17:11:59.33Z
}

func ExampleTime_MarshalJSON() {
	t := polaris.Time{Time: time.Date(2013, 5, 29, 17, 11, 59, 330_000_000, time.FixedZone("EDT", -4*60*60))}
	b, _ := json.Marshal(t)
	fmt.Println(string(b))
	b, _ = json.Marshal(polaris.Time{})
	fmt.Println(string(b))
	// Output:
	// "2013-05-29T17:11:59.33-04:00"
	// null
}

func ExampleDefaultAlreadyAppliedPhrases() {
	fmt.Println(polaris.DefaultAlreadyAppliedPhrases())
	// Your Polaris words its refusals otherwise? Configure them:
	cfg := polaris.Config{AlreadyAppliedPhrases: append(polaris.DefaultAlreadyAppliedPhrases(), "has no outstanding balance")}
	fmt.Println(len(cfg.AlreadyAppliedPhrases))
	// Output:
	// [already paid already completed]
	// 3
}

func ExampleParseAmount() {
	a, err := polaris.ParseAmount("12.15")
	fmt.Println(a, err)
	_, err = polaris.ParseAmount("12,15")
	fmt.Println(err)
	// Output:
	// 12.15 <nil>
	// money: not a decimal number
}

func ExampleCents() {
	fmt.Println(polaris.Cents(1215), polaris.Cents(600))
	// Output:
	// 12.15 6.00
}

// Every error is a *Error; code that fakes this package behind its own
// interface can build each outcome.
func ExampleError() {
	unknown := &polaris.Error{Partner: "polaris", Op: "PayFinesAndFees", StatusCode: 502,
		Reconcile: "call GetFinesAndFees for PatronID 1234"}
	secured := &polaris.Error{Partner: "polaris", Op: "PayFinesAndFees", StatusCode: 409, Outcome: polaris.NotApplied}
	fmt.Println(errors.Is(unknown, polaris.ErrOutcomeUnknown), errors.Is(secured, polaris.ErrNotApplied))
	fmt.Println(unknown)
	// Output:
	// true true
	// polaris PayFinesAndFees: HTTP 502 (outcome unknown: reconcile before resending; call GetFinesAndFees for PatronID 1234)
}

func ExampleDefaultRetryPolicy() {
	p := polaris.DefaultRetryPolicy()
	fmt.Println(p.MaxAttempts, p.BaseDelay, p.MaxDelay)
	p.MaxAttempts = 5
	_, err := polaris.New(polaris.Config{
		BaseURL: "https://catalog.example.org/Polaris.ApplicationServices", OrganizationID: 3, WorkstationID: 1,
		StaffDomain: "LIBRARY", StaffUserName: "leapstaff", StaffPassword: "from your secret store",
	}, polaris.WithRetryPolicy(p))
	fmt.Println(err)
	// Output:
	// 3 200ms 5s
	// <nil>
}

func ExampleWithRetryPolicy() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	_, err := polaris.New(srv.Config(), polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 0}))
	fmt.Println(err)
	// Output:
	// polaris New invalid input, nothing was sent: RetryPolicy.MaxAttempts: must be at least 1 (not applied: nothing was sent)
}

// exampleCall makes one payment through a client built with opts.
func exampleCall(opts ...polaris.Option) error {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, err := polaris.New(srv.Config(), opts...)
	if err != nil {
		return err
	}
	_, err = client.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	})
	return err
}

func ExampleWithHTTPClient() {
	var requests int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		requests++
		return http.DefaultTransport.RoundTrip(r)
	})}
	fmt.Println(exampleCall(polaris.WithHTTPClient(hc)), requests)
	// Output:
	// <nil> 2
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func ExampleWithTransportWrapper() {
	var paths []string
	err := exampleCall(polaris.WithTransportWrapper(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			paths = append(paths, r.Method+" "+path.Base(r.URL.Path))
			return next.RoundTrip(r)
		})
	}))
	fmt.Println(err, paths)
	// Output:
	// <nil> [POST staffuser PUT finesfees]
}

func ExampleWithLogger() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case "time", "host", "duration": // vary from run to run
				return slog.Attr{}
			}
			return a
		},
	}))
	fmt.Println(exampleCall(polaris.WithLogger(logger)))
	// Output:
	// level=DEBUG msg="datapump http" datapump.partner=polaris datapump.op=Authenticate datapump.method=POST datapump.path=/Polaris.ApplicationServices/api/v1/eng/20/authentication/staffuser datapump.status=200 datapump.attempt=1
	// level=DEBUG msg="datapump http" datapump.partner=polaris datapump.op=PayFinesAndFees datapump.method=PUT datapump.path=/Polaris.ApplicationServices/api/v1/eng/20/polaris/3/1/patrons/3665701/accounttransactions/finesfees datapump.status=200 datapump.attempt=1
	// <nil>
}

func ExampleWithObserver() {
	var seen []string
	err := exampleCall(polaris.WithObserver(func(a polaris.Attempt) {
		seen = append(seen, fmt.Sprintf("%s %d", a.Op, a.StatusCode))
	}))
	fmt.Println(err, seen)
	// Output:
	// <nil> [Authenticate 200 PayFinesAndFees 200]
}

func ExampleWithTimeout() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithTimeout(50*time.Millisecond))
	_, _ = client.Authenticate(context.Background())
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Delay: time.Second})
	_, err := client.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	})
	fmt.Println(errors.Is(err, polaris.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true true
}

func ExampleWithUserAgent() {
	var agent string
	err := exampleCall(polaris.WithUserAgent("citypay/2.3"), polaris.WithTransportWrapper(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			agent = r.Header.Get("User-Agent")
			return next.RoundTrip(r)
		})
	}))
	product, sdk, _ := strings.Cut(agent, " ")
	fmt.Println(err, product, strings.HasPrefix(sdk, "datapump/"))
	// Output:
	// <nil> citypay/2.3 true
}

func ExampleWithIdleConnsPerHost() {
	fmt.Println(exampleCall(polaris.WithIdleConnsPerHost(64)))
	fmt.Println(exampleCall(polaris.WithIdleConnsPerHost(0)))
	// Output:
	// <nil>
	// polaris New invalid input, nothing was sent: WithIdleConnsPerHost: must be at least 1 (not applied: nothing was sent)
}

// A worker shut down by cancelling its context still learns the outcome
// of a payment already on the wire.
func ExampleWithFinishStartedWrites() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithFinishStartedWrites())
	_, _ = client.Authenticate(context.Background())
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Delay: 200 * time.Millisecond})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond) // the shutdown
	defer cancel()
	res, err := client.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	})
	fmt.Println(err, len(res.TxnIDs), srv.Applied(p.ID))
	// Output:
	// <nil> 1 1
}

// The grace decides when a payment the read-back does not show counts as
// absent: within it, the read-back may still lag behind the payment.
func ExampleWithSettleGrace() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithSettleGrace(2*time.Minute))
	ctx := context.Background()

	// The connection drops before Polaris records the payment.
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Action: polaristest.DropBeforeApply})
	_, err := client.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
		OwedBefore: map[polaris.TxnID]polaris.Amount{p.Charges[0].TxnID: polaris.Cents(600)},
	})
	hint, _ := polaris.SettleRequestOf(err)

	res, _ := client.Settle(ctx, hint)
	fmt.Println("right away:", res.Status, "- settle again", res.RetryAt.Sub(hint.SentAt), "after sending")
	hint.SentAt = hint.SentAt.Add(-2 * time.Minute) // as if settled two minutes later
	res, _ = client.Settle(ctx, hint)
	fmt.Println("two minutes on:", res.Status, "- safe to pay again")
	// Output:
	// right away: unknown - settle again 2m0s after sending
	// two minutes on: absent - safe to pay again
}

// An unknown payment is settled from the request its error carries, which
// an outbox stores (it is JSON) and settles after a restart too. Say what
// the charges owed before paying (OwedBefore): Polaris' read-back shows
// what charges owe, not the payments made.
func ExampleClient_Settle() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}, {Amount: polaris.Cents(400)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithSettleGrace(0))
	ctx := context.Background()

	// What the patron owes, as shown to them before paying.
	fines, _ := client.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	req := &polaris.PayFinesAndFeesRequest{PatronID: p.ID, TxnAmount: polaris.Cents(500), PaymentMethod: polaris.Cash,
		OwedBefore: map[polaris.TxnID]polaris.Amount{}}
	for _, f := range fines.FinesAndFees {
		req.MainTxnIDs = append(req.MainTxnIDs, f.TxnID)
		req.OwedBefore[f.TxnID] = f.OutstandingAmount
	}

	// Polaris records the payment, then the connection drops.
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Action: polaristest.DropAfterApply})
	_, err := client.PayFinesAndFees(ctx, req)
	hint, ok := polaris.SettleRequestOf(err)
	fmt.Println(errors.Is(err, polaris.ErrOutcomeUnknown), ok)

	res, err := client.Settle(ctx, hint)
	fmt.Println(res.Status, res.Recorded, res.AmountDiffers, err)
	for _, f := range res.Charges {
		fmt.Println("charge owes", f.OutstandingAmount, "of", f.TxnAmount)
	}
	// Output:
	// true true
	// applied 5.00 false <nil>
	// charge owes 1.00 of 6.00
	// charge owes 4.00 of 4.00
}

// Polaris lists what a patron owes, and may drop a charge paid in full:
// then the list cannot tell the payment from a waiver or a payment at the
// desk, and Settle says so rather than guess. A person looks at the
// patron's account.
func ExampleClient_Settle_chargeNoLongerListed() {
	srv := polaristest.NewServer(polaristest.Options{}) // lists only what is owed
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{TxnID: 3665717, Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithSettleGrace(0))

	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Action: polaristest.DropAfterApply})
	_, err := client.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{3665717}, PaymentMethod: polaris.Cash,
		OwedBefore: map[polaris.TxnID]polaris.Amount{3665717: polaris.Cents(600)},
	})
	hint, _ := polaris.SettleRequestOf(err)
	res, err := client.Settle(context.Background(), hint)
	fmt.Println(res.Status, err)
	fmt.Println(res.Reason)
	// Output:
	// unknown <nil>
	// Polaris no longer lists charge 3665717 (paid in full, waived or removed: its list does not say which)
}

func ExampleSettleRequestOf() {
	err := &polaris.Error{Settle: &polaris.SettleRequest{PatronID: 1234, MainTxnIDs: []polaris.TxnID{3665717}}}
	hint, ok := polaris.SettleRequestOf(fmt.Errorf("outbox: %w", err))
	fmt.Println(hint.PatronID, hint.MainTxnIDs, ok)
	_, ok = polaris.SettleRequestOf(&polaris.Error{}) // a workflow answer's, or not unknown
	fmt.Println(ok)
	// Output:
	// 1234 [3665717] true
	// false
}
