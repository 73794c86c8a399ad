package crmcom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/stretchr/testify/require"
)

// conformanceAccounts is how many accounts the conformance invoices are
// spread over (numbers 200 to 215), so concurrent payments land on one
// account and Settle reads back a busy one.
const conformanceAccounts = 16

// crmcomEnv adapts the fake CRM.COM to the behaviour conformance suite. An
// item is an invoice of 50.00 of one of the conformance accounts; the
// write pays it (PayInvoice, expecting 50.00), and the key is the invoice
// number, PayInvoice's fault key.
type crmcomEnv struct {
	srv      *crmcomtest.Server
	c        *crmcom.Client
	n        atomic.Int64
	accounts sync.Map // invoice number -> account number
}

func (e *crmcomEnv) NewItem() string {
	n := e.n.Add(1)
	number, account := fmt.Sprintf("I%08d", n), crmcom.ID(fmt.Sprint(200+n%conformanceAccounts))
	e.srv.AddInvoice(crmcomtest.Invoice{Account: account, Number: crmcom.ID(number), Amount: crmcom.Cents(5000)})
	e.accounts.Store(number, account)
	return number
}

// payInvoice pays an invoice of account 192.
func payInvoice(number crmcom.ID) *crmcom.PayInvoiceRequest {
	return &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: "192"},
		Invoice:            crmcom.InvoiceIdentifier{Number: number},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit},
	}
}

func (e *crmcomEnv) Write(ctx context.Context, key string) error {
	req := payInvoice(crmcom.ID(key))
	if account, ok := e.accounts.Load(key); ok {
		req.AccountsReceivable.Number = account.(crmcom.ID)
	}
	req.ExpectedAmount = crmcom.Cents(5000)
	_, err := e.c.PayInvoice(ctx, req)
	return err
}

func (e *crmcomEnv) Hint(err error) []byte {
	req, ok := crmcom.SettleRequestOf(err)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(req)
	return b
}

func (e *crmcomEnv) Settle(ctx context.Context, hint []byte, otherAmount bool) (crmcom.Settlement, bool, error) {
	var req crmcom.SettleRequest
	if err := json.Unmarshal(hint, &req); err != nil {
		return crmcom.SettleUnknown, false, err
	}
	if otherAmount {
		req.Amount = crmcom.Cents(5001)
	}
	res, err := e.c.Settle(ctx, &req)
	if err != nil {
		return crmcom.SettleUnknown, false, err
	}
	return res.Status, res.AmountDiffers, nil
}

func (e *crmcomEnv) SetReadLag(d time.Duration) { e.srv.SetReadLag(d) }

// WriteInvalid names the invoice by two fields, which CRM.COM does not
// allow.
func (e *crmcomEnv) WriteInvalid(ctx context.Context) error {
	req := payInvoice("I1")
	req.Invoice.ReferenceNumber = "328"
	_, err := e.c.PayInvoice(ctx, req)
	return err
}

func (e *crmcomEnv) Applied(key string) int            { return e.srv.Applied(key) }
func (e *crmcomEnv) Inject(f fake.Fault)               { e.srv.Inject(f) }
func (e *crmcomEnv) ClearFaults()                      { e.srv.ClearFaults() }
func (e *crmcomEnv) CallsFor(endpoint, key string) int { return e.srv.CallsFor(endpoint, key) }
func (e *crmcomEnv) Logins() int                       { return e.srv.Logins() }
func (e *crmcomEnv) ExpireAuth()                       { e.srv.ExpireTokens() }
func (e *crmcomEnv) NewConns() int64                   { return e.srv.NewConns() }
func (e *crmcomEnv) Secrets() []string {
	return append(e.srv.IssuedSecrets(), crmcomtest.DefaultPassword)
}

