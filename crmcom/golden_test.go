package crmcom_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Golden decodes: every sample response of the partner document, served
// as printed, decoded through the client.

func at(y int, mo time.Month, d, h, mi, s int) crmcom.Time {
	return crmcom.Time{Time: time.Date(y, mo, d, h, mi, s, 0, time.UTC)}
}

func TestGoldenShowPayment(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodGet, "/payments/show", 200, fixture(t, "show-response.json"))
	got, err := c.ShowPayment(context.Background(), &crmcom.ShowPaymentRequest{Payment: crmcom.PaymentIdentifier{Number: "96"}})
	require.NoError(t, err)

	unit := crmcom.Unit{
		ID: "48305F8849E3C18B227C5BE3A27BA6DF", Name: "Admin Unit", Description: "r1", AlternativeCode: "MG",
		CommunityName: "Main Community", GroupName: "Main Group",
	}
	user := crmcom.User{ID: "B8650C555C4EA8C741103961276E7773", Username: "JackH", PersonName: "JackH", Email: "j_hadjicosti@crm.com"}
	cyprus := crmcom.NamedEntity{ID: "181", Name: "CYPRUS"}
	want := &crmcom.Payment{
		ID: "830C6B800A1EAB42EA8D670ED6871E41", Number: "96", ReferenceNumber: "111", LifeCycleState: crmcom.Posted,
		PaymentAmount: crmcom.Cents(6000),
		IssuedOn:      at(2014, 7, 14, 10, 40, 29), PostedOn: at(2014, 7, 14, 10, 41, 13), ReceivedOn: at(2014, 7, 14, 10, 40, 29),
		AccountsReceivable: crmcom.AccountsReceivable{
			ID: "2C5FC6F615FA9E798487AC0C293ECCE6", Number: "192", Name: "Peter Johnson Premium", LifeCycleState: "ACTIVE",
			AccountOwner: crmcom.AccountOwner{
				ID: "C73D1572FEA76C37A08945ECE4DECC98", Type: "PERSON", Name: "Peter Johnson", FirstName: "Peter", LastName: "Johnson",
				CompanyProfile: json.RawMessage("null"),
				Demographics: crmcom.Demographics{
					Gender: "MALE", DateOfBirth: crmcom.DayMonthYear{Day: 6, Month: 4, Year: 1985}, NameDay: crmcom.DayMonthYear{Day: 29, Month: 6},
					PassportNumber: "7839023", SocialSecurityNumber: "98374", IDNumber: "984783",
					IDIssuedByCountry: cyprus, CountryOfResidence: cyprus,
					IndustrySector: crmcom.NamedEntity{ID: "A9BDEBD4D8FAEDB0BACE40C041156D12", Name: "GOVERNMENTAL"},
				},
			},
		},
		ReceivedByUnit: unit,
		ReceivedByUser: user,
		Type: crmcom.FinancialTransactionType{
			ID: "9CC46F8C0A203CCA7A40B58825E74704", Name: "Invoices Balance Payment", AlternativeCode: "INVBALPAY", Classification: "PAYMENT",
		},
		PaymentMethod: crmcom.PaymentMethod{ID: "PM7", Name: "Bank Transfer", Description: "Bank Transfer", AlternativeCode: "BT"},
		InvoicesToPaySet: []crmcom.Invoice{{
			ID: "176AB06AE6DBFDB103182C67C68A2A8B", Number: "I00000294", ReferenceNumber: "322", LifeCycleState: "POSTED",
			TotalAmount: crmcom.Cents(13800), IssuedOn: at(2014, 7, 14, 10, 31, 15), DueOn: at(2014, 8, 17, 10, 35, 57),
			PostedOn: at(2014, 7, 14, 10, 35, 57),
		}},
		BillsToPaySet: []crmcom.Bill{},
		LogInformation: crmcom.LogInformation{
			CreatedDate: at(2014, 7, 14, 10, 40, 29), UpdatedDate: at(2014, 7, 14, 10, 41, 14),
			CreatedByUnit: unit, UpdatedByUnit: unit, CreatedByUser: user, UpdatedByUser: user,
		},
	}
	assert.Equal(t, want, got)
	assert.Equal(t, crmcom.PaymentIdentifier{ID: "830C6B800A1EAB42EA8D670ED6871E41"}, got.Identifier())
	assert.Equal(t, "REDACTED", got.AccountsReceivable.AccountOwner.Demographics.SocialSecurityNumber.String(), "personal numbers never print")
}

