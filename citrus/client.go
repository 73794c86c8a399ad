// Package citrus posts completed payments to the Citrus County, FL
// cashiering system ("IPS", Infor Public Sector REST services).
//
// IPS needs one call per payment: PostPayment tells it that the invoice
// whose BillerReference it holds has been paid. The client logs in (POST
// portal/auth), keeps the session for all goroutines, sends it back as the
// ss-id and ss-pid cookies together with any cookie IPS sets (such as
// InstanceId), and logs in again once if IPS answers 401.
//
// Every error is a *Error whose outcome (see "The outcome model" in the
// module's README) says whether the payment may be posted again. IPS
// answering HTTP 200 with success:false is ErrNotApplied, and the
// transaction IPS returned is still handed back. IPS offers no look-up
// call, so an unknown outcome is settled by asking the county.
//
// Package citrustest is an in-process fake IPS server for tests.
package citrus

import (
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const partner = "citrus"

// Environment names an IPS instance, which selects the base URL.
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

// Config is what a payments backend loads from its settings. Printing it
// (fmt, slog, encoding/json) never shows the password.
type Config struct {
	// Environment selects DEV or PROD. Required: there is no silent default.
	Environment Environment
	// DevBaseURL is the DEV base URL; empty means DefaultDevBaseURL.
	DevBaseURL string
	// ProdBaseURL is the PROD base URL. It has no default: a PROD Config
	// without it is refused rather than falling back to DEV.
	ProdBaseURL string

	// UserName and Password are the IPS credentials. They travel in the
	// login URL's query string (as IPS requires) and never appear in an
	// error or log line.
	UserName string
	Password Secret

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

// Client posts payments to IPS. It is safe for concurrent use; create one
// per IPS environment and reuse it.
type Client struct {
	cfg     Config
	headers http.Header // sent with every request; nil when none
	http    *transport.Client
	session *tokencache.Cache[session]
}

// New checks cfg and opts and returns a Client. It sends nothing; an
// invalid Config is a NotApplied *Error of op "New" naming the fields.
func New(cfg Config, opts ...Option) (*Client, error) {
	base, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	secrets := new(redact.Secrets)
	secrets.AddPermanent(cfg.Password.Reveal())
	tc, err := transport.New(transport.Partner{
		Name:       partner,
		BaseURL:    base,
		Secrets:    secrets,
		ParseError: parseError,
		CookieJar:  true,
	}, opts...)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, http: tc}
	if cfg.MaintainSession {
		c.headers = http.Header{"X-Ips-Maintain-Session": {"true"}}
	}
	c.session = tokencache.New(tc, opAuthenticate, c.login, 0)
	return c, nil
}

// normalize fills defaults and checks every field, returning the base URL.
func (c *Config) normalize() (*url.URL, error) {
	var chk transport.Checks
	var base *url.URL
	switch c.Environment {
	case Dev:
		if c.DevBaseURL == "" {
			c.DevBaseURL = DefaultDevBaseURL
		}
		base = chk.BaseURL("Config.DevBaseURL", c.DevBaseURL)
	case Prod:
		if c.ProdBaseURL == "" {
			chk.Add("Config.ProdBaseURL", "is required when Environment is PROD (there is no default, and DEV is never used instead)")
		} else {
			base = chk.BaseURL("Config.ProdBaseURL", c.ProdBaseURL)
		}
	case "":
		chk.Add("Config.Environment", `is required: "DEV" or "PROD"`)
	default:
		chk.Add("Config.Environment", `must be "DEV" or "PROD"`)
	}
	for _, d := range []struct {
		field string
		value *string
		def   string
	}{
		{"Config.CashRegister", &c.CashRegister, DefaultCashRegister},
		{"Config.VoidReasonOnFailure", &c.VoidReasonOnFailure, DefaultVoidReasonOnFailure},
		{"Config.IPSUserName", &c.IPSUserName, DefaultIPSUserName},
	} {
		if *d.value == "" {
			*d.value = d.def
		}
		chk.Text(d.field, *d.value, 100)
	}
	if !isCookieSafe(c.IPSUserName) {
		chk.Add("Config.IPSUserName", "must be printable ASCII without spaces, quotes, commas, semicolons or backslashes (it travels in a cookie)")
	}
	chk.Text("Config.UserName", c.UserName, 256)
	chk.Text("Config.Password", c.Password.Reveal(), 256)
	return base, chk.Err(partner, "New")
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
