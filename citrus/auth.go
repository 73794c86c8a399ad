package citrus

import (
	"context"
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

const opAuthenticate = "Authenticate"

// session is what the session cache holds: IPS' answer, and the cookies
// every post sends, rendered once per login.
type session struct {
	auth    AuthResult
	cookies *transport.Cookies
}

// Authenticate logs in to IPS now (POST portal/auth) and keeps the new
// session for the calls that follow. PostPayment logs in by itself when it
// needs to; Authenticate is for checking credentials, e.g. at start-up.
func (c *Client) Authenticate(ctx context.Context) (*AuthResult, error) {
	tok, err := c.session.Renew(ctx)
	if err != nil {
		return nil, c.http.AsStep(opAuthenticate, "", err)
	}
	res := tok.Value.auth
	return &res, nil
}

// login is how the session cache obtains a session.
func (c *Client) login(ctx context.Context, _ *tokencache.Token[session]) (tokencache.Token[session], error) {
	var out authAnswer
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:     opAuthenticate,
		Effect: transport.Login,
		Method: http.MethodPost,
		Path:   "/portal/auth",
		// In the partner document's order.
		Query:  "UserName=" + url.QueryEscape(c.cfg.UserName) + "&Password=" + url.QueryEscape(c.cfg.Password.Reveal()),
		Header: c.headers,
	}, &out)
	if err != nil {
		return tokencache.Token[session]{}, err
	}
	c.http.Secrets().AddTemporary(out.SessionID.Reveal())
	if rs := out.ResponseStatus; rs.ErrorCode != "" || out.SessionID == "" {
		msg := rs.Message
		if rs.ErrorCode == "" && msg == "" {
			msg = "IPS answered without a sessionId"
		}
		return tokencache.Token[session]{}, resp.Refused(rs.ErrorCode, msg, fieldErrors(rs.Errors)...)
	}
	sid := out.SessionID.Reveal()
	return tokencache.Token[session]{Value: session{
		auth: AuthResult(out),
		cookies: transport.NewCookies(
			&http.Cookie{Name: "ips.username", Value: c.cfg.IPSUserName},
			&http.Cookie{Name: "ss-id", Value: sid},
			&http.Cookie{Name: "ss-pid", Value: sid},
		),
	}}, nil
}
