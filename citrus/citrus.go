// Package citrus posts completed payments to the Citrus County, FL
// cashiering system ("IPS", Infor Public Sector REST services).
//
// IPS needs one call per payment: the payments backend tells it that the
// invoice whose BillerReference it holds has been paid. The client logs in
// (POST portal/auth), keeps the session for all goroutines, sends the session
// back as the ss-id and ss-pid cookies together with any cookie IPS sets, and
// logs in again once if IPS answers 401.
//
// Every error is a *Error that matches exactly one of ErrNotApplied (safe to
// fix and resend) or ErrOutcomeUnknown (reconcile before resending). IPS
// answering HTTP 200 with success:false is ErrNotApplied, and the transaction
// IPS returned is still handed back.
//
// Package citrustest is an in-process fake IPS server for tests.
package citrus

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/session"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "citrus"

// Environment names an IPS instance.
type Environment string

// The IPS environments.
const (
	Dev  Environment = "DEV"
	Prod Environment = "PROD"
)

// Partner-fixed values, overridable in Config.
const (
	// DefaultDevBaseURL is the DEV (test instance) base URL from the partner document.
	DefaultDevBaseURL = "https://ips-rest.citrusbocc.com/IPS-TST-RS/api"
	// DefaultCashRegister is the cashRegister IPS expects from the online portal.
	DefaultCashRegister = "OnlinePortal"
	// DefaultVoidReasonOnFailure is the voidReasonOnFailure IPS expects.
	DefaultVoidReasonOnFailure = "Customer"
	// DefaultIPSUserName is the value of the ips.username cookie.
	DefaultIPSUserName = "Rhythm"
)

// Config is what a payments backend loads from its settings.
type Config struct {
	// Environment selects DEV or PROD. Required: there is no silent default.
	Environment Environment
	// DevBaseURL is the DEV base URL; empty means DefaultDevBaseURL.
	DevBaseURL string
	// ProdBaseURL is the PROD base URL. It has no default: a PROD Config
	// without it is refused rather than falling back to DEV.
	ProdBaseURL string

	// UserName and Password are the IPS credentials. They are sent in the
	// login URL's query string (as IPS requires) and never appear in an
	// error or log line.
	UserName string
	Password string

	// CashRegister defaults to DefaultCashRegister.
	CashRegister string
	// VoidReasonOnFailure defaults to DefaultVoidReasonOnFailure.
	VoidReasonOnFailure string
	// IPSUserName is the ips.username cookie; it defaults to DefaultIPSUserName.
	IPSUserName string

	// MaintainSession sends the header X-ips-maintain-session: true, which
	// asks IPS to keep the server session alive between requests. Infor
	// documents the header but not its value; "true" is assumed. Off by
	// default.
	MaintainSession bool
}

// String describes the Config without its password, so printing it is safe.
func (c Config) String() string {
	return fmt.Sprintf("citrus.Config{Environment:%s DevBaseURL:%s ProdBaseURL:%s UserName:%s Password:%s CashRegister:%s VoidReasonOnFailure:%s IPSUserName:%s MaintainSession:%t}",
		c.Environment, c.DevBaseURL, c.ProdBaseURL, c.UserName, redact.Sensitive(c.Password), c.CashRegister, c.VoidReasonOnFailure, c.IPSUserName, c.MaintainSession)
}

// GoString is String, so %#v is safe too.
func (c Config) GoString() string { return c.String() }

// Client posts payments to IPS. It is safe for concurrent use; create one
// per IPS environment and reuse it.
type Client struct {
	cfg     Config
	http    *transport.Client
	session *session.Cache[AuthResult]
}

// New checks cfg and opts and returns a Client. It sends nothing.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, err := cfg.normalize()
	if err != nil {
		return nil, fmt.Errorf("citrus.New: %w", err)
	}
	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.Password)
	tc, err := transport.New(transport.Config{
		Partner:    partner,
		BaseURL:    base,
		Secrets:    secrets,
		ParseError: parseError,
		CookieJar:  true,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("citrus.New: %w", err)
	}
	c := &Client{cfg: cfg, http: tc}
	c.session = session.New(partner, c.login, 0)
	return c, nil
}

// normalize fills defaults and checks every field, returning the base URL.
func (c *Config) normalize() (*url.URL, error) {
	var raw, field string
	switch c.Environment {
	case Dev:
		if c.DevBaseURL == "" {
			c.DevBaseURL = DefaultDevBaseURL
		}
		raw, field = c.DevBaseURL, "Config.DevBaseURL"
	case Prod:
		raw, field = c.ProdBaseURL, "Config.ProdBaseURL"
		if raw == "" {
			return nil, &ValidationError{Field: field, Reason: "is required when Environment is PROD (there is no default, and DEV is never used instead)"}
		}
	case "":
		return nil, &ValidationError{Field: "Config.Environment", Reason: `is required: "DEV" or "PROD"`}
	default:
		return nil, &ValidationError{Field: "Config.Environment", Reason: `must be "DEV" or "PROD"`}
	}
	base, err := transport.ParseBaseURL(field, raw)
	if err != nil {
		return nil, err
	}
	defaults := []struct {
		field string
		value *string
		def   string
	}{
		{"Config.CashRegister", &c.CashRegister, DefaultCashRegister},
		{"Config.VoidReasonOnFailure", &c.VoidReasonOnFailure, DefaultVoidReasonOnFailure},
		{"Config.IPSUserName", &c.IPSUserName, DefaultIPSUserName},
	}
	for _, d := range defaults {
		if *d.value == "" {
			*d.value = d.def
		}
		if v := transport.CheckText(d.field, *d.value, 100); v != nil {
			return nil, v
		}
	}
	if !isCookieSafe(c.IPSUserName) {
		return nil, &ValidationError{Field: "Config.IPSUserName", Reason: "must be printable ASCII without spaces, quotes, commas, semicolons or backslashes (it travels in a cookie)"}
	}
	if v := transport.CheckText("Config.UserName", c.UserName, 256); v != nil {
		return nil, v
	}
	if v := transport.CheckText("Config.Password", c.Password, 256); v != nil {
		return nil, v
	}
	return base, nil
}

// isCookieSafe reports whether s can be a cookie value as is (RFC 6265).
func isCookieSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b <= ' ' || b >= 0x7f || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// headers are sent with every IPS request.
func (c *Client) headers() http.Header {
	if !c.cfg.MaintainSession {
		return nil
	}
	return http.Header{"X-Ips-Maintain-Session": {"true"}}
}
