package accela_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values of the wire tests: the partner document's transaction, and
// credentials whose every character can be checked on the wire.
const (
	docTransaction = "322931"
	docRecord      = "TACOMA-03HST-00000-002UD"
	wireAppID      = "app-123"
	wireAppSecret  = "app-secret-xyz"
	wireUser       = "payments@tacoma.example"
	wirePassword   = "user&Pa55=word"
	testToken      = "raw-access-token-0001"
	testRefresh    = "refresh-token-0001"
	testTrace      = "trace-from-header"
	tokenAnswer    = `{"access_token":"` + testToken + `","token_type":"bearer","expires_in":"900","refresh_token":"` + testRefresh + `","scope":"payments records"}`
	apiBase        = accela.DefaultBaseURL
	commitURL      = apiBase + "/v4/payments/" + docTransaction
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func wireConfig() accela.Config {
	return accela.Config{
		AppID: wireAppID, AppSecret: wireAppSecret,
		Agency: "TACOMA", AgencyEnvironment: "PROD",
		UserName: wireUser, Password: wirePassword,
	}
}

// sampleCommit is the partner document's sample request as typed input.
func sampleCommit(t testing.TB) *accela.CommitPaymentRequest {
	t.Helper()
	amount, err := accela.ParseAmount("100.50")
	require.NoError(t, err)
	return &accela.CommitPaymentRequest{
		TransactionID:              docTransaction,
		Amount:                     amount,
		ConvenienceFee:             accela.Amount{}, // the sample's "0"
		PayeePhone:                 "4067615677",
		PaymentMethod:              accela.CreditCard,
		PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
		CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
	}
}

// exchange is one request a mock route received.
type exchange struct {
	req  *http.Request
	body []byte
}

// reply is one answer of a mock route. trace, when set, is sent as
// x-accela-traceid.
type reply struct {
	status int
	body   string
	trace  string
	header http.Header
}

func answer(status int, body string) reply {
	return reply{status: status, body: body, trace: testTrace}
}

// route records what one mock route received and answers its replies in
// turn, the last one repeating.
type route struct {
	mu      sync.Mutex
	got     []exchange
	replies []reply
}

func (r *route) respond(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	r.got = append(r.got, exchange{req: req, body: body})
	rep := r.replies[min(len(r.got), len(r.replies))-1]
	r.mu.Unlock()
	resp := httpmock.NewStringResponse(rep.status, rep.body)
	resp.Header.Set("Content-Type", "application/json")
	if rep.trace != "" {
		resp.Header.Set("X-Accela-Traceid", rep.trace)
	}
	for k, vs := range rep.header {
		resp.Header[k] = vs
	}
	return resp, nil
}

func (r *route) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// at returns the i-th request the route received.
func (r *route) at(t *testing.T, i int) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Greater(t, len(r.got), i, "request %d never arrived", i)
	return r.got[i]
}

// mockAccela is a per-test fake of Accela on an httpmock transport: the
// token endpoint answers tokenAnswer unless told otherwise, and any request
// no route matches is counted as stray.
type mockAccela struct {
	mock  *httpmock.MockTransport
	token *route
	stray *route
}

func newMock(t *testing.T, tokenURL string, tokenReplies ...reply) *mockAccela {
	t.Helper()
	if len(tokenReplies) == 0 {
		tokenReplies = []reply{{status: 200, body: tokenAnswer}}
	}
	m := &mockAccela{
		mock:  httpmock.NewMockTransport(),
		token: &route{replies: tokenReplies},
		stray: &route{replies: []reply{{status: 599, body: `{"code":"stray"}`}}},
	}
	m.mock.RegisterResponder(http.MethodPost, tokenURL, m.token.respond)
	m.mock.RegisterNoResponder(m.stray.respond)
	return m
}

func (m *mockAccela) on(method, u string, replies ...reply) *route {
	r := &route{replies: replies}
	m.mock.RegisterResponder(method, u, r.respond)
	return r
}

func (m *mockAccela) client(t *testing.T, cfg accela.Config, opts ...accela.Option) *accela.Client {
	t.Helper()
	c, err := accela.New(cfg, append([]accela.Option{accela.WithHTTPClient(&http.Client{Transport: m.mock}), fastRetry()}, opts...)...)
	require.NoError(t, err)
	return c
}

// errorOf asserts err is an *accela.Error matching want and returns it.
func errorOf(t *testing.T, err, want error) *accela.Error {
	t.Helper()
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, want, "%v", err)
	n := 0
	for _, s := range []error{accela.ErrOutcomeUnknown, accela.ErrNotApplied, accela.ErrAlreadyApplied} {
		if e.Is(s) {
			n++
		}
	}
	assert.Equal(t, 1, n, "exactly one outcome: %v", err)
	return e
}

func TestWireTokenRequestPasswordGrant(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
	c := m.client(t, wireConfig())
	_, err := c.CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err)

	require.Equal(t, 1, m.token.calls())
	tok := m.token.at(t, 0)
	r := tok.req
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, accela.DefaultTokenURL, r.URL.String(), "credentials never travel in the query")
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(t, wireAppID, r.Header.Get("X-Accela-Appid"))
	assert.Empty(t, r.Header.Get("Authorization"))
	assert.Empty(t, r.Header.Get("X-Accela-Agency"), "the agency travels in the form, not as a header, when asking for a token")
	form, err := url.ParseQuery(string(tok.body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"grant_type":    {"password"},
		"client_id":     {wireAppID},
		"client_secret": {wireAppSecret},
		"username":      {wireUser},
		"password":      {wirePassword},
		"scope":         {accela.DefaultScope},
		"agency_name":   {"TACOMA"},
		"environment":   {"PROD"},
	}, form)
	assert.Contains(t, string(tok.body), "password=user%26Pa55%3Dword", "form-encoded, & and = escaped")
	assert.Zero(t, m.stray.calls())
}

