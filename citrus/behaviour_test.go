package citrus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fastRetry() citrus.Option {
	return citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
}

// setup starts a fake with one invoice per reference and a client for it.
func setup(t *testing.T, refs ...string) (*citrustest.Server, *citrus.Client) {
	t.Helper()
	srv := citrustest.NewServer(citrustest.Options{})
	t.Cleanup(srv.Close)
	for _, ref := range refs {
		srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(5000)})
	}
	c, err := citrus.New(srv.Config(), fastRetry())
	require.NoError(t, err)
	return srv, c
}

func TestPostPaymentApplies(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "1018-AB")
	res, err := c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "1018-AB", Amount: citrus.Cents(5000)})
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.False(t, res.AmountDiffers)
	assert.Equal(t, "1018-AB", res.Transaction.TransactionToken)
	assert.Equal(t, "50.00", res.Transaction.TransactionAmount.String())
	require.Len(t, res.Transaction.Payments, 1)
	assert.Equal(t, "Approved", res.Transaction.Payments[0].PaymentAuthorization.TransactionStatus)

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, "1018-AB", ledger[0].BillerReference)
	assert.Equal(t, res.Transaction.ID, ledger[0].TransactionID, "the ledger id is the client's id")
	assert.Equal(t, 1, srv.Logins())
}

func TestRepeatedPostIsCountedNotApplied(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "1018-AB")
	first, err := c.PostPayment(context.Background(), post("1018-AB"))
	require.NoError(t, err)
	second, err := c.PostPayment(context.Background(), post("1018-AB"))
	require.NoError(t, err, "IPS answers a repeat with the transaction it holds")
	assert.Equal(t, first.Transaction.ReceiptNumber, second.Transaction.ReceiptNumber)
	assert.Equal(t, 1, srv.Applied("1018-AB"))
	assert.Equal(t, 2, srv.Received("1018-AB"), "the repeat is visible in the fake")
}

func TestExpiredSessionReLogsInOnce(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "A-1", "A-2")
	_, err := c.PostPayment(context.Background(), post("A-1"))
	require.NoError(t, err)
	srv.ExpireSessions()
	_, err = c.PostPayment(context.Background(), post("A-2"))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "one re-login")
	assert.Equal(t, 3, srv.Calls(citrustest.EndpointCallback), "the 401 post, then its resend")
	ledger := srv.Ledger()
	require.Len(t, ledger, 2)
	assert.NotEqual(t, ledger[0].SessionID.Reveal(), ledger[1].SessionID.Reveal())
}

func TestWrongCredentials(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, "A-1")
	cfg := srv.Config()
	cfg.Password = "wrong-password-123"
	c, err := citrus.New(cfg, fastRetry())
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), post("A-1"))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.NotErrorIs(t, err, citrus.ErrTemporary, "wrong credentials need a fix")
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "Invalid UserName or Password", e.Message)
	assert.Equal(t, "PostPayment", e.Op)
	assert.Equal(t, "Authenticate", e.Step)
	assert.Equal(t, 1, srv.Calls(citrustest.EndpointAuth), "a refused login is not retried")
	assert.Zero(t, srv.Calls(citrustest.EndpointCallback))
	assert.NotContains(t, err.Error(), "wrong-password-123")
}

func TestUnknownOutcomeThenResendAppliesOnce(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "R-1")
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "R-1", Action: citrustest.DropAfterApply})
	_, err := c.PostPayment(context.Background(), post("R-1"))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, citrus.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "ask the county")
	assert.Contains(t, err.Error(), "outcome unknown: reconcile before resending; IPS offers no look-up call")
	assert.Zero(t, e.StatusCode)
	assert.Equal(t, 1, srv.Applied("R-1"), "the fake applied it before the connection dropped")

	// Once the county confirms, a resend of the same Token is answered, not applied again.
	res, err := c.PostPayment(context.Background(), post("R-1"))
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.Equal(t, 1, srv.Applied("R-1"))
	assert.Equal(t, 2, srv.Received("R-1"))
}

