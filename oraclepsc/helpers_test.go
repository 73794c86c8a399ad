package oraclepsc_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// Values of the wire tests: a pod behind a gateway path, so a client that
// drops its base URL's path fails.
const (
	wireBase     = "https://fa-test.oraclepsc.example/gateway/v1"
	wireUser     = "psc.payments@agency.example"
	wirePassword = "Wire-Pa55word!"
	wireCheckout = "300000100000001"
	wireRef      = "CPAY4528190077361234"
	wirePmt      = 300000100000123
	createPath   = "/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/" + wireCheckout + "/child/CheckoutPmt"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func compact(t testing.TB, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, json.Compact(&out, b))
	return out.String()
}

func fastRetry() oraclepsc.Option {
	return oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
}

func wireConfig() oraclepsc.Config {
	return oraclepsc.Config{BaseURL: wireBase, UserName: wireUser, Password: wirePassword}
}

func amount(t testing.TB, s string) oraclepsc.Amount {
	t.Helper()
	a, err := oraclepsc.ParseAmount(s)
	require.NoError(t, err)
	return a
}

// fullRequest sets every attribute of the request schema, as
// testdata/create-request.json holds it.
func fullRequest(t testing.TB) *oraclepsc.CreateCheckoutPaymentRequest {
	edt := time.FixedZone("EDT", -4*60*60)
	return &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID:              wireCheckout,
		CheckoutPmtID:           wirePmt,
		PaymentReferenceID:      wireRef,
		AgencyID:                1,
		AuthorizationCode:       "A1B2C3",
		AuthorizationDttm:       oraclepsc.DateTime{Time: time.Date(2024, 5, 1, 14, 3, 7, 250e6, edt)},
		AuthorizationStatus:     "APPR",
		CashierID:               "CASHIER_01",
		ChangeAmount:            amount(t, "4.50"),
		CheckAddress:            "100 Main Street, Springfield",
		CheckDate:               oraclepsc.Date{Year: 2024, Month: time.April, Day: 30},
		CheckName:               "Jane Q. Citizen",
		CheckNumber:             "1042",
		Comments:                "Building permit fees, paid in person",
		Description:             "Permit BLD-2024-00042",
		DrawerID:                "DRAWER-3",
		FirstResponseMessage:    "Approved",
		LineAmount:              amount(t, "100.50"),
		PayerAddress:            "100 Main Street, Springfield",
		PayerName:               "Jane Q. Citizen",
		PaymentCurrency:         "USD",
		PaymentDate:             oraclepsc.Date{Year: 2024, Month: time.May, Day: 1},
		PaymentMethodCode:       "CHECK",
		PaymentTrackingData:     "PERMIT-42",
		PaymentTrackingDataPlus: "FEE-7",
		PaymentTransactionID:    "TXN-000042",
		PrimaryID:               "DL",
		SecondaryID:             "SSN",
		SecondResponseMessage:   "Check verified",
		SessionID:               "CS-2024-05-01-01",
		ThirdResponseMessage:    "Receipt printed",
		TotalTendAmount:         amount(t, "105"),
	}
}

// minimal is the smallest valid create.
func minimal() *oraclepsc.CreateCheckoutPaymentRequest {
	return &oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: wireCheckout, PaymentReferenceID: wireRef}
}

// recorder keeps what a mock partner received.
type recorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
}

func (r *recorder) add(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	r.bodies = append(r.bodies, body)
}

func (r *recorder) last(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.reqs, "nothing was sent")
	return r.reqs[len(r.reqs)-1], r.bodies[len(r.bodies)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// answer is a canned response.
type answer struct {
	status int
	body   []byte
	header http.Header
}

// mockOracle answers every request to the create/list collection of
// wireCheckout with the answers in turn (the last one repeating), on a
// mock transport of its own, so tests run in parallel.
func mockOracle(t testing.TB, answers ...answer) (*http.Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	mock := httpmock.NewMockTransport()
	var mu sync.Mutex
	n := 0
	responder := func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		mu.Lock()
		a := answers[min(n, len(answers)-1)]
		n++
		mu.Unlock()
		resp := httpmock.NewBytesResponse(a.status, a.body)
		resp.Header.Set("Content-Type", "application/json")
		for k, vs := range a.header {
			resp.Header[k] = vs
		}
		resp.Request = req
		return resp, nil
	}
	mock.RegisterRegexpResponder(http.MethodPost, regexpOf(wireBase+"/fscmRestApi/resources/"), responder)
	mock.RegisterRegexpResponder(http.MethodGet, regexpOf(wireBase+"/fscmRestApi/resources/"), responder)
	return &http.Client{Transport: mock}, rec
}

// created is the partner document's item response, as a 201.
func created(t testing.TB) answer {
	return answer{status: http.StatusCreated, body: fixture(t, "create-response.json"), header: http.Header{
		"Location":          {"https://fa-test.oraclepsc.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001/child/CheckoutPmt/00020000000EACED0005770800110D9A1B2C3D4E"},
		"Etag":              {"ACED0005737200136A"},
		"Content-Type":      {oraclepsc.ResourceItemMediaType},
		"X-Oracle-Dms-Ecid": {"005ZUQ2Ci7E2E0WZ"},
	}}
}

// startFake starts a fake Oracle with one checkout and a Basic client.
func startFake(t testing.TB, opts ...oraclepsc.Option) (*oraclepsctest.Server, *oraclepsc.Client, oraclepsc.CheckoutID) {
	t.Helper()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	c, err := oraclepsc.New(srv.Config(), append([]oraclepsc.Option{fastRetry()}, opts...)...)
	require.NoError(t, err)
	return srv, c, srv.NewCheckout()
}

func regexpOf(prefix string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(prefix))
}
