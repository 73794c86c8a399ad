// Package accelatest is an in-process fake of Accela's Construct API v4
// payments, for testing code that uses package accela.
//
// The fake issues OAuth2 tokens (password and refresh_token grants, form
// encoded, app id checked, lifetime you can shorten), checks the raw token
// and the x-accela-* headers on every call, and serves Initialize, Commit
// and Void Payment and a record's payment list from a ledger. It refuses a
// second commit of a transaction (400 "transaction is already committed",
// which the client reports as ErrAlreadyApplied), can switch "Payment
// Enabled" off (403), make agency scripts fail before (500, nothing
// applied) or after (200 emse_error, applied) a commit, delay what the
// payment list shows (SetReadLag), and injects the shared faults.
//
// Faults (Server.Inject) target an endpoint and a key: the user name (or
// grant type) for EndpointToken, the first record id for
// EndpointInitialize, the transaction id for EndpointCommit, the payment
// id for EndpointVoid, the record id for EndpointListPayments.
//
//	srv := accelatest.NewServer(accelatest.Options{})
//	defer srv.Close()
//	srv.AddRecord(accelatest.Record{ID: "TACOMA-03HST-00000-002UD", CustomID: "BLD2003-01115"})
//	client, _ := accela.New(srv.Config())
package accelatest

import (
	"crypto/x509"
	"net/http"
	"sync"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/internal/fake"
)

// Where the fake serves: the API under APIPath, the token endpoint at
// TokenPath. Both paths are prefixes a client must keep from its base URLs.
const (
	APIPath   = "/apis"
	TokenPath = "/auth/oauth2/token"
)

// Endpoint names, for Fault.Endpoint and Server.Calls.
const (
	EndpointToken        = "token"
	EndpointInitialize   = "initialize"
	EndpointCommit       = "commit"
	EndpointVoid         = "void"
	EndpointListPayments = "listPayments"
)

// Defaults of a fake server (test credentials).
const (
	DefaultAppID             = "datapump-test-app"
	DefaultAppSecret         = "fake-app-secret"
	DefaultUserName          = "payments@example.gov"
	DefaultPassword          = "fake-password"
	DefaultAgency            = "TACOMA"
	DefaultAgencyEnvironment = "TEST"
)

// Options configures a fake server. Zero values take the defaults.
type Options struct {
	AppID, AppSecret, UserName, Password, Agency, AgencyEnvironment string
	// TokenLifetime is how long access tokens live; default 15 minutes.
	TokenLifetime time.Duration
	// CompletePaymentsAsObject answers a commit with completePayments as
	// one object, as Accela's specification declares, instead of the array
	// its sample shows.
	CompletePaymentsAsObject bool
	// TLS serves over TLS (see Server.CertPool).
	TLS bool
}

// ScriptStage names when an agency (EMSE) script fails.
type ScriptStage int

const (
	// ScriptBefore fails a "before" script: Accela cancels the commit and
	// answers 500.
	ScriptBefore ScriptStage = iota + 1
	// ScriptAfter fails an "after" script: the commit is applied and Accela
	// answers 200 with code emse_error.
	ScriptAfter
)

// Record is a record payments can be made for.
type Record struct {
	ID       string // e.g. "TACOMA-03HST-00000-002UD"
	CustomID string // e.g. "BLD2003-01115"
}

// Payment is one payment the fake applied to a record. Its ids are of the
// types the client returns.
type Payment struct {
	PaymentID                  accela.ID
	ReceiptID                  accela.ID
	TransactionID              accela.ID
	RecordID                   string
	Amount                     accela.Amount
	ConvenienceFee             accela.Amount
	PaymentMethod              string
	PaymentSystemTransactionID string
	CardNumberLastDigits       string
	Voided                     bool
	At                         time.Time
}

// Server is a fake Accela. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *fake.Server
	gate fake.Gate
	lag  fake.ReadLag

	mu             sync.Mutex
	lifetime       time.Duration
	tokens         map[string]time.Time // access token -> expiry
	refresh        map[string]bool
	issued         []string
	grants         map[string]int
	paymentEnabled bool
	scripts        []ScriptStage
	records        map[string]Record
	transactions   map[accela.ID]*transaction
	ledger         []*Payment
	nextID         int64
}

type transaction struct {
	records   []string
	committed bool
}

// NewServer starts a fake Accela on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.AppID, DefaultAppID)
	def(&opts.AppSecret, DefaultAppSecret)
	def(&opts.UserName, DefaultUserName)
	def(&opts.Password, DefaultPassword)
	def(&opts.Agency, DefaultAgency)
	def(&opts.AgencyEnvironment, DefaultAgencyEnvironment)
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = accela.AccessTokenLifetime
	}
	s := &Server{
		opts:           opts,
		lifetime:       opts.TokenLifetime,
		tokens:         map[string]time.Time{},
		refresh:        map[string]bool{},
		grants:         map[string]int{},
		paymentEnabled: true,
		records:        map[string]Record{},
		transactions:   map[accela.ID]*transaction{},
		nextID:         322930,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TokenPath, s.handleToken)
	pathID := func(name string) func(*http.Request) string {
		return func(r *http.Request) string { return r.PathValue(name) }
	}
	mux.HandleFunc("POST "+APIPath+"/v4/payments/initialize", s.api(EndpointInitialize, firstEntity, s.handleInitialize))
	mux.HandleFunc("PUT "+APIPath+"/v4/payments/{id}", s.api(EndpointCommit, pathID("id"), s.handleCommit))
	mux.HandleFunc("PUT "+APIPath+"/v4/payments/{id}/void", s.api(EndpointVoid, pathID("id"), s.handleVoid))
	mux.HandleFunc("GET "+APIPath+"/v4/records/{recordId}/payments", s.api(EndpointListPayments, pathID("recordId"), s.handleListPayments))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "resource_not_found", "The current request resource is not found.")
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

