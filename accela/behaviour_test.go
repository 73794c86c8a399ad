package accela_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
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

// setup starts a fake with recordID and a client for it.
func setup(t *testing.T, opts ...accela.Option) (*accelatest.Server, *accela.Client) {
	t.Helper()
	srv := accelatest.NewServer(accelatest.Options{})
	t.Cleanup(srv.Close)
	srv.AddRecord(accelatest.Record{ID: recordID, CustomID: "BLD2003-01115"})
	c, err := accela.New(srv.Config(), append([]accela.Option{fastRetry()}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func initialize(t *testing.T, c *accela.Client, records ...string) accela.ID {
	t.Helper()
	if len(records) == 0 {
		records = []string{recordID}
	}
	res, err := c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: records})
	require.NoError(t, err)
	require.NotEmpty(t, res.TransactionID)
	return res.TransactionID
}

func commitRequest(txn accela.ID) *accela.CommitPaymentRequest {
	amount, _ := accela.ParseAmount("100.50")
	return &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: amount, ConvenienceFee: accela.Cents(250),
		PaymentMethod: accela.CreditCard, PaymentSystemTransactionID: "pay-" + string(txn),
		CreditCard: &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219", HolderName: "Jane Johnston",
			BillingAddress: &accela.BillingAddress{AddressLine1: "747 Market St", City: "Tacoma", State: "WA", PostalCode: "98402", CountryCode: "US"}},
	}
}

func list(t *testing.T, c *accela.Client, record, status string) *accela.ListRecordPaymentsResult {
	t.Helper()
	res, err := c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: record, PaymentStatus: status})
	require.NoError(t, err)
	return res
}

// The ids each call returns go into the next as they are.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.AddRecord(accelatest.Record{ID: "TACOMA-03HST-00000-002UE", CustomID: "BLD2003-01116"})
	ctx := context.Background()

	ini, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{recordID, "TACOMA-03HST-00000-002UE"}, PaymentMethod: accela.CreditCard})
	require.NoError(t, err)
	assert.NotEmpty(t, ini.TraceID)

	res, err := c.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID: ini.TransactionID, Amount: accela.Cents(10050), ConvenienceFee: accela.Cents(250),
		PaymentMethod: accela.CreditCard, PaymentSystemTransactionID: "pay-1",
		CreditCard: &accela.CreditCardInfo{CardType: "VISA", CardNumberLastDigits: "*4219"},
	})
	require.NoError(t, err)
	assert.False(t, res.ScriptFailed())
	assert.NotEmpty(t, res.TraceID)
	require.Len(t, res.Payments, 2, "one payment per record")
	assert.Equal(t, recordID, res.Payments[0].RecordID.ID)
	assert.Equal(t, "BLD2003-01115", res.Payments[0].CustomID)
	assert.Equal(t, "BLD2003-01116", res.Payments[1].CustomID)
	assert.Equal(t, "Paid", res.Payments[0].PaymentStatus)
	assert.Equal(t, accelatest.DefaultAgency, res.Payments[0].ServiceProviderCode)
	assert.Equal(t, res.Payments[0].ReceiptID, res.Payments[1].ReceiptID, "one receipt for the commit")

	ledger := srv.Ledger()
	require.Len(t, ledger, 2)
	for i, p := range ledger {
		assert.Equal(t, res.Payments[i].PaymentID, p.PaymentID, "the client's payment id is the fake's")
		assert.Equal(t, res.Payments[i].ReceiptID, p.ReceiptID)
		assert.Equal(t, ini.TransactionID, p.TransactionID)
		assert.Equal(t, "100.50", p.Amount.String())
		assert.Equal(t, "2.50", p.ConvenienceFee.String())
		assert.Equal(t, "*4219", p.CardNumberLastDigits)
		assert.Equal(t, "pay-1", p.PaymentSystemTransactionID)
	}
	assert.Equal(t, 2, srv.Applied(ini.TransactionID))

	got := list(t, c, recordID, "")
	found := got.FindTransaction(ini.TransactionID)
	require.Len(t, found, 1)
	assert.Equal(t, res.Payments[0].PaymentID, found[0].ID)
	assert.Equal(t, res.Payments[0].ReceiptID, found[0].ReceiptID)
	assert.Equal(t, accela.Cents(10050), found[0].Amount)
	assert.Equal(t, "Paid", found[0].PaymentStatus)
	assert.Equal(t, "BLD2003-01115", found[0].RecordID.CustomID)

	v, err := c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: found[0].ID, Comments: "refund requested", Reason: &accela.VoidReason{Value: "REFUND"}})
	require.NoError(t, err)
	assert.Equal(t, found[0].ID, v.PaymentID)
	assert.Equal(t, "Payment voided.", v.Message)
	assert.True(t, srv.Ledger()[0].Voided)
	assert.False(t, srv.Ledger()[1].Voided)
	assert.Equal(t, 1, srv.Grants("password"), "one token for the whole round trip")
}

func TestSecondCommitIsAlreadyApplied(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	txn := initialize(t, c)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err)

	res, err := c.CommitPayment(context.Background(), commitRequest(txn))
	assert.Nil(t, res)
	e := errorOf(t, err, accela.ErrAlreadyApplied)
	assert.NotErrorIs(t, err, accela.ErrNotApplied, "a second commit must never read as 'not applied'")
	assert.Equal(t, 400, e.StatusCode)
	assert.Equal(t, "data_validation_error", e.Code)
	assert.NotEmpty(t, e.TraceID)
	assert.Contains(t, e.Reconcile, "ListRecordPayments")
	assert.Contains(t, e.Reconcile, string(txn))
	assert.Equal(t, 1, srv.Applied(txn))
	assert.Equal(t, 2, srv.CallsFor(accelatest.EndpointCommit, string(txn)))
}

