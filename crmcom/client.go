// Package crmcom posts payments to CRM.COM, the subscription billing and
// CRM platform, through its Web API v2 ({server}/crmapi/rest/v2).
//
// One Client method per partner method of the payments resource:
//
//   - PayInvoice and PayBill create a POSTED payment for the whole
//     outstanding amount of one invoice or bill (payments/pay_invoice,
//     payments/pay_bill): the main calls of a payments backend;
//   - CreatePayment creates a DRAFT or POSTED payment of a given amount
//     (payments/create); PostPayment and RejectPayment settle a DRAFT one
//     (payments/post, payments/reject); CancelPayment cancels a POSTED one
//     (payments/cancel);
//   - ShowPayment, ListPayments (with AllPayments, an iterator over every
//     page) and GetLatestPayments read payments back (payments/show,
//     payments/list, payments/get_latest);
//   - Settle reads them to settle a call whose outcome was unknown.
//
// # Authentication
//
// The client logs in with a username, password and organisation (POST
// authentication/token) or with a web API key (POST
// authentication/web_api_key/token, the key as the HTTP Basic user). The
// token is shared by all goroutines (one login for any number of
// concurrent callers) and travels as the token query parameter on GET and
// the "token" field of the JSON body on POST, never in a header, an error
// or a log line. A token that is a JWT is renewed in the background
// shortly before its exp; any other token is renewed after
// Config.IdleLifetime without use (CRM.COM ends such a token after an
// idle hour). When CRM.COM refuses the token (HTTP 401, or an envelope
// whose status.code is one of Config.InvalidTokenCodes, under any HTTP
// status) the client logs in again once and resends: the refusal proves
// the call was not applied. Close releases the token
// (authentication/token/release).
//
// # Outcomes
//
// Every error is a *Error whose outcome (see "The outcome model" in the
// module's README) says whether the call may be sent again. CRM.COM
// answers {"status":{"code","message","description"},"data":...}; any code
// other than "OK", under any HTTP status, is the partner's refusal, kept in
// Error.Code and Error.Message ("message: description"). A refusal whose
// code is one of Config.AlreadyAppliedCodes (an invoice or bill already
// paid, a payment already posted, rejected or cancelled) is
// ErrAlreadyApplied: what was asked stands, never send it again. A write
// whose answer does not show the payment CRM.COM recorded (its id) is
// ErrOutcomeUnknown, and Error.Reconcile names the read-back to use
// (GetLatestPayments or ShowPayment) and what to look for.
//
// # Settling unknown outcomes
//
// The error of a write whose outcome is unknown carries a SettleRequest
// (SettleRequestOf; JSON, for an outbox): the call and its keys. Settle
// reads CRM.COM back with it. A pay is applied when the account's latest
// payments (GetLatestPayments) show a POSTED payment holding the invoice
// or bill with nothing left outstanding; a create, when one carries your
// reference in the user-defined field CreatePaymentRequest.ReferenceUDF
// names (CRM.COM takes no reference of yours otherwise, so without it an
// unknown create carries no SettleRequest); a post, reject or cancel, when
// ShowPayment shows the payment POSTED, REJECTED or CANCELLED. The amount
// CRM.COM recorded is compared exactly with what was charged. CRM.COM's
// reads may lag behind its writes: a call not shown within the settle
// grace after it was sent (WithSettleGrace, default one minute) stays
// SettleUnknown, and only then is SettleAbsent: the same request may be
// sent again (a pay of an invoice or bill paid meanwhile is refused as
// ErrAlreadyApplied). Never send again while unknown.
//
// # Assumptions
//
// The partner document lists parameters and samples but leaves out the
// identifier fields each identifier allows (except where a sample shows
// one), the failure codes, and paging. Where this package rests on an
// assumption it says so; the guesses are configurable:
//
//   - Identifier fields beyond those the samples and the vendor's pages
//     show (marked on each identifier type).
//   - Which status codes mean an invalid or expired token
//     (Config.InvalidTokenCodes) and which mean "already done"
//     (Config.AlreadyAppliedCodes). Codes are compared ignoring case and
//     any character but letters and digits.
//   - Paging of payments/list with the offset and number_of_results
//     parameters CRM.COM's list methods take (ListPaymentsRequest).
//   - Dates are written without a zone; they are read and written in
//     Config.Location (default UTC).
//   - CRM.COM documents no length limits; the SDK refuses values longer
//     than MaxIdentifierLen, MaxUDFStringLen and MaxNotesLen characters.
//
// Package crmcomtest is an in-process fake of CRM.COM for tests.
package crmcom

