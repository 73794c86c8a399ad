package polaris_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Edges of the client's own checks and texts: which login tokens can go
// into the PAS header, the settle advice of an unknown payment, the sums
// and codes the request checks accept, and how Polaris' times are read.

// A token travels as is in "PAS site:token:secret": a control character,
// a space, DEL, a colon or anything outside ASCII cannot, and the login
// is refused before any call is made with it; printable ASCII can.
func TestLoginTokenMustFitThePASHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		text string
		ok   bool
	}{
		{"! (0x21)", "tok!en", true},
		{"~ (0x7e)", "tok~en", true},
		{"; and =", "tok;en=", true},
		{"a space", "tok en", false},
		{"0x1f", "tok\x1fen", false},
		{"a tab", "tok\ten", false},
		{"DEL (0x7f)", "tok\x7fen", false},
		{"a colon", "tok:en", false},
		{"U+0080", "tok\u0080en", false},
		{"U+00FF", "tok\u00ffen", false},
		{"é", "tokén", false},
	} {
		for _, secretSide := range []bool{false, true} {
			token, secret := tc.text, docSecret
			if secretSide {
				token, secret = docToken, tc.text
			}
			login, err := json.Marshal(map[string]string{"AccessToken": token, "AccessSecret": secret, "AuthExpDate": "2099-01-01T00:00:00"})
			require.NoError(t, err)
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodPost, docLogin, httpmock.NewBytesResponder(200, login))
			var sent string
			mock.RegisterResponder(http.MethodPut, docFines, func(r *http.Request) (*http.Response, error) {
				sent = r.Header.Get("Authorization")
				return httpmock.NewStringResponse(200, `{"TxnIds":[1]}`), nil
			})
			c, err := polaris.New(docConfig(), polaris.WithHTTPClient(&http.Client{Transport: mock}))
			require.NoError(t, err)
			_, err = c.PayFinesAndFees(context.Background(), docPay())
			if tc.ok {
				require.NoError(t, err, tc.name)
				assert.Equal(t, "PAS polaris:"+token+":"+secret, sent, tc.name)
				continue
			}
			var e *polaris.Error
			require.ErrorAs(t, err, &e, "%s (secret: %v)", tc.name, secretSide)
			assert.ErrorIs(t, err, polaris.ErrNotApplied, tc.name)
			assert.Equal(t, "Authenticate", e.Step, tc.name)
			assert.Contains(t, err.Error(), "cannot travel in a header", tc.name)
			assert.Equal(t, 1, mock.GetTotalCallCount(), "%s: nothing is paid", tc.name)
		}
	}
}

// The advice of a payment whose outcome is unknown names the patron, the
// charges and the amount, to the cent.
func TestSettleAdviceOfAnUnknownPayment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cents int64
		text  string
	}{
		{1234, "12.34"}, {5, "0.05"}, {10, "0.10"}, {10000, "100.00"}, {710, "7.10"}, {99, "0.99"}, {1, "0.01"},
		{polaris.MaxAmountCents, "922337203685477.58"},
	} {
		c, _ := mockPolaris(t, http.MethodPut, docFines, 500, `{"Message":"An error has occurred."}`)
		req := docPay()
		req.TxnAmount, req.CreditCardPaymentData.TxnAmount = polaris.Cents(tc.cents), polaris.Cents(tc.cents)
		_, err := c.PayFinesAndFees(context.Background(), req)
		var e *polaris.Error
		require.ErrorAs(t, err, &e, tc.text)
		require.ErrorIs(t, err, polaris.ErrOutcomeUnknown, tc.text)
		assert.Equal(t, "settle it (Settle, or GetFinesAndFees for PatronID 1234 and compare the OutstandingAmount of "+
			"MainTxnIDs 123, 124 with what they owed before this payment of "+tc.text+")", e.Reconcile)
	}
}

// A payment may name many charges; the advice an unknown outcome would
// carry is built for every payment, long or short.
func TestPaymentOfManyCharges(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	for _, n := range []int{9, 10, 25} {
		cents := make([]int64, n)
		for i := range cents {
			cents[i] = 100
		}
		p := patronOwing(srv, cents...)
		res, err := c.PayFinesAndFees(context.Background(), cardPay(p, int64(100*n)))
		require.NoError(t, err, n)
		assert.Len(t, res.TxnIDs, n)
		assert.Equal(t, 1, srv.Applied(p.ID))
	}
}

// What the charges owed may add up to the largest amount, and not a cent
// more.
func TestOwedBeforeAddsUpToTheLargestAmount(t *testing.T) {
	t.Parallel()
	c, err := polaris.New(docConfig())
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel() // a valid request stops at the cancelled context, before sending
	for _, tc := range []struct {
		second int64 // cents owed by the second charge; the first owes the largest amount less 1.00
		ok     bool
	}{
		{99, true}, {100, true}, {101, false},
	} {
		owed := map[polaris.TxnID]polaris.Amount{123: polaris.Cents(polaris.MaxAmountCents - 100), 124: polaris.Cents(tc.second)}
		settle := &polaris.SettleRequest{PatronID: 1234, MainTxnIDs: []polaris.TxnID{123, 124}, OwedBefore: owed,
			Amount: polaris.Cents(1215), SentAt: time.Now()}
		pay := docPay()
		pay.OwedBefore = owed
		_, settleErr := c.Settle(cancelled, settle)
		_, payErr := c.PayFinesAndFees(cancelled, pay)
		for _, err := range []error{settleErr, payErr} {
			var e *polaris.Error
			require.ErrorAs(t, err, &e, tc.second)
			if tc.ok {
				assert.Empty(t, e.Fields, tc.second)
				assert.ErrorIs(t, err, context.Canceled, tc.second)
				continue
			}
			require.Len(t, e.Fields, 1, tc.second)
			assert.Equal(t, "OwedBefore", e.Fields[0].Field)
			assert.Equal(t, "must add up to at most 922337203685477.58", e.Fields[0].Message)
		}
	}
}