func TestVoidAndSecondVoid(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	txn := initialize(t, c)
	res, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err)
	pid := res.Payments[0].PaymentID

	_, err = c.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: pid})
	require.NoError(t, err)
	assert.Empty(t, list(t, c, recordID, "Y").Payments, "no longer paid")
	voided := list(t, c, recordID, "N").FindTransaction(txn)
	require.Len(t, voided, 1)
	assert.Equal(t, "Voided", voided[0].PaymentStatus)

	_, err = c.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: pid})
	e := errorOf(t, err, accela.ErrAlreadyApplied)
	assert.Contains(t, e.Reconcile, "ListRecordPayments")
	assert.True(t, srv.Ledger()[0].Voided)
	assert.Equal(t, 2, srv.CallsFor(accelatest.EndpointVoid, string(pid)))

	_, err = c.VoidPayment(context.Background(), &accela.VoidPaymentRequest{PaymentID: "999999"})
	e = errorOf(t, err, accela.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode)
}

func TestPaymentEnabledOff(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	txn := initialize(t, c)
	srv.SetPaymentEnabled(false)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	e := errorOf(t, err, accela.ErrNotApplied)
	assert.False(t, e.Temporary, "the agency must switch Payment Enabled on first")
	assert.NotErrorIs(t, err, accela.ErrTemporary)
	assert.Equal(t, 403, e.StatusCode)
	assert.Equal(t, "forbidden", e.Code)
	assert.Contains(t, e.Message, "Payment Enabled")
	assert.NotEmpty(t, e.TraceID)
	assert.Equal(t, 1, e.Attempts)
	assert.Empty(t, srv.Ledger())

	srv.SetPaymentEnabled(true)
	_, err = c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err, "the refused commit can be sent again")
	assert.Equal(t, 1, srv.Applied(txn))
}

func TestAgencyScripts(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	txn := initialize(t, c)

	srv.FailNextScript(accelatest.ScriptBefore)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	e := errorOf(t, err, accela.ErrOutcomeUnknown)
	assert.Equal(t, 500, e.StatusCode, "a 500 on a commit may hide a broken connection")
	assert.Contains(t, e.Message, "EMSE")
	assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointCommit, string(txn)), "never resent")
	assert.Zero(t, srv.Applied(txn), "a failing before-script cancels the commit")

	// Reconcile as the error says: nothing for this transaction, so commit again.
	assert.Nil(t, list(t, c, recordID, "").FindTransaction(txn))

	srv.FailNextScript(accelatest.ScriptAfter)
	res, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err, "an after-script failure leaves the payment applied")
	assert.True(t, res.ScriptFailed())
	assert.Equal(t, "emse_error", res.ScriptCode)
	assert.Equal(t, "EMSE operation failed.", res.ScriptMessage)
	assert.NotEmpty(t, res.TraceID)
	require.Len(t, res.Payments, 1)
	assert.Equal(t, 1, srv.Applied(txn))
	assert.Len(t, list(t, c, recordID, "").FindTransaction(txn), 1)
}

func TestUnknownCommitReconciledWithList(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	applied, lost := initialize(t, c), initialize(t, c)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(applied), Action: accelatest.DropAfterApply})
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointCommit, Key: string(lost), Action: accelatest.DropBeforeApply})

	for _, txn := range []accela.ID{applied, lost} {
		_, err := c.CommitPayment(context.Background(), commitRequest(txn))
		e := errorOf(t, err, accela.ErrOutcomeUnknown)
		assert.Contains(t, e.Reconcile, "ListRecordPayments")
		assert.Contains(t, e.Reconcile, string(txn))
	}
	payments := list(t, c, recordID, "")
	assert.Len(t, payments.FindTransaction(applied), 1, "applied: do not commit again")
	assert.Nil(t, payments.FindTransaction(lost), "not applied: commit again")

	_, err := c.CommitPayment(context.Background(), commitRequest(lost))
	require.NoError(t, err)
	_, err = c.CommitPayment(context.Background(), commitRequest(applied))
	errorOf(t, err, accela.ErrAlreadyApplied)
	assert.Equal(t, 1, srv.Applied(applied))
	assert.Equal(t, 1, srv.Applied(lost))
}

// InitializePayment charges nothing, so it is retried like a read.
func TestInitializeIsRetried(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointInitialize, Key: recordID, Action: accelatest.DropAfterApply})
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointInitialize, Key: recordID, Action: accelatest.Refuse, Status: 503})
	txn := initialize(t, c)
	assert.Equal(t, 3, srv.CallsFor(accelatest.EndpointInitialize, recordID), "dropped, refused, then answered")
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err, "the transaction of the answered call commits")

	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointInitialize, Action: accelatest.EmptyAfterApply, Times: accelatest.Forever})
	_, err = c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{recordID}})
	e := errorOf(t, err, accela.ErrOutcomeUnknown)
	assert.Equal(t, 3, e.Attempts)
	assert.Contains(t, e.Reconcile, "initialize again")
	srv.ClearFaults()

	_, err = c.InitializePayment(context.Background(), &accela.InitializePaymentRequest{EntityIDs: []string{"NO-SUCH"}})
	e = errorOf(t, err, accela.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode)
	assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointInitialize, "NO-SUCH"))
}

func TestReadsAreRetried(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.Inject(accelatest.Fault{Endpoint: accelatest.EndpointListPayments, Action: accelatest.Refuse, Status: 503, Times: 2})
	list(t, c, recordID, "")
	assert.Equal(t, 3, srv.CallsFor(accelatest.EndpointListPayments, recordID))
}

