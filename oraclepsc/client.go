// Package oraclepsc records citizen payments in Oracle Fusion Cloud Public
// Sector Community Development, through its REST API for checkouts
// (publicSectorCheckouts).
//
// A payment is one call: CreateCheckoutPayment adds a payment row
// (CheckoutPmt) to a checkout. ListCheckoutPayments reads a checkout's
// payments back, filtered by typed attributes (Filter) in the query syntax
// of the pinned REST framework version, one page at a time;
// AllCheckoutPayments walks every page; GetCheckoutPayment finds one
// payment by its CheckoutPmtID. Settle uses the read-back to settle a
// create whose outcome is unknown (see "Settling unknown outcomes").
//
// # Authentication
//
// Either HTTP Basic (Config.UserName and Config.Password, sent on every
// request over TLS), or a bearer token (a JWT from the identity domain's
// OAuth2 flow or from Oracle's token relay) that Config.TokenSource hands
// the client. Tokens are shared by all goroutines, renewed shortly before
// they expire, and renewed once more, with the call resent, if Oracle
// answers 401. With Basic, a 401 means the credentials are wrong: the call
// fails at once (ErrNotApplied, to be fixed, not resent), so a wrong
// password is never sent twice towards an account lock-out.
//
// # Headers
//
// Every request pins REST-Framework-Version (Config.FrameworkVersion;
// each version is backward incompatible, so the SDK never leaves it to the
// server's default), sends Metadata-Context when configured, and asks for
// Oracle's structured errors with Accept: application/json,
// application/vnd.oracle.adf.error+json.
//
// # Outcomes
//
// Every error is a *Error whose outcome (see "The outcome model" in the
// module's README) says whether the call may be sent again. In this
// package:
//
//   - A create without Upsert that fails after it may have reached Oracle
//     (a cut connection, a timeout, a 5xx, an answer without a
//     CheckoutPmtId) is ErrOutcomeUnknown and is never resent by the SDK;
//     the error carries a SettleRequest for Settle (SettleRequestOf), and
//     Error.Reconcile names Settle, the ListCheckoutPayments call behind
//     it and the PaymentReferenceID to look for.
//   - With Upsert and a CheckoutPmtID of your choosing the create is safe
//     to repeat (Oracle updates the row that has that id instead of adding
//     one): the SDK retries it like a read, and a resend never creates a
//     second payment. The result says whether Oracle created the row (201)
//     or updated it (200).
//   - Oracle refusing a create because a row with its CheckoutPmtID exists
//     already (a duplicate primary key, JBO-25013) is ErrAlreadyApplied:
//     that payment was recorded before; do not create it again.
//   - A 404 (unknown checkout) and GetCheckoutPayment finding nothing also
//     match ErrNotFound.
//
// Oracle's error bodies are read by their Content-Type: the structured
// application/vnd.oracle.adf.error+json (or application/json) body gives
// Error.Code (o:errorCode, e.g. "JBO-27014"), Error.Message (detail or
// title) and one Error.Fields entry per o:errorDetails item (its
// o:errorPath, o:errorCode and detail); a text/plain body gives the
// message, with a leading "JBO-12345:"-style code taken as Error.Code.
// Oracle's X-ORACLE-DMS-ECID response header, the id Oracle support asks
// for, becomes Error.TraceID.
//
// # Settling unknown outcomes
//
// Settle answers what became of a create whose outcome was unknown, from
// the SettleRequest its error carries (JSON, for an outbox; or one stored
// before sending): it lists the checkout's payments filtered by the
// PaymentReferenceID. A row holding it is SettleApplied, with the row and
// its LineAmount compared exactly with the amount charged (LineAmount, not
// TotalTendAmount, which includes the payer's change). Oracle's list may
// lag behind a create, so a reference not found stays SettleUnknown until
// the settle grace (WithSettleGrace) has passed since the create was sent;
// then it is SettleAbsent, and the create may be sent again with the same
// PaymentReferenceID. A failed read-back is SettleUnknown with an error.
//
// # Assumptions
//
// The partner document gives the create's request and response schema and
// its headers; it does not show these, which the SDK therefore assumes
// (each is configurable where a guess could be wrong):
//
//   - REST framework version 4 (DefaultFrameworkVersion) is pinned unless
//     Config.FrameworkVersion says otherwise; versions 2 and later take the
//     expression syntax of q (PaymentReferenceId='ABCD1234'), version 1
//     query-by-example (PaymentReferenceId=ABCD1234).
//   - A duplicate CheckoutPmtId is refused as Oracle's ADF refuses a
//     duplicate primary key: HTTP 400 with o:errorCode JBO-25013
//     (DefaultAlreadyAppliedCodes; Config.AlreadyAppliedCodes changes the
//     set).
//   - An upsert matches an existing row by CheckoutPmtId (the document says
//     only "a resource that matches the payload").
//   - The create's body carries CheckoutId as well as the path, equal to
//     it, since the schema lists it.
//   - PaymentReferenceId can be filtered on in q, and a created row shows
//     in the list within the settle grace: Settle relies on both.
//   - A date-time Oracle sends without a zone offset is read as UTC.
//   - Maximum lengths count characters, not bytes.
//
// Package oraclepsctest is an in-process fake of Oracle for tests.
package oraclepsc

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "oraclepsc"

