package citrus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func TestGoldenCallbackAnswer(t *testing.T) {
	var out callbackAnswer
	require.NoError(t, json.Unmarshal(readFixture(t, "callback-response.json"), &out))
	require.NotNil(t, out.Data)
	require.NotNil(t, out.Data.Success)
	assert.False(t, *out.Data.Success)
	assert.NoError(t, out.Confirm(), "success:false is a definite answer")
	assert.Equal(t, ResponseStatus{Severity: "Success"}, out.ResponseStatus)

	tx := out.Data.Transaction
	assert.Equal(t, int64(1018), tx.ID)
	assert.Equal(t, int64(1), tx.CashDrawerID)
	assert.Equal(t, int64(1), tx.CashRegisterID)
	assert.Equal(t, " ", tx.Cashier)
	assert.Empty(t, tx.ReceiptNumber)
	assert.Equal(t, "None", tx.Status)
	assert.Equal(t, "Citrus Test Admin", tx.TransactionPayer)
	assert.Equal(t, Cents(5000), tx.TransactionAmount)
	assert.Equal(t, "50.00", tx.TransactionAmount.String())
	assert.Equal(t, "Pay", tx.TransactionType)
	assert.Equal(t, "1018-8E6F2386C545776F754F350683BD5DC8FEADF5BDEBE1E1843882F9B38A642BCC", tx.TransactionToken)
	assert.True(t, tx.VoidDate.IsZero(), "0001-01-01T00:00:00.0000000+00:00 is no date")
	assert.Equal(t, CodeDescription{Code: " "}, tx.VoidReason)
	assert.Equal(t, " ", tx.VoidedBy)
	assert.NotNil(t, tx.Distributions)
	assert.Empty(t, tx.Distributions)
	assert.True(t, tx.TransactionDateTime.Equal(time.Date(2022, 11, 9, 17, 17, 26, 0, time.FixedZone("", -5*3600))), tx.TransactionDateTime.String())

	assert.True(t, tx.Contact.IsEffective)
	assert.Equal(t, int64(1), tx.Contact.ID)
	assert.Equal(t, int64(1), tx.Contact.Identity.ID)
	assert.Equal(t, " ", tx.Contact.ContactType.Code)
	assert.NotNil(t, tx.Contact.Identity.Notifications)

	require.Len(t, tx.Charges, 1)
	ch := tx.Charges[0]
	assert.Equal(t, int64(1027), ch.ID)
	assert.Equal(t, "CDR.Building", ch.ChargeTypeID)
	assert.Equal(t, "Unpaid", ch.Status)
	assert.Equal(t, json.Number("1"), ch.Quantity)
	assert.Equal(t, json.Number("0"), ch.TaxRate)
	assert.True(t, ch.UnitPrice.IsZero(), "the sample's unitPrice is 0")
	assert.Equal(t, Cents(5000), ch.Subtotal)
	assert.Equal(t, Cents(5000), ch.Total)
	assert.True(t, ch.Tax.IsZero())
	assert.True(t, ch.PaymentAmount.IsZero())
	assert.Equal(t, 63, ch.TenderTypeRaw)
	_, offset := ch.ChargeDate.Zone()
	assert.Equal(t, -4*3600, offset, "offsets are kept")
	assert.Equal(t, "2022-10-20T11:51:02-04:00", ch.ChargeDate.Format(time.RFC3339))

	require.Len(t, tx.Payments, 2)
	pay, void := tx.Payments[0], tx.Payments[1]
	assert.Equal(t, int64(1019), pay.ID)
	assert.True(t, pay.CardExpirationDate.IsZero())
	assert.Equal(t, "Credit", pay.Tender)
	assert.Equal(t, "Payment", pay.TransactionType)
	assert.True(t, pay.IsReversed)
	assert.Equal(t, "Approved", pay.PaymentAuthorization.TransactionStatus)
	assert.Equal(t, int64(1015), pay.PaymentAuthorization.ID)
	assert.Equal(t, Cents(5000), pay.PaymentAuthorization.Amount)
	assert.Equal(t, int64(1005), pay.CashDrawerID)
	assert.Equal(t, Cents(5000), pay.TransactionAmount)

	assert.Equal(t, "Void", void.TransactionType)
	assert.Equal(t, Cents(-5000), void.TransactionAmount)
	assert.Equal(t, "-50.00", void.TransactionAmount.String())
	assert.Equal(t, CodeDescription{Code: "Fees", Description: "Incorrect Fees Payment"}, void.VoidReason)
	assert.Equal(t, "0002", void.VoidedBy)
	assert.False(t, void.VoidDateTime.IsZero())
	assert.Equal(t, "Pending", void.PaymentAuthorization.TransactionStatus)
}