func TestRefreshGrantAfterExpiry(t *testing.T) {
	t.Parallel()
	t.Run("refused token", func(t *testing.T) {
		t.Parallel()
		srv, c := setup(t)
		t1, t2 := initialize(t, c), initialize(t, c)
		_, err := c.CommitPayment(context.Background(), commitRequest(t1))
		require.NoError(t, err)
		srv.ExpireTokens() // Accela ends the token before the client expected
		_, err = c.CommitPayment(context.Background(), commitRequest(t2))
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Grants("password"))
		assert.Equal(t, 1, srv.Grants("refresh_token"), "renewed with the refresh token")
		assert.Equal(t, 2, srv.CallsFor(accelatest.EndpointCommit, string(t2)), "the 401 commit, then its resend")
		assert.Equal(t, 1, srv.Applied(t2))
	})
	t.Run("expired token", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{TokenLifetime: time.Second})
		t.Cleanup(srv.Close)
		srv.AddRecord(accelatest.Record{ID: recordID})
		c, err := accela.New(srv.Config(), fastRetry())
		require.NoError(t, err)
		list(t, c, recordID, "")
		time.Sleep(1100 * time.Millisecond) // past expires_in
		list(t, c, recordID, "")
		assert.Equal(t, 1, srv.Grants("password"))
		assert.Equal(t, 1, srv.Grants("refresh_token"))
		assert.Equal(t, 2, srv.Calls(accelatest.EndpointListPayments), "renewed before calling: no 401 round trip")
	})
}

func TestRevokedRefreshFallsBackToPassword(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	list(t, c, recordID, "")
	srv.ExpireTokens()
	srv.RevokeRefreshTokens()
	list(t, c, recordID, "")
	assert.Equal(t, 2, srv.Grants("password"))
	assert.Zero(t, srv.Grants("refresh_token"))
	assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointToken, "refresh_token"), "the refresh was tried and refused")
	assert.Equal(t, 2, srv.CallsFor(accelatest.EndpointToken, accelatest.DefaultUserName))

	// The new refresh token works again.
	srv.ExpireTokens()
	list(t, c, recordID, "")
	assert.Equal(t, 1, srv.Grants("refresh_token"))
}

// tokenSourceConfig is the fake's config with src instead of the password grant.
func tokenSourceConfig(srv *accelatest.Server, src accela.TokenSourceFunc) accela.Config {
	cfg := srv.Config()
	cfg.UserName, cfg.Password, cfg.AppSecret = "", "", ""
	cfg.TokenSource = src
	return cfg
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	t.Run("used", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{})
		t.Cleanup(srv.Close)
		srv.AddRecord(accelatest.Record{ID: recordID})
		var calls atomic.Int32
		c, err := accela.New(tokenSourceConfig(srv, func(ctx context.Context) (accela.Token, error) {
			calls.Add(1)
			return accela.Token{AccessToken: accela.Secret(srv.IssueToken()), Expiry: time.Now().Add(time.Hour)}, nil
		}), fastRetry())
		require.NoError(t, err)
		txn := initialize(t, c)
		_, err = c.CommitPayment(context.Background(), commitRequest(txn))
		require.NoError(t, err)
		assert.Equal(t, int32(1), calls.Load())

		srv.ExpireTokens()
		list(t, c, recordID, "")
		assert.Equal(t, int32(2), calls.Load(), "asked once more after the 401")
		assert.Zero(t, srv.Calls(accelatest.EndpointToken), "the token endpoint is never used")
	})
	t.Run("errors scrubbed", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{})
		t.Cleanup(srv.Close)
		cfg := tokenSourceConfig(srv, nil)
		cfg.AppSecret = "app-Secret-9"
		cause := errors.New("vault unreachable while reading app-Secret-9 for tok-half-issued-42")
		cfg.TokenSource = accela.TokenSourceFunc(func(context.Context) (accela.Token, error) {
			return accela.Token{AccessToken: "tok-half-issued-42"}, cause
		})
		c, err := accela.New(cfg, fastRetry())
		require.NoError(t, err)
		_, err = c.CommitPayment(context.Background(), commitRequest("322931"))
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.Equal(t, "CommitPayment", e.Op)
		assert.Equal(t, "Token", e.Step)
		assert.Contains(t, err.Error(), "vault unreachable while reading REDACTED for REDACTED")
		for _, s := range []string{"app-Secret-9", "tok-half-issued-42"} {
			assert.NotContains(t, err.Error(), s)
			assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), s)
			assert.NotContains(t, errors.Unwrap(err).Error(), s, "the cause is scrubbed too")
		}
		assert.Zero(t, srv.Calls(accelatest.EndpointCommit))
	})
	t.Run("bad tokens refused", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{})
		t.Cleanup(srv.Close)
		for tok, reason := range map[accela.Secret]string{
			"":                          "is empty",
			"tok with-space-77":         "must not contain spaces or control characters",
			"tok\nwith-newline-77":      "must not contain spaces or control characters",
			"Bearer already-prefixed77": "must not contain spaces or control characters",
		} {
			c, err := accela.New(tokenSourceConfig(srv, func(context.Context) (accela.Token, error) {
				return accela.Token{AccessToken: tok}, nil
			}), fastRetry())
			require.NoError(t, err)
			_, err = c.CommitPayment(context.Background(), commitRequest("322931"))
			e := errorOf(t, err, accela.ErrNotApplied)
			require.Len(t, e.Fields, 1, "%q", tok)
			assert.Equal(t, "Token.AccessToken", e.Fields[0].Field)
			assert.Equal(t, reason, e.Fields[0].Message)
			assert.Equal(t, "Token", e.Step)
			if tok != "" {
				assert.NotContains(t, err.Error(), "77", "the token is never repeated")
			}
		}
		assert.Zero(t, srv.Calls(accelatest.EndpointCommit), "no call with a bad token")
	})
	t.Run("panic", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{})
		t.Cleanup(srv.Close)
		srv.AddRecord(accelatest.Record{ID: recordID})
		var calls atomic.Int32
		c, err := accela.New(tokenSourceConfig(srv, func(context.Context) (accela.Token, error) {
			if calls.Add(1) == 1 {
				panic("vault client nil; secret=panic-secret-55")
			}
			return accela.Token{AccessToken: accela.Secret(srv.IssueToken())}, nil
		}), fastRetry())
		require.NoError(t, err)
		_, err = c.CommitPayment(context.Background(), commitRequest("322931"))
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.Equal(t, "Token", e.Step)
		assert.Contains(t, e.Message, "panicked")
		assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), "panic-secret-55", "the panic value is never printed")
		assert.Zero(t, srv.Calls(accelatest.EndpointCommit))
		list(t, c, recordID, "")
		assert.Equal(t, int32(2), calls.Load(), "the next call asks the source again")
	})
	t.Run("hangs", func(t *testing.T) {
		t.Parallel()
		srv := accelatest.NewServer(accelatest.Options{})
		t.Cleanup(srv.Close)
		srv.AddRecord(accelatest.Record{ID: recordID})
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		var calls atomic.Int32
		c, err := accela.New(tokenSourceConfig(srv, func(context.Context) (accela.Token, error) {
			if calls.Add(1) == 1 {
				<-release // ignores its context
			}
			return accela.Token{AccessToken: accela.Secret(srv.IssueToken())}, nil
		}), accela.WithTimeout(100*time.Millisecond), accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		start := time.Now()
		_, err = c.CommitPayment(context.Background(), commitRequest("322931"))
		e := errorOf(t, err, accela.ErrNotApplied)
		assert.Less(t, time.Since(start), time.Second, "the login deadline bounds the wait")
		assert.True(t, e.Temporary)
		assert.Equal(t, "Token", e.Step)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "login did not finish within 100ms")
		assert.Zero(t, srv.Calls(accelatest.EndpointCommit))

		list(t, c, recordID, "")
		assert.Equal(t, int32(2), calls.Load(), "the next call asks the source again")
	})
}

