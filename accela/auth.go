package accela

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
	"github.com/civicpay/datapump/internal/wire"
)

const opToken = "Token"

// Token is an access token a TokenSource hands to the client.
type Token struct {
	AccessToken Secret
	// Expiry is when the token stops working; zero means "until Accela
	// refuses it" (the client then asks the source again once).
	Expiry time.Time
}

// TokenSource supplies access tokens obtained outside the client, e.g.
// through the authorization-code flow. The client calls it when it has no
// usable token, shortly before the token's Expiry, and once more after
// Accela refuses a token with 401; it is never called by two goroutines at
// once. A source that hangs past the client's login deadline is abandoned
// (the waiting calls fail NotApplied and the next call asks again); one
// that panics fails the login with an error.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// credential is what the token cache holds: the refresh token, and the
// headers every API call sends, built once per token.
type credential struct {
	headers       http.Header
	refresh       string
	refreshExpiry time.Time
}

// login obtains a token: from the TokenSource if there is one; else with the
// refresh_token grant while the previous refresh token lives, falling back
// to the password grant if Accela refuses it.
func (c *Client) login(ctx context.Context, prev *tokencache.Token[credential]) (tokencache.Token[credential], error) {
	if src := c.cfg.TokenSource; src != nil {
		return c.fromSource(ctx, src)
	}
	if prev != nil && prev.Value.refresh != "" && time.Now().Before(prev.Value.refreshExpiry) {
		tok, err := c.grant(ctx, url.Values{
			"grant_type":    {"refresh_token"},
			"client_id":     {c.cfg.AppID},
			"client_secret": {c.cfg.AppSecret.Reveal()},
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
		"client_secret": {c.cfg.AppSecret.Reveal()},
		"username":      {c.cfg.UserName},
		"password":      {c.cfg.Password.Reveal()},
		"scope":         {c.cfg.Scope},
	}
	if c.cfg.Agency != "" {
		form.Set("agency_name", c.cfg.Agency)
	}
	if c.cfg.AgencyEnvironment != "" {
		form.Set("environment", c.cfg.AgencyEnvironment)
	}
	return c.grant(ctx, form)
}

// grant posts one token request.
func (c *Client) grant(ctx context.Context, form url.Values) (tokencache.Token[credential], error) {
	var out tokenAnswer
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:     opToken,
		Effect: transport.Login,
		Method: http.MethodPost,
		URL:    c.tokenURL,
		Form:   form,
		Header: http.Header{"X-Accela-Appid": {c.cfg.AppID}},
	}, &out)
	if err != nil {
		return tokencache.Token[credential]{}, err
	}
	c.http.Secrets().AddTemporary(out.AccessToken)
	c.http.Secrets().AddTemporary(out.RefreshToken)
	if out.AccessToken == "" {
		return tokencache.Token[credential]{}, resp.Refused("", "Accela answered without an access_token")
	}
	lifetime := AccessTokenLifetime
	if secs, err := wire.Int(out.ExpiresIn); err == nil && secs > 0 {
		lifetime = time.Duration(secs) * time.Second
	}
	now := time.Now()
	return tokencache.Token[credential]{
		Value: credential{
			headers:       c.apiHeaders(out.AccessToken),
			refresh:       out.RefreshToken,
			refreshExpiry: now.Add(RefreshTokenLifetime - time.Minute),
		},
		Expiry: now.Add(lifetime),
	}, nil
}

func (c *Client) fromSource(ctx context.Context, src TokenSource) (tokencache.Token[credential], error) {
	t, err := src.Token(ctx)
	access := t.AccessToken.Reveal()
	c.http.Secrets().AddTemporary(access)
	var chk transport.Checks
	switch {
	case err != nil:
		return tokencache.Token[credential]{}, c.http.Unsent(opToken, err)
	case access == "":
		chk.Add("Token.AccessToken", "is empty")
	case strings.ContainsFunc(access, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		chk.Add("Token.AccessToken", "must not contain spaces or control characters")
	}
	if err := chk.Err(partner, opToken); err != nil {
		return tokencache.Token[credential]{}, err
	}
	return tokencache.Token[credential]{Value: credential{headers: c.apiHeaders(access)}, Expiry: t.Expiry}, nil
}

// apiHeaders are sent with every API call: x-accela-appid, the agency
// headers when configured, and the raw access token (no "Bearer":
// Accela's convention).
func (c *Client) apiHeaders(accessToken string) http.Header {
	h := http.Header{"X-Accela-Appid": {c.cfg.AppID}, "Authorization": {accessToken}}
	if c.cfg.Agency != "" {
		h["X-Accela-Agency"] = []string{c.cfg.Agency}
	}
	if c.cfg.AgencyEnvironment != "" {
		h["X-Accela-Environment"] = []string{c.cfg.AgencyEnvironment}
	}
	return h
}

// call sends r with the current access token, renewing it once on a 401.
func (c *Client) call(ctx context.Context, r *transport.Request, out any) (*transport.Response, error) {
	var resp *transport.Response
	err := c.session.Do(ctx, r.Op, func(ctx context.Context, cred credential) error {
		r.Header = cred.headers
		var err error
		resp, err = c.http.Do(ctx, r, out)
		return err
	})
	return resp, err
}
