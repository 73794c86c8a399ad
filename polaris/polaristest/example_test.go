package polaristest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
)

// pay pays all of a patron's first charge in cash.
func pay(c *polaris.Client, p polaristest.Patron) error {
	_, err := c.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: p.Charges[0].Amount, MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID}, PaymentMethod: polaris.Cash,
	})
	return err
}

// start starts a fake with one patron owing 6.00 and a client for it.
func start(opts polaristest.Options) (*polaristest.Server, *polaris.Client, polaristest.Patron) {
	srv := polaristest.NewServer(opts)
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	c, _ := polaris.New(srv.Config())
	return srv, c, p
}

func ExampleNewServer() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config())
	fmt.Println(pay(client, p), srv.Applied(p.ID))
	// Output:
	// <nil> 1
}

func ExampleServer_Close() {
	srv, c, p := start(polaristest.Options{})
	srv.Close()
	err := pay(c, p)
	fmt.Println(errors.Is(err, polaris.ErrNotApplied))
	// Output:
	// true
}

func ExampleServer_CertPool() {
	srv := polaristest.NewServer(polaristest.Options{TLS: true})
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig(srv)}}
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	client, _ := polaris.New(srv.Config(), polaris.WithHTTPClient(hc))
	fmt.Println(pay(client, p))
	// Output:
	// <nil>
}

func ExampleServer_NewConns() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	_ = pay(c, p)
	fmt.Println(srv.NewConns(), "connection for the login and the payment")
	// Output:
	// 1 connection for the login and the payment
}

func ExampleServer_URL() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	fmt.Println(srv.URL() == srv.Config().BaseURL)
	// Output:
	// true
}

func ExampleServer_Config() {
	srv := polaristest.NewServer(polaristest.Options{OrganizationID: 12, WorkstationID: 4})
	defer srv.Close()
	cfg := srv.Config()
	fmt.Println(cfg.StaffDomain, cfg.StaffUserName, cfg.StaffPassword, cfg.OrganizationID, cfg.WorkstationID)
	// Output:
	// LIBRARY leapstaff REDACTED 12 4
}

func ExampleServer_AddPatron() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{ID: 1234, Charges: []polaristest.Charge{
		{TxnID: 3665717, Amount: polaris.Cents(600)},
		{Amount: polaris.Cents(400), FeeDescription: "Misc Charge"}, // the fake picks the TxnID
	}})
	fmt.Println(p.ID, p.Charges[0].TxnID, p.Charges[1].TxnID > 0, p.Charges[1].FeeDescription)
	// Output:
	// 1234 3665717 true Misc Charge
}

func ExampleServer_SetSecured() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	srv.SetSecured(p.ID, true)
	fmt.Println(errors.Is(pay(c, p), polaris.ErrPatronSecured))
	srv.SetSecured(p.ID, false)
	fmt.Println(pay(c, p))
	// Output:
	// true
	// <nil>
}

func ExampleServer_Outstanding() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	owed, _ := srv.Outstanding(p.ID, p.Charges[0].TxnID)
	fmt.Println(owed)
	_ = pay(c, p)
	owed, known := srv.Outstanding(p.ID, p.Charges[0].TxnID)
	fmt.Println(owed, known)
	// Output:
	// 6.00
	// 0.00 true
}

func ExampleServer_SetReadLag() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	srv.SetReadLag(time.Hour)
	_ = pay(c, p)
	fines, _ := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	owed, listed := fines.Outstanding(p.Charges[0].TxnID)
	fmt.Println("the read still shows", owed, listed)
	// Output:
	// the read still shows 6.00 true
}

func ExampleServer_SetTokenLifetime() {
	srv, c, _ := start(polaristest.Options{})
	defer srv.Close()
	srv.SetTokenLifetime(time.Hour)
	auth, _ := c.Authenticate(context.Background())
	fmt.Println(time.Until(auth.AuthExpDate).Round(time.Hour))
	// Output:
	// 1h0m0s
}

func ExampleServer_ExpireTokens() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	_, _ = c.Authenticate(context.Background())
	srv.ExpireTokens()
	fmt.Println(pay(c, p), srv.Logins(), "logins: the 401 made the client log in again")
	// Output:
	// <nil> 2 logins: the 401 made the client log in again
}

func ExampleServer_Inject() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: fmt.Sprint(p.ID), Action: polaristest.DropAfterApply})
	err := pay(c, p)
	fmt.Println(errors.Is(err, polaris.ErrOutcomeUnknown), srv.Applied(p.ID))
	// Output:
	// true 1
}

func ExampleServer_ClearFaults() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Action: polaristest.Refuse, Times: polaristest.Forever})
	srv.ClearFaults()
	fmt.Println(pay(c, p))
	// Output:
	// <nil>
}

func ExampleServer_Calls() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	_ = pay(c, p)
	_ = pay(c, p) // refused as already paid, and counted
	fmt.Println(srv.Calls(polaristest.EndpointStaffUser), srv.Calls(polaristest.EndpointPay))
	// Output:
	// 1 2
}

func ExampleServer_CallsFor() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	_ = pay(c, p)
	fmt.Println(srv.CallsFor(polaristest.EndpointPay, fmt.Sprint(p.ID)), srv.CallsFor(polaristest.EndpointPay, "1"))
	// Output:
	// 1 0
}

func ExampleServer_Logins() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	_ = pay(c, p)
	fmt.Println(srv.Logins())
	// Output:
	// 1
}

func ExampleServer_IssuedSecrets() {
	srv, c, _ := start(polaristest.Options{})
	defer srv.Close()
	auth, _ := c.Authenticate(context.Background())
	issued := srv.IssuedSecrets()
	fmt.Println(len(issued), issued[0] == auth.AccessToken.Reveal(), issued[1] == auth.AccessSecret.Reveal())
	// Output:
	// 2 true true
}

func ExampleServer_Ledger() {
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}, {Amount: polaris.Cents(400)}}})
	c, _ := polaris.New(srv.Config())
	res, _ := c.PayFinesAndFees(context.Background(), &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(800), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID, p.Charges[1].TxnID},
		PaymentMethod:         polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{TxnAmount: polaris.Cents(800), TxnStatus: "Finished", CCDigits: "4219"},
	})
	for _, pay := range srv.Ledger() {
		fmt.Println(pay.PatronID == p.ID, pay.Amount, pay.Method, pay.CCDigits, len(pay.TxnIDs) == len(res.TxnIDs))
	}
	// Output:
	// true 8.00 CreditCard 4219 true
}

func ExampleServer_Applied() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	fmt.Println(srv.Applied(p.ID))
	_ = pay(c, p)
	fmt.Println(srv.Applied(p.ID))
	// Output:
	// 0
	// 1
}

func ExampleServer_StartWorkflow() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	res := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100)})
	fmt.Println(res.Status, res.Prompt.WorkflowPromptID)
	res, err := c.AnswerWorkflow(context.Background(), res.Answer(polaris.PromptCancel))
	fmt.Println(res.Status, err)
	// Output:
	// InputRequired 92
	// CompletedCancelled <nil>
}

func ExampleServer_WorkflowDone() {
	srv, c, p := start(polaristest.Options{})
	defer srv.Close()
	res := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100)})
	fmt.Println(srv.WorkflowDone(res.WorkflowRequestGUID))
	_, _ = c.AnswerWorkflow(context.Background(), res.Answer(polaris.PromptCancel))
	fmt.Println(srv.WorkflowDone(res.WorkflowRequestGUID))
	// Output:
	// false
	// true
}

// tlsConfig trusts the fake's certificate.
func tlsConfig(srv *polaristest.Server) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: srv.CertPool()}
}
