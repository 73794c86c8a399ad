package crmcom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An identifier value is sent only when the full text checks would pass
// it: the shortcut for plain ASCII refuses nothing they accept and accepts
// nothing they refuse (too long, surrounding spaces, control characters,
// bytes that are not ASCII).
func TestIdentifierValuesCheckedAsTheFullChecksWould(t *testing.T) {
	t.Parallel()
	_, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	show := func(value string) error {
		_, err := c.ShowPayment(ctx, &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{BackOfficeCode: value}})
		return err
	}
	for _, tc := range []struct{ value, why string }{
		{strings.Repeat("x", crmcom.MaxIdentifierLen+1), "is 256 characters long; the most allowed is 255"},
		{"192 ", "must not start or end with spaces"},
		{" 192", "must not start or end with spaces"},
		{"\t", "must not contain control characters"},
		{"\x01\x1f", "must not contain control characters"},
		{"19\n2", "must not contain control characters"},
		{"\x7f", "must not contain control characters"},
		{"\u0085", "must not contain control characters"},
		{"\xff", "is not valid UTF-8"},
	} {
		e := refused(t, show(tc.value), "Payment.back_office_code")
		require.Len(t, e.Fields, 1, "%q", tc.value)
		assert.Equal(t, tc.why, e.Fields[0].Message, "%q", tc.value)
	}
	for _, ok := range []string{strings.Repeat("x", crmcom.MaxIdentifierLen), "1 9 2", "~192~", "!", "é"} {
		e := errOf(t, show(ok), crmcom.ErrNotApplied)
		assert.Equal(t, "NOT_FOUND", e.Code, "%q is sent (and the fake finds no payment by it)", ok)
	}
}

// AllPayments ends at the first short page, an empty one included,
// without taking it for a page already seen.
func TestAllPaymentsEndsOnAnEmptyPage(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{})
	ctx := context.Background()
	collect := func(number string, size int) ([]crmcom.ID, error) {
		var ids []crmcom.ID
		var last error
		for p, err := range c.AllPayments(ctx, &crmcom.ListPaymentsRequest{
			AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: crmcom.ID(number)}, NumberOfResults: size,
		}) {
			if err != nil {
				last = err
				continue
			}
			ids = append(ids, p.ID)
		}
		return ids, last
	}

	calls := srv.Calls(crmcomtest.EndpointList)
	ids, err := collect("186", 0)
	require.NoError(t, err, "an account without payments")
	assert.Empty(t, ids)
	assert.Equal(t, 1, srv.Calls(crmcomtest.EndpointList)-calls)

	var created []crmcom.ID
	for i := range 4 {
		p, err := c.CreatePayment(ctx, createRequest(t, "1.00", fmt.Sprint("page-", i)))
		require.NoError(t, err)
		created = append(created, p.ID)
	}
	calls = srv.Calls(crmcomtest.EndpointList)
	ids, err = collect("192", 2)
	require.NoError(t, err, "two full pages, then an empty one")
	assert.Equal(t, created, ids)
	assert.Equal(t, 3, srv.Calls(crmcomtest.EndpointList)-calls, "pages of 2, 2 and 0")
}

// Settling a create reads more of the latest payments only while the
// answer is full and does not show the reference: one found among the
// latest 50 needs one read, one older needs the next window.
func TestSettleCreatePaymentReadsPastTheFirstFifty(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	ctx := context.Background()
	unknownCreate := func(ref string) *crmcom.SettleRequest {
		srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Key: "192", Action: crmcomtest.DropAfterApply})
		_, err := c.CreatePayment(ctx, createRequest(t, "2.50", ref))
		return unknownHint(t, err)
	}
	old := unknownCreate("ref-old")
	for i := range 60 {
		_, err := c.CreatePayment(ctx, createRequest(t, "1.00", fmt.Sprint("busy-", i)))
		require.NoError(t, err)
	}
	recent := unknownCreate("ref-recent")

	reads := srv.Calls(crmcomtest.EndpointGetLatest)
	res, err := c.Settle(ctx, recent)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1)
	assert.Equal(t, "ref-recent", res.Payments[0].UDFString3)
	assert.Equal(t, 1, srv.Calls(crmcomtest.EndpointGetLatest)-reads, "found in the first 50: no more read")

	reads = srv.Calls(crmcomtest.EndpointGetLatest)
	res, err = c.Settle(ctx, old)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status, "62 payments back, found past the first 50")
	require.Len(t, res.Payments, 1)
	assert.Equal(t, "ref-old", res.Payments[0].UDFString3)
	assert.Equal(t, "2.50", res.Recorded.String())
	assert.Equal(t, 2, srv.Calls(crmcomtest.EndpointGetLatest)-reads, "50, then 100")
}

