// Package oraclepsctest is an in-process fake of Oracle Fusion Cloud Public
// Sector Community Development's checkout payments REST API, for testing
// code that uses package oraclepsc.
//
// The fake keeps checkouts and their payment rows in memory and speaks
// Oracle's REST protocol as the partner document and Oracle's REST
// conventions describe it:
//
//   - HTTP Basic (the configured user) or a bearer token from the fake's
//     token relay (GET or POST /fscmRestApi/tokenrelay with Basic, answering
//     a JWT-like token with its lifetime); anything else is 401. Tokens
//     expire (Options.TokenLifetime, ExpireTokens). Server.TokenSource is an
//     oraclepsc.TokenSource that calls the relay over HTTP.
//   - The create (POST .../publicSectorCheckouts/{CheckoutId}/child/CheckoutPmt)
//     checks every attribute of the partner document strictly: unknown
//     attributes (JBO-25058), wrong JSON types or date formats (JBO-25009)
//     and over-long values, counted in characters (JBO-27010), are 400; a
//     media type other than application/json or
//     application/vnd.oracle.adf.resourceitem+json is 415; an unknown
//     checkout is 404. A create without a CheckoutPmtId gets one from the
//     fake's sequence; a create whose CheckoutPmtId exists is refused 400
//     JBO-25013 ("Too many objects match the primary key"), as ADF refuses a
//     duplicate key; with Upsert-Mode: true the row with that CheckoutPmtId
//     is updated (200) or created (201). Answers carry the row with every
//     attribute (null when unset) and its links, Location and ETag.
//   - The list (GET on the same collection) takes q in the syntax of the
//     request's REST-Framework-Version (1: Attr=value;Attr2=value; 2 and
//     later: Attr='text' and Attr2=123, strings quoted), fields, onlyData,
//     limit (default 25, at most 500), offset, orderBy (Attr:asc,Attr2:desc)
//     and totalResults, and answers items, count, hasMore, limit, offset
//     and links. Unknown query parameters are refused (Oracle ignores them:
//     the fake is stricter, to catch misspellings). SetReadLag delays when
//     a created row shows in the list, as a lagging replica would, for
//     testing oraclepsc's Settle; Applied counts the rows per
//     PaymentReferenceId.
//   - Errors are Oracle's structured body
//     (application/vnd.oracle.adf.error+json: title, detail, o:errorCode,
//     o:errorDetails with o:errorPath) when the request accepts that media
//     type, plain text ("JBO-27010: ...") otherwise. Every answer carries
//     an X-ORACLE-DMS-ECID.
//
// A missing REST-Framework-Version is version 1, as Oracle's default.
//
// Faults (Server.Inject) target an endpoint and a key: EndpointCreate's
// key is the PaymentReferenceId in the request body, EndpointList's the
// CheckoutId of the path, EndpointTokenRelay's the Basic user name.
// Refusals and failures answer with Oracle's error body.
//
//	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
//	defer srv.Close()
//	checkout := srv.NewCheckout()
//	client, _ := oraclepsc.New(srv.Config())
//	res, err := client.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
//		CheckoutID: checkout, PaymentReferenceID: "CPAY1234567890123456", LineAmount: oraclepsc.Cents(5000),
//	})
package oraclepsctest

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/oraclepsc"
)

// BasePath is the path prefix under which the fake serves, as a gateway in
// front of a Fusion pod might: a client that drops its base URL's path gets
// 404s.
const BasePath = "/fusion"

// Endpoint names, for Fault.Endpoint and Server.Calls.
const (
	EndpointTokenRelay = "tokenrelay"
	EndpointCreate     = "createPayment"
	EndpointList       = "listPayments"
)

// Defaults of a fake server (test credentials).
const (
	DefaultUserName      = "psc.payments@agency.example"
	DefaultPassword      = "fake-password"
	DefaultTokenLifetime = time.Hour
)

