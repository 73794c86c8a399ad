package oraclepsctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const structured = "application/json, application/vnd.oracle.adf.error+json"

// send makes a raw request to the fake, as a client other than the SDK
// might, and returns the status, Content-Type and body.
func send(t *testing.T, srv *oraclepsctest.Server, method, path string, header map[string]string, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(oraclepsctest.DefaultUserName, oraclepsctest.DefaultPassword)
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
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func collectionPath(checkout oraclepsc.CheckoutID) string {
	return "/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/" + string(checkout) + "/child/CheckoutPmt"
}

// oracleError is the structured error body.
type oracleError struct {
	Title   string `json:"title"`
	Status  string `json:"status"`
	Detail  string `json:"detail"`
	Code    string `json:"o:errorCode"`
	Details []struct {
		Detail string `json:"detail"`
		Code   string `json:"o:errorCode"`
		Path   string `json:"o:errorPath"`
	} `json:"o:errorDetails"`
}

func TestCreateIsCheckedStrictly(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	base := map[string]string{"Content-Type": "application/json", "Accept": structured, "REST-Framework-Version": "4"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for key, val := range base {
			h[key] = val
		}
		h[k] = v
		return h
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		path   string
		body   string
		status int
		code   string // of the first error detail, or the top level
		at     string // o:errorPath
	}{
		{"no credentials", with("Authorization", ""), "", `{"PaymentReferenceId":"R1"}`, 401, "", ""},
		{"wrong password", with("Authorization", "Basic d3Jvbmc6d3Jvbmc="), "", `{"PaymentReferenceId":"R1"}`, 401, "", ""},
		{"unknown bearer token", with("Authorization", "Bearer eyJ.unknown.sig"), "", `{"PaymentReferenceId":"R1"}`, 401, "", ""},
		{"text body", with("Content-Type", "text/plain"), "", `{"PaymentReferenceId":"R1"}`, 415, "", ""},
		{"no media type", with("Content-Type", ""), "", `{"PaymentReferenceId":"R1"}`, 415, "", ""},
		{"unknown attribute", base, "", `{"PaymentReferenceId":"R1","PaymentAmount":1}`, 400, "JBO-25058", "/PaymentAmount"},
		{"links in a create", base, "", `{"PaymentReferenceId":"R1","links":[]}`, 400, "JBO-25058", "/links"},
		{"amount as text", base, "", `{"PaymentReferenceId":"R1","LineAmount":"10.00"}`, 400, "JBO-25009", "/LineAmount"},
		{"amount not a number", base, "", `{"PaymentReferenceId":"R1","ChangeAmount":true}`, 400, "JBO-25009", "/ChangeAmount"},
		{"int32 overflow", base, "", `{"PaymentReferenceId":"R1","AgencyId":3000000000}`, 400, "JBO-25009", "/AgencyId"},
		{"id as text", base, "", `{"PaymentReferenceId":"R1","CheckoutPmtId":"300000100000001"}`, 400, "JBO-25009", "/CheckoutPmtId"},
		{"fractional id", base, "", `{"PaymentReferenceId":"R1","CheckoutPmtId":1.5}`, 400, "JBO-25009", "/CheckoutPmtId"},
		{"date in another form", base, "", `{"PaymentReferenceId":"R1","CheckDate":"05/01/2024"}`, 400, "JBO-25009", "/CheckDate"},
		{"date-time without a zone", base, "", `{"PaymentReferenceId":"R1","AuthorizationDttm":"2024-05-01T10:00:00"}`, 400, "JBO-25009", "/AuthorizationDttm"},
		{"text as number", base, "", `{"PaymentReferenceId":"R1","CheckName":42}`, 400, "JBO-25009", "/CheckName"},
		{"over-long, in characters", base, "", `{"PaymentReferenceId":"R1","CheckName":"` + strings.Repeat("é", 101) + `"}`, 400, "JBO-27010", "/CheckName"},
		{"over-long currency", base, "", `{"PaymentReferenceId":"R1","PaymentCurrency":"USDX"}`, 400, "JBO-27010", "/PaymentCurrency"},
		{"another checkout in the body", base, "", `{"PaymentReferenceId":"R1","CheckoutId":"300000000000002"}`, 400, "JBO-27008", "/CheckoutId"},
		{"not an object", base, "", `[{"PaymentReferenceId":"R1"}]`, 400, "JBO-25009", ""},
		{"trailing data", base, "", `{"PaymentReferenceId":"R1"} {}`, 400, "JBO-25009", ""},
		{"bad framework version", with("REST-Framework-Version", "v4"), "", `{"PaymentReferenceId":"R1"}`, 400, "", ""},
		{"bad Upsert-Mode", with("Upsert-Mode", "yes"), "", `{"PaymentReferenceId":"R1"}`, 400, "", ""},
		{"unknown checkout", base, collectionPath("300000000000404"), `{"PaymentReferenceId":"R1"}`, 404, "", ""},
		{"another resource version", base, "/fscmRestApi/resources/11.13.18.04/publicSectorCheckouts/" + string(checkout) + "/child/CheckoutPmt", `{"PaymentReferenceId":"R1"}`, 404, "", ""},
		{"nothing there", base, "/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts", `{}`, 404, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = collectionPath(checkout)
			}
			status, ct, body := send(t, srv, http.MethodPost, path, tc.header, tc.body)
			assert.Equal(t, tc.status, status, body)
			assert.Equal(t, oraclepsc.ErrorMediaType, ct)
			var e oracleError
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, http.StatusText(tc.status), e.Title)
			if tc.code != "" {
				code, at := e.Code, ""
				if len(e.Details) > 0 {
					code, at = e.Details[0].Code, e.Details[0].Path
				}
				assert.Equal(t, tc.code, code, body)
				assert.Equal(t, tc.at, at, body)
			}
		})
	}
	assert.Empty(t, srv.Ledger(), "nothing was applied")
	assert.Equal(t, 25, srv.Calls(oraclepsctest.EndpointCreate)+1, "every request but the unrouted one reached the endpoint")
}