// Defaults from Oracle's documentation.
const (
	// DefaultResourceVersion is the REST resource version in the partner
	// document's path (/fscmRestApi/resources/11.13.18.05/...).
	DefaultResourceVersion = "11.13.18.05"
	// DefaultFrameworkVersion is the REST-Framework-Version the client
	// pins when Config.FrameworkVersion is zero (an assumption; see the
	// package documentation).
	DefaultFrameworkVersion = 4
	// MaxFrameworkVersion is the highest REST-Framework-Version New
	// accepts.
	MaxFrameworkVersion = 99
	// JSONMediaType is the create's default Content-Type.
	JSONMediaType = "application/json"
	// ResourceItemMediaType is the Content-Type older Fusion releases and
	// Oracle's curl examples use for a create.
	ResourceItemMediaType = "application/vnd.oracle.adf.resourceitem+json"
	// ErrorMediaType is Oracle's structured error body, which the client
	// asks for in Accept.
	ErrorMediaType = "application/vnd.oracle.adf.error+json"
	// renewBefore is how long before its expiry a bearer token is renewed.
	renewBefore = time.Minute
)

// DefaultAlreadyAppliedCodes are the o:errorCode values that, on a 400 or
// 409 refusal of a create, mean the payment exists already: JBO-25013,
// ADF's "Too many objects match the primary key" for a duplicate
// CheckoutPmtId.
func DefaultAlreadyAppliedCodes() []string { return []string{"JBO-25013"} }

// Config is what a payments backend loads from its settings. Printing it
// (fmt, slog, encoding/json) never shows the password.
type Config struct {
	// BaseURL is the Fusion pod's URL, e.g.
	// "https://fa-abcd-saasfaprod1.fa.ocs.oraclecloud.com". It may carry a
	// path prefix (a gateway in front of the pod); /fscmRestApi/... is
	// joined under it. Required: every pod has its own.
	BaseURL string
	// ResourceVersion is the REST resource version in the path; empty
	// means DefaultResourceVersion.
	ResourceVersion string
	// FrameworkVersion is sent as REST-Framework-Version on every request
	// and decides the syntax of q; zero means DefaultFrameworkVersion.
	FrameworkVersion int
	// MetadataContext, when set, is sent as the Metadata-Context header,
	// e.g. `sandbox="TrackEmployeeFeature"`.
	MetadataContext string
	// ContentType is the create's Content-Type; empty means JSONMediaType.
	// Set ResourceItemMediaType for an older release that wants it.
	ContentType string

	// UserName and Password authenticate with HTTP Basic. The password
	// never appears in an error or log line.
	UserName string
	Password Secret
	// TokenSource, instead of UserName and Password, hands the client
	// bearer tokens (JWTs) obtained elsewhere: the identity domain's OAuth2
	// flow or Oracle's token relay.
	TokenSource TokenSource

	// AlreadyAppliedCodes are the o:errorCode values that, on a 400 or 409
	// refusal of a create, mean the payment is recorded already
	// (ErrAlreadyApplied); nil means DefaultAlreadyAppliedCodes.
	AlreadyAppliedCodes []string
}

// Client records checkout payments in one Fusion pod. It is safe for
// concurrent use; create one and reuse it.
type Client struct {
	cfg      Config
	version  string // ResourceVersion, a path segment
	qv2      bool   // the pinned framework version takes q expressions
	contents string // the create's Content-Type, when not application/json
	http     *transport.Client
	basic    *credential // the Basic credential; nil with a TokenSource
	session  *tokencache.Cache[*credential]
	already  []string
}

