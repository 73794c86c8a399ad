package accela_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const recordID = "TACOMA-03HST-00000-002UD"

func fastRetry() accela.Option {
	return accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
}

func setup(t *testing.T, opts ...accela.Option) (*accelatest.Server, *accela.Client) {
	t.Helper()
	srv := accelatest.NewServer(accelatest.Options{})
	t.Cleanup(srv.Close)
	srv.AddRecord(accelatest.Record{ID: recordID, CustomID: "BLD2003-01115"})
	c, err := accela.New(srv.Config(), append([]accela.Option{fastRetry()}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func initialize(t *testing.T, c *accela.Client) string {
	t.Helper()
	res, err := c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{recordID}})
	require.NoError(t, err)
	require.Len(t, res.Result, 1)
	return string(res.Result[0].TransactionID)
}

func commitRequest(txn string) *accela.CommitPaymentRequest {
	amount, _ := accela.ParseAmount("100.50")
	return &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: amount, ConvenienceFee: accela.Cents(250),
		PaymentMethod: accela.CreditCard, PaymentSystemTransactionID: "pay-" + txn,
		CreditCard: &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston",
			BillingAddress: &accela.BillingAddress{AddressLine1: "747 Market St", City: "Tacoma", State: "WA", PostalCode: "98402", CountryCode: "US"}},
	}
}

func TestPaymentLifecycle(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	txn := initialize(t, c)

	res, err := c.CommitPayment(ctx, commitRequest(txn))
	require.NoError(t, err)
	require.Len(t, res.Result.CompletePayments, 1)
	cp := res.Result.CompletePayments[0]
	assert.Equal(t, "Paid", cp.PaymentStatus)
	assert.Equal(t, recordID, cp.RecordID.ID)
	assert.Equal(t, "BLD2003-01115", cp.CustomID)
	assert.NotEmpty(t, res.TraceID)

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, "100.50", ledger[0].Amount.String())
	assert.Equal(t, "2.50", ledger[0].ConvenienceFee.String())
	assert.Equal(t, "*4219", ledger[0].CardNumberLastDigits)
	assert.Equal(t, string(cp.PaymentID), fmt.Sprint(ledger[0].PaymentID))

	list, err := c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	require.Len(t, list.Result, 1)
	assert.Equal(t, accela.ID(txn), list.Result[0].TransactionID, "reconcile by transaction id")
	assert.Equal(t, "100.50", list.Result[0].Amount.String())

	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: string(cp.PaymentID), Comments: "refund requested"})
	require.NoError(t, err)
	assert.True(t, srv.Ledger()[0].Voided)
	paid, err := c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: recordID, PaymentStatus: "Y"})
	require.NoError(t, err)
	assert.Empty(t, paid.Result)
	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: string(cp.PaymentID)})
	assert.ErrorIs(t, err, accela.ErrNotApplied, "voiding twice is refused")

	assert.Equal(t, 1, srv.Grants("password"), "one token for the whole lifecycle")
}

func TestCommitTwiceIsRefused(t *testing.T) {
	srv, c := setup(t)
	txn := initialize(t, c)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err)
	_, err = c.CommitPayment(context.Background(), commitRequest(txn))
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, accela.ErrNotApplied)
	assert.Equal(t, "data_validation_error", e.Code)
	assert.Len(t, srv.Ledger(), 1)
}

func TestConcurrentCommitsShareOneToken(t *testing.T) {
	srv, c := setup(t)
	txns := make([]string, 100)
	// Initialize with a separate client, so the commit client starts without a token.
	init, err := accela.New(srv.Config())
	require.NoError(t, err)
	for i := range txns {
		txns[i] = initialize(t, init)
	}
	grantsBefore := srv.Grants("password")

	var wg sync.WaitGroup
	errs := make(chan error, len(txns))
	for _, txn := range txns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CommitPayment(context.Background(), commitRequest(txn))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Grants("password")-grantsBefore, "exactly one token request for 100 concurrent commits")
	assert.Len(t, srv.Ledger(), 100)
}