// The body PostPayment sends is the document's sample, byte for byte once
// the sample's indentation is removed.
func TestGoldenCallbackRequest(t *testing.T) {
	out, err := json.Marshal(callbackBody{
		VoidReasonOnFailure: DefaultVoidReasonOnFailure,
		CashRegister:        DefaultCashRegister,
		Token:               "1018-8E6F2386C545776F754F350683BD5DC8FEADF5BDEBE1E1843882F9B38A642BCC",
	})
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, json.Compact(&want, readFixture(t, "callback-request.json")))
	assert.Equal(t, want.String(), string(out))
}

func TestGoldenAuthAnswer(t *testing.T) {
	var out authAnswer
	require.NoError(t, json.Unmarshal(readFixture(t, "auth-response.json"), &out))
	assert.Equal(t, "Hpx0Hd5H8fJ9RrtQjxsG", out.SessionID.Reveal())
	assert.Equal(t, "CitrusTestAdmin", out.UserName)
	assert.Equal(t, ResponseStatus{}, out.ResponseStatus)
	res := AuthResult(out)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", res, res, res, res.SessionID), "Hpx0Hd5H8fJ9RrtQjxsG", "the session id never prints")
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "Hpx0Hd5H8fJ9RrtQjxsG")
}

func TestCallbackAnswerConfirm(t *testing.T) {
	cases := map[string]string{ // body: Confirm's error, "" when it confirms
		`{"data":{"transaction":{"id":1},"success":true}}`:                         "",
		`{"data":{"success":false}}`:                                               "",
		`{"data":{"transaction":{"id":1018},"success":false},"responseStatus":{}}`: "",
		`{"responseStatus":{"errorCode":"ArgumentException"}}`:                     "",
		`{"data":{"success":true},"responseStatus":{"errorCode":"Oops"}}`:          "",
		`{"data":null,"responseStatus":{"errorCode":"X"}}`:                         "",
		`{"data":{"success":true}}`:                                                "success without a transaction id",
		`{"data":{"transaction":{"id":0},"success":true}}`:                         "success without a transaction id",
		`{"data":{"transaction":{"id":1}}}`:                                        "no data.success",
		`{"data":{"transaction":{"id":1},"success":null}}`:                         "no data.success",
		`{"data":{}}`:   "no data.success",
		`{"data":null}`: "no data.success",
		`{"responseStatus":{"message":"only a message"}}`: "no data.success",
		`{}`:   "no data.success",
		`null`: "no data.success",
	}
	for body, want := range cases {
		var a callbackAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &a), body)
		if want == "" {
			assert.NoError(t, a.Confirm(), body)
		} else {
			assert.EqualError(t, a.Confirm(), want, body)
		}
	}
	var a callbackAnswer
	for _, bad := range []string{`{"data":{"success":"true"}}`, `{"data":{"transaction":{"id":"1"}}}`, `{"data":[]}`, `{"responseStatus":{"errorCode":1}}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &a), bad)
	}
}

func TestParseErrorShapes(t *testing.T) {
	var e transport.Error
	parseError(&e, nil, []byte(`{"responseStatus":{"errorCode":"ValidationException","message":"Validation failed","stackTrace":"at IPS...",
		"errors":[{"errorCode":"NotEmpty","fieldName":"UserName","message":"'User Name' should not be empty.","meta":{"a":"b"}},{"fieldName":"Token"}]}}`))
	assert.Equal(t, transport.Error{Code: "ValidationException", Message: "Validation failed", Fields: []transport.FieldError{
		{Field: "UserName", Code: "NotEmpty", Message: "'User Name' should not be empty."}, {Field: "Token"},
	}}, e, "the stack trace is never kept")

	for _, body := range []string{`<html>500</html>`, ``, `{}`, `{"responseStatus":null}`, `{"responseStatus":{"errorCode":5}}`, `[]`} {
		e := transport.Error{StatusCode: 500}
		parseError(&e, nil, []byte(body))
		assert.Equal(t, transport.Error{StatusCode: 500}, e, body)
	}
	assert.Nil(t, fieldErrors(nil))
	assert.Nil(t, fieldErrors([]ResponseError{}))
}

func TestTime(t *testing.T) {
	cases := map[string]string{
		`"2022-11-09T17:17:28.0000000-05:00"`: "2022-11-09T17:17:28-05:00",
		`"2022-11-09T17:17:28.1234567+00:00"`: "2022-11-09T17:17:28.1234567Z",
		`"2022-11-09T17:17:28Z"`:              "2022-11-09T17:17:28Z",
		`"2022-11-09T17:17:28.5"`:             "2022-11-09T17:17:28.5Z",
		`"2022-11-09T17:17:28"`:               "2022-11-09T17:17:28Z",
		`"2022-11-09 17:17:28"`:               "2022-11-09T17:17:28Z",
		`"2022-11-09"`:                        "2022-11-09T00:00:00Z",
	}
	for in, want := range cases {
		var tm Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.Equal(t, want, tm.Format(time.RFC3339Nano), in)
	}
	for _, zero := range []string{`"0001-01-01T00:00:00"`, `"0001-01-01T00:00:00.0000000+00:00"`, `"0001-01-01T00:00:00Z"`, `""`, `null`} {
		tm := Time{time.Now()}
		require.NoError(t, json.Unmarshal([]byte(zero), &tm), zero)
		assert.True(t, tm.IsZero(), zero)
	}
	for _, bad := range []string{`"yesterday"`, `17`, `"2022-13-01T00:00:00"`, `"/Date(1234)/"`, `{}`, `"2022-11-09T17:17:28+25:00"`} {
		var tm Time
		err := json.Unmarshal([]byte(bad), &tm)
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), strings.Trim(bad, `"`), "the input is not repeated")
	}

	b, err := json.Marshal(Time{time.Date(2022, 11, 9, 17, 17, 28, 123456789, time.FixedZone("", -5*3600))})
	require.NoError(t, err)
	assert.Equal(t, `"2022-11-09T17:17:28.1234567-05:00"`, string(b), "IPS' seven digits, the offset kept")
	b, err = json.Marshal(Time{})
	require.NoError(t, err)
	assert.Equal(t, `"0001-01-01T00:00:00.0000000+00:00"`, string(b), "no date, as IPS writes it")
}

