package accela

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

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

// exact decodes JSON keeping every number's literal text.
func exact(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

func TestGoldenCommitAnswerDocumentSample(t *testing.T) {
	var a commitAnswer
	require.NoError(t, a.Decode(readFixture(t, "commit-response-sample.json")))
	assert.Equal(t, 200, a.Status)
	assert.Empty(t, a.Code)
	assert.Empty(t, a.Result.Message)
	assert.Equal(t, []CompletePayment{{
		PaymentID:           "3166539", // a number in the sample
		PaymentStatus:       "Paid",
		ReceiptID:           "198284", // a string in the sample
		RecordID:            RecordID{ID: "TACOMA-03HST-00000-002UD"},
		CustomID:            "BLD2003-01115",
		ServiceProviderCode: "TACOMA",
	}}, a.Result.CompletePayments)
	assert.NoError(t, a.Confirm())
}

func TestGoldenCommitAnswerSpecificationShape(t *testing.T) {
	var a commitAnswer
	require.NoError(t, a.Decode(readFixture(t, "commit-response-spec-object.json")))
	assert.Equal(t, "Payment committed.", a.Result.Message)
	assert.Equal(t, []CompletePayment{{
		PaymentID: "3166540", PaymentStatus: "PAID", ReceiptID: "198285",
		RecordID: RecordID{ID: "TACOMA-03HST-00000-002UE"}, ServiceProviderCode: "TACOMA",
	}}, a.Result.CompletePayments, "one object decodes to a list of one")
	assert.NoError(t, a.Confirm())
}

// The document's sample request, its amounts as strings, decodes into the
// wire body and encodes as the SDK sends it: amounts as numbers.
func TestGoldenCommitRequest(t *testing.T) {
	var body commitBody
	require.NoError(t, json.Unmarshal(readFixture(t, "commit-request-sample.json"), &body))
	assert.Equal(t, Cents(10050), body.Amount)
	assert.True(t, body.ConvenienceFee.IsZero())
	assert.Equal(t, CreditCard, body.PaymentMethod)
	require.NotNil(t, body.CreditCard)
	assert.Equal(t, "*4219", body.CreditCard.CardNumberLastDigits)

	out, err := json.Marshal(body)
	require.NoError(t, err)
	assert.Equal(t, exact(t, readFixture(t, "commit-request-expected.json")), exact(t, out))
}

func TestCommitAnswerConfirm(t *testing.T) {
	cases := map[string]bool{ // body: confirms
		`{}`:                                   false,
		`null`:                                 false,
		`{"status":200,"result":{}}`:           false,
		`{"result":{"completePayments":[]}}`:   false,
		`{"result":{"completePayments":null}}`: false,
		`{"result":{"completePayments":[{"paymentStatus":"Paid"}]}}`:                          false,
		`{"result":{"completePayments":[{"paymentId":""}]}}`:                                  false,
		`{"result":{"completePayments":[{"paymentId":1},{"paymentId":null}]}}`:                false,
		`{"result":{"completePayments":{"receiptId":7}}}`:                                     false,
		`{"result":{"completePayments":[{"paymentId":1}]}}`:                                   true,
		`{"result":{"completePayments":[{"paymentId":"A-1"},{"paymentId":2}]}}`:               true,
		`{"result":{"completePayments":{"paymentId":"3166540"}}}`:                             true,
		`{"status":200,"code":"emse_error","message":"EMSE operation failed."}`:               true,
		`{"status":400,"code":"bad_request"}`:                                                 true,
		`{"status":500}`:                                                                      true,
		`{"status":399,"result":{"completePayments":[]}}`:                                     false,
		`{"status":200,"code":"EMSE_ERROR","result":{"completePayments":[]}}`:                 false,
		`{"status":200,"code":"script_error","message":"x","result":{"completePayments":[]}}`: false,
	}
	for body, confirms := range cases {
		var a commitAnswer
		require.NoError(t, a.Decode([]byte(body)), body)
		if confirms {
			assert.NoError(t, a.Confirm(), body)
		} else {
			assert.Error(t, a.Confirm(), body)
		}
	}
	var a commitAnswer
	assert.EqualError(t, a.Confirm(), "no result.completePayments")
	require.NoError(t, a.Decode([]byte(`{"result":{"completePayments":[{"paymentId":1},{}]}}`)))
	assert.EqualError(t, a.Confirm(), "a completePayments entry without a paymentId")
}

func TestInitializeAnswerConfirm(t *testing.T) {
	cases := map[string]ID{ // body: the transaction id, "" when it does not confirm
		`{"result":[{"transactionId":322931}],"status":200}`:   "322931",
		`{"result":[{"transactionId":"T-9"}]}`:                 "T-9",
		`{"result":[{"transactionId":0}]}`:                     "0",
		`{"result":[{"transactionId":1},{"transactionId":2}]}`: "1",
		`{"result":[]}`:                       "",
		`{"result":[{}]}`:                     "",
		`{"result":[{"transactionId":null}]}`: "",
		`{"result":[{"transactionId":""},{"transactionId":2}]}`: "",
		`{"result":null,"status":200}`:                          "",
		`{}`:                                                    "",
		`{"status":400,"code":"bad_request","result":[{"transactionId":1}]}`: "1",
	}
	for body, want := range cases {
		var a initializeAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &a), body)
		err := a.Confirm()
		if want == "" {
			assert.EqualError(t, err, "no result[].transactionId", body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, want, a.Result[0].TransactionID, body)
	}
	var a initializeAnswer
	assert.Error(t, json.Unmarshal([]byte(`{"result":{"transactionId":1}}`), &a), "an object where a list is documented is unreadable")
}