func TestDeclinedAndUnknownInvoices(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.AddInvoice(citrustest.Invoice{BillerReference: "D-1", Amount: citrus.Cents(5000), Decline: true})

	res, err := c.PostPayment(context.Background(), post("D-1"))
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	require.NotNil(t, res)
	assert.False(t, res.Success)
	require.Len(t, res.Transaction.Payments, 2)
	assert.Equal(t, "Void", res.Transaction.Payments[1].TransactionType)
	assert.Equal(t, "-50.00", res.Transaction.Payments[1].TransactionAmount.String())
	assert.Empty(t, srv.Ledger())

	_, err = c.PostPayment(context.Background(), post("NO-SUCH"))
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode)
	assert.Equal(t, "NotFound", e.Code)
}

func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	for ref, reason := range map[string]string{
		"":                       "is required",
		strings.Repeat("A", 256): "is 256 characters long; the most allowed is 255",
		strings.Repeat("é", 256): "is 256 characters long; the most allowed is 255",
		"1018-AB\n":              "control characters",
		"1018\x00AB":             "control characters",
		" 1018-AB":               "spaces",
		"1018-\xff":              "UTF-8",
	} {
		res, err := c.PostPayment(context.Background(), post(ref))
		assert.Nil(t, res)
		var e *citrus.Error
		require.ErrorAs(t, err, &e, "%q", ref)
		require.Len(t, e.Fields, 1)
		assert.Equal(t, "BillerReference", e.Fields[0].Field)
		assert.Contains(t, e.Fields[0].Message, reason)
		assert.ErrorIs(t, err, citrus.ErrNotApplied)
		assert.Contains(t, err.Error(), "nothing was sent")
		if ref != "" {
			assert.NotContains(t, err.Error(), ref, "the value is never repeated")
		}
	}
	for _, ok := range []string{strings.Repeat("A", 255), strings.Repeat("é", 255)} {
		srv.AddInvoice(citrustest.Invoice{BillerReference: ok, Amount: citrus.Cents(1)})
		_, err := c.PostPayment(context.Background(), post(ok))
		require.NoError(t, err, "255 characters are allowed")
	}
	for amount, reason := range map[string]string{"-1": "must not be negative", "1.005": "at most 2 decimal places"} {
		a, err := citrus.ParseAmount(amount)
		require.NoError(t, err)
		_, err = c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "X", Amount: a})
		require.ErrorIs(t, err, citrus.ErrNotApplied)
		assert.Contains(t, err.Error(), reason)
	}
	_, err := c.PostPayment(context.Background(), nil)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Contains(t, err.Error(), "request: is nil")
	assert.Equal(t, 2, srv.Calls(citrustest.EndpointCallback), "only the two valid posts were sent")
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "R-1")
	res, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.Equal(t, citrustest.DefaultUserName, res.UserName)
	assert.NotEmpty(t, res.SessionID.Reveal())
	assert.Equal(t, "REDACTED", fmt.Sprint(res.SessionID))

	_, err = c.PostPayment(context.Background(), post("R-1"))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins(), "the post used Authenticate's session")
	assert.Equal(t, res.SessionID, srv.Ledger()[0].SessionID)

	again, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, res.SessionID.Reveal(), again.SessionID.Reveal(), "Authenticate always logs in anew")
	assert.Equal(t, 2, srv.Logins())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Authenticate(ctx)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Authenticate", e.Op)
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p"}
	cases := []struct {
		mutate func(*citrus.Config)
		field  string
		reason string
	}{
		{func(c *citrus.Config) { c.Environment = "" }, "Config.Environment", "is required"},
		{func(c *citrus.Config) { c.Environment = "prod" }, "Config.Environment", `must be "DEV" or "PROD"`},
		{func(c *citrus.Config) { c.Environment = citrus.Prod }, "Config.ProdBaseURL", "DEV is never used instead"},
		{func(c *citrus.Config) { c.Environment, c.ProdBaseURL = citrus.Prod, "http://ips.example/api" }, "Config.ProdBaseURL", "https"},
		{func(c *citrus.Config) { c.Environment, c.ProdBaseURL = citrus.Prod, "http://10.0.0.7/api" }, "Config.ProdBaseURL", "loopback"},
		{func(c *citrus.Config) { c.DevBaseURL = "https://ips.example/api?x=1" }, "Config.DevBaseURL", "query"},
		{func(c *citrus.Config) { c.UserName = "" }, "Config.UserName", "is required"},
		{func(c *citrus.Config) { c.Password = "" }, "Config.Password", "is required"},
		{func(c *citrus.Config) { c.Password = "a\nb" }, "Config.Password", "control"},
		{func(c *citrus.Config) { c.IPSUserName = "a;b" }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.IPSUserName = "a b" }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.IPSUserName = `a"b` }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.IPSUserName = "a,b" }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.IPSUserName = `a\b` }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.IPSUserName = "Rhythmé" }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.CashRegister = " x" }, "Config.CashRegister", "spaces"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		_, err := citrus.New(cfg)
		var e *citrus.Error
		require.ErrorAs(t, err, &e, "%+v", cfg)
		require.NotEmpty(t, e.Fields)
		assert.Equal(t, tc.field, e.Fields[0].Field)
		assert.Contains(t, e.Fields[0].Message, tc.reason)
		assert.Equal(t, "New", e.Op)
		assert.True(t, strings.HasPrefix(err.Error(), "citrus New invalid input"), err.Error())
	}

	prod := ok
	prod.Environment, prod.ProdBaseURL = citrus.Prod, "https://ips-rest.citrusbocc.com/IPS-PRD-RS/api"
	_, err := citrus.New(prod)
	require.NoError(t, err)
	_, err = citrus.New(ok)
	require.NoError(t, err, "DEV defaults to the partner document's URL")
	loop := ok
	loop.DevBaseURL = "http://127.0.0.1:8080/IPS/api"
	_, err = citrus.New(loop)
	require.NoError(t, err, "plain http for a loopback test server")
	_, err = citrus.New(ok, citrus.WithTimeout(-1))
	assert.ErrorContains(t, err, "WithTimeout: must be positive")
	_, err = citrus.New(ok, citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 1}))
	assert.NoError(t, err, "one attempt is a valid policy")
	_, err = citrus.New(ok, citrus.WithRetryPolicy(citrus.RetryPolicy{MaxAttempts: 0}))
	assert.ErrorContains(t, err, "MaxAttempts")
}

