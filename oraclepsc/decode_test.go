package oraclepsc_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	docSelf   = "https://fa-test.oraclepsc.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001/child/CheckoutPmt/00020000000EACED0005770800110D9A1B2C3D4E"
	docParent = "https://fa-test.oraclepsc.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001"
	docChange = "ACED0005737200136A6176612E7574696C2E41727261794C6973747881D21D99C7619D03000149000473697A65787000000001"
)

// The item response schema, decoded through the client: every attribute,
// the links and the headers.
func TestDecodeCreateResponse(t *testing.T) {
	t.Parallel()
	hc, _ := mockOracle(t, created(t))
	c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.CreateCheckoutPayment(context.Background(), fullRequest(t))
	require.NoError(t, err)

	assert.True(t, res.Created)
	assert.Equal(t, docSelf, res.Location)
	assert.Equal(t, "ACED0005737200136A", res.ETag)
	assert.Equal(t, "005ZUQ2Ci7E2E0WZ", res.TraceID)

	want := oraclepsc.CheckoutPayment{
		CheckoutID:              wireCheckout,
		CheckoutPmtID:           wirePmt,
		PaymentReferenceID:      wireRef,
		AgencyID:                1,
		AuthorizationCode:       "A1B2C3",
		AuthorizationDttm:       oraclepsc.DateTime{Time: time.Date(2024, 5, 1, 18, 3, 7, 250e6, time.UTC)},
		AuthorizationStatus:     "APPR",
		CashierID:               "CASHIER_01",
		ChangeAmount:            amount(t, "4.50"),
		CheckAddress:            "100 Main Street, Springfield",
		CheckDate:               oraclepsc.Date{Year: 2024, Month: time.April, Day: 30},
		CheckName:               "Jane Q. Citizen",
		CheckNumber:             "1042",
		Comments:                "Building permit fees, paid in person",
		Description:             "Permit BLD-2024-00042",
		DrawerID:                "DRAWER-3",
		FirstResponseMessage:    "Approved",
		LineAmount:              amount(t, "100.50"),
		PayerAddress:            "100 Main Street, Springfield",
		PayerName:               "Jane Q. Citizen",
		PaymentCurrency:         "USD",
		PaymentDate:             oraclepsc.Date{Year: 2024, Month: time.May, Day: 1},
		PaymentMethodCode:       "CHECK",
		PaymentTrackingData:     "PERMIT-42",
		PaymentTrackingDataPlus: "FEE-7",
		PaymentTransactionID:    "TXN-000042",
		PrimaryID:               "DL",
		SecondaryID:             "SSN",
		SecondResponseMessage:   "Check verified",
		SessionID:               "CS-2024-05-01-01",
		ThirdResponseMessage:    "Receipt printed",
		TotalTendAmount:         amount(t, "105"),
		Links: []oraclepsc.Link{
			{Rel: "self", Href: docSelf, Name: "CheckoutPmt", Kind: "item", Properties: oraclepsc.LinkProperties{ChangeIndicator: docChange}},
			{Rel: "canonical", Href: docSelf, Name: "CheckoutPmt", Kind: "item"},
			{Rel: "parent", Href: docParent, Name: "publicSectorCheckouts", Kind: "item"},
		},
	}
	got := res.Payment
	assert.True(t, want.AuthorizationDttm.Equal(got.AuthorizationDttm.Time), "%v", got.AuthorizationDttm)
	got.AuthorizationDttm = want.AuthorizationDttm // same instant; the zone is Oracle's
	assert.Equal(t, want, got)

	self, ok := got.Link("self")
	require.True(t, ok)
	assert.Equal(t, docChange, self.Properties.ChangeIndicator)
	_, ok = got.Link("enclosure")
	assert.False(t, ok)
}

func TestDecodeListResponse(t *testing.T) {
	t.Parallel()
	hc, _ := mockOracle(t, answer{status: 200, body: fixture(t, "list-response.json"), header: map[string][]string{"X-Oracle-Dms-Ecid": {"ecid-1"}}})
	c, err := oraclepsc.New(wireConfig(), oraclepsc.WithHTTPClient(hc))
	require.NoError(t, err)
	res, err := c.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{CheckoutID: wireCheckout})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Count)
	assert.False(t, res.HasMore)
	assert.Equal(t, 25, res.Limit)
	assert.Zero(t, res.Offset)
	assert.Zero(t, res.TotalResults, "not asked for")
	assert.Equal(t, "ecid-1", res.TraceID)
	require.Len(t, res.Links, 1)
	assert.Equal(t, oraclepsc.Link{Rel: "self", Kind: "collection", Name: "CheckoutPmt",
		Href: "https://fa-test.oraclepsc.example/fscmRestApi/resources/11.13.18.05/publicSectorCheckouts/300000100000001/child/CheckoutPmt"}, res.Links[0])
	require.Len(t, res.Items, 1)
	p := res.Items[0]
	assert.Equal(t, oraclepsc.CheckoutPmtID(wirePmt), p.CheckoutPmtID)
	assert.Equal(t, oraclepsc.PaymentReferenceID(wireRef), p.PaymentReferenceID)
	assert.Equal(t, "100.50", p.LineAmount.String())
	assert.Equal(t, "2024-05-01", p.PaymentDate.String())
	assert.True(t, p.AuthorizationDttm.IsZero(), "null is unset")
	assert.True(t, p.CheckDate.IsZero(), "null is unset")
	assert.True(t, p.ChangeAmount.IsZero(), "null is unset")
	assert.Empty(t, p.Comments)
	require.Len(t, p.Links, 1)

	assert.Len(t, res.FindReference(wireRef), 1)
	assert.Empty(t, res.FindReference("CPAY452819007736123"), "only exact matches")
}

