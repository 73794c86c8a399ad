package oraclepsc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/redact"
	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stringLimit is one Maximum Length of the partner document, with the Go
// field that carries the attribute.
type stringLimit struct {
	field string
	max   int
	set   func(*oraclepsc.CreateCheckoutPaymentRequest, string)
	get   func(*oraclepsc.CheckoutPayment) string
}

// documentLimits are copied from the partner document, not from the
// client, so a wrong limit in the client fails here.
func documentLimits() []stringLimit {
	type R = oraclepsc.CreateCheckoutPaymentRequest
	type P = oraclepsc.CheckoutPayment
	return []stringLimit{
		{"AuthorizationCode", 10, func(r *R, v string) { r.AuthorizationCode = v }, func(p *P) string { return p.AuthorizationCode }},
		{"AuthorizationStatus", 4, func(r *R, v string) { r.AuthorizationStatus = v }, func(p *P) string { return p.AuthorizationStatus }},
		{"CashierID", 50, func(r *R, v string) { r.CashierID = v }, func(p *P) string { return p.CashierID }},
		{"CheckAddress", 240, func(r *R, v string) { r.CheckAddress = v }, func(p *P) string { return p.CheckAddress }},
		{"CheckName", 100, func(r *R, v string) { r.CheckName = v }, func(p *P) string { return p.CheckName }},
		{"CheckNumber", 10, func(r *R, v string) { r.CheckNumber = v }, func(p *P) string { return p.CheckNumber }},
		{"CheckoutID", 50, func(r *R, v string) { r.CheckoutID = oraclepsc.CheckoutID(v) }, func(p *P) string { return string(p.CheckoutID) }},
		{"Comments", 240, func(r *R, v string) { r.Comments = v }, func(p *P) string { return p.Comments }},
		{"Description", 100, func(r *R, v string) { r.Description = v }, func(p *P) string { return p.Description }},
		{"DrawerID", 30, func(r *R, v string) { r.DrawerID = v }, func(p *P) string { return p.DrawerID }},
		{"FirstResponseMessage", 100, func(r *R, v string) { r.FirstResponseMessage = v }, func(p *P) string { return p.FirstResponseMessage }},
		{"PayerAddress", 240, func(r *R, v string) { r.PayerAddress = v }, func(p *P) string { return p.PayerAddress }},
		{"PayerName", 100, func(r *R, v string) { r.PayerName = v }, func(p *P) string { return p.PayerName }},
		{"PaymentMethodCode", 30, func(r *R, v string) { r.PaymentMethodCode = v }, func(p *P) string { return p.PaymentMethodCode }},
		{"PaymentReferenceID", 50, func(r *R, v string) { r.PaymentReferenceID = oraclepsc.PaymentReferenceID(v) }, func(p *P) string { return string(p.PaymentReferenceID) }},
		{"PaymentTrackingData", 50, func(r *R, v string) { r.PaymentTrackingData = v }, func(p *P) string { return p.PaymentTrackingData }},
		{"PaymentTrackingDataPlus", 50, func(r *R, v string) { r.PaymentTrackingDataPlus = v }, func(p *P) string { return p.PaymentTrackingDataPlus }},
		{"PaymentTransactionID", 50, func(r *R, v string) { r.PaymentTransactionID = v }, func(p *P) string { return p.PaymentTransactionID }},
		{"PrimaryID", 3, func(r *R, v string) { r.PrimaryID = v }, func(p *P) string { return p.PrimaryID }},
		{"SecondaryID", 3, func(r *R, v string) { r.SecondaryID = v }, func(p *P) string { return p.SecondaryID }},
		{"SecondResponseMessage", 100, func(r *R, v string) { r.SecondResponseMessage = v }, func(p *P) string { return p.SecondResponseMessage }},
		{"SessionID", 50, func(r *R, v string) { r.SessionID = v }, func(p *P) string { return p.SessionID }},
		{"ThirdResponseMessage", 100, func(r *R, v string) { r.ThirdResponseMessage = v }, func(p *P) string { return p.ThirdResponseMessage }},
	}
}

