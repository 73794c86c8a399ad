package accelatest

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/fake"
)

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	fake.BufferBody(r)
	_ = r.ParseForm()
	key := r.PostForm.Get("username")
	if key == "" {
		key = r.PostForm.Get("grant_type")
	}
	f, ok := s.gate.Before(w, r, EndpointToken, key, refuseToken)
	if !ok {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if r.PostForm == nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	if len(r.URL.RawQuery) > 0 {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "credentials belong in the body, not the query")
		return
	}
	form := r.PostForm
	switch {
	case r.Header.Get("X-Accela-Appid") != s.opts.AppID:
		writeOAuthError(w, http.StatusUnauthorized, "unauthorized_client", "x-accela-appid is missing or unknown")
		return
	case form.Get("client_id") != s.opts.AppID || form.Get("client_secret") != s.opts.AppSecret:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client_id or client_secret is wrong")
		return
	}
	grant := form.Get("grant_type")
	switch grant {
	case "password":
		switch {
		case form.Get("username") != s.opts.UserName || form.Get("password") != s.opts.Password:
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid username or password")
			return
		case form.Get("scope") == "":
			writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "scope is required")
			return
		case form.Has("agency_name") && !strings.EqualFold(form.Get("agency_name"), s.opts.Agency),
			form.Has("environment") && !strings.EqualFold(form.Get("environment"), s.opts.AgencyEnvironment):
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "unknown agency_name or environment")
			return
		}
	case "refresh_token":
		s.mu.Lock()
		known := s.refresh[form.Get("refresh_token")]
		delete(s.refresh, form.Get("refresh_token")) // a refresh token is used once
		s.mu.Unlock()
		if !known {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or expired")
			return
		}
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be password or refresh_token")
		return
	}

	access, refresh := fake.ID(40), fake.ID(40)
	s.mu.Lock()
	lifetime := s.lifetime
	s.tokens[access] = time.Now().Add(lifetime)
	s.refresh[refresh] = true
	s.issued = append(s.issued, access, refresh)
	s.grants[grant]++
	s.mu.Unlock()
	if f.After(w, refuseToken) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	fake.JSON(w, http.StatusOK, map[string]string{
		"access_token":  access,
		"token_type":    "bearer",
		"expires_in":    strconv.Itoa(int(lifetime / time.Second)), // a string, as Accela sends it
		"refresh_token": refresh,
		"scope":         form.Get("scope"),
	})
}

// api wraps an API handler with the call count, faults and the checks
// Accela makes on every call: the raw access token and the x-accela-*
// headers.
func (s *Server) api(endpoint string, key func(*http.Request) string, h func(http.ResponseWriter, *http.Request, fake.Fault)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.gate.Before(w, r, endpoint, key(r), refuseAPI)
		if !ok {
			return
		}
		if status, code, msg := s.checkAuth(r); status != 0 {
			writeError(w, status, code, msg)
			return
		}
		h(w, r, f)
	}
}

func (s *Server) checkAuth(r *http.Request) (int, string, string) {
	token := r.Header.Get("Authorization")
	s.mu.Lock()
	expiry, known := s.tokens[token]
	s.mu.Unlock()
	switch {
	case r.Header.Get("X-Accela-Appid") == "":
		return http.StatusUnauthorized, "no_app_credential", "The app credentials is required."
	case r.Header.Get("X-Accela-Appid") != s.opts.AppID:
		return http.StatusUnauthorized, "unauthorized_app", "Unauthorized app"
	case token == "":
		return http.StatusUnauthorized, "no_token", "A token is required for the current request."
	case strings.HasPrefix(strings.ToLower(token), "bearer "):
		return http.StatusUnauthorized, "invalid_token", "The current token is invalid (Authorization carries the raw token, no Bearer)"
	case !known:
		return http.StatusUnauthorized, "invalid_token", "The current token is invalid"
	case time.Now().After(expiry):
		return http.StatusUnauthorized, "token_expired", "The current token is expired"
	case r.Header.Get("X-Accela-Agency") != "" && !strings.EqualFold(r.Header.Get("X-Accela-Agency"), s.opts.Agency),
		r.Header.Get("X-Accela-Environment") != "" && !strings.EqualFold(r.Header.Get("X-Accela-Environment"), s.opts.AgencyEnvironment):
		return http.StatusUnauthorized, "unauthorized", "x-accela-agency or x-accela-environment does not match the token"
	}
	return 0, "", ""
}
