package accela_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/civicpay/datapump/accela"
)

// benchServer answers the token endpoint and Commit Payment with the partner
// document's sample, doing as little else as possible.
func benchServer(b *testing.B) *httptest.Server {
	commitBody := fixture(b, "commit-response-sample.json")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+testToken+`","token_type":"bearer","expires_in":"900","refresh_token":"r"}`)
	})
	mux.HandleFunc("PUT /v4/payments/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != testToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Accela-Traceid", "130527090003731-9b30f89c")
		_, _ = w.Write(commitBody)
	})
	ts := httptest.NewServer(mux)
	b.Cleanup(ts.Close)
	return ts
}

// BenchmarkCommitPayment is one commit through the SDK, token already held.
func BenchmarkCommitPayment(b *testing.B) {
	ts := benchServer(b)
	cfg := wireConfig()
	cfg.BaseURL, cfg.TokenURL = ts.URL, ts.URL+"/oauth2/token"
	c, err := accela.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := sampleCommit(b)
	if _, err := c.CommitPayment(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.CommitPayment(ctx, req)
		if err != nil || len(res.Result.CompletePayments) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawNetHTTP is the same commit written by hand with net/http:
// same URL, headers and JSON body, decoded into the same struct.
func BenchmarkRawNetHTTP(b *testing.B) {
	ts := benchServer(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	ctx := context.Background()
	target := ts.URL + "/v4/payments/" + docTransaction

	type card struct {
		CardType             string `json:"cardType"`
		CardNumberLastDigits string `json:"cardNumberLastDigits,omitempty"`
		HolderName           string `json:"holderName,omitempty"`
	}
	type commit struct {
		Amount                     json.Number `json:"amount"`
		ConvenienceFee             json.Number `json:"convenienceFee"`
		PayeePhone                 string      `json:"payeePhone,omitempty"`
		PaymentMethod              string      `json:"paymentMethod"`
		PaymentSystemTransactionID string      `json:"paymentSystemTransactionId"`
		CreditCard                 *card       `json:"creditCard,omitempty"`
	}

	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(commit{
			Amount: "100.50", ConvenienceFee: "0", PayeePhone: "4067615677", PaymentMethod: "Credit Card",
			PaymentSystemTransactionID: "d1f63549-8fd1-4be5-abf8-e624897044be",
			CreditCard:                 &card{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston"},
		})
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", testToken)
		req.Header.Set("X-Accela-Appid", "app-123")
		req.Header.Set("X-Accela-Agency", "TACOMA")
		req.Header.Set("X-Accela-Environment", "PROD")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out accela.CommitPaymentResult
		err = json.NewDecoder(resp.Body).Decode(&out)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || len(out.Result.CompletePayments) != 1 {
			b.Fatal(resp.StatusCode, err)
		}
	}
}
