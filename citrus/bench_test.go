package citrus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/civicpay/datapump/citrus"
)

// benchServer answers like IPS with the partner document's samples and does
// as little else as possible, so the benchmarks measure the client side.
func benchServer(b *testing.B) *httptest.Server {
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
	ts := httptest.NewServer(mux)
	b.Cleanup(ts.Close)
	return ts
}

// BenchmarkPostPayment is one payment callback through the SDK, session
// already established.
func BenchmarkPostPayment(b *testing.B) {
	ts := benchServer(b)
	c, err := citrus.New(citrus.Config{Environment: citrus.Dev, DevBaseURL: ts.URL + "/IPS-TST-RS/api", UserName: docUser, Password: docPassword})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.PostPayment(ctx, docToken); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.PostPayment(ctx, docToken)
		if err != nil || !res.Success {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawNetHTTP is the same exchange written by hand with net/http:
// same URL, cookies and body, decoding into the same typed structs.
func BenchmarkRawNetHTTP(b *testing.B) {
	ts := benchServer(b)
	base := ts.URL + "/IPS-TST-RS/api"
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	ctx := context.Background()

	resp, err := hc.Post(base+"/portal/auth?UserName="+docUser+"&Password="+docPassword, "", nil)
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
	instance := resp.Cookies()[0]
	type callback struct {
		VoidReasonOnFailure string `json:"voidReasonOnFailure"`
		CashRegister        string `json:"cashRegister"`
		Token               string `json:"Token"`
	}
	target := base + "/cashiering/paymentprocessing/callback/authorized?Token=" + url.QueryEscape(docToken)

	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(callback{VoidReasonOnFailure: "Customer", CashRegister: "OnlinePortal", Token: docToken})
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.AddCookie(&http.Cookie{Name: "ips.username", Value: "Rhythm"})
		req.AddCookie(&http.Cookie{Name: "ss-id", Value: auth.SessionID})
		req.AddCookie(&http.Cookie{Name: "ss-pid", Value: auth.SessionID})
		req.AddCookie(instance)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			Data struct {
				Transaction citrus.Transaction `json:"transaction"`
				Success     bool               `json:"success"`
			} `json:"data"`
			ResponseStatus citrus.ResponseStatus `json:"responseStatus"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !out.Data.Success {
			b.Fatal(resp.StatusCode, err)
		}
	}
}
