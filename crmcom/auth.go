package crmcom

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const (
	opLogin = "Login"
	opClose = "Close"
)

// session is what the token cache holds: one token, and what decides when
// it is renewed.
type session struct {
	token string
	// jwt: the token carries an exp, and the cache renews it before then;
	// otherwise it is renewed after the idle lifetime without use.
	jwt      bool
	lastUsed atomic.Int64 // unix nanoseconds
	released atomic.Bool  // Close released it
}

// stale reports whether the token must not be used any more: Close
// released it, or it is not a JWT and has not been used for (nearly) the
// idle lifetime.
func (s *session) stale(now time.Time, idle time.Duration) bool {
	if s.released.Load() {
		return true
	}
	if s.jwt {
		return false
	}
	margin := min(time.Minute, idle/10)
	return now.Sub(time.Unix(0, s.lastUsed.Load())) >= idle-margin
}

// touch records a use of the token. It writes at most once a second, so
// many goroutines using one token do not contend on it.
func (s *session) touch(now time.Time) {
	n := now.UnixNano()
	if n-s.lastUsed.Load() >= int64(time.Second) {
		s.lastUsed.Store(n)
	}
}

// Login makes sure the client holds a usable token, logging in (POST
// authentication/token, or authentication/web_api_key/token with a
// WebAPIKey) if it has none. Every call logs in by itself when it needs
// to; Login is for checking the credentials, e.g. at start-up.
func (c *Client) Login(ctx context.Context) error {
	return c.call(ctx, opLogin, func(context.Context, string) error { return nil })
}

// login is how the token cache obtains a token.
func (c *Client) login(ctx context.Context, _ *tokencache.Token[*session]) (tokencache.Token[*session], error) {
	r := &transport.Request{Op: opLogin, Effect: transport.Login, Method: http.MethodPost}
	password, key := c.secrets()
	if key != "" {
		r.Path = "/authentication/web_api_key/token"
		r.Header = http.Header{"Authorization": {"Basic " + basicAuth(key.Reveal())}}
	} else {
		r.Path = "/authentication/token"
		r.JSON = loginBody{
			Username: c.cfg.Username, Password: password.Reveal(),
			Organisation: c.cfg.Organisation, Unit: c.cfg.Unit,
		}
	}
	var out loginAnswer
	resp, err := c.http.Do(ctx, r, &out)
	if err != nil {
		return tokencache.Token[*session]{}, err
	}
	token := ""
	if out.Data != nil {
		token = out.Data.Token
	}
	c.http.Secrets().AddTemporary(token)
	switch {
	case out.Status.Code != "" && !out.Status.ok():
		return tokencache.Token[*session]{}, resp.Refused(out.Status.Code, out.Status.text())
	case token == "":
		return tokencache.Token[*session]{}, resp.Refused("", "CRM.COM answered the login without a token")
	}
	now := c.now()
	s := &session{token: token}
	s.lastUsed.Store(now.UnixNano())
	tok := tokencache.Token[*session]{Value: s}
	// An exp that has passed or is about to (a clock far off, a token
	// already dead) is no renewal hint: the idle rule applies, and
	// CRM.COM refusing the token renews it.
	if exp, ok := jwtExpiry(token); ok && exp.After(now.Add(time.Second)) {
		tok.Expiry, s.jwt = exp, true
	}
	c.current.Store(s)
	return tok, nil
}

// jwtExpiry reads the exp claim of a token that is a JWT. The signature is
// not checked: exp is only a hint of when to renew.
func jwtExpiry(token string) (time.Time, bool) {
	_, rest, ok := strings.Cut(token, ".")
	if !ok {
		return time.Time{}, false
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	whole, _, _ := strings.Cut(string(claims.Exp), ".")
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || secs <= 0 {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}

// call runs fn with a usable token, recording its use (the idle rule).
// The token cache replaces a token that is stale (released, or idle too
// long), renews it once if CRM.COM refuses it (transport.IsUnauthorized),
// and reports a failed login as an error of op with the login as its Step.
func (c *Client) call(ctx context.Context, op string, fn func(ctx context.Context, token string) error) error {
	return c.tokens.Do(ctx, op, func(ctx context.Context, s *session) error {
		s.touch(c.now())
		return fn(ctx, s.token)
	})
}

// Close releases the token the client holds (POST
// authentication/token/release), so it cannot be used any more. A client
// holding no token sends nothing. The client stays usable: a later call
// logs in again, and that token is released by the next Close. CRM.COM
// refusing the release because the token is invalid already is not an
// error.
func (c *Client) Close(ctx context.Context) error {
	s := c.current.Swap(nil)
	if s == nil || !s.released.CompareAndSwap(false, true) {
		return nil
	}
	var out releaseAnswer
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:        opClose,
		Effect:    transport.RepeatableWrite,
		Method:    http.MethodPost,
		Path:      "/authentication/token/release",
		JSON:      tokenBody{Token: s.token},
		Reconcile: "a token that was not released ends by itself, after its idle lifetime or its exp",
	}, &out)
	if err != nil {
		return err
	}
	if c.codes.invalidToken(out.Status.Code) {
		return nil
	}
	return c.codes.refusal(resp, &out.Status, false)
}
