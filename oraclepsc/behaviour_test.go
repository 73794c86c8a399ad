package oraclepsc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func payment(checkout oraclepsc.CheckoutID, ref string) *oraclepsc.CreateCheckoutPaymentRequest {
	return &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: checkout, PaymentReferenceID: oraclepsc.PaymentReferenceID(ref),
		LineAmount: oraclepsc.Cents(10050), TotalTendAmount: oraclepsc.Cents(10050),
		PaymentCurrency: "USD", PaymentMethodCode: "CARD", PaymentDate: oraclepsc.Date{Year: 2024, Month: time.May, Day: 1},
	}
}

func TestCreateApplies(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	res, err := c.CreateCheckoutPayment(context.Background(), payment(checkout, "CPAY0000000000000001"))
	require.NoError(t, err)
	assert.True(t, res.Created)
	p := res.Payment
	assert.Greater(t, p.CheckoutPmtID, oraclepsc.CheckoutPmtID(300000100000000), "Oracle generated the id")
	assert.Equal(t, checkout, p.CheckoutID)
	assert.Equal(t, "100.50", p.LineAmount.String())
	assert.Equal(t, "2024-05-01", p.PaymentDate.String())
	assert.Empty(t, p.Comments, "null is unset")
	self, ok := p.Link("self")
	require.True(t, ok)
	assert.Equal(t, self.Href, res.Location)
	assert.Contains(t, res.Location, oraclepsctest.BasePath+"/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/"+string(checkout)+"/child/CheckoutPmt/")
	assert.Equal(t, self.Properties.ChangeIndicator, res.ETag)
	parent, ok := p.Link("parent")
	require.True(t, ok)
	assert.True(t, strings.HasSuffix(parent.Href, "/publicSectorCheckouts/"+string(checkout)))
	assert.NotEmpty(t, res.TraceID)

	ledger := srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, p.CheckoutPmtID, ledger[0].Payment.CheckoutPmtID, "the ledger's id is the client's")
	assert.Equal(t, p.PaymentReferenceID, ledger[0].Payment.PaymentReferenceID)
	assert.Equal(t, 1, srv.Applied("CPAY0000000000000001"))
}

func TestDuplicateCheckoutPmtIDIsAlreadyApplied(t *testing.T) {
	t.Parallel()
	// Oracle's structured errors, and the plain text it sends a client that
	// does not accept them.
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprint("plain=", plain), func(t *testing.T) {
			t.Parallel()
			var opts []oraclepsc.Option
			if plain {
				opts = append(opts, oraclepsc.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
					return roundTripFunc(func(r *http.Request) (*http.Response, error) {
						r = r.Clone(r.Context())
						r.Header.Set("Accept", "application/json")
						return rt.RoundTrip(r)
					})
				}))
			}
			srv, c, checkout := startFake(t, opts...)
			req := payment(checkout, "CPAY0000000000000002")
			req.CheckoutPmtID = 300000100000001 // an Oracle id that is no card number, kept in errors
			first, err := c.CreateCheckoutPayment(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, req.CheckoutPmtID, first.Payment.CheckoutPmtID)

			_, err = c.CreateCheckoutPayment(context.Background(), req)
			require.ErrorIs(t, err, oraclepsc.ErrAlreadyApplied)
			assert.NotErrorIs(t, err, oraclepsc.ErrNotApplied)
			var e *oraclepsc.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 400, e.StatusCode)
			assert.Equal(t, "JBO-25013", e.Code)
			assert.Contains(t, err.Error(), "oracle.jbo.Key[300000100000001 ]", "the echoed Oracle id is not masked")
			assert.Contains(t, e.Reconcile, "ListCheckoutPayments")
			assert.Equal(t, 1, srv.Applied("CPAY0000000000000002"))
			assert.Equal(t, 2, srv.CallsFor(oraclepsctest.EndpointCreate, "CPAY0000000000000002"), "the repeat reached Oracle")
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUpsertCreatesThenUpdates(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	req := payment(checkout, "CPAY0000000000000003")
	req.CheckoutPmtID, req.Upsert = 300000700000001, true
	res, err := c.CreateCheckoutPayment(context.Background(), req)
	require.NoError(t, err)
	assert.True(t, res.Created, "201: no row had the id")

	req.Description = "corrected description"
	res, err = c.CreateCheckoutPayment(context.Background(), req)
	require.NoError(t, err)
	assert.False(t, res.Created, "200: the row with the id was updated")
	assert.Equal(t, "corrected description", res.Payment.Description)
	ledger := srv.Ledger()
	require.Len(t, ledger, 1, "never a second row")
	assert.Equal(t, 1, ledger[0].Updates)
	assert.Equal(t, "corrected description", ledger[0].Payment.Description)
	assert.NotEqual(t, res.ETag, "", "a new change indicator")
}

