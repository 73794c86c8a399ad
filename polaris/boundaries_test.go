package polaris_test

import (
	"context"
	"strings"
	"testing"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boundary is one value at or just past a limit.
type boundary struct {
	name   string
	mutate func(*polaris.PayFinesAndFeesRequest)
	field  string // "" when the value is accepted
}

// checkBoundaries pays a fresh charge of 6.00 (or what the case sets) for
// every case: accepted values must reach the fake and be applied, refused
// ones must name the field and send nothing.
func checkBoundaries(t *testing.T, cases []boundary) {
	t.Helper()
	srv, c := setup(t, polaristest.Options{AllowOverpayment: true})
	for _, tc := range cases {
		p := patronOwing(srv, polaris.MaxAmountCents)
		req := cardPay(p, 600)
		req.Overpayment = true // the boundary cases vary amounts freely
		tc.mutate(req)
		_, err := c.PayFinesAndFees(context.Background(), req)
		if tc.field == "" {
			require.NoError(t, err, tc.name)
			assert.Equal(t, 1, srv.Applied(p.ID), tc.name)
			continue
		}
		var e *polaris.Error
		require.ErrorAs(t, err, &e, tc.name)
		require.Len(t, e.Fields, 1, "%s: %v", tc.name, err)
		assert.Equal(t, tc.field, e.Fields[0].Field, tc.name)
		assert.Zero(t, srv.CallsFor(polaristest.EndpointPay, key(p.ID)), "%s: nothing sent", tc.name)
	}
}

func amount(t *testing.T, s string) polaris.Amount {
	t.Helper()
	a, err := polaris.ParseAmount(s)
	require.NoError(t, err)
	return a
}

func TestBoundariesOfAmounts(t *testing.T) {
	t.Parallel()
	largest := polaris.Cents(polaris.MaxAmountCents)
	assert.Equal(t, "922337203685477.58", largest.String())
	var cases []boundary
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"0", false}, {"5", true}, {"0.5", true}, {"12.15", true}, {"0.01", true},
		{"1.005", false}, {"-0.01", false},
		{"922337203685477.58", true}, {"922337203685477.59", false}, {"999999999999999999", false},
	} {
		field := "TxnAmount"
		if tc.ok {
			field = ""
		}
		cases = append(cases, boundary{"TxnAmount " + tc.value, func(r *polaris.PayFinesAndFeesRequest) {
			r.TxnAmount = amount(t, tc.value)
		}, field})
		if field != "" {
			field = "CreditCardPaymentData.TxnAmount"
		}
		cases = append(cases, boundary{"card TxnAmount " + tc.value, func(r *polaris.PayFinesAndFeesRequest) {
			r.CreditCardPaymentData.TxnAmount = amount(t, tc.value)
		}, field})
	}
	checkBoundaries(t, cases)
}

func TestBoundariesOfTexts(t *testing.T) {
	t.Parallel()
	text := func(field string, n int, set func(*polaris.PayFinesAndFeesRequest, string)) []boundary {
		return []boundary{
			{field + " at the limit", func(r *polaris.PayFinesAndFeesRequest) { set(r, strings.Repeat("a", n)) }, ""},
			{field + " at the limit in characters", func(r *polaris.PayFinesAndFeesRequest) { set(r, strings.Repeat("é", n)) }, ""},
			{field + " one past", func(r *polaris.PayFinesAndFeesRequest) { set(r, strings.Repeat("a", n+1)) }, field},
		}
	}
	var cases []boundary
	cases = append(cases, text("FreeTextNote", polaris.MaxFreeTextNoteLen, func(r *polaris.PayFinesAndFeesRequest, s string) { r.FreeTextNote = s })...)
	cases = append(cases, text("CreditCardPaymentData.TroutID", 255, func(r *polaris.PayFinesAndFeesRequest, s string) { r.CreditCardPaymentData.TroutID = s })...)
	cases = append(cases, text("CreditCardPaymentData.GUID", 255, func(r *polaris.PayFinesAndFeesRequest, s string) { r.CreditCardPaymentData.GUID = s })...)
	cases = append(cases, text("CreditCardPaymentData.Response", 8000, func(r *polaris.PayFinesAndFeesRequest, s string) { r.CreditCardPaymentData.Response = s })...)
	cases = append(cases, text("CreditCardPaymentData.Request", 8000, func(r *polaris.PayFinesAndFeesRequest, s string) { r.CreditCardPaymentData.Request = s })...)
	cases = append(cases, text("CreditCardPaymentData.UserName", 256, func(r *polaris.PayFinesAndFeesRequest, s string) {
		r.CreditCardPaymentData.UserName = polaris.Secret(s)
	})...)
	cases = append(cases, text("CreditCardPaymentData.Password", 256, func(r *polaris.PayFinesAndFeesRequest, s string) {
		r.CreditCardPaymentData.Password = polaris.Secret(s)
	})...)
	checkBoundaries(t, cases)
}

