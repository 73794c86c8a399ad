// Package accela commits citizen payments to Accela Civic Platform through
// the Construct API v4.
//
// A payment takes two calls: InitializePayment returns a transaction id for
// the records being paid, and CommitPayment commits the payment to it.
// ListRecordPayments reads a record's payments back, which is how a caller
// reconciles a commit whose outcome is unknown; VoidPayment voids a payment.
//
// The client obtains OAuth2 access tokens itself (password grant, then the
// refresh_token grant) or takes them from a TokenSource; tokens are shared by
// all goroutines, renewed shortly before they expire, and renewed once more
// if Accela answers 401. API calls send the raw access token in
// Authorization (no "Bearer"), with x-accela-appid and, when configured,
// x-accela-agency and x-accela-environment.
//
// Every error is a *Error that matches exactly one of ErrNotApplied (safe to
// fix and resend) or ErrOutcomeUnknown (reconcile before resending). A
// commit answered 200 with code "emse_error" was applied although an agency
// script failed: it returns a nil error and CommitPaymentResult.ScriptFailed
// reports it.
//
// Package accelatest is an in-process fake of Accela for tests.
package accela

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/session"
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

// Config is what a payments backend loads from its settings.
type Config struct {
	// BaseURL is the API's base URL; empty means DefaultBaseURL.
	BaseURL string
	// TokenURL is the OAuth2 token endpoint; empty means DefaultTokenURL.
	TokenURL string

	// AppID is the Construct app id: x-accela-appid and client_id. Required.
	AppID string
	// AppSecret is the app's client_secret. Required for the password grant.
	AppSecret string

	// Agency is the agency name: agency_name in the password grant and,
	// when set, the x-accela-agency header.
	Agency string
	// Environment is the agency environment (e.g. "PROD", "TEST"):
	// environment in the password grant and, when set, the
	// x-accela-environment header.
	Environment string

	// UserName, Password and Scope are for the password grant. Scope
	// defaults to DefaultScope.
	UserName string
	Password string
	Scope    string

	// TokenSource, instead of the password grant, hands the client access
	// tokens obtained elsewhere (e.g. the authorization-code flow).
	TokenSource TokenSource
}

// String describes the Config without its secrets, so printing it is safe.
func (c Config) String() string {
	return fmt.Sprintf("accela.Config{BaseURL:%s TokenURL:%s AppID:%s AppSecret:%s Agency:%s Environment:%s UserName:%s Password:%s Scope:%s TokenSource:%t}",
		c.BaseURL, c.TokenURL, c.AppID, redact.Sensitive(c.AppSecret), c.Agency, c.Environment, c.UserName, redact.Sensitive(c.Password), c.Scope, c.TokenSource != nil)
}

// GoString is String, so %#v is safe too.
func (c Config) GoString() string { return c.String() }

// Client talks to one Accela agency. It is safe for concurrent use; create
// one and reuse it.
type Client struct {
	cfg          Config
	fixedHeaders http.Header
	tokenURL     *url.URL
	http         *transport.Client
	session      *session.Cache[credential]
}

// New checks cfg and opts and returns a Client. It sends nothing.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, tokenURL, err := cfg.normalize()
	if err != nil {
		return nil, fmt.Errorf("accela.New: %w", err)
	}
	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.AppSecret, cfg.Password)
	tc, err := transport.New(transport.Config{
		Partner:       partner,
		BaseURL:       base,
		SafeQueryKeys: []string{"fields", "lang", "paymentStatus"},
		Secrets:       secrets,
		ParseError:    parseError,
		TraceHeader:   "X-Accela-Traceid",
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("accela.New: %w", err)
	}
	c := &Client{cfg: cfg, fixedHeaders: fixedHeaders(cfg), tokenURL: tokenURL, http: tc}
	c.session = session.New(partner, c.login, renewBefore)
	return c, nil
}

func (c *Config) normalize() (base, token *url.URL, err error) {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.TokenURL == "" {
		c.TokenURL = DefaultTokenURL
	}
	if base, err = transport.ParseBaseURL("Config.BaseURL", c.BaseURL); err != nil {
		return nil, nil, err
	}
	if token, err = transport.ParseBaseURL("Config.TokenURL", c.TokenURL); err != nil {
		return nil, nil, err
	}
	checks := []*transport.ValidationError{
		transport.CheckText("Config.AppID", c.AppID, 256),
		transport.CheckOptionalText("Config.Agency", c.Agency, 256),
		transport.CheckOptionalText("Config.Environment", c.Environment, 64),
	}
	if c.TokenSource != nil {
		if c.UserName != "" || c.Password != "" {
			return nil, nil, &ValidationError{Field: "Config.TokenSource", Reason: "is set together with UserName/Password; use one way to obtain tokens"}
		}
	} else {
		if c.Scope == "" {
			c.Scope = DefaultScope
		}
		checks = append(checks,
			transport.CheckText("Config.AppSecret", c.AppSecret, 256),
			transport.CheckText("Config.UserName", c.UserName, 256),
			transport.CheckText("Config.Password", c.Password, 256),
			transport.CheckText("Config.Scope", c.Scope, 1024),
		)
	}
	for _, v := range checks {
		if v != nil {
			return nil, nil, v
		}
	}
	return base, token, nil
}

// apiHeaders are sent with every API call: the fixed x-accela-* headers,
// built once in New, and the raw access token (no "Bearer": Accela's
// convention).
func (c *Client) apiHeaders(accessToken string) http.Header {
	h := make(http.Header, len(c.fixedHeaders)+1)
	maps.Copy(h, c.fixedHeaders)
	h["Authorization"] = []string{accessToken}
	return h
}

func fixedHeaders(cfg Config) http.Header {
	h := http.Header{"X-Accela-Appid": {cfg.AppID}}
	if cfg.Agency != "" {
		h.Set("X-Accela-Agency", cfg.Agency)
	}
	if cfg.Environment != "" {
		h.Set("X-Accela-Environment", cfg.Environment)
	}
	return h
}