// Settle doubles its window up to 12,800 payments and no further: an
// account whose latest 12,800 do not show the call is left unknown, with
// an error saying so.
func TestSettleGivesUpAtTheLargestWindow(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.answer(http.MethodGet, "/payments/get_latest", func(n int) (int, []byte) {
		var b strings.Builder
		b.WriteString(`{"status":{"code":"OK"},"data":[`)
		for i := range 50 << (n - 1) { // exactly as many as asked for
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"P%d","udf_string_1":"another"}`, i)
		}
		b.WriteString(`]}`)
		return 200, []byte(b.String())
	})
	res, err := c.Settle(context.Background(), &crmcom.SettleRequest{
		Op: "CreatePayment", AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		ReferenceUDF: 1, Reference: "mine", Amount: crmcom.Cents(100), SentAt: time.Now().Add(-time.Hour),
	})
	e := errOf(t, err, crmcom.ErrNotApplied)
	assert.Equal(t, "Settle", e.Op)
	assert.Equal(t, "GetLatestPayments", e.Step)
	assert.Contains(t, err.Error(), "the account has more than 12800 payments and the latest do not show the call")
	assert.Equal(t, crmcom.SettleUnknown, res.Status)

	var asked []int
	for _, r := range m.requests(http.MethodGet, "/payments/get_latest") {
		n, err := strconv.Atoi(r.url.Query().Get("number"))
		require.NoError(t, err)
		asked = append(asked, n)
	}
	assert.Equal(t, []int{50, 100, 200, 400, 800, 1600, 3200, 6400, 12800}, asked)
}

// ReferenceUDF may name the last user-defined string field, 8: the create
// is sent, and its unknown outcome settles by the reference in
// UDFString8.
func TestReferenceInTheLastUserDefinedField(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, crmcomtest.Options{}, crmcom.WithSettleGrace(0))
	ctx := context.Background()
	req := createRequest(t, "4.20", "")
	req.UDFString3, req.UDFString8, req.ReferenceUDF = "not the reference", "ref-8", 8
	srv.Inject(crmcomtest.Fault{Endpoint: crmcomtest.EndpointCreate, Key: "192", Action: crmcomtest.DropAfterApply})
	_, err := c.CreatePayment(ctx, req)
	hint := unknownHint(t, err)
	assert.Equal(t, 8, hint.ReferenceUDF)
	assert.Equal(t, "ref-8", hint.Reference)
	require.Len(t, srv.Ledger(), 1, "sent and applied")

	res, err := c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleApplied, res.Status)
	require.Len(t, res.Payments, 1)
	assert.Equal(t, srv.Ledger()[0].ID, res.Payments[0].ID)
	assert.Equal(t, "ref-8", res.Payments[0].UDFString8)

	hint.Reference = "ref-9"
	res, err = c.Settle(ctx, hint)
	require.NoError(t, err)
	assert.Equal(t, crmcom.SettleAbsent, res.Status, "another reference in UDFString8 is not the call")
}

// A cancel answer whose status refuses the call but which shows a payment
// cancellation contradicts itself: the outcome is unknown. A refusal
// whose data shows no cancellation is a plain refusal.
func TestCancelRefusalShowingACancellation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, data string
		want       error
	}{
		{"a cancellation id", `{"payment":{"id":"P1"},"payment_cancellation":{"id":"C1"}}`, crmcom.ErrOutcomeUnknown},
		{"no cancellation id", `{"payment":{"id":"P1"},"payment_cancellation":{"id":null}}`, crmcom.ErrNotApplied},
		{"no data", `null`, crmcom.ErrNotApplied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t, docToken)
			m.on(http.MethodPost, "/payments/cancel", 200, envelope("PAYMENT_LOCKED", tc.data))
			res, err := c.CancelPayment(context.Background(), docCancel())
			assert.Nil(t, res)
			e := errOf(t, err, tc.want)
			assert.Equal(t, "PAYMENT_LOCKED", e.Code)
			assert.Len(t, m.requests(http.MethodPost, "/payments/cancel"), 1, "never resent")
			_, ok := crmcom.SettleRequestOf(err)
			assert.Equal(t, tc.want == crmcom.ErrOutcomeUnknown, ok, "a settle request on an unknown outcome only")
		})
	}
}

// An ID decodes a JSON string exactly as encoding/json decodes it into a
// string: escapes resolved, and bytes that are not UTF-8 replaced.
func TestIDDecodesStringsAsEncodingJSONDoes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`""`, `"830C6B80"`, `" spaced out "`, `"~!#$%&'()*+,-./:;<=>?@[]^_{|}"`,
		`"\\"`, `"\\\\"`, `"a\\b"`, `"\"q\""`, `"\u00e9t\u00e9"`, `"\t"`, "\"été\"",
		"\"\x80\"", "\"\x80\x80\"", "\"\xff\xfe\"", "\"a\xc3\"", "\"\xc3\xa9\x80\"",
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		var id crmcom.ID
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, crmcom.ID(want), id, "%q", in)
	}
}

// Called directly, the decoders refuse bytes that are not JSON rather
// than read a value out of them (or panic); nothing at all is an empty
// ID.
func TestDecodersCalledDirectlyRefuseWhatIsNotJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"`, `"abc`, `12"`, `x"`, "\"\x01\"", "\"\x01\x1f\"", `"""`, `""""`} {
		var id crmcom.ID
		require.NotPanics(t, func() { assert.Error(t, id.UnmarshalJSON([]byte(in)), "%q", in) }, "%q", in)
		assert.Empty(t, id, "%q", in)
		var tm crmcom.Time
		require.NotPanics(t, func() { assert.Error(t, tm.UnmarshalJSON([]byte(in)), "%q", in) }, "%q", in)
		assert.True(t, tm.IsZero(), "%q", in)
	}
	var id crmcom.ID = "kept"
	require.NotPanics(t, func() { require.NoError(t, id.UnmarshalJSON(nil)) })
	assert.Empty(t, id, "no bytes are no id")
	var tm crmcom.Time
	require.NotPanics(t, func() { assert.Error(t, tm.UnmarshalJSON(nil)) })
}

