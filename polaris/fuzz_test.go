package polaris_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/polaris"
	"github.com/jarcoal/httpmock"
)

// The fuzz targets feed partner answers to the client through httpmock and
// check that nothing panics, that a nil error comes only with what the
// call exists to return, that every error is exactly one outcome on one
// line, and that no secret the client knows is ever echoed in an error,
// even when the answer is full of them.

const (
	fuzzCardUser     = "fuzz-card-user-0192837465"
	fuzzCardPassword = "fuzz-card-password-5647382910"
)

// fuzzSecrets are every secret a fuzzed client knows.
func fuzzSecrets() []string {
	return []string{docPassword, docToken, docSecret, fuzzCardUser, fuzzCardPassword,
		base64.StdEncoding.EncodeToString([]byte(`LIBRARY\leapstaff:` + docPassword))}
}

// echoSecrets is an answer that repeats every secret and a card number.
func echoSecrets() string {
	return `{"Message":"` + strings.Join(fuzzSecrets(), " ") + ` 4111111111111111"}`
}

// fuzzServer answers the next API call with status and body.
type fuzzServer struct {
	mu     sync.Mutex
	status int
	body   []byte
}

func (s *fuzzServer) set(status int, body []byte) {
	s.mu.Lock()
	s.status, s.body = 200+status%400, body // 200..599: no 1xx, which net/http handles itself
	if s.status >= 300 && s.status < 400 {
		s.status += 100 // redirects are the transport's own tests
	}
	s.mu.Unlock()
}

func (s *fuzzServer) respond(*http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return httpmock.NewBytesResponse(s.status, s.body), nil
}

// fuzzClient is a client logged in to a mock Polaris whose API answers
// come from s.
func fuzzClient(f *testing.F, s *fuzzServer) *polaris.Client {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewStringResponder(200, loginAnswer("2099-05-29T17:11:59.33")))
	mock.RegisterResponder(http.MethodPut, `=~^`+docAPI+`/`, s.respond)
	mock.RegisterResponder(http.MethodGet, `=~^`+docAPI+`/`, s.respond)
	c, err := polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}),
		polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Authenticate(context.Background()); err != nil {
		f.Fatal(err)
	}
	return c
}

// checkError fails t unless err is a one-line *Error of exactly one
// outcome that repeats no secret.
func checkError(t *testing.T, err error) {
	var e *polaris.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a *polaris.Error: %T %v", err, err)
	}
	n := 0
	for _, s := range []error{polaris.ErrOutcomeUnknown, polaris.ErrNotApplied, polaris.ErrAlreadyApplied} {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("matches %d outcomes: %v", n, err)
	}
	text := fmt.Sprintf("%v|%+v|%#v", err, err, err)
	for _, s := range fuzzSecrets() {
		if strings.Contains(text, s) {
			t.Fatalf("error repeats a secret: %s", text)
		}
	}
	parts := []string{e.Message, e.Code, e.TraceID, e.URL, e.Reconcile}
	for _, f := range e.Fields {
		parts = append(parts, f.Field, f.Code, f.Message)
	}
	for _, p := range parts { // each part: "HTTP 400" next to a digit message is no card number
		if redact.ContainsCardNumber(p) {
			t.Fatalf("error repeats a card number: %s", text)
		}
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error is not one line: %q", err.Error())
	}
}

func fuzzPay() *polaris.PayFinesAndFeesRequest {
	req := docPay()
	req.CreditCardPaymentData.UserName, req.CreditCardPaymentData.Password = fuzzCardUser, fuzzCardPassword
	return req
}

func FuzzPayAnswer(f *testing.F) {
	f.Add(0, []byte(`{"TxnIds":[1,2]}`))
	f.Add(0, fixture(f, "pay-response-sample.json"))
	f.Add(0, fixture(f, "pay-response-as-printed.txt"))
	f.Add(0, []byte(`{"TxnIds":[0]}`))
	f.Add(0, []byte(`{"TxnIds":null,"FinesAndFees":[{"TxnDate":"x"}]}`))
	f.Add(0, []byte(`{"FinesAndFees":[{"TxnDate":"2013-05-29T17:11:59.33Z","TxnAmount":"1e400"}],"TxnIds":[3]}`))
	f.Add(200, []byte(`{"Message":"The transactions are already paid."}`))
	f.Add(209, []byte(`{"Message":"Patron record is secured."}`))
	f.Add(200, []byte(echoSecrets()))
	f.Add(300, []byte(echoSecrets()))
	f.Add(201, []byte("<html>"+strings.Join(fuzzSecrets(), "\r\n")+"</html>"))
	f.Add(200, []byte(`{"ErrorCode":{"a":1},"ModelState":{"x":["`+fuzzCardPassword+`"]}}`))
	s := &fuzzServer{}
	c := fuzzClient(f, s)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		s.set(status, body)
		res, err := c.PayFinesAndFees(context.Background(), fuzzPay())
		if err != nil {
			checkError(t, err)
			if res != nil {
				t.Fatalf("a result with an error: %+v", res)
			}
			return
		}
		if len(res.TxnIDs) == 0 {
			t.Fatal("applied without TxnIds")
		}
		for _, id := range res.TxnIDs {
			if id <= 0 {
				t.Fatalf("applied with TxnId %d", id)
			}
		}
	})
}