// Options configures a fake server. Zero values take the defaults.
type Options struct {
	UserName string // default DefaultUserName
	Password string // default DefaultPassword (a test credential)
	// TokenLifetime is how long relay tokens live; default
	// DefaultTokenLifetime.
	TokenLifetime time.Duration
	// ResourceVersion is the only resource version served; default
	// oraclepsc.DefaultResourceVersion.
	ResourceVersion string
	// TLS serves over TLS (see Server.CertPool).
	TLS bool
}

// Entry is one payment row the fake holds.
type Entry struct {
	// Payment is the row's attributes as Oracle would return them (without
	// links), with the client's own types.
	Payment oraclepsc.CheckoutPayment
	// Created is when the row was created.
	Created time.Time
	// Updates counts the upserts that updated the row after its creation.
	Updates int
}

// Server is a fake Oracle Fusion pod. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *fake.Server
	gate fake.Gate
	lag  fake.ReadLag

	mu        sync.Mutex
	tokens    map[string]time.Time // bearer token -> expiry
	issued    []string
	logins    int
	checkouts map[oraclepsc.CheckoutID][]*row
	byID      map[oraclepsc.CheckoutPmtID]*row
	ledger    []*row
	pmtIDs    *fake.Seq
	checkIDs  *fake.Seq
}

// row is one payment row and its bookkeeping.
type row struct {
	p       oraclepsc.CheckoutPayment
	at      time.Time
	updates int
	version int
}

// NewServer starts a fake Oracle pod on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	if opts.UserName == "" {
		opts.UserName = DefaultUserName
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.ResourceVersion == "" {
		opts.ResourceVersion = oraclepsc.DefaultResourceVersion
	}
	s := &Server{
		opts:      opts,
		tokens:    map[string]time.Time{},
		checkouts: map[oraclepsc.CheckoutID][]*row{},
		byID:      map[oraclepsc.CheckoutPmtID]*row{},
		pmtIDs:    fake.NewSeq(300000100000000),
		checkIDs:  fake.NewSeq(300000050000000),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+BasePath+"/fscmRestApi/tokenrelay", s.handleTokenRelay)
	mux.HandleFunc("POST "+BasePath+"/fscmRestApi/tokenrelay", s.handleTokenRelay)
	collection := BasePath + "/fscmRestApi/resources/{version}/publicSectorCheckouts/{checkout}/child/CheckoutPmt"
	mux.HandleFunc("POST "+collection, s.handleCreate)
	mux.HandleFunc("GET "+collection, s.handleList)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "", "The requested resource "+r.URL.Path+" was not found.")
	})
	s.ts = fake.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Oracle-Dms-Ecid", "005"+fake.ID(20)+"^0")
		mux.ServeHTTP(w, r)
	}), opts.TLS)
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// CertPool trusts the server's certificate when it serves over TLS; nil
// otherwise.
func (s *Server) CertPool() *x509.CertPool { return s.ts.CertPool() }

// NewConns returns how many connections clients have opened so far.
func (s *Server) NewConns() int64 { return s.ts.NewConns() }

// URL is the pod's base URL to configure a client with (it ends in
// BasePath).
func (s *Server) URL() string { return s.ts.URL + BasePath }

// Config returns an oraclepsc.Config for this server with HTTP Basic
// authentication: its URL, user name and password.
func (s *Server) Config() oraclepsc.Config {
	return oraclepsc.Config{
		BaseURL:         s.URL(),
		ResourceVersion: s.opts.ResourceVersion,
		UserName:        s.opts.UserName,
		Password:        oraclepsc.Secret(s.opts.Password),
	}
}

// BearerConfig returns an oraclepsc.Config for this server that
// authenticates with bearer tokens from its token relay (TokenSource).
func (s *Server) BearerConfig() oraclepsc.Config {
	return oraclepsc.Config{
		BaseURL:         s.URL(),
		ResourceVersion: s.opts.ResourceVersion,
		TokenSource:     s.TokenSource(),
	}
}

