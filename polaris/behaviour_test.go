package polaris_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fastRetry() polaris.Option {
	return polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
}

// eastern is the zone the fakes in these tests write their times in.
var eastern = time.FixedZone("EST", -5*60*60)

// setup starts a fake and a client for it.
func setup(t *testing.T, opts polaristest.Options, clientOpts ...polaris.Option) (*polaristest.Server, *polaris.Client) {
	t.Helper()
	if opts.Location == nil {
		opts.Location = eastern
	}
	srv := polaristest.NewServer(opts)
	t.Cleanup(srv.Close)
	c, err := polaris.New(srv.Config(), append([]polaris.Option{fastRetry()}, clientOpts...)...)
	require.NoError(t, err)
	return srv, c
}

// key is a patron id as the fake's faults and call counts key it.
func key(id polaris.PatronID) string { return strconv.FormatInt(int64(id), 10) }

// patronOwing adds a patron owing the given amounts, in cents.
func patronOwing(srv *polaristest.Server, cents ...int64) polaristest.Patron {
	var charges []polaristest.Charge
	for _, c := range cents {
		charges = append(charges, polaristest.Charge{Amount: polaris.Cents(c)})
	}
	return srv.AddPatron(polaristest.Patron{Charges: charges})
}

func txnIDs(p polaristest.Patron) []polaris.TxnID {
	var ids []polaris.TxnID
	for _, c := range p.Charges {
		ids = append(ids, c.TxnID)
	}
	return ids
}

// cardPay pays amount (in cents) of p's charges with a card packet.
func cardPay(p polaristest.Patron, cents int64) *polaris.PayFinesAndFeesRequest {
	return &polaris.PayFinesAndFeesRequest{
		PatronID: p.ID, TxnAmount: polaris.Cents(cents), MainTxnIDs: txnIDs(p), PaymentMethod: polaris.CreditCard,
		FreeTextNote: "Paid at the kiosk",
		CreditCardPaymentData: polaris.CreditCardPaymentData{
			TrackID: 77, GUID: "a1b2c3", TxnAmount: polaris.Cents(cents), Error: "OK", TxnStatus: "Finished",
			TroutID: "TROUTD", CCDigits: "4219", CCType: "VISA",
		},
	}
}

func TestPartialThenFullPayment(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600, 400)
	ctx := context.Background()

	req := cardPay(p, 500)
	req.Reload = true
	res, err := c.PayFinesAndFees(ctx, req)
	require.NoError(t, err)
	require.Len(t, res.TxnIDs, 1, "5.00 pays into the first charge only")
	require.Len(t, res.FinesAndFees, 2, "reload returns the fines as they now stand")
	assert.Equal(t, p.Charges[0].TxnID, res.FinesAndFees[0].TxnID)
	assert.Equal(t, "1.00", res.FinesAndFees[0].OutstandingAmount.String())
	assert.Equal(t, "6.00", res.FinesAndFees[0].TxnAmount.String())
	assert.Equal(t, "4.00", res.FinesAndFees[1].OutstandingAmount.String())
	assert.Equal(t, eastern, res.FinesAndFees[0].TxnDate.Location(), "TxnDate is read in Config.Location")
	assert.WithinDuration(t, time.Now(), res.FinesAndFees[0].TxnDate.Time, time.Minute, "and the instant is right")

	res, err = c.PayFinesAndFees(ctx, cardPay(p, 500))
	require.NoError(t, err)
	assert.Len(t, res.TxnIDs, 2, "the rest of the first charge and all of the second")
	assert.Nil(t, res.FinesAndFees, "no reload, no fines")

	fines, err := c.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)
	assert.Empty(t, fines.FinesAndFees, "nothing is owed any more")
	_, listed := fines.Outstanding(p.Charges[0].TxnID)
	assert.False(t, listed)

	ledger := srv.Ledger()
	require.Len(t, ledger, 2)
	assert.Equal(t, p.ID, ledger[0].PatronID, "the ledger's ids are the client's")
	assert.Equal(t, res.TxnIDs, ledger[1].TxnIDs)
	assert.Equal(t, "4219", ledger[1].CCDigits)
	assert.Equal(t, polaris.CreditCard, ledger[1].Method)

	_, err = c.PayFinesAndFees(ctx, cardPay(p, 500))
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrAlreadyApplied, "paying charges already paid: the first payment stands")
	assert.Contains(t, err.Error(), "already applied: do not resend")
	assert.Contains(t, e.Reconcile, "GetFinesAndFees")
	assert.Equal(t, 2, srv.Applied(p.ID), "nothing applied twice")
	assert.Equal(t, 3, srv.CallsFor(polaristest.EndpointPay, key(p.ID)), "the repeat reached the fake and is counted")
}

