package accela

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/session"
	"github.com/civicpay/datapump/internal/transport"
)

// Token is an access token a TokenSource hands to the client.
type Token struct {
	AccessToken string
	// Expiry is when the token stops working; zero means "until Accela
	// refuses it" (the client then asks the source again once).
	Expiry time.Time
}

// TokenSource supplies access tokens obtained outside the client, e.g.
// through the authorization-code flow. The client calls it when it has no
// usable token, and once more after Accela refuses a token with 401; it is
// never called by two goroutines at once.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// credential is what the session cache holds.
type credential struct {
	access        string
	refresh       string
	refreshExpiry time.Time
}

// tokenResponse is Accela's OAuth2 token answer. expires_in arrives as a
// string in Accela's documentation and as a number from some servers.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    ID     `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// login obtains a token: from the TokenSource if there is one; else with the
// refresh_token grant while the previous refresh token lives, falling back
// to the password grant if Accela refuses it.
func (c *Client) login(ctx context.Context, prev *session.Token[credential]) (session.Token[credential], error) {
	if src := c.cfg.TokenSource; src != nil {
		return c.fromSource(ctx, src)
	}
	now := time.Now()
	if prev != nil && prev.Value.refresh != "" && now.Before(prev.Value.refreshExpiry) {
		tok, err := c.grant(ctx, url.Values{
			"grant_type":    {"refresh_token"},
			"client_id":     {c.cfg.AppID},
			"client_secret": {c.cfg.AppSecret},
			"refresh_token": {prev.Value.refresh},
		})
		var e *Error
		if err == nil || !errors.As(err, &e) || (e.StatusCode != http.StatusBadRequest && e.StatusCode != http.StatusUnauthorized) {
			return tok, err
		}
	}
	form := url.Values{
		"grant_type":    {"password"},
		"client_id":     {c.cfg.AppID},
		"client_secret": {c.cfg.AppSecret},
		"username":      {c.cfg.UserName},
		"password":      {c.cfg.Password},
		"scope":         {c.cfg.Scope},
	}
	if c.cfg.Agency != "" {
		form.Set("agency_name", c.cfg.Agency)
	}
	if c.cfg.Environment != "" {
		form.Set("environment", c.cfg.Environment)
	}
	return c.grant(ctx, form)
}

// grant posts one token request.
func (c *Client) grant(ctx context.Context, form url.Values) (session.Token[credential], error) {
	var out tokenResponse
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:     "Token",
		Kind:   transport.Login,
		Method: http.MethodPost,
		URL:    c.tokenURL,
		Form:   form,
		Header: http.Header{"X-Accela-Appid": {c.cfg.AppID}},
	}, &out)
	if err != nil {
		return session.Token[credential]{}, err
	}
	c.http.Secrets().AddTemporary(out.AccessToken)
	c.http.Secrets().AddTemporary(out.RefreshToken)
	lifetime := AccessTokenLifetime
	if secs, err := strconv.ParseInt(strings.TrimSpace(string(out.ExpiresIn)), 10, 64); err == nil && secs > 0 {
		lifetime = time.Duration(secs) * time.Second
	}
	if out.AccessToken == "" {
		return session.Token[credential]{}, resp.Fail(transport.NotApplied, "", "Accela answered without an access_token")
	}
	now := time.Now()
	return session.Token[credential]{
		Value:  credential{access: out.AccessToken, refresh: out.RefreshToken, refreshExpiry: now.Add(RefreshTokenLifetime - time.Minute)},
		Expiry: now.Add(lifetime),
	}, nil
}

func (c *Client) fromSource(ctx context.Context, src TokenSource) (session.Token[credential], error) {
	t, err := src.Token(ctx)
	c.http.Secrets().AddTemporary(t.AccessToken)
	switch {
	case err != nil:
		return session.Token[credential]{}, c.http.Unsent("TokenSource", err)
	case t.AccessToken == "":
		return session.Token[credential]{}, transport.Invalid(partner, "TokenSource", "Token.AccessToken", "is empty")
	case strings.ContainsFunc(t.AccessToken, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		return session.Token[credential]{}, transport.Invalid(partner, "TokenSource", "Token.AccessToken", "must not contain spaces or control characters")
	}
	return session.Token[credential]{Value: credential{access: t.AccessToken}, Expiry: t.Expiry}, nil
}

// parseError reads Accela's error body {status, code, message, more,
// traceId} and the OAuth shape {error, error_description}. The transport
// adds the x-accela-traceid header.
func parseError(e *transport.Error, _ http.Header, body []byte) {
	var b struct {
		Code             string          `json:"code"`
		Message          string          `json:"message"`
		More             json.RawMessage `json:"more"`
		TraceID          string          `json:"traceId"`
		Error            string          `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message, e.TraceID = b.Code, b.Message, b.TraceID
		if b.Error != "" {
			e.Code, e.Message = b.Error, b.ErrorDescription
		}
		if more := moreText(b.More); more != "" {
			e.Message = strings.TrimSpace(e.Message + " (" + more + ")")
		}
	}
}

// moreText renders Accela's optional "more" detail, a string or an object.
func moreText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	const max = 200
	if len(raw) > max {
		return string(raw[:max]) + "…"
	}
	return string(raw)
}