func TestWireTokenRequestRefreshGrant(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL,
		reply{status: 200, body: tokenAnswer},
		reply{status: 200, body: `{"access_token":"raw-access-token-0002","expires_in":"900","refresh_token":"refresh-token-0002"}`})
	list := m.on(http.MethodGet, apiBase+"/v4/records/"+docRecord+"/payments",
		answer(401, `{"status":401,"code":"token_expired","message":"The current token is expired"}`),
		answer(200, `{"result":[],"status":200}`))
	c := m.client(t, wireConfig())
	res, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: docRecord})
	require.NoError(t, err)
	assert.Empty(t, res.Payments)

	require.Equal(t, 2, m.token.calls(), "a password grant, then one refresh_token grant after the 401")
	form, err := url.ParseQuery(string(m.token.at(t, 1).body))
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {wireAppID},
		"client_secret": {wireAppSecret},
		"refresh_token": {testRefresh},
	}, form, "no user name or password in a refresh")
	assert.Equal(t, wireAppID, m.token.at(t, 1).req.Header.Get("X-Accela-Appid"))

	require.Equal(t, 2, list.calls())
	assert.Equal(t, testToken, list.at(t, 0).req.Header.Get("Authorization"))
	assert.Equal(t, "raw-access-token-0002", list.at(t, 1).req.Header.Get("Authorization"), "resent with the new token")
}

func TestWireAPIHeaders(t *testing.T) {
	t.Parallel()
	t.Run("with agency and environment", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
		_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		require.NoError(t, err)
		h := api.at(t, 0).req.Header
		assert.Equal(t, []string{testToken}, h.Values("Authorization"), "the raw token, no Bearer")
		assert.Equal(t, []string{wireAppID}, h.Values("X-Accela-Appid"))
		assert.Equal(t, []string{"TACOMA"}, h.Values("X-Accela-Agency"), "from Config.Agency")
		assert.Equal(t, []string{"PROD"}, h.Values("X-Accela-Environment"), "from Config.AgencyEnvironment")
		assert.Equal(t, "application/json", h.Get("Content-Type"))
		assert.Equal(t, "application/json", h.Get("Accept"))
		assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "datapump/"), h.Get("User-Agent"))
	})
	t.Run("without agency", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
		cfg := wireConfig()
		cfg.Agency, cfg.AgencyEnvironment = "", ""
		_, err := m.client(t, cfg).CommitPayment(context.Background(), sampleCommit(t))
		require.NoError(t, err)
		h := api.at(t, 0).req.Header
		assert.NotContains(t, h, "X-Accela-Agency")
		assert.NotContains(t, h, "X-Accela-Environment")
		assert.Equal(t, testToken, h.Get("Authorization"))
		form, err := url.ParseQuery(string(m.token.at(t, 0).body))
		require.NoError(t, err)
		assert.False(t, form.Has("agency_name"))
		assert.False(t, form.Has("environment"))
	})
	t.Run("agency only", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
		cfg := wireConfig()
		cfg.AgencyEnvironment = ""
		_, err := m.client(t, cfg).CommitPayment(context.Background(), sampleCommit(t))
		require.NoError(t, err)
		h := api.at(t, 0).req.Header
		assert.Equal(t, "TACOMA", h.Get("X-Accela-Agency"))
		assert.NotContains(t, h, "X-Accela-Environment")
	})
}

// decodeExact decodes JSON keeping every number's literal text.
func decodeExact(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	require.NoError(t, dec.Decode(&v))
	return v
}

func TestWireCommitBodyMatchesExpected(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
	_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err)

	ex := api.at(t, 0)
	assert.Equal(t, http.MethodPut, ex.req.Method)
	assert.Equal(t, commitURL, ex.req.URL.String(), "no empty fields= or lang=")
	// The document's sample, amounts as JSON numbers with their exact digits.
	assert.Equal(t, decodeExact(t, fixture(t, "commit-request-expected.json")), decodeExact(t, ex.body))
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ex.body, &raw))
	assert.Equal(t, "100.50", string(raw["amount"]), "a JSON number with exact digits")
	assert.Equal(t, "0.00", string(raw["convenienceFee"]), "money is written with two decimals")
	assert.NotContains(t, raw, "comments", "unset optional fields are left out")
	assert.NotContains(t, raw, "merchantAccountId")
}

