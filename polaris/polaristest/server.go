// Package polaristest is an in-process fake of Polaris.ApplicationServices
// (the Leap staff API), for testing code that uses package polaris.
//
// The fake logs staff users in (Basic "DOMAIN\user:password"; a user
// without a domain gets 401), issues tokens that expire (AuthExpDate
// without a zone, in Options.Location), checks the PAS authorization of
// every call, and keeps patrons with charges and their outstanding amounts:
//   - a pay reduces the outstanding amounts of the charges it names, in
//     order, and creates one payment transaction per charge paid (plus one
//     for a credit when it overpays); an amount above what the charges owe
//     is refused (400) unless overpayment=true and Options.AllowOverpayment;
//     charges that owe nothing any more are refused as "already paid"
//     (400), which the client reports as ErrAlreadyApplied;
//   - a secured patron (Patron.Secured) answers 409;
//   - reload=true returns the fines and fees as they are after the payment,
//     and a GET lists what the patron still owes (SetReadLag delays what
//     it shows; Options.ListPaidCharges lists charges paid in full too);
//   - StartWorkflow begins a workflow (a checkout with charges) that asks
//     prompts (InputRequired) and completes when its charges are paid with
//     the right amounts; an answer to a completed workflow is refused as
//     "already completed" (400).
//
// It validates requests as strictly as a server written from the partner
// document would: the URL's version, language, product, site,
// organization and workstation, media types, exact JSON key spelling,
// unknown keys, required query flags. Refusals are ASP.NET-style JSON
// bodies ({"Message": ...}).
//
// Faults (Server.Inject) target an endpoint and a key: EndpointStaffUser
// (key: the user name, without the domain), EndpointPay and
// EndpointFinesFees (key: the patron id, in decimal), EndpointWorkflow
// (key: the workflow GUID).
//
//	srv := polaristest.NewServer(polaristest.Options{})
//	defer srv.Close()
//	p := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
//	client, _ := polaris.New(srv.Config())
//	res, err := client.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
//		PatronID: p.ID, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{p.Charges[0].TxnID},
//		PaymentMethod: polaris.CreditCard,
//	})
package polaristest

import (
	"crypto/x509"
	"net/http"
	"sync"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/polaris"
)

// BasePath is where the fake serves, as Polaris does: a client that drops
// its base URL's path gets 404s.
const BasePath = "/Polaris.ApplicationServices"

// Endpoint names, for Fault.Endpoint and Server.Calls.
const (
	EndpointStaffUser = "staffuser"
	EndpointPay       = "pay"
	EndpointFinesFees = "finesfees"
	EndpointWorkflow  = "workflow"
)

// Defaults of a fake server (test credentials).
const (
	DefaultDomain         = "LIBRARY"
	DefaultUserName       = "leapstaff"
	DefaultPassword       = "fake-password"
	DefaultOrganizationID = 3
	DefaultWorkstationID  = 1
	DefaultTokenLifetime  = 24 * time.Hour
)

// Options configures a fake server. Zero values take the defaults.
type Options struct {
	// Domain, UserName and Password are the staff credentials.
	Domain, UserName, Password string
	// SiteDomain, OrganizationID and WorkstationID are the URL values the
	// fake serves (default polaris.DefaultSiteDomain,
	// DefaultOrganizationID, DefaultWorkstationID).
	SiteDomain     string
	OrganizationID int
	WorkstationID  int
	// Location is the zone the fake writes its zone-less times in; nil
	// means UTC.
	Location *time.Location
	// TokenLifetime is how long tokens live (default DefaultTokenLifetime).
	TokenLifetime time.Duration
	// AllowOverpayment is the branch setting overpayment=true needs.
	AllowOverpayment bool
	// ListPaidCharges makes the fines and fees (a GET, and a pay's reload)
	// list charges paid in full too, with OutstandingAmount 0. Whether
	// Polaris lists them is not documented; by default the fake lists only
	// what is owed. polaris.Client.Settle needs them listed to settle a
	// payment that paid its charges in full as applied.
	ListPaidCharges bool
	// TLS serves over TLS (see Server.CertPool).
	TLS bool
}

