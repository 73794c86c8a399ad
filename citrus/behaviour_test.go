package citrus_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
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
	srv, c := setup(t, "1018-AB")
	res, err := c.PostPayment(context.Background(), "1018-AB")
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.Equal(t, "1018-AB", res.Transaction.TransactionToken)
	assert.Equal(t, "50.00", res.Transaction.TransactionAmount.String())
	require.Len(t, res.Transaction.Payments, 1)
	assert.Equal(t, "Approved", res.Transaction.Payments[0].PaymentAuthorization.TransactionStatus)

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, "1018-AB", ledger[0].BillerReference)
	assert.Equal(t, res.Transaction.ID, ledger[0].TransactionID)
	assert.Equal(t, 1, srv.Logins())
}

func TestPostingTwiceAppliesOnce(t *testing.T) {
	srv, c := setup(t, "1018-AB")
	first, err := c.PostPayment(context.Background(), "1018-AB")
	require.NoError(t, err)
	second, err := c.PostPayment(context.Background(), "1018-AB")
	require.NoError(t, err)
	assert.Equal(t, first.Transaction.ReceiptNumber, second.Transaction.ReceiptNumber)
	assert.Len(t, srv.Ledger(), 1)
	assert.Equal(t, 2, srv.Calls(citrustest.EndpointCallback))
}

func TestConcurrentPostsShareOneLogin(t *testing.T) {
	refs := make([]string, 100)
	for i := range refs {
		refs[i] = fmt.Sprintf("%d-REF", 2000+i)
	}
	srv, c := setup(t, refs...)
	var wg sync.WaitGroup
	errs := make(chan error, len(refs))
	for _, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.PostPayment(context.Background(), ref)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Logins(), "exactly one login for 100 concurrent posts")
	assert.Equal(t, 1, srv.Calls(citrustest.EndpointAuth))
	assert.Len(t, srv.Ledger(), 100)
}

func TestExpiredSessionReLogsInOnce(t *testing.T) {
	srv, c := setup(t, "A-1", "A-2")
	_, err := c.PostPayment(context.Background(), "A-1")
	require.NoError(t, err)
	srv.ExpireSessions()
	_, err = c.PostPayment(context.Background(), "A-2")
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "one re-login")
	assert.Equal(t, 3, srv.Calls(citrustest.EndpointCallback), "the 401 post, then its resend")
	assert.Len(t, srv.Ledger(), 2)
	ledger := srv.Ledger()
	assert.NotEqual(t, ledger[0].SessionID, ledger[1].SessionID)
}

func TestWrongCredentials(t *testing.T) {
	srv, _ := setup(t, "A-1")
	cfg := srv.Config()
	cfg.Password = "wrong-password-123"
	c, err := citrus.New(cfg, fastRetry())
	require.NoError(t, err)
	_, err = c.PostPayment(context.Background(), "A-1")
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, "Invalid UserName or Password", e.Message)
	assert.Equal(t, "Authenticate", e.Op)
	assert.Equal(t, 1, srv.Calls(citrustest.EndpointAuth), "a refused login is not retried")
	assert.Zero(t, srv.Calls(citrustest.EndpointCallback))
	assert.NotContains(t, err.Error(), "wrong-password-123")
}

