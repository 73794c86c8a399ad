package citrustest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type session struct {
	sid, instance string
}

func login(t *testing.T, srv *citrustest.Server) session {
	t.Helper()
	resp, err := http.Post(srv.URL()+"/portal/auth?UserName="+citrustest.DefaultUserName+"&Password="+citrustest.DefaultPassword, "", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	var out struct {
		SessionID string `json:"sessionId"`
		UserName  string `json:"userName"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.Equal(t, citrustest.DefaultUserName, out.UserName)
	s := session{sid: out.SessionID}
	set := map[string]string{}
	for _, c := range resp.Cookies() {
		set[c.Name] = c.Value
	}
	assert.Equal(t, s.sid, set["ss-id"])
	assert.Equal(t, s.sid, set["ss-pid"])
	s.instance = set["InstanceId"]
	require.NotEmpty(t, s.instance)
	return s
}

type call struct {
	token, body, ctype string
	cookies            map[string]string
}

func validCall(s session, token string) call {
	return call{
		token: token,
		body:  `{"voidReasonOnFailure":"Customer","cashRegister":"OnlinePortal","Token":"` + token + `"}`,
		ctype: "application/json",
		cookies: map[string]string{
			"ips.username": "Rhythm", "ss-id": s.sid, "ss-pid": s.sid, "InstanceId": s.instance,
		},
	}
}

func (c call) do(t *testing.T, srv *citrustest.Server) (int, citrus.ResponseStatus, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/cashiering/paymentprocessing/callback/authorized?Token="+url.QueryEscape(c.token), strings.NewReader(c.body))
	require.NoError(t, err)
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		ResponseStatus citrus.ResponseStatus `json:"responseStatus"`
	}
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out.ResponseStatus, body
}

func TestFakeIsStrict(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	s := login(t, srv)

	status, _, body := validCall(s, "T-1").do(t, srv)
	require.Equal(t, 200, status, string(body))
	assert.Len(t, srv.Ledger(), 1)

	cases := []struct {
		name   string
		mutate func(*call)
		status int
		field  string
	}{
		{"no session cookie", func(c *call) { delete(c.cookies, "ss-id") }, 401, ""},
		{"ss-pid differs", func(c *call) { c.cookies["ss-pid"] = "other" }, 401, ""},
		{"unknown session", func(c *call) { c.cookies["ss-id"], c.cookies["ss-pid"] = "nope", "nope" }, 401, ""},
		{"wrong ips.username", func(c *call) { c.cookies["ips.username"] = "Someone" }, 400, "ips.username"},
		{"no InstanceId", func(c *call) { delete(c.cookies, "InstanceId") }, 400, "InstanceId"},
		{"text body", func(c *call) { c.ctype = "text/plain" }, 400, "Content-Type"},
		{"no Token in query", func(c *call) { c.token = "" }, 400, "Token"},
		{"Token differs", func(c *call) { c.body = strings.Replace(c.body, `"Token":"T-1"`, `"Token":"T-2"`, 1) }, 400, "Token"},
		{"missing cashRegister", func(c *call) { c.body = `{"voidReasonOnFailure":"Customer","Token":"T-1"}` }, 400, "cashRegister"},
		{"wrong voidReason", func(c *call) { c.body = strings.Replace(c.body, "Customer", "Other", 1) }, 400, "voidReasonOnFailure"},
		{"unknown field", func(c *call) { c.body = strings.Replace(c.body, "{", `{"amount":5,`, 1) }, 400, "body"},
		{"trailing comma (the doc's own mistake)", func(c *call) { c.body = strings.Replace(c.body, "}", ",}", 1) }, 400, "body"},
		{"non-breaking space", func(c *call) { c.body = strings.Replace(c.body, ":", ":\u00a0", 1) }, 400, "body"},
	}
	for _, tc := range cases {
		c := validCall(s, "T-1")
		tc.mutate(&c)
		status, rs, body := c.do(t, srv)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		if tc.status == 401 {
			assert.Equal(t, "Not Authenticated", rs.Message, tc.name)
		}
		if tc.field != "" {
			require.NotEmpty(t, rs.Errors, tc.name)
			assert.Equal(t, tc.field, rs.Errors[0].FieldName, tc.name)
		}
	}
	assert.Len(t, srv.Ledger(), 1, "no invalid call applied anything")
}

func TestFakeAuth(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{UserName: "u1", Password: "p1"})
	defer srv.Close()
	resp, err := http.Post(srv.URL()+"/portal/auth?UserName=u1&Password=bad", "", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
	var out struct{ ResponseStatus citrus.ResponseStatus }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.Equal(t, "Invalid UserName or Password", out.ResponseStatus.Message)
	assert.Zero(t, srv.Logins())
	assert.Equal(t, 1, srv.Calls(citrustest.EndpointAuth))

	resp2, err := http.Get(srv.URL() + "/portal/auth")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	assert.Equal(t, 404, resp2.StatusCode, "ServiceStack answers an unmatched verb as an unknown route")
	assert.Contains(t, string(body), "Handler for Request not found")

	resp3, err := http.Post(srv.URL()[:len(srv.URL())-len(citrustest.BasePath)]+"/portal/auth", "", nil)
	require.NoError(t, err)
	resp3.Body.Close()
	assert.Equal(t, 404, resp3.StatusCode, "the API lives under BasePath only")
}

func TestFakeFaultQueue(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	s := login(t, srv)

	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointAuth, Status: 500})
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 503, Times: 2})
	srv.Inject(citrustest.Fault{Status: 502})
	for _, want := range []int{503, 503, 502, 200} {
		status, rs, _ := validCall(s, "T-1").do(t, srv)
		assert.Equal(t, want, status)
		if want != 200 {
			assert.Equal(t, "InjectedFault", rs.ErrorCode)
		}
	}
	assert.Len(t, srv.Ledger(), 1)

	resp, err := http.Post(srv.URL()+"/portal/auth?UserName="+citrustest.DefaultUserName+"&Password="+citrustest.DefaultPassword, "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode, "the auth fault waited for an auth call")

	srv.Inject(citrustest.Fault{Status: 500, Times: 10})
	srv.ClearFaults()
	status, _, _ := validCall(s, "T-1").do(t, srv)
	assert.Equal(t, 200, status)

	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutBeforeApply})
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/cashiering/paymentprocessing/callback/authorized?Token=T-1", strings.NewReader("{}"))
	_, err = http.DefaultClient.Do(req)
	assert.Error(t, err, "the connection is dropped")
}

func TestFakeSessionExpiry(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	s := login(t, srv)
	srv.ExpireSessions()
	status, rs, _ := validCall(s, "T-1").do(t, srv)
	assert.Equal(t, 401, status)
	assert.Equal(t, "Unauthorized", rs.ErrorCode)
	assert.Empty(t, srv.Ledger())
}
