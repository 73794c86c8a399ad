package transport

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/civicpay/datapump/internal/redact"
)

// Request describes one partner call. The engine encodes it once and may
// send it more than once, as its Effect and the retry policy allow.
type Request struct {
	Op     string // the SDK operation, for errors and logs
	Effect Effect // required: what the request does to the partner's state
	Method string
	// Path is joined under the client's base URL, keeping the base URL's
	// own path (".../IPS-TST-RS/api" + "/portal/auth"). Each "{Name}" in
	// it is replaced, in order, by the next PathArgs value, escaped as one
	// segment; a value that is empty, "." or "..", or holds a slash or
	// backslash (plain or percent-encoded) is refused before sending, and
	// the error names Name.
	Path     string
	PathArgs []string
	// URL, when set, is used instead of base URL + Path (e.g. an OAuth
	// token endpoint on another host). It must be absolute.
	URL *url.URL
	// Query is the query string, already encoded (url.Values.Encode or
	// go-querystring's query.Values(v).Encode()).
	Query string
	// JSON is encoded as the request body, with Content-Type
	// application/json. ContentType overrides the Content-Type.
	JSON        any
	ContentType string
	// Form is encoded as an application/x-www-form-urlencoded body.
	Form url.Values
	// Header is added to the request. Values are never logged nor put in
	// errors.
	Header http.Header
	// Cookies are sent with the request; one of them replaces a cookie of
	// the same name from the client's cookie jar.
	Cookies *Cookies
	// Reconcile tells the caller how to find out whether the request was
	// applied, should its outcome be unknown. "{key}" in it is replaced by
	// ReconcileKey (e.g. the transaction id to look for) only when an error
	// needs the text, so a call that succeeds builds nothing.
	Reconcile    string
	ReconcileKey string
}

// defaultReconcile is the advice on an unknown outcome when the partner
// package gives none.
const defaultReconcile = "ask the partner whether it was applied"

// prepared is a Request encoded once, ready to send any number of times.
// It belongs to one Do call and is not shared between goroutines.
type prepared struct {
	*Request
	url         *url.URL
	urlString   string
	safeQuery   []string
	redactedURL string // computed on first use: only errors need it
	body        []byte
	contentType []string
	trace       sendTrace // reused by every attempt
}

// redacted returns the URL as errors and logs show it.
func (p *prepared) redacted() string {
	if p.redactedURL == "" {
		p.redactedURL = redact.URL(p.URL(), p.safeQuery...)
	}
	return p.redactedURL
}

func (p *prepared) reconcile() string {
	if p.Reconcile == "" {
		return defaultReconcile
	}
	return strings.ReplaceAll(p.Reconcile, "{key}", p.ReconcileKey)
}

var (
	contentJSON = []string{"application/json"}
	contentForm = []string{"application/x-www-form-urlencoded"}
)

// prepare encodes r, refusing what cannot be sent safely.
func (c *Client) prepare(r *Request) (*prepared, error) {
	var chk Checks
	if !r.Effect.valid() {
		chk.Add("request effect", "is undeclared: every request must say whether it reads, logs in or writes")
	}
	if r.JSON != nil && r.Form != nil {
		chk.Add("request body", "has both a JSON and a form body")
	}
	p := &prepared{Request: r, safeQuery: c.safeQuery}
	p.urlString = c.resolve(r, &chk)
	p.trace.init(c.reportsTrace)
	switch {
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			chk.Add("request body", "cannot be encoded as JSON")
		}
		p.body, p.contentType = b, contentJSON
		if r.ContentType != "" {
			p.contentType = []string{r.ContentType}
		}
	case r.Form != nil:
		p.body, p.contentType = []byte(r.Form.Encode()), contentForm
	}
	if err := chk.Err(c.partner, r.Op); err != nil {
		return nil, err
	}
	return p, nil
}

// URL returns the request URL, parsed on first use: the send path works
// from the string, and only errors, logs and the cookie jar need more.
func (p *prepared) URL() *url.URL {
	if p.url == nil {
		u, err := url.Parse(p.urlString)
		if err != nil {
			u = &url.URL{}
		}
		p.url = u
	}
	return p.url
}

