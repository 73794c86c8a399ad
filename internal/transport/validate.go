package transport

import (
	"fmt"
	"github.com/civicpay/datapump/internal/redact"
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

// CheckPathSegment is CheckText for a value that becomes one URL path
// segment, such as a transaction id: "." and ".." are refused too.
func CheckPathSegment(field, value string, maxLen int) *ValidationError {
	if value == "." || value == ".." {
		return &ValidationError{Field: field, Reason: `must not be "." or ".."`}
	}
	return CheckText(field, value, maxLen)
}

// CheckFreeText checks an optional comment-like string: valid UTF-8, at most
// maxLen bytes, no control characters other than tab and line breaks, and no
// card number.
func CheckFreeText(field, value string, maxLen int) *ValidationError {
	switch {
	case value == "":
		return nil
	case len(value) > maxLen:
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d bytes long; the most allowed is %d", len(value), maxLen)}
	case !utf8.ValidString(value):
		return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
	case strings.ContainsFunc(value, func(r rune) bool { return isControl(r) && r != '\t' && r != '\n' && r != '\r' }):
		return &ValidationError{Field: field, Reason: "must not contain control characters"}
	}
	return CheckNoCardNumber(field, value)
}

// CheckNoCardNumber refuses a value holding what looks like a full payment
// card number: 13 to 19 digits, possibly grouped by single spaces or dashes,
// that pass the Luhn check. The reason never repeats the digits.
func CheckNoCardNumber(field, value string) *ValidationError {
	if redact.ContainsCardNumber(value) {
		return &ValidationError{Field: field, Reason: "looks like it holds a card number; only the last 4 digits of a card may be sent"}
	}
	return nil
}

// CheckLastFour accepts the last digits of a card: one to four digits,
// optionally after mask characters ("4219", "*4219", "XXXX4219"). Anything
// with more digits is refused, and its value is never repeated.
func CheckLastFour(field, value string) *ValidationError {
	if value == "" {
		return nil
	}
	digits := strings.TrimLeft(value, "*Xx")
	n := 0
	for i := 0; i < len(value); i++ {
		if value[i] >= '0' && value[i] <= '9' {
			n++
		}
	}
	if n > 4 {
		return &ValidationError{Field: field, Reason: "must hold at most the last 4 digits of the card; a full card number is never sent"}
	}
	if digits == "" || len(digits) > 4 || strings.TrimLeft(digits, "0123456789") != "" {
		return &ValidationError{Field: field, Reason: `must be up to 4 digits, optionally masked (e.g. "4219" or "*4219")`}
	}
	return nil
}