func TestReadLag(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	srv.SetReadLag(500 * time.Millisecond)
	txn := initialize(t, c)
	_, err := c.CommitPayment(context.Background(), commitRequest(txn))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Applied(txn), "applied at once")
	assert.Nil(t, list(t, c, recordID, "").FindTransaction(txn), "not yet visible: an empty read-back proves nothing")
	time.Sleep(550 * time.Millisecond)
	assert.Len(t, list(t, c, recordID, "").FindTransaction(txn), 1, "visible once the lag has passed")
}

// fieldsOf returns the field names an error lists.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	e := errorOf(t, err, accela.ErrNotApplied)
	assert.False(t, e.Temporary, "invalid input needs a fix")
	assert.Empty(t, e.Method, "nothing was sent")
	assert.Contains(t, err.Error(), "invalid input, nothing was sent")
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return names
}

func TestCommitValidation(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := context.Background()
	x := func(n int) string { return strings.Repeat("x", n) }
	e := func(n int) string { return strings.Repeat("é", n) } // lengths count characters, not bytes
	cases := []struct {
		name   string
		mutate func(*accela.CommitPaymentRequest)
		field  string // "" when valid
		reason string
	}{
		{"TransactionID at the limit", func(r *accela.CommitPaymentRequest) { r.TransactionID = accela.ID(x(128)) }, "", ""},
		{"TransactionID one past", func(r *accela.CommitPaymentRequest) { r.TransactionID = accela.ID(x(129)) }, "TransactionID", "129 characters long; the most allowed is 128"},
		{"TransactionID empty", func(r *accela.CommitPaymentRequest) { r.TransactionID = "" }, "TransactionID", "is required"},
		{"PaymentSystemTransactionID at the limit", func(r *accela.CommitPaymentRequest) { r.PaymentSystemTransactionID = e(255) }, "", ""},
		{"PaymentSystemTransactionID one past", func(r *accela.CommitPaymentRequest) { r.PaymentSystemTransactionID = e(256) }, "PaymentSystemTransactionID", "256 characters"},
		{"PaymentSystemTransactionID empty", func(r *accela.CommitPaymentRequest) { r.PaymentSystemTransactionID = "" }, "PaymentSystemTransactionID", "is required"},
		{"Comments at the limit", func(r *accela.CommitPaymentRequest) { r.Comments = e(4000) }, "", ""},
		{"Comments one past", func(r *accela.CommitPaymentRequest) { r.Comments = e(4001) }, "Comments", "4001 characters"},
		{"Comments with line breaks", func(r *accela.CommitPaymentRequest) { r.Comments = "line 1\r\nline 2\tend" }, "", ""},
		{"Comments with a card number", func(r *accela.CommitPaymentRequest) { r.Comments = "card 4111 1111 1111 1111" }, "Comments", "card number"},
		{"MerchantAccountID at the limit", func(r *accela.CommitPaymentRequest) { r.MerchantAccountID = x(255) }, "", ""},
		{"MerchantAccountID one past", func(r *accela.CommitPaymentRequest) { r.MerchantAccountID = x(256) }, "MerchantAccountID", "256 characters"},
		{"PayeePhone at the limit", func(r *accela.CommitPaymentRequest) { r.PayeePhone = x(32) }, "", ""},
		{"PayeePhone one past", func(r *accela.CommitPaymentRequest) { r.PayeePhone = x(33) }, "PayeePhone", "33 characters"},
		{"PayeePhone control character", func(r *accela.CommitPaymentRequest) { r.PayeePhone = "406\n761" }, "PayeePhone", "control characters"},
		{"PaymentMethod Check", func(r *accela.CommitPaymentRequest) { r.PaymentMethod, r.CreditCard = accela.Check, nil }, "", ""},
		{"PaymentMethod empty", func(r *accela.CommitPaymentRequest) { r.PaymentMethod = "" }, "PaymentMethod", "is required"},
		{"PaymentMethod unknown", func(r *accela.CommitPaymentRequest) { r.PaymentMethod = "Cash" }, "PaymentMethod", `must be "Credit Card" or "Check"`},
		{"CardNumberLastDigits four", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "4219" }, "", ""},
		{"CardNumberLastDigits masked", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "XXXX4219" }, "", ""},
		{"CardNumberLastDigits five", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "*14219" }, "CreditCard.CardNumberLastDigits", "at most the last 4 digits"},
		{"CardNumberLastDigits full", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "4111111111111111" }, "CreditCard.CardNumberLastDigits", "full card number is never sent"},
		{"CardNumberLastDigits letters", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardNumberLastDigits = "42a9" }, "CreditCard.CardNumberLastDigits", "up to 4 digits"},
		{"CardType at the limit", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardType = x(64) }, "", ""},
		{"CardType one past", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardType = x(65) }, "CreditCard.CardType", "65 characters"},
		{"CardType empty", func(r *accela.CommitPaymentRequest) { r.CreditCard.CardType = "" }, "CreditCard.CardType", "is required"},
		{"HolderName at the limit", func(r *accela.CommitPaymentRequest) { r.CreditCard.HolderName = e(255) }, "", ""},
		{"HolderName one past", func(r *accela.CommitPaymentRequest) { r.CreditCard.HolderName = e(256) }, "CreditCard.HolderName", "256 characters"},
		{"HolderName with a card number", func(r *accela.CommitPaymentRequest) { r.CreditCard.HolderName = "Jane 4111-1111-1111-1111" }, "CreditCard.HolderName", "card number"},
		{"BusinessName one past", func(r *accela.CommitPaymentRequest) { r.CreditCard.BusinessName = x(256) }, "CreditCard.BusinessName", "256 characters"},
		{"CountryCode at the limit", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.CountryCode = x(8) }, "", ""},
		{"CountryCode one past", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.CountryCode = x(9) }, "CreditCard.BillingAddress.CountryCode", "9 characters"},
		{"CountryCode empty", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.CountryCode = "" }, "CreditCard.BillingAddress.CountryCode", "is required"},
		{"City at the limit", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.City = x(255) }, "", ""},
		{"City one past", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.City = x(256) }, "CreditCard.BillingAddress.City", "256 characters"},
		{"AddressLine2 with a card number", func(r *accela.CommitPaymentRequest) { r.CreditCard.BillingAddress.AddressLine2 = "4111111111111111" }, "CreditCard.BillingAddress.AddressLine2", "card number"},
		{"Fields at the limit", func(r *accela.CommitPaymentRequest) { r.Fields = []string{x(255)} }, "", ""},
		{"Fields one past", func(r *accela.CommitPaymentRequest) { r.Fields = []string{x(256)} }, "Fields", "256 characters"},
		{"Fields with a comma", func(r *accela.CommitPaymentRequest) { r.Fields = []string{"a,b"} }, "Fields", "without commas or spaces"},
		{"Fields empty name", func(r *accela.CommitPaymentRequest) { r.Fields = []string{""} }, "Fields", "is required"},
		{"Lang at the limit", func(r *accela.CommitPaymentRequest) { r.Lang = x(16) }, "", ""},
		{"Lang one past", func(r *accela.CommitPaymentRequest) { r.Lang = x(17) }, "Lang", "17 characters"},
	}
	for _, tc := range cases {
		req := commitRequest(srv.OpenTransaction(recordID))
		tc.mutate(req)
		_, err := c.CommitPayment(ctx, req)
		if tc.field == "" {
			if len(req.TransactionID) == 128 {
				// Valid, so it was sent: the fake knows no such transaction.
				assert.Equal(t, 404, errorOf(t, err, accela.ErrNotApplied).StatusCode, tc.name)
				continue
			}
			assert.NoError(t, err, tc.name)
			continue
		}
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), tc.name)
		var ae *accela.Error
		require.ErrorAs(t, err, &ae)
		assert.Contains(t, ae.Fields[0].Message, tc.reason, tc.name)
		assert.NotContains(t, err.Error(), "xxxx", "%s: the value is never repeated", tc.name)
		assert.NotContains(t, err.Error(), "éé", tc.name)
		assert.NotContains(t, err.Error(), "4111", tc.name)
	}
	_, err := c.CommitPayment(ctx, nil)
	assert.Equal(t, []string{"request"}, fieldsOf(t, err))
}