func TestVoidAnswerConfirm(t *testing.T) {
	cases := map[string]bool{
		`{"result":{"id":"1","isSuccess":true},"status":200}`:                 true,
		`{"result":{"id":1,"isSuccess":false,"code":"closed","message":"m"}}`: true,
		`{"status":404,"code":"resource_not_found"}`:                          true,
		`{"result":{"id":"1"},"status":200}`:                                  false,
		`{"result":{"id":"1","isSuccess":null}}`:                              false,
		`{"result":{}}`:                                                       false,
		`{}`:                                                                  false,
		`{"status":302,"result":{"id":"1"}}`:                                  false,
	}
	for body, confirms := range cases {
		var a voidAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &a), body)
		if confirms {
			assert.NoError(t, a.Confirm(), body)
		} else {
			assert.EqualError(t, a.Confirm(), "no result.isSuccess", body)
		}
	}
	var a voidAnswer
	require.NoError(t, json.Unmarshal([]byte(`{"result":{"id":3166539,"isSuccess":false,"code":"closed","message":"in a closed batch"},"status":200}`), &a))
	assert.Equal(t, ID("3166539"), a.Result.ID)
	require.NotNil(t, a.Result.IsSuccess)
	assert.False(t, *a.Result.IsSuccess)
	assert.Equal(t, "closed", a.Result.Code)
	assert.Equal(t, "in a closed batch", a.Result.Message)
	assert.Error(t, json.Unmarshal([]byte(`{"result":{"isSuccess":"yes"}}`), &a), "isSuccess must be a boolean")
}