import (
	"encoding/base64"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "crmcom"

// DefaultIdleLifetime is how long a token that is not a JWT is used after
// its last use before the client logs in again: CRM.COM ends such tokens
// after an idle hour.
const DefaultIdleLifetime = time.Hour

// Length limits the SDK applies (in characters). CRM.COM documents none;
// these only stop runaway input before it is sent.
const (
	MaxIdentifierLen = 255  // each identifier value, and each Config text
	MaxUDFStringLen  = 255  // each udf_string_N
	MaxNotesLen      = 4000 // notes, description, issue_reason
)

// Config is what a payments backend loads from its settings. Printing it
// (fmt, slog, encoding/json) never shows the password or the web API key.
//
// Give either Username, Password and Organisation, or WebAPIKey.
type Config struct {
	// BaseURL is the Web API's base URL, {server}/crmapi/rest/v2.
	// Required: every CRM.COM installation has its own server.
	BaseURL string

	// Username, Password, Organisation and the optional Unit are the
	// credentials of POST authentication/token.
	Username     string
	Password     Secret
	Organisation string
	Unit         string

	// WebAPIKey, instead of the credentials above, logs in with POST
	// authentication/web_api_key/token.
	WebAPIKey Secret

	// Location is the time zone CRM.COM's zone-less dates are read and
	// written in; nil means UTC.
	Location *time.Location

	// IdleLifetime is how long a token that is not a JWT is used after
	// its last use; 0 means DefaultIdleLifetime. A JWT is used until
	// shortly before its exp, whatever IdleLifetime says.
	IdleLifetime time.Duration

	// InvalidTokenCodes are the status codes by which CRM.COM refuses a
	// token; the client then logs in again once and resends. nil means
	// INVALID_TOKEN, EXPIRED_TOKEN and TOKEN_EXPIRED (an assumption: the
	// partner document lists no failure codes). An HTTP 401 always counts.
	InvalidTokenCodes []string

	// AlreadyAppliedCodes are the status codes by which CRM.COM refuses a
	// call because what it asks was done before; such a refusal is
	// ErrAlreadyApplied. nil means INVOICE_ALREADY_PAID,
	// BILL_ALREADY_PAID, PAYMENT_ALREADY_POSTED, PAYMENT_ALREADY_REJECTED
	// and PAYMENT_ALREADY_CANCELLED (an assumption, as above).
	AlreadyAppliedCodes []string
}

// The default code sets; see Config.
var (
	defaultInvalidTokenCodes   = []string{"INVALID_TOKEN", "EXPIRED_TOKEN", "TOKEN_EXPIRED"}
	defaultAlreadyAppliedCodes = []string{
		"INVOICE_ALREADY_PAID", "BILL_ALREADY_PAID",
		"PAYMENT_ALREADY_POSTED", "PAYMENT_ALREADY_REJECTED", "PAYMENT_ALREADY_CANCELLED",
	}
)

// Client talks to one CRM.COM installation. It is safe for concurrent use;
// create one and reuse it. Printing a Client with any fmt verb never shows
// a credential or a token: the password and the web API key are held only
// inside a function (fmt prints a function as its address, and %s or %q
// would print what an unexported field holds or points to, Secret or not).
type Client struct {
	cfg     Config // without Password and WebAPIKey
	secrets func() (password, webAPIKey Secret)
	http    *transport.Client
	tokens  *tokencache.Cache[*session]
	codes   *codeSets
	current atomic.Pointer[session]
	now     func() time.Time
}

// basicAuth is the HTTP Basic credential of a web API key: the key as the
// user, an empty password.
func basicAuth(key string) string { return base64.StdEncoding.EncodeToString([]byte(key + ":")) }

// renewBefore is how long before a JWT's exp the client renews it.
const renewBefore = 5 * time.Minute

// New checks cfg and opts and returns a Client. It sends nothing; an
// invalid Config is a NotApplied *Error of op "New" naming the fields.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.Password.Reveal(), cfg.WebAPIKey.Reveal())
	if key := cfg.WebAPIKey.Reveal(); key != "" {
		secrets.AddPermanent(basicAuth(key))
	}
	password, key := cfg.Password, cfg.WebAPIKey
	cfg.Password, cfg.WebAPIKey = "", ""
	c := &Client{
		cfg:     cfg,
		secrets: func() (Secret, Secret) { return password, key },
		codes:   newCodeSets(cfg.InvalidTokenCodes, cfg.AlreadyAppliedCodes),
		now:     time.Now,
	}
	tc, err := transport.New(transport.Partner{
		Name:    partner,
		BaseURL: base,
		SafeQueryKeys: []string{
			"payment_identifier", "accounts_receivable_identifier", "type_identifier", "category_identifier",
			"payment_method_identifier", "fields_set", "number", "offset", "number_of_results",
		},
		Secrets:    secrets,
		ParseError: c.codes.parseError,
	}, opts...)
	if err != nil {
		return nil, err
	}
	c.http = tc
	c.tokens = tokencache.New(tc, opLogin, c.login, renewBefore).WithStale(func(s *session) bool { return s.stale(c.now(), c.cfg.IdleLifetime) })
	return c, nil
}

