package citrustest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func start(t *testing.T, opts citrustest.Options) *citrustest.Server {
	t.Helper()
	srv := citrustest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// session is what a raw login returned.
type session struct {
	sid, instance string
}

func loginAs(t *testing.T, hc *http.Client, srv *citrustest.Server, user, password string) (int, session, citrus.ResponseStatus) {
	t.Helper()
	resp, err := hc.Post(srv.URL()+"/portal/auth?UserName="+url.QueryEscape(user)+"&Password="+url.QueryEscape(password), "", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		SessionID      string                `json:"sessionId"`
		UserName       string                `json:"userName"`
		ResponseStatus citrus.ResponseStatus `json:"responseStatus"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	s := session{sid: out.SessionID}
	set := map[string]string{}
	for _, c := range resp.Cookies() {
		set[c.Name] = c.Value
	}
	if resp.StatusCode == 200 {
		assert.Equal(t, user, out.UserName)
		assert.Equal(t, s.sid, set["ss-id"], "ServiceStack sets its session cookies")
		assert.Equal(t, s.sid, set["ss-pid"])
	}
	s.instance = set["InstanceId"]
	return resp.StatusCode, s, out.ResponseStatus
}

func login(t *testing.T, srv *citrustest.Server) session {
	t.Helper()
	status, s, _ := loginAs(t, http.DefaultClient, srv, citrustest.DefaultUserName, citrustest.DefaultPassword)
	require.Equal(t, 200, status)
	require.NotEmpty(t, s.sid)
	require.NotEmpty(t, s.instance)
	return s
}

// call is one raw payment callback.
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

// answer is the callback answer, decoded as the client decodes it.
type answer struct {
	Data *struct {
		Transaction citrus.Transaction `json:"transaction"`
		Success     *bool              `json:"success"`
	} `json:"data"`
	ResponseStatus citrus.ResponseStatus `json:"responseStatus"`
}

func (c call) send(srv *citrustest.Server) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/cashiering/paymentprocessing/callback/authorized?Token="+url.QueryEscape(c.token), strings.NewReader(c.body))
	if err != nil {
		return nil, err
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	return http.DefaultClient.Do(req)
}

func (c call) do(t *testing.T, srv *citrustest.Server) (int, answer, []byte) {
	t.Helper()
	resp, err := c.send(srv)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out answer
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out, body
}

func TestFakeIsStrict(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	s := login(t, srv)

	cases := []struct {
		name   string
		mutate func(*call)
		status int
		field  string
	}{
		{"no session cookie", func(c *call) { delete(c.cookies, "ss-id") }, 401, ""},
		{"no ss-pid", func(c *call) { delete(c.cookies, "ss-pid") }, 401, ""},
		{"ss-pid differs", func(c *call) { c.cookies["ss-pid"] = "other" }, 401, ""},
		{"unknown session", func(c *call) { c.cookies["ss-id"], c.cookies["ss-pid"] = "nope", "nope" }, 401, ""},
		{"wrong ips.username", func(c *call) { c.cookies["ips.username"] = "Someone" }, 400, "ips.username"},
		{"no ips.username", func(c *call) { delete(c.cookies, "ips.username") }, 400, "ips.username"},
		{"no InstanceId", func(c *call) { delete(c.cookies, "InstanceId") }, 400, "InstanceId"},
		{"wrong InstanceId", func(c *call) { c.cookies["InstanceId"] = "a6acaf7b" }, 400, "InstanceId"},
		{"text body", func(c *call) { c.ctype = "text/plain" }, 400, "Content-Type"},
		{"no content type", func(c *call) { c.ctype = "" }, 400, "Content-Type"},
		{"no Token in query", func(c *call) { c.token = "" }, 400, "Token"},
		{"Token differs", func(c *call) { c.body = strings.Replace(c.body, `"Token":"T-1"`, `"Token":"T-2"`, 1) }, 400, "Token"},
		{"missing Token in body", func(c *call) { c.body = `{"voidReasonOnFailure":"Customer","cashRegister":"OnlinePortal"}` }, 400, "Token"},
		{"missing cashRegister", func(c *call) { c.body = `{"voidReasonOnFailure":"Customer","Token":"T-1"}` }, 400, "cashRegister"},
		{"wrong cashRegister", func(c *call) { c.body = strings.Replace(c.body, "OnlinePortal", "Kiosk", 1) }, 400, "cashRegister"},
		{"wrong voidReason", func(c *call) { c.body = strings.Replace(c.body, "Customer", "Other", 1) }, 400, "voidReasonOnFailure"},
		{"unknown field", func(c *call) { c.body = strings.Replace(c.body, "{", `{"amount":5,`, 1) }, 400, "body"},
		{"amount as a string", func(c *call) { c.body = strings.Replace(c.body, "{", `{"amount":"5.00",`, 1) }, 400, "body"},
		{"trailing comma (the document's own mistake)", func(c *call) { c.body = strings.Replace(c.body, "}", ",}", 1) }, 400, "body"},
		{"non-breaking space", func(c *call) { c.body = strings.Replace(c.body, ":", ":\u00a0", 1) }, 400, "body"},
		{"two objects", func(c *call) { c.body += "{}" }, 400, "body"},
		{"not JSON", func(c *call) { c.body = "Token=T-1" }, 400, "body"},
		{"unknown invoice", func(c *call) {
			c.token = "T-9"
			c.body = strings.Replace(c.body, "T-1", "T-9", 1)
		}, 404, ""},
	}
	for _, tc := range cases {
		c := validCall(s, "T-1")
		tc.mutate(&c)
		status, out, body := c.do(t, srv)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		switch {
		case tc.status == 401:
			assert.Equal(t, "Unauthorized", out.ResponseStatus.ErrorCode, tc.name)
			assert.Equal(t, "Not Authenticated", out.ResponseStatus.Message, tc.name)
		case tc.status == 404:
			assert.Equal(t, "NotFound", out.ResponseStatus.ErrorCode, tc.name)
		case tc.field != "":
			require.NotEmpty(t, out.ResponseStatus.Errors, tc.name)
			assert.Equal(t, tc.field, out.ResponseStatus.Errors[0].FieldName, tc.name)
			assert.Equal(t, "ArgumentException", out.ResponseStatus.ErrorCode, tc.name)
		}
		assert.Nil(t, out.Data, tc.name)
	}
	assert.Empty(t, srv.Ledger(), "no invalid call applied anything")
	assert.Equal(t, len(cases)-2, srv.Received("T-1"), "every call is counted under its Token (all but the one without and the one for T-9)")
	assert.Equal(t, 1, srv.Received("T-9"))
	assert.Equal(t, len(cases), srv.Calls(citrustest.EndpointCallback))

	status, out, body := validCall(s, "T-1").do(t, srv)
	require.Equal(t, 200, status, string(body))
	require.NotNil(t, out.Data)
	assert.True(t, *out.Data.Success)
	assert.Len(t, srv.Ledger(), 1)
}

func TestFakeAuth(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{UserName: "u1", Password: "p&1=x"})
	for _, tc := range []struct{ user, password string }{{"u1", "bad"}, {"u2", "p&1=x"}, {"", ""}} {
		status, _, rs := loginAs(t, http.DefaultClient, srv, tc.user, tc.password)
		assert.Equal(t, 401, status)
		assert.Equal(t, "Unauthorized", rs.ErrorCode)
		assert.Equal(t, "Invalid UserName or Password", rs.Message)
	}
	assert.Zero(t, srv.Logins())
	assert.Equal(t, 3, srv.Calls(citrustest.EndpointAuth))
	assert.Equal(t, 1, srv.CallsFor(citrustest.EndpointAuth, "u1"), "keyed by user name")

	status, s, _ := loginAs(t, http.DefaultClient, srv, "u1", "p&1=x")
	require.Equal(t, 200, status, "credentials arrive query-escaped")
	assert.Equal(t, 1, srv.Logins())
	_, s2, _ := loginAs(t, http.DefaultClient, srv, "u1", "p&1=x")
	assert.NotEqual(t, s.sid, s2.sid, "each login opens a new session")
	assert.Equal(t, s.instance, s2.instance, "one IPS instance")
	assert.Equal(t, 2, srv.Logins())

	resp, err := http.Get(srv.URL() + "/portal/auth?UserName=u1&Password=p%261%3Dx")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "ServiceStack answers an unmatched verb as an unknown route")
	assert.Contains(t, string(body), "Handler for Request not found")

	resp, err = http.Post(strings.TrimSuffix(srv.URL(), citrustest.BasePath)+"/portal/auth?UserName=u1&Password=p%261%3Dx", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "the API lives under BasePath only")
	assert.Equal(t, 2, srv.Logins())
}

func TestFakeCustomOptions(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{UserName: "clerk", Password: "pw-9", CashRegister: "Kiosk-2", VoidReasonOnFailure: "Merchant", IPSUserName: "Portal"})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "K-1", Amount: citrus.Cents(100)})
	cfg := srv.Config()
	assert.Equal(t, citrus.Config{Environment: citrus.Dev, DevBaseURL: srv.URL(), UserName: "clerk", Password: "pw-9"}, cfg)
	assert.True(t, strings.HasSuffix(srv.URL(), citrustest.BasePath))

	c, err := citrus.New(cfg)
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "K-1"})
	var e *citrus.Error
	require.ErrorAs(t, err, &e, "the client's defaults are not what this IPS expects")
	assert.Equal(t, 400, e.StatusCode)
	assert.ElementsMatch(t, []string{"ips.username", "voidReasonOnFailure", "cashRegister"}, fieldNames(e.Fields))

	cfg.CashRegister, cfg.VoidReasonOnFailure, cfg.IPSUserName = "Kiosk-2", "Merchant", "Portal"
	c, err = citrus.New(cfg)
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "K-1"})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Applied("K-1"))
}

func fieldNames(fs []citrus.FieldError) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field)
	}
	return out
}

func TestFakeLedger(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(12550), Payer: "Jane Citizen"})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-2", Amount: citrus.Cents(100)})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "D-1", Amount: citrus.Cents(5000), Decline: true})
	s := login(t, srv)
	before := time.Now()

	status, first, _ := validCall(s, "T-1").do(t, srv)
	require.Equal(t, 200, status)
	tx := first.Data.Transaction
	assert.True(t, *first.Data.Success)
	assert.Equal(t, "T-1", tx.TransactionToken)
	assert.Equal(t, "Jane Citizen", tx.TransactionPayer)
	assert.Equal(t, "Paid", tx.Status)
	assert.Equal(t, citrus.Cents(12550), tx.TransactionAmount)
	assert.NotEmpty(t, tx.ReceiptNumber)
	require.Len(t, tx.Payments, 1)
	assert.Equal(t, "Approved", tx.Payments[0].PaymentAuthorization.TransactionStatus)
	_, offset := tx.TransactionDateTime.Zone()
	assert.Equal(t, -5*3600, offset, "the county's clock")

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	p := ledger[0]
	assert.Equal(t, "T-1", p.BillerReference)
	assert.Equal(t, tx.ID, p.TransactionID, "the ledger id is the one the client sees")
	assert.Equal(t, citrus.Cents(12550), p.Amount)
	assert.Equal(t, s.sid, p.SessionID.Reveal())
	assert.False(t, p.At.Before(before))

	// A repeat is answered with the same transaction and applied once.
	status, again, _ := validCall(s, "T-1").do(t, srv)
	require.Equal(t, 200, status)
	assert.Equal(t, tx.ID, again.Data.Transaction.ID)
	assert.Equal(t, tx.ReceiptNumber, again.Data.Transaction.ReceiptNumber)
	assert.Equal(t, 1, srv.Applied("T-1"))
	assert.Equal(t, 2, srv.Received("T-1"))

	// A declined invoice answers success:false with a payment and its void.
	status, declined, _ := validCall(s, "D-1").do(t, srv)
	require.Equal(t, 200, status)
	assert.False(t, *declined.Data.Success)
	require.Len(t, declined.Data.Transaction.Payments, 2)
	assert.Equal(t, "Void", declined.Data.Transaction.Payments[1].TransactionType)
	assert.Equal(t, citrus.Cents(-5000), declined.Data.Transaction.Payments[1].TransactionAmount)
	assert.Zero(t, srv.Applied("D-1"))
	assert.Equal(t, 1, srv.Received("D-1"))

	// The ledger is a copy.
	got := srv.Ledger()
	got[0].BillerReference = "changed"
	assert.Equal(t, "T-1", srv.Ledger()[0].BillerReference)
	assert.Zero(t, srv.Applied("T-2"))
	assert.Zero(t, srv.Received("T-2"))

	// Adding an invoice again replaces it, with a new transaction.
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(200)})
	status, replaced, _ := validCall(s, "T-1").do(t, srv)
	require.Equal(t, 200, status)
	assert.NotEqual(t, tx.ID, replaced.Data.Transaction.ID)
	assert.Equal(t, citrus.Cents(200), replaced.Data.Transaction.TransactionAmount)
	assert.Equal(t, 2, srv.Applied("T-1"))
}

func TestFakeSessions(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	s1 := login(t, srv)
	s2 := login(t, srv)
	assert.Equal(t, 2, srv.Logins())

	secrets := srv.IssuedSecrets()
	assert.Equal(t, []string{s1.instance, s1.sid, s2.sid}, secrets, "the InstanceId cookie and every session id")
	secrets[0] = "changed"
	assert.Equal(t, s1.instance, srv.IssuedSecrets()[0], "a copy")

	srv.ExpireSessions()
	for _, s := range []session{s1, s2} {
		status, out, _ := validCall(s, "T-1").do(t, srv)
		assert.Equal(t, 401, status)
		assert.Equal(t, "Unauthorized", out.ResponseStatus.ErrorCode)
	}
	assert.Empty(t, srv.Ledger())
	status, _, _ := validCall(login(t, srv), "T-1").do(t, srv)
	assert.Equal(t, 200, status, "a new login works")
	assert.Len(t, srv.IssuedSecrets(), 4, "expired sessions stay listed")
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	post := func(t *testing.T, srv *citrustest.Server, s session, ref string) (*http.Response, []byte, error) {
		resp, err := validCall(s, ref).send(srv)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	fresh := func(t *testing.T, refs ...string) (*citrustest.Server, session) {
		srv := start(t, citrustest.Options{})
		for _, r := range refs {
			srv.AddInvoice(citrustest.Invoice{BillerReference: r, Amount: citrus.Cents(100)})
		}
		return srv, login(t, srv)
	}

	t.Run("actions", func(t *testing.T) {
		t.Parallel()
		cases := []struct {
			fault   citrustest.Fault
			status  int // 0: the connection drops
			body    string
			applied int
		}{
			{citrustest.Fault{Action: citrustest.Pass}, 200, "", 1},
			{citrustest.Fault{Action: citrustest.Refuse}, 503, "InjectedFault", 0},
			{citrustest.Fault{Action: citrustest.Refuse, Status: 429, RetryAfter: "7"}, 429, "InjectedFault", 0},
			{citrustest.Fault{Action: citrustest.DropBeforeApply}, 0, "", 0},
			{citrustest.Fault{Action: citrustest.DropAfterApply}, 0, "", 1},
			{citrustest.Fault{Action: citrustest.FailAfterApply}, 500, "InjectedFault", 1},
			{citrustest.Fault{Action: citrustest.FailAfterApply, Status: 502}, 502, "InjectedFault", 1},
			{citrustest.Fault{Action: citrustest.GarbleAfterApply}, 200, `{"result": [{"id": 1, "stat`, 1},
			{citrustest.Fault{Action: citrustest.EmptyAfterApply}, 200, `{}`, 1},
		}
		for _, tc := range cases {
			srv, s := fresh(t, "T-1")
			f := tc.fault
			f.Endpoint, f.Key = citrustest.EndpointCallback, "T-1"
			srv.Inject(f)
			resp, body, err := post(t, srv, s, "T-1")
			if tc.status == 0 {
				assert.Error(t, err, "%+v: the connection drops", tc.fault)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.status, resp.StatusCode, "%+v", tc.fault)
				assert.Contains(t, string(body), tc.body)
				assert.Equal(t, tc.fault.RetryAfter, resp.Header.Get("Retry-After"))
			}
			assert.Equal(t, tc.applied, srv.Applied("T-1"), "%+v", tc.fault)
			assert.Equal(t, 1, srv.Received("T-1"))
			// The fault was used up: the next post is handled normally.
			resp, _, err = post(t, srv, s, "T-1")
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, 1, srv.Applied("T-1"))
		}
	})
	t.Run("key, skip, times, endpoint", func(t *testing.T) {
		t.Parallel()
		srv, s := fresh(t, "T-1", "T-2")
		srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "T-2", Skip: 1, Times: 2, Action: citrustest.Refuse, Status: 500})
		statuses := func(ref string, n int) []int {
			var out []int
			for range n {
				resp, _, err := post(t, srv, s, ref)
				require.NoError(t, err)
				out = append(out, resp.StatusCode)
			}
			return out
		}
		assert.Equal(t, []int{200, 200}, statuses("T-1", 2), "another key is not hit")
		assert.Equal(t, []int{200, 500, 500, 200}, statuses("T-2", 4), "one let through, two hit, then used up")

		srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointAuth, Action: citrustest.Refuse, Status: 503})
		assert.Equal(t, []int{200}, statuses("T-1", 1), "an auth fault waits for an auth call")
		status, _, rs := loginAs(t, http.DefaultClient, srv, citrustest.DefaultUserName, citrustest.DefaultPassword)
		assert.Equal(t, 503, status)
		assert.Equal(t, "InjectedFault", rs.ErrorCode)
		status, _, _ = loginAs(t, http.DefaultClient, srv, citrustest.DefaultUserName, citrustest.DefaultPassword)
		assert.Equal(t, 200, status)

		srv.Inject(citrustest.Fault{Action: citrustest.Refuse, Status: 502, Times: 2})
		status, _, _ = loginAs(t, http.DefaultClient, srv, citrustest.DefaultUserName, citrustest.DefaultPassword)
		assert.Equal(t, 502, status, "no endpoint: any call")
		assert.Equal(t, []int{502, 200}, statuses("T-1", 2))

		srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Action: citrustest.Refuse, Times: citrustest.Forever})
		assert.Equal(t, []int{503, 503, 503}, statuses("T-1", 3), "forever")
		srv.ClearFaults()
		assert.Equal(t, []int{200}, statuses("T-1", 1))
		assert.Equal(t, 9, srv.Received("T-1"), "faulted calls are counted too")
		assert.Equal(t, 4, srv.CallsFor(citrustest.EndpointCallback, "T-2"))
		assert.Equal(t, 13, srv.Calls(citrustest.EndpointCallback))
		assert.Equal(t, 4, srv.Calls(citrustest.EndpointAuth))
		assert.Equal(t, 4, srv.CallsFor(citrustest.EndpointAuth, citrustest.DefaultUserName))
		assert.Equal(t, 1, srv.Applied("T-1"))
		assert.Equal(t, 1, srv.Applied("T-2"))
	})
	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		srv, s := fresh(t, "T-1")
		srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: 200 * time.Millisecond})
		begin := time.Now()
		resp, _, err := post(t, srv, s, "T-1")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(begin), 200*time.Millisecond)
		assert.Equal(t, 1, srv.Applied("T-1"))

		// A client that gives up during the delay leaves nothing applied.
		srv.AddInvoice(citrustest.Invoice{BillerReference: "T-2", Amount: citrus.Cents(100)})
		srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "T-2", Delay: 300 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c := validCall(s, "T-2")
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/cashiering/paymentprocessing/callback/authorized?Token=T-2", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range c.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		_, err = http.DefaultClient.Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		time.Sleep(400 * time.Millisecond)
		assert.Zero(t, srv.Applied("T-2"))
	})
}

