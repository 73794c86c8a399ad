package accela_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/stretchr/testify/require"
)

// accelaEnv adapts the fake Accela to the behaviour conformance suite. An
// item is a transaction opened for a fresh record; the write commits it.
type accelaEnv struct {
	srv     *accelatest.Server
	c       *accela.Client
	n       atomic.Int64
	records sync.Map // transaction id -> record id
}

func (e *accelaEnv) NewItem() string {
	record := fmt.Sprintf("TACOMA-C-%06d", e.n.Add(1))
	e.srv.AddRecord(accelatest.Record{ID: record})
	txn := e.srv.OpenTransaction(record)
	e.records.Store(txn, record)
	return string(txn)
}

func (e *accelaEnv) commit(ctx context.Context, txn accela.ID) error {
	req := &accela.CommitPaymentRequest{
		TransactionID: txn, Amount: accela.Cents(10050), PaymentMethod: accela.CreditCard,
		PaymentSystemTransactionID: "pay-" + string(txn),
	}
	if record, ok := e.records.Load(txn); ok {
		req.RecordIDs = []string{record.(string)}
	}
	_, err := e.c.CommitPayment(ctx, req)
	return err
}

func (e *accelaEnv) Hint(err error) []byte {
	req, ok := accela.SettleRequestOf(err)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(req)
	return b
}

func (e *accelaEnv) Settle(ctx context.Context, hint []byte, otherAmount bool) (accela.Settlement, bool, error) {
	var req accela.SettleRequest
	if err := json.Unmarshal(hint, &req); err != nil {
		return accela.SettleUnknown, false, err
	}
	if otherAmount {
		req.Amount = accela.Cents(10051)
	}
	res, err := e.c.Settle(ctx, &req)
	if err != nil {
		return accela.SettleUnknown, false, err
	}
	return res.Status, res.AmountDiffers, nil
}

func (e *accelaEnv) SetReadLag(d time.Duration) { e.srv.SetReadLag(d) }

func (e *accelaEnv) Write(ctx context.Context, key string) error {
	return e.commit(ctx, accela.ID(key))
}
func (e *accelaEnv) WriteInvalid(ctx context.Context) error { return e.commit(ctx, "../1") }
func (e *accelaEnv) Applied(key string) int                 { return e.srv.Applied(accela.ID(key)) }
func (e *accelaEnv) Inject(f fake.Fault)                    { e.srv.Inject(f) }
func (e *accelaEnv) ClearFaults()                           { e.srv.ClearFaults() }
func (e *accelaEnv) CallsFor(endpoint, key string) int      { return e.srv.CallsFor(endpoint, key) }
func (e *accelaEnv) Logins() int                            { return e.srv.Grants("password") + e.srv.Grants("refresh_token") }
func (e *accelaEnv) ExpireAuth()                            { e.srv.ExpireTokens() }
func (e *accelaEnv) NewConns() int64                        { return e.srv.NewConns() }
func (e *accelaEnv) Secrets() []string {
	return append(e.srv.IssuedSecrets(), accelatest.DefaultAppSecret, accelatest.DefaultPassword)
}

func TestConformance(t *testing.T) {
	conformance.Run(t, subject)
}

func TestSettleConformance(t *testing.T) {
	conformance.RunSettle(t, conformance.SettleSubject{
		Subject: subject,
		StartSettle: func(t *testing.T, opts ...accela.Option) conformance.SettleEnv {
			return subject.Start(t, false, opts...).(*accelaEnv)
		},
	})
}

var subject = conformance.Subject{
	Partner:       "accela",
	WriteOp:       "CommitPayment",
	LoginOp:       "Token",
	WriteEndpoint: accelatest.EndpointCommit,
	LoginEndpoint: accelatest.EndpointToken,
	Start: func(t *testing.T, useTLS bool, opts ...accela.Option) conformance.Env {
		srv := accelatest.NewServer(accelatest.Options{TLS: useTLS})
		t.Cleanup(srv.Close)
		if useTLS {
			opts = append(opts, conformance.TrustTLS(srv.CertPool()))
		}
		c, err := accela.New(srv.Config(), opts...)
		require.NoError(t, err)
		return &accelaEnv{srv: srv, c: c}
	},
}

func TestPrintsNoSecrets(t *testing.T) {
	srv := accelatest.NewServer(accelatest.Options{})
	defer srv.Close()
	c, err := accela.New(srv.Config())
	require.NoError(t, err)
	_, err = c.ListRecordPayments(context.Background(), &accela.ListRecordPaymentsRequest{RecordID: "none"})
	require.Error(t, err) // logged in, so the client holds a token
	conformance.PrintsNoCredentials(t, c, append(srv.IssuedSecrets(), accelatest.DefaultAppSecret, accelatest.DefaultPassword)...)
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), c, accela.Token{}, accela.RecordID{}, accela.InitializePaymentRequest{}, accela.InitializePaymentResult{},
		accela.CommitPaymentRequest{}, accela.CreditCardInfo{}, accela.BillingAddress{}, accela.CommitPaymentResult{},
		accela.CompletePayment{}, accela.VoidPaymentRequest{}, accela.VoidReason{}, accela.VoidPaymentResult{},
		accela.ListRecordPaymentsRequest{}, accela.ListRecordPaymentsResult{}, accela.Payment{},
		accela.SettleRequest{}, accela.SettleResult{},
	)
}