func TestCommitAmounts(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	parse := func(s string) accela.Amount {
		a, err := accela.ParseAmount(s)
		require.NoError(t, err, s)
		return a
	}
	cases := []struct {
		amount, fee string
		field       string // "" when accepted
		reason      string
	}{
		{"100", "0", "", ""},
		{"100.5", "0.5", "", ""},
		{"100.55", "2.55", "", ""},
		{"0.01", "0.01", "", ""},
		{"9223372036854775807", "0", "", ""}, // the largest amount there is
		{"92233720368547758.07", "92233720368547758.07", "", ""},
		{"100.555", "0", "Amount", "must have at most 2 decimal places"},
		{"100.5500001", "0", "Amount", "must have at most 2 decimal places"},
		{"0", "0", "Amount", "must be greater than zero"},
		{"0.00", "0", "Amount", "must be greater than zero"},
		{"-0.01", "0", "Amount", "must be greater than zero"},
		{"-100", "0", "Amount", "must be greater than zero"},
		{"100", "-0.01", "ConvenienceFee", "must not be negative"},
		{"100", "1.005", "ConvenienceFee", "must have at most 2 decimal places"},
	}
	for _, tc := range cases {
		txn := srv.OpenTransaction(recordID)
		req := commitRequest(txn)
		req.Amount, req.ConvenienceFee = parse(tc.amount), parse(tc.fee)
		_, err := c.CommitPayment(context.Background(), req)
		if tc.field == "" {
			require.NoError(t, err, tc.amount)
			ledger := srv.Ledger()
			last := ledger[len(ledger)-1]
			assert.Equal(t, txn, last.TransactionID)
			assert.Equal(t, parse(tc.amount), last.Amount, "%s arrives exactly", tc.amount)
			assert.Equal(t, parse(tc.fee), last.ConvenienceFee, "%s arrives exactly", tc.fee)
			continue
		}
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), tc.amount)
		assert.Contains(t, err.Error(), tc.field+": "+tc.reason)
		assert.Zero(t, srv.Applied(txn))
	}
	var zero accela.Amount
	req := commitRequest(srv.OpenTransaction(recordID))
	req.Amount = zero
	_, err := c.CommitPayment(context.Background(), req)
	assert.Equal(t, []string{"Amount"}, fieldsOf(t, err), "an unset amount is refused")
	_, err = accela.ParseAmount("9223372036854775808")
	assert.Error(t, err, "one past the largest is not an Amount at all")
	assert.Equal(t, "92233720368547758.07", accela.Cents(math.MaxInt64).String())
}