func TestTokenExpiresMidRun(t *testing.T) {
	srv, c := setup(t)
	t1, t2 := initialize(t, c), initialize(t, c)
	_, err := c.CommitPayment(context.Background(), commitRequest(t1))
	require.NoError(t, err)

	srv.ExpireTokens() // Accela ends the token before the client expected
	_, err = c.CommitPayment(context.Background(), commitRequest(t2))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Grants("password"))
	assert.Equal(t, 1, srv.Grants("refresh_token"), "renewed with the refresh token")
	assert.Equal(t, 3, srv.Calls(accelatest.EndpointCommit), "the 401 commit, then its resend")
	assert.Len(t, srv.Ledger(), 2)
}

func TestShortLivedTokensRenewBeforeExpiry(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{TokenLifetime: 2 * time.Second})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: recordID})
	c, err := accela.New(srv.Config(), fastRetry())
	require.NoError(t, err)
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	time.Sleep(1600 * time.Millisecond) // past the renewal point (a quarter of the lifetime before expiry)
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Grants("refresh_token"))
	assert.Equal(t, 2, srv.Calls(accelatest.EndpointListPayments), "renewed ahead of time: no 401 round trip")
}

func TestRefusedRefreshFallsBackToPassword(t *testing.T) {
	srv, c := setup(t)
	_, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	srv.ExpireTokens()
	srv.RevokeRefreshTokens()
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Grants("password"))
	assert.Zero(t, srv.Grants("refresh_token"))
}

func TestTokenSource(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: recordID})
	var calls atomic.Int32
	cfg := srv.Config()
	cfg.UserName, cfg.Password, cfg.AppSecret = "", "", ""
	cfg.TokenSource = accela.TokenSourceFunc(func(ctx context.Context) (accela.Token, error) {
		calls.Add(1)
		return accela.Token{AccessToken: srv.IssueToken(), Expiry: time.Now().Add(time.Hour)}, nil
	})
	c, err := accela.New(cfg, fastRetry())
	require.NoError(t, err)
	txn := initialize(t, c)
	_, err = c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err)
	assert.Equal(t, int32(1), calls.Load())

	srv.ExpireTokens()
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	assert.Equal(t, int32(2), calls.Load(), "asked once more after the 401")
	assert.Zero(t, srv.Grants("password"))

	failing := cfg
	failing.AppSecret = "app-Secret-9"
	vaultErr := errors.New("vault unreachable while reading app-Secret-9")
	failing.TokenSource = accela.TokenSourceFunc(func(context.Context) (accela.Token, error) {
		return accela.Token{}, vaultErr
	})
	c2, err := accela.New(failing)
	require.NoError(t, err)
	_, err = c2.CommitPayment(context.Background(), commitRequest("1"))
	assert.ErrorIs(t, err, accela.ErrNotApplied)
	assert.ErrorIs(t, err, vaultErr, "the source's error stays reachable")
	assert.Contains(t, err.Error(), "vault unreachable while reading REDACTED")
	assert.NotContains(t, err.Error(), "app-Secret-9", "a known secret in the source's error is scrubbed")
}

func TestPaymentEnabledSwitch(t *testing.T) {
	srv, c := setup(t)
	txn := initialize(t, c)
	srv.SetPaymentEnabled(false)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, accela.ErrNotApplied)
	assert.Equal(t, 403, e.StatusCode)
	assert.Equal(t, "forbidden", e.Code)
	assert.NotEmpty(t, e.TraceID)
	assert.Empty(t, srv.Ledger())

	srv.SetPaymentEnabled(true)
	_, err = c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err, "the refused commit can be sent again")
}

func TestAgencyScripts(t *testing.T) {
	srv, c := setup(t)
	txn := initialize(t, c)

	srv.FailNextScript(accelatest.ScriptBefore)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown, "a 500 on a commit may hide a broken connection")
	assert.Empty(t, srv.Ledger(), "a failing before-script cancels the commit")

	// Reconcile as the error says: nothing for this transaction, so commit again.
	list, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	assert.Empty(t, list.Result)

	srv.FailNextScript(accelatest.ScriptAfter)
	res, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err, "an after-script failure leaves the payment applied")
	assert.True(t, res.ScriptFailed())
	assert.Equal(t, "EMSE operation failed.", res.Message)
	assert.Len(t, srv.Ledger(), 1)
}

