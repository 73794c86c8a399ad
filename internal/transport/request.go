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
// It belongs to one Do call and is not shared between goroutines.
type prepared struct {
	*Request
	url         *url.URL
	safeQuery   []string
	redactedURL string // computed on first use: only errors need it
	body        []byte
	contentType string
}

// redacted returns the URL as errors show it.
func (p *prepared) redacted() string {
	if p.redactedURL == "" {
		p.redactedURL = redact.URL(p.url, p.safeQuery...)
	}
	return p.redactedURL
}

func (c *Client) prepare(r *Request) (*prepared, error) {
	p := &prepared{Request: r}
	if r.JSON != nil && r.Form != nil {
		return nil, Invalid(c.partner, r.Op, "request body", "has both a JSON and a form body")
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
	p.url, p.safeQuery = u, c.safeQuery
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
	rest := strings.TrimPrefix(r.Path, "/")
	for seg := range strings.SplitSeq(rest, "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("path must not contain %q segments", seg)
		}
	}
	u := *c.base
	u.RawQuery = ""
	escaped := c.basePath + "/" + rest
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("bad path escape: %w", err)
	}
	u.Path, u.RawPath = p, ""
	if u.EscapedPath() != escaped {
		u.RawPath = escaped // keeps escapes such as %2F inside a segment
	}
	return &u, nil
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

// addHeaders sets one attempt's headers. The fixed values are slices built
// once per client; net/http only reads them.
func (c *Client) addHeaders(p *prepared, req *http.Request) {
	h := req.Header
	h["User-Agent"] = c.userAgentV
	h["Accept"] = c.acceptV
	if p.contentType != "" {
		h["Content-Type"] = []string{p.contentType}
	}
	for k, vs := range p.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if c.jar != nil {
		for _, ck := range c.jar.Cookies(p.url) {
			if !hasCookie(p.Cookies, ck.Name) {
				req.AddCookie(ck)
			}
		}
	}
	for _, ck := range p.Cookies {
		req.AddCookie(ck)
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
