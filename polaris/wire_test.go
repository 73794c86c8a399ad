package polaris_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values of the wire tests: a Polaris under a path prefix, and the partner
// document's sample values.
const (
	docBase     = "https://library.example.org/Polaris.ApplicationServices"
	docAPI      = docBase + "/api/v1/eng/20/polaris/3/7"
	docLogin    = docBase + "/api/v1/eng/20/authentication/staffuser"
	docFines    = docAPI + "/patrons/1234/accounttransactions/finesfees"
	docWorkflow = "13b828d6-0f23-4db2-b063-1af0b6043e9a"
	docPassword = "staff-Pa55word!"
	docToken    = "tok-9f8e7d6c5b4a39281706"
	docSecret   = "sec-0a1b2c3d4e5f60718293"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

// compact returns a JSON fixture as the SDK writes it: compact, with <, >
// and & escaped as encoding/json escapes them (\u003c: the same string
// to any JSON parser).
func compact(t testing.TB, b []byte) string {
	t.Helper()
	var c, out bytes.Buffer
	require.NoError(t, json.Compact(&c, b))
	json.HTMLEscape(&out, c.Bytes())
	return out.String()
}

func docConfig() polaris.Config {
	return polaris.Config{
		BaseURL: docBase, OrganizationID: 3, WorkstationID: 7,
		StaffDomain: "LIBRARY", StaffUserName: "leapstaff", StaffPassword: docPassword,
	}
}

// loginAnswer is a staff login answer expiring at exp (zone-less).
func loginAnswer(exp string) string {
	return `{"AccessToken":"` + docToken + `","AccessSecret":"` + docSecret + `",` +
		`"PolarisUser":{"PolarisUserID":42,"OrganizationID":3,"BranchID":3,"Name":"leapstaff","Enabled":true},` +
		`"AuthExpDate":"` + exp + `","SiteDomain":"polaris"}`
}

// mockWire records what the mock Polaris received.
type mockWire struct {
	mock *httpmock.MockTransport

	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
}

// last returns the last request to a URL starting with prefix.
func (w *mockWire) last(prefix string) (*http.Request, []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.reqs) - 1; i >= 0; i-- {
		if strings.HasPrefix(w.reqs[i].URL.String(), prefix) {
			return w.reqs[i], w.bodies[i]
		}
	}
	return nil, nil
}

// count returns how many requests went to a URL starting with prefix.
func (w *mockWire) count(prefix string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, r := range w.reqs {
		if strings.HasPrefix(r.URL.String(), prefix) {
			n++
		}
	}
	return n
}

// respond returns a responder that records the request and answers
// status and body as JSON.
func (w *mockWire) respond(status int, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		w.mu.Lock()
		w.reqs, w.bodies = append(w.reqs, r), append(w.bodies, b)
		w.mu.Unlock()
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	}
}

// mockPolaris answers the login like Polaris (a token valid until 2099)
// and method+url with status and body. Each test has its own transport,
// so tests run in parallel.
func mockPolaris(t *testing.T, method, url string, status int, body string) (*polaris.Client, *mockWire) {
	t.Helper()
	return mockPolarisConfig(t, docConfig(), method, url, status, body)
}