func TestFaultsMapToOutcomes(t *testing.T) {
	cases := []struct {
		name          string
		fault         citrustest.Fault
		timeout       time.Duration
		want          error // nil: applied
		wantApplied   int   // ledger entries afterwards
		wantCallbacks int
	}{
		{"500", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 500}, 0, citrus.ErrOutcomeUnknown, 0, 1},
		{"502", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 502}, 0, citrus.ErrOutcomeUnknown, 0, 1},
		{"503", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 503}, 0, citrus.ErrOutcomeUnknown, 0, 1},
		{"400", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 400}, 0, citrus.ErrNotApplied, 0, 1},
		{"403", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 403}, 0, citrus.ErrNotApplied, 0, 1},
		{"409", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 409}, 0, citrus.ErrNotApplied, 0, 1},
		{"429 twice, then applied", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 429, Times: 2}, 0, nil, 1, 3},
		{"429 always", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Status: 429, Times: 5}, 0, citrus.ErrNotApplied, 0, 3},
		{"cut before applying", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutBeforeApply}, 0, citrus.ErrOutcomeUnknown, 0, 1},
		{"cut after applying", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutAfterApply}, 0, citrus.ErrOutcomeUnknown, 1, 1},
		{"slower than the timeout", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: time.Second}, 50 * time.Millisecond, citrus.ErrOutcomeUnknown, 0, 1},
		{"slow but in time", citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: 20 * time.Millisecond}, time.Second, nil, 1, 1},
		{"login 503 twice", citrustest.Fault{Endpoint: citrustest.EndpointAuth, Status: 503, Times: 2}, 0, nil, 1, 1},
		{"login 503 always", citrustest.Fault{Endpoint: citrustest.EndpointAuth, Status: 503, Times: 3}, 0, citrus.ErrNotApplied, 0, 0},
		{"login cut after session made", citrustest.Fault{Endpoint: citrustest.EndpointAuth, Cut: citrustest.CutAfterApply}, 0, nil, 1, 1},
		{"login slower than the timeout", citrustest.Fault{Endpoint: citrustest.EndpointAuth, Delay: time.Second}, 50 * time.Millisecond, nil, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := citrustest.NewServer(citrustest.Options{})
			defer srv.Close()
			srv.AddInvoice(citrustest.Invoice{BillerReference: "R-1", Amount: citrus.Cents(125)})
			opts := []citrus.Option{fastRetry()}
			if tc.timeout > 0 {
				opts = append(opts, citrus.WithTimeout(tc.timeout))
			}
			c, err := citrus.New(srv.Config(), opts...)
			require.NoError(t, err)
			srv.Inject(tc.fault)

			_, err = c.PostPayment(context.Background(), "R-1")
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
				other := citrus.ErrOutcomeUnknown
				if tc.want == citrus.ErrOutcomeUnknown {
					other = citrus.ErrNotApplied
				}
				assert.NotErrorIs(t, err, other)
			}
			assert.Len(t, srv.Ledger(), tc.wantApplied, "ledger")
			assert.Equal(t, tc.wantCallbacks, srv.Calls(citrustest.EndpointCallback), "callbacks")
		})
	}
}

func TestUnknownOutcomeThenResendAppliesOnce(t *testing.T) {
	srv, c := setup(t, "R-1")
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutAfterApply})
	_, err := c.PostPayment(context.Background(), "R-1")
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, citrus.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "ask the county")
	assert.Zero(t, e.StatusCode)
	assert.Len(t, srv.Ledger(), 1, "the fake applied it before the connection dropped")

	// Once the county confirms, a resend of the same Token is answered, not applied again.
	res, err := c.PostPayment(context.Background(), "R-1")
	require.NoError(t, err)
	assert.True(t, res.Success)
	assert.Len(t, srv.Ledger(), 1)
}

func TestDeclinedAndUnknownInvoices(t *testing.T) {
	srv, c := setup(t)
	srv.AddInvoice(citrustest.Invoice{BillerReference: "D-1", Amount: citrus.Cents(5000), Decline: true})

	res, err := c.PostPayment(context.Background(), "D-1")
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	require.NotNil(t, res)
	assert.False(t, res.Success)
	require.Len(t, res.Transaction.Payments, 2)
	assert.Equal(t, "Void", res.Transaction.Payments[1].TransactionType)
	assert.Equal(t, "-50.00", res.Transaction.Payments[1].TransactionAmount.String())
	assert.Empty(t, srv.Ledger())

	_, err = c.PostPayment(context.Background(), "NO-SUCH")
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode)
	assert.Equal(t, "NotFound", e.Code)
}

func TestContextCancellation(t *testing.T) {
	srv, c := setup(t, "R-1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.PostPayment(ctx, "R-1")
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, srv.Calls(citrustest.EndpointAuth)+srv.Calls(citrustest.EndpointCallback), "nothing sent")

	// A deadline that ends while IPS is handling the post: outcome unknown.
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointCallback, Delay: time.Second})
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.PostPayment(ctx, "R-1")
	require.ErrorIs(t, err, citrus.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// A deadline that ends while waiting for the login: not applied.
	srv2, c2 := setup(t, "R-2")
	// (The login itself goes on for the other callers; keep its delay short.)
	srv2.Inject(citrustest.Fault{Endpoint: citrustest.EndpointAuth, Delay: 250 * time.Millisecond})
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c2.PostPayment(ctx, "R-2")
	require.ErrorIs(t, err, citrus.ErrNotApplied)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, srv2.Calls(citrustest.EndpointCallback))
}

func TestBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	for ref, reason := range map[string]string{
		"":                       "is required",
		strings.Repeat("A", 256): "the most allowed is 255",
		"1018-AB\n":              "control characters",
		"1018\x00AB":             "control characters",
		" 1018-AB":               "spaces",
		"1018-\xff":              "UTF-8",
	} {
		res, err := c.PostPayment(context.Background(), ref)
		assert.Nil(t, res)
		var v *citrus.ValidationError
		require.ErrorAs(t, err, &v, "%q", ref)
		assert.Equal(t, "BillerReference", v.Field)
		assert.Contains(t, v.Reason, reason)
		assert.ErrorIs(t, err, citrus.ErrNotApplied)
		assert.Contains(t, err.Error(), "nothing was sent")
	}
	assert.Zero(t, srv.Calls(citrustest.EndpointAuth)+srv.Calls(citrustest.EndpointCallback))
}