func FuzzWorkflowAnswer(f *testing.F) {
	reply := func(status, rest string) []byte {
		return []byte(`{"WorkflowRequestGuid":"` + docWorkflow + `","WorkflowStatus":` + status + rest + `}`)
	}
	f.Add(0, reply("1", ""))
	f.Add(0, reply("-3", `,"Prompt":{"WorkflowPromptID":93}`))
	f.Add(0, reply("-3", `,"Prompt":null`))
	f.Add(0, reply("-1", `,"InformationMessages":[{"Type":3,"Message":"`+fuzzCardPassword+`"}]`))
	f.Add(0, reply("-2", `,"InformationMessages":null`))
	f.Add(0, reply("2", `,"InformationMessages":[{"Title":"\r\n","Message":"4111111111111111"}]`))
	f.Add(0, reply("99", ""))
	f.Add(0, []byte(`{"InformationMessages":[{"Message":"failed"}]}`))
	f.Add(200, []byte(`{"Message":"The workflow request is already completed."}`))
	f.Add(200, []byte(echoSecrets()))
	s := &fuzzServer{}
	c := fuzzClient(f, s)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		s.set(status, body)
		a := docAnswer()
		a.ReplyExtension.Data.CreditCardPaymentData.UserName = fuzzCardUser
		a.ReplyExtension.Data.CreditCardPaymentData.Password = fuzzCardPassword
		res, err := c.AnswerWorkflow(context.Background(), a)
		if err != nil {
			checkError(t, err)
		}
		if res == nil {
			if err == nil {
				t.Fatal("neither a result nor an error")
			}
			return
		}
		if res.WorkflowRequestGUID == "" {
			t.Fatal("a result without the workflow's GUID")
		}
		if res.Status == polaris.InputRequired && (res.Prompt == nil || res.Done()) {
			t.Fatal("InputRequired without a prompt to answer")
		}
		if err == nil && (res.Status == polaris.InvalidReply || res.Status == polaris.ErrorOccurred || res.Status == polaris.CompletedFailure) {
			t.Fatalf("status %v with a nil error", res.Status)
		}
	})
}

func FuzzFinesAndFees(f *testing.F) {
	f.Add(fixture(f, "pay-response-sample.json"))
	f.Add([]byte(`[{"TxnID":1,"OutstandingAmount":2.5,"TxnDate":"2013-05-29T17:11:59.33"}]`))
	f.Add([]byte(`[{"TxnID":"1"}]`))
	f.Add([]byte(`{"FinesAndFees":{}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[`))
	s := &fuzzServer{}
	c := fuzzClient(f, s)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.set(0, body)
		res, err := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: 1234})
		if err != nil {
			checkError(t, err)
			return
		}
		for _, fine := range res.FinesAndFees {
			if _, listed := res.Outstanding(fine.TxnID); !listed {
				t.Fatalf("transaction %d is listed but not found", fine.TxnID)
			}
		}
	})
}

func FuzzLoginAnswer(f *testing.F) {
	f.Add(200, []byte(loginAnswer("2099-05-29T17:11:59.33")))
	f.Add(200, []byte(loginAnswer("2001-01-01")))
	f.Add(200, []byte(loginAnswer("\u0000")))
	f.Add(200, []byte(`{"AccessToken":"a b","AccessSecret":"c"}`))
	f.Add(200, []byte(`{"AccessToken":{},"AccessSecret":[]}`))
	f.Add(401, []byte(`{"Message":"`+docPassword+`"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		s := &fuzzServer{}
		s.set(status, body)
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, docLogin, s.respond)
		c, err := polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}),
			polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Authenticate(context.Background())
		if err != nil {
			var e *polaris.Error
			if !errors.As(err, &e) || strings.Contains(fmt.Sprintf("%v|%+v", err, err), docPassword) {
				t.Fatalf("bad login error: %v", err)
			}
			return
		}
		if res.AccessToken == "" || res.AccessSecret == "" {
			t.Fatal("a login without a token")
		}
		p := fmt.Sprintf("%v|%+v", res, res)
		for _, secret := range []polaris.Secret{res.AccessToken, res.AccessSecret} {
			if v := secret.Reveal(); len(v) >= 8 && strings.Contains(p, v) { // shorter ones match by chance
				t.Fatalf("the login result prints its token: %s", p)
			}
		}
	})
}

func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2013-05-29T17:11:59.33"`, `"2013-05-29T17:11:59.33-04:00"`, `"2013-05-29"`, `null`, `""`, `"x"`, `1`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v polaris.Time
		if err := v.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := v.MarshalJSON()
		if err != nil {
			t.Fatalf("cannot encode a decoded time: %v", err)
		}
		var back polaris.Time
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(v.Time) {
			t.Fatalf("round trip of %s: %s, %v", b, out, err)
		}
	})
}