func mockPolarisConfig(t *testing.T, cfg polaris.Config, method, url string, status int, body string) (*polaris.Client, *mockWire) {
	t.Helper()
	w := &mockWire{mock: httpmock.NewMockTransport()}
	w.mock.RegisterResponder(http.MethodPost, `=~^`+docBase+`/api/[^/]+/[^/]+/[^/]+/authentication/staffuser\z`, w.respond(200, loginAnswer("2099-05-29T17:11:59.33")))
	if url != "" {
		w.mock.RegisterResponder(method, url, w.respond(status, body))
	}
	c, err := polaris.New(cfg, polaris.WithHTTPClient(&http.Client{Transport: w.mock}),
		polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	require.NoError(t, err)
	return c, w
}

// docPay is the partner document's pay sample as a request.
func docPay() *polaris.PayFinesAndFeesRequest {
	return &polaris.PayFinesAndFeesRequest{
		PatronID:      1234,
		TxnAmount:     polaris.Cents(1215),
		FreeTextNote:  "Paying by credit card from LEAP",
		PaymentMethod: polaris.CreditCard,
		MainTxnIDs:    []polaris.TxnID{123, 124},
		CreditCardPaymentData: polaris.CreditCardPaymentData{
			TrackID: 1234, GUID: "xxxx-xxx-xxx-xxx-xxx", TxnAmount: polaris.Cents(1215),
			Error: "Ok", TxnStatus: "Finished", TroutID: "TROUTD", CCDigits: "XXXX", CCType: "????",
			Response: "<Response><Status>Success</Status><TroutID>TROUTD</TroutID><Error>OK</Error><CCDigits>XXXX</CCDigits><CCType>????</CCType></Response>",
		},
		Reload: true,
	}
}

// docAnswer is the partner document's workflow sample as an answer.
func docAnswer() *polaris.WorkflowAnswer {
	return &polaris.WorkflowAnswer{
		WorkflowRequestGUID: docWorkflow, WorkflowRequestType: 2, WorkflowStatus: polaris.InputRequired,
		WorkflowPromptID: 92, WorkflowPromptResult: polaris.PromptContinue,
		ReplyExtension: polaris.ReplyExtension{
			WorkflowReplyExtensionType: 3,
			Data: polaris.ReplyData{
				ProcChargeTxnCodeID: polaris.Payment, ProcTransAmount: polaris.Cents(100),
				OVDChargeTxnCodeID: polaris.Payment, OVDTransAmount: polaris.Cents(70),
				PayMethod: polaris.CreditCard,
				CreditCardPaymentData: polaris.CreditCardPaymentData{
					TrackID: 1234, GUID: "xxxx-xxx-xxx-xxx-xxx", TxnAmount: polaris.Cents(100),
					Error: "Ok", TxnStatus: "Finished", TroutID: "TROUTD", CCDigits: "XXXX", CCType: "????",
					Response: "<Response><Status>Success</Status><TroutID>TROUTD</TroutID><Error>OK</Error><CCDigits>XXXX</CCDigits><CCType>????</CCType></Response>",
				},
			},
		},
	}
}

func TestWirePayMatchesPartnerDocument(t *testing.T) {
	t.Parallel()
	c, w := mockPolaris(t, http.MethodPut, docFines, 200, string(fixture(t, "pay-response-sample.json")))
	res, err := c.PayFinesAndFees(context.Background(), docPay())
	require.NoError(t, err)
	assert.Equal(t, []polaris.TxnID{1, 2}, res.TxnIDs)
	assert.Len(t, res.FinesAndFees, 3)

	// The login: POST under the prefix, Basic "DOMAIN\user:password", no body.
	login, loginBody := w.last(docLogin)
	require.NotNil(t, login)
	assert.Equal(t, http.MethodPost, login.Method)
	assert.Equal(t, docLogin, login.URL.String())
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(`LIBRARY\leapstaff:`+docPassword)), login.Header.Get("Authorization"))
	assert.Empty(t, loginBody)
	assert.Empty(t, login.Header.Get("Content-Type"))

	// The pay: PUT under the prefix, every query flag, PAS authorization.
	r, body := w.last(docFines)
	require.NotNil(t, r)
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/Polaris.ApplicationServices/api/v1/eng/20/polaris/3/7/patrons/1234/accounttransactions/finesfees", r.URL.Path)
	assert.Equal(t, "action=pay&circ=false&overpayment=false&reload=true", r.URL.RawQuery)
	assert.Equal(t, "PAS polaris:"+docToken+":"+docSecret, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "datapump/"), r.Header.Get("User-Agent"))

	// The body: the document's sample, key for key and in its order
	// (with the card amount the table requires; see testdata/README.md).
	assert.Equal(t, compact(t, fixture(t, "pay-request-expected.json")), string(body))
}