func TestAmountAboveBalance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)

	_, err := c.PayFinesAndFees(ctx, cardPay(p, 601))
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.NotErrorIs(t, err, polaris.ErrTemporary)
	assert.Equal(t, 400, e.StatusCode)
	assert.Contains(t, e.Message, "exceeds the balance owed")

	over := cardPay(p, 601)
	over.Overpayment = true
	_, err = c.PayFinesAndFees(ctx, over)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.ErrorContains(t, err, "Overpayment is not allowed at this branch")
	assert.Zero(t, srv.Applied(p.ID))

	srv2, c2 := setup(t, polaristest.Options{AllowOverpayment: true})
	p2 := patronOwing(srv2, 600)
	over = cardPay(p2, 1000)
	over.Overpayment = true
	res, err := c2.PayFinesAndFees(ctx, over)
	require.NoError(t, err)
	assert.Len(t, res.TxnIDs, 2, "the payment and the credit")
	ledger := srv2.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, "4.00", ledger[0].Credit.String())
	owed, _ := srv2.Outstanding(p2.ID, p2.Charges[0].TxnID)
	assert.True(t, owed.IsZero())
}

func TestSecuredPatron(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := srv.AddPatron(polaristest.Patron{Secured: true, Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
	_, err := c.PayFinesAndFees(context.Background(), cardPay(p, 600))
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrPatronSecured)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.NotErrorIs(t, err, polaris.ErrOutcomeUnknown)
	assert.NotErrorIs(t, err, polaris.ErrTemporary, "a secured record does not clear by waiting")
	assert.Equal(t, 409, e.StatusCode)
	assert.Equal(t, "Patron record is secured.", e.Message)
	assert.Equal(t, 1, e.Attempts, "not retried")
	assert.Zero(t, srv.Applied(p.ID))

	srv.SetSecured(p.ID, false)
	_, err = c.PayFinesAndFees(context.Background(), cardPay(p, 600))
	require.NoError(t, err, "released, the same payment goes through")
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestUnknownPatronAndForeignCharge(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)
	other := patronOwing(srv, 600)

	_, err := c.PayFinesAndFees(context.Background(), cardPay(polaristest.Patron{ID: 99, Charges: p.Charges}, 600))
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode)

	foreign := cardPay(p, 600)
	foreign.MainTxnIDs = txnIDs(other)
	_, err = c.PayFinesAndFees(context.Background(), foreign)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.StatusCode)
	assert.Contains(t, e.Message, "is not a charge of this patron")
	assert.Empty(t, srv.Ledger())

	_, err = c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{PatronID: 99})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 404, e.StatusCode)
}

func workflowPayment(proc, ovd polaris.Amount) polaris.ReplyExtension {
	total, _ := proc.Add(ovd)
	return polaris.ReplyExtension{
		WorkflowReplyExtensionType: 3,
		Data: polaris.ReplyData{
			ProcChargeTxnCodeID: polaris.Payment, ProcTransAmount: proc,
			OVDChargeTxnCodeID: polaris.Payment, OVDTransAmount: ovd,
			PayMethod: polaris.CreditCard,
			CreditCardPaymentData: polaris.CreditCardPaymentData{
				TxnAmount: total, TxnStatus: "Finished", Error: "OK", CCDigits: "XXXX1111",
			},
		},
	}
}

func TestWorkflowRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()
	p := patronOwing(srv)
	first := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70), HoldNotice: true})
	require.False(t, first.Done())
	assert.Equal(t, polaristest.HoldPromptID, first.Prompt.WorkflowPromptID)

	// Answer until done: Yes to the hold notice, Continue with the
	// payment to the charges prompt.
	var prompts []int
	res := first
	var err error
	for err == nil && !res.Done() {
		prompts = append(prompts, res.Prompt.WorkflowPromptID)
		a := res.Answer(polaris.PromptYes)
		if res.Prompt.WorkflowPromptID == polaristest.PaymentPromptID {
			a = res.Answer(polaris.PromptContinue)
			a.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Cents(70))
		}
		res, err = c.AnswerWorkflow(ctx, a)
	}
	require.NoError(t, err)
	assert.Equal(t, []int{polaristest.HoldPromptID, polaristest.PaymentPromptID}, prompts)
	assert.Equal(t, polaris.CompletedSuccessfully, res.Status)
	assert.Equal(t, first.WorkflowRequestGUID, res.WorkflowRequestGUID)
	assert.NotEmpty(t, res.InformationMessages)
	assert.Equal(t, 2, srv.Calls(polaristest.EndpointWorkflow), "two prompts, two answers")
	assert.True(t, srv.WorkflowDone(first.WorkflowRequestGUID))

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, first.WorkflowRequestGUID, ledger[0].Workflow)
	assert.Equal(t, "1.70", ledger[0].Amount.String())
	assert.Equal(t, "XXXX1111", ledger[0].CCDigits)

	// The final answer again: Polaris refuses it as done, and the SDK says so.
	again := first.Answer(polaris.PromptContinue)
	again.WorkflowPromptID = polaristest.PaymentPromptID
	again.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Cents(70))
	_, err = c.AnswerWorkflow(ctx, again)
	assert.ErrorIs(t, err, polaris.ErrAlreadyApplied)
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestWorkflowInvalidReplyThenRightAnswer(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()
	p := patronOwing(srv)
	first := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), OverdueCharge: polaris.Cents(70)})

	wrong := first.Answer(polaris.PromptPay)
	wrong.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Cents(50))
	res, err := c.AnswerWorkflow(ctx, wrong)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.Equal(t, "InvalidReply", e.Code)
	assert.Contains(t, e.Message, "do not match the charges")
	require.NotNil(t, res, "the result comes back with the refusal")
	assert.Equal(t, polaris.InvalidReply, res.Status)
	require.NotNil(t, res.Prompt, "with the prompt asked again")
	assert.Zero(t, srv.Applied(p.ID))

	right := res.Answer(polaris.PromptPay)
	right.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Cents(70))
	res, err = c.AnswerWorkflow(ctx, right)
	require.NoError(t, err)
	assert.True(t, res.Done())
	assert.Equal(t, polaris.CompletedSuccessfully, res.Status)
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestWorkflowCancelledAndFailed(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()
	p := patronOwing(srv)

	first := srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100)})
	res, err := c.AnswerWorkflow(ctx, first.Answer(polaris.PromptCancel))
	require.NoError(t, err)
	assert.True(t, res.Done())
	assert.Equal(t, polaris.CompletedCancelled, res.Status)
	assert.Zero(t, srv.Applied(p.ID))

	// A checkout that fails after its charges were paid: the payment was
	// recorded, so the SDK cannot call the answer "not applied".
	first = srv.StartWorkflow(polaristest.Workflow{PatronID: p.ID, ProcessingCharge: polaris.Cents(100), FailAfterPayment: true})
	a := first.Answer(polaris.PromptPay)
	a.ReplyExtension = workflowPayment(polaris.Cents(100), polaris.Amount{})
	res, err = c.AnswerWorkflow(ctx, a)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrOutcomeUnknown)
	assert.Contains(t, e.Message, "could not be checked out")
	assert.Contains(t, e.Reconcile, string(first.WorkflowRequestGUID))
	require.NotNil(t, res)
	assert.Equal(t, polaris.CompletedFailure, res.Status)
	assert.Equal(t, 1, srv.Applied(p.ID), "the fake did record the payment")

	_, err = c.AnswerWorkflow(ctx, &polaris.WorkflowAnswer{
		WorkflowRequestGUID: "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22", WorkflowRequestType: 2,
		WorkflowStatus: polaris.InputRequired, WorkflowPromptID: 92, WorkflowPromptResult: polaris.PromptOK,
	})
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.Equal(t, 404, e.StatusCode, "an unknown workflow")
}

func TestExpiredTokenRenewedOnce(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600, 600)
	_, err := c.PayFinesAndFees(context.Background(), cardPay(polaristest.Patron{ID: p.ID, Charges: p.Charges[:1]}, 600))
	require.NoError(t, err)
	srv.ExpireTokens()
	_, err = c.PayFinesAndFees(context.Background(), cardPay(polaristest.Patron{ID: p.ID, Charges: p.Charges[1:]}, 600))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "one re-login")
	assert.Equal(t, 3, srv.Calls(polaristest.EndpointPay), "the 401 pay, then its resend")
	assert.Equal(t, 2, srv.Applied(p.ID))
}

