package citrus

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

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

func TestGoldenCallbackResponse(t *testing.T) {
	var out callbackResponse
	require.NoError(t, json.Unmarshal(readFixture(t, "callback-response.json"), &out))
	require.NotNil(t, out.Data)
	require.NotNil(t, out.Data.Success)
	assert.False(t, *out.Data.Success)
	assert.Equal(t, "Success", out.ResponseStatus.Severity)
	assert.Empty(t, out.ResponseStatus.ErrorCode)

	tx := out.Data.Transaction
	assert.Equal(t, int64(1018), tx.ID)
	assert.Equal(t, int64(1), tx.CashDrawerID)
	assert.Equal(t, " ", tx.Cashier)
	assert.Equal(t, "None", tx.Status)
	assert.Equal(t, "Citrus Test Admin", tx.TransactionPayer)
	assert.Equal(t, "50", tx.TransactionAmount.String())
	assert.Equal(t, "Pay", tx.TransactionType)
	assert.Equal(t, "1018-8E6F2386C545776F754F350683BD5DC8FEADF5BDEBE1E1843882F9B38A642BCC", tx.TransactionToken)
	assert.True(t, tx.VoidDate.IsZero(), "0001-01-01T00:00:00.0000000+00:00 is no date")
	assert.Equal(t, CodeDescription{Code: " ", Description: ""}, tx.VoidReason)
	assert.NotNil(t, tx.Distributions)
	assert.Empty(t, tx.Distributions)
	assert.Equal(t, time.Date(2022, 11, 9, 17, 17, 26, 0, time.FixedZone("", -5*3600)).Unix(), tx.TransactionDateTime.Unix())

	assert.True(t, tx.Contact.IsEffective)
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
	assert.Equal(t, "50", ch.Subtotal.String())
	assert.Equal(t, "50", ch.Total.String())
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
	assert.Equal(t, "50", pay.PaymentAuthorization.Amount.String())
	assert.Equal(t, int64(1005), pay.CashDrawerID)

	assert.Equal(t, "Void", void.TransactionType)
	assert.Equal(t, "-50", void.TransactionAmount.String())
	assert.Equal(t, CodeDescription{Code: "Fees", Description: "Incorrect Fees Payment"}, void.VoidReason)
	assert.Equal(t, "0002", void.VoidedBy)
	assert.False(t, void.VoidDateTime.IsZero())
	assert.Equal(t, "Pending", void.PaymentAuthorization.TransactionStatus)
}

func TestGoldenAuthResponse(t *testing.T) {
	var out AuthResult
	require.NoError(t, json.Unmarshal(readFixture(t, "auth-response.json"), &out))
	assert.Equal(t, "Hpx0Hd5H8fJ9RrtQjxsG", out.SessionID.Reveal())
	assert.Equal(t, "CitrusTestAdmin", out.UserName)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", out, out, out), "Hpx0Hd5H8fJ9RrtQjxsG", "the session id never prints")
}

func TestTimeFormats(t *testing.T) {
	cases := map[string]string{
		`"2022-11-09T17:17:28.0000000-05:00"`: "2022-11-09T17:17:28-05:00",
		`"2022-11-09T17:17:28.1234567+00:00"`: "2022-11-09T17:17:28.1234567Z",
		`"2022-11-09T17:17:28Z"`:              "2022-11-09T17:17:28Z",
		`"2022-11-09T17:17:28.5"`:             "2022-11-09T17:17:28.5Z",
		`"2022-11-09T17:17:28"`:               "2022-11-09T17:17:28Z",
	}
	for in, want := range cases {
		var tm Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.Equal(t, want, tm.Format(time.RFC3339Nano), in)
	}
	for _, zero := range []string{`"0001-01-01T00:00:00"`, `"0001-01-01T00:00:00.0000000+00:00"`, `""`, `null`} {
		var tm Time
		require.NoError(t, json.Unmarshal([]byte(zero), &tm), zero)
		assert.True(t, tm.IsZero(), zero)
	}
	for _, bad := range []string{`"yesterday"`, `17`, `"2022-13-01T00:00:00"`, `"/Date(1234)/"`} {
		var tm Time
		assert.Error(t, json.Unmarshal([]byte(bad), &tm), bad)
	}

	b, err := json.Marshal(Time{time.Date(2022, 11, 9, 17, 17, 28, 0, time.FixedZone("", -5*3600))})
	require.NoError(t, err)
	assert.Equal(t, `"2022-11-09T17:17:28.0000000-05:00"`, string(b))
	b, err = json.Marshal(Time{})
	require.NoError(t, err)
	assert.Equal(t, `"0001-01-01T00:00:00.0000000+00:00"`, string(b))
}

func TestConfigNeverPrintsPassword(t *testing.T) {
	cfg := Config{Environment: Dev, UserName: "u", Password: "hunter2-secret"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg)} {
		assert.NotContains(t, s, "hunter2")
		assert.Contains(t, s, "Password:REDACTED")
	}
}

// FuzzDecodeCallbackResponse checks that no callback body, however broken,
// makes decoding or parsing panic.
func FuzzDecodeCallbackResponse(f *testing.F) {
	f.Add(readFixture(f, "callback-response.json"))
	f.Add([]byte(`{"data":{"transaction":{"id":1,"transactionAmount":"1e3"},"success":true}}`))
	f.Add([]byte(`{"data":null,"responseStatus":{"errorCode":"X","errors":[{"fieldName":"F"}]}}`))
	f.Add([]byte(`{"data":{"transaction":{"chargeDate":"0001-01-01T00:00:00","payments":[{"cardNumber":"4111"}]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var out callbackResponse
		if json.Unmarshal(body, &out) != nil {
			return
		}
		_ = fmt.Sprintf("%+v", out)
		if _, err := json.Marshal(out.ResponseStatus); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeAuthResponse does the same for the login answer.
func FuzzDecodeAuthResponse(f *testing.F) {
	f.Add(readFixture(f, "auth-response.json"))
	f.Add([]byte(`{"sessionId":null,"responseStatus":{"errorCode":"Unauthorized"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var out AuthResult
		if json.Unmarshal(body, &out) != nil {
			return
		}
		want := "REDACTED"
		if out.SessionID.Reveal() == "" {
			want = ""
		}
		if got := fmt.Sprintf("%v", out.SessionID); got != want {
			t.Fatalf("session id printed as %q", got)
		}
	})
}

// FuzzParseError feeds arbitrary error bodies to the ServiceStack error parser.
func FuzzParseError(f *testing.F) {
	f.Add([]byte(`{"responseStatus":{"errorCode":"Unauthorized","message":"Not Authenticated"}}`))
	f.Add([]byte(`<html>500</html>`))
	f.Add([]byte(`{"responseStatus":{"errors":[{"fieldName":"Token","meta":{"a":"b"}}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var e transport.Error
		parseError(&e, nil, body)
		_ = e.Error()
	})
}

// FuzzTime feeds arbitrary JSON to the IPS time decoder; whatever it accepts
// must encode again.
func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2022-11-09T17:17:28.0000000-05:00"`, `"0001-01-01T00:00:00"`, `null`, `""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm Time
		if json.Unmarshal(b, &tm) != nil {
			return
		}
		if _, err := json.Marshal(tm); err != nil {
			t.Fatalf("%s decoded but does not encode: %v", b, err)
		}
	})
}