func TestGoldenListAnswer(t *testing.T) {
	var a listAnswer
	require.NoError(t, json.Unmarshal([]byte(`{"result":[{"id":3166539,"amount":100.50,"amountNotAllocated":0,"cashierId":"ACA",
		"paymentDate":"2024-03-01 10:11:12","paymentMethod":"Credit Card","paymentStatus":"Paid","receiptId":198284,
		"recordId":{"id":"TACOMA-03HST-00000-002UD","customId":"BLD2003-01115","serviceProviderCode":"TACOMA","trackingId":1234,"value":"BLD2003-01115"},
		"transactionCode":"","transactionId":322931}],"status":200}`), &a))
	assert.Equal(t, 200, a.Status)
	assert.Equal(t, []Payment{{
		ID: "3166539", Amount: Cents(10050), CashierID: "ACA", PaymentDate: "2024-03-01 10:11:12",
		PaymentMethod: "Credit Card", PaymentStatus: "Paid", ReceiptID: "198284",
		RecordID:      RecordID{ID: "TACOMA-03HST-00000-002UD", CustomID: "BLD2003-01115", ServiceProviderCode: "TACOMA", TrackingID: "1234", Value: "BLD2003-01115"},
		TransactionID: "322931",
	}}, a.Result)
	assert.Equal(t, "100.50", a.Result[0].Amount.String())

	var b listAnswer
	require.NoError(t, json.Unmarshal([]byte(`{"result":[{"id":"7","amount":"12.5","amountNotAllocated":null,"recordId":null}]}`), &b))
	assert.Equal(t, Cents(1250), b.Result[0].Amount, "an amount as a string")
	assert.Equal(t, RecordID{}, b.Result[0].RecordID)
	for _, bad := range []string{`{"result":[{"amount":"ten"}]}`, `{"result":[{"amount":true}]}`, `{"result":[{"id":1.5}]}`, `{"result":{"id":1}}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &a), bad)
	}
}

func TestGoldenTokenAnswer(t *testing.T) {
	var a tokenAnswer
	require.NoError(t, json.Unmarshal([]byte(`{"access_token":"a-1","token_type":"bearer","expires_in":"900","refresh_token":"r-1","scope":"payments records"}`), &a))
	assert.Equal(t, tokenAnswer{AccessToken: "a-1", TokenType: "bearer", ExpiresIn: json.RawMessage(`"900"`), RefreshToken: "r-1", Scope: "payments records"}, a)
	require.NoError(t, json.Unmarshal([]byte(`{"access_token":"a-2","expires_in":86399}`), &a))
	assert.Equal(t, json.RawMessage(`86399`), a.ExpiresIn)
	assert.Error(t, json.Unmarshal([]byte(`{"access_token":7}`), &a), "a token is a string")
}

func TestIDDecoding(t *testing.T) {
	for in, want := range map[string]ID{
		`"abc"`:                  "abc",
		`"3166539"`:              "3166539",
		`3166539`:                "3166539",
		` 42 `:                   "42",
		`-3`:                     "-3",
		`0`:                      "0",
		`18446744073709551615`:   "18446744073709551615", // kept exactly, never through float64
		`"18446744073709551616"`: "18446744073709551616",
		`"\u0041-1"`:             "A-1",
		`""`:                     "",
		`null`:                   "",
	} {
		id := ID("previous")
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, want, id, in)
	}
	for _, bad := range []string{`1.5`, `1e3`, `true`, `{}`, `[]`, `-`} {
		var id ID
		err := id.UnmarshalJSON([]byte(bad))
		require.Error(t, err, bad)
		assert.True(t, strings.HasPrefix(err.Error(), "accela: "), err.Error())
		assert.NotContains(t, err.Error(), bad, "the input is not repeated")
	}
	var id ID
	assert.Error(t, id.UnmarshalJSON([]byte(`"unterminated`)))
	b, err := json.Marshal(ID("322931"))
	require.NoError(t, err)
	assert.Equal(t, `"322931"`, string(b), "an id travels on as a string")
}

func TestRecordIDDecoding(t *testing.T) {
	for in, want := range map[string]RecordID{
		`"TACOMA-03HST-00000-002UD"`: {ID: "TACOMA-03HST-00000-002UD"},
		`{"id":"A-1","customId":"C-1","serviceProviderCode":"SPC","trackingId":77,"value":"V"}`: {ID: "A-1", CustomID: "C-1", ServiceProviderCode: "SPC", TrackingID: "77", Value: "V"},
		`{"trackingId":"77"}`: {TrackingID: "77"},
		`{}`:                  {},
		`null`:                {},
		` "R-1" `:             {ID: "R-1"},
	} {
		var r RecordID
		require.NoError(t, json.Unmarshal([]byte(in), &r), in)
		assert.Equal(t, want, r, in)
	}
	for _, bad := range []string{`5`, `true`, `["R-1"]`, `{"trackingId":1.5}`} {
		var r RecordID
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
	}
	r := RecordID{ID: "stale", Value: "stale"}
	require.NoError(t, json.Unmarshal([]byte(`"R-2"`), &r))
	assert.Equal(t, RecordID{ID: "R-2"}, r, "a string replaces the whole record id")
}

func TestCompletePaymentsDecoding(t *testing.T) {
	for in, n := range map[string]int{`null`: 0, `[]`: 0, `[{"paymentId":1}]`: 1, `[{},{}]`: 2, `{"paymentId":1}`: 1, `{}`: 1} {
		var a commitAnswer
		require.NoError(t, a.Decode([]byte(`{"result":{"completePayments":`+in+`}}`)), in)
		assert.Len(t, a.Result.CompletePayments, n, in)
	}
	var a commitAnswer
	require.NoError(t, a.Decode([]byte(`{"result":{"completePayments":null}}`)))
	assert.Nil(t, a.Result.CompletePayments)
	for _, bad := range []string{`"x"`, `5`, `[1]`, `{"paymentId":1.5}`} {
		var a commitAnswer
		assert.Error(t, a.Decode([]byte(`{"result":{"completePayments":`+bad+`}}`)), bad)
	}
}

func TestParseErrorShapes(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		want    transport.Error
		already bool
	}{
		{403, `{"status":403,"code":"forbidden","message":"You are not authorized to access the resource.","more":null,"traceId":"130527090003731-9b30f89c"}`,
			transport.Error{Code: "forbidden", Message: "You are not authorized to access the resource.", TraceID: "130527090003731-9b30f89c"}, false},
		{400, `{"error":"invalid_grant","error_description":"expired"}`, transport.Error{Code: "invalid_grant", Message: "expired"}, false},
		{400, `{"error":"invalid_grant"}`, transport.Error{Code: "invalid_grant"}, false},
		{400, `{"code":"data_validation_error","message":"bad","more":"amount must be positive"}`,
			transport.Error{Code: "data_validation_error", Message: "bad (amount must be positive)"}, false},
		{400, `{"code":"data_validation_error","message":"bad","more":{"z":1,"a":"<&>"}}`,
			transport.Error{Code: "data_validation_error", Message: `bad ({"a":"<&>","z":1})`}, false},
		{400, `{"code":"bad_request","message":"bad","more":[1,"two"]}`, transport.Error{Code: "bad_request", Message: `bad ([1,"two"])`}, false},
		{400, `{"code":"bad_request","message":"bad","more":""}`, transport.Error{Code: "bad_request", Message: "bad"}, false},
		{400, `{"code":"bad_request","more":"detail"}`, transport.Error{Code: "bad_request", Message: "(detail)"}, false},
		{400, `{"status":400,"code":"data_validation_error","message":"transaction is already committed"}`,
			transport.Error{Code: "data_validation_error", Message: "transaction is already committed"}, true},
		{400, `{"status":400,"code":"data_validation_error","message":"payment is already voided"}`,
			transport.Error{Code: "data_validation_error", Message: "payment is already voided"}, true},
		{409, `{"code":"bad_request","message":"Payment ALREADY Voided"}`, transport.Error{Code: "bad_request", Message: "Payment ALREADY Voided"}, true},
		{500, `{"code":"data_validation_error","message":"transaction is already committed"}`,
			transport.Error{Code: "data_validation_error", Message: "transaction is already committed"}, false},
		{403, `{"code":"forbidden","message":"transaction is already committed"}`,
			transport.Error{Code: "forbidden", Message: "transaction is already committed"}, false},
		{400, `{"code":"data_validation_error","message":"record is already closed"}`,
			transport.Error{Code: "data_validation_error", Message: "record is already closed"}, false},
		{400, `{"code":"data_validation_error","message":"transaction committed"}`,
			transport.Error{Code: "data_validation_error", Message: "transaction committed"}, false},
		{502, `<html>gateway</html>`, transport.Error{}, false},
		{500, ``, transport.Error{}, false},
		{400, `{"code":7}`, transport.Error{}, false},
	}
	for _, tc := range cases {
		e := transport.Error{StatusCode: tc.status}
		parseError(&e, nil, []byte(tc.body))
		tc.want.StatusCode = tc.status
		if tc.already {
			tc.want.Outcome = transport.AlreadyApplied
		}
		assert.Equal(t, tc.want, e, tc.body)
	}
}