func TestFaultsMapToOutcomes(t *testing.T) {
	commit := accelatest.EndpointCommit
	cases := []struct {
		name        string
		fault       accelatest.Fault
		timeout     time.Duration
		want        error // nil: applied
		wantApplied int
		wantCommits int
	}{
		{"500", accelatest.Fault{Endpoint: commit, Status: 500}, 0, accela.ErrOutcomeUnknown, 0, 1},
		{"502", accelatest.Fault{Endpoint: commit, Status: 502}, 0, accela.ErrOutcomeUnknown, 0, 1},
		{"400", accelatest.Fault{Endpoint: commit, Status: 400}, 0, accela.ErrNotApplied, 0, 1},
		{"404", accelatest.Fault{Endpoint: commit, Status: 404}, 0, accela.ErrNotApplied, 0, 1},
		{"429 twice", accelatest.Fault{Endpoint: commit, Status: 429, Times: 2}, 0, nil, 1, 3},
		{"401 once: renew and resend", accelatest.Fault{Endpoint: commit, Status: 401}, 0, nil, 1, 2},
		{"401 twice", accelatest.Fault{Endpoint: commit, Status: 401, Times: 2}, 0, accela.ErrNotApplied, 0, 2},
		{"cut before applying", accelatest.Fault{Endpoint: commit, Cut: accelatest.CutBeforeApply}, 0, accela.ErrOutcomeUnknown, 0, 1},
		{"cut after applying", accelatest.Fault{Endpoint: commit, Cut: accelatest.CutAfterApply}, 0, accela.ErrOutcomeUnknown, 1, 1},
		{"slower than the timeout", accelatest.Fault{Endpoint: commit, Delay: time.Second}, 50 * time.Millisecond, accela.ErrOutcomeUnknown, 0, 1},
		{"token 503 twice", accelatest.Fault{Endpoint: accelatest.EndpointToken, Status: 503, Times: 2}, 0, nil, 1, 1},
		{"token 503 always", accelatest.Fault{Endpoint: accelatest.EndpointToken, Status: 503, Times: 3}, 0, accela.ErrNotApplied, 0, 0},
		{"token cut after issuing", accelatest.Fault{Endpoint: accelatest.EndpointToken, Cut: accelatest.CutAfterApply}, 0, nil, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := accelatest.NewServer(accelatest.Options{})
			defer srv.Close()
			srv.AddRecord(accelatest.Record{ID: recordID})
			setupClient, err := accela.New(srv.Config())
			require.NoError(t, err)
			txn := initialize(t, setupClient)
			opts := []accela.Option{fastRetry()}
			if tc.timeout > 0 {
				opts = append(opts, accela.WithTimeout(tc.timeout))
			}
			c, err := accela.New(srv.Config(), opts...)
			require.NoError(t, err)
			srv.Inject(tc.fault)

			_, err = c.CommitPayment(context.Background(), commitRequest(txn))
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
			assert.Len(t, srv.Ledger(), tc.wantApplied, "ledger")
			assert.Equal(t, tc.wantCommits, srv.Calls(commit), "commit calls")
		})
	}
}

func TestUnknownCommitReconciledWithList(t *testing.T) {
	srv, c := setup(t)
	txn := initialize(t, c)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Cut: accelatest.CutAfterApply})
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "ListRecordPayments")

	list, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	found := false
	for _, p := range list.Result {
		found = found || p.TransactionID == accela.ID(txn)
	}
	assert.True(t, found, "the read-back shows the commit was applied: do not commit again")
}

func TestReadsAndInitializeRetries(t *testing.T) {
	srv, c := setup(t)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Status: 503, Times: 2})
	_, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: recordID})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Calls(accelatest.EndpointListPayments))

	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointInitialize, Cut: accelatest.CutAfterApply})
	_, err = c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{recordID}})
	var e *accela.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, accela.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "initialize again")

	_, err = c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{"NO-SUCH"}})
	assert.ErrorIs(t, err, accela.ErrNotApplied)
}

