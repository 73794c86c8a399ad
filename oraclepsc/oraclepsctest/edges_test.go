package oraclepsctest_test

import (
	"crypto/tls"
	"encoding/base64"
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

// call makes a raw request to the fake with its Basic credentials, as send
// does, and returns the whole answer (for its headers) and its body. A
// header given as "" is removed.
func call(t *testing.T, client *http.Client, srv *oraclepsctest.Server, method, path string, header map[string]string, body string) (*http.Response, string) {
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
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// fill creates one row per body in checkout, and fails the test unless
// each is created.
func fill(t *testing.T, srv *oraclepsctest.Server, checkout oraclepsc.CheckoutID, bodies ...string) {
	t.Helper()
	for _, body := range bodies {
		status, _, answer := send(t, srv, http.MethodPost, collectionPath(checkout), map[string]string{"Content-Type": "application/json"}, body)
		require.Equal(t, http.StatusCreated, status, answer)
	}
}

func TestFrameworkVersionIsOneToNineAndEchoed(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	for _, tc := range []struct {
		version string
		status  int
	}{
		{"1", 200}, {"2", 200}, {"9", 200},
		{"0", 400}, {"10", 400}, {"-1", 400}, {"4.0", 400},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			resp, body := call(t, http.DefaultClient, srv, http.MethodGet, collectionPath(checkout),
				map[string]string{"REST-Framework-Version": tc.version, "Accept": structured}, "")
			require.Equal(t, tc.status, resp.StatusCode, body)
			if tc.status != 200 {
				var e oracleError
				require.NoError(t, json.Unmarshal([]byte(body), &e), body)
				assert.Equal(t, "The REST-Framework-Version "+strconv.Quote(tc.version)+" is not supported.", e.Detail)
				return
			}
			assert.Equal(t, []string{tc.version}, resp.Header.Values("REST-Framework-Version"), "the version is echoed")
		})
	}
	t.Run("absent", func(t *testing.T) {
		t.Parallel()
		resp, body := call(t, http.DefaultClient, srv, http.MethodGet, collectionPath(checkout), nil, "")
		require.Equal(t, 200, resp.StatusCode, body)
		assert.Empty(t, resp.Header.Values("REST-Framework-Version"), "nothing to echo")
	})
	t.Run("create echoes too", func(t *testing.T) {
		t.Parallel()
		resp, body := call(t, http.DefaultClient, srv, http.MethodPost, collectionPath(checkout),
			map[string]string{"REST-Framework-Version": "9", "Content-Type": "application/json"}, `{"PaymentReferenceId":"V9"}`)
		require.Equal(t, 201, resp.StatusCode, body)
		assert.Equal(t, "9", resp.Header.Get("REST-Framework-Version"))
	})
}

// version is the object version a change indicator serializes (a
// java.lang.Integer: its value is the last 8 hex digits).
func version(t *testing.T, changeIndicator string) int64 {
	t.Helper()
	require.Greater(t, len(changeIndicator), 8, changeIndicator)
	n, err := strconv.ParseInt(changeIndicator[len(changeIndicator)-8:], 16, 64)
	require.NoError(t, err, changeIndicator)
	return n
}

