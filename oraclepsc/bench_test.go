package oraclepsc_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/oraclepsc"
)

// benchServer answers a create with the item response fixture (201,
// Location, ETag), doing as little else as it can: it checks the
// credential and drains the body.
func benchServer(b *testing.B) *fake.Server {
	item := fixture(b, "create-response.json")
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(wireUser+":"+wirePassword))
	location := []string{"https://fa-test.oraclepsc.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001/child/CheckoutPmt/00020000000EACED0005770800110D9A1B2C3D4E"}
	etag := []string{"ACED0005737200136A"}
	contentType := []string{oraclepsc.ResourceItemMediaType}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/{id}/child/CheckoutPmt", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != auth {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"], h["Location"], h["Etag"] = contentType, location, etag
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(item)
	})
	srv := fake.Start(mux, false)
	b.Cleanup(srv.Close)
	return srv
}

// benchSDK is a client of the SDK for srv, with the default HTTP client.
func benchSDK(b *testing.B, srv *fake.Server) *oraclepsc.Client {
	cfg := wireConfig()
	cfg.BaseURL = srv.URL
	c, err := oraclepsc.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// rawClient is the tight hand-written baseline: one shared, tuned
// transport, headers built once, the body marshaled per request, the
// answer read into a pooled buffer and decoded into the SDK's own types.
type rawClient struct {
	hc     *http.Client
	url    string
	header http.Header
	bufs   sync.Pool
}

func newRawClient(srv *fake.Server) *rawClient {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 512, 256
	return &rawClient{
		hc:  &http.Client{Transport: t},
		url: srv.URL + createPath,
		header: http.Header{
			"Authorization":          {"Basic " + base64.StdEncoding.EncodeToString([]byte(wireUser+":"+wirePassword))},
			"Rest-Framework-Version": {"4"},
			"Accept":                 {"application/json, application/vnd.oracle.adf.error+json"},
			"Content-Type":           {"application/json"},
			"User-Agent":             {"raw"},
		},
		bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
}

func (c *rawClient) create(ctx context.Context, req *oraclepsc.CreateCheckoutPaymentRequest) (*oraclepsc.CheckoutPayment, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header = c.header
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	buf := c.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	defer c.bufs.Put(buf)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusCreated {
		return nil, io.ErrUnexpectedEOF
	}
	var out oraclepsc.CheckoutPayment
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BenchmarkCreateCheckoutPayment is one create through the SDK, every
// attribute set.
func BenchmarkCreateCheckoutPayment(b *testing.B) { benchCreate(b, 1) }

// BenchmarkRawNetHTTP is the same exchange written by hand.
func BenchmarkRawNetHTTP(b *testing.B) { benchRaw(b, 1) }

// BenchmarkCreateCheckoutPaymentParallel is the create through the SDK
// from 64 goroutines.
func BenchmarkCreateCheckoutPaymentParallel(b *testing.B) { benchCreate(b, 64) }

// BenchmarkRawNetHTTPParallel is the hand-written exchange from 64
// goroutines.
func BenchmarkRawNetHTTPParallel(b *testing.B) { benchRaw(b, 64) }

func benchCreate(b *testing.B, goroutines int) {
	srv := benchServer(b)
	c := benchSDK(b, srv)
	measure(b, srv, goroutines, func(ctx context.Context, req *oraclepsc.CreateCheckoutPaymentRequest) (oraclepsc.CheckoutPmtID, error) {
		res, err := c.CreateCheckoutPayment(ctx, req)
		if err != nil {
			return 0, err
		}
		return res.Payment.CheckoutPmtID, nil
	})
}

func benchRaw(b *testing.B, goroutines int) {
	srv := benchServer(b)
	c := newRawClient(srv)
	measure(b, srv, goroutines, func(ctx context.Context, req *oraclepsc.CreateCheckoutPaymentRequest) (oraclepsc.CheckoutPmtID, error) {
		p, err := c.create(ctx, req)
		if err != nil {
			return 0, err
		}
		return p.CheckoutPmtID, nil
	})
}

// measure runs create from goroutines callers (see fake.Measure) and
// reports the CPU time per op too (client and server, user and system), a
// steadier figure than ns/op on a shared machine.
func measure(b *testing.B, srv *fake.Server, goroutines int, create func(context.Context, *oraclepsc.CreateCheckoutPaymentRequest) (oraclepsc.CheckoutPmtID, error)) {
	ctx := context.Background()
	req := fullRequest(b)
	cpu := cpuTime()
	fake.Measure(b, srv, goroutines, func() {
		if id, err := create(ctx, req); err != nil || id != wirePmt {
			b.Error(err)
		}
	})
	if cpu > 0 {
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	}
}