// An upsert cut off after Oracle applied it is retried by the SDK, and the
// retry updates the row instead of adding one.
func TestUpsertRetryNeverDuplicates(t *testing.T) {
	t.Parallel()
	for _, action := range []oraclepsctest.Action{oraclepsctest.DropAfterApply, oraclepsctest.FailAfterApply, oraclepsctest.GarbleAfterApply, oraclepsctest.EmptyAfterApply} {
		t.Run(fmt.Sprint(action), func(t *testing.T) {
			t.Parallel()
			srv, c, checkout := startFake(t)
			ref := fmt.Sprintf("CPAY%016d", 4+int(action))
			req := payment(checkout, ref)
			req.CheckoutPmtID, req.Upsert = 300000700000002, true
			srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: ref, Action: action})
			res, err := c.CreateCheckoutPayment(context.Background(), req)
			require.NoError(t, err, "retried like a read")
			assert.False(t, res.Created, "the retry found the row the first attempt created")
			assert.Equal(t, 2, srv.CallsFor(oraclepsctest.EndpointCreate, ref))
			assert.Equal(t, 1, srv.Applied(oraclepsc.PaymentReferenceID(ref)), "one row")
		})
	}
}

// Without upsert, a create cut off after Oracle applied it is an unknown
// outcome; the read-back its error names settles it.
func TestUnknownOutcomeSettledByList(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	ctx := context.Background()
	for _, tc := range []struct {
		action  oraclepsctest.Action
		applied bool
	}{{oraclepsctest.DropAfterApply, true}, {oraclepsctest.DropBeforeApply, false}, {oraclepsctest.FailAfterApply, true}} {
		ref, err := oraclepsc.NewPaymentReferenceID("UNKN")
		require.NoError(t, err)
		srv.Inject(oraclepsctest.Fault{Endpoint: oraclepsctest.EndpointCreate, Key: string(ref), Action: tc.action})
		_, err = c.CreateCheckoutPayment(ctx, payment(checkout, string(ref)))
		require.ErrorIs(t, err, oraclepsc.ErrOutcomeUnknown)
		var e *oraclepsc.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "settle it (Settle, or ListCheckoutPayments for the checkout with Filter.PaymentReferenceID and FindReference) for PaymentReferenceId "+string(ref), e.Reconcile)
		assert.Equal(t, 1, srv.CallsFor(oraclepsctest.EndpointCreate, string(ref)), "never resent")

		list, err := c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{
			CheckoutID: checkout, Filter: oraclepsc.Filter{PaymentReferenceID: ref},
		})
		require.NoError(t, err)
		found := list.FindReference(ref)
		if tc.applied {
			require.Len(t, found, 1, "applied before the connection dropped: do not create again")
			continue
		}
		require.Empty(t, found, "not applied: safe to create")
		_, err = c.CreateCheckoutPayment(ctx, payment(checkout, string(ref)))
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Applied(ref))
	}
}

func TestBasicAuth(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	_, err := c.CreateCheckoutPayment(context.Background(), payment(checkout, "CPAY0000000000000010"))
	require.NoError(t, err)
	assert.Zero(t, srv.Logins(), "Basic needs no token")

	cfg := srv.Config()
	cfg.Password = "wrong-password-123"
	bad, err := oraclepsc.New(cfg, fastRetry())
	require.NoError(t, err)
	_, err = bad.CreateCheckoutPayment(context.Background(), payment(checkout, "CPAY0000000000000011"))
	require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
	assert.NotErrorIs(t, err, oraclepsc.ErrTemporary, "wrong credentials need a fix")
	var e *oraclepsc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.StatusCode)
	assert.Equal(t, 1, srv.CallsFor(oraclepsctest.EndpointCreate, "CPAY0000000000000011"), "no second try with a wrong password")
	assert.NotContains(t, err.Error(), "wrong-password-123")
	assert.Zero(t, srv.Applied("CPAY0000000000000011"))
}

