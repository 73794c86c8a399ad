package crmcom_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/crmcom/crmcomtest"
	"github.com/civicpay/datapump/internal/conformance"
	"github.com/civicpay/datapump/internal/fake"
	"github.com/stretchr/testify/require"
)

// conformanceAccount is the account every conformance invoice belongs to.
const conformanceAccount = "192"

// crmcomEnv adapts the fake CRM.COM to the behaviour conformance suite. An
// item is an invoice of 50.00; the write pays it (PayInvoice), and the
// key is the invoice number, PayInvoice's fault key.
type crmcomEnv struct {
	srv *crmcomtest.Server
	c   *crmcom.Client
	n   atomic.Int64
}

func (e *crmcomEnv) NewItem() string {
	number := fmt.Sprintf("I%08d", e.n.Add(1))
	e.srv.AddInvoice(crmcomtest.Invoice{Account: conformanceAccount, Number: crmcom.ID(number), Amount: crmcom.Cents(5000)})
	return number
}

func payInvoice(number crmcom.ID) *crmcom.PayInvoiceRequest {
	return &crmcom.PayInvoiceRequest{
		AccountsReceivable: crmcom.AccountsReceivableIdentifier{Number: conformanceAccount},
		Invoice:            crmcom.InvoiceIdentifier{Number: number},
		Type:               crmcom.TypeIdentifier{Name: crmcomtest.PaymentType},
		PaymentMethod:      crmcom.PaymentMethodIdentifier{Name: crmcomtest.DirectDebit},
	}
}

func (e *crmcomEnv) Write(ctx context.Context, key string) error {
	_, err := e.c.PayInvoice(ctx, payInvoice(crmcom.ID(key)))
	return err
}

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
			srv.AddAccount(crmcomtest.Account{Number: conformanceAccount})
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