func TestGoldenListAndGetLatest(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	m.on(http.MethodGet, "/payments/list", 200, fixture(t, "list-response.json"))
	m.on(http.MethodGet, "/payments/get_latest", 200, fixture(t, "get-latest-response.json"))
	ar := crmcom.AccountsReceivableIdentifier{Number: "192"}
	list, err := c.ListPayments(context.Background(), &crmcom.ListPaymentsRequest{AccountsReceivable: ar})
	require.NoError(t, err)
	assert.Equal(t, []crmcom.Payment{
		{LifeCycleState: crmcom.Posted, ID: "830C6B800A1EAB42EA8D670ED6871E41", ReferenceNumber: "111"},
		{LifeCycleState: crmcom.Posted, ID: "F29426EFD767C7F35AC5BB179B8F7669", ReferenceNumber: "113"},
	}, list.Payments)

	latest, err := c.GetLatestPayments(context.Background(), &crmcom.GetLatestPaymentsRequest{AccountsReceivable: ar, Number: 2})
	require.NoError(t, err)
	assert.Equal(t, []crmcom.Payment{
		{Number: "98", ID: "F29426EFD767C7F35AC5BB179B8F7669", ReferenceNumber: "113"},
		{Number: "96", ID: "830C6B800A1EAB42EA8D670ED6871E41", ReferenceNumber: "111"},
	}, latest.Payments)
}

