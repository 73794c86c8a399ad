package transport

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ParseBaseURL checks a configured base URL: absolute, https (plain http only
// for a loopback host, as test servers use), no user info, query or fragment.
// It may carry its own path, e.g. ".../IPS-TST-RS/api".
func ParseBaseURL(field, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, &ValidationError{Field: field, Reason: "is required"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &ValidationError{Field: field, Reason: "is not a URL"}
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return nil, &ValidationError{Field: field, Reason: "must be an absolute https URL"}
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, &ValidationError{Field: field, Reason: "must use https (plain http is allowed for loopback test servers only)"}
	case u.User != nil:
		return nil, &ValidationError{Field: field, Reason: "must not carry user info; configure credentials separately"}
	case u.RawQuery != "" || u.ForceQuery:
		return nil, &ValidationError{Field: field, Reason: "must not have a query string"}
	case u.Fragment != "":
		return nil, &ValidationError{Field: field, Reason: "must not have a fragment"}
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckText checks a caller-supplied string: present, valid UTF-8, no control
// characters, no surrounding spaces, at most maxLen bytes (0: no limit). The
// reason never repeats the value, which may be a secret.
func CheckText(field, value string, maxLen int) *ValidationError {
	if value == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	return CheckOptionalText(field, value, maxLen)
}

// CheckOptionalText is CheckText for a string that may be empty.
func CheckOptionalText(field, value string, maxLen int) *ValidationError {
	switch {
	case value == "":
		return nil
	case maxLen > 0 && len(value) > maxLen:
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d bytes long; the most allowed is %d", len(value), maxLen)}
	case !utf8.ValidString(value):
		return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
	case strings.ContainsFunc(value, isControl):
		return &ValidationError{Field: field, Reason: "must not contain control characters"}
	case strings.TrimSpace(value) != value:
		return &ValidationError{Field: field, Reason: "must not start or end with spaces"}
	}
	return nil
}