func TestAuthenticate(t *testing.T) {
	srv, c := setup(t, "R-1")
	res, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.Equal(t, citrustest.DefaultUserName, res.UserName)
	assert.NotEmpty(t, res.SessionID.Reveal())
	assert.Equal(t, "REDACTED", fmt.Sprint(res.SessionID))

	_, err = c.PostPayment(context.Background(), "R-1")
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins(), "the post used Authenticate's session")
	assert.Equal(t, res.SessionID.Reveal(), srv.Ledger()[0].SessionID)

	again, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, res.SessionID.Reveal(), again.SessionID.Reveal(), "Authenticate always logs in anew")
	assert.Equal(t, 2, srv.Logins())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Authenticate(ctx)
	assert.ErrorIs(t, err, citrus.ErrNotApplied)
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{Password: "Sup3r&Secret=PW"})
	defer srv.Close()
	srv.AddInvoice(citrustest.Invoice{BillerReference: "R-1", Amount: citrus.Cents(1)})
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := citrus.New(srv.Config(), fastRetry(), citrus.WithLogger(logger), citrus.WithTimeout(100*time.Millisecond))
	require.NoError(t, err)

	var texts []string
	collect := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	_, err = c.PostPayment(context.Background(), "R-1") // applied, logs written
	require.NoError(t, err)
	for _, f := range []citrustest.Fault{
		{Endpoint: citrustest.EndpointCallback, Status: 500},
		{Endpoint: citrustest.EndpointCallback, Cut: citrustest.CutBeforeApply},
		{Endpoint: citrustest.EndpointCallback, Delay: time.Second},
		{Endpoint: citrustest.EndpointCallback, Status: 401},
		{Endpoint: citrustest.EndpointAuth, Status: 401},
	} {
		srv.Inject(f)
		_, err = c.PostPayment(context.Background(), "R-1")
		collect(err)
		srv.ClearFaults()
	}
	srv.ExpireSessions()
	srv.Inject(citrustest.Fault{Endpoint: citrustest.EndpointAuth, Cut: citrustest.CutBeforeApply, Times: 3})
	_, err = c.PostPayment(context.Background(), "R-1")
	collect(err)
	require.NotEmpty(t, texts)

	secrets := []string{"Sup3r&Secret=PW", "Sup3r%26Secret%3DPW"}
	for _, p := range srv.Ledger() {
		secrets = append(secrets, p.SessionID)
	}
	all := strings.Join(texts, "\n") + logs.String()
	for _, s := range secrets {
		assert.NotContains(t, all, s)
	}
	assert.Contains(t, logs.String(), `"path":"/IPS-TST-RS/api/portal/auth"`)
	assert.NotContains(t, logs.String(), "Token=")
}

func TestNewValidatesConfig(t *testing.T) {
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
		{func(c *citrus.Config) { c.DevBaseURL = "https://ips.example/api?x=1" }, "Config.DevBaseURL", "query"},
		{func(c *citrus.Config) { c.UserName = "" }, "Config.UserName", "is required"},
		{func(c *citrus.Config) { c.Password = "" }, "Config.Password", "is required"},
		{func(c *citrus.Config) { c.Password = "a\nb" }, "Config.Password", "control"},
		{func(c *citrus.Config) { c.IPSUserName = "a;b" }, "Config.IPSUserName", "cookie"},
		{func(c *citrus.Config) { c.CashRegister = " x" }, "Config.CashRegister", "spaces"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		_, err := citrus.New(cfg)
		var v *citrus.ValidationError
		require.ErrorAs(t, err, &v, "%+v", cfg)
		assert.Equal(t, tc.field, v.Field)
		assert.Contains(t, v.Reason, tc.reason)
		assert.True(t, strings.HasPrefix(err.Error(), "citrus.New: invalid "+tc.field), err.Error())
	}

	prod := ok
	prod.Environment, prod.ProdBaseURL = citrus.Prod, "https://ips-rest.citrusbocc.com/IPS-PRD-RS/api"
	_, err := citrus.New(prod)
	require.NoError(t, err)
	_, err = citrus.New(ok)
	require.NoError(t, err, "DEV defaults to the partner document's URL")
	_, err = citrus.New(ok, citrus.WithTimeout(-1))
	var v *citrus.ValidationError
	assert.ErrorAs(t, err, &v)
}
