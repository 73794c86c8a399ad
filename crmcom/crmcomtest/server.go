// Package crmcomtest is an in-process fake of CRM.COM's Web API v2
// payments, for testing code that uses package crmcom.
//
// The fake logs in with an organisation's credentials or a web API key
// and issues tokens (opaque ones that end after an idle time, or JWTs
// that end at their exp: Options.JWT), checks the token on every call (the
// token query parameter on GET, the "token" body field on POST), and
// keeps a ledger of accounts receivable, invoices and bills with their
// outstanding amounts, and payments through their life cycle:
//
//   - pay_invoice and pay_bill create a POSTED payment for the whole
//     outstanding amount; one with nothing outstanding is refused with
//     INVOICE_ALREADY_PAID or BILL_ALREADY_PAID;
//   - create makes a DRAFT or POSTED payment; post and reject apply to
//     DRAFT payments only, cancel to POSTED ones (it creates a payment
//     cancellation and gives the paid amounts back to their invoices and
//     bills). Repeating one is refused with PAYMENT_ALREADY_POSTED,
//     PAYMENT_ALREADY_REJECTED or PAYMENT_ALREADY_CANCELLED, any other
//     state with INVALID_LIFE_CYCLE_STATE;
//   - show, list (offset and number_of_results paging) and get_latest
//     (latest first) read payments back, with fields_set filtering and an
//     optional read-back lag (SetReadLag).
//
// Every identifier is resolved by each field the client allows, and
// requests are checked as strictly as a real server would (media type,
// unknown fields, exactly one field per identifier, amounts with at most
// two decimals, the catalogue of types, methods, categories, users,
// units and rejection reasons). Refusals are envelopes
// {"status":{"code","message","description"},"data":null}, under HTTP 200
// or, with Options.RefusalStatus, another status. These codes are the
// fake's; CRM.COM documents none, and package crmcom's defaults match
// them (Config.InvalidTokenCodes, Config.AlreadyAppliedCodes).
//
// Faults (Server.Inject) target an endpoint and a key: the username for
// EndpointLogin (none for EndpointWebAPIKeyLogin and EndpointRelease), the
// payment identifier's value for EndpointShow, EndpointPost,
// EndpointReject and EndpointCancel, the accounts receivable identifier's
// value for EndpointList, EndpointGetLatest and EndpointCreate, the
// invoice identifier's value for EndpointPayInvoice, and the bill
// identifier's value for EndpointPayBill.
//
//	srv := crmcomtest.NewServer(crmcomtest.Options{})
//	defer srv.Close()
//	srv.AddAccount(crmcomtest.Account{Number: "192", Name: "Peter Johnson Premium"})
//	srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I00000294", Amount: crmcom.Cents(13800)})
//	client, _ := crmcom.New(srv.Config())
package crmcomtest

import (
	"crypto/x509"
	"net/http"
	"sync"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/internal/fake"
)

// BasePath is where the fake serves the Web API, as CRM.COM does. A client
// that drops its base URL's path gets 404s.
const BasePath = "/crmapi/rest/v2"

// Endpoint names, for Fault.Endpoint and Server.Calls: the partner's method
// names.
const (
	EndpointLogin          = "authentication/token"
	EndpointWebAPIKeyLogin = "authentication/web_api_key/token"
	EndpointRelease        = "authentication/token/release"
	EndpointShow           = "payments/show"
	EndpointList           = "payments/list"
	EndpointGetLatest      = "payments/get_latest"
	EndpointCreate         = "payments/create"
	EndpointPayInvoice     = "payments/pay_invoice"
	EndpointPayBill        = "payments/pay_bill"
	EndpointPost           = "payments/post"
	EndpointReject         = "payments/reject"
	EndpointCancel         = "payments/cancel"
)

// Default credentials of a fake server (test values).
const (
	DefaultUsername     = "JackH"
	DefaultPassword     = "fake-password"
	DefaultOrganisation = "Main Organisation"
	DefaultWebAPIKey    = "fake-web-api-key"
)