// Every field check names its field, and all complaints come at once.
func TestEveryFieldNamed(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := context.Background()
	secretish := "SeCrEt-VaLuE"
	long := strings.Repeat(secretish, 30)
	ctl := secretish + "\x01"

	_, err := c.CommitPayment(ctx, &accela.CommitPaymentRequest{
		TransactionID:              "../" + accela.ID(secretish),
		Amount:                     accela.Cents(-1),
		ConvenienceFee:             accela.Cents(-1),
		PaymentMethod:              "Cash",
		PaymentSystemTransactionID: ctl,
		Comments:                   "card 4111111111111111 " + secretish,
		MerchantAccountID:          long,
		PayeePhone:                 ctl,
		CreditCard: &accela.CreditCardInfo{
			CardNumberLastDigits: "4111111111111111",
			HolderName:           ctl,
			BusinessName:         long,
			BillingAddress: &accela.BillingAddress{
				AddressLine1: ctl, AddressLine2: long, AddressLine3: " " + secretish,
				City: ctl, PostalCode: long, State: ctl,
			},
		},
		Fields: []string{secretish + " x"},
		Lang:   long,
	})
	assert.Equal(t, []string{
		"TransactionID", "Amount", "ConvenienceFee", "PaymentMethod", "PaymentSystemTransactionID",
		"Comments", "MerchantAccountID", "PayeePhone",
		"CreditCard.CardNumberLastDigits", "CreditCard.CardType", "CreditCard.HolderName", "CreditCard.BusinessName",
		"CreditCard.BillingAddress.CountryCode",
		"CreditCard.BillingAddress.AddressLine1", "CreditCard.BillingAddress.AddressLine2", "CreditCard.BillingAddress.AddressLine3",
		"CreditCard.BillingAddress.City", "CreditCard.BillingAddress.PostalCode", "CreditCard.BillingAddress.State",
		"Fields", "Lang",
	}, fieldsOf(t, err))
	assert.NotContains(t, err.Error(), secretish, "no value is ever repeated")
	assert.NotContains(t, err.Error(), "4111")

	_, err = c.InitializePayment(ctx, &accela.InitializePaymentRequest{
		EntityIDs: []string{"", strings.Repeat(secretish, 11)}, MerchantAccountID: long, PaymentMethod: "Cash",
		Fields: []string{"a b"}, Lang: ctl,
	})
	assert.Equal(t, []string{"PaymentMethod", "MerchantAccountID", "EntityIDs", "EntityIDs", "Fields", "Lang"}, fieldsOf(t, err))
	assert.NotContains(t, err.Error(), secretish)

	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{
		PaymentID: "..", Comments: strings.Repeat("é", 4001), Lang: ctl,
		Reason: &accela.VoidReason{Text: "4111 1111 1111 1111", Value: long},
	})
	assert.Equal(t, []string{"PaymentID", "Comments", "Lang", "Reason.Text", "Reason.Value"}, fieldsOf(t, err))
	assert.NotContains(t, err.Error(), secretish)
	assert.NotContains(t, err.Error(), "4111")

	_, err = c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: secretish + "/x", PaymentStatus: "maybe", Fields: []string{secretish + ","}, Lang: long})
	assert.Equal(t, []string{"RecordID", "PaymentStatus", "Fields", "Lang"}, fieldsOf(t, err))
	assert.NotContains(t, err.Error(), secretish)

	assert.Zero(t, srv.Calls(accelatest.EndpointToken), "bad input never even asks for a token")
}