func TestBearerAuth(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	checkout := srv.NewCheckout()
	c, err := oraclepsc.New(srv.BearerConfig(), fastRetry())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000020"))
	require.NoError(t, err)
	_, err = c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins(), "one token for both calls")

	srv.ExpireTokens()
	_, err = c.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000021"))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "renewed once after the 401")
	assert.Equal(t, 2, srv.CallsFor(oraclepsctest.EndpointCreate, "CPAY0000000000000021"), "the 401, then the resend")
	assert.Equal(t, 1, srv.Applied("CPAY0000000000000021"))

	// A source that fails: nothing is sent, the token is the failed step.
	failing, err := oraclepsc.New(oraclepsc.Config{BaseURL: srv.URL(), TokenSource: oraclepsc.TokenSourceFunc(
		func(context.Context) (oraclepsc.Token, error) {
			return oraclepsc.Token{}, errors.New("identity domain unreachable")
		})})
	require.NoError(t, err)
	_, err = failing.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000022"))
	require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
	var e *oraclepsc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "CreateCheckoutPayment", e.Op)
	assert.Equal(t, "Token", e.Step)
	assert.Contains(t, err.Error(), "identity domain unreachable")
	assert.Zero(t, srv.CallsFor(oraclepsctest.EndpointCreate, "CPAY0000000000000022"))

	// A source that answers an unusable token.
	for tok, want := range map[string]string{"": "Token.AccessToken: is empty", "a b": "Token.AccessToken: must be printable ASCII"} {
		odd, err := oraclepsc.New(oraclepsc.Config{BaseURL: srv.URL(), TokenSource: oraclepsc.TokenSourceFunc(
			func(context.Context) (oraclepsc.Token, error) {
				return oraclepsc.Token{AccessToken: oraclepsc.Secret(tok)}, nil
			})})
		require.NoError(t, err)
		_, err = odd.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000023"))
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied)
		assert.Contains(t, err.Error(), want)
	}
	assert.Equal(t, 3, srv.Calls(oraclepsctest.EndpointCreate), "the failing sources sent nothing")
}

func TestTokenRelayRefusesWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	tok, err := srv.TokenSource().Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(tok.AccessToken.Reveal(), ".")+1, "a JWT: header, claims, signature")
	assert.WithinDuration(t, time.Now().Add(oraclepsctest.DefaultTokenLifetime), tok.Expiry, time.Minute)
	assert.Equal(t, 1, srv.Logins())

	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/fscmRestApi/tokenrelay", nil)
	require.NoError(t, err)
	req.SetBasicAuth(oraclepsctest.DefaultUserName, "another-password")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, 1, srv.Logins(), "no token for a wrong password")
}

func TestPaging(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	ctx := context.Background()
	var refs []oraclepsc.PaymentReferenceID
	for i := range 7 {
		req := payment(checkout, fmt.Sprintf("PAGE%016d", i))
		req.LineAmount = oraclepsc.Cents(int64(100 * (i + 1)))
		_, err := c.CreateCheckoutPayment(ctx, req)
		require.NoError(t, err)
		refs = append(refs, req.PaymentReferenceID)
	}
	srv.AddCheckout("300000099999999") // another checkout's payments never show
	page, err := c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 3, TotalResults: true})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Count)
	assert.True(t, page.HasMore)
	assert.Equal(t, 7, page.TotalResults)
	last, err := c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 3, Offset: 6})
	require.NoError(t, err)
	assert.Equal(t, 1, last.Count)
	assert.False(t, last.HasMore)
	assert.Equal(t, 6, last.Offset)

	before := srv.Calls(oraclepsctest.EndpointList)
	var got []oraclepsc.PaymentReferenceID
	for p, err := range c.AllCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 3}) {
		require.NoError(t, err)
		got = append(got, p.PaymentReferenceID)
	}
	assert.Equal(t, refs, got, "every page, in order")
	assert.Equal(t, 3, srv.Calls(oraclepsctest.EndpointList)-before, "pages of 3, 3 and 1")

	before = srv.Calls(oraclepsctest.EndpointList)
	n := 0
	for range c.AllCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Limit: 2}) {
		if n++; n == 2 {
			break
		}
	}
	assert.Equal(t, 1, srv.Calls(oraclepsctest.EndpointList)-before, "breaking out stops the walk")

	sorted, err := c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{
		CheckoutID: checkout, Limit: 2, OrderBy: []oraclepsc.OrderBy{{Field: "LineAmount", Descending: true}},
		Fields: []string{"CheckoutPmtId", "PaymentReferenceId", "LineAmount"}, OnlyData: true,
	})
	require.NoError(t, err)
	require.Len(t, sorted.Items, 2)
	assert.Equal(t, refs[6], sorted.Items[0].PaymentReferenceID, "largest amount first")
	assert.Equal(t, "7.00", sorted.Items[0].LineAmount.String())
	assert.Empty(t, sorted.Items[0].Links, "onlyData")
	assert.Empty(t, sorted.Items[0].PaymentCurrency, "only the fields asked for")
	assert.NotZero(t, sorted.Items[0].CheckoutPmtID)
}