func TestWireEveryCommitField(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
	req := sampleCommit(t)
	req.ConvenienceFee = accela.Cents(250)
	req.Comments = "paid online\nthank you"
	req.MerchantAccountID = "MA-7"
	req.CreditCard.BusinessName = "Johnston & Sons"
	req.CreditCard.BillingAddress = &accela.BillingAddress{
		AddressLine1: "747 Market St", AddressLine2: "Suite 1", AddressLine3: "Floor 2",
		City: "Tacoma", CountryCode: "US", PostalCode: "98402", State: "WA",
	}
	_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), req)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"amount": 100.50, "convenienceFee": 2.50, "comments": "paid online\nthank you",
		"merchantAccountId": "MA-7", "payeePhone": "4067615677", "paymentMethod": "Credit Card",
		"paymentSystemTransactionId": "d1f63549-8fd1-4be5-abf8-e624897044be",
		"creditCard": {"cardType": "VISA", "cardNumberLastDigits": "*4219", "holderName": "Jane Johnston",
			"businessName": "Johnston & Sons",
			"billingAddress": {"addressLine1": "747 Market St", "addressLine2": "Suite 1", "addressLine3": "Floor 2",
				"city": "Tacoma", "countryCode": "US", "postalCode": "98402", "state": "WA"}}
	}`, string(api.at(t, 0).body))
	assert.Contains(t, string(api.at(t, 0).body), `"convenienceFee":2.50`)
}

func TestWirePathUnderPrefixedBaseURL(t *testing.T) {
	t.Parallel()
	const base = "https://gateway.example/tacoma/accela/apis"
	const tokenURL = "https://login.example/idp/oauth2/token"
	m := newMock(t, tokenURL)
	ini := m.on(http.MethodPost, base+"/v4/payments/initialize", answer(200, `{"result":[{"transactionId":322931}],"status":200}`))
	commit := m.on(http.MethodPut, base+"/v4/payments/322931", answer(200, string(fixture(t, "commit-response-sample.json"))))
	void := m.on(http.MethodPut, base+"/v4/payments/3166539/void", answer(200, `{"result":{"id":3166539,"isSuccess":true},"status":200}`))
	list := m.on(http.MethodGet, base+"/v4/records/"+docRecord+"/payments", answer(200, `{"result":[],"status":200}`))

	for _, b := range []string{base, base + "/"} {
		cfg := wireConfig()
		cfg.BaseURL, cfg.TokenURL = b, tokenURL
		c := m.client(t, cfg)
		ctx := context.Background()
		res, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{docRecord}})
		require.NoError(t, err, b)
		req := sampleCommit(t)
		req.TransactionID = res.TransactionID
		cres, err := c.CommitPayment(ctx, req)
		require.NoError(t, err, b)
		_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: cres.Payments[0].PaymentID})
		require.NoError(t, err, b)
		_, err = c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: docRecord})
		require.NoError(t, err, b)
	}
	for _, r := range []*route{ini, commit, void, list} {
		assert.Equal(t, 2, r.calls())
	}
	assert.Equal(t, "/tacoma/accela/apis/v4/payments/322931", commit.at(t, 1).req.URL.Path, "a trailing slash on the base URL changes nothing")
	assert.Equal(t, 2, m.token.calls(), "one token per client, from the configured token URL")
	assert.Zero(t, m.stray.calls(), "nothing went to a path without the prefix")
}

func TestWireQueryFieldsAndLang(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	ini := m.on(http.MethodPost, apiBase+"/v4/payments/initialize", answer(200, `{"result":[{"transactionId":322931}],"status":200}`))
	commit := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
	void := m.on(http.MethodPut, apiBase+"/v4/payments/3166539/void", answer(200, `{"result":{"id":"3166539","isSuccess":true},"status":200}`))
	list := m.on(http.MethodGet, apiBase+"/v4/records/"+docRecord+"/payments", answer(200, `{"result":[],"status":200}`))
	c := m.client(t, wireConfig())
	ctx := context.Background()

	_, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{docRecord}, Fields: []string{"result"}, Lang: "en_US"})
	require.NoError(t, err)
	req := sampleCommit(t)
	req.Fields, req.Lang = []string{"result", "status"}, "en_US"
	_, err = c.CommitPayment(ctx, req)
	require.NoError(t, err)
	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: "3166539", Lang: "es_US"})
	require.NoError(t, err)
	_, err = c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: docRecord, PaymentStatus: "Y", Fields: []string{"id", "amount"}, Lang: "en_US"})
	require.NoError(t, err)

	assert.Equal(t, "fields=result&lang=en_US", ini.at(t, 0).req.URL.RawQuery)
	assert.Equal(t, "fields=result%2Cstatus&lang=en_US", commit.at(t, 0).req.URL.RawQuery)
	assert.Equal(t, "lang=es_US", void.at(t, 0).req.URL.RawQuery)
	assert.Equal(t, "fields=id%2Camount&lang=en_US&paymentStatus=Y", list.at(t, 0).req.URL.RawQuery)

	_, err = c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: docRecord})
	require.NoError(t, err)
	assert.Empty(t, list.at(t, 1).req.URL.RawQuery, "no query when nothing is asked")
}

func TestWireSampleResponses(t *testing.T) {
	t.Parallel()
	t.Run("document sample: array", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
		res, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		require.NoError(t, err)
		assert.Equal(t, []accela.CompletePayment{{
			PaymentID: "3166539", PaymentStatus: "Paid", ReceiptID: "198284",
			RecordID: accela.RecordID{ID: docRecord}, CustomID: "BLD2003-01115", ServiceProviderCode: "TACOMA",
		}}, res.Payments)
		assert.False(t, res.ScriptFailed())
		assert.Empty(t, res.Message)
		assert.Empty(t, res.ScriptCode)
		assert.Equal(t, testTrace, res.TraceID, "the header's trace id when the body has none")
	})
	t.Run("specification: one object", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-spec-object.json"))))
		res, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		require.NoError(t, err)
		assert.Equal(t, []accela.CompletePayment{{
			PaymentID: "3166540", PaymentStatus: "PAID", ReceiptID: "198285",
			RecordID: accela.RecordID{ID: "TACOMA-03HST-00000-002UE"}, ServiceProviderCode: "TACOMA",
		}}, res.Payments)
		assert.Equal(t, "Payment committed.", res.Message)
	})
}

func TestWireInitializeVoidAndListResults(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	ini := m.on(http.MethodPost, apiBase+"/v4/payments/initialize", answer(200, `{"result":[{"transactionId":322931}],"status":200}`))
	void := m.on(http.MethodPut, apiBase+"/v4/payments/3166539/void",
		reply{status: 200, body: `{"result":{"id":"3166539","isSuccess":true,"code":"ok","message":"Voided."},"status":200}`, trace: "trace-void"})
	m.on(http.MethodGet, apiBase+"/v4/records/"+docRecord+"/payments", reply{status: 200, trace: "trace-list", body: `{"result":[
		{"id":3166539,"amount":100.50,"amountNotAllocated":0,"cashierId":"ACA","paymentDate":"2024-03-01 10:11:12",
		 "paymentMethod":"Credit Card","paymentStatus":"Paid","receiptId":198284,
		 "recordId":{"id":"TACOMA-03HST-00000-002UD","customId":"BLD2003-01115","serviceProviderCode":"TACOMA","trackingId":1234,"value":"BLD2003-01115"},
		 "transactionCode":"","transactionId":322931},
		{"id":"3166540","amount":"7","recordId":"TACOMA-03HST-00000-002UD","transactionId":"322932"}],"status":200}`})
	c := m.client(t, wireConfig())
	ctx := context.Background()

	res, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{
		EntityIDs: []string{docRecord, "TACOMA-03HST-00000-002UE"}, PaymentMethod: accela.CreditCard, MerchantAccountID: "MA-7",
	})
	require.NoError(t, err)
	assert.Equal(t, accela.InitializePaymentResult{TransactionID: "322931", TraceID: testTrace}, *res)
	assert.JSONEq(t, `{"entityIds":["TACOMA-03HST-00000-002UD","TACOMA-03HST-00000-002UE"],"entityType":"record","merchantAccountId":"MA-7","paymentMethod":"Credit Card"}`,
		string(ini.at(t, 0).body))

	_, err = c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{docRecord}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"entityIds":["TACOMA-03HST-00000-002UD"],"entityType":"record"}`, string(ini.at(t, 1).body), "optional fields left out")

	v, err := c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: "3166539", Comments: "duplicate", Reason: &accela.VoidReason{Value: "DUP", Text: "Duplicate"}})
	require.NoError(t, err)
	assert.Equal(t, accela.VoidPaymentResult{PaymentID: "3166539", Code: "ok", Message: "Voided.", TraceID: "trace-void"}, *v)
	assert.JSONEq(t, `{"comments":"duplicate","reason":{"text":"Duplicate","value":"DUP"}}`, string(void.at(t, 0).body))
	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: "3166539"})
	require.NoError(t, err)
	assert.Equal(t, "{}", string(void.at(t, 1).body))

	l, err := c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: docRecord})
	require.NoError(t, err)
	assert.Equal(t, "trace-list", l.TraceID)
	require.Len(t, l.Payments, 2)
	assert.Equal(t, accela.Payment{
		ID: "3166539", Amount: accela.Cents(10050), CashierID: "ACA", PaymentDate: "2024-03-01 10:11:12",
		PaymentMethod: "Credit Card", PaymentStatus: "Paid", ReceiptID: "198284",
		RecordID:      accela.RecordID{ID: docRecord, CustomID: "BLD2003-01115", ServiceProviderCode: "TACOMA", TrackingID: "1234", Value: "BLD2003-01115"},
		TransactionID: "322931",
	}, l.Payments[0])
	assert.Equal(t, accela.Payment{ID: "3166540", Amount: accela.Cents(700), RecordID: accela.RecordID{ID: docRecord}, TransactionID: "322932"}, l.Payments[1],
		"ids as strings, the amount as a string, the record as a string")
	assert.Equal(t, []accela.Payment{l.Payments[0]}, l.FindTransaction(res.TransactionID), "the id InitializePayment returned finds its payment")
	assert.Equal(t, []accela.Payment{l.Payments[1]}, l.FindTransaction("322932"))
	assert.Nil(t, l.FindTransaction("3229"), "ids match exactly")
	assert.Equal(t, 1, m.token.calls(), "one token for every call")
}

func TestWireErrorBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		body    string
		trace   string // the x-accela-traceid header
		want    error
		code    string
		message string
		traceID string
	}{
		{"Accela shape, header trace id wins", 403, `{"status":403,"code":"forbidden","message":"You are not authorized to access the resource.","more":null,"traceId":"130527090003731-9b30f89c"}`,
			testTrace, accela.ErrNotApplied, "forbidden", "You are not authorized to access the resource.", testTrace},
		{"Accela shape, body trace id", 404, `{"status":404,"code":"resource_not_found","message":"transaction not found","traceId":"130527090003731-9b30f89c"}`,
			"", accela.ErrNotApplied, "resource_not_found", "transaction not found", "130527090003731-9b30f89c"},
		{"more as a string", 400, `{"status":400,"code":"data_validation_error","message":"bad amount","more":"amount must be positive"}`,
			testTrace, accela.ErrNotApplied, "data_validation_error", "bad amount (amount must be positive)", testTrace},
		{"more as an object", 400, `{"status":400,"code":"data_validation_error","message":"bad amount","more":{"field":"amount","limits":[0,1]}}`,
			testTrace, accela.ErrNotApplied, "data_validation_error", `bad amount ({"field":"amount","limits":[0,1]})`, testTrace},
		{"more object is not HTML-escaped", 400, `{"code":"bad_request","message":"m","more":{"a":"<b> \u0026 c"}}`,
			testTrace, accela.ErrNotApplied, "bad_request", `m ({"a":"<b> & c"})`, testTrace},
		{"more only", 400, `{"code":"bad_request","more":"only detail"}`,
			testTrace, accela.ErrNotApplied, "bad_request", "(only detail)", testTrace},
		{"OAuth shape", 400, `{"error":"invalid_request","error_description":"The request is malformed"}`,
			testTrace, accela.ErrNotApplied, "invalid_request", "The request is malformed", testTrace},
		{"5xx in Accela's shape", 500, `{"status":500,"code":"internal_server_error","message":"EMSE operation failed."}`,
			testTrace, accela.ErrOutcomeUnknown, "internal_server_error", "EMSE operation failed.", testTrace},
		{"not JSON", 502, `<html>bad gateway</html>`, "", accela.ErrOutcomeUnknown, "", "Bad Gateway", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, accela.DefaultTokenURL)
			api := m.on(http.MethodPut, commitURL, reply{status: tc.status, body: tc.body, trace: tc.trace},
				answer(200, string(fixture(t, "commit-response-sample.json"))))
			_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
			e := errorOf(t, err, tc.want)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.message, e.Message)
			assert.Equal(t, tc.traceID, e.TraceID)
			assert.Equal(t, "CommitPayment", e.Op)
			assert.Equal(t, http.MethodPut, e.Method)
			assert.Equal(t, commitURL, e.URL)
			assert.Equal(t, 1, api.calls(), "a commit is not resent")
			assert.Equal(t, 1, e.Attempts)
			if tc.want == accela.ErrNotApplied {
				assert.False(t, e.Temporary, "a 4xx needs a fix first")
			} else {
				assert.Contains(t, e.Reconcile, "ListRecordPayments")
				assert.Contains(t, e.Reconcile, docTransaction)
			}
			if tc.traceID != "" {
				assert.Contains(t, err.Error(), "(trace id "+tc.traceID+")")
			}
		})
	}
}

func TestWireTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		status    int
		body      string
		code, msg string
		temporary bool
		calls     int
	}{
		{"invalid grant", 400, `{"error":"invalid_grant","error_description":"Invalid username or password"}`, "invalid_grant", "Invalid username or password", false, 1},
		{"invalid client", 401, `{"error":"invalid_client","error_description":"client_id or client_secret is wrong"}`, "invalid_client", "client_id or client_secret is wrong", false, 1},
		{"Accela shape", 403, `{"status":403,"code":"forbidden","message":"app not allowed"}`, "forbidden", "app not allowed", false, 1},
		{"server error, retried", 503, `{"error":"server_error","error_description":"down"}`, "server_error", "down", true, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, accela.DefaultTokenURL, reply{status: tc.status, body: tc.body})
			api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
			_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
			e := errorOf(t, err, accela.ErrNotApplied)
			assert.Equal(t, "CommitPayment", e.Op, "the caller's operation")
			assert.Equal(t, "Token", e.Step, "the token request is the step that failed")
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.msg, e.Message)
			assert.Equal(t, tc.temporary, e.Temporary)
			assert.Equal(t, tc.calls, m.token.calls())
			assert.Equal(t, tc.calls, e.Attempts)
			assert.Zero(t, api.calls(), "no commit without a token")
			for _, s := range []string{wirePassword, url.QueryEscape(wirePassword), wireAppSecret} {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestWireTokenAnswerWithoutAccessToken(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"token_type":"bearer","refresh_token":"refresh-only-123"}`, `{}`, `null`, `{"access_token":""}`} {
		m := newMock(t, accela.DefaultTokenURL, reply{status: 200, body: body})
		api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
		_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.Equal(t, "Token", e.Step, body)
		assert.Equal(t, "Accela answered without an access_token", e.Message, body)
		assert.Zero(t, api.calls(), body)
		assert.NotContains(t, err.Error(), "refresh-only-123")
	}
}

func TestWireExpiresInAsNumberOrString(t *testing.T) {
	t.Parallel()
	for _, expires := range []string{`"900"`, `900`, `""`, `null`, `"soon"`, `-5`, `1.5`} {
		m := newMock(t, accela.DefaultTokenURL, reply{status: 200, body: `{"access_token":"tok-1","expires_in":` + expires + `,"refresh_token":"r-1"}`})
		list := m.on(http.MethodGet, apiBase+"/v4/records/R-1/payments", answer(200, `{"result":[],"status":200}`))
		c := m.client(t, wireConfig())
		for range 2 {
			_, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "R-1"})
			require.NoError(t, err, expires)
		}
		assert.Equal(t, 1, m.token.calls(), "%s: the token is kept (an odd expires_in means the default lifetime)", expires)
		assert.Equal(t, "tok-1", list.at(t, 1).req.Header.Get("Authorization"))
	}
}

// A secret Accela echoes in its error body is masked whole, whatever the
// shape of "more" and wherever the message is clipped.
func TestWireErrorDetailMaskedNeverCut(t *testing.T) {
	t.Parallel()
	const card = "4111 1111 1111 1111"
	bodies := map[string]string{
		"more as an object, JSON-escaped": `{"code":"data_validation_error","message":"rejected","more":{"note":"card 4111\u00201111\u00201111\u00201111 with password user\u0026Pa55\u003dword"}}`,
		"more as a string, JSON-escaped":  `{"code":"data_validation_error","message":"rejected","more":"card 4111\u00201111\u00201111\u00201111 with password user\u0026Pa55\u003dword"}`,
		"message":                         `{"code":"data_validation_error","message":"card 4111-1111-1111-1111 with password user\u0026Pa55=word"}`,
		"OAuth description":               `{"error":"invalid_request","error_description":"card 4111111111111111 with password user&Pa55=word"}`,
	}
	// Long details put the secrets on either side of the point where the
	// message is clipped.
	for pad := 960; pad <= 1010; pad += 5 {
		bodies["long, padded "+strings.Repeat("x", pad/100)] = `{"code":"bad_request","message":"m","more":{"note":"` + strings.Repeat("x", pad) + ` ` + card + ` user&Pa55=word ` + card + `"}}`
	}
	for name, body := range bodies {
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodPut, commitURL, answer(400, body))
		_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		e := errorOf(t, err, accela.ErrNotApplied)
		text := err.Error() + " " + e.Message
		assert.NotContains(t, text, "4111", name)
		assert.NotContains(t, text, "1111 1111", name)
		assert.NotContains(t, text, "user&Pa", name)
		assert.NotContains(t, text, "Pa55", name)
		assert.LessOrEqual(t, len(e.Message), 1000+len("…"), name)
		if !strings.HasPrefix(name, "long") {
			assert.Equal(t, 2, strings.Count(e.Message, "REDACTED"), "%s: %s", name, e.Message)
		}
	}
}

// A password holding a quote or a backslash, echoed in an object "more",
// comes back JSON-escaped from the re-encoding.
func TestWireErrorDetailMasksEscapedPassword(t *testing.T) {
	t.Parallel()
	const password = `Pa"ss\wd-91`
	m := newMock(t, accela.DefaultTokenURL)
	m.on(http.MethodPut, commitURL, answer(400, `{"code":"bad_request","message":"m","more":{"echo":"Pa\"ss\\wd-91"}}`))
	cfg := wireConfig()
	cfg.Password = password
	_, err := m.client(t, cfg).CommitPayment(context.Background(), sampleCommit(t))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), `ss\\wd-91`)
	assert.NotContains(t, err.Error(), "wd-91")
}