// normalize fills defaults and checks every field, returning the base URL.
func (c *Config) normalize() (*url.URL, error) {
	var chk transport.Checks
	base := chk.BaseURL("Config.BaseURL", c.BaseURL)
	key := c.WebAPIKey.Reveal()
	switch {
	case key != "" && (c.Username != "" || c.Password != "" || c.Organisation != ""):
		chk.Add("Config.WebAPIKey", "is set together with Username/Password/Organisation; use one way to log in")
	case key != "":
		chk.Text("Config.WebAPIKey", key, MaxIdentifierLen)
		if strings.Contains(key, ":") {
			chk.Add("Config.WebAPIKey", "must not contain a colon (it travels as the HTTP Basic user)")
		}
	default:
		chk.Text("Config.Username", c.Username, MaxIdentifierLen)
		chk.Text("Config.Password", c.Password.Reveal(), MaxIdentifierLen)
		chk.Text("Config.Organisation", c.Organisation, MaxIdentifierLen)
	}
	chk.OptionalText("Config.Unit", c.Unit, MaxIdentifierLen)
	if key != "" && c.Unit != "" {
		chk.Add("Config.Unit", "is sent only with Username/Password/Organisation, not with a WebAPIKey")
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	switch {
	case c.IdleLifetime < 0:
		chk.Add("Config.IdleLifetime", "must not be negative")
	case c.IdleLifetime == 0:
		c.IdleLifetime = DefaultIdleLifetime
	}
	if c.InvalidTokenCodes == nil {
		c.InvalidTokenCodes = defaultInvalidTokenCodes
	}
	if c.AlreadyAppliedCodes == nil {
		c.AlreadyAppliedCodes = defaultAlreadyAppliedCodes
	}
	for _, list := range []struct {
		field string
		codes []string
	}{{"Config.InvalidTokenCodes", c.InvalidTokenCodes}, {"Config.AlreadyAppliedCodes", c.AlreadyAppliedCodes}} {
		for _, code := range list.codes {
			chk.Text(list.field, code, MaxIdentifierLen)
		}
	}
	return base, chk.Err(partner, "New")
}
