package polaris

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
	"github.com/civicpay/datapump/internal/wire"
)

const opAuthenticate = "Authenticate"

// authPath is the staff login, under the base URL.
const authPath = "/api/{Version}/{Language}/{ProductID}/authentication/staffuser"

// credential is what the token cache holds: Polaris' answer, and the PAS
// authorization every call sends, built once per token.
type credential struct {
	auth    AuthResult
	headers http.Header
}

// Authenticate logs the staff user in now (POST .../authentication/staffuser)
// and keeps the new token for the calls that follow. The other calls log in
// by themselves when they need to; Authenticate is for checking the
// credentials, e.g. at start-up.
func (c *Client) Authenticate(ctx context.Context) (*AuthResult, error) {
	tok, err := c.session.Renew(ctx)
	if err != nil {
		return nil, c.http.AsStep(opAuthenticate, "", err)
	}
	res := tok.Value.auth
	return &res, nil
}

// logIn is how the token cache obtains a token.
func (c *Client) logIn(ctx context.Context, _ *tokencache.Token[credential]) (tokencache.Token[credential], error) {
	var out authAnswer
	resp, err := c.http.Do(ctx, &transport.Request{
		Op:       opAuthenticate,
		Effect:   transport.Login,
		Method:   http.MethodPost,
		Path:     authPath,
		PathArgs: c.authArgs,
		Header:   c.login,
	}, &out)
	if err != nil {
		return tokencache.Token[credential]{}, err
	}
	c.http.Secrets().AddTemporary(out.AccessToken)
	c.http.Secrets().AddTemporary(out.AccessSecret)
	switch {
	case out.AccessToken == "" || out.AccessSecret == "":
		return tokencache.Token[credential]{}, resp.Refused("", "Polaris answered without an AccessToken and AccessSecret")
	case !headerSafe(out.AccessToken) || !headerSafe(out.AccessSecret):
		return tokencache.Token[credential]{}, resp.Refused("", "Polaris answered an AccessToken or AccessSecret that cannot travel in a header")
	}
	res := AuthResult{
		AccessToken:  Secret(out.AccessToken),
		AccessSecret: Secret(out.AccessSecret),
		SiteDomain:   out.SiteDomain,
		PolarisUser:  out.PolarisUser,
	}
	// An AuthExpDate that cannot be read, or that has passed already (a
	// zone other than Config.Location), leaves the token valid until
	// Polaris refuses it: renewing on every call would be worse.
	if t, err := wire.ParseTime(out.AuthExpDate, c.loc); err == nil {
		res.AuthExpDate = t
	}
	expiry := res.AuthExpDate
	if !expiry.After(time.Now()) {
		expiry = time.Time{}
	}
	pas := "PAS " + c.cfg.SiteDomain + ":" + out.AccessToken + ":" + out.AccessSecret
	return tokencache.Token[credential]{
		Value:  credential{auth: res, headers: http.Header{"Authorization": {pas}}},
		Expiry: expiry,
	}, nil
}

// call sends r with the current token, renewing it once on a 401.
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

// basicAuth is the Basic credentials of user and password.
func basicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// headerSafe reports whether a token can go into the PAS header as is.
func headerSafe(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ':' || r >= 0x80 })
}