// Numbers in an object "more" (ids, an echoed card number) keep their
// digits, so a 19-digit card number is masked like any other.
func TestWireErrorDetailKeepsNumbers(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	m.on(http.MethodPut, commitURL, answer(400, `{"code":"bad_request","message":"m","more":{"pan":6221260000000000001,"ref":12345678901234567890123}}`))
	_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
	e := errorOf(t, err, accela.ErrNotApplied)
	assert.NotContains(t, e.Message, "622126", "the card number is masked")
	assert.Contains(t, e.Message, `"ref":12345678901234567890123`, "the reference keeps its digits")
}

func TestWireAlreadyApplied(t *testing.T) {
	t.Parallel()
	t.Run("second commit", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, commitURL, answer(400, `{"status":400,"code":"data_validation_error","message":"transaction is already committed","traceId":"t-1"}`))
		res, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		assert.Nil(t, res)
		e := errorOf(t, err, accela.ErrAlreadyApplied)
		assert.NotErrorIs(t, err, accela.ErrNotApplied)
		assert.NotErrorIs(t, err, accela.ErrTemporary)
		assert.Equal(t, 400, e.StatusCode)
		assert.Contains(t, e.Reconcile, "ListRecordPayments")
		assert.Contains(t, e.Reconcile, docTransaction)
		assert.Contains(t, err.Error(), "already applied: do not resend")
		assert.Equal(t, 1, api.calls())
	})
	t.Run("second void", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, apiBase+"/v4/payments/3166539/void", answer(400, `{"status":400,"code":"data_validation_error","message":"payment is already voided"}`))
		_, err := m.client(t, wireConfig()).VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "3166539"})
		e := errorOf(t, err, accela.ErrAlreadyApplied)
		assert.Contains(t, e.Reconcile, "ListRecordPayments")
		assert.Equal(t, 1, api.calls())
	})
	t.Run("inside a 200", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodPut, commitURL, answer(200, `{"status":400,"code":"bad_request","message":"Transaction is ALREADY committed."}`))
		_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		e := errorOf(t, err, accela.ErrAlreadyApplied)
		assert.Equal(t, 200, e.StatusCode)
		assert.Equal(t, "bad_request", e.Code)
		assert.Contains(t, e.Message, "status 400 in the response body")
		assert.Contains(t, e.Reconcile, "ListRecordPayments")
	})
	t.Run("not from a 5xx or another code", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			status int
			body   string
			want   error
		}{
			{500, `{"status":500,"code":"data_validation_error","message":"transaction is already committed"}`, accela.ErrOutcomeUnknown},
			{403, `{"status":403,"code":"forbidden","message":"transaction is already committed"}`, accela.ErrNotApplied},
			{400, `{"status":400,"code":"data_validation_error","message":"transaction is not committed"}`, accela.ErrNotApplied},
		} {
			m := newMock(t, accela.DefaultTokenURL)
			m.on(http.MethodPut, commitURL, answer(tc.status, tc.body))
			_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
			errorOf(t, err, tc.want)
		}
	})
}

func TestWireBodyStatusInside200(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, trace string
		want              error
	}{
		{"4xx", `{"status":400,"code":"bad_request","message":"no","traceId":"t-400"}`, "t-400", accela.ErrNotApplied},
		{"404", `{"status":404,"code":"resource_not_found","message":"no such transaction"}`, "", accela.ErrNotApplied},
		{"5xx", `{"status":500,"code":"connection_failure","message":"db","traceId":"t-500"}`, "t-500", accela.ErrOutcomeUnknown},
		{"5xx with emse_error", `{"status":500,"code":"emse_error","message":"EMSE operation failed."}`, "", accela.ErrOutcomeUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, accela.DefaultTokenURL)
			api := m.on(http.MethodPut, commitURL, reply{status: 200, body: tc.body})
			res, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
			e := errorOf(t, err, tc.want)
			assert.Equal(t, 200, e.StatusCode)
			assert.Contains(t, e.Message, "in the response body")
			assert.NotEmpty(t, e.Code)
			assert.Equal(t, tc.trace, e.TraceID, "the body's trace id when no header carries one")
			if tc.want == accela.ErrOutcomeUnknown {
				assert.Contains(t, e.Reconcile, docTransaction)
			} else {
				assert.False(t, e.Temporary)
			}
			require.NotNil(t, res, "the decoded answer is still handed back")
			assert.Equal(t, 1, api.calls())
		})
	}
	t.Run("void", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodPut, apiBase+"/v4/payments/1/void", answer(200, `{"status":400,"result":{"id":"1","code":"closed","message":"in a closed batch"}}`))
		res, err := m.client(t, wireConfig()).VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "1"})
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.Equal(t, "closed", e.Code)
		assert.Equal(t, "in a closed batch (status 400 in the response body)", e.Message)
		require.NotNil(t, res)
		assert.Equal(t, accela.ID("1"), res.PaymentID)
	})
}

