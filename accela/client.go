// Package accela commits citizen payments to Accela Civic Platform through
// the Construct API v4.
//
// A payment takes two calls: InitializePayment opens a transaction for the
// records being paid, and CommitPayment commits the payment to it.
// ListRecordPayments reads a record's payments back, which is how a caller
// settles a commit whose outcome is unknown; VoidPayment voids a payment.
//
// The client obtains OAuth2 access tokens itself (password grant, then the
// refresh_token grant) or takes them from a TokenSource; tokens are shared
// by all goroutines, renewed in the background shortly before they expire,
// and renewed once more if Accela answers 401. API calls send the raw
// access token in Authorization (no "Bearer"), with x-accela-appid and,
// when configured, x-accela-agency and x-accela-environment.
//
// Every error is a *Error whose outcome (see "The outcome model" in the
// module's README) says whether the call may be sent again. Accela
// refusing a second commit of a transaction ("already committed") is
// ErrAlreadyApplied: the first commit stands. A commit answered 200 with
// code "emse_error" was applied although an agency script failed: it
// returns a nil error and CommitPaymentResult.ScriptFailed reports it.
//
// Package accelatest is an in-process fake of Accela for tests.
package accela

import (
	"net/url"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "accela"

// Defaults from Accela's documentation.
const (
	DefaultBaseURL  = "https://apis.accela.com"
	DefaultTokenURL = "https://auth.accela.com/oauth2/token"
	// DefaultScope covers committing payments and reading them back.
	DefaultScope = "payments records"
	// AccessTokenLifetime is assumed when Accela's answer has no expires_in.
	AccessTokenLifetime = 15 * time.Minute
	// RefreshTokenLifetime is how long Accela honours a refresh token.
	RefreshTokenLifetime = 8 * time.Hour
	// renewBefore is how long before expiry a token is renewed.
	renewBefore = time.Minute
)

// Config is what a payments backend loads from its settings. Printing it
// (fmt, slog, encoding/json) never shows a secret.
type Config struct {
	// BaseURL is the API's base URL; empty means DefaultBaseURL.
	BaseURL string
	// TokenURL is the OAuth2 token endpoint; empty means DefaultTokenURL.
	TokenURL string

	// AppID is the Construct app id: x-accela-appid and client_id. Required.
	AppID string
	// AppSecret is the app's client_secret. Required for the password grant.
	AppSecret Secret

	// Agency is the agency name: agency_name in the password grant and,
	// when set, the x-accela-agency header.
	Agency string
	// AgencyEnvironment is the agency's environment (e.g. "PROD", "TEST"):
	// environment in the password grant and, when set, the
	// x-accela-environment header.
	AgencyEnvironment string

	// UserName, Password and Scope are for the password grant. Scope
	// defaults to DefaultScope.
	UserName string
	Password Secret
	Scope    string

	// TokenSource, instead of the password grant, hands the client access
	// tokens obtained elsewhere (e.g. the authorization-code flow).
	TokenSource TokenSource
}

// Client talks to one Accela agency. It is safe for concurrent use; create
// one and reuse it.
type Client struct {
	cfg      Config
	tokenURL *url.URL
	http     *transport.Client
	session  *tokencache.Cache[credential]
}

// New checks cfg and opts and returns a Client. It sends nothing; an
// invalid Config is a NotApplied *Error of op "New" naming the fields.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, tokenURL, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.AppSecret.Reveal(), cfg.Password.Reveal())
	tc, err := transport.New(transport.Partner{
		Name:          partner,
		BaseURL:       base,
		SafeQueryKeys: []string{"fields", "lang", "paymentStatus"},
		Secrets:       secrets,
		ParseError:    parseError,
		TraceHeader:   traceHeader,
	}, opts...)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, tokenURL: tokenURL, http: tc}
	c.session = tokencache.New(tc, opToken, c.login, renewBefore)
	return c, nil
}

func (c *Config) normalize() (base, token *url.URL, err error) {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.TokenURL == "" {
		c.TokenURL = DefaultTokenURL
	}
	var chk transport.Checks
	base = chk.BaseURL("Config.BaseURL", c.BaseURL)
	token = chk.BaseURL("Config.TokenURL", c.TokenURL)
	chk.Text("Config.AppID", c.AppID, 256)
	chk.OptionalText("Config.Agency", c.Agency, 256)
	chk.OptionalText("Config.AgencyEnvironment", c.AgencyEnvironment, 64)
	if c.TokenSource != nil {
		if c.UserName != "" || c.Password != "" {
			chk.Add("Config.TokenSource", "is set together with UserName/Password; use one way to obtain tokens")
		}
	} else {
		if c.Scope == "" {
			c.Scope = DefaultScope
		}
		chk.Text("Config.AppSecret", c.AppSecret.Reveal(), 256)
		chk.Text("Config.UserName", c.UserName, 256)
		chk.Text("Config.Password", c.Password.Reveal(), 256)
		chk.Text("Config.Scope", c.Scope, 1024)
	}
	return base, token, chk.Err(partner, "New")
}
