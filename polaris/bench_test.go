package polaris

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/fake"
)

// The benchmarks pay the partner document's sample through the SDK and
// through a tight hand-written client doing the same exchange (one shared,
// tuned http.Transport, headers built once, the body marshaled per request
// from the same wire struct, the answer read into a pooled buffer and
// decoded into the same typed structs), against a server that answers the
// document's response sample with as little work as it can.

const benchPath = "/Polaris.ApplicationServices/api/v1/eng/20/polaris/3/7/patrons/1234/accounttransactions/finesfees"

// benchServer answers the login and every pay with fixed bodies.
func benchServer(b *testing.B) *fake.Server {
	b.Helper()
	answer, err := os.ReadFile("testdata/pay-response-sample.json")
	if err != nil {
		b.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, answer); err != nil {
		b.Fatal(err)
	}
	pay := compact.Bytes()
	exp := time.Now().Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.99")
	login := []byte(`{"AccessToken":"bench-access-token-0123456789","AccessSecret":"bench-access-secret-987654",` +
		`"PolarisUser":{"PolarisUserID":1,"OrganizationID":3,"BranchID":3,"Name":"bench","Enabled":true},` +
		`"AuthExpDate":"` + exp + `","SiteDomain":"polaris"}`)
	srv := fake.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body := pay
		if r.Method == http.MethodPost {
			body = login
		}
		w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
		_, _ = w.Write(body)
	}), false)
	b.Cleanup(srv.Close)
	return srv
}

// benchRequest is the partner document's pay sample.
func benchRequest() *PayFinesAndFeesRequest {
	return &PayFinesAndFeesRequest{
		PatronID: 1234, TxnAmount: Cents(1215), FreeTextNote: "Paying by credit card from LEAP",
		PaymentMethod: CreditCard, MainTxnIDs: []TxnID{123, 124},
		CreditCardPaymentData: CreditCardPaymentData{
			TrackID: 1234, GUID: "xxxx-xxx-xxx-xxx-xxx", TxnAmount: Cents(1215),
			Error: "Ok", TxnStatus: "Finished", TroutID: "TROUTD", CCDigits: "XXXX", CCType: "????",
			Response: "<Response><Status>Success</Status><TroutID>TROUTD</TroutID><Error>OK</Error><CCDigits>XXXX</CCDigits><CCType>????</CCType></Response>",
		},
		Reload: true,
	}
}

func benchClient(b *testing.B, srv *fake.Server) *Client {
	b.Helper()
	c, err := New(Config{
		BaseURL: srv.URL + "/Polaris.ApplicationServices", OrganizationID: 3, WorkstationID: 7,
		StaffDomain: "LIBRARY", StaffUserName: "bench", StaffPassword: "bench-password",
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.PayFinesAndFees(context.Background(), benchRequest()); err != nil { // logs in
		b.Fatal(err)
	}
	return c
}

// rawClient is the tight hand-written baseline.
type rawClient struct {
	hc     *http.Client
	url    string
	header http.Header
}

var rawBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func newRawClient(srv *fake.Server) *rawClient {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 256
	t.MaxIdleConns = 512
	return &rawClient{
		hc:  &http.Client{Transport: t},
		url: srv.URL + benchPath + "?action=pay&circ=false&overpayment=false&reload=true",
		header: http.Header{
			"Authorization": {"PAS polaris:bench-access-token-0123456789:bench-access-secret-987654"},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
			"User-Agent":    {"raw/1.0"},
		},
	}
}

func (r *rawClient) pay(ctx context.Context, req *PayFinesAndFeesRequest) (*PayFinesAndFeesResult, error) {
	body, err := json.Marshal(&fineData{
		PatronID: req.PatronID, TxnAmount: req.TxnAmount, FreeTextNote: req.FreeTextNote,
		PatronPaymentMethod: req.PaymentMethod, MainTxnIDs: req.MainTxnIDs,
		CreditCardPaymentData: wireCard(&req.CreditCardPaymentData),
	})
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPut, r.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header = r.header
	resp, err := r.hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	buf := rawBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer rawBuffers.Put(buf)
	_, err = buf.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	var out payAnswer
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return nil, err
	}
	return &PayFinesAndFeesResult{TxnIDs: out.TxnIds, FinesAndFees: out.FinesAndFees}, nil
}

// measure runs pay b.N times from goroutines callers (see fake.Measure).
func measure(b *testing.B, srv *fake.Server, goroutines int, pay func(context.Context, *PayFinesAndFeesRequest) (*PayFinesAndFeesResult, error)) {
	req, ctx := benchRequest(), context.Background()
	fake.Measure(b, srv, goroutines, func() {
		if res, err := pay(ctx, req); err != nil || len(res.TxnIDs) != 2 {
			b.Error(res, err)
		}
	})
}

func BenchmarkPayFinesAndFees(b *testing.B) {
	srv := benchServer(b)
	measure(b, srv, 1, benchClient(b, srv).PayFinesAndFees)
}

func BenchmarkRawNetHTTP(b *testing.B) {
	srv := benchServer(b)
	measure(b, srv, 1, newRawClient(srv).pay)
}

func BenchmarkPayFinesAndFeesParallel(b *testing.B) {
	srv := benchServer(b)
	measure(b, srv, 64, benchClient(b, srv).PayFinesAndFees)
}

func BenchmarkRawNetHTTPParallel(b *testing.B) {
	srv := benchServer(b)
	measure(b, srv, 64, newRawClient(srv).pay)
}