func TestWireScriptFailedIsApplied(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	m.on(http.MethodPut, commitURL, answer(200, `{"status":200,"code":"emse_error","message":"EMSE operation failed.","traceId":"t-emse",
		"result":{"completePayments":[{"paymentId":3166539,"paymentStatus":"Paid","recordId":"TACOMA-03HST-00000-002UD"}]}}`))
	m.on(http.MethodPut, apiBase+"/v4/payments/322932", answer(200, `{"status":200,"code":"emse_error","message":"after-script failed"}`))
	c := m.client(t, wireConfig())
	res, err := c.CommitPayment(context.Background(), sampleCommit(t))
	require.NoError(t, err, "the payment stands")
	assert.True(t, res.ScriptFailed())
	assert.Equal(t, "emse_error", res.ScriptCode)
	assert.Equal(t, "EMSE operation failed.", res.ScriptMessage)
	assert.Equal(t, "t-emse", res.TraceID, "the body's trace id")
	require.Len(t, res.Payments, 1)
	assert.Equal(t, accela.ID("3166539"), res.Payments[0].PaymentID)

	req := sampleCommit(t)
	req.TransactionID = "322932"
	res, err = c.CommitPayment(context.Background(), req)
	require.NoError(t, err, "emse_error confirms the commit even without completePayments")
	assert.True(t, res.ScriptFailed())
	assert.Empty(t, res.Payments)
	assert.Equal(t, testTrace, res.TraceID)
}

func TestWireVoidNotSuccessful(t *testing.T) {
	t.Parallel()
	for body, msg := range map[string]string{
		`{"result":{"id":"1","isSuccess":false,"code":"payment_closed","message":"Payment is in a closed batch"},"status":200}`: "[payment_closed] Payment is in a closed batch",
		`{"result":{"id":"1","isSuccess":false},"status":200}`:                                                                  "Accela answered isSuccess:false: the payment was not voided",
	} {
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, apiBase+"/v4/payments/1/void", answer(200, body))
		res, err := m.client(t, wireConfig()).VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "1"})
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.False(t, e.Temporary)
		assert.Contains(t, err.Error(), msg)
		require.NotNil(t, res, "the result is handed back")
		assert.Equal(t, accela.ID("1"), res.PaymentID)
		assert.Equal(t, 1, api.calls())
	}
}

// Every 2xx that does not show what Accela recorded is an unknown outcome.
func TestWireNonConfirming2xx(t *testing.T) {
	t.Parallel()
	common := []reply{
		{status: 204}, {status: 200}, {status: 200, body: "null"}, {status: 200, body: "{}"},
		{status: 200, body: `{"status":200}`}, {status: 201, body: `{"status":201,"result":null}`},
		{status: 200, body: "<html>ok</html>"}, {status: 200, body: `{"result":`},
	}
	ops := []struct {
		name     string
		path     string
		specific []string
		call     func(*accela.Client) error
		calls    int    // requests made: a RepeatableWrite is retried
		settle   string // what Reconcile names
	}{
		{"InitializePayment", "/v4/payments/initialize",
			[]string{`{"result":[],"status":200}`, `{"result":[{}],"status":200}`, `{"result":[{"transactionId":null}]}`, `{"result":[{"transactionId":""}]}`, `{"result":{"transactionId":1}}`},
			func(c *accela.Client) error {
				_, err := c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{docRecord}})
				return err
			}, 3, "initialize again"},
		{"CommitPayment", "/v4/payments/" + docTransaction,
			[]string{`{"result":{"completePayments":[]},"status":200}`, `{"result":{"completePayments":null}}`, `{"result":{"message":"ok"}}`,
				`{"result":{"completePayments":[{"paymentStatus":"Paid"}]}}`, `{"result":{"completePayments":{"paymentStatus":"Paid","receiptId":1}}}`,
				`{"result":{"completePayments":[{"paymentId":1},{"paymentId":null}]}}`},
			func(c *accela.Client) error {
				_, err := c.CommitPayment(context.Background(), &accela.CommitPaymentRequest{TransactionID: docTransaction, Amount: accela.Cents(100), PaymentMethod: accela.Check, PaymentSystemTransactionID: "p-1"})
				return err
			}, 1, "transactionId " + docTransaction},
		{"VoidPayment", "/v4/payments/3166539/void",
			[]string{`{"result":{"id":"3166539"},"status":200}`, `{"result":{"id":"3166539","isSuccess":null}}`, `{"result":{}}`},
			func(c *accela.Client) error {
				_, err := c.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "3166539"})
				return err
			}, 1, "ListRecordPayments"},
	}
	for _, op := range ops {
		replies := append([]reply(nil), common...)
		for _, b := range op.specific {
			replies = append(replies, reply{status: 200, body: b})
		}
		for _, rep := range replies {
			t.Run(op.name+"/"+http.StatusText(rep.status)+" "+rep.body, func(t *testing.T) {
				t.Parallel()
				m := newMock(t, accela.DefaultTokenURL)
				method := http.MethodPut
				if op.name == "InitializePayment" {
					method = http.MethodPost
				}
				api := m.on(method, apiBase+op.path, rep)
				err := op.call(m.client(t, wireConfig()))
				e := errorOf(t, err, accela.ErrOutcomeUnknown)
				assert.Equal(t, op.name, e.Op)
				assert.Equal(t, rep.status, e.StatusCode)
				assert.Contains(t, e.Reconcile, op.settle)
				assert.Equal(t, op.calls, api.calls(), "requests sent")
				assert.Equal(t, op.calls, e.Attempts)
			})
		}
	}
}

