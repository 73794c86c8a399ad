package citrus_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/stretchr/testify/require"
)

// citrusEnv adapts the fake IPS to the behaviour conformance suite.
type citrusEnv struct {
	srv *citrustest.Server
	c   *citrus.Client
	n   atomic.Int64
}

func (e *citrusEnv) NewItem() string {
	ref := fmt.Sprintf("1018-C%06d", e.n.Add(1))
	e.srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(5000)})
	return ref
}

func (e *citrusEnv) Write(ctx context.Context, key string) error {
	_, err := e.c.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: key, Amount: citrus.Cents(5000)})
	return err
}

func (e *citrusEnv) WriteInvalid(ctx context.Context) error {
	_, err := e.c.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: "1018-\n"})
	return err
}

func (e *citrusEnv) Applied(key string) int            { return e.srv.Applied(key) }
func (e *citrusEnv) Inject(f fake.Fault)               { e.srv.Inject(f) }
func (e *citrusEnv) ClearFaults()                      { e.srv.ClearFaults() }
func (e *citrusEnv) CallsFor(endpoint, key string) int { return e.srv.CallsFor(endpoint, key) }
func (e *citrusEnv) Logins() int                       { return e.srv.Logins() }
func (e *citrusEnv) ExpireAuth()                       { e.srv.ExpireSessions() }
func (e *citrusEnv) NewConns() int64                   { return e.srv.NewConns() }
func (e *citrusEnv) Secrets() []string {
	return append(e.srv.IssuedSecrets(), citrustest.DefaultPassword)
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Subject{
		Partner:       "citrus",
		WriteOp:       "PostPayment",
		LoginOp:       "Authenticate",
		WriteEndpoint: citrustest.EndpointCallback,
		LoginEndpoint: citrustest.EndpointAuth,
		Start: func(t *testing.T, useTLS bool, opts ...citrus.Option) conformance.Env {
			srv := citrustest.NewServer(citrustest.Options{TLS: useTLS})
			t.Cleanup(srv.Close)
			if useTLS {
				opts = append(opts, conformance.TrustTLS(srv.CertPool()))
			}
			c, err := citrus.New(srv.Config(), opts...)
			require.NoError(t, err)
			return &citrusEnv{srv: srv, c: c}
		},
	})
}

func TestPrintsNoSecrets(t *testing.T) {
	srv := citrustest.NewServer(citrustest.Options{})
	defer srv.Close()
	c, err := citrus.New(srv.Config())
	require.NoError(t, err)
	_, err = c.Authenticate(context.Background())
	require.NoError(t, err)
	conformance.PrintsNoCredentials(t, c, append(srv.IssuedSecrets(), citrustest.DefaultPassword)...)
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), c, citrus.PostPaymentRequest{}, citrus.PostPaymentResult{}, citrus.AuthResult{},
		citrus.ResponseStatus{}, citrus.ResponseError{}, citrus.Transaction{}, citrus.CodeDescription{},
		citrus.Contact{}, citrus.Identity{}, citrus.Charge{}, citrus.Payment{}, citrus.PaymentAuthorization{},
		citrus.Time{}, citrus.SettleRequest{}, citrus.SettleResult{},
	)
}
