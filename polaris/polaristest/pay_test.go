package polaristest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pay call's rules, and what a payment does to the fake's charges and
// ledger.

// payQuery is the pay call's query with every flag false.
const payQuery = "?action=pay&reload=false&overpayment=false&circ=false"

// fineBody is a DtoFineData paying amount (JSON text) of txns by method,
// with card (JSON text) as CreditCardPaymentData.
func fineBody(amount string, method int, card string, txns ...polaris.TxnID) string {
	ids, _ := json.Marshal(txns)
	return fmt.Sprintf(`{"TxnAmount":%s,"FreeTextNote":"kiosk","PatronPaymentMethod":%d,"MainTxnIDs":%s,"CreditCardPaymentData":%s}`,
		amount, method, ids, card)
}

// payAnswer is the pay call's answer.
type payAnswer struct {
	FinesAndFees []struct {
		TxnID             polaris.TxnID  `json:"TxnID"`
		TxnAmount         polaris.Amount `json:"TxnAmount"`
		OutstandingAmount polaris.Amount `json:"OutstandingAmount"`
		TxnDate           string         `json:"TxnDate"`
		FeeDescription    string         `json:"FeeDescription"`
	} `json:"FinesAndFees"`
	TxnIds []polaris.TxnID `json:"TxnIds"`
}

// owes adds a patron owing the given amounts, in cents.
func (s *session) owes(cents ...int64) polaristest.Patron {
	var charges []polaristest.Charge
	for _, c := range cents {
		charges = append(charges, polaristest.Charge{Amount: polaris.Cents(c)})
	}
	return s.srv.AddPatron(polaristest.Patron{Charges: charges})
}

// pay sends a pay of patron p with query and body.
func (s *session) pay(p polaris.PatronID, query, body string) (int, string) {
	s.t.Helper()
	return s.call(http.MethodPut, finesPath(patronKey(p))+query, body)
}

// outstanding is what each of p's charges owes, in order.
func (s *session) outstanding(p polaristest.Patron) []string {
	var out []string
	for _, c := range p.Charges {
		owed, _ := s.srv.Outstanding(p.ID, c.TxnID)
		out = append(out, owed.String())
	}
	return out
}

func TestPaymentMethods(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	for m := -1; m <= 18; m++ {
		p := s.owes(600)
		status, body := s.pay(p.ID, payQuery, fineBody("1.00", m, "null", p.Charges[0].TxnID))
		known := (m >= 1 && m <= 6) || (m >= 11 && m <= 17)
		if !known {
			require.Equal(t, 400, status, "method %d: %s", m, body)
			assert.Equal(t, "PatronPaymentMethod is not valid", message(t, body), m)
			continue
		}
		require.Equal(t, 200, status, "method %d: %s", m, body)
		ledger := s.srv.Ledger()
		assert.Equal(t, polaris.PatronPaymentMethod(m), ledger[len(ledger)-1].Method)
	}
	assert.Len(t, s.srv.Ledger(), 13, "the document's 13 methods")

	p := s.owes(600)
	status, body := s.pay(p.ID, payQuery, fmt.Sprintf(`{"TxnAmount":1,"MainTxnIDs":[%d]}`, p.Charges[0].TxnID))
	assert.Equal(t, 400, status, "no method")
	assert.Equal(t, "PatronPaymentMethod is not valid", message(t, body))
}

