package accela

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func TestGoldenDocumentSampleResponse(t *testing.T) {
	var out CommitPaymentResult
	require.NoError(t, json.Unmarshal(readFixture(t, "commit-response-sample.json"), &out))
	assert.Equal(t, 200, out.Status)
	assert.False(t, out.ScriptFailed())
	require.Len(t, out.Result.CompletePayments, 1)
	p := out.Result.CompletePayments[0]
	assert.Equal(t, ID("3166539"), p.PaymentID, "a number in the sample")
	assert.Equal(t, ID("198284"), p.ReceiptID, "a string in the sample")
	assert.Equal(t, "Paid", p.PaymentStatus)
	assert.Equal(t, "TACOMA", p.ServiceProviderCode)
	assert.Equal(t, "BLD2003-01115", p.CustomID)
	assert.Equal(t, RecordID{ID: "TACOMA-03HST-00000-002UD"}, p.RecordID, "a string in the sample")
}

func TestGoldenSpecificationObjectShape(t *testing.T) {
	var out CommitPaymentResult
	require.NoError(t, json.Unmarshal(readFixture(t, "commit-response-spec-object.json"), &out))
	assert.Equal(t, "Payment committed.", out.Result.Message)
	require.Len(t, out.Result.CompletePayments, 1, "one object decodes to a one-item list")
	p := out.Result.CompletePayments[0]
	assert.Equal(t, ID("3166540"), p.PaymentID, "a string in the specification")
	assert.Equal(t, "PAID", p.PaymentStatus)
	assert.Equal(t, "TACOMA-03HST-00000-002UE", p.RecordID.ID)
}

func TestFlexibleDecoders(t *testing.T) {
	var r RecordID
	require.NoError(t, json.Unmarshal([]byte(`{"id":"A-1","customId":"C-1","serviceProviderCode":"SPC","trackingId":77,"value":"V"}`), &r))
	assert.Equal(t, RecordID{ID: "A-1", CustomID: "C-1", ServiceProviderCode: "SPC", TrackingID: "77", Value: "V"}, r)
	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Error(t, json.Unmarshal([]byte(`5`), &r))

	var id ID
	for in, want := range map[string]ID{`"abc"`: "abc", `12345678901234`: "12345678901234", `-3`: "-3"} {
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, want, id)
	}
	for _, bad := range []string{`1.5`, `true`, `{}`, `1e3`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &id), bad)
	}

	var cp CompletePayments
	require.NoError(t, json.Unmarshal([]byte(`null`), &cp))
	assert.Nil(t, cp)
	require.NoError(t, json.Unmarshal([]byte(`[]`), &cp))
	assert.Empty(t, cp)
	assert.Error(t, json.Unmarshal([]byte(`"x"`), &cp))
}

func TestParseErrorShapes(t *testing.T) {
	var e transport.Error
	parseError(&e, nil, []byte(`{"status":403,"code":"forbidden","message":"You are not authorized to access the resource.","more":null,"traceId":"130527090003731-9b30f89c"}`))
	assert.Equal(t, "forbidden", e.Code)
	assert.Equal(t, "You are not authorized to access the resource.", e.Message)
	assert.Equal(t, "130527090003731-9b30f89c", e.TraceID)

	e = transport.Error{}
	parseError(&e, nil, []byte(`{"error":"invalid_grant","error_description":"expired"}`))
	assert.Equal(t, "invalid_grant", e.Code)
	assert.Equal(t, "expired", e.Message)

	e = transport.Error{}
	parseError(&e, nil, []byte(`{"code":"data_validation_error","message":"bad","more":"amount must be positive"}`))
	assert.Equal(t, "bad (amount must be positive)", e.Message)

	e = transport.Error{}
	parseError(&e, nil, []byte(`<html>gateway</html>`))
	assert.Empty(t, e.Code)
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := Config{AppID: "app", AppSecret: "the-app-secret", UserName: "u", Password: "the-password"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		assert.NotContains(t, s, "the-app-secret")
		assert.NotContains(t, s, "the-password")
	}
}

func fuzzDecode[T any](f *testing.F, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var out T
		if json.Unmarshal(body, &out) != nil {
			return
		}
		_ = fmt.Sprintf("%+v", out)
	})
}

// FuzzDecodeCommitResponse: no commit answer makes decoding panic.
func FuzzDecodeCommitResponse(f *testing.F) {
	fuzzDecode[CommitPaymentResult](f,
		readFixture(f, "commit-response-sample.json"),
		readFixture(f, "commit-response-spec-object.json"),
		[]byte(`{"status":200,"code":"emse_error","more":{"a":[1]},"result":{"completePayments":null}}`),
		[]byte(`{"result":{"completePayments":[{"recordId":{"trackingId":"9"},"paymentId":"x"}]}}`))
}

// FuzzDecodeListPayments: no payment list makes decoding panic.
func FuzzDecodeListPayments(f *testing.F) {
	fuzzDecode[ListRecordPaymentsResult](f,
		[]byte(`{"result":[{"id":1,"amount":100.5,"recordId":{"id":"R"},"receiptId":2,"transactionId":3}],"status":200}`),
		[]byte(`{"result":[{"amount":"1e2","recordId":"R-1"}]}`))
}

// FuzzDecodeInitializeAndVoid covers the remaining API answers.
func FuzzDecodeInitializeAndVoid(f *testing.F) {
	f.Add([]byte(`{"result":[{"transactionId":322931}],"status":200}`))
	f.Add([]byte(`{"result":{"id":"1","isSuccess":false,"code":"x"},"status":200}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var ini InitializePaymentResult
		var void VoidPaymentResult
		_ = json.Unmarshal(body, &ini)
		_ = json.Unmarshal(body, &void)
	})
}

// FuzzDecodeToken: no token answer makes decoding panic.
func FuzzDecodeToken(f *testing.F) {
	fuzzDecode[tokenResponse](f,
		[]byte(`{"access_token":"a","token_type":"bearer","expires_in":"900","refresh_token":"r","scope":"payments"}`),
		[]byte(`{"access_token":"a","expires_in":86399}`))
}

// FuzzParseError feeds arbitrary error bodies to Accela's error parser.
func FuzzParseError(f *testing.F) {
	f.Add([]byte(`{"status":403,"code":"forbidden","message":"m","more":null,"traceId":"t"}`))
	f.Add([]byte(`{"error":"invalid_grant","error_description":"d","more":[1,2]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var e transport.Error
		parseError(&e, nil, body)
		_ = e.Error()
	})
}