func TestContextCancellation(t *testing.T) {
	srv, c := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CommitPayment(ctx, commitRequest("322931"))
	require.ErrorIs(t, err, accela.ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, srv.Calls(accelatest.EndpointToken)+srv.Calls(accelatest.EndpointCommit))

	txn := initialize(t, c)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Delay: time.Second})
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.CommitPayment(ctx, commitRequest(txn))
	require.ErrorIs(t, err, accela.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBadInputSendsNothing(t *testing.T) {
	srv, c := setup(t)
	long := strings.Repeat("x", 5000)
	cases := []struct {
		mutate func(*accela.CommitPaymentRequest)
		field  string
	}{
		{func(r *accela.CommitPaymentRequest) { r.TransactionID = "" }, "TransactionID"},
		{func(r *accela.CommitPaymentRequest) { r.TransactionID = ".." }, "TransactionID"},
		{func(r *accela.CommitPaymentRequest) { r.Amount = accela.Amount{} }, "Amount"},
		{func(r *accela.CommitPaymentRequest) { r.Amount = accela.Cents(-100) }, "Amount"},
		{func(r *accela.CommitPaymentRequest) { r.Amount, _ = accela.ParseAmount("10.005") }, "Amount"},
		{func(r *accela.CommitPaymentRequest) { r.ConvenienceFee = accela.Cents(-1) }, "ConvenienceFee"},
		{func(r *accela.CommitPaymentRequest) { r.PaymentMethod = "" }, "PaymentMethod"},
		{func(r *accela.CommitPaymentRequest) { r.PaymentMethod = "Cash" }, "PaymentMethod"},
		{func(r *accela.CommitPaymentRequest) { r.PaymentSystemTransactionID = "" }, "PaymentSystemTransactionID"},
		{func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "4111111111111111" }, "CreditCard.CardNumberLastDigits"},
		{func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "42a9" }, "CreditCard.CardNumberLastDigits"},
		{func(r *accela.CommitPaymentRequest) { r.CreditCard.CardType = "" }, "CreditCard.CardType"},
		{func(r *accela.CommitPaymentRequest) { r.CreditCard.HolderName = "Jane 4111 1111 1111 1111" }, "CreditCard.HolderName"},
		{func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.CountryCode = "" }, "CreditCard.BillingAddress.CountryCode"},
		{func(r *accela.CommitPaymentRequest) { r.Comments = "card 4111111111111111" }, "Comments"},
		{func(r *accela.CommitPaymentRequest) { r.Comments = long }, "Comments"},
		{func(r *accela.CommitPaymentRequest) { r.PayeePhone = "406\n761" }, "PayeePhone"},
		{func(r *accela.CommitPaymentRequest) { r.Fields = []string{"a,b"} }, "Fields"},
	}
	for _, tc := range cases {
		req := commitRequest("322931")
		tc.mutate(req)
		_, err := c.CommitPayment(context.Background(), req)
		var v *accela.ValidationError
		require.ErrorAs(t, err, &v, tc.field)
		assert.Equal(t, tc.field, v.Field)
		assert.ErrorIs(t, err, accela.ErrNotApplied)
		assert.NotContains(t, err.Error(), "4111", "a card number is never repeated")
	}
	_, err := c.CommitPayment(context.Background(), nil)
	assert.ErrorIs(t, err, accela.ErrNotApplied)
	for _, bad := range []*accela.InitializePaymentRequest{nil, {}, {EntityIDs: []string{""}}, {EntityIDs: []string{"R"}, EntityType: "parcel"}, {EntityIDs: []string{"R"}, PaymentMethod: "Cash"}} {
		_, err := c.InitializePayment(context.Background(), bad)
		assert.ErrorIs(t, err, accela.ErrNotApplied)
	}
	for _, bad := range []*accela.ListRecordPaymentsRequest{nil, {}, {RecordID: "R", PaymentStatus: "maybe"}} {
		_, err := c.ListRecordPayments(context.Background(), bad)
		assert.ErrorIs(t, err, accela.ErrNotApplied)
	}
	for _, bad := range []*accela.VoidPaymentRequest{nil, {}, {PaymentID: "1", Reason: &accela.VoidReason{Text: "4111111111111111"}}} {
		_, err := c.VoidPayment(context.Background(), bad)
		assert.ErrorIs(t, err, accela.ErrNotApplied)
	}
	assert.Zero(t, srv.Calls(accelatest.EndpointToken), "bad input never even logs in")
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{AppSecret: "App&Secret=1", Password: "User&Pass=2"})
	defer srv.Close()
	srv.AddRecord(accelatest.Record{ID: recordID})
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := accela.New(srv.Config(), fastRetry(), accela.WithLogger(logger), accela.WithTimeout(100*time.Millisecond))
	require.NoError(t, err)

	var texts []string
	collect := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	txn := initialize(t, c)
	for _, f := range []accelatest.Fault{
		{Endpoint: accelatest.EndpointCommit, Status: 500},
		{Endpoint: accelatest.EndpointCommit, Status: 401, Times: 2},
		{Endpoint: accelatest.EndpointCommit, Cut: accelatest.CutBeforeApply},
		{Endpoint: accelatest.EndpointCommit, Delay: time.Second},
	} {
		srv.Inject(f)
		_, err := c.CommitPayment(context.Background(), commitRequest(txn))
		collect(err)
		srv.ClearFaults()
	}
	srv.ExpireTokens()
	_, err = c.CommitPayment(context.Background(), commitRequest(txn))
	collect(err)
	req := commitRequest(txn)
	req.CreditCard.CardNumberLastDigits = "4111111111111111"
	_, err = c.CommitPayment(context.Background(), req)
	collect(err)
	bad := srv.Config()
	bad.Password = "Wrong&Pass=3"
	c2, _ := accela.New(bad, accela.WithLogger(logger))
	_, err = c2.CommitPayment(context.Background(), commitRequest(txn))
	collect(err)
	require.GreaterOrEqual(t, len(texts), 6)

	secrets := append([]string{"App&Secret=1", "App%26Secret%3D1", "User&Pass=2", "User%26Pass%3D2", "Wrong&Pass=3", "4111111111111111"}, srv.IssuedTokens()...)
	require.Greater(t, len(secrets), 7, "tokens were issued")
	all := strings.Join(texts, "\n") + logs.String()
	for _, s := range secrets {
		assert.NotContains(t, all, s)
	}
	assert.Contains(t, logs.String(), `"op":"CommitPayment"`)
}