// The client writes q in the syntax of its framework version, and finds
// payments by each Filter attribute.
func TestFilterInBothQSyntaxes(t *testing.T) {
	t.Parallel()
	for _, version := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) {
			t.Parallel()
			srv := oraclepsctest.NewServer(oraclepsctest.Options{})
			t.Cleanup(srv.Close)
			cfg := srv.Config()
			cfg.FrameworkVersion = version
			c, err := oraclepsc.New(cfg)
			require.NoError(t, err)
			checkout := srv.NewCheckout()
			ctx := context.Background()
			var ids []oraclepsc.CheckoutPmtID
			for i := range 3 {
				req := payment(checkout, fmt.Sprintf("QSYN%016d", i))
				req.PaymentTransactionID = fmt.Sprintf("TXN %d", i)
				req.CashierID, req.SessionID, req.PaymentTrackingData = "C-1", "S-1", fmt.Sprint("T-", i%2)
				res, err := c.CreateCheckoutPayment(ctx, req)
				require.NoError(t, err)
				ids = append(ids, res.Payment.CheckoutPmtID)
			}
			for _, tc := range []struct {
				filter oraclepsc.Filter
				want   int
			}{
				{oraclepsc.Filter{PaymentReferenceID: "QSYN0000000000000001"}, 1},
				{oraclepsc.Filter{CheckoutPmtID: ids[2]}, 1},
				{oraclepsc.Filter{PaymentTransactionID: "TXN 0"}, 1},
				{oraclepsc.Filter{PaymentMethodCode: "CARD", PaymentTrackingData: "T-0"}, 2},
				{oraclepsc.Filter{CashierID: "C-1", SessionID: "S-1"}, 3},
				{oraclepsc.Filter{CheckoutPmtID: ids[0], PaymentReferenceID: "QSYN0000000000000001"}, 0},
				{oraclepsc.Filter{PaymentReferenceID: "QSYN"}, 0},
			} {
				res, err := c.ListCheckoutPayments(ctx, &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: tc.filter})
				require.NoError(t, err, "%+v", tc.filter)
				assert.Len(t, res.Items, tc.want, "%+v", tc.filter)
			}
		})
	}
}

func TestGetCheckoutPayment(t *testing.T) {
	t.Parallel()
	_, c, checkout := startFake(t)
	ctx := context.Background()
	res, err := c.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000030"))
	require.NoError(t, err)
	got, err := c.GetCheckoutPayment(ctx, &oraclepsc.GetCheckoutPaymentRequest{CheckoutID: checkout, CheckoutPmtID: res.Payment.CheckoutPmtID})
	require.NoError(t, err)
	assert.Equal(t, res.Payment, *got)

	_, err = c.GetCheckoutPayment(ctx, &oraclepsc.GetCheckoutPaymentRequest{CheckoutID: checkout, CheckoutPmtID: res.Payment.CheckoutPmtID + 1000})
	require.ErrorIs(t, err, oraclepsc.ErrNotFound)
	assert.ErrorIs(t, err, oraclepsc.ErrNotApplied)
	var e *oraclepsc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "GetCheckoutPayment", e.Op)
	assert.Contains(t, e.Message, "has no payment with CheckoutPmtId")

	_, err = c.GetCheckoutPayment(ctx, &oraclepsc.GetCheckoutPaymentRequest{CheckoutID: "300000000000404", CheckoutPmtID: 1})
	require.ErrorIs(t, err, oraclepsc.ErrNotFound)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 404, e.StatusCode)
}