func TestWireSampleKeysAreKept(t *testing.T) {
	t.Parallel()
	// Every key of the document's sample is sent with its spelling: only
	// txnAmount is added, and only the card amount's null becomes a value.
	var sample, expected map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "pay-request-sample.json"), &sample))
	require.NoError(t, json.Unmarshal(fixture(t, "pay-request-expected.json"), &expected))
	sampleCard := sample["CreditCardPaymentData"].(map[string]any)
	expectedCard := expected["CreditCardPaymentData"].(map[string]any)
	delete(expected, "CreditCardPaymentData")
	delete(sample, "CreditCardPaymentData")
	assert.Equal(t, sample, expected)
	assert.Equal(t, 12.15, expectedCard["txnAmount"])
	assert.Equal(t, 12.15, expectedCard["amount"])
	delete(expectedCard, "txnAmount")
	expectedCard["amount"] = nil
	assert.Equal(t, sampleCard, expectedCard)
}

func TestWireQueryFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reload, overpayment, circ bool
		want                      string
	}{
		{false, false, false, "action=pay&circ=false&overpayment=false&reload=false"},
		{true, false, false, "action=pay&circ=false&overpayment=false&reload=true"},
		{false, true, false, "action=pay&circ=false&overpayment=true&reload=false"},
		{false, false, true, "action=pay&circ=true&overpayment=false&reload=false"},
		{true, true, true, "action=pay&circ=true&overpayment=true&reload=true"},
	} {
		c, w := mockPolaris(t, http.MethodPut, docFines, 200, `{"TxnIds":[9]}`)
		req := docPay()
		req.Reload, req.Overpayment, req.Circ = tc.reload, tc.overpayment, tc.circ
		_, err := c.PayFinesAndFees(context.Background(), req)
		require.NoError(t, err)
		r, _ := w.last(docFines)
		assert.Equal(t, tc.want, r.URL.RawQuery)
	}
}

func TestWireConfiguredURLAndSite(t *testing.T) {
	t.Parallel()
	cfg := docConfig()
	cfg.Version, cfg.Language, cfg.ProductID, cfg.SiteDomain = "v2", "spa", 7, "branch.example"
	cfg.OrganizationID, cfg.WorkstationID = 11, 12
	url := docBase + "/api/v2/spa/7/branch.example/11/12/patrons/1234/accounttransactions/finesfees"
	c, w := mockPolarisConfig(t, cfg, http.MethodPut, url, 200, `{"TxnIds":[9]}`)
	_, err := c.PayFinesAndFees(context.Background(), docPay())
	require.NoError(t, err)
	login, _ := w.last(docBase + "/api/v2/spa/7/authentication/staffuser")
	require.NotNil(t, login, "the login is under the configured version, language and product")
	r, _ := w.last(url)
	require.NotNil(t, r)
	assert.Equal(t, "PAS branch.example:"+docToken+":"+docSecret, r.Header.Get("Authorization"))
}

func TestWireWorkflowMatchesPartnerDocument(t *testing.T) {
	t.Parallel()
	url := docAPI + "/workflow/" + docWorkflow
	c, w := mockPolaris(t, http.MethodPut, url, 200,
		`{"WorkflowRequestGuid":"`+docWorkflow+`","WorkflowRequestType":2,"WorkflowStatus":1,"Prompt":null,"InformationMessages":[{"Type":1,"Title":"Checkout","Message":"Checked out."}]}`)
	res, err := c.AnswerWorkflow(context.Background(), docAnswer())
	require.NoError(t, err)
	assert.True(t, res.Done())
	assert.Equal(t, polaris.CompletedSuccessfully, res.Status)
	assert.Equal(t, polaris.WorkflowGUID(docWorkflow), res.WorkflowRequestGUID)
	assert.Equal(t, []polaris.InformationMessage{{Type: 1, Title: "Checkout", Message: "Checked out."}}, res.InformationMessages)

	r, body := w.last(url)
	require.NotNil(t, r)
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/Polaris.ApplicationServices/api/v1/eng/20/polaris/3/7/workflow/"+docWorkflow, r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)
	assert.Equal(t, "PAS polaris:"+docToken+":"+docSecret, r.Header.Get("Authorization"))
	assert.Equal(t, compact(t, fixture(t, "workflow-request-expected.json")), string(body))
}