func TestGoldenWriteAnswers(t *testing.T) {
	t.Parallel()
	c, m := newMock(t, docToken)
	for path, sample := range map[string]string{
		"/payments/create": "create-response.json", "/payments/pay_invoice": "pay-invoice-response.json",
		"/payments/pay_bill": "pay-bill-response.json", "/payments/post": "post-response.json",
		"/payments/reject": "reject-response.json", "/payments/cancel": "cancel-response.json",
	} {
		m.on(http.MethodPost, path, 200, fixture(t, sample))
	}
	ctx := context.Background()

	created, err := c.CreatePayment(ctx, docCreate(t))
	require.NoError(t, err)
	assert.Equal(t, &crmcom.PaymentSummary{
		ID: "BF2392E94DB88F496656F6AFE860A673", Number: "245", ReferenceNumber: "277", LifeCycleState: crmcom.Posted,
		PaymentAmount: crmcom.Cents(5000), IssuedOn: at(2015, 2, 3, 10, 12, 48), PostedOn: at(2015, 2, 3, 10, 12, 52),
		PaymentGatewayReferenceNumber: "ch_15S1nyE0IcJRGs11wD2c3TUn", ProcessedByPaymentGateway: "STRIPE",
	}, created)

	paid, err := c.PayInvoice(ctx, docPayInvoice())
	require.NoError(t, err)
	assert.Equal(t, &crmcom.PayResult{Payment: crmcom.PaymentSummary{
		ID: "83DFE781350877933A6FA2A51EF0F102", Number: "100", ReferenceNumber: "115", LifeCycleState: crmcom.Posted,
		PaymentAmount: crmcom.Cents(22500), IssuedOn: at(2014, 7, 14, 16, 49, 11), PostedOn: at(2014, 7, 14, 16, 49, 11),
	}}, paid)

	bill, err := c.PayBill(ctx, docPayBill())
	require.NoError(t, err)
	assert.Equal(t, &crmcom.PayResult{Payment: crmcom.PaymentSummary{
		ID: "B88388BA9E05BCBBB4579A2D2EBB22DC", Number: "101", ReferenceNumber: "116", LifeCycleState: crmcom.Posted,
		PaymentAmount: crmcom.Cents(10000), IssuedOn: at(2014, 7, 14, 17, 1, 43), PostedOn: at(2014, 7, 14, 17, 1, 44),
	}}, bill)

	posted, err := c.PostPayment(ctx, &crmcom.PostPaymentRequest{Payment: crmcom.PaymentIdentifier{ReferenceNumber: "117"}})
	require.NoError(t, err)
	postedWant := crmcom.PaymentSummary{
		ID: "4653BEFC9239043011096B329DFEF3F7", Number: "102", ReferenceNumber: "117", LifeCycleState: crmcom.Posted,
		PaymentAmount: crmcom.Cents(5000), IssuedOn: at(2014, 7, 14, 17, 6, 14), PostedOn: at(2014, 7, 14, 17, 7, 13),
	}
	assert.Equal(t, &postedWant, posted)
	assert.Equal(t, crmcom.PaymentIdentifier{ID: "4653BEFC9239043011096B329DFEF3F7"}, posted.Identifier())

	rejected, err := c.RejectPayment(ctx, &crmcom.RejectPaymentRequest{
		Payment: crmcom.PaymentIdentifier{ReferenceNumber: "118"}, RejectionReason: crmcom.RejectionReasonIdentifier{Name: "x"},
	})
	require.NoError(t, err)
	assert.Equal(t, &crmcom.PaymentSummary{
		ID: "0ACCC72477BA606EE3B409400069F1BB", ReferenceNumber: "118", LifeCycleState: crmcom.Rejected,
		PaymentAmount: crmcom.Cents(5000), IssuedOn: at(2014, 7, 14, 17, 6, 28),
	}, rejected, "number and posted_on are null")

	cancelled, err := c.CancelPayment(ctx, docCancel())
	require.NoError(t, err)
	assert.Equal(t, &crmcom.CancelPaymentResult{
		Payment: postedWant,
		Cancellation: crmcom.PaymentSummary{
			ID: "8F3613168562A73556CECA0FEA772AFE", Number: "35", ReferenceNumber: "26", LifeCycleState: crmcom.Posted,
			PaymentAmount: crmcom.Cents(5000), IssuedOn: at(2014, 7, 14, 17, 21, 6), PostedOn: at(2014, 7, 14, 17, 21, 6),
		},
	}, cancelled)
}

// The decoders accept what CRM.COM might send besides the samples' forms.
func TestDecodeLenientForms(t *testing.T) {
	t.Parallel()
	var p crmcom.Payment
	require.NoError(t, json.Unmarshal([]byte(`{"id":830,"number":96,"reference_number":"111","payment_amount":"60.50",`+
		`"udf_float_1":"10.25","udf_float_2":3e2,"udf_date_1":"2014-07-14T10:40:29Z","issued_on":"","posted_on":null}`), &p))
	assert.Equal(t, crmcom.ID("830"), p.ID, "an integer id keeps its text")
	assert.Equal(t, crmcom.ID("96"), p.Number)
	assert.Equal(t, "60.50", p.PaymentAmount.String(), "an amount sent as a string")
	assert.Equal(t, crmcom.Decimal("10.25"), p.UDFFloat1)
	assert.Equal(t, crmcom.Decimal("3e2"), p.UDFFloat2)
	assert.True(t, p.UDFDate1.Equal(time.Date(2014, 7, 14, 10, 40, 29, 0, time.UTC)))
	assert.True(t, p.IssuedOn.IsZero())
	assert.True(t, p.PostedOn.IsZero())

	for _, bad := range []string{`{"id":1.5}`, `{"payment_amount":"ten"}`, `{"udf_float_1":"ten"}`, `{"udf_float_1":true}`, `{"issued_on":"14/07/2014"}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &p), bad)
	}
}
