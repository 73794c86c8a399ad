package crmcomtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSession is a logged-in raw HTTP session with a fake: requests as a
// client of CRM.COM's Web API would send them, answers as envelopes.
type fakeSession struct {
	t     *testing.T
	srv   *crmcomtest.Server
	token string
}

func newFakeSession(t *testing.T, opts crmcomtest.Options) *fakeSession {
	t.Helper()
	srv := crmcomtest.NewServer(opts)
	t.Cleanup(srv.Close)
	user := opts.Username
	if user == "" {
		user = crmcomtest.DefaultUsername
	}
	s := &fakeSession{t: t, srv: srv}
	code, data := s.send(http.MethodPost, "/authentication/token", map[string]any{
		"username": user, "password": crmcomtest.DefaultPassword, "organisation": crmcomtest.DefaultOrganisation,
	})
	require.Equal(t, "OK", code)
	var tok struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal(data, &tok))
	s.token = tok.Token
	return s
}

// send sends body as JSON (or, for GET, query as the query) and returns the
// envelope's status code and data.
func (s *fakeSession) send(method, path string, body map[string]any) (string, json.RawMessage) {
	s.t.Helper()
	var in io.Reader
	u := s.srv.URL() + path
	if method == http.MethodGet {
		q := url.Values{}
		for k, v := range body {
			q.Set(k, v.(string))
		}
		u += "?" + q.Encode()
	} else {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, in)
	require.NoError(s.t, err)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	var env struct {
		Status struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"status"`
		Data json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	require.NoError(s.t, dec.Decode(&env), string(raw))
	return env.Status.Code, env.Data
}

// post sends a POST with the session's token added to body.
func (s *fakeSession) post(path string, body map[string]any) (string, json.RawMessage) {
	s.t.Helper()
	body["token"] = s.token
	return s.send(http.MethodPost, path, body)
}

// create sends payments/create for account 192 (unless extra names
// another) of amount in state, with extra fields; it returns the status
// code and the new payment's id.
func (s *fakeSession) create(state, amount string, extra map[string]any) (string, string) {
	s.t.Helper()
	body := map[string]any{
		"accounts_receivable_identifier": map[string]string{"number": "192"},
		"type_identifier":                map[string]string{"name": crmcomtest.OtherPaymentType},
		"payment_method_identifier":      map[string]string{"name": crmcomtest.BankTransfer},
		"life_cycle_state":               state,
		"payment_amount":                 json.Number(amount),
	}
	for k, v := range extra {
		body[k] = v
	}
	code, data := s.post("/payments/create", body)
	if code != "OK" {
		return code, ""
	}
	var p struct {
		ID string `json:"id"`
	}
	require.NoError(s.t, json.Unmarshal(data, &p))
	require.NotEmpty(s.t, p.ID)
	return code, p.ID
}

// show reads a payment back by its id, every field, numbers as json.Number.
func (s *fakeSession) show(id string) map[string]any {
	s.t.Helper()
	code, data := s.send(http.MethodGet, "/payments/show", map[string]any{"token": s.token, "payment_identifier": "id=" + id})
	require.Equal(s.t, "OK", code)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	require.NoError(s.t, dec.Decode(&m))
	return m
}

// outstanding is what is left to pay of an invoice or bill, as text.
func (s *fakeSession) outstanding(number crmcom.ID) string {
	s.t.Helper()
	a, ok := s.srv.Outstanding(number)
	require.True(s.t, ok, number)
	return a.String()
}

// lastPayment is the newest payment of the ledger.
func (s *fakeSession) lastPayment() crmcomtest.Payment {
	s.t.Helper()
	l := s.srv.Ledger()
	require.NotEmpty(s.t, l)
	return l[len(l)-1]
}

func ident(field, value string) map[string]string { return map[string]string{field: value} }

var udfNames = []string{
	"udf_string_1", "udf_string_2", "udf_string_3", "udf_string_4", "udf_string_5", "udf_string_6", "udf_string_7", "udf_string_8",
	"udf_float_1", "udf_float_2", "udf_float_3", "udf_float_4", "udf_date_1", "udf_date_2", "udf_date_3", "udf_date_4",
}

// udfOf returns the user-defined fields of a shown payment, and fails the
// test if it shows any other udf_ name.
func udfOf(t *testing.T, shown map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range shown {
		if strings.HasPrefix(k, "udf_") {
			assert.Contains(t, udfNames, k, "an unknown user-defined field is shown")
			out[k] = v
		}
	}
	return out
}

// A payment shows every user-defined field under its own name: the ones
// sent as sent (the first of each kind included), the rest null.
func TestFakeUserDefinedFieldsShowAsSent(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	for _, tc := range []struct {
		name string
		sent map[string]any
	}{
		{"none", map[string]any{}},
		{"the first of each kind", map[string]any{
			"udf_string_1": "first string", "udf_float_1": json.Number("10.5"), "udf_date_1": "2014-07-14T09:12:54",
		}},
		{"the last of each kind", map[string]any{
			"udf_string_8": "last string", "udf_float_4": json.Number("-4"), "udf_date_4": "2015-03-02T00:00:01",
		}},
		{"every one", map[string]any{
			"udf_string_1": "s1", "udf_string_2": "s2", "udf_string_3": "s3", "udf_string_4": "s4",
			"udf_string_5": "s5", "udf_string_6": "s6", "udf_string_7": "s7", "udf_string_8": "s8",
			"udf_float_1": json.Number("1"), "udf_float_2": json.Number("2.25"), "udf_float_3": json.Number("3"), "udf_float_4": json.Number("4"),
			"udf_date_1": "2014-07-01T00:00:00", "udf_date_2": "2014-07-02T00:00:00", "udf_date_3": "2014-07-03T00:00:00", "udf_date_4": "2014-07-04T23:59:59",
		}},
	} {
		code, id := s.create("DRAFT", "1", tc.sent)
		require.Equal(t, "OK", code, tc.name)
		want := map[string]any{}
		for _, name := range udfNames {
			want[name] = nil
			if v, ok := tc.sent[name]; ok {
				want[name] = v
			}
		}
		assert.Equal(t, want, udfOf(t, s.show(id)), tc.name)
	}
}

// An accounts receivable is found by its id, its number or its name, each
// naming that one account and no other.
func TestFakeAccountsResolveByEachField(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	accounts := []crmcomtest.Account{
		{ID: "AAAA0000000000000000000000000192", Number: "192", Name: "Peter Johnson Premium"},
		{ID: "AAAA0000000000000000000000000186", Number: "186", Name: "Maria Hadjipetrou"},
	}
	for _, a := range accounts {
		s.srv.AddAccount(a)
	}
	for _, a := range accounts {
		for field, value := range map[string]string{"id": string(a.ID), "number": string(a.Number), "name": a.Name} {
			code, _ := s.create("DRAFT", "1", map[string]any{"accounts_receivable_identifier": ident(field, value)})
			require.Equal(t, "OK", code, "%s=%s", field, value)
			assert.Equal(t, a.Number, s.lastPayment().Account, "%s=%s", field, value)

			code, data := s.send(http.MethodGet, "/payments/list", map[string]any{
				"token": s.token, "accounts_receivable_identifier": field + "=" + value, "fields_set": "accounts_receivable",
			})
			require.Equal(t, "OK", code, "list by %s=%s", field, value)
			var listed []struct {
				AR struct {
					Number crmcom.ID `json:"number"`
				} `json:"accounts_receivable"`
			}
			require.NoError(t, json.Unmarshal(data, &listed))
			assert.NotEmpty(t, listed)
			for _, p := range listed {
				assert.Equal(t, a.Number, p.AR.Number, "list by %s=%s", field, value)
			}
		}
	}
	n := len(s.srv.Ledger())
	for field, value := range map[string]string{"id": "AAAA0000000000000000000000000999", "number": "999", "name": "Nobody"} {
		code, _ := s.create("DRAFT", "1", map[string]any{"accounts_receivable_identifier": ident(field, value)})
		assert.Equal(t, "NOT_FOUND", code, "%s=%s", field, value)
	}
	// Another field's value is no match: the number of one, sent as an id.
	code, _ := s.create("DRAFT", "1", map[string]any{"accounts_receivable_identifier": ident("id", "192")})
	assert.Equal(t, "NOT_FOUND", code)
	assert.Len(t, s.srv.Ledger(), n, "nothing created by a refused identifier")
}

// An invoice or bill is found by its id, its number or its reference
// number, each naming that one and no other, in create's sets and in
// pay_invoice and pay_bill.
func TestFakeInvoicesAndBillsResolveByEachField(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	s.srv.AddAccount(crmcomtest.Account{Number: "186"})
	invoices := []crmcomtest.Invoice{
		{ID: "1111000000000000000000000000000A", Number: "I-1", ReferenceNumber: "R-1", Account: "192", Amount: crmcom.Cents(1000)},
		{ID: "1111000000000000000000000000000B", Number: "I-2", ReferenceNumber: "R-2", Account: "192", Amount: crmcom.Cents(2000)},
	}
	bills := []crmcomtest.Bill{
		{ID: "2222000000000000000000000000000A", Number: "B-1", ReferenceNumber: "BR-1", Account: "192", Amount: crmcom.Cents(3000)},
		{ID: "2222000000000000000000000000000B", Number: "B-2", ReferenceNumber: "BR-2", Account: "192", Amount: crmcom.Cents(4000)},
	}
	for _, inv := range invoices {
		s.srv.AddInvoice(inv)
	}
	for _, b := range bills {
		s.srv.AddBill(b)
	}
	fields := func(inv crmcomtest.Invoice) map[string]string {
		return map[string]string{"id": string(inv.ID), "number": string(inv.Number), "reference_number": string(inv.ReferenceNumber)}
	}
	for _, inv := range invoices {
		for field, value := range fields(inv) {
			code, _ := s.create("DRAFT", "1", map[string]any{
				"invoices_to_pay_set": []any{map[string]any{"invoice_identifier": ident(field, value)}},
			})
			require.Equal(t, "OK", code, "invoice %s=%s", field, value)
			p := s.lastPayment()
			assert.Equal(t, []crmcom.ID{inv.Number}, p.Invoices, "invoice %s=%s", field, value)
			assert.Empty(t, p.Bills)
		}
	}
	for _, b := range bills {
		for field, value := range fields(crmcomtest.Invoice(b)) {
			code, _ := s.create("DRAFT", "1", map[string]any{
				"bills_to_pay_set": []any{map[string]any{"bill_identifier": ident(field, value)}},
			})
			require.Equal(t, "OK", code, "bill %s=%s", field, value)
			p := s.lastPayment()
			assert.Equal(t, []crmcom.ID{b.Number}, p.Bills, "bill %s=%s", field, value)
			assert.Empty(t, p.Invoices)
		}
	}
	for field, value := range map[string]string{"id": "1111000000000000000000000000000F", "number": "I-9", "reference_number": "R-9"} {
		code, _ := s.create("DRAFT", "1", map[string]any{
			"invoices_to_pay_set": []any{map[string]any{"invoice_identifier": ident(field, value)}},
		})
		assert.Equal(t, "NOT_FOUND", code, "invoice %s=%s", field, value)
	}
	code, _ := s.create("DRAFT", "1", map[string]any{
		"accounts_receivable_identifier": ident("number", "186"),
		"invoices_to_pay_set":            []any{map[string]any{"invoice_identifier": ident("id", string(invoices[0].ID))}},
	})
	assert.Equal(t, "INVALID_PARAMETER", code, "another account's invoice")

	// pay_invoice and pay_bill by id: the one named is paid, the other not.
	pay := func(path, param, id string) string {
		code, _ := s.post(path, map[string]any{
			"accounts_receivable_identifier": ident("number", "192"),
			"type_identifier":                ident("name", crmcomtest.PaymentType),
			"payment_method_identifier":      ident("name", crmcomtest.DirectDebit),
			param:                            ident("id", id),
		})
		return code
	}
	require.Equal(t, "OK", pay("/payments/pay_invoice", "invoice_identifier", string(invoices[1].ID)))
	assert.Equal(t, "10.00", s.outstanding("I-1"))
	assert.Equal(t, "0.00", s.outstanding("I-2"))
	assert.Equal(t, "20.00", s.lastPayment().Amount.String())
	require.Equal(t, "OK", pay("/payments/pay_bill", "bill_identifier", string(bills[0].ID)))
	assert.Equal(t, "0.00", s.outstanding("B-1"))
	assert.Equal(t, "40.00", s.outstanding("B-2"))
	assert.Equal(t, "30.00", s.lastPayment().Amount.String())
}

// OtherUser is a user of every fake besides the one who logs in; a fake
// whose login user is OtherUser knows that user once.
func TestFakeUsers(t *testing.T) {
	t.Parallel()
	const (
		loginUserID = "B8650C555C4EA8C741103961276E7773"
		otherUserID = "0F1E2D3C4B5A69788796A5B4C3D2E1F0"
	)
	userOf := func(s *fakeSession, id string) (username, userID string) {
		u, ok := s.show(id)["received_by_user"].(map[string]any)
		require.True(t, ok, "received_by_user is an object")
		return u["username"].(string), u["id"].(string)
	}

	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	for _, tc := range []struct {
		by       map[string]string
		name, id string
	}{
		{ident("username", crmcomtest.OtherUser), crmcomtest.OtherUser, otherUserID},
		{ident("id", otherUserID), crmcomtest.OtherUser, otherUserID},
		{ident("username", crmcomtest.DefaultUsername), crmcomtest.DefaultUsername, loginUserID},
		{nil, crmcomtest.DefaultUsername, loginUserID}, // none named: the user who logged in
	} {
		extra := map[string]any{}
		if tc.by != nil {
			extra["received_by_user_identifier"] = tc.by
		}
		code, id := s.create("DRAFT", "1", extra)
		require.Equal(t, "OK", code, tc.by)
		name, userID := userOf(s, id)
		assert.Equal(t, tc.name, name, tc.by)
		assert.Equal(t, tc.id, userID, tc.by)
	}
	code, _ := s.create("DRAFT", "1", map[string]any{"received_by_user_identifier": ident("username", "nobody")})
	assert.Equal(t, "NOT_FOUND", code)

	other := newFakeSession(t, crmcomtest.Options{Username: crmcomtest.OtherUser})
	other.srv.AddAccount(crmcomtest.Account{Number: "192"})
	code, id := other.create("DRAFT", "1", map[string]any{"received_by_user_identifier": ident("username", crmcomtest.OtherUser)})
	require.Equal(t, "OK", code)
	name, userID := userOf(other, id)
	assert.Equal(t, crmcomtest.OtherUser, name)
	assert.Equal(t, loginUserID, userID, "the login user, not a second user of that name")
	code, _ = other.create("DRAFT", "1", map[string]any{"received_by_user_identifier": ident("id", otherUserID)})
	assert.Equal(t, "NOT_FOUND", code, "no second user")
}

// A payment that names no unit was received by the fake's one unit; one
// that names it, by that unit.
func TestFakeUnitDefaultsToTheLoginUnit(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	for _, by := range []map[string]string{nil, ident("name", crmcomtest.AdminUnit), ident("alternative_code", "MG")} {
		extra := map[string]any{}
		if by != nil {
			extra["received_by_unit_identifier"] = by
		}
		code, id := s.create("DRAFT", "1", extra)
		require.Equal(t, "OK", code, by)
		shown := s.show(id)
		unit, ok := shown["received_by_unit"].(map[string]any)
		require.True(t, ok, "received_by_unit is an object: %v", shown["received_by_unit"])
		assert.Equal(t, crmcomtest.AdminUnit, unit["name"], by)
		assert.Equal(t, "48305F8849E3C18B227C5BE3A27BA6DF", unit["id"], by)
		created, ok := shown["log_information"].(map[string]any)["created_by_unit"].(map[string]any)
		require.True(t, ok, "created_by_unit is an object")
		assert.Equal(t, crmcomtest.AdminUnit, created["name"], by)
	}
	code, _ := s.create("DRAFT", "1", map[string]any{"received_by_unit_identifier": ident("name", "Other Unit")})
	assert.Equal(t, "NOT_FOUND", code)
}

// A created payment is DRAFT (no number, nothing paid) or POSTED (a
// number, its amount taken from what it pays in order), as asked.
func TestFakeCreateDraftOrPosted(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	s.srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(2000)})
	set := map[string]any{"invoices_to_pay_set": []any{map[string]any{"invoice_identifier": ident("number", "I-1")}}}

	code, id := s.create("DRAFT", "5", set)
	require.Equal(t, "OK", code)
	p := s.lastPayment()
	assert.Equal(t, crmcom.Draft, p.State)
	assert.Empty(t, p.Number, "a DRAFT payment has no number")
	assert.True(t, p.PostedOn.IsZero())
	assert.Equal(t, "20.00", s.outstanding("I-1"), "a DRAFT payment pays nothing")
	assert.Nil(t, s.show(id)["number"])

	code, id = s.create("POSTED", "5", set)
	require.Equal(t, "OK", code)
	p = s.lastPayment()
	assert.Equal(t, crmcom.Posted, p.State)
	assert.NotEmpty(t, p.Number)
	assert.False(t, p.PostedOn.IsZero())
	assert.Equal(t, "15.00", s.outstanding("I-1"))
	assert.Equal(t, string(p.Number), s.show(id)["number"])
}

// A POSTED payment's amount is taken from what it pays in the order sent:
// each takes what it has outstanding, until the amount runs out; one with
// nothing outstanding takes nothing. Cancelling gives back exactly what
// was taken.
func TestFakePaymentAllocation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		amount  string
		paidI1  bool // I-1 paid in full before
		want    [3]string
		posting string // "create" posts at create; "post" creates DRAFT then posts
	}{
		{"less than the first", "5.00", false, [3]string{"15.00", "20.00", "10.00"}, "create"},
		{"exactly the first", "20.00", false, [3]string{"0.00", "20.00", "10.00"}, "create"},
		{"into the second", "30.00", false, [3]string{"0.00", "10.00", "10.00"}, "create"},
		{"one cent into the bill", "40.01", false, [3]string{"0.00", "0.00", "9.99"}, "create"},
		{"exactly everything", "50.00", false, [3]string{"0.00", "0.00", "0.00"}, "create"},
		{"more than everything", "70.00", false, [3]string{"0.00", "0.00", "0.00"}, "create"},
		{"past one already paid", "25.00", true, [3]string{"0.00", "0.00", "5.00"}, "create"},
		{"posted later, into the second", "30.00", false, [3]string{"0.00", "10.00", "10.00"}, "post"},
		{"posted later, past one already paid", "5.00", true, [3]string{"0.00", "15.00", "10.00"}, "post"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newFakeSession(t, crmcomtest.Options{})
			s.srv.AddAccount(crmcomtest.Account{Number: "192"})
			s.srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(2000)})
			s.srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-2", Amount: crmcom.Cents(2000)})
			s.srv.AddBill(crmcomtest.Bill{Account: "192", Number: "B-1", Amount: crmcom.Cents(1000)})
			if tc.paidI1 {
				code, _ := s.create("POSTED", "20", map[string]any{
					"invoices_to_pay_set": []any{map[string]any{"invoice_identifier": ident("number", "I-1")}},
				})
				require.Equal(t, "OK", code)
				require.Equal(t, "0.00", s.outstanding("I-1"))
			}
			state := "POSTED"
			if tc.posting == "post" {
				state = "DRAFT"
			}
			code, id := s.create(state, tc.amount, map[string]any{
				"invoices_to_pay_set": []any{
					map[string]any{"invoice_identifier": ident("number", "I-1")},
					map[string]any{"invoice_identifier": ident("number", "I-2")},
				},
				"bills_to_pay_set": []any{map[string]any{"bill_identifier": ident("number", "B-1")}},
			})
			require.Equal(t, "OK", code)
			if tc.posting == "post" {
				code, _ := s.post("/payments/post", map[string]any{"payment_identifier": ident("id", id)})
				require.Equal(t, "OK", code)
			}
			got := [3]string{s.outstanding("I-1"), s.outstanding("I-2"), s.outstanding("B-1")}
			assert.Equal(t, tc.want, got)
			p := s.lastPayment()
			assert.Equal(t, crmcom.Posted, p.State)
			assert.Equal(t, tc.amount, p.Amount.String(), "the payment keeps its whole amount")

			shown := s.show(id)
			var outstanding []string
			for _, key := range []string{"invoices_to_pay_set", "bills_to_pay_set"} {
				for _, item := range shown[key].([]any) {
					outstanding = append(outstanding, item.(map[string]any)["outstanding_amount"].(json.Number).String())
				}
			}
			assert.Equal(t, tc.want[:], outstanding, "show agrees")

			code, _ = s.post("/payments/cancel", map[string]any{
				"payment_identifier": ident("id", id),
				"type_identifier":    ident("name", crmcomtest.CancellationType),
			})
			require.Equal(t, "OK", code)
			before := [3]string{"20.00", "20.00", "10.00"}
			if tc.paidI1 {
				before[0] = "0.00"
			}
			assert.Equal(t, before, [3]string{s.outstanding("I-1"), s.outstanding("I-2"), s.outstanding("B-1")},
				"cancelling gives back what was taken, and only that")
		})
	}
}