func TestPaymentAmounts(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	const refused = "TxnAmount is required: an amount greater than zero with at most 2 decimals"
	for amount, ok := range map[string]bool{
		"0.01": true, "1": true, "1.5": true, "1.25": true, "1.000": true,
		"0": false, "0.00": false, "-0.01": false, "-1": false, "1.005": false, "0.001": false, "null": false,
	} {
		p := s.owes(600)
		status, body := s.pay(p.ID, payQuery, fineBody(amount, 12, "null", p.Charges[0].TxnID))
		if !ok {
			require.Equal(t, 400, status, "%s: %s", amount, body)
			assert.Equal(t, refused, message(t, body), amount)
			assert.Equal(t, []string{"6.00"}, s.outstanding(p), amount)
			continue
		}
		require.Equal(t, 200, status, "%s: %s", amount, body)
		left, _ := polaris.Cents(600).Sub(mustAmount(t, amount))
		assert.Equal(t, []string{left.String()}, s.outstanding(p), amount)
	}
	p := s.owes(600)
	status, body := s.pay(p.ID, payQuery, `{"PatronPaymentMethod":12,"MainTxnIDs":[1]}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, refused, message(t, body), "no TxnAmount")
	status, body = s.pay(p.ID, payQuery, `{"TxnAmount":1,"PatronPaymentMethod":12,"MainTxnIDs":[]}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, "MainTxnIDs is required", message(t, body))
	status, body = s.pay(p.ID, payQuery, `{"TxnAmount":1,"PatronPaymentMethod":12}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, "MainTxnIDs is required", message(t, body))
}

func TestCardPacket(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	const (
		noAmount   = "CreditCardPaymentData.TxnAmount is required"
		unfinished = "CreditCardPaymentData.txnStatus must be Success or Finished"
		digits     = "CreditCardPaymentData.ccDigits must hold at most the last 4 digits"
	)
	for _, tc := range []struct {
		name, card string
		want       string // the refusal; "" when applied
		ccDigits   string // what the ledger keeps
	}{
		{"no packet", `null`, "", ""},
		{"the sample's amount", `{"amount":1,"txnStatus":"Finished"}`, "", ""},
		{"the table's txnAmount", `{"txnAmount":1,"txnStatus":"Success"}`, "", ""},
		{"both amounts", `{"amount":1,"txnAmount":1,"txnStatus":"Finished","ccDigits":"4219"}`, "", "4219"},
		{"no amount", `{"txnStatus":"Finished"}`, noAmount, ""},
		{"null amounts", `{"amount":null,"txnAmount":null,"txnStatus":"Finished"}`, noAmount, ""},
		{"no status", `{"amount":1}`, unfinished, ""},
		{"in progress", `{"amount":1,"txnStatus":"InProgress"}`, unfinished, ""},
		{"failed", `{"amount":1,"txnStatus":"Failed"}`, unfinished, ""},
		{"status in lower case", `{"amount":1,"txnStatus":"finished"}`, unfinished, ""},
		{"masked digits", `{"amount":1,"txnStatus":"Finished","ccDigits":"XXXX4219"}`, "", "XXXX4219"},
		{"the sample's digits", `{"amount":1,"txnStatus":"Finished","ccDigits":"XXXX"}`, "", "XXXX"},
		{"four zeros", `{"amount":1,"txnStatus":"Finished","ccDigits":"0000"}`, "", "0000"},
		{"four nines", `{"amount":1,"txnStatus":"Finished","ccDigits":"9999"}`, "", "9999"},
		{"masked with stars", `{"amount":1,"txnStatus":"Finished","ccDigits":"****4219"}`, "", "****4219"},
		{"five digits", `{"amount":1,"txnStatus":"Finished","ccDigits":"14219"}`, digits, ""},
		{"five zeros", `{"amount":1,"txnStatus":"Finished","ccDigits":"00000"}`, digits, ""},
		{"five nines", `{"amount":1,"txnStatus":"Finished","ccDigits":"99999"}`, digits, ""},
		{"a card number", `{"amount":1,"txnStatus":"Finished","ccDigits":"4111 1111 1111 1111"}`, digits, ""},
		{"a PascalCase key", `{"Amount":1,"txnStatus":"Finished"}`, `CreditCardPaymentData: unknown key "Amount"`, ""},
		{"an unknown key", `{"amount":1,"txnStatus":"Finished","cvv":"123"}`, `CreditCardPaymentData: unknown key "cvv"`, ""},
	} {
		p := s.owes(600)
		n := len(s.srv.Ledger())
		status, body := s.pay(p.ID, payQuery, fineBody("1.00", 12, tc.card, p.Charges[0].TxnID))
		if tc.want != "" {
			require.Equal(t, 400, status, "%s: %s", tc.name, body)
			assert.Equal(t, tc.want, message(t, body), tc.name)
			assert.Len(t, s.srv.Ledger(), n, tc.name)
			continue
		}
		require.Equal(t, 200, status, "%s: %s", tc.name, body)
		ledger := s.srv.Ledger()
		require.Len(t, ledger, n+1, tc.name)
		assert.Equal(t, tc.ccDigits, ledger[n].CCDigits, tc.name)
	}
}

func TestPayQueryAndPatron(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes(600)
	body := fineBody("1.00", 11, "null", p.Charges[0].TxnID)
	for _, tc := range []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"no action", finesPath(patronKey(p.ID)) + "?reload=false&overpayment=false&circ=false", body, 400, "action must be pay"},
		{"another action", finesPath(patronKey(p.ID)) + "?action=waive&reload=false&overpayment=false&circ=false", body, 400, "action must be pay"},
		{"no reload", finesPath(patronKey(p.ID)) + "?action=pay&overpayment=false&circ=false", body, 400, "reload is required: true or false"},
		{"no overpayment", finesPath(patronKey(p.ID)) + "?action=pay&reload=false&circ=false", body, 400, "overpayment is required: true or false"},
		{"no circ", finesPath(patronKey(p.ID)) + "?action=pay&reload=false&overpayment=false", body, 400, "circ is required: true or false"},
		{"no flags: the first is named", finesPath(patronKey(p.ID)) + "?action=pay", body, 400, "reload is required: true or false"},
		{"a flag that is no bool", finesPath(patronKey(p.ID)) + "?action=pay&reload=yes&overpayment=false&circ=false", body, 400, "reload is required: true or false"},
		{"patron 0", finesPath("0") + payQuery, body, 400, "The patron id is not valid."},
		{"patron -1", finesPath("-1") + payQuery, body, 400, "The patron id is not valid."},
		{"patron x", finesPath("x") + payQuery, body, 400, "The patron id is not valid."},
		{"an unknown patron", finesPath("1") + payQuery, body, 404, "Patron not found."},
		{"another patron in the body", finesPath(patronKey(p.ID)) + payQuery, `{"PatronID":1,` + body[1:], 400, "PatronID does not match the patron in the URL"},
		{"no body", finesPath(patronKey(p.ID)) + payQuery, "", 400, "Null object: body is not a JSON object"},
		{"trailing data", finesPath(patronKey(p.ID)) + payQuery, body + "{}", 400, "Null object: body is not a JSON object"},
		{"an unknown key", finesPath(patronKey(p.ID)) + payQuery, `{"Tip":1,` + body[1:], 400, `Null object: unknown key "Tip"`},
	} {
		status, answer := s.call(http.MethodPut, tc.path, tc.body)
		require.Equal(t, tc.status, status, "%s: %s", tc.name, answer)
		assert.Equal(t, tc.want, message(t, answer), tc.name)
	}
	status, answer := send(t, s.srv, http.MethodPut, finesPath(patronKey(p.ID))+payQuery,
		map[string]string{"Authorization": s.pas, "Content-Type": "text/plain"}, body)
	require.Equal(t, 400, status)
	assert.Equal(t, "Null object: Content-Type must be application/json", message(t, answer))
	assert.Empty(t, s.srv.Ledger())

	for _, q := range []string{
		"?action=pay&reload=True&overpayment=FALSE&circ=true",
		"?action=pay&reload=false&overpayment=false&circ=false",
	} {
		p := s.owes(600)
		status, answer := s.pay(p.ID, q, `{"PatronID":`+patronKey(p.ID)+`,`+fineBody("1.00", 11, "null", p.Charges[0].TxnID)[1:])
		require.Equal(t, 200, status, "%s: %s", q, answer)
	}
	p = s.owes(600)
	status, answer = s.pay(p.ID, payQuery, `{"PatronID":null,`+fineBody("1.00", 11, "null", p.Charges[0].TxnID)[1:])
	require.Equal(t, 200, status, "PatronID is nullable: %s", answer)
	assert.Len(t, s.srv.Ledger(), 3)

	for _, id := range []string{"0", "-1", "x"} {
		status, answer := s.call(http.MethodGet, finesPath(id), "")
		assert.Equal(t, 400, status, id)
		assert.Equal(t, "The patron id is not valid.", message(t, answer), id)
	}
	status, answer = s.call(http.MethodGet, finesPath("1"), "")
	assert.Equal(t, 404, status)
	assert.Equal(t, "Patron not found.", message(t, answer))
}

// A payment is applied to its charges in the order named, each up to what
// it owes; one payment transaction per charge paid, and one for a credit.
func TestPaymentAllocation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		allow       bool   // Options.AllowOverpayment
		query       string // "" for payQuery
		amount      string
		order       []int // indexes of the charges of 6.00 and 4.00 named
		status      int
		want        string   // the refusal
		outstanding []string // after
		txns        int      // payment transactions created
		credit      string
	}{
		{name: "less than the first", amount: "3.00", order: []int{0, 1}, status: 200, outstanding: []string{"3.00", "4.00"}, txns: 1},
		{name: "all of the first", amount: "6.00", order: []int{0, 1}, status: 200, outstanding: []string{"0.00", "4.00"}, txns: 1},
		{name: "a cent into the second", amount: "6.01", order: []int{0, 1}, status: 200, outstanding: []string{"0.00", "3.99"}, txns: 2},
		{name: "all", amount: "10.00", order: []int{0, 1}, status: 200, outstanding: []string{"0.00", "0.00"}, txns: 2},
		{name: "in the order named", amount: "6.00", order: []int{1, 0}, status: 200, outstanding: []string{"4.00", "0.00"}, txns: 2},
		{name: "one charge of two", amount: "4.00", order: []int{1}, status: 200, outstanding: []string{"6.00", "0.00"}, txns: 1},
		{name: "a cent above", amount: "10.01", order: []int{0, 1}, status: 400, want: "The payment amount exceeds the balance owed.", outstanding: []string{"6.00", "4.00"}},
		{name: "above one charge", amount: "4.01", order: []int{1}, status: 400, want: "The payment amount exceeds the balance owed.", outstanding: []string{"6.00", "4.00"}},
		{name: "overpayment the branch refuses", query: "?action=pay&reload=false&overpayment=true&circ=false", amount: "12.00", order: []int{0, 1}, status: 400,
			want: "Overpayment is not allowed at this branch.", outstanding: []string{"6.00", "4.00"}},
		{name: "overpayment without the flag", allow: true, amount: "12.00", order: []int{0, 1}, status: 400,
			want: "The payment amount exceeds the balance owed.", outstanding: []string{"6.00", "4.00"}},
		{name: "overpayment", allow: true, query: "?action=pay&reload=false&overpayment=true&circ=false", amount: "12.00", order: []int{0, 1}, status: 200,
			outstanding: []string{"0.00", "0.00"}, txns: 3, credit: "2.00"},
		{name: "exact with the overpayment flag", allow: true, query: "?action=pay&reload=false&overpayment=true&circ=false", amount: "10.00", order: []int{0, 1}, status: 200,
			outstanding: []string{"0.00", "0.00"}, txns: 2},
		{name: "a charge named twice", amount: "1.00", order: []int{0, 0}, status: 400, want: "Transaction %d is named twice.", outstanding: []string{"6.00", "4.00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, polaristest.Options{AllowOverpayment: tc.allow})
			p := s.owes(600, 400)
			var named []polaris.TxnID
			for _, i := range tc.order {
				named = append(named, p.Charges[i].TxnID)
			}
			q := tc.query
			if q == "" {
				q = payQuery
			}
			status, body := s.pay(p.ID, q, fineBody(tc.amount, 12, "null", named...))
			require.Equal(t, tc.status, status, body)
			assert.Equal(t, tc.outstanding, s.outstanding(p))
			if tc.status != 200 {
				want := tc.want
				if strings.Contains(want, "%d") {
					want = fmt.Sprintf(want, named[0])
				}
				assert.Equal(t, want, message(t, body))
				assert.Empty(t, s.srv.Ledger())
				assert.Zero(t, s.srv.Applied(p.ID))
				return
			}
			var a payAnswer
			require.NoError(t, json.Unmarshal([]byte(body), &a))
			assert.Len(t, a.TxnIds, tc.txns)
			assert.Contains(t, body, `"FinesAndFees":null`, "no list without reload")
			ledger := s.srv.Ledger()
			require.Len(t, ledger, 1)
			assert.Equal(t, polaristest.Payment{
				PatronID: p.ID, TxnIDs: a.TxnIds, MainTxnIDs: named, Amount: mustAmount(t, tc.amount),
				Credit: mustAmountOrZero(t, tc.credit), Method: polaris.CreditCard, At: ledger[0].At,
			}, ledger[0])
			assert.WithinDuration(t, time.Now(), ledger[0].At, 5*time.Second)
			assert.Equal(t, 1, s.srv.Applied(p.ID))
		})
	}
}

func mustAmount(t *testing.T, s string) polaris.Amount {
	t.Helper()
	a, err := polaris.ParseAmount(s)
	require.NoError(t, err)
	return a
}

func mustAmountOrZero(t *testing.T, s string) polaris.Amount {
	t.Helper()
	if s == "" {
		return polaris.Amount{}
	}
	return mustAmount(t, s)
}

func TestPaymentRefusals(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes(600, 400)
	other := s.owes(100)
	for _, tc := range []struct {
		name   string
		txns   []polaris.TxnID
		status int
		want   string
	}{
		{"another patron's charge", []polaris.TxnID{other.Charges[0].TxnID}, 400, fmt.Sprintf("Transaction %d is not a charge of this patron.", other.Charges[0].TxnID)},
		{"an unknown charge after a known one", []polaris.TxnID{p.Charges[0].TxnID, 1}, 400, "Transaction 1 is not a charge of this patron."},
	} {
		status, body := s.pay(p.ID, payQuery, fineBody("1.00", 12, "null", tc.txns...))
		require.Equal(t, tc.status, status, tc.name)
		assert.Equal(t, tc.want, message(t, body), tc.name)
	}

	// Paid in full, a charge is refused as already paid; named with one
	// that owes, the payment goes to that one alone.
	status, body := s.pay(p.ID, payQuery, fineBody("6.00", 12, "null", p.Charges[0].TxnID))
	require.Equal(t, 200, status, body)
	status, body = s.pay(p.ID, payQuery, fineBody("6.00", 12, "null", p.Charges[0].TxnID))
	require.Equal(t, 400, status)
	assert.Equal(t, "The transactions are already paid.", message(t, body))
	status, body = s.pay(p.ID, payQuery, fineBody("1.00", 12, "null", p.Charges[0].TxnID, p.Charges[1].TxnID))
	require.Equal(t, 200, status, body)
	var a payAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a))
	assert.Len(t, a.TxnIds, 1, "nothing is applied to the charge paid in full")
	assert.Equal(t, []string{"0.00", "3.00"}, s.outstanding(p))

	s.srv.SetSecured(p.ID, true)
	status, body = s.pay(p.ID, payQuery, fineBody("1.00", 12, "null", p.Charges[1].TxnID))
	require.Equal(t, 409, status)
	assert.Equal(t, "Patron record is secured.", message(t, body))
	s.srv.SetSecured(p.ID, false)
	status, _ = s.pay(p.ID, payQuery, fineBody("1.00", 12, "null", p.Charges[1].TxnID))
	require.Equal(t, 200, status)
	assert.Equal(t, 3, s.srv.Applied(p.ID))
	assert.Zero(t, s.srv.Applied(other.ID))
}

// finesOf reads the fines and fees of a GET or a reload answer.
func finesOf(t *testing.T, body string) payAnswer {
	t.Helper()
	var a payAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a), body)
	return a
}

// listed is the TxnID and OutstandingAmount of each listed fine.
func listed(a payAnswer) []string {
	var out []string
	for _, f := range a.FinesAndFees {
		out = append(out, fmt.Sprintf("%d %s", f.TxnID, f.OutstandingAmount))
	}
	return out
}

func TestReloadAndListing(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("EST", -5*60*60)
	for _, paid := range []bool{false, true} {
		s := open(t, polaristest.Options{ListPaidCharges: paid, Location: zone})
		p := s.owes(600, 400, 250)
		id := func(i int) polaris.TxnID { return p.Charges[i].TxnID }

		status, body := s.call(http.MethodGet, finesPath(patronKey(p.ID)), "")
		require.Equal(t, 200, status)
		got := finesOf(t, body)
		assert.Equal(t, []string{fmt.Sprintf("%d 6.00", id(0)), fmt.Sprintf("%d 4.00", id(1)), fmt.Sprintf("%d 2.50", id(2))}, listed(got))
		require.Len(t, got.FinesAndFees, 3)
		f := got.FinesAndFees[1]
		assert.Equal(t, "4.00", f.TxnAmount.String())
		assert.Equal(t, "Damage", f.FeeDescription)
		date, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", f.TxnDate, zone)
		require.NoError(t, err, "a zone-less time: %s", f.TxnDate)
		assert.WithinDuration(t, time.Now(), date, 5*time.Second, "written in Options.Location")

		// Paid in full, partly paid, untouched; reload lists what is owed
		// (and, with ListPaidCharges, what was paid in full).
		status, body = s.pay(p.ID, "?action=pay&reload=true&overpayment=false&circ=false", fineBody("7.00", 12, "null", id(0), id(1)))
		require.Equal(t, 200, status, body)
		want := []string{fmt.Sprintf("%d 3.00", id(1)), fmt.Sprintf("%d 2.50", id(2))}
		if paid {
			want = append([]string{fmt.Sprintf("%d 0.00", id(0))}, want...)
		}
		assert.Equal(t, want, listed(finesOf(t, body)), "reload, ListPaidCharges %v", paid)
		assert.Len(t, finesOf(t, body).TxnIds, 2)
		status, body = s.call(http.MethodGet, finesPath(patronKey(p.ID)), "")
		require.Equal(t, 200, status)
		assert.Equal(t, want, listed(finesOf(t, body)), "GET, ListPaidCharges %v", paid)

		// A patron who owes nothing is listed as an empty list.
		q := s.owes()
		status, body = s.call(http.MethodGet, finesPath(patronKey(q.ID)), "")
		require.Equal(t, 200, status)
		assert.JSONEq(t, `{"FinesAndFees":[]}`, body)
	}
}

func TestReadLagDelaysOnlyTheGet(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	p := s.owes(600, 400)
	s.srv.SetReadLag(time.Hour)
	status, body := s.pay(p.ID, "?action=pay&reload=true&overpayment=false&circ=false", fineBody("7.00", 12, "null", p.Charges[0].TxnID, p.Charges[1].TxnID))
	require.Equal(t, 200, status, body)
	assert.Equal(t, []string{fmt.Sprintf("%d 3.00", p.Charges[1].TxnID)}, listed(finesOf(t, body)), "a reload is never delayed")
	assert.Equal(t, []string{"0.00", "3.00"}, s.outstanding(p), "nor is Server.Outstanding")

	status, body = s.call(http.MethodGet, finesPath(patronKey(p.ID)), "")
	require.Equal(t, 200, status)
	assert.Equal(t, []string{fmt.Sprintf("%d 6.00", p.Charges[0].TxnID), fmt.Sprintf("%d 4.00", p.Charges[1].TxnID)}, listed(finesOf(t, body)))

	s.srv.SetReadLag(0)
	status, body = s.call(http.MethodGet, finesPath(patronKey(p.ID)), "")
	require.Equal(t, 200, status)
	assert.Equal(t, []string{fmt.Sprintf("%d 3.00", p.Charges[1].TxnID)}, listed(finesOf(t, body)))
}

func TestPayFaults(t *testing.T) {
	t.Parallel()
	s := open(t, polaristest.Options{})
	for _, tc := range []struct {
		action  polaristest.Action
		status  int // 0: the connection is closed
		body    string
		applied int
	}{
		{polaristest.Refuse, 503, `{"Message":"Service Unavailable"}`, 0},
		{polaristest.DropBeforeApply, 0, "", 0},
		{polaristest.DropAfterApply, 0, "", 1},
		{polaristest.FailAfterApply, 500, `{"Message":"Internal Server Error"}`, 1},
		{polaristest.EmptyAfterApply, 200, `{}`, 1},
	} {
		p := s.owes(600)
		other := s.owes(600)
		s.srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: patronKey(p.ID), Action: tc.action})
		status, body := s.pay(other.ID, payQuery, fineBody("6.00", 12, "null", other.Charges[0].TxnID))
		require.Equal(t, 200, status, "the fault is keyed by patron: %s", body)

		req, err := http.NewRequest(http.MethodPut, s.srv.URL()+finesPath(patronKey(p.ID))+payQuery,
			strings.NewReader(fineBody("6.00", 12, "null", p.Charges[0].TxnID)))
		require.NoError(t, err)
		req.Header.Set("Authorization", s.pas)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if tc.status == 0 {
			require.Error(t, err, "action %v", tc.action)
		} else {
			require.NoError(t, err)
			b := make([]byte, 256)
			n, _ := resp.Body.Read(b)
			_ = resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode, "action %v", tc.action)
			assert.JSONEq(t, tc.body, string(b[:n]), "action %v", tc.action)
		}
		assert.Equal(t, tc.applied, s.srv.Applied(p.ID), "action %v", tc.action)
		assert.Equal(t, 1, s.srv.CallsFor(polaristest.EndpointPay, patronKey(p.ID)))
	}
}