func TestQuery(t *testing.T) {
	assert.Equal(t, "", query(nil, "", ""))
	assert.Equal(t, "", query([]string{}, "", ""))
	assert.Equal(t, "fields=a%2Cb", query([]string{"a", "b"}, "", ""))
	assert.Equal(t, "lang=en_US", query(nil, "en_US", ""))
	assert.Equal(t, "paymentStatus=N", query(nil, "", "N"))
	assert.Equal(t, "fields=id&lang=en%26x&paymentStatus=Y", query([]string{"id"}, "en&x", "Y"))
}

func fuzzSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// FuzzCommitAnswer: no commit answer makes decoding or Confirm panic, and
// Confirm accepts exactly the answers that list every payment with its
// id, report an agency script failure, or carry a refusal status.
func FuzzCommitAnswer(f *testing.F) {
	f.Add(readFixture(f, "commit-response-sample.json"))
	f.Add(readFixture(f, "commit-response-spec-object.json"))
	fuzzSeeds(f,
		`{"status":200,"code":"emse_error","more":{"a":[1]},"result":{"completePayments":null}}`,
		`{"result":{"completePayments":[{"recordId":{"trackingId":"9"},"paymentId":"x"},{}]}}`,
		`{"status":500}`, `{}`, `null`, `{"result":{"completePayments":{"paymentId":0}}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a commitAnswer
		if a.Decode(body) != nil {
			return
		}
		want := a.Status >= 400 || a.Code == "emse_error"
		if !want && len(a.Result.CompletePayments) > 0 {
			want = true
			for _, p := range a.Result.CompletePayments {
				want = want && p.PaymentID != ""
			}
		}
		if got := a.Confirm() == nil; got != want {
			t.Fatalf("Confirm of %s: confirmed %v, want %v", body, got, want)
		}
	})
}

// FuzzInitializeAnswer: Confirm accepts exactly an answer whose first
// result holds a transaction id, the one InitializePayment returns.
func FuzzInitializeAnswer(f *testing.F) {
	fuzzSeeds(f, `{"result":[{"transactionId":322931}],"status":200}`, `{"result":[{}]}`, `{"result":[]}`,
		`{"result":[{"transactionId":"a"},{"transactionId":null}]}`, `{"result":null}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a initializeAnswer
		if json.Unmarshal(body, &a) != nil {
			return
		}
		want := len(a.Result) > 0 && a.Result[0].TransactionID != ""
		if got := a.Confirm() == nil; got != want {
			t.Fatalf("Confirm of %s: confirmed %v, want %v", body, got, want)
		}
	})
}