func TestOtherRequestsValidation(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := context.Background()
	x := func(n int) string { return strings.Repeat("x", n) }

	initCases := []struct {
		req   *accela.InitializePaymentRequest
		field string
	}{
		{nil, "request"},
		{&accela.InitializePaymentRequest{}, "EntityIDs"},
		{&accela.InitializePaymentRequest{EntityIDs: []string{}}, "EntityIDs"},
		{&accela.InitializePaymentRequest{EntityIDs: []string{x(129)}}, "EntityIDs"},
		{&accela.InitializePaymentRequest{EntityIDs: []string{recordID}, PaymentMethod: "Cash"}, "PaymentMethod"},
		{&accela.InitializePaymentRequest{EntityIDs: []string{recordID}, MerchantAccountID: x(256)}, "MerchantAccountID"},
		{&accela.InitializePaymentRequest{EntityIDs: []string{recordID}, Lang: x(17)}, "Lang"},
	}
	for _, tc := range initCases {
		_, err := c.InitializePayment(ctx, tc.req)
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), "%+v", tc.req)
	}
	_, err := c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{x(128)}})
	assert.Equal(t, 404, errorOf(t, err, accela.ErrNotApplied).StatusCode, "128 characters are sent")
	_, err = c.InitializePayment(ctx, &accela.InitializePaymentRequest{EntityIDs: []string{recordID}, PaymentMethod: accela.Check, MerchantAccountID: x(255), Lang: x(16)})
	assert.NoError(t, err)

	voidCases := []struct {
		req   *accela.VoidPaymentRequest
		field string
	}{
		{nil, "request"},
		{&accela.VoidPaymentRequest{}, "PaymentID"},
		{&accela.VoidPaymentRequest{PaymentID: accela.ID(x(129))}, "PaymentID"},
		{&accela.VoidPaymentRequest{PaymentID: "1", Comments: x(4001)}, "Comments"},
		{&accela.VoidPaymentRequest{PaymentID: "1", Reason: &accela.VoidReason{Text: x(256)}}, "Reason.Text"},
		{&accela.VoidPaymentRequest{PaymentID: "1", Reason: &accela.VoidReason{Text: "4111111111111111"}}, "Reason.Text"},
		{&accela.VoidPaymentRequest{PaymentID: "1", Reason: &accela.VoidReason{Value: x(256)}}, "Reason.Value"},
		{&accela.VoidPaymentRequest{PaymentID: "1", Lang: x(17)}, "Lang"},
	}
	for _, tc := range voidCases {
		_, err := c.VoidPayment(ctx, tc.req)
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), "%+v", tc.req)
	}
	_, err = c.VoidPayment(ctx, &accela.VoidPaymentRequest{PaymentID: accela.ID(x(128)), Comments: x(4000), Reason: &accela.VoidReason{Text: x(255), Value: x(255)}, Lang: x(16)})
	assert.Equal(t, 404, errorOf(t, err, accela.ErrNotApplied).StatusCode, "at the limits it is sent")

	listCases := []struct {
		req   *accela.ListRecordPaymentsRequest
		field string
	}{
		{nil, "request"},
		{&accela.ListRecordPaymentsRequest{}, "RecordID"},
		{&accela.ListRecordPaymentsRequest{RecordID: x(129)}, "RecordID"},
		{&accela.ListRecordPaymentsRequest{RecordID: recordID, PaymentStatus: "y"}, "PaymentStatus"},
		{&accela.ListRecordPaymentsRequest{RecordID: recordID, Fields: []string{"id amount"}}, "Fields"},
	}
	for _, tc := range listCases {
		_, err := c.ListRecordPayments(ctx, tc.req)
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), "%+v", tc.req)
	}
	_, err = c.ListRecordPayments(ctx, &accela.ListRecordPaymentsRequest{RecordID: x(128)})
	assert.Equal(t, 404, errorOf(t, err, accela.ErrNotApplied).StatusCode, "128 characters are sent")
	for _, status := range []string{"", "Y", "N"} {
		list(t, c, recordID, status)
	}
	assert.Equal(t, 1, srv.CallsFor(accelatest.EndpointVoid, x(128)))
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := accela.Config{AppID: "a", AppSecret: "s", UserName: "u", Password: "p"}
	source := accela.TokenSourceFunc(func(context.Context) (accela.Token, error) { return accela.Token{}, nil })
	x := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		mutate func(*accela.Config)
		field  string // "" when valid
		reason string
	}{
		{func(c *accela.Config) {}, "", ""},
		{func(c *accela.Config) { c.BaseURL = "http://apis.accela.com" }, "Config.BaseURL", "https"},
		{func(c *accela.Config) { c.BaseURL = "https://user:pw@apis.accela.com" }, "Config.BaseURL", "user info"},
		{func(c *accela.Config) { c.BaseURL = "https://apis.accela.com?x=1" }, "Config.BaseURL", "query"},
		{func(c *accela.Config) { c.BaseURL = "https://apis.accela.com#frag" }, "Config.BaseURL", "fragment"},
		{func(c *accela.Config) { c.BaseURL = "apis.accela.com" }, "Config.BaseURL", "absolute"},
		{func(c *accela.Config) { c.BaseURL = "https://a b/" }, "Config.BaseURL", "not a URL"},
		{func(c *accela.Config) { c.BaseURL = "http://127.0.0.1:8080/apis" }, "", ""},
		{func(c *accela.Config) { c.TokenURL = "https://auth.accela.com/oauth2/token?x=1" }, "Config.TokenURL", "query"},
		{func(c *accela.Config) { c.TokenURL = "ftp://auth.accela.com/token" }, "Config.TokenURL", "https"},
		{func(c *accela.Config) { c.AppID = "" }, "Config.AppID", "is required"},
		{func(c *accela.Config) { c.AppID = x(256) }, "", ""},
		{func(c *accela.Config) { c.AppID = x(257) }, "Config.AppID", "257 characters"},
		{func(c *accela.Config) { c.AppSecret = "" }, "Config.AppSecret", "is required"},
		{func(c *accela.Config) { c.AppSecret = accela.Secret(x(257)) }, "Config.AppSecret", "257 characters"},
		{func(c *accela.Config) { c.Agency = x(256) }, "", ""},
		{func(c *accela.Config) { c.Agency = x(257) }, "Config.Agency", "257 characters"},
		{func(c *accela.Config) { c.Agency = "TAC\nOMA" }, "Config.Agency", "control characters"},
		{func(c *accela.Config) { c.Agency = " TACOMA" }, "Config.Agency", "spaces"},
		{func(c *accela.Config) { c.AgencyEnvironment = x(64) }, "", ""},
		{func(c *accela.Config) { c.AgencyEnvironment = x(65) }, "Config.AgencyEnvironment", "65 characters"},
		{func(c *accela.Config) { c.AgencyEnvironment = "PROD\t" }, "Config.AgencyEnvironment", "control characters"},
		{func(c *accela.Config) { c.UserName = "" }, "Config.UserName", "is required"},
		{func(c *accela.Config) { c.UserName = x(257) }, "Config.UserName", "257 characters"},
		{func(c *accela.Config) { c.Password = "" }, "Config.Password", "is required"},
		{func(c *accela.Config) { c.Password = accela.Secret(x(257)) }, "Config.Password", "257 characters"},
		{func(c *accela.Config) { c.Password = "pw\x00PaSsWoRd" }, "Config.Password", "control characters"},
		{func(c *accela.Config) { c.Scope = x(1024) }, "", ""},
		{func(c *accela.Config) { c.Scope = x(1025) }, "Config.Scope", "1025 characters"},
		{func(c *accela.Config) { c.TokenSource = source }, "Config.TokenSource", "use one way to obtain tokens"},
		{func(c *accela.Config) { c.TokenSource, c.UserName = source, "" }, "Config.TokenSource", "use one way"},
		{func(c *accela.Config) { c.TokenSource, c.UserName, c.Password, c.AppSecret = source, "", "", "" }, "", ""},
	}
	for i, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		c, err := accela.New(cfg)
		if tc.field == "" {
			assert.NoError(t, err, "case %d", i)
			assert.NotNil(t, c)
			continue
		}
		assert.Nil(t, c)
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err), "case %d", i)
		var e *accela.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "New", e.Op)
		assert.Contains(t, e.Fields[0].Message, tc.reason, "case %d", i)
		assert.True(t, strings.HasPrefix(err.Error(), "accela New invalid input"), err.Error())
		assert.NotContains(t, err.Error(), "xxxx")
		assert.NotContains(t, err.Error(), "PaSsWoRd")
	}

	_, err := accela.New(accela.Config{})
	assert.Equal(t, []string{"Config.AppID", "Config.AppSecret", "Config.UserName", "Config.Password"}, fieldsOf(t, err), "every missing field at once")

	for _, tc := range []struct {
		opt   accela.Option
		field string
	}{
		{accela.WithTimeout(0), "WithTimeout"},
		{accela.WithIdleConnsPerHost(0), "WithIdleConnsPerHost"},
		{accela.WithUserAgent("citypay\n2.3"), "WithUserAgent"},
		{accela.WithRetryPolicy(accela.RetryPolicy{}), "RetryPolicy.MaxAttempts"},
		{accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 2, BaseDelay: -1}), "RetryPolicy"},
		{accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}), "RetryPolicy.MaxDelay"},
	} {
		_, err := accela.New(ok, tc.opt)
		assert.Equal(t, []string{tc.field}, fieldsOf(t, err))
	}
	_, err = accela.New(ok, accela.WithHTTPClient(nil), accela.WithTransportWrapper(nil))
	require.NoError(t, err, "nil client and wrapper mean the defaults")
	_, err = accela.New(ok, accela.WithHTTPClient(&http.Client{}), accela.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { return rt }))
	assert.Equal(t, []string{"WithTransportWrapper"}, fieldsOf(t, err))
	_, err = accela.New(ok, nil, accela.WithRetryPolicy(accela.RetryPolicy{MaxAttempts: 1}))
	assert.NoError(t, err, "a nil option is ignored; one attempt is a valid policy")
}