func TestErrorFormatFollowsAccept(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	body := `{"PaymentReferenceId":"R1","CheckName":"` + strings.Repeat("x", 101) + `","Comments":"` + strings.Repeat("y", 241) + `"}`
	status, ct, text := send(t, srv, http.MethodPost, collectionPath(checkout), map[string]string{"Content-Type": "application/json"}, body)
	assert.Equal(t, 400, status)
	assert.Equal(t, "text/plain; charset=UTF-8", ct)
	lines := strings.Split(text, "\n")
	require.Len(t, lines, 2, text)
	assert.True(t, strings.HasPrefix(lines[0], "JBO-27010: "), text)
	assert.Contains(t, lines[0], "attribute CheckName")
	assert.Contains(t, lines[1], "attribute Comments")

	status, ct, _ = send(t, srv, http.MethodPost, collectionPath(checkout), map[string]string{
		"Content-Type": "application/json", "Accept": "application/vnd.oracle.adf.error+json; q=0.9, application/json",
	}, body)
	assert.Equal(t, 400, status)
	assert.Equal(t, oraclepsc.ErrorMediaType, ct)
}

func TestCreateAndDuplicate(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	h := map[string]string{"Content-Type": oraclepsc.ResourceItemMediaType, "Accept": structured}
	status, ct, body := send(t, srv, http.MethodPost, collectionPath(checkout), h, `{"CheckoutPmtId":300000100000005,"PaymentReferenceId":"R1","LineAmount":12.30}`)
	require.Equal(t, 201, status, body)
	assert.Equal(t, oraclepsc.ResourceItemMediaType, ct)
	var item map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &item))
	assert.Len(t, item, 33, "32 attributes and links")
	assert.Equal(t, "null", string(item["Comments"]), "every attribute, null when unset")
	assert.Equal(t, "12.30", string(item["LineAmount"]))
	assert.Equal(t, `"`+string(checkout)+`"`, string(item["CheckoutId"]), "the path's checkout")

	status, _, body = send(t, srv, http.MethodPost, collectionPath(checkout), h, `{"CheckoutPmtId":300000100000005,"PaymentReferenceId":"R2"}`)
	assert.Equal(t, 400, status)
	var e oracleError
	require.NoError(t, json.Unmarshal([]byte(body), &e))
	assert.Equal(t, "JBO-25013", e.Code)
	assert.Equal(t, "Too many objects match the primary key oracle.jbo.Key[300000100000005 ].", e.Detail)

	other := srv.NewCheckout()
	h["Upsert-Mode"] = "true"
	status, _, _ = send(t, srv, http.MethodPost, collectionPath(other), h, `{"CheckoutPmtId":300000100000005,"PaymentReferenceId":"R3"}`)
	assert.Equal(t, 400, status, "the id is taken by another checkout's row")
	status, _, _ = send(t, srv, http.MethodPost, collectionPath(checkout), h, `{"CheckoutPmtId":300000100000005,"Comments":"updated"}`)
	assert.Equal(t, 200, status)
	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, "updated", ledger[0].Payment.Comments)
	assert.Equal(t, oraclepsc.PaymentReferenceID("R1"), ledger[0].Payment.PaymentReferenceID, "attributes left out keep their values")
	assert.Equal(t, 1, ledger[0].Updates)
}