// A workflow answer's transaction codes are the document's 1 to 10, or
// none (0).
func TestWorkflowTxnCodes(t *testing.T) {
	t.Parallel()
	c, err := polaris.New(docConfig())
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for code, ok := range map[polaris.PatronAccountTxnCode]bool{
		0: true, polaris.Charge: true, polaris.Payment: true, polaris.AutoWaive: true,
		-1: false, 11: false,
	} {
		for _, field := range []string{"ProcChargeTxnCodeID", "OVDChargeTxnCodeID"} {
			a := docAnswer()
			if field == "ProcChargeTxnCodeID" {
				a.ReplyExtension.Data.ProcChargeTxnCodeID = code
			} else {
				a.ReplyExtension.Data.OVDChargeTxnCodeID = code
			}
			_, err := c.AnswerWorkflow(cancelled, a)
			var e *polaris.Error
			require.ErrorAs(t, err, &e, "%s %d", field, code)
			if ok {
				assert.Empty(t, e.Fields, "%s %d", field, code)
				assert.ErrorIs(t, err, context.Canceled)
				continue
			}
			require.Len(t, e.Fields, 1, "%s %d", field, code)
			assert.Equal(t, "ReplyExtension.Data."+field, e.Fields[0].Field)
			assert.Equal(t, "is not a known PatronAccountTxnCode", e.Fields[0].Message)
		}
	}
}

// A fine's time without a zone is Polaris' local time (Config.Location);
// one with a zone keeps its instant.
func TestFineTimesAreReadInLocation(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("CST", -6*60*60)
	cfg := docConfig()
	cfg.Location = zone
	c, _ := mockPolarisConfig(t, cfg, http.MethodGet, docFines, 200, `[`+
		`{"TxnID":1,"TxnDate":"2013-05-29T17:11:59.33"},`+
		`{"TxnID":2,"TxnDate":"2013-05-29T17:11:59"},`+
		`{"TxnID":3,"TxnDate":"2013-05-29T17:11:59.33+02:00"},`+
		`{"TxnID":4,"TxnDate":"2013-05-29T17:11:59Z"},`+
		`{"TxnID":5,"TxnDate":"2013-05-29 17:11:59.5"},`+
		`{"TxnID":6,"TxnDate":"2013-05-29"},`+
		`{"TxnID":7,"TxnDate":null},`+
		`{"TxnID":8,"TxnDate":""}]`)
	res, err := c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: 1234})
	require.NoError(t, err)
	want := []time.Time{
		time.Date(2013, 5, 29, 17, 11, 59, 330_000_000, zone),
		time.Date(2013, 5, 29, 17, 11, 59, 0, zone),
		time.Date(2013, 5, 29, 15, 11, 59, 330_000_000, time.UTC),
		time.Date(2013, 5, 29, 17, 11, 59, 0, time.UTC),
		time.Date(2013, 5, 29, 17, 11, 59, 500_000_000, zone),
		time.Date(2013, 5, 29, 0, 0, 0, 0, zone),
		{}, {},
	}
	require.Len(t, res.FinesAndFees, len(want))
	for i, f := range res.FinesAndFees {
		assert.True(t, want[i].Equal(f.TxnDate.Time), "TxnID %d: %v, want %v", f.TxnID, f.TxnDate.Time, want[i])
	}
}

// A text shaped like Polaris' zone-less time that is no time is an error,
// never a zero time.
func TestTimeThatIsNoTime(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		`"2013-13-29T17:11:59.33"`, `"2013-05-32T17:11:59.33"`, `"2013-02-30T17:11:59"`,
		`"2013-05-29T24:11:59.33"`, `"2013-05-29T17:60:59.33"`, `"2013-05-29T17:11:59..3"`,
		`"2013-05-29T17:11:59.33.4"`, `"2013-05-29T1:1:1:1:1:1.1"`, `"2013-05-29X17:11:59.33"`,
	} {
		var v polaris.Time
		assert.Error(t, json.Unmarshal([]byte(text), &v), text)
		var f polaris.FineFee
		assert.Error(t, json.Unmarshal([]byte(`{"TxnDate":`+text+`}`), &f), text)
	}
}

// Polaris' own zone-less form is read without trying the zoned layouts
// first: a list of fines reads one time per fine, so the read costs one
// allocation (the text), where trying the other layouts first costs
// several.
func TestPolarisTimesReadInOneAllocation(t *testing.T) {
	for _, text := range []string{
		`"2013-05-29T17:11:59.33"`, `"2013-05-29T17:11:59"`, `"2024-10-09T10:00:00.1234567"`, `"1999-12-31T09:59:59.9"`,
	} {
		var v polaris.Time
		b := []byte(text)
		require.NoError(t, v.UnmarshalJSON(b), text)
		allocs := testing.AllocsPerRun(50, func() { _ = v.UnmarshalJSON(b) })
		assert.LessOrEqual(t, allocs, 1.0, text)
	}
}
