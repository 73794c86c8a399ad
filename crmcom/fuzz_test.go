package crmcom_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicpay/datapump/crmcom"
)

// Fuzz targets for every decoder of CRM.COM's data. Each must never panic,
// and an error must never echo a secret. `go test` runs the seeds; run one
// with `go test -fuzz FuzzPayInvoiceAnswer ./crmcom/`.

// seedResponses adds every sample response of the partner document.
func seedResponses(f *testing.F, add func(body []byte)) {
	files, _ := filepath.Glob("testdata/*-response.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	for _, s := range []string{``, `null`, `{}`, `[]`, `{"status":null}`, `{"status":{"code":"OK"},"data":null}`,
		`{"status":{"code":"INVALID_TOKEN"}}`, `{"status":{"code":"INVOICE_ALREADY_PAID"},"data":{"id":"1"}}`,
		`{"status":{"code":"OK"},"data":{"id":1e999}}`, `{"status":{"code":"OK"},"data":{"id":"x","issued_on":"2014-13-45T99:99:99"}}`,
		`{"status":{"code":"X","message":"` + docToken + `","description":"` + docPassword + `"}}`, `<html>`} {
		add([]byte(s))
	}
}

// checkErr asserts what every error of the SDK promises; secrets are the
// values the client knows as secrets (default: the password and the token
// its login obtained).
func checkErr(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var e *crmcom.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a *Error: %v", err)
	}
	n := 0
	for _, s := range []error{crmcom.ErrOutcomeUnknown, crmcom.ErrNotApplied, crmcom.ErrAlreadyApplied} {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("matches %d outcomes: %v", n, err)
	}
	if secrets == nil {
		secrets = []string{docToken, docPassword}
	}
	for _, s := range []string{err.Error(), fmtAll(err)} {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Fatalf("secret in error: %s", s)
			}
		}
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error on more than one line: %q", err.Error())
	}
}

// fuzzClient is a client whose login issues docToken and whose other
// answers are status and body.
func fuzzClient(t *testing.T, method, path string, status int, body []byte) *crmcom.Client {
	m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
	m.on(http.MethodPost, "/authentication/token", 200, envelope("OK", `{"token":"`+docToken+`"}`))
	m.on(method, path, status, body)
	c, err := crmcom.New(docConfig(), crmcom.WithHTTPClient(httpClient(m)),
		crmcom.WithRetryPolicy(crmcom.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fuzzStatus(s uint16) int { return 200 + int(s)%400 }

func FuzzPayInvoiceAnswer(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(uint16(0), b); f.Add(uint16(200), b) })
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		c := fuzzClient(t, http.MethodPost, "/payments/pay_invoice", fuzzStatus(status), body)
		res, err := c.PayInvoice(context.Background(), docPayInvoice())
		if err != nil {
			checkErr(t, err)
			return
		}
		if res == nil || res.Payment.ID == "" {
			t.Fatalf("applied without a payment id: %+v", res)
		}
	})
}

func FuzzCancelAnswer(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(uint16(0), b) })
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		c := fuzzClient(t, http.MethodPost, "/payments/cancel", fuzzStatus(status), body)
		res, err := c.CancelPayment(context.Background(), docCancel())
		if err != nil {
			checkErr(t, err)
			return
		}
		if res == nil || res.Cancellation.ID == "" {
			t.Fatalf("applied without a cancellation id: %+v", res)
		}
	})
}

func FuzzReadAnswers(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.Background()
		c := fuzzClient(t, http.MethodGet, "/payments/show", 200, body)
		if _, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{Number: "96"}}); err != nil {
			checkErr(t, err)
		}
		c = fuzzClient(t, http.MethodGet, "/payments/get_latest", 200, body)
		res, err := c.GetLatestPayments(ctx, &crmcom.GetLatestPaymentsRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"}, Number: 2,
		})
		if err != nil {
			checkErr(t, err)
		} else if res.Payments == nil {
			t.Fatal("a list is never nil")
		}
	})
}

func FuzzLoginAnswer(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(uint16(0), b) })
	f.Add(uint16(0), []byte(`{"status":{"code":"OK"},"data":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjR9.c2ln"}}`))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
		m.on(http.MethodPost, "/authentication/token", fuzzStatus(status), body)
		c, err := crmcom.New(docConfig(), crmcom.WithHTTPClient(httpClient(m)), crmcom.WithRetryPolicy(crmcom.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Login(context.Background()); err != nil {
			checkErr(t, err, docPassword) // a token it was refused with is not known to be one
		}
	})
}

// FuzzDecoders feeds the value decoders directly.
func FuzzDecoders(f *testing.F) {
	seedResponses(f, func(b []byte) { f.Add(b) })
	for _, s := range []string{`"2014-07-14T10:31:15"`, `12`, `"12"`, `-1.5e3`, `"x"`, `true`, `"1e"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id crmcom.ID
		_ = json.Unmarshal(b, &id)
		var tm crmcom.Time
		if json.Unmarshal(b, &tm) == nil {
			if _, err := tm.MarshalJSON(); err != nil {
				t.Fatalf("a decoded time does not encode: %v", err)
			}
		}
		var d crmcom.Decimal
		if json.Unmarshal(b, &d) == nil && d != "" {
			out, err := json.Marshal(d)
			if err != nil || !json.Valid(out) {
				t.Fatalf("a decoded decimal %q does not encode: %v", d, err)
			}
		}
		var p crmcom.Payment
		_ = json.Unmarshal(b, &p)
		var s crmcom.PaymentSummary
		_ = json.Unmarshal(b, &s)
	})
}