func TestFakeTLS(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{TLS: true})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	require.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"), srv.URL())
	require.NotNil(t, srv.CertPool())

	_, err := http.Post(srv.URL()+"/portal/auth", "", nil)
	require.Error(t, err, "the fake's certificate is not trusted by default")
	var verr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &verr)

	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}}}
	status, s, _ := loginAs(t, trusting, srv, citrustest.DefaultUserName, citrustest.DefaultPassword)
	require.Equal(t, 200, status)
	assert.NotEmpty(t, s.sid)

	// The SDK's default client, trusting the pool, posts over TLS.
	c, err := citrus.New(srv.Config(), citrus.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		rt.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}
		return rt
	}))
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "T-1"})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Applied("T-1"))
	assert.GreaterOrEqual(t, srv.NewConns(), int64(2), "the untrusting clients' connections count too")

	plain := start(t, citrustest.Options{})
	assert.Nil(t, plain.CertPool())
	assert.True(t, strings.HasPrefix(plain.URL(), "http://127.0.0.1:"))
}

func TestFakeConnectionsAndClose(t *testing.T) {
	t.Parallel()
	srv := citrustest.NewServer(citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "T-1", Amount: citrus.Cents(100)})
	assert.Zero(t, srv.NewConns())
	c, err := citrus.New(srv.Config())
	require.NoError(t, err)
	for range 3 {
		_, err = c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "T-1"})
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), srv.NewConns(), "one client, one kept-alive connection")
	srv.Close()
	_, err = http.Post(srv.URL()+"/portal/auth", "", nil)
	assert.Error(t, err, "closed")
}
