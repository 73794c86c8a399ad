package oraclepsctest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
)

func create(client *oraclepsc.Client, checkout oraclepsc.CheckoutID, ref string) (*oraclepsc.CreateCheckoutPaymentResult, error) {
	return client.CreateCheckoutPayment(context.Background(), &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: oraclepsc.PaymentReferenceID(ref), LineAmount: oraclepsc.Cents(5000),
	})
}

func ExampleNewServer() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	res, err := create(client, srv.NewCheckout(), "CPAY0000000000000001")
	fmt.Println(res.Payment.CheckoutPmtID, res.Payment.LineAmount, err)
	// Output: 300000100000001 50.00 <nil>
}

func ExampleServer_Config() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{UserName: "cashier@agency.example", Password: "test-only"})
	defer srv.Close()
	cfg := srv.Config()
	fmt.Println(strings.HasSuffix(cfg.BaseURL, oraclepsctest.BasePath), cfg.UserName, cfg.Password)
	// Output: true cashier@agency.example REDACTED
}

func ExampleServer_BearerConfig() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.BearerConfig())
	_, err := create(client, srv.NewCheckout(), "CPAY0000000000000001")
	fmt.Println(err, srv.Logins())
	// Output: <nil> 1
}

func ExampleServer_TokenSource() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{TokenLifetime: 10 * time.Minute})
	defer srv.Close()
	tok, err := srv.TokenSource().Token(context.Background())
	fmt.Println(strings.Count(tok.AccessToken.Reveal(), "."), time.Until(tok.Expiry).Round(time.Minute), err)
	// Output: 2 10m0s <nil>
}

func ExampleServer_ExpireTokens() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.BearerConfig())
	checkout := srv.NewCheckout()
	_, _ = create(client, checkout, "CPAY0000000000000001")
	srv.ExpireTokens()
	_, err := create(client, checkout, "CPAY0000000000000002") // 401, a new token, resent
	fmt.Println(err, "tokens:", srv.Logins())
	// Output: <nil> tokens: 2
}

func ExampleServer_IssuedSecrets() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.BearerConfig())
	_, err := create(client, "300000000000404", "CPAY0000000000000001")
	leaked := false
	for _, s := range srv.IssuedSecrets() {
		leaked = leaked || strings.Contains(err.Error(), s)
	}
	fmt.Println(len(srv.IssuedSecrets()), leaked)
	// Output: 1 false
}

func ExampleServer_Logins() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.BearerConfig())
	checkout := srv.NewCheckout()
	for i := range 3 {
		_, _ = create(client, checkout, fmt.Sprintf("CPAY%016d", i))
	}
	fmt.Println(srv.Logins())
	// Output: 1
}

func ExampleServer_Inject() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	checkout := srv.NewCheckout()
	// Oracle records this payment, then the connection drops.
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: "CPAY0000000000000001", Action: oraclepsctest.DropAfterApply})
	_, err := create(client, checkout, "CPAY0000000000000001")
	fmt.Println(errors.Is(err, oraclepsc.ErrOutcomeUnknown), srv.Applied("CPAY0000000000000001"))
	// Output: true 1
}

func ExampleServer_ClearFaults() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	srv.Inject(oraclepsctest.Fault{Action: oraclepsctest.Refuse, Status: 500, Times: oraclepsctest.Forever})
	srv.ClearFaults()
	_, err := create(client, srv.NewCheckout(), "CPAY0000000000000001")
	fmt.Println(err)
	// Output: <nil>
}

func ExampleServer_Calls() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	checkout := srv.NewCheckout()
	req := &oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: checkout, CheckoutPmtID: 300000812345678, PaymentReferenceID: "CPAY0000000000000001"}
	_, _ = client.CreateCheckoutPayment(context.Background(), req)
	_, _ = client.CreateCheckoutPayment(context.Background(), req) // a duplicate: refused, still counted
	fmt.Println(srv.Calls(oraclepsctest.EndpointCreate), srv.CallsFor(oraclepsctest.EndpointCreate, "CPAY0000000000000001"), srv.Applied("CPAY0000000000000001"))
	// Output: 2 2 1
}

func ExampleServer_CallsFor() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	checkout := srv.NewCheckout()
	_, _ = client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	fmt.Println(srv.CallsFor(oraclepsctest.EndpointList, string(checkout)))
	// Output: 1
}

func ExampleServer_Applied() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	_, _ = create(client, srv.NewCheckout(), "CPAY0000000000000001")
	fmt.Println(srv.Applied("CPAY0000000000000001"), srv.Applied("CPAY0000000000000002"))
	// Output: 1 0
}

func ExampleServer_Ledger() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	res, _ := create(client, srv.NewCheckout(), "CPAY0000000000000001")
	entry := srv.Ledger()[0]
	fmt.Println(entry.Payment.CheckoutPmtID == res.Payment.CheckoutPmtID, entry.Payment.LineAmount, entry.Updates)
	// Output: true 50.00 0
}

func ExampleServer_NewCheckout() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	fmt.Println(srv.NewCheckout(), srv.NewCheckout())
	// Output: 300000050000001 300000050000002
}

func ExampleServer_AddCheckout() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	srv.AddCheckout("300000100000001")
	_, err := create(client, "300000100000001", "CPAY0000000000000001")
	fmt.Println(err)
	// Output: <nil>
}

func ExampleServer_SetReadLag() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	checkout := srv.NewCheckout()
	srv.SetReadLag(time.Hour)
	_, _ = create(client, checkout, "CPAY0000000000000001")
	list, _ := client.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	fmt.Println(list.Count, len(srv.Ledger()))
	// Output: 0 1
}

func ExampleServer_URL() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	fmt.Println(strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), strings.HasSuffix(srv.URL(), "/fusion"))
	// Output: true true
}

func ExampleServer_CertPool() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{TLS: true})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		rt.(*http.Transport).TLSClientConfig.RootCAs = srv.CertPool()
		return rt
	}))
	_, err := create(client, srv.NewCheckout(), "CPAY0000000000000001")
	fmt.Println(err, srv.NewConns())
	// Output: <nil> 1
}

func ExampleServer_NewConns() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	client, _ := oraclepsc.New(srv.Config())
	checkout := srv.NewCheckout()
	for i := range 10 {
		_, _ = create(client, checkout, fmt.Sprintf("CPAY%016d", i))
	}
	fmt.Println(srv.NewConns())
	// Output: 1
}

func ExampleServer_Close() {
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	client, _ := oraclepsc.New(srv.Config(), oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{MaxAttempts: 1}))
	srv.Close()
	_, err := create(client, "300000100000001", "CPAY0000000000000001")
	fmt.Println(errors.Is(err, oraclepsc.ErrNotApplied), errors.Is(err, oraclepsc.ErrTemporary))
	// Output: true true
}
