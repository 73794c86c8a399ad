package crmcom_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
)

// The benchmarks put PayInvoice through the SDK beside a tight client
// written by hand for the same exchange: the same URL, headers and JSON
// body (marshaled per request), the answer decoded into the same typed
// structs. Both talk to one server that answers the partner document's
// sample with as little work as possible.
//
//	go test -run '^$' -bench . -benchmem -count 6 ./crmcom/

// benchServer answers a login and pay_invoice with fixed bytes, over TLS
// when useTLS is set.
func benchServer(b *testing.B, useTLS bool) *fake.Server {
	login := envelope("OK", `{"token":"`+docToken+`"}`)
	sample := fixture(b, "pay-invoice-response.json")
	answer := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header()["Content-Type"] = []string{"application/json"}
			_, _ = w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("POST /crmapi/rest/v2/authentication/token", answer(login))
	mux.Handle("POST /crmapi/rest/v2/payments/pay_invoice", answer(sample))
	srv := fake.Start(mux, useTLS)
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, srv *fake.Server) *crmcom.Client {
	cfg := docConfig()
	cfg.BaseURL = srv.URL + "/crmapi/rest/v2"
	var opts []crmcom.Option
	if pool := srv.CertPool(); pool != nil {
		opts = append(opts, conformance.TrustTLS(pool))
	}
	c, err := crmcom.New(cfg, opts...)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.PayInvoice(context.Background(), docPayInvoice()); err != nil { // logs in
		b.Fatal(err)
	}
	return c
}

func BenchmarkPayInvoice(b *testing.B) { benchSDK(b, false, 1) }

// BenchmarkPayInvoiceParallel pays from 64 goroutines.
func BenchmarkPayInvoiceParallel(b *testing.B) { benchSDK(b, false, 64) }

// BenchmarkPayInvoiceParallelTLS pays from 64 goroutines over TLS.
func BenchmarkPayInvoiceParallelTLS(b *testing.B) { benchSDK(b, true, 64) }

func benchSDK(b *testing.B, useTLS bool, goroutines int) {
	srv := benchServer(b, useTLS)
	c := benchClient(b, srv)
	ctx := context.Background()
	req := docPayInvoice()
	fake.Measure(b, srv, goroutines, func() {
		if _, err := c.PayInvoice(ctx, req); err != nil {
			b.Error(err)
		}
	})
}

// rawClient is the tight hand-written baseline.
type rawClient struct {
	hc      *http.Client
	url     string
	headers http.Header
	token   string
	bufs    sync.Pool
}

// rawPayBody is pay_invoice's body, as the SDK sends it.
type rawPayBody struct {
	Token              string                               `json:"token"`
	AccountsReceivable *crmcom.AccountsReceivableIdentifier `json:"accounts_receivable_identifier"`
	LifeCycleState     crmcom.LifeCycleState                `json:"life_cycle_state,omitempty"`
	Type               *crmcom.TypeIdentifier               `json:"type_identifier"`
	PaymentMethod      *crmcom.PaymentMethodIdentifier      `json:"payment_method_identifier"`
	Category           *crmcom.CategoryIdentifier           `json:"category_identifier,omitempty"`
	Invoice            *crmcom.InvoiceIdentifier            `json:"invoice_identifier"`
	ReceivedOn         string                               `json:"received_on,omitempty"`
	ReceivedByUser     *crmcom.UserIdentifier               `json:"received_by_user_identifier,omitempty"`
	ReceivedByUnit     *crmcom.UnitIdentifier               `json:"received_by_unit_identifier,omitempty"`
}

// rawAnswer is the answer, decoded into the SDK's own result type.
type rawAnswer struct {
	Status struct {
		Code        string `json:"code"`
		Message     string `json:"message"`
		Description string `json:"description"`
	} `json:"status"`
	Data *crmcom.PaymentSummary `json:"data"`
}

func newRawClient(srv *fake.Server) *rawClient {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 256
	t.MaxIdleConns = 512
	if pool := srv.CertPool(); pool != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &rawClient{
		hc:  &http.Client{Transport: t},
		url: srv.URL + "/crmapi/rest/v2/payments/pay_invoice",
		headers: http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/json"},
			"User-Agent":   {"raw-baseline"},
		},
		token: docToken,
		bufs:  sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
}

func (c *rawClient) payInvoice(ctx context.Context, r *crmcom.PayInvoiceRequest) (*crmcom.PaymentSummary, error) {
	body, err := json.Marshal(rawPayBody{
		Token: c.token, AccountsReceivable: &r.AccountsReceivable, LifeCycleState: r.LifeCycleState, Type: &r.Type,
		PaymentMethod: &r.PaymentMethod, Category: &r.Category, Invoice: &r.Invoice,
		ReceivedOn: r.ReceivedOn.Format("2006-01-02T15:04:05"), ReceivedByUser: &r.ReceivedByUser, ReceivedByUnit: &r.ReceivedByUnit,
	})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = c.headers
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	buf := c.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer c.bufs.Put(buf)
	_, err = buf.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var out rawAnswer
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || out.Status.Code != "OK" || out.Data == nil || out.Data.ID == "" {
		return nil, errors.New("not applied")
	}
	return out.Data, nil
}

func BenchmarkRawNetHTTP(b *testing.B) { benchRaw(b, false, 1) }

// BenchmarkRawNetHTTPParallel is the baseline of BenchmarkPayInvoiceParallel.
func BenchmarkRawNetHTTPParallel(b *testing.B) { benchRaw(b, false, 64) }

// BenchmarkRawNetHTTPParallelTLS is the baseline of
// BenchmarkPayInvoiceParallelTLS.
func BenchmarkRawNetHTTPParallelTLS(b *testing.B) { benchRaw(b, true, 64) }

func benchRaw(b *testing.B, useTLS bool, goroutines int) {
	srv := benchServer(b, useTLS)
	c := newRawClient(srv)
	ctx := context.Background()
	req := docPayInvoice()
	if _, err := c.payInvoice(ctx, req); err != nil {
		b.Fatal(err)
	}
	fake.Measure(b, srv, goroutines, func() {
		if _, err := c.payInvoice(ctx, req); err != nil {
			b.Error(err)
		}
	})
}

// TestBenchmarkBodiesMatch keeps the baseline honest: it sends what the
// SDK sends.
func TestBenchmarkBodiesMatch(t *testing.T) {
	t.Parallel()
	want := compact(t, fixture(t, "pay-invoice-request.json"))
	r := docPayInvoice()
	got, err := json.Marshal(rawPayBody{
		Token: docToken, AccountsReceivable: &r.AccountsReceivable, LifeCycleState: r.LifeCycleState, Type: &r.Type,
		PaymentMethod: &r.PaymentMethod, Category: &r.Category, Invoice: &r.Invoice,
		ReceivedOn: r.ReceivedOn.Format("2006-01-02T15:04:05"), ReceivedByUser: &r.ReceivedByUser, ReceivedByUnit: &r.ReceivedByUnit,
	})
	if err != nil || string(got) != want {
		t.Fatalf("the baseline sends %s, the SDK %s", got, want)
	}
}