func TestWireWorkflowSampleKeysAreKept(t *testing.T) {
	t.Parallel()
	// The SDK's body differs from the sample only in how amounts are
	// written and in the added txnAmount: decoded, the values are equal.
	var sample, expected map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "workflow-request-sample.json"), &sample))
	require.NoError(t, json.Unmarshal(fixture(t, "workflow-request-expected.json"), &expected))
	card := expected["ReplyExtension"].(map[string]any)["Data"].(map[string]any)["CreditCardPaymentData"].(map[string]any)
	assert.Equal(t, card["amount"], card["txnAmount"])
	delete(card, "txnAmount")
	assert.Equal(t, sample, expected)
}

func TestGoldenPayResponse(t *testing.T) {
	t.Parallel()
	ny := time.FixedZone("EDT", -4*60*60)
	cfg := docConfig()
	cfg.Location = ny
	c, _ := mockPolarisConfig(t, cfg, http.MethodPut, docFines, 200, string(fixture(t, "pay-response-sample.json")))
	res, err := c.PayFinesAndFees(context.Background(), docPay())
	require.NoError(t, err)
	assert.Equal(t, []polaris.TxnID{1, 2}, res.TxnIDs)
	require.Len(t, res.FinesAndFees, 3)
	first := res.FinesAndFees[0]
	assert.Equal(t, polaris.FineFee{
		ItemRecordID: 0, TxnID: 3665717, TxnCodeID: polaris.Charge, CallNumber: "", MaterialType: "",
		TxnDate: polaris.Time{Time: time.Date(2013, 5, 29, 17, 11, 59, 330_000_000, ny)},
		Type:    "Charge", FeeDescription: "Damage", BrowseTitle: "", Barcode: "",
		TxnAmount: polaris.Cents(600), OutstandingAmount: polaris.Cents(600),
		Organization: "Schenectady County Public Library - Central", TxnOrgID: 0,
		FreeTextNote: "damage fine from NextGen", WaiverRequestID: 0, HasPendingWaiverRequest: false,
	}, first)
	assert.Equal(t, "6.00", first.TxnAmount.String(), "6.0000 is read exactly")
	assert.Equal(t, "2013-05-29T17:11:59.33-04:00", first.TxnDate.Format(time.RFC3339Nano), "a zone-less time is read in Config.Location")
	assert.Equal(t, polaris.TxnID(3665712), res.FinesAndFees[1].TxnID)
	third := res.FinesAndFees[2]
	assert.Equal(t, polaris.TxnID(3665709), third.TxnID)
	assert.Equal(t, "Misc Charge", third.FeeDescription)
	assert.Equal(t, "charge", third.FreeTextNote)
	assert.Equal(t, "4.00", third.OutstandingAmount.String())
	assert.False(t, third.HasPendingWaiverRequest, "the keys after the document's stray brace are read")
	assert.Equal(t, time.Date(2013, 5, 29, 16, 20, 19, 280_000_000, ny), third.TxnDate.Time)
}

func TestGoldenCorrectionIsOnlyTheDocumentsSlips(t *testing.T) {
	t.Parallel()
	printed := fixture(t, "pay-response-as-printed.txt")
	assert.False(t, json.Valid(printed), "the document's response sample is not valid JSON")
	fixed := strings.Replace(string(printed), `"FreeTextNote":"charge"},`, `"FreeTextNote":"charge",`, 1)
	fixed = strings.Replace(fixed, "    TxnIds: [", `    "TxnIds": [`, 1)
	assert.Equal(t, string(fixture(t, "pay-response-sample.json")), fixed, "testdata/README.md lists every correction")
	for _, f := range []string{"pay-request-sample.json", "workflow-request-sample.json"} {
		assert.True(t, json.Valid(fixture(t, f)), f)
	}
}

func TestPayAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   error // nil: applied
		msg    string
	}{
		{"TxnIds", 200, `{"TxnIds":[5]}`, nil, ""},
		{"TxnIds and null fines", 200, `{"FinesAndFees":null,"TxnIds":[5,6]}`, nil, ""},
		{"201", 201, `{"TxnIds":[5]}`, nil, ""},
		{"no TxnIds", 200, `{"FinesAndFees":[]}`, polaris.ErrOutcomeUnknown, "no TxnIds"},
		{"empty TxnIds", 200, `{"TxnIds":[]}`, polaris.ErrOutcomeUnknown, "no TxnIds"},
		{"zero TxnId", 200, `{"TxnIds":[0]}`, polaris.ErrOutcomeUnknown, "not a transaction id"},
		{"TxnIds as text", 200, `{"TxnIds":"1,2"}`, polaris.ErrOutcomeUnknown, "answer unreadable"},
		{"empty object", 200, `{}`, polaris.ErrOutcomeUnknown, "no TxnIds"},
		{"null", 200, `null`, polaris.ErrOutcomeUnknown, "no TxnIds"},
		{"empty body", 200, ``, polaris.ErrOutcomeUnknown, "empty body"},
		{"204", 204, ``, polaris.ErrOutcomeUnknown, ""},
		{"the printed sample", 200, string(fixture(t, "pay-response-as-printed.txt")), polaris.ErrOutcomeUnknown, "answer unreadable"},
		{"500", 500, `{"Message":"An error has occurred."}`, polaris.ErrOutcomeUnknown, "An error has occurred."},
		{"400", 400, `{"Message":"The payment amount exceeds the balance owed."}`, polaris.ErrNotApplied, "exceeds the balance"},
		{"400 already paid", 400, `{"Message":"The transactions are already paid."}`, polaris.ErrAlreadyApplied, "already paid"},
		{"400 as text", 400, `Null object`, polaris.ErrNotApplied, "HTTP 400 Null object"},
		{"400 as a JSON string", 400, `"Null object"`, polaris.ErrNotApplied, "HTTP 400 Null object"},
		{"400 ASP.NET detail", 400, `{"Message":"The request is invalid.","MessageDetail":"TxnAmount is required"}`, polaris.ErrNotApplied, "The request is invalid.: TxnAmount is required"},
		{"400 error code", 400, `{"ErrorCode":-4001,"ErrorMessage":"Invalid transaction"}`, polaris.ErrNotApplied, "[-4001] Invalid transaction"},
		{"404", 404, `{"Message":"Patron not found."}`, polaris.ErrNotApplied, "Patron not found."},
		{"409", 409, `{"Message":"Patron record is secured."}`, polaris.ErrNotApplied, "Patron record is secured."},
		{"409 without a body", 409, ``, polaris.ErrNotApplied, "patron record is secured"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, w := mockPolaris(t, http.MethodPut, docFines, tc.status, tc.body)
			res, err := c.PayFinesAndFees(context.Background(), docPay())
			assert.Equal(t, 1, w.count(docFines), "a payment is never resent")
			if tc.want == nil {
				require.NoError(t, err)
				assert.NotEmpty(t, res.TxnIDs)
				return
			}
			assert.Nil(t, res)
			var e *polaris.Error
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Equal(t, tc.status == 409, e.Is(polaris.ErrPatronSecured), "only a 409 is a secured patron")
			assert.False(t, e.Temporary, "nothing here gets better by waiting")
			if tc.want != polaris.ErrNotApplied {
				assert.Contains(t, e.Reconcile, "GetFinesAndFees for PatronID 1234")
				assert.Contains(t, e.Reconcile, "MainTxnIDs 123, 124")
			}
		})
	}
}