// TokenSource returns an oraclepsc.TokenSource that asks the fake's token
// relay for a token over HTTP (GET /fscmRestApi/tokenrelay with the
// server's Basic credentials), as a caller's own source would ask Oracle.
// Every token it obtains counts in Logins.
func (s *Server) TokenSource() oraclepsc.TokenSource {
	return oraclepsc.TokenSourceFunc(func(ctx context.Context) (oraclepsc.Token, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/fscmRestApi/tokenrelay", nil)
		if err != nil {
			return oraclepsc.Token{}, err
		}
		req.SetBasicAuth(s.opts.UserName, s.opts.Password)
		req.Header.Set("Accept", "application/json")
		resp, err := s.ts.Client().Do(req)
		if err != nil {
			return oraclepsc.Token{}, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return oraclepsc.Token{}, fmt.Errorf("token relay answered HTTP %d", resp.StatusCode)
		}
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
			return oraclepsc.Token{}, fmt.Errorf("token relay answer unreadable")
		}
		return oraclepsc.Token{
			AccessToken: oraclepsc.Secret(out.AccessToken),
			Expiry:      time.Now().Add(time.Duration(out.ExpiresIn) * time.Second),
		}, nil
	})
}

// NewCheckout makes a checkout with a fresh 15-digit id and returns it.
func (s *Server) NewCheckout() oraclepsc.CheckoutID {
	id := oraclepsc.CheckoutID(s.checkIDs.NextString())
	s.AddCheckout(id)
	return id
}

// AddCheckout makes a checkout with id known, so payments can be added to
// it. Adding it again changes nothing.
func (s *Server) AddCheckout(id oraclepsc.CheckoutID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.checkouts[id]; !ok {
		s.checkouts[id] = []*row{}
	}
}

// Inject queues a fault for the calls it targets: f.Endpoint (one of the
// Endpoint constants, or "" for any) and f.Key (see the package doc).
// Refusals and failures answer with Oracle's error body.
func (s *Server) Inject(f Fault) { s.gate.Inject(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.gate.Clear() }

// Calls returns how many requests reached endpoint, faults included.
func (s *Server) Calls(endpoint string) int { return s.gate.Calls(endpoint) }

// CallsFor returns how many requests about key (see the package doc)
// reached endpoint, faults included; every repeat of a create is counted.
func (s *Server) CallsFor(endpoint, key string) int { return s.gate.CallsFor(endpoint, key) }

// Applied returns how many payment rows hold the PaymentReferenceId ref.
func (s *Server) Applied(ref oraclepsc.PaymentReferenceID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.ledger {
		if r.p.PaymentReferenceID == ref {
			n++
		}
	}
	return n
}

// Ledger returns a copy of every payment row, in the order they were
// created.
func (s *Server) Ledger() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entry, len(s.ledger))
	for i, r := range s.ledger {
		out[i] = Entry{Payment: r.p, Created: r.at, Updates: r.updates}
	}
	return out
}

// Logins returns how many tokens the token relay issued.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// ExpireTokens ends every bearer token issued so far: the next call with
// one gets 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for t := range s.tokens {
		s.tokens[t] = past
	}
}

// IssuedSecrets returns every token the relay issued, so a test can check
// none leaked into errors or logs.
func (s *Server) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// SetReadLag makes a payment show in the list only d after it was created,
// as a read served from a lagging replica would.
func (s *Server) SetReadLag(d time.Duration) { s.lag.Set(d) }

// uniqID is the server-made key of a row's item URL, in the shape of ADF's
// serialized keys. Clients find rows with q, never by building it.
func uniqID(id oraclepsc.CheckoutPmtID) string {
	return "00020000000EACED0005770800" + strconv.FormatInt(int64(id), 16) + "0000000000"
}

// changeIndicator is a row's ETag value for its version.
func changeIndicator(version int) string {
	return fmt.Sprintf("ACED0005737200116A6176612E6C616E672E496E7465676572%08X", version)
}