// The catalogue every fake server knows, named as in the partner
// document's samples.
const (
	// PaymentType and OtherPaymentType are financial transaction types of
	// classification PAYMENT; CancellationType is the PAYMENT_CANCELLATION
	// type CancelPayment takes.
	PaymentType      = "Invoices Balance Payment"
	OtherPaymentType = "Payment 1"
	CancellationType = "Payment Cancellation"
	// DirectDebit and BankTransfer are payment methods; GatewayMethod is
	// linked to a payment gateway, so a payment by it needs a card
	// (AddCard).
	DirectDebit   = "Direct Debit"
	BankTransfer  = "Bank Transfer"
	GatewayMethod = "Stripe Payment Gateway"
	// InvoiceCategory, BillCategory and CancellationCategory are financial
	// transaction categories.
	InvoiceCategory      = "Invoice Payments"
	BillCategory         = "Bill Payments"
	CancellationCategory = "Cancellation Because of Mistake"
	// AdminUnit is a unit; OtherUser a user besides the login user.
	AdminUnit = "Admin Unit"
	OtherUser = "mpadministrator"
	// RejectionReason is a payment rejection reason.
	RejectionReason = "Reject Due to Business Request"
)

// Options configures a fake server. Zero values take the defaults.
type Options struct {
	// Username, Password and Organisation log in with
	// authentication/token; WebAPIKey with authentication/web_api_key/token.
	Username, Password, Organisation, WebAPIKey string
	// JWT issues tokens that are JWTs ending TokenLifetime after issue
	// (default 2 hours), used or not; otherwise tokens are opaque and end
	// after IdleTimeout (default 1 hour) without use.
	JWT           bool
	TokenLifetime time.Duration
	IdleTimeout   time.Duration
	// RefusalStatus is the HTTP status of refusals; 0 means 200, the
	// refusal showing only in status.code.
	RefusalStatus int
	// Location is the zone the fake's zone-less dates are in; default UTC.
	Location *time.Location
	// TLS serves over TLS (see Server.CertPool).
	TLS bool
}

// Account is an accounts receivable payments are allocated to.
type Account struct {
	ID     crmcom.ID // default: generated
	Number crmcom.ID // required
	Name   string    // default: "Account " + Number
}

// Invoice is an invoice of an account, payable until nothing is
// outstanding.
type Invoice struct {
	ID              crmcom.ID // default: generated
	Number          crmcom.ID // required
	ReferenceNumber crmcom.ID // default: generated
	Account         crmcom.ID // the account's number; required
	Amount          crmcom.Amount
	// Outstanding is what is left to pay; the ledger keeps it current.
	Outstanding crmcom.Amount
}

// Bill is a bill of an account, with the fields of an invoice.
type Bill Invoice

// Payment is one payment in the fake's ledger. Its ids are of the types the
// client returns.
type Payment struct {
	ID              crmcom.ID
	Number          crmcom.ID // empty until posted
	ReferenceNumber crmcom.ID
	Account         crmcom.ID // the account's number
	State           crmcom.LifeCycleState
	Amount          crmcom.Amount
	Type            string // names, as in the catalogue
	Method          string
	Category        string
	// Invoices and Bills are the numbers of what the payment pays.
	Invoices []crmcom.ID
	Bills    []crmcom.ID
	Card     string // the gateway card's reference, if any
	// Cancellation is the id of the payment cancellation, once cancelled.
	Cancellation    crmcom.ID
	RejectionReason string
	Notes           string
	Description     string
	IssueReason     string
	ReceivedOn      time.Time
	IssuedOn        time.Time
	PostedOn        time.Time
}

// Server is a fake CRM.COM. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *fake.Server
	gate fake.Gate
	lag  fake.ReadLag
	cat  catalogue

	mu          sync.Mutex
	tokens      map[string]*token
	issued      []string
	logins      int
	releases    int
	accounts    []*Account
	invoices    []*invoice
	bills       []*invoice
	cards       map[string]crmcom.ID // card reference -> account number
	payments    []*payment
	seq         int64
	lifetime    time.Duration
	idleTimeout time.Duration
}

// token is an issued token's state.
type token struct {
	expires  time.Time // JWT: fixed
	lastUsed time.Time // opaque: ends IdleTimeout after this
	jwt      bool
}

