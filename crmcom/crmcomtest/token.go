package crmcomtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/civicpay/datapump/internal/fake"
)

// loginRequest is the body of authentication/token.
type loginRequest struct {
	Username     *string `json:"username"`
	Password     *string `json:"password"`
	Organisation *string `json:"organisation"`
	Unit         *string `json:"unit"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	fake.BufferBody(r)
	var body loginRequest
	decodeErr := fake.DecodeStrict(r, "", &body)
	key := ""
	if body.Username != nil {
		key = *body.Username
	}
	f, ok := s.gate.Before(w, r, EndpointLogin, key, s.refuse)
	if !ok {
		return
	}
	switch {
	case decodeErr != nil:
		s.fail(w, "INVALID_REQUEST", decodeErr.Error())
		return
	case body.Username == nil || body.Password == nil || body.Organisation == nil:
		s.fail(w, "MANDATORY_PARAMETER_MISSING", "username, password and organisation are required")
		return
	case *body.Username != s.opts.Username || *body.Password != s.opts.Password || *body.Organisation != s.opts.Organisation:
		s.fail(w, "INVALID_CREDENTIALS", "Invalid username, password or organisation")
		return
	case body.Unit != nil && *body.Unit != AdminUnit:
		s.fail(w, "INVALID_UNIT", "the user does not belong to the unit")
		return
	}
	s.grant(w, f)
}

func (s *Server) handleKeyLogin(w http.ResponseWriter, r *http.Request) {
	f, ok := s.gate.Before(w, r, EndpointWebAPIKeyLogin, "", s.refuse)
	if !ok {
		return
	}
	user, pass, basic := r.BasicAuth()
	body := make([]byte, 1)
	n, _ := r.Body.Read(body)
	switch {
	case n > 0:
		s.fail(w, "INVALID_REQUEST", "the web API key login takes no body")
	case !basic || user != s.opts.WebAPIKey || pass != "":
		s.fail(w, "INVALID_CREDENTIALS", "Invalid web API key")
	default:
		s.grant(w, f)
	}
}

// grant issues a token and answers with it.
func (s *Server) grant(w http.ResponseWriter, f fake.Fault) {
	now := time.Now()
	s.mu.Lock()
	t := &token{lastUsed: now, jwt: s.opts.JWT, expires: now.Add(s.lifetime)}
	value := s.newOpaqueToken()
	if t.jwt {
		value = newJWT(s.opts.Username, t.expires)
	}
	s.tokens[value] = t
	s.issued = append(s.issued, value)
	s.logins++
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, map[string]string{"token": value})
}

// newOpaqueToken is like the partner document's tokens: 32 hex digits.
// s.mu is held.
func (s *Server) newOpaqueToken() string { return string(s.newID()) }

// newJWT returns an unsigned-looking JWT (its signature is random: the
// fake never checks it, and neither does the client).
func newJWT(subject string, exp time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"sub": subject, "iat": time.Now().Unix(), "exp": exp.Unix(), "jti": fake.ID(16)})
	return header + "." + enc.EncodeToString(claims) + "." + fake.ID(43)
}

// alive reports whether t is valid at now. s.mu is held.
func (s *Server) alive(t *token, now time.Time) bool {
	if t.jwt {
		return now.Before(t.expires)
	}
	return now.Sub(t.lastUsed) < s.idleTimeout
}

// useToken reports whether value is a live token, and records its use.
func (s *Server) useToken(value *string) bool {
	if value == nil {
		return false
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[*value]
	if t == nil || !s.alive(t, now) {
		return false
	}
	t.lastUsed = now
	return true
}

func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	fake.BufferBody(r)
	var body struct {
		Token *string `json:"token"`
	}
	decodeErr := fake.DecodeStrict(r, "", &body)
	f, ok := s.gate.Before(w, r, EndpointRelease, "", s.refuse)
	if !ok {
		return
	}
	if decodeErr != nil {
		s.fail(w, "INVALID_REQUEST", decodeErr.Error())
		return
	}
	if !s.useToken(body.Token) {
		s.fail(w, "INVALID_TOKEN", "the token is invalid or has expired")
		return
	}
	s.mu.Lock()
	delete(s.tokens, *body.Token)
	s.releases++
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, nil)
}

// tokenField is the token every POST body carries.
type tokenField struct {
	Token *string `json:"token"`
}

func (t *tokenField) tokenValue() *string { return t.Token }