func TestErrorFieldsFromModelState(t *testing.T) {
	t.Parallel()
	c, _ := mockPolaris(t, http.MethodPut, docFines, 400,
		`{"Message":"The request is invalid.","ModelState":{"fineData.TxnAmount":["Required."],"fineData.MainTxnIDs":["Required.","Must not be empty."]}}`)
	_, err := c.PayFinesAndFees(context.Background(), docPay())
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, []polaris.FieldError{
		{Field: "fineData.MainTxnIDs", Message: "Required."},
		{Field: "fineData.MainTxnIDs", Message: "Must not be empty."},
		{Field: "fineData.TxnAmount", Message: "Required."},
	}, e.Fields)
}

func TestAlreadyAppliedPhrasesAreConfigurable(t *testing.T) {
	t.Parallel()
	const refusal = `{"Message":"Charge 123 has no outstanding balance."}`
	c, _ := mockPolaris(t, http.MethodPut, docFines, 400, refusal)
	_, err := c.PayFinesAndFees(context.Background(), docPay())
	assert.ErrorIs(t, err, polaris.ErrNotApplied, "not a default phrase")

	cfg := docConfig()
	cfg.AlreadyAppliedPhrases = []string{"No Outstanding Balance"}
	c, _ = mockPolarisConfig(t, cfg, http.MethodPut, docFines, 400, refusal)
	_, err = c.PayFinesAndFees(context.Background(), docPay())
	assert.ErrorIs(t, err, polaris.ErrAlreadyApplied, "phrases match case-insensitively")

	cfg.AlreadyAppliedPhrases = []string{}
	c, _ = mockPolarisConfig(t, cfg, http.MethodPut, docFines, 400, `{"Message":"The transactions are already paid."}`)
	_, err = c.PayFinesAndFees(context.Background(), docPay())
	assert.ErrorIs(t, err, polaris.ErrNotApplied, "an empty list recognises nothing")
}

func TestWorkflowAnswers(t *testing.T) {
	t.Parallel()
	url := docAPI + "/workflow/" + docWorkflow
	reply := func(status string, rest string) string {
		return `{"WorkflowRequestGuid":"` + docWorkflow + `","WorkflowRequestType":2,"WorkflowStatus":` + status + rest + `}`
	}
	prompt := `,"Prompt":{"WorkflowPromptID":93,"Title":"Hold","Message":"Continue?"}`
	failed := `,"InformationMessages":[{"Type":3,"Title":"Checkout","Message":"Item could not be checked out."}]`
	cases := []struct {
		name string
		body string
		want error // nil: taken
		done bool
		msg  string
	}{
		{"next prompt", reply("-3", prompt), nil, false, ""},
		{"completed", reply("1", ""), nil, true, ""},
		{"cancelled", reply("3", ""), nil, true, ""},
		{"invalid reply", reply("-1", prompt+failed), polaris.ErrNotApplied, true, "[InvalidReply] Checkout: Item could not be checked out."},
		{"error occurred", reply("-2", failed), polaris.ErrOutcomeUnknown, true, "[ErrorOccurred] Checkout: Item could not be checked out."},
		{"completed with failure", reply("2", ""), polaris.ErrOutcomeUnknown, true, "[CompletedFailure] the workflow failed after taking the answer"},
		{"input required without a prompt", reply("-3", ""), polaris.ErrOutcomeUnknown, false, "InputRequired without a Prompt"},
		{"unknown status", reply("7", ""), polaris.ErrOutcomeUnknown, false, "an unknown WorkflowStatus"},
		{"no status", `{"WorkflowRequestGuid":"` + docWorkflow + `"}`, polaris.ErrOutcomeUnknown, false, "no WorkflowStatus"},
		{"no GUID", `{"WorkflowStatus":1}`, polaris.ErrOutcomeUnknown, false, "no WorkflowRequestGuid"},
		{"only messages", `{"InformationMessages":[{"Type":3,"Message":"Failed"}]}`, polaris.ErrOutcomeUnknown, false, "no WorkflowRequestGuid"},
		{"already completed", "", polaris.ErrAlreadyApplied, false, "already completed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status := 200
			body := tc.body
			if tc.want == polaris.ErrAlreadyApplied {
				status, body = 400, `{"Message":"The workflow request is already completed."}`
			}
			c, w := mockPolaris(t, http.MethodPut, url, status, body)
			res, err := c.AnswerWorkflow(context.Background(), docAnswer())
			assert.Equal(t, 1, w.count(url), "an answer is never resent")
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.done, res.Done())
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
			if res != nil {
				assert.Equal(t, tc.done, res.Done(), "the result comes back with the error")
			}
			var e *polaris.Error
			require.ErrorAs(t, err, &e)
			if tc.want != polaris.ErrNotApplied {
				assert.Contains(t, e.Reconcile, "GetFinesAndFees")
				assert.Contains(t, e.Reconcile, docWorkflow)
			}
		})
	}
}