// FuzzVoidAnswer: Confirm accepts exactly a success flag or a refusal
// status.
func FuzzVoidAnswer(f *testing.F) {
	fuzzSeeds(f, `{"result":{"id":"1","isSuccess":false,"code":"x"},"status":200}`, `{"result":{"id":1}}`,
		`{"status":404}`, `{"result":{"isSuccess":true}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a voidAnswer
		if json.Unmarshal(body, &a) != nil {
			return
		}
		want := a.Status >= 400 || a.Result.IsSuccess != nil
		if got := a.Confirm() == nil; got != want {
			t.Fatalf("Confirm of %s: confirmed %v, want %v", body, got, want)
		}
	})
}

// FuzzListAnswer: no payment list makes decoding panic, and
// FindTransaction returns exactly the payments of the transaction asked.
func FuzzListAnswer(f *testing.F) {
	fuzzSeeds(f,
		`{"result":[{"id":1,"amount":100.5,"recordId":{"id":"R"},"receiptId":2,"transactionId":3}],"status":200}`,
		`{"result":[{"amount":"1e2","recordId":"R-1","transactionId":"3"},{"transactionId":3}]}`, `{"result":[]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a listAnswer
		if json.Unmarshal(body, &a) != nil {
			return
		}
		r := ListRecordPaymentsResult{Payments: a.Result}
		for _, p := range a.Result {
			n := 0
			for _, q := range a.Result {
				if q.TransactionID == p.TransactionID {
					n++
				}
			}
			found := r.FindTransaction(p.TransactionID)
			if len(found) != n {
				t.Fatalf("FindTransaction(%q) found %d of %d", p.TransactionID, len(found), n)
			}
			for _, q := range found {
				if q.TransactionID != p.TransactionID {
					t.Fatalf("FindTransaction(%q) returned %q", p.TransactionID, q.TransactionID)
				}
			}
		}
	})
}