// Every maximum length, at the limit (accepted by the SDK and by the fake,
// which enforces the document independently) and one past it (refused
// before sending, naming the field and the limit). Lengths count
// characters: "é" is two bytes and one character.
func TestEveryLengthLimit(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	for _, lim := range documentLimits() {
		for _, char := range []string{"A", "é"} {
			t.Run(lim.field+"/"+char, func(t *testing.T) {
				t.Parallel()
				ok := strings.Repeat(char, lim.max)
				req := payment(checkout, fmt.Sprintf("LIM%s%d", lim.field, len(char)))
				if lim.field == "CheckoutID" {
					srv.AddCheckout(oraclepsc.CheckoutID(ok))
				}
				lim.set(req, ok)
				res, err := c.CreateCheckoutPayment(context.Background(), req)
				require.NoError(t, err, "%d characters are allowed", lim.max)
				assert.Equal(t, ok, lim.get(&res.Payment), "stored as sent")

				lim.set(req, ok+char)
				key := string(req.PaymentReferenceID) // this subtest's own: the others run at the same time
				before := srv.CallsFor(oraclepsctest.EndpointCreate, key)
				_, err = c.CreateCheckoutPayment(context.Background(), req)
				require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
				var e *oraclepsc.Error
				require.ErrorAs(t, err, &e)
				require.Len(t, e.Fields, 1)
				assert.Equal(t, lim.field, e.Fields[0].Field)
				assert.Equal(t, fmt.Sprintf("is %d characters long; the most allowed is %d", lim.max+1, lim.max), e.Fields[0].Message)
				assert.False(t, e.Temporary)
				assert.Empty(t, e.Method, "nothing was sent")
				assert.Equal(t, before, srv.CallsFor(oraclepsctest.EndpointCreate, key))
				assert.NotContains(t, err.Error(), ok, "the value is never repeated")
			})
		}
	}
}

func TestAmountBoundaries(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	for i, tc := range []struct {
		in      string
		refused string
	}{
		{in: "0"}, {in: "5"}, {in: "5.5"}, {in: "5.25"}, {in: "0.01"},
		{in: "92233720368547758.07"}, // the largest amount with cents an Amount holds
		{in: "5.255", refused: "must have at most 2 decimal places"},
		{in: "0.001", refused: "must have at most 2 decimal places"},
		{in: "-0.01", refused: "must not be negative"},
	} {
		for _, field := range []string{"LineAmount", "ChangeAmount", "TotalTendAmount"} {
			a := amount(t, tc.in)
			req := payment(checkout, fmt.Sprintf("AMT%02d%s", i, field))
			req.LineAmount, req.ChangeAmount, req.TotalTendAmount = oraclepsc.Amount{}, oraclepsc.Amount{}, oraclepsc.Amount{}
			got := map[string]*oraclepsc.Amount{"LineAmount": &req.LineAmount, "ChangeAmount": &req.ChangeAmount, "TotalTendAmount": &req.TotalTendAmount}
			*got[field] = a
			res, err := c.CreateCheckoutPayment(context.Background(), req)
			if tc.refused != "" {
				require.ErrorIs(t, err, oraclepsc.ErrNotApplied, tc.in)
				assert.Contains(t, err.Error(), field+": "+tc.refused)
				continue
			}
			require.NoError(t, err, tc.in)
			stored := map[string]oraclepsc.Amount{
				"LineAmount": res.Payment.LineAmount, "ChangeAmount": res.Payment.ChangeAmount, "TotalTendAmount": res.Payment.TotalTendAmount,
			}
			assert.Equal(t, a, stored[field], "%s %s stored exactly", field, tc.in)
		}
	}
	assert.Equal(t, 18, len(srv.Ledger()), "six valid amounts in three fields")
}