func TestEachUpsertAdvancesTheChangeIndicator(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	h := map[string]string{"Content-Type": "application/json", "Upsert-Mode": "true"}
	var etags []string
	for i, status := range []int{201, 200, 200} {
		resp, body := call(t, http.DefaultClient, srv, http.MethodPost, collectionPath(checkout), h,
			`{"CheckoutPmtId":300000100000042,"PaymentReferenceId":"U1","Comments":"take `+strconv.Itoa(i)+`"}`)
		require.Equal(t, status, resp.StatusCode, body)
		etag := resp.Header.Get("ETag")
		var item struct {
			Links []struct {
				Rel        string            `json:"rel"`
				Properties map[string]string `json:"properties"`
			} `json:"links"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &item), body)
		require.NotEmpty(t, item.Links)
		assert.Equal(t, "self", item.Links[0].Rel)
		assert.Equal(t, etag, item.Links[0].Properties["changeIndicator"], "the self link carries the ETag")
		etags = append(etags, etag)
	}
	assert.Equal(t, []int64{1, 2, 3}, []int64{version(t, etags[0]), version(t, etags[1]), version(t, etags[2])}, "%v", etags)
	assert.Equal(t, etags[0][:len(etags[0])-8], etags[2][:len(etags[2])-8], "only the version changes")
	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, 2, ledger[0].Updates)
	assert.Equal(t, "take 2", ledger[0].Payment.Comments)
}

func TestLinksFollowTheSchemeServed(t *testing.T) {
	t.Parallel()
	for _, useTLS := range []bool{false, true} {
		scheme := map[bool]string{false: "http", true: "https"}[useTLS]
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			srv := oraclepsctest.NewServer(oraclepsctest.Options{TLS: useTLS})
			t.Cleanup(srv.Close)
			client := http.DefaultClient
			if useTLS {
				tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool(), MinVersion: tls.VersionTLS12}}
				t.Cleanup(tr.CloseIdleConnections)
				client = &http.Client{Transport: tr}
			}
			require.True(t, strings.HasPrefix(srv.URL(), scheme+"://"), srv.URL())
			checkout := srv.NewCheckout()
			coll := srv.URL() + collectionPath(checkout)
			parent := strings.TrimSuffix(coll, "/child/CheckoutPmt")

			resp, body := call(t, client, srv, http.MethodPost, collectionPath(checkout), map[string]string{"Content-Type": "application/json"}, `{"PaymentReferenceId":"L1"}`)
			require.Equal(t, 201, resp.StatusCode, body)
			self := resp.Header.Get("Location")
			assert.True(t, strings.HasPrefix(self, coll+"/"), "%s under %s", self, coll)
			var item struct {
				Links []struct {
					Rel  string `json:"rel"`
					Href string `json:"href"`
				} `json:"links"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &item), body)
			hrefs := map[string]string{}
			for _, l := range item.Links {
				hrefs[l.Rel] = l.Href
			}
			assert.Equal(t, map[string]string{"self": self, "canonical": self, "parent": parent}, hrefs)

			resp, body = call(t, client, srv, http.MethodGet, collectionPath(checkout), nil, "")
			require.Equal(t, 200, resp.StatusCode, body)
			var list struct {
				Links []struct {
					Rel  string `json:"rel"`
					Href string `json:"href"`
				} `json:"links"`
				Items []struct {
					Links []struct {
						Href string `json:"href"`
					} `json:"links"`
				} `json:"items"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &list), body)
			require.Len(t, list.Links, 1)
			assert.Equal(t, coll, list.Links[0].Href)
			require.Len(t, list.Items, 1)
			require.NotEmpty(t, list.Items[0].Links)
			assert.Equal(t, self, list.Items[0].Links[0].Href)
		})
	}
}

func TestListPagesAtTheLimit(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	fill(t, srv, checkout, `{"PaymentReferenceId":"P1"}`, `{"PaymentReferenceId":"P2"}`, `{"PaymentReferenceId":"P3"}`)
	for _, tc := range []struct {
		limit, offset string // "" leaves the parameter out
		refs          []string
		hasMore       bool
	}{
		{"", "", []string{"P1", "P2", "P3"}, false},
		{"3", "", []string{"P1", "P2", "P3"}, false},
		{"2", "", []string{"P1", "P2"}, true},
		{"4", "0", []string{"P1", "P2", "P3"}, false},
		{"2", "0", []string{"P1", "P2"}, true},
		{"2", "1", []string{"P2", "P3"}, false},
		{"1", "1", []string{"P2"}, true},
		{"1", "2", []string{"P3"}, false},
		{"1", "3", nil, false},
		{"", "7", nil, false},
	} {
		t.Run("limit="+tc.limit+",offset="+tc.offset, func(t *testing.T) {
			t.Parallel()
			query := url.Values{"orderBy": {"PaymentReferenceId"}, "fields": {"PaymentReferenceId"}, "onlyData": {"true"}, "totalResults": {"true"}}
			wantLimit, wantOffset := 25, 0
			if tc.limit != "" {
				query.Set("limit", tc.limit)
				wantLimit, _ = strconv.Atoi(tc.limit)
			}
			if tc.offset != "" {
				query.Set("offset", tc.offset)
				wantOffset, _ = strconv.Atoi(tc.offset)
			}
			status, _, body := send(t, srv, http.MethodGet, collectionPath(checkout)+"?"+query.Encode(), map[string]string{"Accept": structured}, "")
			require.Equal(t, 200, status, body)
			var out struct {
				Items []struct {
					Ref string `json:"PaymentReferenceId"`
				} `json:"items"`
				Count   int  `json:"count"`
				HasMore bool `json:"hasMore"`
				Limit   int  `json:"limit"`
				Offset  int  `json:"offset"`
				Total   int  `json:"totalResults"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &out), body)
			var refs []string
			for _, it := range out.Items {
				refs = append(refs, it.Ref)
			}
			assert.Equal(t, tc.refs, refs)
			assert.Equal(t, len(tc.refs), out.Count)
			assert.Equal(t, tc.hasMore, out.HasMore, "hasMore")
			assert.Equal(t, wantLimit, out.Limit)
			assert.Equal(t, wantOffset, out.Offset)
			assert.Equal(t, 3, out.Total)
		})
	}
	for _, bad := range []url.Values{{"limit": {"-1"}}, {"offset": {"x"}}, {"offset": {""}, "limit": {"0"}}} {
		status, _, body := send(t, srv, http.MethodGet, collectionPath(checkout)+"?"+bad.Encode(), nil, "")
		assert.Equal(t, 400, status, "%v: %s", bad, body)
		assert.Contains(t, body, "parameter must be a positive number", "%v", bad)
	}
}