// Code that fakes the client behind its own interface builds errors as
// struct literals; each must match exactly the sentinels of its outcome.
func TestUserBuiltErrors(t *testing.T) {
	t.Parallel()
	sentinels := []error{accela.ErrOutcomeUnknown, accela.ErrNotApplied, accela.ErrAlreadyApplied, accela.ErrTemporary}
	cases := []struct {
		err  *accela.Error
		want []error
		text string
	}{
		{&accela.Error{}, []error{accela.ErrOutcomeUnknown}, "outcome unknown: reconcile before resending"},
		{&accela.Error{Partner: "accela", Op: "CommitPayment", StatusCode: 502}, []error{accela.ErrOutcomeUnknown}, "accela CommitPayment: HTTP 502 (outcome unknown"},
		{&accela.Error{Outcome: accela.NotApplied}, []error{accela.ErrNotApplied}, "not applied: nothing was sent"},
		{&accela.Error{Outcome: accela.NotApplied, StatusCode: 400}, []error{accela.ErrNotApplied}, "not applied: fix before resending"},
		{&accela.Error{Outcome: accela.NotApplied, Temporary: true, StatusCode: 503}, []error{accela.ErrNotApplied, accela.ErrTemporary}, "not applied: safe to resend later"},
		{&accela.Error{Outcome: accela.AlreadyApplied, Temporary: true}, []error{accela.ErrAlreadyApplied}, "already applied: do not resend"},
		{&accela.Error{Outcome: accela.OutcomeUnknown, Temporary: true}, []error{accela.ErrOutcomeUnknown}, "outcome unknown"},
	}
	for _, tc := range cases {
		for _, err := range []error{tc.err, fmt.Errorf("posting payment 7: %w", tc.err)} {
			for _, s := range sentinels {
				assert.Equal(t, contains(tc.want, s), errors.Is(err, s), "%#v is %v", tc.err, s)
			}
			var e *accela.Error
			require.ErrorAs(t, err, &e)
			assert.Same(t, tc.err, e)
			assert.Contains(t, err.Error(), tc.text)
		}
	}
	assert.Nil(t, (&accela.Error{}).Unwrap(), "a user-built error has no cause")
}

func contains(list []error, err error) bool {
	for _, e := range list {
		if e == err {
			return true
		}
	}
	return false
}