func TestSettleSaysIPSHasNoReadBack(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, "R-1")
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Key: "R-1", Action: citrustest.DropAfterApply})
	_, err := c.PostPayment(context.Background(), &citrus.PostPaymentRequest{BillerReference: "R-1", Amount: citrus.Cents(5000)})
	require.ErrorIs(t, err, citrus.ErrOutcomeUnknown)
	hint, ok := citrus.SettleRequestOf(err)
	require.True(t, ok, "an unknown post carries what to ask the county about")
	assert.Equal(t, "R-1", hint.BillerReference)
	assert.Equal(t, citrus.Cents(5000), hint.Amount)

	calls := srv.Calls(citrustest.EndpointCallback) + srv.Calls(citrustest.EndpointAuth)
	res, err := c.Settle(context.Background(), hint)
	require.ErrorIs(t, err, citrus.ErrNoReadBack)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.NotErrorIs(t, err, citrus.ErrTemporary, "asking again will not help: ask the county")
	assert.Contains(t, err.Error(), "ask the county")
	assert.Equal(t, citrus.SettleUnknown, res.Status)
	assert.Equal(t, calls, srv.Calls(citrustest.EndpointCallback)+srv.Calls(citrustest.EndpointAuth), "nothing was sent")

	_, err = c.Settle(context.Background(), nil)
	assert.ErrorContains(t, err, "request: is nil")
	_, ok = citrus.SettleRequestOf(nil)
	assert.False(t, ok)
}