func TestBasicUserKeysRelayFaults(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	user := oraclepsctest.DefaultUserName
	srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointTokenRelay, Key: user, Action: oraclepsctest.Refuse, Status: 503, Times: oraclepsctest.Forever})
	good := base64.StdEncoding.EncodeToString([]byte(user + ":" + oraclepsctest.DefaultPassword))

	// A credential that is not base64 names no user, even when a prefix of
	// it decodes to one: the fault keyed on the user does not hit it, and
	// the relay refuses it as unauthenticated.
	for _, cred := range []string{good + "!!", "!!!!", "not base64"} {
		status, ct, body := send(t, srv, http.MethodGet, "/fscmRestApi/tokenrelay", map[string]string{"Authorization": "Basic " + cred, "Accept": structured}, "")
		assert.Equal(t, 401, status, "%q: %s", cred, body)
		assert.Equal(t, oraclepsc.ErrorMediaType, ct)
	}
	assert.Zero(t, srv.CallsFor(oraclepsctest.EndpointTokenRelay, user))

	status, _, body := send(t, srv, http.MethodGet, "/fscmRestApi/tokenrelay", map[string]string{"Authorization": "Basic " + good, "Accept": structured}, "")
	assert.Equal(t, 503, status, "the user's fault hits the user's call: %s", body)
	assert.Equal(t, 1, srv.CallsFor(oraclepsctest.EndpointTokenRelay, user))
	assert.Equal(t, 4, srv.Calls(oraclepsctest.EndpointTokenRelay))
	assert.Zero(t, srv.Logins())

	srv.ClearFaults()
	status, _, body = send(t, srv, http.MethodGet, "/fscmRestApi/tokenrelay", map[string]string{"Authorization": "basic " + good}, "")
	assert.Equal(t, 200, status, "the scheme is case-insensitive: %s", body)
	assert.Equal(t, 2, srv.CallsFor(oraclepsctest.EndpointTokenRelay, user))
	assert.Equal(t, 1, srv.Logins())
}

