package polaristest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this package speak HTTP to the fake as a client other than
// the SDK might, so each rule of the fake is seen from the wire.

// apiPath starts every API path of a fake with the default site,
// organization and workstation.
const apiPath = "/api/v1/eng/20/polaris/3/1"

// loginPath is the staff login of a fake.
const loginPath = "/api/v1/eng/20/authentication/staffuser"

// send makes a raw request to the fake and returns the status and body. A
// header given as "" is removed.
func send(t *testing.T, srv *polaristest.Server, method, path string, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// message is the Message of an ASP.NET-style error body.
func message(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Message string `json:"Message"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	return e.Message
}

// basic is the Basic authorization of login:password.
func basic(login, password string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(login, password)
	return r.Header.Get("Authorization")
}

// loginAnswer is the staff login's answer as the fake writes it.
type loginAnswer struct {
	AccessToken  string              `json:"AccessToken"`
	AccessSecret string              `json:"AccessSecret"`
	AuthExpDate  string              `json:"AuthExpDate"`
	SiteDomain   string              `json:"SiteDomain"`
	PolarisUser  polaris.PolarisUser `json:"PolarisUser"`
}

// logIn logs the default staff user in and returns the answer.
func logIn(t *testing.T, srv *polaristest.Server) loginAnswer {
	t.Helper()
	status, body := send(t, srv, http.MethodPost, loginPath,
		map[string]string{"Authorization": basic(polaristest.DefaultDomain+`\`+polaristest.DefaultUserName, polaristest.DefaultPassword)}, "")
	require.Equal(t, http.StatusOK, status, body)
	var a loginAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a), body)
	return a
}

// pas is the PAS authorization of a login answer on the default site.
func pas(a loginAnswer) string {
	return "PAS " + polaris.DefaultSiteDomain + ":" + a.AccessToken + ":" + a.AccessSecret
}

// session is a fake with a logged-in staff user, for raw API calls.
type session struct {
	t   *testing.T
	srv *polaristest.Server
	pas string
}

// open starts a fake (closed when the test ends) and logs in.
func open(t *testing.T, opts polaristest.Options) *session {
	t.Helper()
	srv := polaristest.NewServer(opts)
	t.Cleanup(srv.Close)
	return &session{t: t, srv: srv, pas: pas(logIn(t, srv))}
}

// call sends an API call with the session's PAS authorization, and a JSON
// body when body is not empty.
func (s *session) call(method, path, body string) (int, string) {
	s.t.Helper()
	h := map[string]string{"Authorization": s.pas}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return send(s.t, s.srv, method, path, h, body)
}

// finesPath is the fines and fees of patron id, as the URL writes it.
func finesPath(id string) string {
	return apiPath + "/patrons/" + id + "/accounttransactions/finesfees"
}

func patronKey(id polaris.PatronID) string { return strconv.FormatInt(int64(id), 10) }

func TestStaffLoginNeedsDomainUserAndPassword(t *testing.T) {
	t.Parallel()
	srv := polaristest.NewServer(polaristest.Options{})
	t.Cleanup(srv.Close)
	const (
		noBasic  = `Basic authorization "DOMAIN\user:password" is required.`
		noDomain = `The user name must carry its domain: "DOMAIN\user".`
		invalid  = "Invalid staff user credentials."
		notFound = "No HTTP resource was found that matches the request URI."
	)
	for _, tc := range []struct {
		name, path, authorization string
		status                    int
		want                      string // the refusal's Message; "" when logged in
	}{
		{"the defaults", loginPath, basic(`LIBRARY\leapstaff`, "fake-password"), 200, ""},
		{"domain and user in another case", loginPath, basic(`library\LeapStaff`, "fake-password"), 200, ""},
		{"no authorization", loginPath, "", 401, noBasic},
		{"a PAS authorization", loginPath, "PAS polaris:a:b", 401, noBasic},
		{"no domain", loginPath, basic("leapstaff", "fake-password"), 401, noDomain},
		{"an empty domain", loginPath, basic(`\leapstaff`, "fake-password"), 401, noDomain},
		{"another domain", loginPath, basic(`OTHER\leapstaff`, "fake-password"), 401, invalid},
		{"another user", loginPath, basic(`LIBRARY\someone`, "fake-password"), 401, invalid},
		{"a wrong password", loginPath, basic(`LIBRARY\leapstaff`, "fake-passwore"), 401, invalid},
		{"the password in another case", loginPath, basic(`LIBRARY\leapstaff`, "FAKE-PASSWORD"), 401, invalid},
		{"no password", loginPath, basic(`LIBRARY\leapstaff`, ""), 401, invalid},
		{"another version", "/api/v2/eng/20/authentication/staffuser", basic(`LIBRARY\leapstaff`, "fake-password"), 404, notFound},
		{"another language", "/api/v1/fra/20/authentication/staffuser", basic(`LIBRARY\leapstaff`, "fake-password"), 404, notFound},
		{"another product", "/api/v1/eng/21/authentication/staffuser", basic(`LIBRARY\leapstaff`, "fake-password"), 404, notFound},
	} {
		status, body := send(t, srv, http.MethodPost, tc.path, map[string]string{"Authorization": tc.authorization}, "")
		require.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		if tc.want != "" {
			assert.Equal(t, tc.want, message(t, body), tc.name)
			continue
		}
		var a loginAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &a), tc.name)
		assert.Regexp(t, `^[A-Za-z0-9]+$`, a.AccessToken, tc.name)
		assert.Regexp(t, `^[A-Za-z0-9]+$`, a.AccessSecret, tc.name)
		assert.NotEqual(t, a.AccessToken, a.AccessSecret, tc.name)
	}
	assert.Equal(t, 2, srv.Logins(), "only the right credentials log in")
	assert.Len(t, srv.IssuedSecrets(), 4, "a token and a secret per login")
	assert.Equal(t, 14, srv.Calls(polaristest.EndpointStaffUser), "every attempt is counted")
}

func TestStaffLoginAnswer(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("NZST", 12*60*60)
	srv := polaristest.NewServer(polaristest.Options{
		Domain: "BRANCH", UserName: "kiosk", Password: "kiosk-pw", SiteDomain: "leap", OrganizationID: 12,
		Location: zone, TokenLifetime: 2 * time.Hour,
	})
	t.Cleanup(srv.Close)
	before := time.Now()
	status, body := send(t, srv, http.MethodPost, loginPath, map[string]string{"Authorization": basic(`BRANCH\kiosk`, "kiosk-pw")}, "")
	require.Equal(t, http.StatusOK, status, body)
	var a loginAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a))
	assert.Equal(t, "leap", a.SiteDomain)
	assert.Equal(t, polaris.PolarisUser{PolarisUserID: 1, OrganizationID: 12, BranchID: 12, Name: "kiosk", Enabled: true}, a.PolarisUser)
	assert.Equal(t, []string{a.AccessToken, a.AccessSecret}, srv.IssuedSecrets())

	assert.NotContains(t, a.AuthExpDate, "Z", "no zone")
	assert.NotContains(t, a.AuthExpDate, "+")
	exp, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", a.AuthExpDate, zone)
	require.NoError(t, err, a.AuthExpDate)
	assert.WithinDuration(t, before.Add(2*time.Hour), exp, 5*time.Second, "written in Options.Location")

	// The token works on the configured site, and the login needed no site.
	c, err := polaris.New(srv.Config())
	require.NoError(t, err)
	auth, err := c.Authenticate(t.Context())
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(2*time.Hour), auth.AuthExpDate, 5*time.Second)
}

func TestTokenLifetimeDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lifetime, want time.Duration
	}{
		{0, polaristest.DefaultTokenLifetime},
		{-time.Hour, polaristest.DefaultTokenLifetime},
		{time.Minute, time.Minute},
	} {
		srv := polaristest.NewServer(polaristest.Options{TokenLifetime: tc.lifetime})
		a := logIn(t, srv)
		srv.Close()
		exp, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", a.AuthExpDate, time.UTC)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now().Add(tc.want), exp, 5*time.Second, "%v", tc.lifetime)
	}
}

func TestPASAuthorization(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	path := finesPath(patronKey(p.ID))
	a := logIn(t, s.srv)
	const denied = "Authorization has been denied for this request."
	for _, tc := range []struct {
		name, authorization string
		status              int
	}{
		{"the token", pas(a), 200},
		{"the site in another case", "PAS POLARIS:" + a.AccessToken + ":" + a.AccessSecret, 200},
		{"none", "", 401},
		{"Basic", basic(`LIBRARY\leapstaff`, "fake-password"), 401},
		{"no scheme", "polaris:" + a.AccessToken + ":" + a.AccessSecret, 401},
		{"no secret", "PAS polaris:" + a.AccessToken, 401},
		{"the token alone", "PAS " + a.AccessToken, 401},
		{"another site", "PAS leap:" + a.AccessToken + ":" + a.AccessSecret, 401},
		{"a wrong secret", "PAS polaris:" + a.AccessToken + ":" + a.AccessSecret + "x", 401},
		{"the secret of another token", "PAS polaris:" + a.AccessToken + ":" + logIn(t, s.srv).AccessSecret, 401},
		{"an unknown token", "PAS polaris:" + a.AccessSecret + ":" + a.AccessSecret, 401},
		{"token and secret swapped", "PAS polaris:" + a.AccessSecret + ":" + a.AccessToken, 401},
	} {
		status, body := send(t, s.srv, http.MethodGet, path, map[string]string{"Authorization": tc.authorization}, "")
		require.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		if status == 401 {
			assert.Equal(t, denied, message(t, body), tc.name)
		}
	}

	// A token ends at its expiry: ExpireTokens ends those issued, and a
	// token issued to live no time is born expired.
	s.srv.ExpireTokens()
	status, _ := s.call(http.MethodGet, path, "")
	assert.Equal(t, 401, status, "an expired token")
	fresh := logIn(t, s.srv)
	status, _ = send(t, s.srv, http.MethodGet, path, map[string]string{"Authorization": pas(fresh)}, "")
	assert.Equal(t, 200, status, "a token issued after ExpireTokens")
	s.srv.SetTokenLifetime(-time.Second)
	status, _ = send(t, s.srv, http.MethodGet, path, map[string]string{"Authorization": pas(logIn(t, s.srv))}, "")
	assert.Equal(t, 401, status, "a token born expired")
}

func TestURLMustNameTheServedSite(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{SiteDomain: "leap", OrganizationID: 12, WorkstationID: 4})
	p := s.srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	a := logIn(t, s.srv)
	auth := map[string]string{"Authorization": "PAS leap:" + a.AccessToken + ":" + a.AccessSecret}
	tail := "/patrons/" + patronKey(p.ID) + "/accounttransactions/finesfees"
	for prefix, status := range map[string]int{
		"/api/v1/eng/20/leap/12/4":    200,
		"/api/v1/eng/20/LEAP/12/4":    200,
		"/api/v2/eng/20/leap/12/4":    404,
		"/api/v1/fra/20/leap/12/4":    404,
		"/api/v1/eng/21/leap/12/4":    404,
		"/api/v1/eng/20/polaris/12/4": 404,
		"/api/v1/eng/20/leap/3/4":     404,
		"/api/v1/eng/20/leap/12/1":    404,
		"/api/v1/eng/20/leap/12":      404,
	} {
		got, body := send(t, s.srv, http.MethodGet, prefix+tail, auth, "")
		require.Equal(t, status, got, "%s: %s", prefix, body)
		if status == 404 {
			assert.Equal(t, "No HTTP resource was found that matches the request URI.", message(t, body), prefix)
		}
	}
	// The site is checked before the authorization.
	got, _ := send(t, s.srv, http.MethodGet, "/api/v1/eng/20/leap/3/4"+tail, nil, "")
	assert.Equal(t, 404, got)
	got, _ = send(t, s.srv, http.MethodGet, "/api/v1/eng/20/leap/12/4"+tail, nil, "")
	assert.Equal(t, 401, got)
	got, _ = send(t, s.srv, http.MethodDelete, "/api/v1/eng/20/leap/12/4"+tail, auth, "")
	assert.Equal(t, 404, got, "a method the resource does not take")
}

func TestServerBookkeeping(t *testing.T) {
	t.Parallel()
	srv := polaristest.NewServer(polaristest.Options{})
	t.Cleanup(srv.Close)

	cfg := srv.Config()
	assert.Equal(t, polaris.Config{
		BaseURL: srv.URL(), SiteDomain: polaris.DefaultSiteDomain, OrganizationID: polaristest.DefaultOrganizationID,
		WorkstationID: polaristest.DefaultWorkstationID, StaffDomain: polaristest.DefaultDomain,
		StaffUserName: polaristest.DefaultUserName, StaffPassword: polaristest.DefaultPassword, Location: time.UTC,
	}, cfg)
	assert.True(t, strings.HasSuffix(srv.URL(), polaristest.BasePath))

	p := srv.AddPatron(polaristest.Patron{ID: 1234, Charges: []polaristest.Charge{
		{TxnID: 3665717, Amount: polaris.Cents(600)}, {Amount: polaris.Cents(400), FeeDescription: "Misc Charge"},
	}})
	q := srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(250)}}})
	assert.Equal(t, polaris.PatronID(1234), p.ID)
	assert.Equal(t, polaris.TxnID(3665717), p.Charges[0].TxnID)
	assert.Equal(t, "Damage", p.Charges[0].FeeDescription)
	assert.Equal(t, "Misc Charge", p.Charges[1].FeeDescription)
	assert.Positive(t, q.ID)
	assert.Positive(t, p.Charges[1].TxnID)
	assert.NotEqual(t, p.Charges[1].TxnID, q.Charges[0].TxnID, "the fake picks distinct ids")

	owed, known := srv.Outstanding(1234, 3665717)
	assert.True(t, known)
	assert.Equal(t, "6.00", owed.String())
	owed, known = srv.Outstanding(1234, q.Charges[0].TxnID)
	assert.False(t, known, "another patron's charge")
	assert.True(t, owed.IsZero())
	_, known = srv.Outstanding(999, 3665717)
	assert.False(t, known, "an unknown patron")

	srv.SetSecured(999, true) // an unknown patron: nothing to secure
	assert.Zero(t, srv.Applied(999))

	// Adding a patron id again replaces the patron.
	srv.AddPatron(polaristest.Patron{ID: 1234, Charges: []polaristest.Charge{{TxnID: 1, Amount: polaris.Cents(100)}}})
	_, known = srv.Outstanding(1234, 3665717)
	assert.False(t, known)
	owed, _ = srv.Outstanding(1234, 1)
	assert.Equal(t, "1.00", owed.String())
}

func TestLoginFaultsAreKeyedByUserName(t *testing.T) {
	t.Parallel()
	srv := polaristest.NewServer(polaristest.Options{})
	t.Cleanup(srv.Close)
	login := map[string]string{"Authorization": basic(`LIBRARY\leapstaff`, "fake-password")}

	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointStaffUser, Key: `LIBRARY\leapstaff`, Action: polaristest.Refuse})
	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Action: polaristest.Refuse})
	status, body := send(t, srv, http.MethodPost, loginPath, login, "")
	require.Equal(t, 200, status, "neither fault hits: the key is the user without the domain: %s", body)
	srv.ClearFaults()

	for _, tc := range []struct {
		fault  polaristest.Fault
		status int
		want   string
		logins int // successful logins it adds
	}{
		{polaristest.Fault{Action: polaristest.Refuse}, 503, "Service Unavailable", 0},
		{polaristest.Fault{Action: polaristest.Refuse, Status: 401}, 401, "Authorization has been denied for this request.", 0},
		{polaristest.Fault{Action: polaristest.Refuse, Status: 409}, 409, "Patron record is secured.", 0},
		{polaristest.Fault{Action: polaristest.FailAfterApply}, 500, "Internal Server Error", 1},
	} {
		logins := srv.Logins()
		f := tc.fault
		f.Endpoint, f.Key = polaristest.EndpointStaffUser, polaristest.DefaultUserName
		srv.Inject(f)
		status, body = send(t, srv, http.MethodPost, loginPath, login, "")
		require.Equal(t, tc.status, status, body)
		assert.Equal(t, tc.want, message(t, body))
		assert.Equal(t, logins+tc.logins, srv.Logins())
	}
	assert.Equal(t, 5, srv.CallsFor(polaristest.EndpointStaffUser, polaristest.DefaultUserName))
	status, _ = send(t, srv, http.MethodPost, loginPath, login, "")
	assert.Equal(t, 200, status, "each fault hit once")
}