func TestNewValidatesConfig(t *testing.T) {
	ok := accela.Config{AppID: "a", AppSecret: "s", UserName: "u", Password: "p"}
	cases := []struct {
		mutate func(*accela.Config)
		field  string
	}{
		{func(c *accela.Config) { c.AppID = "" }, "Config.AppID"},
		{func(c *accela.Config) { c.AppSecret = "" }, "Config.AppSecret"},
		{func(c *accela.Config) { c.UserName = "" }, "Config.UserName"},
		{func(c *accela.Config) { c.Password = "" }, "Config.Password"},
		{func(c *accela.Config) { c.BaseURL = "http://apis.accela.com" }, "Config.BaseURL"},
		{func(c *accela.Config) { c.TokenURL = "https://auth.accela.com/oauth2/token?x=1" }, "Config.TokenURL"},
		{func(c *accela.Config) { c.Agency = "TAC\nOMA" }, "Config.Agency"},
		{func(c *accela.Config) {
			c.TokenSource = accela.TokenSourceFunc(func(context.Context) (accela.Token, error) { return accela.Token{}, nil })
		}, "Config.TokenSource"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		_, err := accela.New(cfg)
		var v *accela.ValidationError
		require.ErrorAs(t, err, &v, tc.field)
		assert.Equal(t, tc.field, v.Field)
	}
	_, err := accela.New(ok)
	require.NoError(t, err, "URLs and scope default")
}