func TestListQuery(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	for i, ref := range []string{"R1", "R2", "R3"} {
		status, _, body := send(t, srv, http.MethodPost, collectionPath(checkout), map[string]string{"Content-Type": "application/json"},
			`{"PaymentReferenceId":"`+ref+`","PaymentMethodCode":"CASH DRAWER","AgencyId":`+strconv.Itoa(10-i)+`,"LineAmount":1`+strconv.Itoa(i)+`.5}`)
		require.Equal(t, 201, status, body)
	}
	list := func(version string, query url.Values) (int, map[string]any) {
		t.Helper()
		status, _, body := send(t, srv, http.MethodGet, collectionPath(checkout)+"?"+query.Encode(),
			map[string]string{"REST-Framework-Version": version, "Accept": structured}, "")
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &out), body)
		return status, out
	}
	count := func(version, q string) any {
		status, out := list(version, url.Values{"q": {q}})
		if status != 200 {
			return status
		}
		return out["count"]
	}
	assert.Equal(t, 1.0, count("1", "PaymentReferenceId=R2"))
	assert.Equal(t, 1.0, count("", "PaymentReferenceId=R2"), "no header: version 1")
	assert.Equal(t, 3.0, count("1", "PaymentMethodCode=CASH DRAWER"))
	assert.Equal(t, 0.0, count("1", "PaymentReferenceId='R2'"), "version 1 takes quotes literally")
	assert.Equal(t, 1.0, count("4", "PaymentReferenceId='R2'"))
	assert.Equal(t, 1.0, count("2", "PaymentReferenceId = 'R2' AND PaymentMethodCode='CASH DRAWER'"))
	assert.Equal(t, 400, count("4", "PaymentReferenceId=R2"), "version 2+ needs quoted text")
	assert.Equal(t, 400, count("4", "PaymentReferenceId='R2';PaymentMethodCode='CASH DRAWER'"), "no ; in version 2+")
	assert.Equal(t, 400, count("4", "PaymentReferenceId='R2"))
	assert.Equal(t, 400, count("4", "Nope='R2'"))
	assert.Equal(t, 400, count("1", "Nope=R2"))
	assert.Equal(t, 400, count("4", "CheckoutPmtId=abc"))
	assert.Equal(t, 400, count("4", "PaymentReferenceId>'R2'"))
	assert.Equal(t, 1.0, count("4", "LineAmount=11.50"), "numbers compare by value")
	assert.Equal(t, 1.0, count("1", "AgencyId=9"))

	status, out := list("4", url.Values{"orderBy": {"AgencyId:asc"}, "fields": {"PaymentReferenceId"}, "onlyData": {"true"}})
	require.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"PaymentReferenceId": "R3"}, out["items"].([]any)[0], "AgencyId 8 first")
	status, out = list("4", url.Values{"orderBy": {"LineAmount:desc"}, "fields": {"PaymentReferenceId"}, "onlyData": {"true"}})
	require.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"PaymentReferenceId": "R3"}, out["items"].([]any)[0], "12.5 first")

	status, out = list("4", url.Values{"limit": {"2"}, "totalResults": {"true"}, "orderBy": {"PaymentReferenceId:desc"}, "onlyData": {"true"}, "fields": {"PaymentReferenceId"}})
	require.Equal(t, 200, status)
	assert.Equal(t, true, out["hasMore"])
	assert.Equal(t, 3.0, out["totalResults"])
	items := out["items"].([]any)
	require.Len(t, items, 2)
	assert.Equal(t, map[string]any{"PaymentReferenceId": "R3"}, items[0])
	for _, bad := range []url.Values{
		{"expand": {"all"}}, {"limit": {"0"}}, {"limit": {"x"}}, {"offset": {"-1"}},
		{"onlyData": {"yes"}}, {"fields": {"Nope"}}, {"orderBy": {"Nope:asc"}}, {"orderBy": {"PaymentReferenceId:up"}},
	} {
		status, _ := list("4", bad)
		assert.Equal(t, 400, status, "%v", bad)
	}
	status, out = list("4", url.Values{"limit": {"10000"}})
	require.Equal(t, 200, status)
	assert.Equal(t, 500.0, out["limit"], "Oracle caps a page at 500")
}

