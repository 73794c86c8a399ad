package oraclepsc

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/tokencache"
	"github.com/civicpay/datapump/internal/transport"
)

// opToken names the step of obtaining a bearer token in errors.
const opToken = "Token"

// Token is a bearer token a TokenSource hands to the client: a JWT from the
// identity domain's OAuth2 flow or from Oracle's token relay
// (/fscmRestApi/tokenrelay).
type Token struct {
	// AccessToken is sent as "Authorization: Bearer <AccessToken>". It
	// never prints; Reveal returns it.
	AccessToken Secret
	// Expiry is when the token stops working; zero means "until Oracle
	// refuses it" (the client then asks the source again once).
	Expiry time.Time
}

// TokenSource supplies bearer tokens obtained outside the client. The
// client calls it when it has no usable token, shortly before the token's
// Expiry, and once more after Oracle refuses a token with 401; it is never
// called by two goroutines at once. A source that hangs past the client's
// login deadline is abandoned (the waiting calls fail NotApplied and the
// next call asks again); one that panics fails the login with an error.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// login asks the TokenSource for a token and builds the headers that send
// it. With Basic authentication the cache is never used.
func (c *Client) login(ctx context.Context, _ *tokencache.Token[*credential]) (tokencache.Token[*credential], error) {
	t, err := c.cfg.TokenSource.Token(ctx)
	access := t.AccessToken.Reveal()
	c.http.Secrets().AddTemporary(access)
	var chk transport.Checks
	switch {
	case err != nil:
		return tokencache.Token[*credential]{}, c.http.Unsent(opToken, err)
	case access == "":
		chk.Add("Token.AccessToken", "is empty")
	case strings.ContainsFunc(access, func(r rune) bool { return r < 0x21 || r >= 0x7f }):
		chk.Add("Token.AccessToken", "must be printable ASCII without spaces")
	}
	if err := chk.Err(partner, opToken); err != nil {
		return tokencache.Token[*credential]{}, err
	}
	return tokencache.Token[*credential]{Value: c.credential("Bearer " + access), Expiry: t.Expiry}, nil
}

// call sends r authenticated. With a TokenSource, a 401 renews the token
// once and resends (the 401 proves the call was not applied); with Basic a
// 401 means the credentials are wrong, and the call fails at once. upsert
// picks the headers of an upsert.
func (c *Client) call(ctx context.Context, r *transport.Request, upsert bool, out any) (*transport.Response, error) {
	pick := func(cred *credential) http.Header {
		if upsert {
			return cred.upsert
		}
		return cred.plain
	}
	if c.basic != nil {
		r.Header = pick(c.basic)
		return c.http.Do(ctx, r, out)
	}
	var resp *transport.Response
	err := c.session.Do(ctx, r.Op, func(ctx context.Context, cred *credential) error {
		r.Header = pick(cred)
		var err error
		resp, err = c.http.Do(ctx, r, out)
		return err
	})
	return resp, err
}
