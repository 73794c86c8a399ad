package accelatest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
)

func ExampleNewServer() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "TACOMA-03HST-00000-002UD", CustomID: "BLD2003-01115"})

	client, _ := accela.New(srv.Config())
	ctx := context.Background()
	ini, _ := client.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{"TACOMA-03HST-00000-002UD"}})
	_, err := client.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: ini.TransactionID, Amount: accela.Cents(12550),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-1",
	})
	fmt.Println("err:", err)
	for _, p := range srv.Ledger() {
		fmt.Println("applied:", p.RecordID, p.TransactionID, p.Amount, p.PaymentMethod)
	}
	fmt.Println("password grants:", srv.Grants("password"))
	// Output:
	// err: <nil>
	// applied: TACOMA-03HST-00000-002UD 322931 125.50 Check
	// password grants: 1
}

// OpenTransaction stands in for InitializePayment, so a test can commit
// straight away.
func ExampleServer_OpenTransaction() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())

	txn := srv.OpenTransaction("R-1")
	_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-2",
	})
	fmt.Println(txn, err, srv.Applied(txn), srv.Calls(accelatest.EndpointInitialize))
	// Output: 322931 <nil> 1 0
}

func ExampleServer_SetPaymentEnabled() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())

	srv.SetPaymentEnabled(false)
	_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: srv.OpenTransaction("R-1"), Amount: accela.Cents(100),
		PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-2",
	})
	var e *accela.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code, errors.Is(err, accela.ErrNotApplied))
	}
	// Output: 403 forbidden true
}

func ExampleServer_FailNextScript() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	txn := srv.OpenTransaction("R-1")
	commit := func() (*accela.CommitPaymentResult, error) {
		return client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
			TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-3",
		})
	}

	srv.FailNextScript(accelatest.ScriptBefore) // Accela cancels the commit and answers 500
	_, err := commit()
	fmt.Println("before:", errors.Is(err, accela.ErrOutcomeUnknown), srv.Applied(txn))

	srv.FailNextScript(accelatest.ScriptAfter) // applied, then the script fails
	res, err := commit()
	fmt.Println("after:", err, res.ScriptFailed(), srv.Applied(txn))
	// Output:
	// before: true 0
	// after: <nil> true 1
}

func ExampleServer_Inject() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	txn := srv.OpenTransaction("R-1")

	// The connection drops after Accela applied this transaction's commit.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(txn), Action: accelatest.DropAfterApply})
	_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-4",
	})
	fmt.Println(errors.Is(err, accela.ErrOutcomeUnknown), srv.Applied(txn), srv.CallsFor(accelatest.EndpointCommit, string(txn)))
	// Output: true 1 1
}

// Skip lets calls through before a fault starts, Times says how many it
// hits, and ClearFaults drops what is left.
func ExampleServer_ClearFaults() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config(), accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 1}))
	list := func() string {
		_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		var e *accela.Error
		if errors.As(err, &e) {
			return fmt.Sprint(e.StatusCode)
		}
		return "ok"
	}

	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Key: "R-1", Skip: 1, Times: accelatest.Forever, Action: accelatest.Refuse, Status: 503})
	fmt.Println(list(), list(), list())
	srv.ClearFaults()
	fmt.Println(list())
	// Output:
	// ok 503 503
	// ok
}

func ExampleServer_ExpireTokens() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	list := func() error {
		_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		return err
	}

	_ = list()
	srv.ExpireTokens() // the next call gets 401 token_expired, refreshes once and is resent
	fmt.Println(list(), srv.Grants("password"), srv.Grants("refresh_token"), srv.Calls(accelatest.EndpointListPayments))
	// Output: <nil> 1 1 3
}

func ExampleServer_RevokeRefreshTokens() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	list := func() error {
		_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		return err
	}

	_ = list()
	srv.ExpireTokens()
	srv.RevokeRefreshTokens() // the refresh is refused: the client falls back to the password grant
	fmt.Println(list(), srv.Grants("password"), srv.Grants("refresh_token"), srv.CallsFor(accelatest.EndpointToken, "refresh_token"))
	// Output: <nil> 2 0 1
}