// invoice is an invoice or bill with its ledger state.
type invoice struct {
	Invoice
}

// payment is a ledger payment with what the fake needs besides.
type payment struct {
	Payment
	// targets are the invoices and bills it pays; paid is what it took
	// from each once posted, given back when it is cancelled.
	targets    []*invoice
	paid       map[*invoice]crmcom.Amount
	createdAt  time.Time
	udf        map[string]any
	user       *entity
	unit       *entity
	gatewayRef string
	seq        int64
}

// NewServer starts a fake CRM.COM on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.Username, DefaultUsername)
	def(&opts.Password, DefaultPassword)
	def(&opts.Organisation, DefaultOrganisation)
	def(&opts.WebAPIKey, DefaultWebAPIKey)
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 2 * time.Hour
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = time.Hour
	}
	if opts.RefusalStatus == 0 {
		opts.RefusalStatus = http.StatusOK
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &Server{
		opts:        opts,
		cat:         newCatalogue(opts.Username),
		tokens:      map[string]*token{},
		cards:       map[string]crmcom.ID{},
		seq:         100,
		lifetime:    opts.TokenLifetime,
		idleTimeout: opts.IdleTimeout,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+BasePath+"/authentication/token", s.handleLogin)
	mux.HandleFunc("POST "+BasePath+"/authentication/web_api_key/token", s.handleKeyLogin)
	mux.HandleFunc("POST "+BasePath+"/authentication/token/release", s.handleRelease)
	mux.HandleFunc("GET "+BasePath+"/payments/show", s.handleShow)
	mux.HandleFunc("GET "+BasePath+"/payments/list", s.handleList)
	mux.HandleFunc("GET "+BasePath+"/payments/get_latest", s.handleGetLatest)
	mux.HandleFunc("POST "+BasePath+"/payments/create", post(s, EndpointCreate, (*createRequest).key, s.create))
	mux.HandleFunc("POST "+BasePath+"/payments/pay_invoice", post(s, EndpointPayInvoice, (*payRequest).invoiceKey, s.payInvoice))
	mux.HandleFunc("POST "+BasePath+"/payments/pay_bill", post(s, EndpointPayBill, (*payRequest).billKey, s.payBill))
	mux.HandleFunc("POST "+BasePath+"/payments/post", post(s, EndpointPost, (*lifeCycleRequest).key, s.post))
	mux.HandleFunc("POST "+BasePath+"/payments/reject", post(s, EndpointReject, (*lifeCycleRequest).key, s.reject))
	mux.HandleFunc("POST "+BasePath+"/payments/cancel", post(s, EndpointCancel, (*cancelRequest).key, s.cancel))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusNotFound, "NOT_FOUND", "no such method: "+r.Method+" "+r.URL.Path)
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

// Config returns a crmcom.Config for this server: its URL, the
// organisation's credentials, and its Location.
func (s *Server) Config() crmcom.Config {
	return crmcom.Config{
		BaseURL:      s.URL(),
		Username:     s.opts.Username,
		Password:     crmcom.Secret(s.opts.Password),
		Organisation: s.opts.Organisation,
		Location:     s.opts.Location,
	}
}

// KeyConfig returns a crmcom.Config that logs in with the web API key.
func (s *Server) KeyConfig() crmcom.Config {
	return crmcom.Config{BaseURL: s.URL(), WebAPIKey: crmcom.Secret(s.opts.WebAPIKey), Location: s.opts.Location}
}

// AddAccount adds an accounts receivable. Adding a Number again replaces
// it.
func (s *Server) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == "" {
		a.ID = s.newID()
	}
	if a.Name == "" {
		a.Name = "Account " + string(a.Number)
	}
	for i, old := range s.accounts {
		if old.Number == a.Number {
			s.accounts[i] = &a
			return
		}
	}
	s.accounts = append(s.accounts, &a)
}

// AddInvoice adds an invoice to its account, with nothing paid yet unless
// Outstanding says otherwise (zero means the whole Amount).
func (s *Server) AddInvoice(inv Invoice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invoices = append(s.invoices, s.newInvoice(inv))
}