// Patron is a patron with charges.
type Patron struct {
	// ID is the patron id; 0 lets the fake pick one.
	ID polaris.PatronID
	// Secured makes every payment for the patron answer 409.
	Secured bool
	Charges []Charge
}

// Charge is a fine or fee a patron owes.
type Charge struct {
	// TxnID is the charge's transaction id; 0 lets the fake pick one.
	TxnID  polaris.TxnID
	Amount polaris.Amount
	// FeeDescription defaults to "Damage".
	FeeDescription string
}

// Payment is one payment the fake applied. Its ids are of the types the
// client returns.
type Payment struct {
	PatronID polaris.PatronID
	// TxnIDs are the payment transactions created, as
	// polaris.PayFinesAndFeesResult.TxnIDs.
	TxnIDs []polaris.TxnID
	// MainTxnIDs are the charges the payment named.
	MainTxnIDs []polaris.TxnID
	Amount     polaris.Amount
	// Credit is the part of Amount above what the charges owed.
	Credit   polaris.Amount
	Method   polaris.PatronPaymentMethod
	CCDigits string
	// Workflow is set for a payment made by answering a workflow.
	Workflow polaris.WorkflowGUID
	At       time.Time
}

// Server is a fake Polaris. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *fake.Server
	gate fake.Gate
	lag  fake.ReadLag
	ids  *fake.Seq

	mu        sync.Mutex
	lifetime  time.Duration
	tokens    map[string]*token
	issued    []string
	logins    int
	patrons   map[polaris.PatronID]*patron
	workflows map[polaris.WorkflowGUID]*workflow
	ledger    []Payment
}

// patron is a patron's account.
type patron struct {
	id      polaris.PatronID
	secured bool
	charges []*charge
}

// charge is a charge and the payments applied to it.
type charge struct {
	id     polaris.TxnID
	amount polaris.Amount
	desc   string
	date   time.Time
	paid   []applied
}

type applied struct {
	amount polaris.Amount
	at     time.Time
}

// NewServer starts a fake Polaris on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.Domain, DefaultDomain)
	def(&opts.UserName, DefaultUserName)
	def(&opts.Password, DefaultPassword)
	def(&opts.SiteDomain, polaris.DefaultSiteDomain)
	if opts.OrganizationID == 0 {
		opts.OrganizationID = DefaultOrganizationID
	}
	if opts.WorkstationID == 0 {
		opts.WorkstationID = DefaultWorkstationID
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	s := &Server{
		opts:      opts,
		ids:       fake.NewSeq(3665700),
		lifetime:  opts.TokenLifetime,
		tokens:    map[string]*token{},
		patrons:   map[polaris.PatronID]*patron{},
		workflows: map[polaris.WorkflowGUID]*workflow{},
	}
	const api = "/api/{version}/{lang}/{product}/{site}/{org}/{ws}"
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+BasePath+"/api/{version}/{lang}/{product}/authentication/staffuser", s.handleStaffUser)
	mux.HandleFunc("PUT "+BasePath+api+"/patrons/{id}/accounttransactions/finesfees", s.api(EndpointPay, "id", s.handlePay))
	mux.HandleFunc("GET "+BasePath+api+"/patrons/{id}/accounttransactions/finesfees", s.api(EndpointFinesFees, "id", s.handleFinesFees))
	mux.HandleFunc("PUT "+BasePath+api+"/workflow/{guid}", s.api(EndpointWorkflow, "guid", s.handleWorkflow))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
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

// Config returns a polaris.Config for this server: its URL, site,
// organization, workstation, staff credentials and zone.
func (s *Server) Config() polaris.Config {
	return polaris.Config{
		BaseURL:        s.URL(),
		SiteDomain:     s.opts.SiteDomain,
		OrganizationID: s.opts.OrganizationID,
		WorkstationID:  s.opts.WorkstationID,
		StaffDomain:    s.opts.Domain,
		StaffUserName:  s.opts.UserName,
		StaffPassword:  polaris.Secret(s.opts.Password),
		Location:       s.opts.Location,
	}
}