func TestUnknownCheckoutIsNotFound(t *testing.T) {
	t.Parallel()
	srv, c, _ := startFake(t)
	_, err := c.CreateCheckoutPayment(context.Background(), payment("300000000000404", "CPAY0000000000000040"))
	require.ErrorIs(t, err, oraclepsc.ErrNotFound)
	assert.ErrorIs(t, err, oraclepsc.ErrNotApplied)
	assert.NotErrorIs(t, err, oraclepsc.ErrTemporary)
	assert.Zero(t, srv.Applied("CPAY0000000000000040"))
	for _, err := range collect(c.AllCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: "300000000000404"})) {
		assert.ErrorIs(t, err, oraclepsc.ErrNotFound)
	}
}

func collect[T any](seq func(func(T, error) bool)) []error {
	var errs []error
	seq(func(_ T, err error) bool {
		errs = append(errs, err)
		return true
	})
	return errs
}

func TestAllCheckoutPaymentsInvalidRequest(t *testing.T) {
	t.Parallel()
	srv, c, _ := startFake(t)
	errs := collect(c.AllCheckoutPayments(context.Background(), nil))
	require.Len(t, errs, 1, "one error, then the walk ends")
	assert.ErrorIs(t, errs[0], oraclepsc.ErrNotApplied)
	assert.Contains(t, errs[0].Error(), "oraclepsc AllCheckoutPayments invalid input")
	assert.Zero(t, srv.Calls(oraclepsctest.EndpointList))
}

// A server that says hasMore but sends an empty page ends the walk with
// an error instead of looping.
func TestAllCheckoutPaymentsEmptyPageWithHasMore(t *testing.T) {
	t.Parallel()
	hc, rec := mockOracle(t, answer{status: 200, body: []byte(`{"items":[],"count":0,"hasMore":true,"limit":25,"offset":0}`)})
	c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc))
	require.NoError(t, err)
	errs := collect(c.AllCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: wireCheckout}))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], oraclepsc.ErrNotApplied)
	assert.Contains(t, errs[0].Error(), "hasMore with an empty page")
	assert.Equal(t, 1, rec.count())
}

func TestResourceItemMediaType(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.ContentType = oraclepsc.ResourceItemMediaType
	c, err := oraclepsc.New(cfg)
	require.NoError(t, err)
	_, err = c.CreateCheckoutPayment(context.Background(), payment(srv.NewCheckout(), "CPAY0000000000000050"))
	require.NoError(t, err, "older releases' media type is accepted")
}

func TestReadLag(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	ctx := context.Background()
	srv.SetReadLag(time.Second)
	_, err := c.CreateCheckoutPayment(ctx, payment(checkout, "CPAY0000000000000060"))
	require.NoError(t, err)
	req := &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: checkout, Filter: oraclepsc.Filter{PaymentReferenceID: "CPAY0000000000000060"}}
	res, err := c.ListCheckoutPayments(ctx, req)
	require.NoError(t, err)
	assert.Empty(t, res.Items, "not visible yet: a reconcile must allow for the lag")
	require.Eventually(t, func() bool {
		res, err := c.ListCheckoutPayments(ctx, req)
		return err == nil && len(res.FindReference("CPAY0000000000000060")) == 1
	}, 5*time.Second, 50*time.Millisecond)
}

func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	srv, c, checkout := startFake(t)
	var wg sync.WaitGroup
	ids := make([]oraclepsc.CheckoutPmtID, 40)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.CreateCheckoutPayment(context.Background(), payment(checkout, fmt.Sprintf("CONC%016d", i)))
			if assert.NoError(t, err) {
				ids[i] = res.Payment.CheckoutPmtID
			}
		}()
	}
	wg.Wait()
	seen := map[oraclepsc.CheckoutPmtID]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "ids are distinct")
		seen[id] = true
	}
	assert.Len(t, srv.Ledger(), len(ids))
}
