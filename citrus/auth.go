package citrus

import (
	"context"
	"net/http"
	"net/url"

	"github.com/civicpay/datapump/internal/session"
	"github.com/civicpay/datapump/internal/transport"
)

// Authenticate logs in to IPS now (POST portal/auth) and keeps the new
// session for the calls that follow. PostPayment logs in by itself when it
// needs to; Authenticate is for checking credentials, e.g. at start-up.
func (c *Client) Authenticate(ctx context.Context) (*AuthResult, error) {
	tok, err := c.session.Renew(ctx)
	if err != nil {
		return nil, transport.Unsent(partner, "Authenticate", err)
	}
	res := tok.Value
	return &res, nil
}

// login is how the session cache obtains a session.
func (c *Client) login(ctx context.Context, _ *session.Token[AuthResult]) (session.Token[AuthResult], error) {
	var out AuthResult
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:     "Authenticate",
		Kind:   transport.Login,
		Method: http.MethodPost,
		Path:   "/portal/auth",
		// In the partner document's order.
		Query:  "UserName=" + url.QueryEscape(c.cfg.UserName) + "&Password=" + url.QueryEscape(c.cfg.Password),
		Header: c.headers(),
	}, &out)
	if err != nil {
		return session.Token[AuthResult]{}, err
	}
	c.http.Secrets().AddTemporary(out.SessionID.Reveal())
	if rs := out.ResponseStatus; rs.ErrorCode != "" || out.SessionID == "" {
		msg := rs.Message
		if rs.ErrorCode == "" && msg == "" {
			msg = "IPS answered without a sessionId"
		}
		return session.Token[AuthResult]{}, resp.Fail(transport.NotApplied, rs.ErrorCode, msg, fieldErrors(rs.Errors)...)
	}
	return session.Token[AuthResult]{Value: out}, nil
}