func TestBoundariesOfCardDigits(t *testing.T) {
	t.Parallel()
	var cases []boundary
	for value, ok := range map[string]bool{
		"": true, "4219": true, "219": true, "XXXX4219": true, "*4219": true, "XXXX": true, "####4219": true,
		"XXXXXXXXXXXXXXX4219": true, "XXXXXXXXXXXXXXXX4219": false, // 19 characters, then 20
		"42190": false, "4222222222222": false, "4111111111111111": false, "4111 1111 1111 1111": false,
		"12-4": false, "VISA": false,
	} {
		field := "CreditCardPaymentData.CCDigits"
		if ok {
			field = ""
		}
		cases = append(cases, boundary{"CCDigits " + value, func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.CCDigits = value }, field})
	}
	checkBoundaries(t, cases)
}

func TestBoundariesOfWorkflowAmounts(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv)
	for value, ok := range map[string]bool{
		"0": true, "0.7": true, "1": true, "0.70": true, "12.15": true,
		"1.005": false, "-0.01": false, "922337203685477.58": true, "922337203685477.59": false,
	} {
		a := amount(t, value)
		first := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: a})
		answer := first.Answer(polaris.PromptPay)
		answer.ReplyExtension = workflowPayment(polaris.Cents(100), a)
		answer.ReplyExtension.Data.CreditCardPaymentData.TxnAmount = polaris.Cents(100)
		res, err := c.AnswerWorkflow(context.Background(), answer)
		if ok {
			require.NoError(t, err, value)
			assert.Equal(t, polaris.CompletedSuccessfully, res.Status, value)
			continue
		}
		var e *polaris.Error
		require.ErrorAs(t, err, &e, value)
		require.Len(t, e.Fields, 1, value)
		assert.Equal(t, "ReplyExtension.Data.OVDTransAmount", e.Fields[0].Field, value)
		assert.Zero(t, srv.CallsFor(polaristest.EndpointWorkflow, string(first.WorkflowRequestGUID)), value)
	}
}

func TestBoundariesOfWorkflowGUIDs(t *testing.T) {
	t.Parallel()
	c, err := polaris.New(docConfig())
	require.NoError(t, err)
	for guid, ok := range map[string]bool{
		"5d356b6e-d626-4b8c-aa3b-f08fc4caaa22":   true,
		"5D356B6E-D626-4B8C-AA3B-F08FC4CAAA22":   true,
		"5d356b6e-d626-4b8c-aa3b-f08fc4caaa2":    false, // 35 characters
		"5d356b6e-d626-4b8c-aa3b-f08fc4caaa222":  false, // 37
		"{5d356b6e-d626-4b8c-aa3b-f08fc4caaa22}": false,
		"5d356b6ed6264b8caa3bf08fc4caaa22":       false,
		"5d356b6e-d626-4b8c-aa3b-f08fc4caaa2g":   false,
		"00000000-0000-0000-0000-000000000000":   false,
	} {
		a := docAnswer()
		a.WorkflowRequestGUID = polaris.WorkflowGUID(guid)
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a valid answer stops at the cancelled context, before sending
		_, err := c.AnswerWorkflow(ctx, a)
		var e *polaris.Error
		require.ErrorAs(t, err, &e, guid)
		if ok {
			assert.Empty(t, e.Fields, guid)
			assert.ErrorIs(t, err, context.Canceled, guid)
			continue
		}
		require.Len(t, e.Fields, 1, guid)
		assert.Equal(t, "WorkflowRequestGUID", e.Fields[0].Field, guid)
	}
}

func TestBoundariesOfConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		n     int
		set   func(*polaris.Config, string)
	}{
		{"Config.StaffUserName", 256, func(c *polaris.Config, s string) { c.StaffUserName = s }},
		{"Config.StaffDomain", 256, func(c *polaris.Config, s string) { c.StaffDomain = s }},
		{"Config.StaffPassword", 256, func(c *polaris.Config, s string) { c.StaffPassword = polaris.Secret(s) }},
		{"Config.SiteDomain", 64, func(c *polaris.Config, s string) { c.SiteDomain = s }},
		{"Config.Language", 64, func(c *polaris.Config, s string) { c.Language = s }},
	} {
		cfg := docConfig()
		tc.set(&cfg, strings.Repeat("é", tc.n))
		_, err := polaris.New(cfg)
		require.NoError(t, err, "%s at the limit", tc.field)
		tc.set(&cfg, strings.Repeat("a", tc.n+1))
		_, err = polaris.New(cfg)
		var e *polaris.Error
		require.ErrorAs(t, err, &e, tc.field)
		assert.Equal(t, tc.field, e.Fields[0].Field)
	}
}
