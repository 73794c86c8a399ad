package polaris_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/polaris"
	"github.com/civicpay/datapump/polaris/polaristest"
	"github.com/stretchr/testify/require"
)

// polarisEnv adapts the fake Polaris to the behaviour conformance suite.
// An item is a fresh patron with one charge; the write pays it in full,
// with a card packet carrying the card service's credentials.
type polarisEnv struct {
	srv *polaristest.Server
	c   *polaris.Client

	mu      sync.Mutex
	charges map[string]polaris.TxnID
}

// The card service's credentials the suite's payments carry.
const (
	cardUser     = "card-service-user"
	cardPassword = "card-service-password-1"
)

func (e *polarisEnv) NewItem() string {
	p := e.srv.AddPatron(polaristest.Patron{Charges: []polaristest.Charge{{Amount: polaris.Cents(600)}}})
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
		PatronID: polaris.PatronID(id), TxnAmount: polaris.Cents(600), MainTxnIDs: []polaris.TxnID{txn},
		PaymentMethod: polaris.CreditCard,
		CreditCardPaymentData: polaris.CreditCardPaymentData{
			TxnAmount: polaris.Cents(600), TxnStatus: "Finished", Error: "OK", CCDigits: "4219",
			UserName: cardUser, Password: cardPassword,
		},
	})
	return err
}

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
	conformance.Run(t, conformance.Subject{
		Partner:       "polaris",
		WriteOp:       "PayFinesAndFees",
		LoginOp:       "Authenticate",
		WriteEndpoint: polaristest.EndpointPay,
		LoginEndpoint: polaristest.EndpointStaffUser,
		Start: func(t *testing.T, useTLS bool, opts ...polaris.Option) conformance.Env {
			srv := polaristest.NewServer(polaristest.Options{TLS: useTLS})
			t.Cleanup(srv.Close)
			if useTLS {
				opts = append(opts, conformance.TrustTLS(srv.CertPool()))
			}
			c, err := polaris.New(srv.Config(), opts...)
			require.NoError(t, err)
			return &polarisEnv{srv: srv, c: c, charges: map[string]polaris.TxnID{}}
		},
	})
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
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), c, *auth, polaris.PolarisUser{},
		polaris.PayFinesAndFeesRequest{CreditCardPaymentData: card}, card, polaris.PayFinesAndFeesResult{},
		polaris.FineFee{}, polaris.GetFinesAndFeesRequest{}, polaris.FinesAndFeesResult{},
		polaris.WorkflowAnswer{ReplyExtension: polaris.ReplyExtension{Data: polaris.ReplyData{CreditCardPaymentData: card}}},
		polaris.ReplyExtension{}, polaris.ReplyData{}, polaris.WorkflowResult{}, polaris.Prompt{},
		polaris.InformationMessage{}, polaris.Time{},
	)
}