func TestTokenRelay(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		status, ct, body := send(t, srv, method, "/fscmRestApi/tokenrelay", nil, "")
		require.Equal(t, 200, status, body)
		assert.Contains(t, ct, "application/json")
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &tok))
		assert.Equal(t, "Bearer", tok.TokenType)
		assert.Equal(t, 3600, tok.ExpiresIn)
		assert.Equal(t, 2, strings.Count(tok.AccessToken, "."), "a JWT")

		bearer := map[string]string{"Authorization": "Bearer " + tok.AccessToken, "Content-Type": "application/json"}
		status, _, body = send(t, srv, http.MethodPost, collectionPath(checkout), bearer, `{"PaymentReferenceId":"T-`+method+`"}`)
		assert.Equal(t, 201, status, body)
	}
	assert.Equal(t, 2, srv.Logins())
	assert.Len(t, srv.IssuedSecrets(), 2)

	srv.ExpireTokens()
	bearer := map[string]string{"Authorization": "Bearer " + srv.IssuedSecrets()[0], "Content-Type": "application/json"}
	status, _, _ := send(t, srv, http.MethodPost, collectionPath(checkout), bearer, `{"PaymentReferenceId":"T-expired"}`)
	assert.Equal(t, 401, status, "expired")
	status, _, _ = send(t, srv, http.MethodGet, "/fscmRestApi/tokenrelay", map[string]string{"Authorization": "Basic d3Jvbmc6d3Jvbmc="}, "")
	assert.Equal(t, 401, status)
	assert.Equal(t, 2, srv.Logins())
}

func TestFaultsKeyOnTheReference(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: "R2", Action: oraclepsctest.Refuse, Status: 503})
	h := map[string]string{"Content-Type": "application/json"}
	status, _, _ := send(t, srv, http.MethodPost, collectionPath(checkout), h, `{"PaymentReferenceId":"R1"}`)
	assert.Equal(t, 201, status)
	status, ct, body := send(t, srv, http.MethodPost, collectionPath(checkout), h, `{"PaymentReferenceId":"R2"}`)
	assert.Equal(t, 503, status)
	assert.Equal(t, "text/plain; charset=UTF-8", ct)
	assert.Equal(t, "Injected fault: Service Unavailable", body)
	assert.Equal(t, 1, srv.CallsFor(oraclepsctest.EndpointCreate, "R2"))
	assert.Zero(t, srv.Applied("R2"))

	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointList, Key: string(checkout), Action: oraclepsctest.Refuse, Status: 500})
	status, _, _ = send(t, srv, http.MethodGet, collectionPath(checkout), nil, "")
	assert.Equal(t, 500, status)
	status, _, _ = send(t, srv, http.MethodGet, collectionPath(checkout), nil, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, 2, srv.CallsFor(oraclepsctest.EndpointList, string(checkout)))
}