// ListRecordPayments is how a caller settles an unknown commit: an answer
// that does not list the record's payments must not read as "none".
func TestWireListWithoutResultIsAnError(t *testing.T) {
	t.Parallel()
	for _, rep := range []reply{
		{status: 200}, {status: 204}, {status: 200, body: "null"}, {status: 200, body: "{}"},
		{status: 200, body: `{"status":500,"code":"internal_server_error","message":"db down"}`},
		{status: 200, body: `{"status":404,"code":"resource_not_found","message":"record not found"}`},
	} {
		m := newMock(t, accela.DefaultTokenURL)
		m.on(http.MethodGet, apiBase+"/v4/records/"+docRecord+"/payments", rep)
		res, err := m.client(t, wireConfig()).ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: docRecord})
		assert.Error(t, err, "%d %q answered %+v", rep.status, rep.body, res)
	}
	m := newMock(t, accela.DefaultTokenURL)
	m.on(http.MethodGet, apiBase+"/v4/records/"+docRecord+"/payments", answer(200, `{"result":[],"status":200}`))
	res, err := m.client(t, wireConfig()).ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: docRecord})
	require.NoError(t, err, "an empty result is a definite answer")
	assert.Empty(t, res.Payments)
}

func TestWirePathValuesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	bad := []string{"a/b", "/", `a\b`, `\`, "a%2Fb", "a%2fb", "%2F", "a%5Cb", ".", "..", "", "a\nb"}
	m := newMock(t, accela.DefaultTokenURL)
	c := m.client(t, wireConfig())
	ctx := context.Background()
	for _, v := range bad {
		calls := map[string]func() error{
			"TransactionID": func() error {
				req := sampleCommit(t)
				req.TransactionID = accela.ID(v)
				_, err := c.CommitPayment(ctx, req)
				return err
			},
			"PaymentID": func() error {
				_, err := c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: accela.ID(v)})
				return err
			},
			"RecordID": func() error {
				_, err := c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: v})
				return err
			},
		}
		for field, call := range calls {
			err := call()
			e := errorOf(t, err, accela.ErrNotApplied)
			require.Len(t, e.Fields, 1, "%s %q", field, v)
			assert.Equal(t, field, e.Fields[0].Field, "%q", v)
			assert.False(t, e.Temporary)
			assert.Empty(t, e.Method, "nothing was sent")
			assert.Contains(t, err.Error(), "not applied: nothing was sent")
		}
	}
	assert.Zero(t, m.mock.GetTotalCallCount(), "nothing reached the mock, not even a token request")
	assert.Zero(t, m.token.calls()+m.stray.calls())

	// Characters that are merely unusual are escaped as one segment.
	api := m.on(http.MethodPut, `=~^`+apiBase+`/v4/payments/`, answer(200, string(fixture(t, "commit-response-sample.json"))))
	req := sampleCommit(t)
	req.TransactionID = "a b?c#d%e"
	_, err := c.CommitPayment(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, "/v4/payments/a%20b%3Fc%23d%25e", api.at(t, 0).req.URL.EscapedPath())
	assert.Empty(t, api.at(t, 0).req.URL.RawQuery)
}

// The caller's own client follows redirects by Go's default policy; the SDK
// still never sends the form with the password and app secret, nor a
// payment, to another host.
func TestWireRedirectsNeverCarryCredentials(t *testing.T) {
	t.Parallel()
	t.Run("token endpoint", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{301, 302, 307, 308} {
			m := newMock(t, accela.DefaultTokenURL, reply{status: status, header: http.Header{"Location": {"https://evil.example/steal?x=1"}}})
			evil := m.on(http.MethodPost, "https://evil.example/steal", reply{status: 200, body: tokenAnswer})
			evilGet := m.on(http.MethodGet, "https://evil.example/steal", reply{status: 200, body: tokenAnswer})
			api := m.on(http.MethodPut, commitURL, answer(200, string(fixture(t, "commit-response-sample.json"))))
			hc := &http.Client{Transport: m.mock} // CheckRedirect nil: Go's default policy
			c, err := accela.New(wireConfig(), accela.WithHTTPClient(hc), fastRetry())
			require.NoError(t, err)
			_, err = c.CommitPayment(context.Background(), sampleCommit(t))
			e := errorOf(t, err, accela.ErrNotApplied)
			assert.Equal(t, "Token", e.Step)
			assert.Equal(t, status, e.StatusCode)
			assert.False(t, e.Temporary, "a redirect is not retried")
			assert.Contains(t, e.Message, "redirect refused (to https://evil.example/steal?x=REDACTED)")
			assert.Zero(t, evil.calls()+evilGet.calls(), "%d: the credentials never reached the other host", status)
			assert.Equal(t, 1, m.token.calls())
			assert.Zero(t, api.calls())
		}
	})
	t.Run("commit", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, accela.DefaultTokenURL)
		api := m.on(http.MethodPut, commitURL, reply{status: 307, header: http.Header{"Location": {"https://evil.example/pay"}}})
		evil := m.on(http.MethodPut, "https://evil.example/pay", answer(200, string(fixture(t, "commit-response-sample.json"))))
		_, err := m.client(t, wireConfig()).CommitPayment(context.Background(), sampleCommit(t))
		e := errorOf(t, err, accela.ErrOutcomeUnknown)
		assert.Contains(t, e.Message, "redirect refused")
		assert.Zero(t, evil.calls(), "the payment and the token never reached the other host")
		assert.Equal(t, 1, api.calls())
	})
}

func TestWireTimeoutOnCommitIsUnknown(t *testing.T) {
	t.Parallel()
	m := newMock(t, accela.DefaultTokenURL)
	slow := &route{replies: []reply{answer(200, string(fixture(t, "commit-response-sample.json")))}}
	m.mock.RegisterResponder(http.MethodPut, commitURL, func(r *http.Request) (*http.Response, error) {
		select {
		case <-r.Context().Done():
			return nil, r.Context().Err()
		case <-time.After(2 * time.Second):
		}
		return slow.respond(r)
	})
	_, err := m.client(t, wireConfig(), accela.WithTimeout(50*time.Millisecond)).CommitPayment(context.Background(), sampleCommit(t))
	e := errorOf(t, err, accela.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, e.Attempts, "a commit that may have arrived is not resent")
	assert.Contains(t, e.Reconcile, docTransaction)
}