// resolve builds the request URL as a string: r.URL, or the base URL
// joined with the path, its placeholders filled; then the query.
func (c *Client) resolve(r *Request, chk *Checks) string {
	if r.URL != nil {
		if !r.URL.IsAbs() {
			chk.Add("request URL", "is not absolute")
			return ""
		}
		u := *r.URL
		u.RawQuery, u.Fragment, u.RawFragment = r.Query, "", ""
		return u.String()
	}
	var b strings.Builder
	b.Grow(len(c.origin) + len(c.basePath) + len(r.Path) + len(r.Query) + 32)
	b.WriteString(c.origin)
	start := b.Len()
	b.WriteString(c.basePath)
	if !strings.HasPrefix(r.Path, "/") {
		b.WriteByte('/')
	}
	rest, args := r.Path, r.PathArgs
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(rest[:i])
		name := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		if len(args) == 0 {
			chk.Add(name, "is missing from the request path")
			continue
		}
		arg := args[0]
		args = args[1:]
		before := len(chk.fields)
		chk.PathSegment(name, arg, 0)
		if len(chk.fields) == before {
			b.WriteString(url.PathEscape(arg))
		}
	}
	b.WriteString(rest)
	if len(args) > 0 {
		chk.Add("request path", "has more values than placeholders")
	}
	path := b.String()[start:]
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			chk.Add("request path", `must not contain "." or ".." segments`)
			break
		}
	}
	if strings.IndexByte(path, '%') >= 0 {
		if _, err := url.PathUnescape(path); err != nil {
			chk.Add("request path", "has a bad percent-escape")
		}
	}
	if r.Query != "" {
		b.WriteByte('?')
		b.WriteString(r.Query)
	}
	return b.String()
}

// addHeaders sets one attempt's headers. The fixed values are slices built
// once; net/http only reads them.
func (c *Client) addHeaders(p *prepared, h http.Header) {
	h["User-Agent"] = c.userAgentV
	h["Accept"] = c.acceptV
	if p.contentType != nil {
		h["Content-Type"] = p.contentType
	}
	for k, vs := range p.Header {
		h[k] = vs
	}
	if v := c.cookieHeader(p); v != "" {
		h["Cookie"] = []string{v}
	}
}

// Cookies is a fixed set of cookies to send with requests, rendered once
// (a partner builds one per session). It is safe for concurrent use.
type Cookies struct {
	names  []string
	header string
	merged atomic.Pointer[mergedCookies]
}

// mergedCookies is a Cookies header joined with the jar's cookies for one
// URL path, valid while the jar has not changed and none of its cookies
// has expired.
type mergedCookies struct {
	gen   uint64
	where string
	value string
}

// NewCookies renders cs as a Cookie header value; invalid bytes in names
// and values are dropped as net/http drops them.
func NewCookies(cs ...*http.Cookie) *Cookies {
	r := &http.Request{Header: http.Header{}}
	out := &Cookies{}
	for _, ck := range cs {
		r.AddCookie(ck)
		out.names = append(out.names, ck.Name)
	}
	out.header = r.Header.Get("Cookie")
	return out
}

// cookieHeader returns the Cookie header for p: its cookies, plus the jar's
// cookies of other names.
func (c *Client) cookieHeader(p *prepared) string {
	own := p.Cookies
	if c.jar == nil {
		if own == nil {
			return ""
		}
		return own.header
	}
	if own == nil {
		own = noCookies
	}
	u := p.URL()
	c.jar.expire()
	gen, where := c.jar.gen.Load(), u.Host+u.Path
	if m := own.merged.Load(); m != nil && m.gen == gen && m.where == where {
		return m.value
	}
	var b strings.Builder
	b.WriteString(own.header)
	for _, ck := range c.jar.jar.Cookies(u) {
		if !contains(own.names, ck.Name) {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(ck.Name + "=" + ck.Value)
		}
	}
	v := b.String()
	if own != noCookies {
		own.merged.Store(&mergedCookies{gen: gen, where: where, value: v})
	}
	return v
}

var noCookies = &Cookies{}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