func TestTokenRenewalUnderConcurrency(t *testing.T) {
	t.Parallel()
	// Tokens live 2s and are renewed a quarter of that before they
	// expire; a much shorter life fails on a loaded machine, where one
	// stall outlasts a whole token.
	const lifetime = 2 * time.Second
	var unauthorized atomic.Int32
	var mu sync.Mutex
	var logins []time.Time // when each login ended
	var renewalStart time.Time
	srv, c := setup(t, polaristest.Options{TokenLifetime: lifetime}, polaris.WithObserver(func(a polaris.Attempt) {
		if a.StatusCode == http.StatusUnauthorized {
			unauthorized.Add(1)
		}
		if a.Op == "Authenticate" && a.Err == nil {
			mu.Lock()
			if len(logins) == 1 {
				renewalStart = time.Now().Add(-a.Duration)
			}
			logins = append(logins, time.Now())
			mu.Unlock()
		}
	}))
	const workers = 16
	patrons := make([]polaristest.Patron, workers)
	for i := range patrons {
		patrons[i] = patronOwing(srv, 1_000_000)
	}
	start := time.Now()
	deadline := start.Add(lifetime + lifetime/6) // past the first expiry
	var wg sync.WaitGroup
	var paid atomic.Int32
	errs := make(chan error, workers)
	for _, p := range patrons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := c.PayFinesAndFees(context.Background(), cardPay(p, 1)); err != nil {
					errs <- err
					return
				}
				paid.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	elapsed := time.Since(start)
	t.Logf("%d payments from %d goroutines in %v: %d logins, %d answers 401", paid.Load(), workers, elapsed, srv.Logins(), unauthorized.Load())
	assert.Equal(t, 2, srv.Logins(), "the token was renewed once, not once per caller")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, logins, 2)
	// Renewed a quarter of its life ahead (1.5s), give or take a loaded
	// machine's stall; renewed at expiry, every caller would wait for it.
	assert.Less(t, renewalStart.Sub(logins[0]), lifetime-lifetime/8, "the renewal started well before the token expired")
	// Renewed only on refusal, every caller would meet a 401 at the
	// expiry. Renewed ahead, callers keep the valid token
	// while one renewal runs: none is refused, unless the machine stalls
	// the renewal past the expiry, and then once per caller at most.
	assert.LessOrEqual(t, int(unauthorized.Load()), workers, "callers keep the valid token while one renewal runs")
	total := 0
	for _, p := range patrons {
		total += srv.Applied(p.ID)
	}
	assert.Equal(t, int(paid.Load()), total, "every payment applied once")
}

func TestCutAfterApplyIsSettledByReadingBack(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()
	p := patronOwing(srv, 600, 400)
	before, err := c.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)

	srv.Inject(polaristest.Fault{Endpoint: polaristest.EndpointPay, Key: key(p.ID), Action: polaristest.DropAfterApply})
	_, err = c.PayFinesAndFees(ctx, cardPay(p, 1000))
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, polaris.ErrOutcomeUnknown)
	assert.Contains(t, e.Reconcile, "GetFinesAndFees for PatronID "+key(p.ID))
	assert.Equal(t, 1, srv.CallsFor(polaristest.EndpointPay, key(p.ID)), "never resent")

	// The read-back as the error says: every named charge now owes less.
	after, err := c.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)
	for _, txn := range txnIDs(p) {
		was, _ := before.Outstanding(txn)
		now, _ := after.Outstanding(txn)
		assert.Equal(t, -1, now.Cmp(was), "charge %d was paid", txn)
	}
	assert.Equal(t, 1, srv.Applied(p.ID))
}

func TestReadLagDelaysTheReadBack(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	ctx := context.Background()
	p := patronOwing(srv, 600)
	srv.SetReadLag(time.Hour)
	req := cardPay(p, 600)
	req.Reload = true
	res, err := c.PayFinesAndFees(ctx, req)
	require.NoError(t, err)
	assert.Empty(t, res.FinesAndFees, "a pay's reload is never delayed")
	fines, err := c.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)
	owed, listed := fines.Outstanding(p.Charges[0].TxnID)
	assert.True(t, listed, "the lagging read does not show the payment yet")
	assert.Equal(t, "6.00", owed.String())
	srv.SetReadLag(0)
	fines, err = c.GetFinesAndFees(ctx, &polaris.GetFinesAndFeesRequest{PatronID: p.ID})
	require.NoError(t, err)
	assert.Empty(t, fines.FinesAndFees)
}

