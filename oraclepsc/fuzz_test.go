package oraclepsc_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeCheckoutPayment feeds Oracle answers to the decoders of an
// item and a collection: they never panic, and what they accept encodes
// again.
func FuzzDecodeCheckoutPayment(f *testing.F) {
	f.Add(fixture(f, "create-response.json"))
	f.Add(fixture(f, "list-response.json"))
	f.Add([]byte(`{"CheckoutPmtId":"300000100000123","LineAmount":"1e3","CheckDate":"2024-02-29T00:00:00Z","AuthorizationDttm":"2024-05-01T18:03:07.25+0000"}`))
	f.Add([]byte(`{"CheckoutPmtId":1.5,"links":{"rel":"self"}}`))
	f.Add([]byte(`{"items":null,"count":"1","hasMore":"yes"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p oraclepsc.CheckoutPayment
		if json.Unmarshal(b, &p) == nil {
			_, err := json.Marshal(p)
			require.NoError(t, err)
		}
		var l oraclepsc.ListCheckoutPaymentsResult
		if json.Unmarshal(b, &l) == nil {
			_, err := json.Marshal(l)
			require.NoError(t, err)
			_ = l.FindReference(wireRef)
		}
	})
}

// FuzzDateAndDateTime: the lenient time decoders never panic, and their
// errors are fixed texts that never repeat the input.
func FuzzDateAndDateTime(f *testing.F) {
	for _, s := range []string{`"2024-02-29"`, `"2024-05-01T18:03:07.250+00:00"`, `"2024-05-01T18:03:07.25+0000"`, `null`, `""`, `"2024-13-45"`, `12`, `"\u0000"`} {
		f.Add(s)
	}
	fixed := map[string]bool{
		"oraclepsc: date is not a JSON string": true, "oraclepsc: date is not YYYY-MM-DD": true,
		"oraclepsc: date-time is not a JSON string": true, "oraclepsc: date-time is not in RFC 3339": true,
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d oraclepsc.Date
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			var syntax *json.SyntaxError
			assert.True(t, fixed[err.Error()] || errors.As(err, &syntax), "%v", err)
		} else {
			b, err := json.Marshal(d)
			require.NoError(t, err, "a decoded date is a calendar date")
			var again oraclepsc.Date
			require.NoError(t, json.Unmarshal(b, &again))
			assert.Equal(t, d, again)
		}
		var dt oraclepsc.DateTime
		if err := json.Unmarshal([]byte(s), &dt); err != nil {
			var syntax *json.SyntaxError
			assert.True(t, fixed[err.Error()] || errors.As(err, &syntax), "%v", err)
		} else {
			_, err := json.Marshal(dt)
			require.NoError(t, err)
		}
	})
}

// FuzzErrorBody feeds error answers, of any media type and body, to the
// client: every error is one *Error with exactly one outcome, on one line,
// without the password or the Basic credential even when the body echoes
// them.
func FuzzErrorBody(f *testing.F) {
	basic := base64.StdEncoding.EncodeToString([]byte(wireUser + ":" + wirePassword))
	f.Add(400, oraclepsc.ErrorMediaType, string(fixture(f, "error-validation.json")))
	f.Add(400, oraclepsc.ErrorMediaType, string(fixture(f, "error-duplicate.json")))
	f.Add(409, "text/plain", string(fixture(f, "error-duplicate.txt")))
	f.Add(500, "application/json", `{"title":"x","o:errorDetails":[{"detail":"`+wirePassword+`","o:errorCode":"JBO-1"}]}`)
	f.Add(401, "", "JBO-1: Basic "+basic)
	f.Add(404, "text/html", "<html>"+wirePassword+"</html>")
	f.Add(400, "application/vnd.oracle.adf.error+json; charset=utf-8", `{"o:errorCode":"JBO-25013","status":400}`)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 400 || status > 599 {
			status = 400 + (status%200+200)%200
		}
		hc, _ := mockOracle(t, answer{status: status, body: []byte(body), header: http.Header{"Content-Type": {contentType}}})
		c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc), oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		_, err = c.CreateCheckoutPayment(context.Background(), minimal())
		var e *oraclepsc.Error
		require.ErrorAs(t, err, &e)
		n := 0
		for _, s := range []error{oraclepsc.ErrOutcomeUnknown, oraclepsc.ErrNotApplied, oraclepsc.ErrAlreadyApplied} {
			if errors.Is(err, s) {
				n++
			}
		}
		assert.Equal(t, 1, n, "%v", err)
		text := err.Error()
		assert.NotContains(t, text, "\n")
		assert.NotContains(t, text, wirePassword)
		assert.NotContains(t, text, basic)
		if errors.Is(err, oraclepsc.ErrAlreadyApplied) {
			assert.Contains(t, []int{400, 409}, status)
		}
	})
}

// FuzzCreateRequest sends arbitrary text in the attributes: the client
// never panics, refuses before sending or sends valid JSON carrying the
// text exactly, and never sends a card number in free text.
func FuzzCreateRequest(f *testing.F) {
	f.Add("300000100000001", "CPAY4528190077361234", "Permit fees", "100.50", "USD")
	f.Add("../x", "CPAY'1", "card 4111 1111 1111 1111", "1.005", "usd")
	f.Add("300000100000001", "R", "é\n\t", "92233720368547758.07", "")
	f.Add("%2F", "R;1", "\x00", "-1", "EU")
	f.Fuzz(func(t *testing.T, checkout, ref, description, amountText, currency string) {
		hc, rec := mockOracle(t, created(t))
		c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc))
		require.NoError(t, err)
		a, _ := oraclepsc.ParseAmount(amountText)
		req := &oraclepsc.CreateCheckoutPaymentRequest{
			CheckoutID: oraclepsc.CheckoutID(checkout), PaymentReferenceID: oraclepsc.PaymentReferenceID(ref),
			Description: description, LineAmount: a, PaymentCurrency: currency,
		}
		_, err = c.CreateCheckoutPayment(context.Background(), req)
		if rec.count() == 0 {
			require.ErrorIs(t, err, oraclepsc.ErrNotApplied, "nothing sent: refused before sending")
			return
		}
		_, body := rec.last(t)
		var sent map[string]any
		require.NoError(t, json.Unmarshal(body, &sent), "%s", body)
		if description != "" {
			assert.Equal(t, description, sent["Description"])
		}
		assert.Equal(t, ref, sent["PaymentReferenceId"])
		assert.False(t, strings.ContainsAny(ref, `'";`), "a reference q cannot express was sent")
	})
}