func conformanceSubject(opts crmcomtest.Options) conformance.Subject {
	return conformance.Subject{
		Partner:       "crmcom",
		WriteOp:       "PayInvoice",
		LoginOp:       "Login",
		WriteEndpoint: crmcomtest.EndpointPayInvoice,
		LoginEndpoint: crmcomtest.EndpointLogin,
		Start: func(t *testing.T, useTLS bool, clientOpts ...crmcom.Option) conformance.Env {
			o := opts
			o.TLS = useTLS
			srv := crmcomtest.NewServer(o)
			t.Cleanup(srv.Close)
			srv.AddAccount(crmcomtest.Account{Number: "192"})
			for n := range conformanceAccounts {
				srv.AddAccount(crmcomtest.Account{Number: crmcom.ID(fmt.Sprint(200 + n))})
			}
			if useTLS {
				clientOpts = append(clientOpts, conformance.TrustTLS(srv.CertPool()))
			}
			c, err := crmcom.New(srv.Config(), clientOpts...)
			require.NoError(t, err)
			return &crmcomEnv{srv: srv, c: c}
		},
	}
}

// TestConformance runs the suite against the fake as the partner
// document's samples suggest CRM.COM behaves: refusals under HTTP 200,
// opaque tokens. The other readings (refusals under 4xx, JWTs) are pinned
// by behaviour tests (TestRefusalsUnderHTTP400, TestJWTRenewedBeforeItsExpiry).
func TestConformance(t *testing.T) {
	conformance.Run(t, conformanceSubject(crmcomtest.Options{}))
}

// TestSettleConformance runs the settle suite on PayInvoice: 1,000
// invoices over 16 accounts, so Settle reads back accounts that other
// payments reach at the same time, past its first window of 50.
func TestSettleConformance(t *testing.T) {
	subject := conformanceSubject(crmcomtest.Options{})
	conformance.RunSettle(t, conformance.SettleSubject{
		Subject: subject,
		StartSettle: func(t *testing.T, opts ...crmcom.Option) conformance.SettleEnv {
			return subject.Start(t, false, opts...).(*crmcomEnv)
		},
	})
}

func TestPrintsNoSecrets(t *testing.T) {
	srv := crmcomtest.NewServer(crmcomtest.Options{})
	defer srv.Close()
	c, err := crmcom.New(srv.Config())
	require.NoError(t, err)
	require.NoError(t, c.Login(context.Background()))
	conformance.PrintsNoCredentials(t, c, append(srv.IssuedSecrets(), crmcomtest.DefaultPassword)...)
	conformance.PrintsNoSecrets(t, ".",
		srv.Config(), c,
		crmcom.PaymentIdentifier{}, crmcom.AccountsReceivableIdentifier{}, crmcom.TypeIdentifier{},
		crmcom.CategoryIdentifier{}, crmcom.PaymentMethodIdentifier{}, crmcom.InvoiceIdentifier{},
		crmcom.BillIdentifier{}, crmcom.UserIdentifier{}, crmcom.UnitIdentifier{}, crmcom.CardIdentifier{},
		crmcom.RejectionReasonIdentifier{},
		crmcom.Time{}, crmcom.UserDefinedFields{}, crmcom.UserDefinedValues{},
		crmcom.ShowPaymentRequest{}, crmcom.ListPaymentsRequest{}, crmcom.GetLatestPaymentsRequest{},
		crmcom.CreatePaymentRequest{}, crmcom.PayInvoiceRequest{}, crmcom.PayBillRequest{},
		crmcom.PostPaymentRequest{}, crmcom.RejectPaymentRequest{}, crmcom.CancelPaymentRequest{},
		crmcom.PaymentSummary{}, crmcom.PayResult{}, crmcom.CancelPaymentResult{},
		crmcom.ListPaymentsResult{}, crmcom.GetLatestPaymentsResult{}, crmcom.Payment{},
		crmcom.AccountsReceivable{}, crmcom.AccountOwner{}, crmcom.Demographics{}, crmcom.DayMonthYear{},
		crmcom.NamedEntity{}, crmcom.Unit{}, crmcom.User{}, crmcom.FinancialTransactionType{},
		crmcom.PaymentMethod{}, crmcom.Invoice{}, crmcom.Bill{}, crmcom.LogInformation{},
		crmcom.SettleRequest{}, crmcom.SettleResult{},
	)
}