// A transaction the SDK re-encodes (a fake's answer, a caller's log) reads
// back the same.
func TestTransactionRoundTrip(t *testing.T) {
	var first callbackAnswer
	require.NoError(t, json.Unmarshal(readFixture(t, "callback-response.json"), &first))
	b, err := json.Marshal(first)
	require.NoError(t, err)
	var again callbackAnswer
	require.NoError(t, json.Unmarshal(b, &again))
	assert.Equal(t, first.Data.Transaction.TransactionAmount, again.Data.Transaction.TransactionAmount)
	assert.True(t, first.Data.Transaction.TransactionDateTime.Equal(again.Data.Transaction.TransactionDateTime.Time))
	assert.Equal(t, first.Data.Transaction.Payments[1].VoidReason, again.Data.Transaction.Payments[1].VoidReason)
	assert.Equal(t, *first.Data.Success, *again.Data.Success)
	assert.JSONEq(t, string(mustJSON(t, first)), string(b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// FuzzCallbackAnswer: no callback body makes decoding or Confirm panic,
// and Confirm accepts exactly the answers that say whether IPS applied the
// payment: an errorCode, success:false, or success:true with a
// transaction id.
func FuzzCallbackAnswer(f *testing.F) {
	f.Add(readFixture(f, "callback-response.json"))
	for _, s := range []string{
		`{"data":{"transaction":{"id":1,"transactionAmount":"1e3"},"success":true}}`,
		`{"data":null,"responseStatus":{"errorCode":"X","errors":[{"fieldName":"F"}]}}`,
		`{"data":{"transaction":{"chargeDate":"0001-01-01T00:00:00","payments":[{"cardNumber":"4111"}]}}}`,
		`{"data":{"success":true}}`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var a callbackAnswer
		if json.Unmarshal(body, &a) != nil {
			return
		}
		want := a.ResponseStatus.ErrorCode != "" ||
			(a.Data != nil && a.Data.Success != nil && (!*a.Data.Success || a.Data.Transaction.ID != 0))
		if got := a.Confirm() == nil; got != want {
			t.Fatalf("Confirm of %s: confirmed %v, want %v", body, got, want)
		}
		if _, err := json.Marshal(a); err != nil {
			t.Fatalf("%s decoded but does not encode: %v", body, err)
		}
	})
}

// FuzzAuthAnswer: no login answer makes decoding panic, and the session
// id prints as REDACTED every way it can be printed.
func FuzzAuthAnswer(f *testing.F) {
	f.Add(readFixture(f, "auth-response.json"))
	f.Add([]byte(`{"sessionId":null,"responseStatus":{"errorCode":"Unauthorized"}}`))
	f.Add([]byte(`{"sessionId":"%v","userName":"%s"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var out authAnswer
		if json.Unmarshal(body, &out) != nil {
			return
		}
		want := "REDACTED"
		if out.SessionID.Reveal() == "" {
			want = ""
		}
		sid := out.SessionID
		for _, got := range []string{fmt.Sprint(sid), fmt.Sprintf("%v", sid), fmt.Sprintf("%+v", sid), fmt.Sprintf("%#v", sid), fmt.Sprintf("%s", sid), fmt.Sprintf("%x", sid)} {
			if got != want {
				t.Fatalf("session id printed as %q", got)
			}
		}
		b, err := json.Marshal(AuthResult(out).SessionID)
		if err != nil || string(b) != `"`+want+`"` {
			t.Fatalf("session id encoded as %s (%v)", b, err)
		}
	})
}

// FuzzTime: whatever the decoder accepts encodes in IPS' layout and reads
// back as the same instant, to IPS' 100ns precision.
func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2022-11-09T17:17:28.0000000-05:00"`, `"0001-01-01T00:00:00"`, `null`, `""`, `"2022-11-09"`, `"2022-11-09T17:17:28.123456789Z"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm Time
		if json.Unmarshal(b, &tm) != nil {
			return
		}
		out, err := json.Marshal(tm)
		if err != nil {
			t.Fatalf("%s decoded but does not encode: %v", b, err)
		}
		var again Time
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("%s encoded as %s, which does not decode: %v", b, out, err)
		}
		if !again.Equal(tm.Truncate(100 * time.Nanosecond)) {
			t.Fatalf("%s: %v encoded as %s reads back as %v", b, tm.Time, out, again.Time)
		}
	})
}

// Secrets planted in answers: the fuzzer's placeholders are replaced by
// the password, the session id IPS issued and a card number (planted as
// its own digit groups, so the fuzzer cannot make it a longer number).
const (
	fuzzPassword = "Pw&Secret=9"
	fuzzSession  = "sess-fuzz-Hpx0Hd5H8f"
	fuzzCard     = "4111 1111 1111 1111"
)

func plant(body []byte) []byte {
	r := strings.NewReplacer("@P@", fuzzPassword, "@S@", fuzzSession, "@C@", " "+fuzzCard+" ")
	return []byte(r.Replace(string(body)))
}

// FuzzParseError serves arbitrary bodies, secrets planted, through a mock
// transport: as the login's error body, or as a callback answer after a
// successful login. Parsing never panics, and no error text holds a
// secret once the transport has scrubbed it.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{
		`{"responseStatus":{"errorCode":"Unauthorized","message":"Not Authenticated for @P@"}}`,
		`<html>500 @P@ @C@</html>`,
		`{"responseStatus":{"errorCode":"X @S@","message":"card @C@","errors":[{"fieldName":"Token @P@","errorCode":"@S@","message":"@C@","meta":{"a":"@P@"}}]}}`,
		`{"data":{"transaction":{"id":1},"success":false},"responseStatus":{"errorCode":"Declined","message":"card @C@ declined for @S@"}}`,
		`{"data":{"transaction":{"id":1},"success":true},"responseStatus":{"errorCode":"Oops @P@","message":"@S@"}}`,
	} {
		f.Add([]byte(s), uint16(400), false)
		f.Add([]byte(s), uint16(200), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, status uint16, afterLogin bool) {
		e := transport.Error{StatusCode: int(status)}
		parseError(&e, nil, body) // never panics, whatever the body

		const base = "https://ips.example/IPS/api"
		mock := httpmock.NewMockTransport()
		code := 400 + int(status)%200
		if afterLogin {
			code = 200 + int(status)%100
			mock.RegisterResponder(http.MethodPost, base+"/portal/auth",
				httpmock.NewStringResponder(200, `{"sessionId":"`+fuzzSession+`","userName":"u"}`))
			mock.RegisterResponder(http.MethodPost, base+"/cashiering/paymentprocessing/callback/authorized", httpmock.NewBytesResponder(code, plant(body)))
		} else {
			mock.RegisterResponder(http.MethodPost, base+"/portal/auth", httpmock.NewBytesResponder(code, plant(body)))
		}
		c, err := New(Config{Environment: Dev, DevBaseURL: base, UserName: "u", Password: fuzzPassword},
			WithHTTPClient(&http.Client{Transport: mock}), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.PostPayment(context.Background(), &PostPaymentRequest{BillerReference: "1018-AB"})
		if err == nil {
			return // a confirming success
		}
		text := fmt.Sprintf("%v %+v", err, err)
		secrets := []string{fuzzPassword, url.QueryEscape(fuzzPassword), fuzzCard}
		if afterLogin {
			secrets = append(secrets, fuzzSession) // a session id is a secret once IPS issued it
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Fatalf("the error holds a secret: %s", text)
			}
		}
	})
}
