package polaris_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/require"
)

// polarisEnv adapts the fake Polaris to the behaviour conformance suite.
// An item is a fresh patron with one charge of 6.00 (or owed); the write
// pays 6.00 of it, with a card packet carrying the card service's
// credentials, and says what the charge owed before, so an unknown
// outcome carries a settle request.
type polarisEnv struct {
	srv  *polaristest.Server
	c    *polaris.Client
	owed polaris.Amount // what a new item's charge owes; zero means 6.00

	mu      sync.Mutex
	charges map[string]polaris.TxnID
}

// paid is what the write pays.
var paid = polaris.Cents(600)

// The card service's credentials the suite's payments carry.
const (
	cardUser     = "card-service-user"
	cardPassword = "card-service-password-1"
)

func (e *polarisEnv) NewItem() string {
	p := e.srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: e.owedBefore()}}})
	key := strconv.FormatInt(int64(p.ID), 10)
	e.mu.Lock()
	e.charges[key] = p.Charges[0].TxnID
	e.mu.Unlock()
	return key
}

func (e *polarisEnv) Write(ctx context.Context, key string) error {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return err
	}
	e.mu.Lock()
	txn := e.charges[key]
	e.mu.Unlock()
	_, err = e.c.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
		PatronID: polaris.PatronID(id), TxnAmount: paid, MainTxnIDs: []polaris.TxnID{txn},
		PaymentMethod: polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{
			TxnAmount: paid, TxnStatus: "Finished", Error: "OK", CCDigits: "4219",
			UserName: cardUser, Password: cardPassword,
		},
		OwedBefore: map[polaris.TxnID]polaris.Amount{txn: e.owedBefore()},
	})
	return err
}

// owedBefore is what an item's charge owes until it is paid.
func (e *polarisEnv) owedBefore() polaris.Amount {
	if e.owed.IsZero() {
		return paid
	}
	return e.owed
}

func (e *polarisEnv) Hint(err error) []byte {
	req, ok := polaris.SettleRequestOf(err)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(req)
	return b
}

// Settle settles a stored hint. The other amount is 5.99, less than the
// 6.00 Polaris recorded: an amount above what the charge owed would show
// the same (the rest becomes a credit Polaris' fines list does not show).
func (e *polarisEnv) Settle(ctx context.Context, hint []byte, otherAmount bool) (polaris.Settlement, bool, error) {
	var req polaris.SettleRequest
	if err := json.Unmarshal(hint, &req); err != nil {
		return polaris.SettleUnknown, false, err
	}
	if otherAmount {
		req.Amount = polaris.Cents(599)
	}
	res, err := e.c.Settle(ctx, &req)
	if err != nil {
		return polaris.SettleUnknown, false, err
	}
	return res.Status, res.AmountDiffers, nil
}

func (e *polarisEnv) SetReadLag(d time.Duration) { e.srv.SetReadLag(d) }

func (e *polarisEnv) WriteInvalid(ctx context.Context) error {
	_, err := e.c.PayFinesAndFees(ctx, &polaris.PayFinesAndFeesRequest{
		PatronID: 1, TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{1}, PaymentMethod: polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{TxnAmount: polaris.Cents(600), TxnStatus: "Finished", CCDigits: "4111111111111111"},
	})
	return err
}

func (e *polarisEnv) Applied(key string) int {
	id, _ := strconv.ParseInt(key, 10, 64)
	return e.srv.Applied(polaris.PatronID(id))
}
func (e *polarisEnv) Inject(f fake.Fault)               { e.srv.Inject(f) }
func (e *polarisEnv) ClearFaults()                      { e.srv.ClearFaults() }
func (e *polarisEnv) CallsFor(endpoint, key string) int { return e.srv.CallsFor(endpoint, key) }
func (e *polarisEnv) Logins() int                       { return e.srv.Logins() }
func (e *polarisEnv) ExpireAuth()                       { e.srv.ExpireTokens() }
func (e *polarisEnv) NewConns() int64                   { return e.srv.NewConns() }
func (e *polarisEnv) Secrets() []string {
	return append(e.srv.IssuedSecrets(), polaristest.DefaultPassword, cardUser, cardPassword)
}

func TestConformance(t *testing.T) {
	conformance.Run(t, subject)
}

// TestSettleConformance runs the settle suite twice, as Polaris' fines
// list may or may not show a charge paid in full (see Settle):
//   - PaidChargesListed: the write pays its charge in full, and the fake
//     lists paid charges with OutstandingAmount 0;
//   - PartPayment: the write pays 6.00 of a 10.00 charge, and the fake
//     lists only what is owed, as by default.
//
// Where Polaris drops a charge paid in full, a full payment settles as
// SettleUnknown with a Reason (TestSettleChargeNoLongerListed).
func TestSettleConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts polaristest.Options
		owed polaris.Amount
	}{
		{"PaidChargesListed", polaristest.Options{ListPaidCharges: true}, paid},
		{"PartPayment", polaristest.Options{}, polaris.Cents(1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conformance.RunSettle(t, conformance.SettleSubject{
				Subject: subject,
				StartSettle: func(t *testing.T, opts ...polaris.Option) conformance.SettleEnv {
					env := start(t, tc.opts, opts...)
					env.owed = tc.owed
					return env
				},
			})
		})
	}
}

var subject = conformance.Subject{
	Partner:       "polaris",
	WriteOp:       "PayFinesAndFees",
	LoginOp:       "Authenticate",
	WriteEndpoint: polaristest.EndpointPay,
	LoginEndpoint: polaristest.EndpointStaffUser,
	Start: func(t *testing.T, useTLS bool, opts ...polaris.Option) conformance.Env {
		return start(t, polaristest.Options{TLS: useTLS}, opts...)
	},
}

// start starts a fake built with fo and a client for it built with opts.
func start(t *testing.T, fo polaristest.Options, opts ...polaris.Option) *polarisEnv {
	srv := polaristest.NewServer(fo)
	t.Cleanup(srv.Close)
	if fo.TLS {
		opts = append(opts, conformance.TrustTLS(srv.CertPool()))
	}
	c, err := polaris.New(srv.Config(), opts...)
	require.NoError(t, err)
	return &polarisEnv{srv: srv, c: c, charges: map[string]polaris.TxnID{}}
}

func TestPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := polaristest.NewServer(polaristest.Options{})
	defer srv.Close()
	c, err := polaris.New(srv.Config())
	require.NoError(t, err)
	auth, err := c.Authenticate(context.Background())
	require.NoError(t, err)
	card := polaris.CreditCardPaymentData{UserName: cardUser, Password: cardPassword, CCDigits: "4219"}
	conformance.PrintsNoCredentials(t, c, append(srv.IssuedSecrets(), polaristest.DefaultPassword)...)
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), c, *auth, polaris.PolarisUser{},
		polaris.PayFinesAndFeesRequest{CreditCardPaymentData: card}, card, polaris.PayFinesAndFeesResult{},
		polaris.FineFee{}, polaris.GetFinesAndFeesRequest{}, polaris.FinesAndFeesResult{},
		polaris.WorkflowAnswer{ReplyExtension: polaris.ReplyExtension{Data: polaris.ReplyData{CreditCardPaymentData: card}}},
		polaris.ReplyExtension{}, polaris.ReplyData{}, polaris.WorkflowResult{}, polaris.Prompt{},
		polaris.InformationMessage{}, polaris.Time{}, polaris.SettleRequest{}, polaris.SettleResult{},
	)
}
