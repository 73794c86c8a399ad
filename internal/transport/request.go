package transport

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/google/go-querystring/query"
)

// Request describes one partner call. The engine encodes it once and may
// send it more than once, as the retry policy allows.
type Request struct {
	Op     string // SDK operation name, for errors and logs
	Kind   Kind
	Method string
	// Path is joined under the client's base URL, keeping the base URL's own
	// path (".../IPS-TST-RS/api" + "/portal/auth"). Dynamic segments must be
	// escaped with Segment. "." and ".." segments are refused.
	Path string
	// URL, when set, is used instead of base URL + Path (e.g. an OAuth token
	// endpoint on another host). It must be absolute.
	URL *url.URL
	// Query is url.Values (keys sorted), a struct with `url:"..."` tags
	// (go-querystring), or a string already encoded, for a partner whose
	// document fixes the order of parameters.
	Query any
	// JSON is encoded as the request body, with Content-Type application/json.
	JSON any
	// Form is encoded as an application/x-www-form-urlencoded body.
	Form url.Values
	// Header is added to the request. Secret headers (Authorization) are
	// never logged nor put in errors.
	Header http.Header
	// Cookies are sent with the request; a cookie here replaces a jar cookie
	// of the same name.
	Cookies []*http.Cookie
	// Reconcile tells the caller how to find out whether the request was
	// applied, should its outcome be unknown.
	Reconcile string
}

// Segment escapes s for use as one path segment.
func Segment(s string) string { return url.PathEscape(s) }

// prepared is a Request encoded once, ready to send any number of times.
type prepared struct {
	*Request
	url         *url.URL
	redactedURL string
	body        []byte
	contentType string
}

func (c *Client) prepare(r *Request) (*prepared, error) {
	p := &prepared{Request: r}
	if r.JSON != nil && r.Form != nil {
		return nil, fmt.Errorf("transport: %s: both JSON and Form body", r.Op)
	}
	u, err := c.resolve(r)
	if err != nil {
		return nil, Invalid(c.partner, r.Op, "request path", err.Error())
	}
	if r.Query != nil {
		q, err := encodeQuery(r.Query)
		if err != nil {
			return nil, Invalid(c.partner, r.Op, "request query", err.Error())
		}
		u.RawQuery = q
	}
	p.url = u
	p.redactedURL = redact.URL(u, c.safeQuery...)
	switch {
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, Invalid(c.partner, r.Op, "request body", c.secrets.Scrub(err.Error()))
		}
		p.body, p.contentType = b, "application/json"
	case r.Form != nil:
		p.body, p.contentType = []byte(r.Form.Encode()), "application/x-www-form-urlencoded"
	}
	return p, nil
}

func (c *Client) resolve(r *Request) (*url.URL, error) {
	if r.URL != nil {
		if !r.URL.IsAbs() {
			return nil, fmt.Errorf("URL %q is not absolute", redact.URL(r.URL))
		}
		u := *r.URL
		return &u, nil
	}
	for _, seg := range strings.Split(r.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("path must not contain %q segments", seg)
		}
	}
	base := strings.TrimSuffix(c.base.EscapedPath(), "/")
	u := *c.base
	u.RawQuery = ""
	if err := setEscapedPath(&u, base+"/"+strings.TrimPrefix(r.Path, "/")); err != nil {
		return nil, err
	}
	return &u, nil
}

func setEscapedPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return fmt.Errorf("bad path escape: %w", err)
	}
	u.Path, u.RawPath = p, escaped
	if u.EscapedPath() != escaped {
		u.RawPath = "" // the default encoding is already right
	}
	return nil
}

func encodeQuery(q any) (string, error) {
	switch v := q.(type) {
	case string:
		return v, nil
	case url.Values:
		return v.Encode(), nil
	default:
		vals, err := query.Values(q)
		if err != nil {
			return "", err
		}
		return vals.Encode(), nil
	}
}

// newHTTPRequest builds one attempt's *http.Request.
func (c *Client) addHeaders(p *prepared, ctxReq *http.Request) {
	h := ctxReq.Header
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept", "application/json")
	if p.contentType != "" {
		h.Set("Content-Type", p.contentType)
	}
	for k, vs := range p.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if c.jar != nil {
		for _, ck := range c.jar.Cookies(p.url) {
			if !hasCookie(p.Cookies, ck.Name) {
				ctxReq.AddCookie(ck)
			}
		}
	}
	for _, ck := range p.Cookies {
		ctxReq.AddCookie(ck)
	}
}

func hasCookie(cs []*http.Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}