// A value whose buffer ends at its closing quote (no spare capacity past
// it) decodes like any other.
func TestDecodeFromABufferEndingAtTheValue(t *testing.T) {
	t.Parallel()
	exact := func(s string) []byte {
		b := []byte(s)
		return b[:len(b):len(b)]
	}
	var id crmcom.ID
	var tm crmcom.Time
	require.NotPanics(t, func() {
		require.NoError(t, json.Unmarshal(exact(`"830C6B80"`), &id))
		assert.Equal(t, crmcom.ID("830C6B80"), id)
		require.NoError(t, id.UnmarshalJSON(exact(`"P-1"`)))
		assert.Equal(t, crmcom.ID("P-1"), id)
		require.NoError(t, json.Unmarshal(exact(`"2014-07-14T10:31:15"`), &tm))
		assert.True(t, tm.Equal(time.Date(2014, 7, 14, 10, 31, 15, 0, time.UTC)), tm)
	})
}

// A date of the document's length in another form is read as the other
// forms are (a space for the T), and one that is no date is refused, not
// taken for the zero time.
func TestTimeOfTheDocumentLengthInAnotherForm(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Time{
		`"2014-07-14 10:31:15"`:   time.Date(2014, 7, 14, 10, 31, 15, 0, time.UTC),
		`"2014-07-14T10:31:15"`:   time.Date(2014, 7, 14, 10, 31, 15, 0, time.UTC),
		`"2014-07-14T10:31:15.5"`: time.Date(2014, 7, 14, 10, 31, 15, 5e8, time.UTC),
		`"2014-07-14T1:31:15"`:    time.Date(2014, 7, 14, 1, 31, 15, 0, time.UTC),
		`"2014-07-14"`:            time.Date(2014, 7, 14, 0, 0, 0, 0, time.UTC),
	} {
		var tm crmcom.Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.True(t, tm.Equal(want), "%s: %v", in, tm)
	}
	for _, in := range []string{`"2014-07-14T25:31:15"`, `"2014-13-14T10:31:15"`, `"14/07/2014 10:31:15"`, `"2014-07-14T10:31:1x"`} {
		tm := crmcom.Time{Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
		assert.Error(t, json.Unmarshal([]byte(in), &tm), in)
	}
}

// A Decimal may start with any digit, 0 and 9 included, or a minus sign;
// anything else is not a number.
func TestDecimalFirstCharacter(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "0.5", "9", "9.75", "-0.5", "1e3", "5"} {
		b, err := json.Marshal(crmcom.Decimal(s))
		require.NoError(t, err, s)
		assert.Equal(t, s, string(b))
		var d crmcom.Decimal
		require.NoError(t, json.Unmarshal([]byte(s), &d), s)
		assert.Equal(t, crmcom.Decimal(s), d)
		require.NoError(t, json.Unmarshal([]byte(strconv.Quote(s)), &d), s)
		assert.Equal(t, crmcom.Decimal(s), d)
	}
	for _, s := range []string{"+1", ".5", "/1", ":1", "true", `"1"`, "1,5"} {
		_, err := json.Marshal(crmcom.Decimal(s))
		assert.Error(t, err, s)
	}
}