// Oracle's JSON in the forms the SDK reads leniently, so an applied
// payment is never turned into an unknown outcome by a format detail.
func TestDecodeTolerantForms(t *testing.T) {
	t.Parallel()
	var p oraclepsc.CheckoutPayment
	require.NoError(t, json.Unmarshal([]byte(`{
		"CheckoutPmtId": "300000100000123",
		"LineAmount": "100.50",
		"AuthorizationDttm": "2024-05-01T18:03:07.25+0000",
		"CheckDate": "2024-04-30T00:00:00-04:00",
		"PaymentDate": ""
	}`), &p))
	assert.Equal(t, oraclepsc.CheckoutPmtID(300000100000123), p.CheckoutPmtID)
	assert.Equal(t, "100.50", p.LineAmount.String())
	assert.True(t, p.AuthorizationDttm.Equal(time.Date(2024, 5, 1, 18, 3, 7, 250e6, time.UTC)))
	assert.Equal(t, oraclepsc.Date{Year: 2024, Month: time.April, Day: 30}, p.CheckDate, "the date where it was written")
	assert.True(t, p.PaymentDate.IsZero())

	for in, want := range map[string]time.Time{
		`"2024-05-01T18:03:07Z"`:             time.Date(2024, 5, 1, 18, 3, 7, 0, time.UTC),
		`"2024-05-01T14:03:07.123456-04:00"`: time.Date(2024, 5, 1, 18, 3, 7, 123456000, time.UTC),
		`"2024-05-01T18:03:07"`:              time.Date(2024, 5, 1, 18, 3, 7, 0, time.UTC),
		`"2024-05-01T18:03:07.5"`:            time.Date(2024, 5, 1, 18, 3, 7, 5e8, time.UTC),
	} {
		var d oraclepsc.DateTime
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.True(t, d.Equal(want), "%s: %v", in, d)
	}
	for _, bad := range []string{`"yesterday"`, `12`, `"2024-13-01T00:00:00Z"`, `{"a":1}`} {
		var d oraclepsc.DateTime
		err := json.Unmarshal([]byte(bad), &d)
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "yesterday", "the input is never repeated")
	}
	var id oraclepsc.CheckoutPmtID
	assert.Error(t, json.Unmarshal([]byte(`"30000010000012x"`), &id))
	assert.Error(t, json.Unmarshal([]byte(`1.5`), &id))
	require.NoError(t, json.Unmarshal([]byte(`null`), &id))
	assert.Zero(t, id)
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	d := oraclepsc.Date{Year: 2024, Month: time.February, Day: 29}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Equal(t, `"2024-02-29"`, string(b))
	assert.Equal(t, "2024-02-29", d.String())
	assert.Equal(t, "0099-01-02", oraclepsc.Date{Year: 99, Month: 1, Day: 2}.String(), "four-digit years")
	assert.Equal(t, "", oraclepsc.Date{}.String())
	b, err = json.Marshal(oraclepsc.Date{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
	_, err = json.Marshal(oraclepsc.Date{Year: 2023, Month: time.February, Day: 29})
	assert.Error(t, err, "not a calendar date")
	assert.Equal(t, d, oraclepsc.DateOf(time.Date(2024, 2, 29, 23, 59, 0, 0, time.FixedZone("X", -11*3600))))

	for in, want := range map[string]oraclepsc.Date{
		`"2024-02-29"`: d, `null`: {}, `""`: {}, `"2024-02-29T10:00:00+05:00"`: d,
		`"0000-01-01"`: {Year: 0, Month: time.January, Day: 1}, // a "no date" some systems write
	} {
		var got oraclepsc.Date
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
		_, err := json.Marshal(got)
		assert.NoError(t, err, "what decodes encodes again")
	}
	for _, bad := range []string{`"2024-02-30"`, `"29/02/2024"`, `20240229`, `"2024-2-29"`} {
		var got oraclepsc.Date
		err := json.Unmarshal([]byte(bad), &got)
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "29", "the input is never repeated")
	}

	dt := oraclepsc.DateTime{Time: time.Date(2024, 5, 1, 18, 3, 7, 250999999, time.UTC)}
	b, err = json.Marshal(dt)
	require.NoError(t, err)
	assert.Equal(t, `"2024-05-01T18:03:07.250+00:00"`, string(b), "milliseconds, numeric offset")
	b, err = json.Marshal(oraclepsc.DateTime{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}