func TestWrongCredentials(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)
	for _, mutate := range []func(*polaris.Config){
		func(c *polaris.Config) { c.StaffPassword = "wrong-password-123" },
		func(c *polaris.Config) { c.StaffDomain = "OTHERDOMAIN" },
	} {
		cfg := srv.Config()
		mutate(&cfg)
		c, err := polaris.New(cfg, fastRetry())
		require.NoError(t, err)
		_, err = c.PayFinesAndFees(context.Background(), cardPay(p, 600))
		var e *polaris.Error
		require.ErrorAs(t, err, &e)
		assert.ErrorIs(t, err, polaris.ErrNotApplied)
		assert.NotErrorIs(t, err, polaris.ErrTemporary)
		assert.Equal(t, 401, e.StatusCode)
		assert.Equal(t, "PayFinesAndFees", e.Op)
		assert.Equal(t, "Authenticate", e.Step)
		assert.NotContains(t, err.Error(), "wrong-password-123")
	}
	assert.Zero(t, srv.Calls(polaristest.EndpointPay))
	assert.Zero(t, srv.Logins())
}

func TestFakeRequiresTheDomain(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, polaristest.Options{})
	for _, user := range []string{polaristest.DefaultUserName, `\` + polaristest.DefaultUserName} {
		req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v1/eng/20/authentication/staffuser", nil)
		require.NoError(t, err)
		req.SetBasicAuth(user, polaristest.DefaultPassword)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a user without a domain")
	}
	assert.Zero(t, srv.Logins())
}

// rawPay sends a pay body as is, with a token from a fresh login.
func rawPay(t *testing.T, srv *polaristest.Server, c *polaris.Client, contentType, query, body string) (int, string) {
	t.Helper()
	auth, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	url := srv.URL() + "/api/v1/eng/20/polaris/3/1/patrons/" + key(patronOwing(srv, 600).ID) + "/accounttransactions/finesfees?" + query
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "PAS polaris:"+auth.AccessToken.Reveal()+":"+auth.AccessSecret.Reveal())
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestFakeIsStrict(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	const q = "action=pay&reload=false&overpayment=false&circ=false"
	cases := []struct {
		name, contentType, query, body, want string
	}{
		{"text body", "text/plain", q, `{}`, "Content-Type must be application/json"},
		{"lower-case key", "application/json", q, `{"patronID":1}`, `unknown key \"patronID\"`},
		{"unknown key", "application/json", q, `{"TxnAmount":1,"Tip":1}`, `unknown key \"Tip\"`},
		{"PascalCase card key", "application/json", q, `{"TxnAmount":1,"MainTxnIDs":[1],"PatronPaymentMethod":12,"CreditCardPaymentData":{"TrackId":1}}`, `unknown key \"TrackId\"`},
		{"no circ", "application/json", "action=pay&reload=false&overpayment=false", `{"TxnAmount":1,"MainTxnIDs":[1],"PatronPaymentMethod":12}`, "circ is required"},
		{"no action", "application/json", "reload=false&overpayment=false&circ=false", `{}`, "action must be pay"},
		{"three decimals", "application/json", q, `{"TxnAmount":1.005,"MainTxnIDs":[1],"PatronPaymentMethod":12}`, "at most 2 decimals"},
		{"unknown method", "application/json", q, `{"TxnAmount":1,"MainTxnIDs":[1],"PatronPaymentMethod":7}`, "PatronPaymentMethod is not valid"},
		{"full card number", "application/json", q, `{"TxnAmount":1,"MainTxnIDs":[1],"PatronPaymentMethod":12,"CreditCardPaymentData":{"amount":1,"txnStatus":"Finished","ccDigits":"4111111111111111"}}`, "at most the last 4 digits"},
		{"unfinished card transaction", "application/json", q, `{"TxnAmount":1,"MainTxnIDs":[1],"PatronPaymentMethod":12,"CreditCardPaymentData":{"amount":1,"txnStatus":"InProgress"}}`, "Success or Finished"},
	}
	for _, tc := range cases {
		status, body := rawPay(t, srv, c, tc.contentType, tc.query, tc.body)
		assert.Equal(t, http.StatusBadRequest, status, tc.name)
		assert.Contains(t, body, tc.want, tc.name)
	}
	assert.Empty(t, srv.Ledger())
}

func TestBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)
	card := "4111111111111111"
	cases := []struct {
		name   string
		mutate func(*polaris.PayFinesAndFeesRequest)
		field  string
		reason string
	}{
		{"no patron", func(r *polaris.PayFinesAndFeesRequest) { r.PatronID = 0 }, "PatronID", "greater than zero"},
		{"negative patron", func(r *polaris.PayFinesAndFeesRequest) { r.PatronID = -4 }, "PatronID", "greater than zero"},
		{"no amount", func(r *polaris.PayFinesAndFeesRequest) { r.TxnAmount = polaris.Amount{} }, "TxnAmount", "greater than zero"},
		{"negative amount", func(r *polaris.PayFinesAndFeesRequest) { r.TxnAmount = polaris.Cents(-600) }, "TxnAmount", "greater than zero"},
		{"no charges", func(r *polaris.PayFinesAndFeesRequest) { r.MainTxnIDs = nil }, "MainTxnIDs", "at least one"},
		{"zero charge", func(r *polaris.PayFinesAndFeesRequest) { r.MainTxnIDs = []polaris.TxnID{0} }, "MainTxnIDs", "greater than zero"},
		{"charge twice", func(r *polaris.PayFinesAndFeesRequest) { r.MainTxnIDs = []polaris.TxnID{5, 6, 5} }, "MainTxnIDs", "twice"},
		{"no method", func(r *polaris.PayFinesAndFeesRequest) { r.PaymentMethod = 0 }, "PaymentMethod", "is required"},
		{"unknown method", func(r *polaris.PayFinesAndFeesRequest) { r.PaymentMethod = 7 }, "PaymentMethod", "not a known"},
		{"card in note", func(r *polaris.PayFinesAndFeesRequest) { r.FreeTextNote = "card " + card }, "FreeTextNote", "card number"},
		{"card number as digits", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.CCDigits = card }, "CreditCardPaymentData.CCDigits", "at most the last 4 digits"},
		{"masked card number", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.CCDigits = "4111-XXXX-XXXX-1111" }, "CreditCardPaymentData.CCDigits", "at most the last 4 digits"},
		{"card in response", func(r *polaris.PayFinesAndFeesRequest) {
			r.CreditCardPaymentData.Response = "<CCDigits>" + card + "</CCDigits>"
		}, "CreditCardPaymentData.Response", "card number"},
		{"card in auth code", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.AuthCode = card }, "CreditCardPaymentData.AuthCode", "card number"},
		{"unfinished card transaction", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.TxnStatus = "InProgress" }, "CreditCardPaymentData.TxnStatus", "Finished"},
		{"card without amount", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.TxnAmount = polaris.Amount{} }, "CreditCardPaymentData.TxnAmount", "greater than zero"},
		{"control character", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.CCType = "VI\x00SA" }, "CreditCardPaymentData.CCType", "control characters"},
		{"negative track id", func(r *polaris.PayFinesAndFeesRequest) { r.CreditCardPaymentData.TrackID = -1 }, "CreditCardPaymentData.TrackID", "negative"},
	}
	for _, tc := range cases {
		req := cardPay(p, 600)
		tc.mutate(req)
		res, err := c.PayFinesAndFees(context.Background(), req)
		assert.Nil(t, res, tc.name)
		var e *polaris.Error
		require.ErrorAs(t, err, &e, tc.name)
		require.Len(t, e.Fields, 1, "%s: %v", tc.name, err)
		assert.Equal(t, tc.field, e.Fields[0].Field, tc.name)
		assert.Contains(t, e.Fields[0].Message, tc.reason, tc.name)
		assert.ErrorIs(t, err, polaris.ErrNotApplied)
		assert.NotErrorIs(t, err, polaris.ErrTemporary)
		assert.Contains(t, err.Error(), "nothing was sent")
		assert.NotContains(t, err.Error(), card, "a card number is never repeated")
		assert.Empty(t, e.Method)
	}

	all := &polaris.PayFinesAndFeesRequest{FreeTextNote: card}
	_, err := c.PayFinesAndFees(context.Background(), all)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"PatronID", "TxnAmount", "MainTxnIDs", "PaymentMethod", "FreeTextNote"}, fields, "every problem at once")

	_, err = c.PayFinesAndFees(context.Background(), nil)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.ErrorContains(t, err, "request: is nil")
	_, err = c.GetFinesAndFees(context.Background(), nil)
	assert.ErrorContains(t, err, "request: is nil")
	_, err = c.GetFinesAndFees(context.Background(), &polaris.GetFinesAndFeesRequest{})
	assert.ErrorContains(t, err, "PatronID: must be greater than zero")
	_, err = c.AnswerWorkflow(context.Background(), nil)
	assert.ErrorContains(t, err, "request: is nil")

	answer := func(mutate func(*polaris.WorkflowAnswer)) error {
		a := &polaris.WorkflowAnswer{
			WorkflowRequestGUID: "5d356b6e-d626-4b8c-aa3b-f08fc4caaa22", WorkflowRequestType: 2,
			WorkflowStatus: polaris.InputRequired, WorkflowPromptID: 92, WorkflowPromptResult: polaris.PromptPay,
			ReplyExtension: workflowPayment(polaris.Cents(100), polaris.Cents(70)),
		}
		mutate(a)
		_, err := c.AnswerWorkflow(context.Background(), a)
		return err
	}
	for name, tc := range map[string]struct {
		mutate func(*polaris.WorkflowAnswer)
		want   string
	}{
		"no GUID":           {func(a *polaris.WorkflowAnswer) { a.WorkflowRequestGUID = "" }, "WorkflowRequestGUID: is required"},
		"GUID with a slash": {func(a *polaris.WorkflowAnswer) { a.WorkflowRequestGUID = "5d356b6e-d626-4b8c-aa3b/../../x" }, "WorkflowRequestGUID: must be a GUID"},
		"nil GUID":          {func(a *polaris.WorkflowAnswer) { a.WorkflowRequestGUID = "00000000-0000-0000-0000-000000000000" }, "nil GUID"},
		"unknown status":    {func(a *polaris.WorkflowAnswer) { a.WorkflowStatus = 9 }, "WorkflowStatus: is not a known"},
		"no prompt":         {func(a *polaris.WorkflowAnswer) { a.WorkflowPromptID = 0 }, "WorkflowPromptID: must be greater than zero"},
		"no result":         {func(a *polaris.WorkflowAnswer) { a.WorkflowPromptResult = 0 }, "WorkflowPromptResult: is required"},
		"unknown result":    {func(a *polaris.WorkflowAnswer) { a.WorkflowPromptResult = 9 }, "WorkflowPromptResult: is not a known"},
		"negative amount": {func(a *polaris.WorkflowAnswer) {
			a.ReplyExtension.Data.OVDTransAmount = polaris.Cents(-1)
		}, "ReplyExtension.Data.OVDTransAmount: must not be negative"},
		"unknown txn code": {func(a *polaris.WorkflowAnswer) { a.ReplyExtension.Data.ProcChargeTxnCodeID = 11 }, "ProcChargeTxnCodeID: is not a known"},
		"no pay method":    {func(a *polaris.WorkflowAnswer) { a.ReplyExtension.Data.PayMethod = 0 }, "ReplyExtension.Data.PayMethod: is required"},
		"full card number": {func(a *polaris.WorkflowAnswer) { a.ReplyExtension.Data.CreditCardPaymentData.CCDigits = card }, "CCDigits: must hold at most the last 4 digits"},
		"card in reply":    {func(a *polaris.WorkflowAnswer) { a.ReplyValue = card }, "ReplyValue: looks like it holds a card number"},
	} {
		err := answer(tc.mutate)
		assert.ErrorIs(t, err, polaris.ErrNotApplied, name)
		assert.ErrorContains(t, err, tc.want, name)
		assert.NotContains(t, err.Error(), card, name)
	}
	for _, endpoint := range []string{polaristest.EndpointStaffUser, polaristest.EndpointPay, polaristest.EndpointWorkflow} {
		assert.Zero(t, srv.Calls(endpoint), "nothing reached the fake, not even a login")
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	p := patronOwing(srv, 600)
	res, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, res.AccessToken.Reveal())
	assert.Equal(t, "polaris", res.SiteDomain)
	assert.Equal(t, polaristest.DefaultUserName, res.PolarisUser.Name)
	assert.Equal(t, eastern, res.AuthExpDate.Location())
	assert.WithinDuration(t, time.Now().Add(polaristest.DefaultTokenLifetime), res.AuthExpDate, time.Minute)

	_, err = c.PayFinesAndFees(context.Background(), cardPay(p, 600))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins(), "the payment used Authenticate's token")

	again, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, res.AccessToken.Reveal(), again.AccessToken.Reveal(), "Authenticate always logs in anew")
	assert.Equal(t, 2, srv.Logins())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Authenticate(ctx)
	var e *polaris.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, polaris.ErrNotApplied)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "Authenticate", e.Op)
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ok := polaris.Config{
		BaseURL: "https://library.example.org/Polaris.ApplicationServices", OrganizationID: 3, WorkstationID: 1,
		StaffDomain: "LIBRARY", StaffUserName: "leapstaff", StaffPassword: "pw",
	}
	cases := []struct {
		mutate func(*polaris.Config)
		field  string
		reason string
	}{
		{func(c *polaris.Config) { c.BaseURL = "" }, "Config.BaseURL", "is required"},
		{func(c *polaris.Config) { c.BaseURL = "http://library.example.org/Polaris.ApplicationServices" }, "Config.BaseURL", "https"},
		{func(c *polaris.Config) { c.BaseURL = "https://library.example.org/P?x=1" }, "Config.BaseURL", "query"},
		{func(c *polaris.Config) { c.OrganizationID = 0 }, "Config.OrganizationID", "greater than zero"},
		{func(c *polaris.Config) { c.WorkstationID = -1 }, "Config.WorkstationID", "greater than zero"},
		{func(c *polaris.Config) { c.ProductID = -20 }, "Config.ProductID", "greater than zero"},
		{func(c *polaris.Config) { c.Version = "v1/../v2" }, "Config.Version", "slash"},
		{func(c *polaris.Config) { c.Language = ".." }, "Config.Language", `"."`},
		{func(c *polaris.Config) { c.SiteDomain = "a:b" }, "Config.SiteDomain", "colon"},
		{func(c *polaris.Config) { c.StaffDomain = "" }, "Config.StaffDomain", "is required"},
		{func(c *polaris.Config) { c.StaffDomain = `A\B` }, "Config.StaffDomain", "backslash"},
		{func(c *polaris.Config) { c.StaffUserName = "" }, "Config.StaffUserName", "is required"},
		{func(c *polaris.Config) { c.StaffUserName = "a:b" }, "Config.StaffUserName", "colon"},
		{func(c *polaris.Config) { c.StaffPassword = "" }, "Config.StaffPassword", "is required"},
		{func(c *polaris.Config) { c.StaffPassword = "a\nb" }, "Config.StaffPassword", "control"},
		{func(c *polaris.Config) { c.AlreadyAppliedPhrases = []string{""} }, "Config.AlreadyAppliedPhrases", "is required"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mutate(&cfg)
		_, err := polaris.New(cfg)
		var e *polaris.Error
		require.ErrorAs(t, err, &e, "%+v", cfg)
		require.NotEmpty(t, e.Fields)
		assert.Equal(t, tc.field, e.Fields[0].Field)
		assert.Contains(t, e.Fields[0].Message, tc.reason)
		assert.Equal(t, "New", e.Op)
		assert.True(t, strings.HasPrefix(err.Error(), "polaris New invalid input"), err.Error())
		assert.NotContains(t, err.Error(), "a\nb")
	}
	_, err := polaris.New(ok)
	require.NoError(t, err)
	loop := ok
	loop.BaseURL = "http://127.0.0.1:8080/Polaris.ApplicationServices"
	_, err = polaris.New(loop)
	require.NoError(t, err, "plain http for a loopback test server")
	_, err = polaris.New(ok, polaris.WithTimeout(-1))
	assert.ErrorContains(t, err, "WithTimeout: must be positive")
	_, err = polaris.New(ok, polaris.WithRetryPolicy(polaris.RetryPolicy{MaxAttempts: 0}))
	assert.ErrorContains(t, err, "MaxAttempts")
}

func TestErrorsAreOneOfTheOutcomes(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, polaristest.Options{})
	secured := srv.AddPatron(polaristest.Patron{Secured: true, Charges: []polaristest.Charge{{Amount: polaris.Cents(100)}}})
	_, err := c.PayFinesAndFees(context.Background(), cardPay(secured, 100))
	n := 0
	for _, s := range []error{polaris.ErrOutcomeUnknown, polaris.ErrNotApplied, polaris.ErrAlreadyApplied} {
		if errors.Is(err, s) {
			n++
		}
	}
	assert.Equal(t, 1, n, "the secured refusal matches exactly one outcome: %v", err)
}