// URL is the API base URL (it ends in APIPath).
func (s *Server) URL() string { return s.ts.URL + APIPath }

// TokenURL is the OAuth2 token endpoint.
func (s *Server) TokenURL() string { return s.ts.URL + TokenPath }

// Config returns an accela.Config for this server: its URLs, app and user
// credentials, agency and environment.
func (s *Server) Config() accela.Config {
	return accela.Config{
		BaseURL:           s.URL(),
		TokenURL:          s.TokenURL(),
		AppID:             s.opts.AppID,
		AppSecret:         accela.Secret(s.opts.AppSecret),
		Agency:            s.opts.Agency,
		AgencyEnvironment: s.opts.AgencyEnvironment,
		UserName:          s.opts.UserName,
		Password:          accela.Secret(s.opts.Password),
	}
}

// AddRecord makes a record known, so payments can be initialized for it.
func (s *Server) AddRecord(r Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[r.ID] = r
}

// SetPaymentEnabled switches the app's "Payment Enabled" property. When it
// is off, Commit Payment answers 403 forbidden. It is on by default.
func (s *Server) SetPaymentEnabled(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paymentEnabled = on
}

// FailNextScript makes the agency script of the next commit fail at stage.
func (s *Server) FailNextScript(stage ScriptStage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts = append(s.scripts, stage)
}

// SetTokenLifetime changes how long tokens issued from now on live.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// ExpireTokens ends every access token issued so far: the next call with
// one gets 401 token_expired. Refresh tokens keep working.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for t := range s.tokens {
		s.tokens[t] = past
	}
}

// RevokeRefreshTokens makes every refresh token issued so far invalid, so
// the next refresh_token grant is refused (400 invalid_grant).
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// IssueToken creates a valid access token outside the token endpoint, as
// an authorization-code flow would, for clients given an accela.TokenSource.
func (s *Server) IssueToken() string {
	t := fake.ID(40)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t] = time.Now().Add(s.lifetime)
	s.issued = append(s.issued, t)
	return t
}

// SetReadLag makes a payment show in ListRecordPayments only d after it
// was applied, as a read served from a lagging replica would.
func (s *Server) SetReadLag(d time.Duration) { s.lag.Set(d) }

// IssuedSecrets returns every access and refresh token issued so far, so a
// test can check none of them leaked into errors or logs.
func (s *Server) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Inject queues a fault for the calls it targets: f.Endpoint (one of the
// Endpoint constants, or "" for any) and f.Key (see the package doc).
// Refusals and failures answer with Accela's error body.
func (s *Server) Inject(f Fault) { s.gate.Inject(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.gate.Clear() }

// Ledger returns a copy of the payments applied so far, in order.
func (s *Server) Ledger() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, len(s.ledger))
	for i, p := range s.ledger {
		out[i] = *p
	}
	return out
}

// Grants returns how many token requests of grantType ("password",
// "refresh_token") succeeded.
func (s *Server) Grants(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grants[grantType]
}

// Calls returns how many requests reached endpoint, faults included.
func (s *Server) Calls(endpoint string) int { return s.gate.Calls(endpoint) }

// CallsFor returns how many requests about key (see the package doc)
// reached endpoint, faults included.
func (s *Server) CallsFor(endpoint, key string) int { return s.gate.CallsFor(endpoint, key) }

// Applied returns how many payments the fake applied for transaction.
func (s *Server) Applied(transaction accela.ID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.ledger {
		if p.TransactionID == transaction {
			n++
		}
	}
	return n
}

// refuseAPI answers an injected failure in Accela's error shape.
func refuseAPI(w http.ResponseWriter, status int) {
	writeError(w, status, faultCode(status), http.StatusText(status))
}

// refuseToken answers an injected failure in the OAuth error shape.
func refuseToken(w http.ResponseWriter, status int) {
	writeOAuthError(w, status, "server_error", http.StatusText(status))
}

// faultCode is the Accela code for an injected status.
func faultCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "unauthorized"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound:
		return "resource_not_found"
	case status >= 500:
		return "internal_server_error"
	}
	return "bad_request"
}

// writeError writes Accela's error body and its trace id header.
func writeError(w http.ResponseWriter, status int, code, message string) {
	trace := traceID()
	w.Header().Set("X-Accela-Traceid", trace)
	fake.JSON(w, status, map[string]any{"status": status, "code": code, "message": message, "more": nil, "traceId": trace})
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	fake.JSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeResult(w http.ResponseWriter, body map[string]any) {
	w.Header().Set("X-Accela-Traceid", traceID())
	body["status"] = http.StatusOK
	fake.JSON(w, http.StatusOK, body)
}

func traceID() string { return time.Now().UTC().Format("060102150405") + "-" + fake.ID(8) }

// OpenTransaction opens a payment transaction for records without a call,
// as InitializePayment would, so a test can commit to it directly.
func (s *Server) OpenTransaction(records ...string) accela.ID {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	id := idOf(s.nextID)
	s.transactions[id] = &transaction{records: append([]string(nil), records...)}
	return id
}
