package citrus_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
)

// benchServer answers like IPS with the partner document's samples and does
// as little else as possible, so the benchmarks measure the client side.
func benchServer(b *testing.B, useTLS bool) *fake.Server {
	authBody := fixture(b, "auth-response.json")
	callbackBody := successResponse(b)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /IPS-TST-RS/api/portal/auth", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "InstanceId", Value: docInstance, Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(authBody)
	})
	mux.HandleFunc("POST /IPS-TST-RS/api/cashiering/paymentprocessing/callback/authorized", func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("ss-id"); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(callbackBody)
	})
	ts := fake.Start(mux, useTLS)
	b.Cleanup(ts.Close)
	return ts
}

func sdkClient(b *testing.B, ts *fake.Server) *citrus.Client {
	opts := []citrus.Option{}
	if pool := ts.CertPool(); pool != nil {
		opts = append(opts, conformance.TrustTLS(pool))
	}
	c, err := citrus.New(citrus.Config{Environment: citrus.Dev, DevBaseURL: ts.URL + "/IPS-TST-RS/api", UserName: docUser, Password: docPassword}, opts...)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.PostPayment(context.Background(), post(docToken)); err != nil {
		b.Fatal(err)
	}
	return c
}

func benchSDK(b *testing.B, useTLS bool, goroutines int) {
	ts := benchServer(b, useTLS)
	c := sdkClient(b, ts)
	ctx := context.Background()
	req := post(docToken)
	call := func() {
		res, err := c.PostPayment(ctx, req)
		if err != nil || !res.Success {
			b.Error(err)
		}
	}
	fake.Measure(b, ts, goroutines, call)
}

// BenchmarkPostPayment is one payment callback through the SDK, session
// already established.
func BenchmarkPostPayment(b *testing.B) { benchSDK(b, false, 1) }

// BenchmarkPostPaymentParallel posts from 64 goroutines at once.
func BenchmarkPostPaymentParallel(b *testing.B) { benchSDK(b, false, 64) }

// BenchmarkPostPaymentParallelTLS posts from 64 goroutines over TLS.
func BenchmarkPostPaymentParallelTLS(b *testing.B) { benchSDK(b, true, 64) }

// rawClient is the same exchange written tightly by hand: one shared,
// tuned transport, the login once, the cookie header built once, the body
// marshalled per request, the answer read into a pooled buffer and decoded
// into the same typed structs.
type rawClient struct {
	hc      *http.Client
	target  string
	cookies string
	bufs    sync.Pool
}

type rawCallback struct {
	VoidReasonOnFailure string `json:"voidReasonOnFailure"`
	CashRegister        string `json:"cashRegister"`
	Token               string `json:"Token"`
}

type rawAnswer struct {
	Data struct {
		Transaction citrus.Transaction `json:"transaction"`
		Success     bool               `json:"success"`
	} `json:"data"`
	ResponseStatus citrus.ResponseStatus `json:"responseStatus"`
}

func newRawClient(b *testing.B, ts *fake.Server) *rawClient {
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256, ForceAttemptHTTP2: true}
	if pool := ts.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	base := ts.URL + "/IPS-TST-RS/api"
	rc := &rawClient{
		hc:     &http.Client{Transport: tr},
		target: base + "/cashiering/paymentprocessing/callback/authorized?Token=" + url.QueryEscape(docToken),
		bufs:   sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	resp, err := rc.hc.Post(base+"/portal/auth?UserName="+docUser+"&Password="+docPassword, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	var auth struct {
		SessionID string `json:"sessionId"`
	}
	err = json.NewDecoder(resp.Body).Decode(&auth)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	rc.cookies = "ips.username=Rhythm; ss-id=" + auth.SessionID + "; ss-pid=" + auth.SessionID + "; " + resp.Cookies()[0].String()
	return rc
}

func (rc *rawClient) post(ctx context.Context) error {
	body, err := json.Marshal(rawCallback{VoidReasonOnFailure: "Customer", CashRegister: "OnlinePortal", Token: docToken})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rc.target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header["Content-Type"] = []string{"application/json"}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Cookie"] = []string{rc.cookies}
	resp, err := rc.hc.Do(req)
	if err != nil {
		return err
	}
	buf := rc.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var out rawAnswer
	err = json.Unmarshal(buf.Bytes(), &out)
	rc.bufs.Put(buf)
	if err != nil || resp.StatusCode != 200 || !out.Data.Success {
		return err
	}
	return nil
}

func benchRaw(b *testing.B, useTLS bool, goroutines int) {
	ts := benchServer(b, useTLS)
	rc := newRawClient(b, ts)
	ctx := context.Background()
	call := func() {
		if err := rc.post(ctx); err != nil {
			b.Error(err)
		}
	}
	fake.Measure(b, ts, goroutines, call)
}

// BenchmarkRawNetHTTP is the tight hand-written baseline of BenchmarkPostPayment.
func BenchmarkRawNetHTTP(b *testing.B) { benchRaw(b, false, 1) }

// BenchmarkRawNetHTTPParallel is the baseline of BenchmarkPostPaymentParallel.
func BenchmarkRawNetHTTPParallel(b *testing.B) { benchRaw(b, false, 64) }

// BenchmarkRawNetHTTPParallelTLS is the baseline of BenchmarkPostPaymentParallelTLS.
func BenchmarkRawNetHTTPParallelTLS(b *testing.B) { benchRaw(b, true, 64) }