func TestWireGetFinesAndFees(t *testing.T) {
	t.Parallel()
	item := `{"TxnID":3665717,"TxnCodeID":1,"TxnDate":"2013-05-29T17:11:59.33","TxnAmount":6.0000,"OutstandingAmount":2.5}`
	for body, want := range map[string]int{
		`{"FinesAndFees":[` + item + `]}`: 1,
		`[` + item + `,` + item + `]`:     2,
		`[]`:                              0,
		`{"FinesAndFees":[]}`:             0,
		`{"FinesAndFees":null}`:           0,
	} {
		c, w := mockPolaris(t, http.MethodGet, docFines, 200, body)
		res, err := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: 1234})
		require.NoError(t, err, body)
		assert.Len(t, res.FinesAndFees, want, body)
		r, reqBody := w.last(docFines)
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Empty(t, r.URL.RawQuery)
		assert.Empty(t, reqBody)
		assert.Equal(t, "PAS polaris:"+docToken+":"+docSecret, r.Header.Get("Authorization"))
		if want > 0 {
			owed, listed := res.Outstanding(3665717)
			assert.True(t, listed)
			assert.Equal(t, "2.50", owed.String())
		}
	}
	for _, body := range []string{`{}`, `null`, ``, `{"TxnIds":[1]}`} {
		c, _ := mockPolaris(t, http.MethodGet, docFines, 200, body)
		res, err := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: 1234})
		assert.Nil(t, res, "%q must not read as \"owes nothing\"", body)
		assert.ErrorIs(t, err, polaris.ErrNotApplied)
		assert.ErrorContains(t, err, "HTTP 200")
		if body != "" { // an empty body may be refused as such, before Confirm
			assert.ErrorContains(t, err, "no list of fines and fees")
		}
	}
}