// New checks cfg and opts and returns a Client. It sends nothing; an
// invalid Config is a NotApplied *Error of op "New" naming the fields.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		version: cfg.ResourceVersion,
		qv2:     cfg.FrameworkVersion >= 2,
		already: slices.Clone(cfg.AlreadyAppliedCodes),
	}
	if cfg.ContentType != JSONMediaType {
		c.contents = cfg.ContentType
	}
	secrets := new(redact.Secrets)
	tc, err := transport.New(transport.Partner{
		Name:          partner,
		BaseURL:       base,
		SafeQueryKeys: []string{"fields", "onlyData", "limit", "offset", "orderBy", "totalResults"},
		Secrets:       secrets,
		ParseError:    c.parseError,
		Accept:        "application/json, " + ErrorMediaType,
		TraceHeader:   traceHeader,
	}, opts...)
	if err != nil {
		return nil, err
	}
	c.http = tc
	if cfg.TokenSource == nil {
		basic := base64.StdEncoding.EncodeToString([]byte(cfg.UserName + ":" + cfg.Password.Reveal()))
		secrets.AddPermanent(cfg.Password.Reveal(), basic)
		c.basic = c.credential("Basic " + basic)
	}
	c.session = tokencache.New(tc, opToken, c.login, renewBefore)
	return c, nil
}

// normalize fills defaults and checks every field, returning the base URL.
func (c *Config) normalize() (*url.URL, error) {
	var chk transport.Checks
	base := chk.BaseURL("Config.BaseURL", c.BaseURL)
	if c.ResourceVersion == "" {
		c.ResourceVersion = DefaultResourceVersion
	}
	if strings.Trim(c.ResourceVersion, "0123456789.") != "" || strings.Contains(c.ResourceVersion, "..") ||
		strings.HasPrefix(c.ResourceVersion, ".") || len(c.ResourceVersion) > 32 {
		chk.Add("Config.ResourceVersion", `must be digits and dots, e.g. "`+DefaultResourceVersion+`"`)
	}
	if c.FrameworkVersion == 0 {
		c.FrameworkVersion = DefaultFrameworkVersion
	}
	if c.FrameworkVersion < 1 || c.FrameworkVersion > MaxFrameworkVersion {
		chk.Add("Config.FrameworkVersion", "must be between 1 and "+strconv.Itoa(MaxFrameworkVersion))
	}
	chk.OptionalText("Config.MetadataContext", c.MetadataContext, 1024)
	if c.ContentType == "" {
		c.ContentType = JSONMediaType
	}
	if c.ContentType != JSONMediaType && c.ContentType != ResourceItemMediaType {
		chk.Add("Config.ContentType", `must be "`+JSONMediaType+`" or "`+ResourceItemMediaType+`"`)
	}
	if c.AlreadyAppliedCodes == nil {
		c.AlreadyAppliedCodes = DefaultAlreadyAppliedCodes()
	}
	for _, code := range c.AlreadyAppliedCodes {
		chk.Text("Config.AlreadyAppliedCodes", code, 64)
	}
	if c.TokenSource != nil {
		if c.UserName != "" || c.Password != "" {
			chk.Add("Config.TokenSource", "is set together with UserName/Password; use one way to authenticate")
		}
	} else {
		chk.Text("Config.UserName", c.UserName, 256)
		if strings.Contains(c.UserName, ":") {
			chk.Add("Config.UserName", "must not contain a colon (HTTP Basic cannot carry one)")
		}
		chk.Text("Config.Password", c.Password.Reveal(), 256)
	}
	return base, chk.Err(partner, "New")
}

// credential is what every request sends to authenticate, with the fixed
// headers, built once per token: one set for reads and plain creates, one
// for upserts.
type credential struct {
	plain  http.Header
	upsert http.Header
}

// credential builds the headers for authorization.
func (c *Client) credential(authorization string) *credential {
	h := http.Header{
		"Authorization":          {authorization},
		"Rest-Framework-Version": {strconv.Itoa(c.cfg.FrameworkVersion)},
	}
	if c.cfg.MetadataContext != "" {
		h["Metadata-Context"] = []string{c.cfg.MetadataContext}
	}
	up := h.Clone()
	up["Upsert-Mode"] = []string{"true"}
	return &credential{plain: h, upsert: up}
}
