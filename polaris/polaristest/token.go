package polaristest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/fake"
)

// zoneless is how Polaris writes times: no zone, up to 7 fractional digits.
const zoneless = "2006-01-02T15:04:05.9999999"

// token is an AccessToken the fake issued.
type token struct {
	secret string
	expiry time.Time
}

func (s *Server) handleStaffUser(w http.ResponseWriter, r *http.Request) {
	login, password, hasBasic := r.BasicAuth()
	domain, user, hasDomain := strings.Cut(login, `\`)
	f, ok := s.gate.Before(w, r, EndpointStaffUser, user, refuse)
	if !ok {
		return
	}
	if !s.servesProduct(r) {
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
		return
	}
	switch {
	case !hasBasic:
		writeError(w, http.StatusUnauthorized, `Basic authorization "DOMAIN\user:password" is required.`)
		return
	case !hasDomain || domain == "":
		writeError(w, http.StatusUnauthorized, `The user name must carry its domain: "DOMAIN\user".`)
		return
	case !strings.EqualFold(domain, s.opts.Domain) || !strings.EqualFold(user, s.opts.UserName) || password != s.opts.Password:
		writeError(w, http.StatusUnauthorized, "Invalid staff user credentials.")
		return
	}
	access, secret := fake.ID(32), fake.ID(24)
	s.mu.Lock()
	expiry := time.Now().Add(s.lifetime)
	s.tokens[access] = &token{secret: secret, expiry: expiry}
	s.issued = append(s.issued, access, secret)
	s.logins++
	s.mu.Unlock()
	if f.After(w, refuse) {
		return
	}
	fake.JSON(w, http.StatusOK, map[string]any{
		"AccessToken":  access,
		"AccessSecret": secret,
		"PolarisUser": map[string]any{
			"PolarisUserID": 1, "OrganizationID": s.opts.OrganizationID, "BranchID": s.opts.OrganizationID,
			"Name": s.opts.UserName, "Enabled": true,
		},
		"AuthExpDate": expiry.In(s.opts.Location).Format(zoneless),
		"SiteDomain":  s.opts.SiteDomain,
	})
}

// servesProduct reports whether the URL names the API version, language
// and product the fake serves (v1, eng, 20).
func (s *Server) servesProduct(r *http.Request) bool {
	return r.PathValue("version") == "v1" && r.PathValue("lang") == "eng" && r.PathValue("product") == "20"
}

// servesSite reports whether the URL names the fake's product, site,
// organization and workstation.
func (s *Server) servesSite(r *http.Request) bool {
	return s.servesProduct(r) && strings.EqualFold(r.PathValue("site"), s.opts.SiteDomain) &&
		r.PathValue("org") == strconv.Itoa(s.opts.OrganizationID) && r.PathValue("ws") == strconv.Itoa(s.opts.WorkstationID)
}

// authorized checks "Authorization: PAS site:token:secret".
func (s *Server) authorized(r *http.Request) bool {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "PAS ")
	if !ok {
		return false
	}
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || !strings.EqualFold(parts[0], s.opts.SiteDomain) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[parts[1]]
	return t != nil && t.secret == parts[2] && time.Now().Before(t.expiry)
}

// api wraps an API handler with the call count, faults and the checks
// Polaris makes on every call: the URL's site and the PAS authorization.
func (s *Server) api(endpoint, keyParam string, h func(http.ResponseWriter, *http.Request, fake.Fault)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.gate.Before(w, r, endpoint, r.PathValue(keyParam), refuse)
		if !ok {
			return
		}
		switch {
		case !s.servesSite(r):
			writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
		case !s.authorized(r):
			writeError(w, http.StatusUnauthorized, deniedMessage)
		default:
			h(w, r, f)
		}
	}
}