func TestCurrencyCode(t *testing.T) {
	t.Parallel()
	_, c, checkout := startFake(t)
	for code, ok := range map[string]bool{"USD": true, "EUR": true, "": true, "usd": false, "US": false, "USDX": false, "U$D": false, "ÉUR": false} {
		req := payment(checkout, "CUR"+fmt.Sprint(len(code))+strings.ToUpper(code))
		req.PaymentCurrency = code
		_, err := c.CreateCheckoutPayment(context.Background(), req)
		if ok {
			assert.NoError(t, err, code)
			continue
		}
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, code)
		assert.Contains(t, err.Error(), "PaymentCurrency: must be a 3-letter ISO 4217 code")
	}
}

// Every problem is listed at once, and nothing is sent.
func TestCreateValidation(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	ctx := context.Background()
	check := func(req *oraclepsc.CreateCheckoutPaymentRequest, want ...string) {
		t.Helper()
		res, err := c.CreateCheckoutPayment(ctx, req)
		assert.Nil(t, res)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
		assert.NotErrorIs(t, err, oraclepsc.ErrTemporary)
		var e *oraclepsc.Error
		require.ErrorAs(t, err, &e)
		var got []string
		for _, f := range e.Fields {
			got = append(got, f.String())
		}
		assert.Equal(t, want, got)
		assert.Contains(t, err.Error(), "oraclepsc CreateCheckoutPayment invalid input, nothing was sent")
	}
	check(nil, "request: is nil")
	check(&oraclepsc.CreateCheckoutPaymentRequest{}, "CheckoutID: is required", "PaymentReferenceID: is required")
	check(&oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: "../300000100000001", PaymentReferenceID: "CPAY'1", CheckoutPmtID: -1, AgencyID: -2,
		Comments: "ok\nmultiline", Description: "bad\x00", PayerName: "card 4111-1111-1111-1111",
		PaymentDate: oraclepsc.Date{Year: 2023, Month: time.February, Day: 29}, CheckDate: oraclepsc.Date{Year: 10000, Month: 1, Day: 1},
		AuthorizationDttm: oraclepsc.DateTime{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		CashierID:         " C1", SessionID: "S\t1",
	},
		"CheckoutID: must not contain a slash or backslash",
		"PaymentReferenceID: must not contain quotes or semicolons (they cannot be expressed in a q filter)",
		"CheckoutPmtID: must not be negative",
		"AgencyID: must not be negative",
		"CashierID: must not start or end with spaces",
		"Description: must not contain control characters",
		"PayerName: looks like it holds a card number; only the last 4 digits of a card may be sent",
		"SessionID: must not contain control characters",
		"CheckDate: is not a calendar date (years 1 to 9999)",
		"PaymentDate: is not a calendar date (years 1 to 9999)",
		"AuthorizationDttm: must be in the years 1 to 9999",
	)
	check(&oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: checkout, PaymentReferenceID: "CPAY;1", Upsert: true},
		"PaymentReferenceID: must not contain quotes or semicolons (they cannot be expressed in a q filter)",
		"CheckoutPmtID: is required with Upsert: Oracle matches the row to update by it")
	check(&oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: checkout, PaymentReferenceID: "CPAY1", CheckDate: oraclepsc.Date{Year: 0, Month: 1, Day: 1}},
		"CheckDate: is not a calendar date (years 1 to 9999)")
	check(&oraclepsc.CreateCheckoutPaymentRequest{CheckoutID: "%2F", PaymentReferenceID: "CPAY\"1"},
		"CheckoutID: must not contain a slash or backslash",
		"PaymentReferenceID: must not contain quotes or semicolons (they cannot be expressed in a q filter)")
	assert.Zero(t, srv.Calls(oraclepsctest.EndpointCreate))

	// Free text keeps line breaks and tabs.
	req := payment(checkout, "CPAY0000000000000070")
	req.Comments = "line one\nline two\ttabbed"
	_, err := c.CreateCheckoutPayment(ctx, req)
	require.NoError(t, err)
}

