package crmcomtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneShot sends each request on a connection of its own: a handler that
// dies mid-request fails that read, where a reused connection would have
// the GET resent.
var oneShot = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// showBy reads a payment back by one identifier field and returns the
// status code and, when OK, the id of the payment shown.
func (s *fakeSession) showBy(field, value string) (string, string) {
	s.t.Helper()
	q := url.Values{"token": {s.token}, "payment_identifier": {field + "=" + value}, "fields_set": {"id"}}
	resp, err := oneShot.Get(s.srv.URL() + "/payments/show?" + q.Encode())
	require.NoError(s.t, err, "%s=%s", field, value)
	defer resp.Body.Close()
	var env struct {
		Status struct {
			Code string `json:"code"`
		} `json:"status"`
		Data *struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	require.NoError(s.t, json.NewDecoder(resp.Body).Decode(&env))
	if env.Status.Code != "OK" {
		return env.Status.Code, ""
	}
	require.NotNil(s.t, env.Data)
	return env.Status.Code, env.Data.ID
}

// listIDs sends list or get_latest with query (the token added) and
// returns the status code and the ids answered, in order.
func (s *fakeSession) listIDs(path string, query map[string]any) (string, []string) {
	s.t.Helper()
	query["token"] = s.token
	query["fields_set"] = "id"
	code, data := s.send(http.MethodGet, path, query)
	if code != "OK" {
		return code, nil
	}
	var ps []struct {
		ID string `json:"id"`
	}
	require.NoError(s.t, json.Unmarshal(data, &ps))
	ids := []string{}
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return code, ids
}

// A payment is found by its id, its number or its reference number, each
// naming that one payment and no other; a value of one field sent as
// another, or as back_office_code (a field the fake allows but no payment
// of its carries), names none.
func TestFakePaymentsResolveByEachField(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	for range 3 {
		code, _ := s.create("POSTED", "1", map[string]any{})
		require.Equal(t, "OK", code)
	}
	code, _ := s.create("DRAFT", "1", map[string]any{})
	require.Equal(t, "OK", code)
	ledger := s.srv.Ledger()
	require.Len(t, ledger, 4)

	for _, p := range ledger {
		fields := map[string]crmcom.ID{"id": p.ID, "number": p.Number, "reference_number": p.ReferenceNumber}
		for field, value := range fields {
			if value == "" {
				continue // a DRAFT payment has no number yet
			}
			code, id := s.showBy(field, string(value))
			require.Equal(t, "OK", code, "%s=%s", field, value)
			assert.Equal(t, string(p.ID), id, "%s=%s names its own payment", field, value)
			for other := range fields {
				if other != field {
					code, _ := s.showBy(other, string(value))
					assert.Equal(t, "NOT_FOUND", code, "the %s %s sent as %s", field, value, other)
				}
			}
			code, _ = s.showBy("back_office_code", string(value))
			assert.Equal(t, "NOT_FOUND", code, "the %s %s sent as back_office_code", field, value)
		}
	}
	for field, value := range map[string]string{"id": "FFFF0000000000000000000000000000", "number": "99999", "reference_number": "99998"} {
		code, _ := s.showBy(field, value)
		assert.Equal(t, "NOT_FOUND", code, "%s=%s", field, value)
	}

	// Posting by number changes that payment, not another.
	draft := ledger[3]
	code, _ = s.post("/payments/post", map[string]any{"payment_identifier": ident("reference_number", string(draft.ReferenceNumber))})
	require.Equal(t, "OK", code)
	for _, p := range s.srv.Ledger() {
		assert.Equal(t, crmcom.Posted, p.State, p.ID)
	}
	code, _ = s.post("/payments/post", map[string]any{"payment_identifier": ident("number", string(ledger[0].ReferenceNumber))})
	assert.Equal(t, "NOT_FOUND", code, "a reference number sent as a number")
}

// show, like list and get_latest, answers as a lagging replica would: a
// payment younger than the read lag is not found.
func TestFakeShowHonoursTheReadLag(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	code, id := s.create("POSTED", "1", map[string]any{})
	require.Equal(t, "OK", code)

	s.srv.SetReadLag(time.Hour)
	code, _ = s.showBy("id", id)
	require.Equal(t, "NOT_FOUND", code, "not visible yet")
	code, ids := s.listIDs("/payments/get_latest", map[string]any{"accounts_receivable_identifier": "number=192", "number": "5"})
	require.Equal(t, "OK", code)
	assert.Empty(t, ids)

	s.srv.SetReadLag(0)
	code, got := s.showBy("id", id)
	require.Equal(t, "OK", code)
	assert.Equal(t, id, got)
	code, _ = s.showBy("id", "FFFF0000000000000000000000000000")
	assert.Equal(t, "NOT_FOUND", code)
}

// list and get_latest narrow the account's payments by type, category and
// payment method: each filter keeps exactly the payments that match it.
func TestFakeListFilters(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	type made struct{ id, typ, category, method string }
	var all []made
	for _, typ := range []string{crmcomtest.PaymentType, crmcomtest.OtherPaymentType} {
		for _, category := range []string{"", crmcomtest.InvoiceCategory, crmcomtest.BillCategory} {
			for _, method := range []string{crmcomtest.DirectDebit, crmcomtest.BankTransfer} {
				extra := map[string]any{
					"type_identifier":           ident("name", typ),
					"payment_method_identifier": ident("name", method),
				}
				if category != "" {
					extra["category_identifier"] = ident("name", category)
				}
				code, id := s.create("POSTED", "1", extra)
				require.Equal(t, "OK", code)
				all = append(all, made{id, typ, category, method})
			}
		}
	}
	for _, tc := range []struct {
		param, field, value string
		keep                func(made) bool
	}{
		{"type_identifier", "name", crmcomtest.PaymentType, func(m made) bool { return m.typ == crmcomtest.PaymentType }},
		{"type_identifier", "alternative_code", "PAY1", func(m made) bool { return m.typ == crmcomtest.OtherPaymentType }},
		{"category_identifier", "name", crmcomtest.InvoiceCategory, func(m made) bool { return m.category == crmcomtest.InvoiceCategory }},
		{"category_identifier", "code", "BILLPAY", func(m made) bool { return m.category == crmcomtest.BillCategory }},
		{"category_identifier", "name", crmcomtest.CancellationCategory, func(made) bool { return false }},
		{"payment_method_identifier", "name", crmcomtest.DirectDebit, func(m made) bool { return m.method == crmcomtest.DirectDebit }},
		{"payment_method_identifier", "id", "PM7", func(m made) bool { return m.method == crmcomtest.BankTransfer }},
		{"payment_method_identifier", "name", crmcomtest.GatewayMethod, func(made) bool { return false }},
	} {
		want := []string{}
		for _, m := range all {
			if tc.keep(m) {
				want = append(want, m.id)
			}
		}
		filter := tc.field + "=" + tc.value
		code, ids := s.listIDs("/payments/list", map[string]any{"accounts_receivable_identifier": "number=192", tc.param: filter})
		require.Equal(t, "OK", code, "%s %s", tc.param, filter)
		assert.Equal(t, want, ids, "list by %s %s", tc.param, filter)

		code, ids = s.listIDs("/payments/get_latest", map[string]any{"accounts_receivable_identifier": "number=192", tc.param: filter, "number": "50"})
		require.Equal(t, "OK", code, "%s %s", tc.param, filter)
		slices.Reverse(want)
		assert.Equal(t, want, ids, "get_latest by %s %s, the latest first", tc.param, filter)
	}
	code, ids := s.listIDs("/payments/list", map[string]any{
		"accounts_receivable_identifier": "number=192", "type_identifier": "name=" + crmcomtest.OtherPaymentType,
		"category_identifier": "name=" + crmcomtest.BillCategory, "payment_method_identifier": "name=" + crmcomtest.DirectDebit,
	})
	require.Equal(t, "OK", code)
	assert.Equal(t, []string{all[10].id}, ids, "the filters together")
}

// show names a payment's type, method, category and rejection reason as
// objects from the catalogue; a payment with none of a kind shows null.
func TestFakeShowsCatalogueEntries(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	code, id := s.create("DRAFT", "1", map[string]any{"category_identifier": ident("code", "BILLPAY")})
	require.Equal(t, "OK", code)
	shown := s.show(id)
	assert.Equal(t, map[string]any{
		"id": "1A2B3C4D5E6F708192A3B4C5D6E7F801", "name": crmcomtest.OtherPaymentType, "description": nil,
		"alternative_code": "PAY1", "classification": "PAYMENT",
	}, shown["type"])
	assert.Equal(t, map[string]any{"id": "PM7", "name": crmcomtest.BankTransfer, "description": "Bank Transfer", "alternative_code": "BT"},
		shown["payment_method"])
	assert.Equal(t, map[string]any{"id": "C2", "name": crmcomtest.BillCategory, "description": "", "alternative_code": ""},
		shown["category"])
	assert.Nil(t, shown["rejection_reason"], "not rejected")

	code, _ = s.post("/payments/reject", map[string]any{
		"payment_identifier": ident("id", id), "rejection_reason_identifier": ident("alternative_code", "BUSREQ"),
	})
	require.Equal(t, "OK", code)
	assert.Equal(t, map[string]any{"id": "R1", "name": crmcomtest.RejectionReason, "description": "", "alternative_code": "BUSREQ"},
		s.show(id)["rejection_reason"])

	code, id = s.create("DRAFT", "1", map[string]any{})
	require.Equal(t, "OK", code)
	assert.Nil(t, s.show(id)["category"], "no category")
}

// Applied counts the payments paying the invoice or bill its key names,
// by id, number or reference number, and only those.
func TestFakeAppliedCountsByEachKey(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	i1 := crmcomtest.Invoice{ID: "1111000000000000000000000000000A", Number: "I-1", ReferenceNumber: "R-1", Account: "192", Amount: crmcom.Cents(1000)}
	i2 := crmcomtest.Invoice{ID: "1111000000000000000000000000000B", Number: "I-2", ReferenceNumber: "R-2", Account: "192", Amount: crmcom.Cents(1000)}
	b1 := crmcomtest.Bill{ID: "2222000000000000000000000000000A", Number: "B-1", ReferenceNumber: "BR-1", Account: "192", Amount: crmcom.Cents(1000)}
	s.srv.AddInvoice(i1)
	s.srv.AddInvoice(i2)
	s.srv.AddBill(b1)
	for _, key := range []string{"I-1", "R-1", "I-2", "B-1", "nope"} {
		assert.Zero(t, s.srv.Applied(key), "nothing paid yet: %s", key)
	}
	code, _ := s.post("/payments/pay_invoice", map[string]any{
		"accounts_receivable_identifier": ident("number", "192"),
		"type_identifier":                ident("name", crmcomtest.PaymentType),
		"payment_method_identifier":      ident("name", crmcomtest.DirectDebit),
		"invoice_identifier":             ident("number", "I-1"),
	})
	require.Equal(t, "OK", code)
	code, _ = s.create("DRAFT", "3", map[string]any{
		"invoices_to_pay_set": []any{map[string]any{"invoice_identifier": ident("number", "I-1")}},
		"bills_to_pay_set":    []any{map[string]any{"bill_identifier": ident("number", "B-1")}},
	})
	require.Equal(t, "OK", code)

	for key, want := range map[string]int{
		string(i1.ID): 2, "I-1": 2, "R-1": 2,
		string(b1.ID): 1, "B-1": 1, "BR-1": 1,
		string(i2.ID): 0, "I-2": 0, "R-2": 0,
		"nope": 0, "": 0,
	} {
		assert.Equal(t, want, s.srv.Applied(key), "Applied(%q)", key)
	}
}

// The fake numbers as CRM.COM does: one sequence, counting up, gives the
// reference numbers of invoices, bills and payments and the numbers of
// posted payments, so none repeats and a later one is larger.
func TestFakeNumbersCountUp(t *testing.T) {
	t.Parallel()
	s := newFakeSession(t, crmcomtest.Options{})
	s.srv.AddAccount(crmcomtest.Account{Number: "192"})
	s.srv.AddInvoice(crmcomtest.Invoice{Account: "192", Number: "I-1", Amount: crmcom.Cents(1000)})
	code, first := s.create("DRAFT", "1", map[string]any{})
	require.Equal(t, "OK", code)
	code, _ = s.create("POSTED", "1", map[string]any{})
	require.Equal(t, "OK", code)
	code, _ = s.post("/payments/post", map[string]any{"payment_identifier": ident("id", first)})
	require.Equal(t, "OK", code)
	code, _ = s.create("POSTED", "1", map[string]any{})
	require.Equal(t, "OK", code)

	num := func(id crmcom.ID) int64 {
		t.Helper()
		n, err := strconv.ParseInt(string(id), 10, 64)
		require.NoError(t, err, id)
		return n
	}
	ledger := s.srv.Ledger()
	require.Len(t, ledger, 3)
	// In the order handed out: the first's reference number, the second's
	// reference number and number, the first's number, the third's.
	got := []int64{
		num(ledger[0].ReferenceNumber), num(ledger[1].ReferenceNumber), num(ledger[1].Number),
		num(ledger[0].Number), num(ledger[2].ReferenceNumber), num(ledger[2].Number),
	}
	assert.Greater(t, got[0], int64(100), "after the invoice's reference number")
	assert.True(t, slices.IsSorted(got), "counting up: %v", got)
	assert.Len(t, slices.Compact(slices.Clone(got)), len(got), "none repeats: %v", got)
}