// AddPatron adds a patron and its charges, and returns it with every id
// filled in. Adding a patron id again replaces the patron.
func (s *Server) AddPatron(p Patron) Patron {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.ID == 0 {
		p.ID = polaris.PatronID(s.ids.Next())
	}
	acct := &patron{id: p.ID, secured: p.Secured}
	p.Charges = append([]Charge(nil), p.Charges...)
	now := time.Now()
	for i := range p.Charges {
		c := &p.Charges[i]
		if c.TxnID == 0 {
			c.TxnID = polaris.TxnID(s.ids.Next())
		}
		if c.FeeDescription == "" {
			c.FeeDescription = "Damage"
		}
		acct.charges = append(acct.charges, &charge{id: c.TxnID, amount: c.Amount, desc: c.FeeDescription, date: now})
	}
	s.patrons[p.ID] = acct
	return p
}

// SetSecured secures (or releases) a patron record: payments for a
// secured patron answer 409.
func (s *Server) SetSecured(id polaris.PatronID, secured bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.patrons[id]; p != nil {
		p.secured = secured
	}
}

// Outstanding returns what charge txn of a patron still owes, and whether
// the fake knows the charge.
func (s *Server) Outstanding(id polaris.PatronID, txn polaris.TxnID) (polaris.Amount, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.patrons[id]; p != nil {
		for _, c := range p.charges {
			if c.id == txn {
				return c.outstanding(nil), true
			}
		}
	}
	return polaris.Amount{}, false
}

// SetReadLag makes a payment show in GET fines and fees only d after it
// was applied, as a read served from a lagging replica would. A pay's
// reload answer is never delayed.
func (s *Server) SetReadLag(d time.Duration) { s.lag.Set(d) }

// SetTokenLifetime changes how long tokens issued from now on live.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// ExpireTokens ends every token issued so far: the next call with one gets
// 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for _, t := range s.tokens {
		t.expiry = past
	}
}

// Inject queues a fault for the calls it targets: f.Endpoint (one of the
// Endpoint constants, or "" for any) and f.Key (see the package doc).
// Refusals and failures answer with an ASP.NET-style error body.
func (s *Server) Inject(f Fault) { s.gate.Inject(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.gate.Clear() }

// Calls returns how many requests reached endpoint, faults included.
func (s *Server) Calls(endpoint string) int { return s.gate.Calls(endpoint) }

// CallsFor returns how many requests about key (see the package doc)
// reached endpoint, faults included; every repeat is counted.
func (s *Server) CallsFor(endpoint, key string) int { return s.gate.CallsFor(endpoint, key) }

// Logins returns how many staff logins succeeded.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// IssuedSecrets returns every AccessToken and AccessSecret issued so far,
// so a test can check none of them leaked into errors or logs.
func (s *Server) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Ledger returns a copy of the payments applied so far, in order.
func (s *Server) Ledger() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, len(s.ledger))
	copy(out, s.ledger)
	return out
}

// Applied returns how many payments the fake applied for a patron, by
// PayFinesAndFees and by workflow answers.
func (s *Server) Applied(id polaris.PatronID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.ledger {
		if p.PatronID == id {
			n++
		}
	}
	return n
}

// outstanding is what c still owes, counting only the payments visible to
// a read when lag is given.
func (c *charge) outstanding(lag *fake.ReadLag) polaris.Amount {
	owed := c.amount
	for _, p := range c.paid {
		if lag == nil || lag.Visible(p.at) {
			owed, _ = owed.Sub(p.amount)
		}
	}
	return owed
}

// refuse answers an injected failure with an ASP.NET-style error body.
func refuse(w http.ResponseWriter, status int) {
	msg := http.StatusText(status)
	switch status {
	case http.StatusUnauthorized:
		msg = deniedMessage
	case http.StatusConflict:
		msg = securedMessage
	}
	writeError(w, status, msg)
}

// The fake's refusal texts that the client must recognise.
const (
	deniedMessage  = "Authorization has been denied for this request."
	securedMessage = "Patron record is secured."
)

// writeError writes an ASP.NET-style error body.
func writeError(w http.ResponseWriter, status int, message string) {
	fake.JSON(w, status, map[string]string{"Message": message})
}