// qList lists checkout with q under REST-Framework-Version 4 and returns
// the status and either the count or the structured error's detail.
func qList(t *testing.T, srv *oraclepsctest.Server, checkout oraclepsc.CheckoutID, q string) (int, any) {
	t.Helper()
	status, _, body := send(t, srv, http.MethodGet, collectionPath(checkout)+"?"+url.Values{"q": {q}}.Encode(),
		map[string]string{"REST-Framework-Version": "4", "Accept": structured}, "")
	if status != 200 {
		var e oracleError
		require.NoError(t, json.Unmarshal([]byte(body), &e), body)
		return status, e.Detail
	}
	var out struct {
		Count int `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return status, out.Count
}

func TestQExpressionSyntax(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	fill(t, srv, checkout,
		`{"PaymentReferenceId":"R1","PaymentMethodCode":"CASH","AuthorizationCode":"A1"}`,
		`{"PaymentReferenceId":"R2","PaymentMethodCode":"CASH","Comments":"late"}`,
		`{"PaymentReferenceId":"R3","PaymentMethodCode":"CHECK"}`)
	const prefix = "The q parameter is not valid for REST-Framework-Version 4: "
	for _, tc := range []struct {
		q      string
		status int
		want   any // the count, or the error's detail after prefix
	}{
		{"PaymentMethodCode='CASH' and PaymentReferenceId='R2'", 200, 1},
		{"PaymentMethodCode='CASH' AnD PaymentReferenceId='R2'", 200, 1},
		{"PaymentMethodCode='CASH'  and  PaymentReferenceId='R2' ", 200, 1},
		{"PaymentMethodCode='CASH' and", 400, "conditions must be joined with and"},
		{"PaymentMethodCode='CASH' an", 400, "conditions must be joined with and"},
		{"PaymentMethodCode='CASH' and ", 400, "expected an attribute of CheckoutPmt"},
		{"PaymentMethodCode='CASH' andPaymentReferenceId='R2'", 400, "conditions must be joined with and"},
		{"PaymentMethodCode='CASH' or PaymentReferenceId='R2'", 400, "conditions must be joined with and"},
		{"Comments=''", 200, 2},
		{"Comments='late'", 200, 1},
		{"Comments='", 400, "a quoted value is not closed"},
		{"Comments='late", 400, "a quoted value is not closed"},
		{"Comments=", 400, "a text value must be quoted"},
		{"Comments", 400, "expected ="},
		{"AuthorizationCode='A1'", 200, 1},
		{"PaymentMethodCode='CHECK' and AuthorizationCode=''", 200, 1},
		{"LineAmount=x", 400, "expected a number"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			t.Parallel()
			status, got := qList(t, srv, checkout, tc.q)
			require.Equal(t, tc.status, status, "%v", got)
			if s, ok := tc.want.(string); ok {
				assert.Equal(t, prefix+s, got)
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// An attribute name is read up to the first byte outside [A-Za-z0-9_]: a
// name byte makes a longer, unknown name; any other byte ends a known one
// and must be =.
func TestQNameBytes(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	const prefix = "The q parameter is not valid for REST-Framework-Version 4: "
	for _, tc := range []struct {
		b    byte
		name bool
	}{
		{'A', true}, {'Z', true}, {'a', true}, {'z', true}, {'0', true}, {'9', true}, {'_', true},
		{'@', false}, {'[', false}, {'`', false}, {'{', false}, {'/', false}, {':', false}, {'^', false}, {'-', false},
	} {
		t.Run(string(tc.b), func(t *testing.T) {
			t.Parallel()
			status, detail := qList(t, srv, checkout, "PaymentReferenceId"+string(tc.b)+"='R1'")
			require.Equal(t, 400, status)
			want := "expected ="
			if tc.name {
				want = "expected an attribute of CheckoutPmt"
			}
			assert.Equal(t, prefix+want, detail)
		})
	}
}

func TestStructuredErrorsOnlyWhenAccepted(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	for _, tc := range []struct {
		accept     string
		structured bool
	}{
		{"", false},
		{"application/json", false},
		{"*/*", false},
		{"text/plain, application/json", false},
		{"application/vnd.oracle.adf.error+json+x", false},
		{"application/vnd.oracle.adf.error+json", true},
		{"application/json,application/vnd.oracle.adf.error+json", true},
		{"APPLICATION/VND.ORACLE.ADF.ERROR+JSON", true},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			t.Parallel()
			// Wrong credentials: an error without a code or details.
			resp, body := call(t, http.DefaultClient, srv, http.MethodGet, collectionPath(checkout),
				map[string]string{"Accept": tc.accept, "Authorization": "Basic d3Jvbmc6d3Jvbmc="}, "")
			require.Equal(t, 401, resp.StatusCode, body)
			if !tc.structured {
				assert.Equal(t, "text/plain; charset=UTF-8", resp.Header.Get("Content-Type"))
				assert.Equal(t, "Authentication is required: the credentials are missing, wrong or expired.", body)
				return
			}
			assert.Equal(t, oraclepsc.ErrorMediaType, resp.Header.Get("Content-Type"))
			var e map[string]any
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, map[string]any{
				"type":   "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
				"title":  "Unauthorized",
				"status": "401",
				"detail": "Authentication is required: the credentials are missing, wrong or expired.",
			}, e, "no o:errorCode and no o:errorDetails when there are none")
		})
	}
	t.Run("with details", func(t *testing.T) {
		t.Parallel()
		resp, body := call(t, http.DefaultClient, srv, http.MethodPost, collectionPath(checkout),
			map[string]string{"Accept": structured, "Content-Type": "application/json"}, `{"PaymentReferenceId":"R1","Nope":1}`)
		require.Equal(t, 400, resp.StatusCode, body)
		var e map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(body), &e), body)
		assert.JSONEq(t, `[{"detail":"Definition Nope of type Attribute is not found in CheckoutPmt.","o:errorCode":"JBO-25058","o:errorPath":"/Nope"}]`, string(e["o:errorDetails"]))
		assert.NotContains(t, e, "detail", "no message beside the details")
	})
}