// Every free-text attribute refuses a card number; Oracle ids pass.
func TestFreeTextRefusesCardNumbers(t *testing.T) {
	t.Parallel()
	_, c, checkout := startFake(t)
	type R = oraclepsc.CreateCheckoutPaymentRequest
	for field, set := range map[string]func(*R, string){
		"CheckAddress":          func(r *R, v string) { r.CheckAddress = v },
		"CheckName":             func(r *R, v string) { r.CheckName = v },
		"Comments":              func(r *R, v string) { r.Comments = v },
		"Description":           func(r *R, v string) { r.Description = v },
		"FirstResponseMessage":  func(r *R, v string) { r.FirstResponseMessage = v },
		"PayerAddress":          func(r *R, v string) { r.PayerAddress = v },
		"PayerName":             func(r *R, v string) { r.PayerName = v },
		"SecondResponseMessage": func(r *R, v string) { r.SecondResponseMessage = v },
		"ThirdResponseMessage":  func(r *R, v string) { r.ThirdResponseMessage = v },
	} {
		req := payment(checkout, "CARD"+field)
		set(req, "paid with 5555 5555 5555 4444")
		_, err := c.CreateCheckoutPayment(context.Background(), req)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, field)
		assert.Contains(t, err.Error(), field+": looks like it holds a card number")
		assert.NotContains(t, err.Error(), "5555")

		set(req, "refund of checkout 300000100000001, payment 300000100000123")
		_, err = c.CreateCheckoutPayment(context.Background(), req)
		assert.NoError(t, err, "%s: Oracle ids are not card numbers", field)
	}
}

func TestListValidation(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	for _, tc := range []struct {
		req  *oraclepsc.ListCheckoutPaymentsRequest
		want string
	}{
		{nil, "request: is nil"},
		{&oraclepsc.ListCheckoutPaymentsRequest{}, "CheckoutID: is required"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 501}, "Limit: must be between 0 and 500"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: -1}, "Limit: must be between 0 and 500"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Offset: -1}, "Offset: must not be negative"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Fields: []string{"CheckoutPmtId,Comments"}}, "Fields: must be attribute names"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Fields: []string{""}}, "Fields: must be attribute names"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, OrderBy: []oraclepsc.OrderBy{{Field: "PaymentDate desc"}}}, "OrderBy.Field: must be attribute names"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: oraclepsc.Filter{PaymentReferenceID: "A' or '1'='1"}}, "Filter.PaymentReferenceID: must not contain quotes"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: oraclepsc.Filter{PaymentMethodCode: "CARD;CheckoutPmtId=1"}}, "Filter.PaymentMethodCode: must not contain quotes or semicolons"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: oraclepsc.Filter{CheckoutPmtID: -5}}, "Filter.CheckoutPmtID: must not be negative"},
		{&oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: oraclepsc.Filter{SessionID: strings.Repeat("s", 51)}}, "Filter.SessionID: is 51 characters long"},
	} {
		_, err := c.ListCheckoutPayments(context.Background(), tc.req)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
	for _, req := range []*oraclepsc.GetCheckoutPaymentRequest{nil, {CheckoutID: checkout}, {CheckoutPmtID: 1}} {
		_, err := c.GetCheckoutPayment(context.Background(), req)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
		assert.Contains(t, err.Error(), "oraclepsc GetCheckoutPayment invalid input")
	}
	assert.Zero(t, srv.Calls(oraclepsctest.EndpointList))
	_, err := c.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 500})
	assert.NoError(t, err, "500 is Oracle's largest page")
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := oraclepsc.Config{BaseURL: "https://fa-test.oraclepsc.example", UserName: "u", Password: "p"}
	src := oraclepsc.TokenSourceFunc(func(context.Context) (oraclepsc.Token, error) { return oraclepsc.Token{}, nil })
	for _, tc := range []struct {
		mutate func(*oraclepsc.Config)
		want   string
	}{
		{func(c *oraclepsc.Config) { c.BaseURL = "" }, "Config.BaseURL: is required"},
		{func(c *oraclepsc.Config) { c.BaseURL = "http://fa-test.oraclepsc.example" }, "Config.BaseURL: must use https"},
		{func(c *oraclepsc.Config) { c.BaseURL = "https://u:p@fa-test.oraclepsc.example" }, "Config.BaseURL: must not carry user info"},
		{func(c *oraclepsc.Config) { c.ResourceVersion = "latest" }, "Config.ResourceVersion: must be digits and dots"},
		{func(c *oraclepsc.Config) { c.ResourceVersion = "../11" }, "Config.ResourceVersion: must be digits and dots"},
		{func(c *oraclepsc.Config) { c.FrameworkVersion = -1 }, "Config.FrameworkVersion: must be between 1 and 99"},
		{func(c *oraclepsc.Config) { c.FrameworkVersion = 100 }, "Config.FrameworkVersion: must be between 1 and 99"},
		{func(c *oraclepsc.Config) { c.ContentType = "text/plain" }, "Config.ContentType: must be"},
		{func(c *oraclepsc.Config) { c.MetadataContext = "a\nb" }, "Config.MetadataContext: must not contain control characters"},
		{func(c *oraclepsc.Config) { c.UserName = "" }, "Config.UserName: is required"},
		{func(c *oraclepsc.Config) { c.UserName = "dom:user" }, "Config.UserName: must not contain a colon"},
		{func(c *oraclepsc.Config) { c.Password = "" }, "Config.Password: is required"},
		{func(c *oraclepsc.Config) { c.TokenSource = src }, "Config.TokenSource: is set together with UserName/Password"},
		{func(c *oraclepsc.Config) { c.AlreadyAppliedCodes = []string{""} }, "Config.AlreadyAppliedCodes: is required"},
	} {
		cfg := ok
		tc.mutate(&cfg)
		_, err := oraclepsc.New(cfg)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, tc.want)
		assert.Contains(t, err.Error(), tc.want)
		assert.True(t, strings.HasPrefix(err.Error(), "oraclepsc New invalid input"), err.Error())
	}
	_, err := oraclepsc.New(ok)
	assert.NoError(t, err)
	_, err = oraclepsc.New(oraclepsc.Config{BaseURL: "https://fa-test.oraclepsc.example/gateway", TokenSource: src, FrameworkVersion: 1})
	assert.NoError(t, err, "a token source alone, a path prefix, framework version 1")
	_, err = oraclepsc.New(oraclepsc.Config{BaseURL: "http://127.0.0.1:8080/fusion", UserName: "u", Password: "p"})
	assert.NoError(t, err, "plain http for a loopback test server")
	_, err = oraclepsc.New(ok, oraclepsc.WithTimeout(-1))
	assert.ErrorContains(t, err, "WithTimeout: must be positive")
	_, err = oraclepsc.New(ok, oraclepsc.WithRetryPolicy(oraclepsc.RetryPolicy{MaxAttempts: 0}))
	assert.ErrorContains(t, err, "MaxAttempts")
}