// AddBill adds a bill to its account, as AddInvoice does.
func (s *Server) AddBill(b Bill) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bills = append(s.bills, s.newInvoice(Invoice(b)))
}

func (s *Server) newInvoice(inv Invoice) *invoice {
	if inv.ID == "" {
		inv.ID = s.newID()
	}
	if inv.ReferenceNumber == "" {
		inv.ReferenceNumber = s.nextNumber()
	}
	if inv.Outstanding.IsZero() {
		inv.Outstanding = inv.Amount
	}
	return &invoice{Invoice: inv}
}

// AddCard gives an account's owner a payment gateway card, named by its
// gateway reference (e.g. "card_15S0w0E0IcJRGs11e6ffmDXK").
func (s *Server) AddCard(account crmcom.ID, reference string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cards[reference] = account
}

// Inject queues a fault for the calls it targets: f.Endpoint (one of the
// Endpoint constants, or "" for any) and f.Key (see the package doc).
// Refusals and failures answer with CRM.COM's envelope.
func (s *Server) Inject(f Fault) { s.gate.Inject(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.gate.Clear() }

// SetReadLag makes a payment show in show, list and get_latest only d after
// it was created, as reads served from a lagging replica would.
func (s *Server) SetReadLag(d time.Duration) { s.lag.Set(d) }

// SetTokenLifetime changes the lifetime of JWTs issued from now on.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// SetIdleTimeout changes how long an opaque token lives without use.
func (s *Server) SetIdleTimeout(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idleTimeout = d
}

// ExpireTokens ends every token issued so far: the next call with one is
// refused with INVALID_TOKEN.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// LiveTokens returns how many issued tokens are still valid.
func (s *Server) LiveTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := time.Now()
	for _, t := range s.tokens {
		if s.alive(t, now) {
			n++
		}
	}
	return n
}

// IssuedSecrets returns every token issued so far, so a test can check
// none of them leaked into errors or logs.
func (s *Server) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Logins returns how many logins succeeded, with credentials or a key.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// Releases returns how many tokens were released.
func (s *Server) Releases() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.releases
}

// Calls returns how many requests reached endpoint, faults included.
func (s *Server) Calls(endpoint string) int { return s.gate.Calls(endpoint) }

// CallsFor returns how many requests about key (see the package doc)
// reached endpoint, faults included; every repeat of a post is counted.
func (s *Server) CallsFor(endpoint, key string) int { return s.gate.CallsFor(endpoint, key) }

// Ledger returns a copy of every payment, in the order created.
func (s *Server) Ledger() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, len(s.payments))
	for i, p := range s.payments {
		out[i] = p.Payment
		out[i].Invoices = append([]crmcom.ID(nil), p.Invoices...)
		out[i].Bills = append([]crmcom.ID(nil), p.Bills...)
	}
	return out
}

// Applied returns how many payments were created paying the invoice or
// bill whose id, number or reference number is key, whatever became of
// them.
func (s *Server) Applied(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.payments {
		for _, t := range p.targets {
			if string(t.ID) == key || string(t.Number) == key || string(t.ReferenceNumber) == key {
				n++
			}
		}
	}
	return n
}

// Outstanding returns what is left to pay of the invoice or bill whose
// number is number, and whether there is one.
func (s *Server) Outstanding(number crmcom.ID) (crmcom.Amount, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, list := range [][]*invoice{s.invoices, s.bills} {
		for _, inv := range list {
			if inv.Number == number {
				return inv.Outstanding, true
			}
		}
	}
	return crmcom.Amount{}, false
}

// newID returns a CRM.COM-style id: 32 upper-case hex digits. s.mu is held.
func (s *Server) newID() crmcom.ID {
	const hex = "0123456789ABCDEF"
	b := []byte(fake.ID(32))
	for i := range b {
		b[i] = hex[int(b[i])%16]
	}
	return crmcom.ID(b)
}

// nextNumber returns the next number of the fake's sequence. s.mu is held.
func (s *Server) nextNumber() crmcom.ID {
	s.seq++
	return crmcom.ID(itoa(s.seq))
}
