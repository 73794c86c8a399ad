package accela_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
)

const benchToken = "bench-access-token-0123456789"

// benchServer answers the token endpoint and Commit Payment with the partner
// document's sample, doing as little else as possible.
func benchServer(b *testing.B, useTLS bool) *fake.Server {
	commitBody, err := os.ReadFile("testdata/commit-response-sample.json")
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+benchToken+`","token_type":"bearer","expires_in":"900","refresh_token":"r"}`)
	})
	mux.HandleFunc("PUT /v4/payments/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != benchToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Accela-Traceid", "130527090003731-9b30f89c")
		_, _ = w.Write(commitBody)
	})
	ts := fake.Start(mux, useTLS)
	b.Cleanup(ts.Close)
	return ts
}

func benchCommitRequest() *accela.CommitPaymentRequest {
	return &accela.CommitPaymentRequest{
		TransactionID:              "322931",
		Amount:                     accela.Cents(10050),
		PaymentMethod:              accela.CreditCard,
		PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
		PayeePhone:                 "4067615677",
		CreditCard:                 &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
	}
}

func benchSDK(b *testing.B, useTLS bool, goroutines int) {
	ts := benchServer(b, useTLS)
	opts := []accela.Option{}
	if pool := ts.CertPool(); pool != nil {
		opts = append(opts, conformance.TrustTLS(pool))
	}
	c, err := accela.New(accela.Config{
		BaseURL: ts.URL, TokenURL: ts.URL + "/oauth2/token",
		AppID: "app", AppSecret: "secret", UserName: "u", Password: "p", Agency: "TACOMA", AgencyEnvironment: "PROD",
	}, opts...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := benchCommitRequest()
	if _, err := c.CommitPayment(ctx, req); err != nil {
		b.Fatal(err)
	}
	call := func() {
		res, err := c.CommitPayment(ctx, req)
		if err != nil || len(res.Payments) != 1 {
			b.Error(err)
		}
	}
	fake.Measure(b, ts, goroutines, call)
}

// BenchmarkCommitPayment is one commit through the SDK, token already held.
func BenchmarkCommitPayment(b *testing.B) { benchSDK(b, false, 1) }

// BenchmarkCommitPaymentParallel commits from 64 goroutines at once.
func BenchmarkCommitPaymentParallel(b *testing.B) { benchSDK(b, false, 64) }

// BenchmarkCommitPaymentParallelTLS commits from 64 goroutines over TLS.
func BenchmarkCommitPaymentParallelTLS(b *testing.B) { benchSDK(b, true, 64) }

// The raw baseline's wire types: the same shapes, written by hand.
type (
	rawCreditCard struct {
		CardType             string `json:"cardType"`
		CardNumberLastDigits string `json:"cardNumberLastDigits"`
		HolderName           string `json:"holderName"`
	}
	rawCommit struct {
		Amount                     json.Number    `json:"amount"`
		ConvenienceFee             json.Number    `json:"convenienceFee"`
		PayeePhone                 string         `json:"payeePhone"`
		PaymentMethod              string         `json:"paymentMethod"`
		PaymentSystemTransactionID string         `json:"paymentSystemTransactionId"`
		CreditCard                 *rawCreditCard `json:"creditCard"`
	}
	rawAnswer struct {
		Status int `json:"status"`
		Result struct {
			CompletePayments []accela.CompletePayment `json:"completePayments"`
		} `json:"result"`
	}
)

// benchRaw is the same exchange written tightly by hand: one shared, tuned
// transport, the token once, headers built once, the body marshalled per
// request, the answer read into a pooled buffer and decoded into the same
// typed structs.
func benchRaw(b *testing.B, useTLS bool, goroutines int) {
	ts := benchServer(b, useTLS)
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256, ForceAttemptHTTP2: true}
	if pool := ts.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	hc := &http.Client{Transport: tr}
	resp, err := hc.Post(ts.URL+"/oauth2/token", "application/x-www-form-urlencoded", nil)
	if err != nil {
		b.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	target := ts.URL + "/v4/payments/322931"
	headers := http.Header{
		"Content-Type":         {"application/json"},
		"Accept":               {"application/json"},
		"Authorization":        {tok.AccessToken},
		"X-Accela-Appid":       {"app"},
		"X-Accela-Agency":      {"TACOMA"},
		"X-Accela-Environment": {"PROD"},
	}
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	ctx := context.Background()
	call := func() {
		body, err := json.Marshal(rawCommit{
			Amount: "100.50", ConvenienceFee: "0", PayeePhone: "4067615677", PaymentMethod: "Credit Card",
			PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
			CreditCard:                 &rawCreditCard{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
		})
		if err != nil {
			b.Error(err)
			return
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(body))
		if err != nil {
			b.Error(err)
			return
		}
		for k, v := range headers {
			req.Header[k] = v
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		buf := bufs.Get().(*bytes.Buffer)
		buf.Reset()
		_, err = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		var out rawAnswer
		if err == nil {
			err = json.Unmarshal(buf.Bytes(), &out)
		}
		bufs.Put(buf)
		if err != nil || resp.StatusCode != 200 || len(out.Result.CompletePayments) != 1 {
			b.Error(resp.StatusCode, err)
		}
	}
	fake.Measure(b, ts, goroutines, call)
}

// BenchmarkRawNetHTTP is the tight hand-written baseline of BenchmarkCommitPayment.
func BenchmarkRawNetHTTP(b *testing.B) { benchRaw(b, false, 1) }

// BenchmarkRawNetHTTPParallel is the baseline of BenchmarkCommitPaymentParallel.
func BenchmarkRawNetHTTPParallel(b *testing.B) { benchRaw(b, false, 64) }

// BenchmarkRawNetHTTPParallelTLS is the baseline of BenchmarkCommitPaymentParallelTLS.
func BenchmarkRawNetHTTPParallelTLS(b *testing.B) { benchRaw(b, true, 64) }
