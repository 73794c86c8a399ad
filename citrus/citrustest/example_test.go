package citrustest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
)

func ExampleNewServer() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})

	client, _ := citrus.New(srv.Config())
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
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

func ExampleServer_AddInvoice() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	// Decline makes IPS answer success:false, as the partner document's sample does.
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-DECLINE", Amount: citrus.Cents(5000), Decline: true})
	client, _ := citrus.New(srv.Config())

	res, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-DECLINE"})
	fmt.Println(res.Success, errors.Is(err, citrus.ErrNotApplied), len(srv.Ledger()))
	// Output: false true 0
}

func ExampleServer_Inject() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())

	// IPS applies the payment, then fails with 500: the client cannot know
	// whether it was applied.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "1018-AB", Action: citrustest.FailAfterApply})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	var e *citrus.Error
	if errors.As(err, &e) {
		fmt.Println("status:", e.StatusCode, "unknown:", errors.Is(err, citrus.ErrOutcomeUnknown))
	}
	fmt.Println("applied:", srv.Applied("1018-AB"))
	// Output:
	// status: 500 unknown: true
	// applied: 1
}

// Skip lets calls through before a fault starts, Times says how many it
// hits, and ClearFaults drops what is left.
func ExampleServer_ClearFaults() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 1}))
	post := func(ref string) string {
		srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(100)})
		_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref})
		if err != nil {
			var e *citrus.Error
			errors.As(err, &e)
			return fmt.Sprint(e.StatusCode)
		}
		return "ok"
	}

	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Skip: 1, Times: citrustest.Forever, Action: citrustest.Refuse, Status: 503})
	fmt.Println(post("A"), post("B"), post("C"))
	srv.ClearFaults()
	fmt.Println(post("D"))
	// Output:
	// ok 503 503
	// ok
}

func ExampleServer_ExpireSessions() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "A", Amount: citrus.Cents(100)})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "B", Amount: citrus.Cents(200)})
	client, _ := citrus.New(srv.Config())

	_, _ = client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "A"})
	srv.ExpireSessions() // the next post gets 401, logs in again and is resent once
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "B"})
	fmt.Println(err, srv.Logins(), len(srv.Ledger()), srv.Received("B"))
	// Output: <nil> 2 2 2
}

// A repeated post is counted but applied once.
func ExampleServer_Received() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())
	for range 2 {
		_, _ = client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	}
	fmt.Println("received:", srv.Received("1018-AB"), "applied:", srv.Applied("1018-AB"))
	// Output: received: 2 applied: 1
}

func ExampleServer_Ledger() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())
	res, _ := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})

	p := srv.Ledger()[0]
	fmt.Println(p.BillerReference, p.Amount, p.TransactionID == res.Transaction.ID, p.SessionID, !p.At.IsZero())
	// Output: 1018-AB 50.00 true REDACTED true
}

func ExampleServer_CallsFor() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	// Two 429s: IPS refused the post, so the client resends it.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.Refuse, Status: 429, Times: 2})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})

	fmt.Println(err, srv.CallsFor(citrustest.EndpointCallback, "1018-AB"), srv.CallsFor(citrustest.EndpointAuth, citrustest.DefaultUserName))
	// Output: <nil> 3 1
}

// Every session id and cookie value the fake issued, to check that none
// leaks into your logs.
func ExampleServer_IssuedSecrets() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(citrus.Config{Environment: citrus.Dev, DevBaseURL: srv.URL(), UserName: "wrong", Password: "wrong"})
	_, err := client.Authenticate(context.Background())

	leaked := false
	for _, s := range append(srv.IssuedSecrets(), citrustest.DefaultPassword) {
		leaked = leaked || strings.Contains(err.Error(), s)
	}
	fmt.Println(len(srv.IssuedSecrets()), leaked)
	// Output: 1 false
}

func ExampleServer_CertPool() {
	srv := citrustest.NewServer(citrustest.Options{TLS: true})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})

	// Trust the fake's certificate, keeping the SDK's own client.
	client, _ := citrus.New(srv.Config(), citrus.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		rt.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
		return rt
	}))
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(strings.HasPrefix(srv.URL(), "https://"), err)
	// Output: true <nil>
}

func ExampleServer_Config() {
	srv := citrustest.NewServer(citrustest.Options{UserName: "clerk", Password: "test-only"})
	defer srv.Close()
	cfg := srv.Config()
	fmt.Println(cfg.Environment, cfg.DevBaseURL == srv.URL(), strings.HasSuffix(srv.URL(), citrustest.BasePath), cfg.UserName, cfg.Password)
	// Output: DEV true true clerk REDACTED
}

// Connections the clients opened: a client reuses one for its posts.
func ExampleServer_NewConns() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config())
	for _, ref := range []string{"A", "B", "C"} {
		srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(100)})
		_, _ = client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: ref})
	}
	fmt.Println(srv.NewConns(), srv.Calls(citrustest.EndpointAuth)+srv.Calls(citrustest.EndpointCallback))
	// Output: 1 4
}

// A delayed answer lets a test exercise the client's timeouts.
func ExampleFault() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config(), citrus.WithTimeout(50*time.Millisecond))
	_, _ = client.Authenticate(context.Background())

	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: 500 * time.Millisecond})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(errors.Is(err, citrus.ErrOutcomeUnknown))
	// Output: true
}

func ExampleServer_Applied() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	client, _ := citrus.New(srv.Config())

	// The connection drops after IPS applied the payment: the client
	// cannot know, the fake's ledger does.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.DropAfterApply})
	_, err := client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB"})
	fmt.Println(errors.Is(err, citrus.ErrOutcomeUnknown), srv.Applied("1018-AB"), srv.Applied("1018-CD"))
	// Output: true 1 0
}

func ExampleServer_Calls() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config())
	_, _ = client.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "NO-SUCH"})
	fmt.Println(srv.Calls(citrustest.EndpointAuth), srv.Calls(citrustest.EndpointCallback))
	// Output: 1 1
}

func ExampleServer_Logins() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	client, _ := citrus.New(srv.Config())
	for range 3 {
		_, _ = client.Authenticate(context.Background()) // Authenticate always logs in anew
	}
	fmt.Println(srv.Logins())
	// Output: 3
}

func ExampleServer_URL() {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	// Configure a client by hand, e.g. with your own credentials handling.
	client, err := citrus.New(citrus.Config{Environment: citrus.Dev, DevBaseURL: srv.URL(), UserName: citrustest.DefaultUserName, Password: citrustest.DefaultPassword})
	if err != nil {
		fmt.Println(err)
		return
	}
	auth, err := client.Authenticate(context.Background())
	fmt.Println(strings.HasSuffix(srv.URL(), "/IPS-TST-RS/api"), auth.UserName, err)
	// Output: true CitrusTestAdmin <nil>
}

func ExampleServer_Close() {
	srv := citrustest.NewServer(citrustest.Options{})
	client, _ := citrus.New(srv.Config(), citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 1}))
	srv.Close()
	_, err := client.Authenticate(context.Background())
	fmt.Println(errors.Is(err, citrus.ErrNotApplied))
	// Output: true
}
