package transport

import (
	"net"
	"net/url"
)

// BaseURL checks a configured base URL and returns it parsed, or records
// field and returns nil: absolute, https (plain http only for a loopback
// host, as test servers use), no user info, query or fragment. It may carry
// its own path, e.g. ".../IPS-TST-RS/api".
func (c *Checks) BaseURL(field, raw string) *url.URL {
	if !c.Required(field, raw) {
		return nil
	}
	u, err := url.Parse(raw)
	reason := ""
	switch {
	case err != nil:
		reason = "is not a URL"
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		reason = "must be an absolute https URL"
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		reason = "must use https (plain http is allowed for loopback test servers only)"
	case u.User != nil:
		reason = "must not carry user info; configure credentials separately"
	case u.RawQuery != "" || u.ForceQuery:
		reason = "must not have a query string"
	case u.Fragment != "":
		reason = "must not have a fragment"
	default:
		return u
	}
	c.Add(field, reason)
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
