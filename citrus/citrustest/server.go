// Package citrustest is an in-process fake of the Citrus County IPS
// cashiering API, for testing code that uses package citrus.
//
// The fake speaks IPS' protocol as the partner document describes it: login
// with credentials in the query string, ServiceStack sessions in the ss-id
// and ss-pid cookies, an InstanceId cookie the client must send back, the
// payment callback with its Token in both the query and the body, and
// ServiceStack error bodies. It validates requests as strictly as IPS would,
// keeps a ledger of applied payments a test can read, and injects faults.
//
// Posting a BillerReference that is already applied answers success:true
// with the same transaction and applies nothing; every post is still
// counted (Received). How the real IPS treats a repeated callback is not
// documented; do not rely on it in production.
//
// Faults (Server.Inject) target EndpointAuth (key: the user name) or
// EndpointCallback (key: the BillerReference).
//
//	srv := citrustest.NewServer(citrustest.Options{})
//	defer srv.Close()
//	srv.AddInvoice(citrustest.Invoice{BillerReference: "1018-8E6F", Amount: citrus.Cents(5000)})
//	client, _ := citrus.New(srv.Config())
//	res, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: "1018-8E6F"})
package citrustest

import (
	"crypto/x509"
	"net/http"
	"sync"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/internal/fake"
)

// BasePath is where the fake serves the API, as IPS' DEV instance does. A
// client that drops its base URL's path gets 404s.
const BasePath = "/IPS-TST-RS/api"

// Endpoint names, for Fault.Endpoint and Server.Calls.
const (
	EndpointAuth     = "auth"
	EndpointCallback = "callback"
)

// Default credentials of a fake server.
const (
	DefaultUserName = "CitrusTestAdmin"
	DefaultPassword = "fake-password"
)

// Options configures a fake server. Zero values take the defaults.
type Options struct {
	UserName            string // default DefaultUserName
	Password            string // default DefaultPassword (a test credential)
	CashRegister        string // expected cashRegister; default citrus.DefaultCashRegister
	VoidReasonOnFailure string // expected voidReasonOnFailure; default citrus.DefaultVoidReasonOnFailure
	IPSUserName         string // expected ips.username cookie; default citrus.DefaultIPSUserName
	TLS                 bool   // serve over TLS (see Server.CertPool)
}

// Invoice is a transaction waiting for payment, identified by its BillerReference.
type Invoice struct {
	BillerReference string
	Amount          citrus.Amount
	Payer           string // transactionPayer; default "Citrus Test Payer"
	// Decline makes IPS answer success:false, as the partner document's
	// sample does: the payment is recorded and voided, not applied.
	Decline bool
}

// Posting is one payment the fake applied.
type Posting struct {
	BillerReference string
	TransactionID   int64 // as citrus.Transaction.ID
	Amount          citrus.Amount
	SessionID       citrus.Secret
	At              time.Time
}

// Server is a fake IPS. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *fake.Server
	gate fake.Gate

	mu         sync.Mutex
	instanceID string
	sessions   map[string]bool
	issued     []string
	logins     int
	invoices   map[string]*invoice
	ledger     []Posting
	nextID     int64
}

type invoice struct {
	Invoice
	id      int64
	applied bool
	txn     citrus.Transaction
}

// NewServer starts a fake IPS on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.UserName, DefaultUserName)
	def(&opts.Password, DefaultPassword)
	def(&opts.CashRegister, citrus.DefaultCashRegister)
	def(&opts.VoidReasonOnFailure, citrus.DefaultVoidReasonOnFailure)
	def(&opts.IPSUserName, citrus.DefaultIPSUserName)
	s := &Server{
		opts:       opts,
		instanceID: fake.ID(8) + "-" + fake.ID(4) + "-" + fake.ID(4) + "-" + fake.ID(12),
		sessions:   map[string]bool{},
		invoices:   map[string]*invoice{},
		nextID:     1018,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+BasePath+"/portal/auth", s.handleAuth)
	mux.HandleFunc("POST "+BasePath+"/cashiering/paymentprocessing/callback/authorized", s.handleCallback)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusNotFound, "NotFound", "Handler for Request not found: "+r.Method+" "+r.URL.Path)
	})
	s.ts = fake.Start(mux, opts.TLS)
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// CertPool trusts the server's certificate when it serves over TLS; nil
// otherwise.
func (s *Server) CertPool() *x509.CertPool { return s.ts.CertPool() }

// NewConns returns how many connections clients have opened so far.
func (s *Server) NewConns() int64 { return s.ts.NewConns() }

// URL is the base URL to configure a client with (it ends in BasePath).
func (s *Server) URL() string { return s.ts.URL + BasePath }

// Config returns a citrus.Config for this server: DEV environment, its URL
// and its credentials.
func (s *Server) Config() citrus.Config {
	return citrus.Config{
		Environment: citrus.Dev,
		DevBaseURL:  s.URL(),
		UserName:    s.opts.UserName,
		Password:    citrus.Secret(s.opts.Password),
	}
}

// AddInvoice makes inv payable. Adding a BillerReference again replaces it.
func (s *Server) AddInvoice(inv Invoice) {
	if inv.Payer == "" {
		inv.Payer = "Citrus Test Payer"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.invoices[inv.BillerReference] = &invoice{Invoice: inv, id: s.nextID}
}

// Inject queues a fault for the calls it targets: f.Endpoint
// (EndpointAuth, EndpointCallback, or "" for any) and f.Key (the user
// name, the BillerReference). Refusals and failures answer with a
// ServiceStack error body.
func (s *Server) Inject(f Fault) { s.gate.Inject(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.gate.Clear() }

// ExpireSessions ends every session, as an IPS restart or timeout would: the
// next call with an old session gets 401 Not Authenticated.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	clear(s.sessions)
	s.mu.Unlock()
}

// Applied returns how many times the payment for billerReference was
// applied: 0 or 1.
func (s *Server) Applied(billerReference string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.ledger {
		if p.BillerReference == billerReference {
			n++
		}
	}
	return n
}

// Received returns how many posts for billerReference reached the fake,
// repeats and faulted ones included.
func (s *Server) Received(billerReference string) int {
	return s.gate.CallsFor(EndpointCallback, billerReference)
}

// IssuedSecrets returns every session id and cookie value the fake issued,
// so a test can check none leaked.
func (s *Server) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{s.instanceID}, s.issued...)
}

// Ledger returns the payments applied so far, in order.
func (s *Server) Ledger() []Posting {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Posting(nil), s.ledger...)
}

// Logins returns how many logins succeeded.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// Calls returns how many requests reached endpoint, faults included.
func (s *Server) Calls(endpoint string) int { return s.gate.Calls(endpoint) }

// CallsFor returns how many requests about key (see Inject) reached
// endpoint, faults included.
func (s *Server) CallsFor(endpoint, key string) int { return s.gate.CallsFor(endpoint, key) }

// refuse answers an injected failure with a ServiceStack error body.
func refuse(w http.ResponseWriter, status int) {
	writeStatus(w, status, "InjectedFault", http.StatusText(status))
}

// writeStatus writes a ServiceStack error body.
func writeStatus(w http.ResponseWriter, status int, code, message string, fields ...citrus.ResponseError) {
	fake.JSON(w, status, map[string]any{
		"responseStatus": citrus.ResponseStatus{ErrorCode: code, Message: message, Errors: fields},
	})
}
