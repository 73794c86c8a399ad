package oraclepsctest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/civicpay/datapump/internal/fake"
)

// handleTokenRelay issues a bearer token to a Basic-authenticated user, as
// Oracle's token relay does: {"access_token": <JWT>, "token_type":
// "Bearer", "expires_in": <seconds>}.
func (s *Server) handleTokenRelay(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(r)
	f, ok := s.gate.Before(w, r, EndpointTokenRelay, basicUser(r), refuse)
	if !ok {
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != s.opts.UserName || pass != s.opts.Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Oracle Fusion"`)
		writeError(w, r, http.StatusUnauthorized, "", "The token relay requires valid Basic credentials.")
		return
	}
	now := time.Now()
	s.mu.Lock()
	lifetime := s.opts.TokenLifetime
	token := jwt(s.opts.UserName, now, lifetime)
	s.tokens[token] = now.Add(lifetime)
	s.issued = append(s.issued, token)
	s.logins++
	s.mu.Unlock()
	if f.After(w, refuse) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	fake.JSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int64(lifetime / time.Second),
	})
}

// jwt makes a JWT-shaped token: a header, claims naming the user and the
// expiry with a random id, and a random signature, each base64url-encoded.
func jwt(user string, now time.Time, lifetime time.Duration) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "x5t": fake.ID(27)})
	claims, _ := json.Marshal(map[string]any{
		"sub": user, "iss": "www.oracle.com", "iat": now.Unix(),
		"exp": now.Add(lifetime).Unix(), "jti": fake.ID(32),
	})
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + fake.ID(86)
}