func ExampleServer_SetTokenLifetime() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.SetTokenLifetime(10 * time.Minute) // tokens issued from now on live ten minutes

	form := url.Values{
		"grant_type": {"password"}, "client_id": {accelatest.DefaultAppID}, "client_secret": {accelatest.DefaultAppSecret},
		"username": {accelatest.DefaultUserName}, "password": {accelatest.DefaultPassword}, "scope": {accela.DefaultScope},
	}
	req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-accela-appid", accelatest.DefaultAppID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var tok struct {
		ExpiresIn string `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	fmt.Println(resp.StatusCode, tok.ExpiresIn)
	// Output: 200 600
}

// IssueToken stands in for an authorization-code flow, for clients given
// a TokenSource.
func ExampleServer_IssueToken() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	cfg := srv.Config()
	cfg.UserName, cfg.Password, cfg.AppSecret = "", "", ""
	cfg.TokenSource = accela.TokenSourceFunc(func(context.Context) (accela.Token, error) {
		return accela.Token{AccessToken: accela.Secret(srv.IssueToken())}, nil
	})
	client, _ := accela.New(cfg)

	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(err, len(srv.IssuedSecrets()), srv.Calls(accelatest.EndpointToken))
	// Output: <nil> 1 0
}

// Every token the fake issued, to check that none leaks into your logs.
func ExampleServer_IssuedSecrets() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Action: accelatest.Refuse, Status: 400})
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})

	leaked := false
	for _, s := range append(srv.IssuedSecrets(), accelatest.DefaultAppSecret, accelatest.DefaultPassword) {
		leaked = leaked || strings.Contains(err.Error(), s)
	}
	fmt.Println(len(srv.IssuedSecrets()), leaked)
	// Output: 2 false
}

// Reads served from a lagging replica: an empty read-back right after a
// commit proves nothing.
func ExampleServer_SetReadLag() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	srv.SetReadLag(500 * time.Millisecond)

	txn := srv.OpenTransaction("R-1")
	_, _ = client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-5",
	})
	found := func() int {
		list, _ := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
		return len(list.FindTransaction(txn))
	}
	fmt.Println("at once:", found())
	time.Sleep(550 * time.Millisecond)
	fmt.Println("later:", found())
	// Output:
	// at once: 0
	// later: 1
}

func ExampleServer_Ledger() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	res, _ := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: srv.OpenTransaction("R-1"), Amount: accela.Cents(2550), ConvenienceFee: accela.Cents(100),
		PaymentMethod: accela.CreditCard, PaymentSystemTransactionID: "pay-6",
		CreditCard: &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "4219"},
	})
	_, _ = client.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: res.Payments[0].PaymentID})

	p := srv.Ledger()[0]
	fmt.Println(p.PaymentID == res.Payments[0].PaymentID, p.Amount, p.ConvenienceFee, p.CardNumberLastDigits, p.PaymentSystemTransactionID, p.Voided)
	// Output: true 25.50 1.00 4219 pay-6 true
}

func ExampleServer_CertPool() {
	srv := accelatest.NewServer(accelatest.Options{TLS: true})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})

	// Trust the fake's certificate, keeping the SDK's own client.
	client, _ := accela.New(srv.Config(), accela.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		rt.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
		return rt
	}))
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(strings.HasPrefix(srv.URL(), "https://"), err)
	// Output: true <nil>
}

func ExampleServer_Config() {
	srv := accelatest.NewServer(accelatest.Options{Agency: "SEATTLE"})
	defer srv.Close()
	cfg := srv.Config()
	fmt.Println(cfg.AppID, cfg.Agency, cfg.AgencyEnvironment, cfg.UserName, cfg.Password, cfg.AppSecret)
	fmt.Println(cfg.BaseURL == srv.URL(), strings.HasSuffix(cfg.BaseURL, accelatest.APIPath), strings.HasSuffix(cfg.TokenURL, accelatest.TokenPath))
	// Output:
	// datapump-test-app SEATTLE TEST payments@example.gov REDACTED REDACTED
	// true true true
}

// The specification's shape of a commit answer: completePayments as one
// object. The client reads both shapes.
func ExampleOptions() {
	srv := accelatest.NewServer(accelatest.Options{CompletePaymentsAsObject: true})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1", CustomID: "BLD-1"})
	client, _ := accela.New(srv.Config())
	res, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: srv.OpenTransaction("R-1"), Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-7",
	})
	fmt.Println(err, len(res.Payments), res.Payments[0].CustomID)
	// Output: <nil> 1 BLD-1
}

// Connections the clients opened: one client reuses one connection for
// its token and API calls.
func ExampleServer_NewConns() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	for range 3 {
		_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	}
	fmt.Println(srv.NewConns(), srv.Calls(accelatest.EndpointToken)+srv.Calls(accelatest.EndpointListPayments))
	// Output: 1 4
}

func ExampleServer_AddRecord() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1", CustomID: "BLD-1"})
	client, _ := accela.New(srv.Config())

	_, err := client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{"R-1"}})
	fmt.Println(err)
	_, err = client.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{"R-2"}})
	var e *accela.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code)
	}
	// Output:
	// <nil>
	// 404 resource_not_found
}

func ExampleServer_Applied() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	srv.AddRecord(accelatest.Record{ID: "R-2"})
	client, _ := accela.New(srv.Config())
	// One transaction for two records: a commit applies a payment to each.
	txn := srv.OpenTransaction("R-1", "R-2")
	_, _ = client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-8",
	})
	fmt.Println(srv.Applied(txn), srv.Applied("1"))
	// Output: 2 0
}

func ExampleServer_Calls() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	txn := srv.OpenTransaction("R-1")
	// A commit answered 503 is not resent: it may have been applied.
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Action: accelatest.Refuse, Status: 503})
	_, err := client.CommitPayment(context.Background(), &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "chk-9",
	})
	fmt.Println(errors.Is(err, accela.ErrOutcomeUnknown), srv.Calls(accelatest.EndpointCommit), srv.Calls(accelatest.EndpointToken))
	// Output: true 1 1
}

func ExampleServer_CallsFor() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	srv.AddRecord(accelatest.Record{ID: "R-2"})
	client, _ := accela.New(srv.Config())
	for _, r := range []string{"R-1", "R-2", "R-2"} {
		_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: r})
	}
	fmt.Println(srv.CallsFor(accelatest.EndpointListPayments, "R-2"), srv.CallsFor(accelatest.EndpointToken, accelatest.DefaultUserName))
	// Output: 2 1
}

func ExampleServer_Grants() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	client, _ := accela.New(srv.Config())
	list := func() {
		_, _ = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	}
	list()
	srv.ExpireTokens()
	list()
	fmt.Println(srv.Grants("password"), srv.Grants("refresh_token"))
	// Output: 1 1
}

func ExampleServer_URL() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: "R-1"})
	// Configure a client by hand, e.g. with your own credentials handling.
	client, err := accela.New(accela.Config{
		BaseURL: srv.URL(), TokenURL: srv.TokenURL(),
		AppID: accelatest.DefaultAppID, AppSecret: accelatest.DefaultAppSecret,
		UserName: accelatest.DefaultUserName, Password: accelatest.DefaultPassword,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	fmt.Println(strings.HasSuffix(srv.URL(), accelatest.APIPath), err)
	// Output: true <nil>
}

func ExampleServer_TokenURL() {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	fmt.Println(strings.TrimSuffix(srv.TokenURL(), accelatest.TokenPath) == strings.TrimSuffix(srv.URL(), accelatest.APIPath))
	// Output: true
}

func ExampleServer_Close() {
	srv := accelatest.NewServer(accelatest.Options{})
	client, _ := accela.New(srv.Config(), accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 1}))
	srv.Close()
	_, err := client.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
	var e *accela.Error
	fmt.Println(errors.As(err, &e), e.Step, errors.Is(err, accela.ErrNotApplied))
	// Output: true Token true
}