// FuzzTokenAnswer: no token answer makes decoding panic.
func FuzzTokenAnswer(f *testing.F) {
	fuzzSeeds(f,
		`{"access_token":"a","token_type":"bearer","expires_in":"900","refresh_token":"r","scope":"payments"}`,
		`{"access_token":"a","expires_in":86399}`, `{"expires_in":null}`, `{"expires_in":{"x":1}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		var a tokenAnswer
		_ = json.Unmarshal(body, &a)
	})
}

// FuzzID: an id decodes to the exact text it was sent as, and travels on
// as a JSON string that decodes to the same id.
func FuzzID(f *testing.F) {
	fuzzSeeds(f, `"abc"`, `12345678901234`, `-3`, `null`, `1.5`, `"\u00e9"`, `18446744073709551615`)
	f.Fuzz(func(t *testing.T, b []byte) {
		var id ID
		if id.UnmarshalJSON(b) != nil {
			return
		}
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) > 0 && trimmed[0] != '"' && string(trimmed) != "null" && string(id) != string(trimmed) {
			t.Fatalf("number %s decoded as %q", b, id)
		}
		out, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		var again ID
		if err := json.Unmarshal(out, &again); err != nil || (again != id && utf8.ValidString(string(id))) {
			t.Fatalf("%q does not round-trip: %s -> %q (%v)", id, out, again, err)
		}
	})
}

// Secrets planted in error bodies: the fuzzer's placeholders are replaced
// by a credential, the access token and a card number before the body is
// served. The card number is planted as its own digit groups, so the
// fuzzer cannot glue digits to it and make it a longer number that is no
// card number.
const (
	fuzzPassword = "Pw&Secret=9"
	fuzzToken    = "tok-fuzz-abcdef123"
	fuzzCard     = "4111 1111 1111 1111"
)

func plant(body []byte) []byte {
	r := strings.NewReplacer("@P@", fuzzPassword, "@T@", fuzzToken, "@C@", " "+fuzzCard+" ")
	return []byte(r.Replace(string(body)))
}

// FuzzParseError serves arbitrary error bodies, with secrets planted, to a
// client through a mock transport: parsing never panics, and the error
// text, once the transport has scrubbed it, holds none of the secrets.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{
		`{"status":403,"code":"forbidden","message":"m @P@","more":null,"traceId":"t-@T@"}`,
		`{"error":"invalid_grant","error_description":"@P@ for @C@","more":[1,2]}`,
		`{"code":"bad_request","message":"x","more":{"card":"@C@","pw":"@P@","token":"@T@"}}`,
		`{"code":"bad_request","message":"x","more":"card @C@, password @P@, token @T@"}`,
		`{"code":"data_validation_error","message":"transaction is already committed by @P@"}`,
		`{"code":"@P@","message":"@T@","traceId":"@C@"}`,
		`not json @P@ @C@`,
	} {
		f.Add([]byte(s), uint16(400))
		f.Add([]byte(s), uint16(500))
	}
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		e := transport.Error{StatusCode: int(status)}
		parseError(&e, nil, body) // never panics, whatever the body

		code := 400 + int(status)%200
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, DefaultTokenURL,
			httpmock.NewStringResponder(200, `{"access_token":"`+fuzzToken+`","expires_in":"900"}`))
		mock.RegisterResponder(http.MethodPut, DefaultBaseURL+"/v4/payments/1", httpmock.NewBytesResponder(code, plant(body)))
		c, err := New(Config{AppID: "app", AppSecret: "app-secret-fuzz", UserName: "u", Password: fuzzPassword},
			WithHTTPClient(&http.Client{Transport: mock}), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CommitPayment(context.Background(), &CommitPaymentRequest{TransactionID: "1", Amount: Cents(100), PaymentMethod: Check, PaymentSystemTransactionID: "p"})
		if err == nil {
			t.Fatalf("HTTP %d answered without an error", code)
		}
		text := err.Error()
		for _, s := range []string{fuzzPassword, url.QueryEscape(fuzzPassword), fuzzToken, fuzzCard, "app-secret-fuzz"} {
			if strings.Contains(text, s) {
				t.Fatalf("the error holds a secret: %s", text)
			}
		}
	})
}