func TestLoginAnswers(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"AccessSecret":"` + docSecret + `"}`:                        "without an AccessToken and AccessSecret",
		`{"AccessToken":"` + docToken + `"}`:                          "without an AccessToken and AccessSecret",
		`{"AccessToken":"a b","AccessSecret":"` + docSecret + `"}`:    "cannot travel in a header",
		`{"AccessToken":"a:b","AccessSecret":"` + docSecret + `"}`:    "cannot travel in a header",
		`{"AccessToken":"a\r\nb","AccessSecret":"` + docSecret + `"}`: "cannot travel in a header",
	} {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewStringResponder(200, body))
		c, err := polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}))
		require.NoError(t, err)
		_, err = c.PayFinesAndFees(context.Background(), docPay())
		var e *polaris.Error
		require.ErrorAs(t, err, &e, body)
		assert.ErrorIs(t, err, polaris.ErrNotApplied)
		assert.Equal(t, "PayFinesAndFees", e.Op)
		assert.Equal(t, "Authenticate", e.Step)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), docSecret)
		assert.NotContains(t, err.Error(), docToken)
		assert.Equal(t, 1, mock.GetTotalCallCount(), "nothing is paid without a token")
	}
}

func TestLoginRefused(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewStringResponder(401, `{"Message":"Invalid staff user credentials."}`))
	c, err := polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	_, err = c.PayFinesAndFees(context.Background(), docPay())
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.NotErrorIs(t, err, polaris.ErrTemporary, "wrong credentials need a fix")
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "Invalid staff user credentials.", e.Message)
	assert.Equal(t, "Authenticate", e.Step)
	assert.Equal(t, 1, mock.GetTotalCallCount(), "a refused login is not retried, and nothing is paid")

	mock = httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewStringResponder(409, `{"Message":"Conflict"}`))
	c, err = polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	_, err = c.PayFinesAndFees(context.Background(), docPay())
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.NotErrorIs(t, err, polaris.ErrPatronSecured, "a 409 to the login is no secured patron")
}

func TestAuthExpDateIsReadInLocation(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("CST", -6*60*60)
	for _, tc := range []struct {
		name, exp string
		want      time.Time
	}{
		{"future", "2099-05-29T17:11:59.33", time.Date(2099, 5, 29, 17, 11, 59, 330_000_000, zone)},
		{"past", "2001-01-01T00:00:00", time.Date(2001, 1, 1, 0, 0, 0, 0, zone)},
		{"unreadable", "tomorrow", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewStringResponder(200, loginAnswer(tc.exp)))
			mock.RegisterResponder(http.MethodPut, docFines, httpmock.NewStringResponder(200, `{"TxnIds":[1]}`))
			cfg := docConfig()
			cfg.Location = zone
			c, err := polaris.New(cfg, polaris.WithHTTPClient(&http.Client{Transport: mock}))
			require.NoError(t, err)
			res, err := c.Authenticate(context.Background())
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(res.AuthExpDate), "%v", res.AuthExpDate)
			assert.Equal(t, tc.want.Location().String(), res.AuthExpDate.Location().String())
			assert.Equal(t, polaris.Secret(docToken), res.AccessToken)
			assert.Equal(t, "REDACTED", fmt.Sprint(res.AccessSecret))
			assert.Equal(t, polaris.PolarisUser{PolarisUserID: 42, OrganizationID: 3, BranchID: 3, Name: "leapstaff", Enabled: true}, res.PolarisUser)
			for range 3 {
				_, err = c.PayFinesAndFees(context.Background(), docPay())
				require.NoError(t, err)
			}
			assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+docLogin],
				"a passed or unreadable AuthExpDate leaves the token in use until Polaris refuses it")
		})
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	t.Parallel()
	const cardPassword, cardUser = "card-Pa55-0987654321", "card-user-1234567"
	basic := base64.StdEncoding.EncodeToString([]byte(`LIBRARY\leapstaff:` + docPassword))
	echo := fmt.Sprintf(`{"Message":"bad: %s %s %s %s %s %s card 4111111111111111"}`,
		docPassword, docToken, docSecret, cardPassword, cardUser, basic)
	c, _ := mockPolaris(t, http.MethodPut, docFines, 400, echo)
	req := docPay()
	req.CreditCardPaymentData.UserName, req.CreditCardPaymentData.Password = cardUser, cardPassword
	_, err := c.PayFinesAndFees(context.Background(), req)
	require.Error(t, err)
	text := fmt.Sprintf("%v %+v %#v", err, err, err)
	for _, secret := range []string{docPassword, docToken, docSecret, cardPassword, cardUser, basic, "4111111111111111"} {
		assert.NotContains(t, text, secret)
	}
	assert.Contains(t, err.Error(), "bad: REDACTED")

	// A card number joined to a secret is masked too, once the secret is
	// gone (see Client.scrub).
	c, _ = mockPolaris(t, http.MethodPut, docFines, 400, `{"Message":"`+cardPassword+`4111111111111111"}`)
	_, err = c.PayFinesAndFees(context.Background(), req)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "REDACTEDREDACTED", e.Message)
}
