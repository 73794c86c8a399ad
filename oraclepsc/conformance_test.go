package oraclepsc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/oraclepsc"
	"github.com/civicpay/datapump/oraclepsc/oraclepsctest"
	"github.com/stretchr/testify/require"
)

// oracleEnv adapts the fake Oracle to the behaviour conformance suite. An
// item is a payment to record in a fresh checkout, keyed by its
// PaymentReferenceId; the write creates it without upsert, with a
// CheckoutPmtId of the caller's choosing, so a repeat is refused as a
// duplicate. The client authenticates with bearer tokens from the fake's
// token relay, so the relay is the login endpoint.
type oracleEnv struct {
	srv *oraclepsctest.Server
	c   *oraclepsc.Client
	n   atomic.Int64

	mu    sync.Mutex
	items map[string]item
}

type item struct {
	checkout oraclepsc.CheckoutID
	pmt      oraclepsc.CheckoutPmtID
}

func (e *oracleEnv) NewItem() string {
	n := e.n.Add(1)
	ref := fmt.Sprintf("CONF%016d", n)
	it := item{checkout: e.srv.NewCheckout(), pmt: oraclepsc.CheckoutPmtID(300000900000000 + n)}
	e.mu.Lock()
	e.items[ref] = it
	e.mu.Unlock()
	return ref
}

func (e *oracleEnv) Write(ctx context.Context, key string) error {
	e.mu.Lock()
	it := e.items[key]
	e.mu.Unlock()
	_, err := e.c.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: it.checkout, CheckoutPmtID: it.pmt, PaymentReferenceID: oraclepsc.PaymentReferenceID(key),
		LineAmount: oraclepsc.Cents(10050), PaymentCurrency: "USD", PaymentMethodCode: "CARD",
	})
	return err
}

func (e *oracleEnv) WriteInvalid(ctx context.Context) error {
	_, err := e.c.CreateCheckoutPayment(ctx, &oraclepsc.CreateCheckoutPaymentRequest{
		CheckoutID: "300000000000001", PaymentReferenceID: "CONF1", PaymentCurrency: "usd",
	})
	return err
}

func (e *oracleEnv) Hint(err error) []byte {
	req, ok := oraclepsc.SettleRequestOf(err)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(req)
	return b
}

func (e *oracleEnv) Settle(ctx context.Context, hint []byte, otherAmount bool) (oraclepsc.Settlement, bool, error) {
	var req oraclepsc.SettleRequest
	if err := json.Unmarshal(hint, &req); err != nil {
		return oraclepsc.SettleUnknown, false, err
	}
	if otherAmount {
		req.Amount = oraclepsc.Cents(10051)
	}
	res, err := e.c.Settle(ctx, &req)
	if err != nil {
		return oraclepsc.SettleUnknown, false, err
	}
	return res.Status, res.AmountDiffers, nil
}

func (e *oracleEnv) SetReadLag(d time.Duration) { e.srv.SetReadLag(d) }

func (e *oracleEnv) Applied(key string) int {
	return e.srv.Applied(oraclepsc.PaymentReferenceID(key))
}
func (e *oracleEnv) Inject(f fake.Fault)               { e.srv.Inject(f) }
func (e *oracleEnv) ClearFaults()                      { e.srv.ClearFaults() }
func (e *oracleEnv) CallsFor(endpoint, key string) int { return e.srv.CallsFor(endpoint, key) }
func (e *oracleEnv) Logins() int                       { return e.srv.Logins() }
func (e *oracleEnv) ExpireAuth()                       { e.srv.ExpireTokens() }
func (e *oracleEnv) NewConns() int64                   { return e.srv.NewConns() }
func (e *oracleEnv) Secrets() []string {
	return append(e.srv.IssuedSecrets(), oraclepsctest.DefaultPassword)
}

func TestConformance(t *testing.T) {
	conformance.Run(t, subject)
}

func TestSettleConformance(t *testing.T) {
	conformance.RunSettle(t, conformance.SettleSubject{
		Subject: subject,
		StartSettle: func(t *testing.T, opts ...oraclepsc.Option) conformance.SettleEnv {
			return subject.Start(t, false, opts...).(*oracleEnv)
		},
	})
}

var subject = conformance.Subject{
	Partner:       "oraclepsc",
	WriteOp:       "CreateCheckoutPayment",
	LoginOp:       "Token",
	WriteEndpoint: oraclepsctest.EndpointCreate,
	LoginEndpoint: oraclepsctest.EndpointTokenRelay,
	Start: func(t *testing.T, useTLS bool, opts ...oraclepsc.Option) conformance.Env {
		srv := oraclepsctest.NewServer(oraclepsctest.Options{TLS: useTLS})
		t.Cleanup(srv.Close)
		if useTLS {
			opts = append(opts, conformance.TrustTLS(srv.CertPool()))
		}
		c, err := oraclepsc.New(srv.BearerConfig(), opts...)
		require.NoError(t, err)
		return &oracleEnv{srv: srv, c: c, items: map[string]item{}}
	},
}

func TestPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := oraclepsctest.NewServer(oraclepsctest.Options{})
	defer srv.Close()
	c, err := oraclepsc.New(srv.Config())
	require.NoError(t, err)
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), srv.BearerConfig(), c, oraclepsc.Token{AccessToken: "a.b.c", Expiry: time.Now()},
		oraclepsc.CreateCheckoutPaymentRequest{}, oraclepsc.CreateCheckoutPaymentResult{}, oraclepsc.CheckoutPayment{},
		oraclepsc.Link{}, oraclepsc.LinkProperties{}, oraclepsc.ListCheckoutPaymentsRequest{}, oraclepsc.Filter{},
		oraclepsc.OrderBy{}, oraclepsc.ListCheckoutPaymentsResult{}, oraclepsc.GetCheckoutPaymentRequest{},
		oraclepsc.Date{}, oraclepsc.DateTime{}, oraclepsc.SettleRequest{}, oraclepsc.SettleResult{},
	)
}