func TestNewPaymentReferenceID(t *testing.T) {
	t.Parallel()
	seen := map[oraclepsc.PaymentReferenceID]bool{}
	var digits [10]int
	for range 5000 {
		ref, err := oraclepsc.NewPaymentReferenceID("AB12")
		require.NoError(t, err)
		for _, d := range ref[4:] {
			if d >= '0' && d <= '9' {
				digits[d-'0']++
			}
		}
		require.Len(t, string(ref), 4+oraclepsc.PaymentReferenceDigits)
		assert.True(t, strings.HasPrefix(string(ref), "AB12"))
		assert.Equal(t, "", strings.Trim(string(ref[4:]), "0123456789"), "random digits")
		require.False(t, redact.ContainsCardNumber(string(ref)), "never looks like a card number: %s", ref)
		require.False(t, seen[ref], "unique")
		seen[ref] = true
	}
	total := 5000 * oraclepsc.PaymentReferenceDigits
	for d, n := range digits {
		// Each digit is a tenth of all (8,000 of 80,000, give or take 85):
		// a skewed draw would leave some out or favour some.
		assert.InDelta(t, total/10, n, float64(total)/20, "digit %d", d)
	}
	for _, bad := range []string{"", "ABC", "ABCDE", "AB-1", "ÄBCD", "AB 1"} {
		_, err := oraclepsc.NewPaymentReferenceID(bad)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, bad)
		assert.Contains(t, err.Error(), "prefix: must be 4 ASCII letters or digits")
	}
}
