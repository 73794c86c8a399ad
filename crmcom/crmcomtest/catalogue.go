package crmcomtest

import (
	"slices"
	"strconv"
)

// entity is one catalogue entry: a financial transaction type, payment
// method, category, unit, user or rejection reason.
type entity struct {
	id, name, alternativeCode, code, description string
	classification                               string // types: PAYMENT or PAYMENT_CANCELLATION
	gateway                                      bool   // methods: linked to a payment gateway
	email                                        string // users
}

// field returns the entity's value for an identifier field.
func (e *entity) field(name string) string {
	switch name {
	case "id":
		return e.id
	case "name", "username":
		return e.name
	case "alternative_code":
		return e.alternativeCode
	case "code":
		return e.code
	}
	return ""
}

// catalogue is what every fake knows besides its ledger, named as in the
// partner document's samples.
type catalogue struct {
	types, methods, categories, units, users, reasons []*entity
}

func newCatalogue(loginUser string) catalogue {
	c := catalogue{
		types: []*entity{
			{id: "9CC46F8C0A203CCA7A40B58825E74704", name: PaymentType, alternativeCode: "INVBALPAY", classification: "PAYMENT"},
			{id: "1A2B3C4D5E6F708192A3B4C5D6E7F801", name: OtherPaymentType, alternativeCode: "PAY1", classification: "PAYMENT"},
			{id: "5D4C3B2A19F8E7D6C5B4A39281706F5E", name: CancellationType, alternativeCode: "PAYCANC", classification: "PAYMENT_CANCELLATION"},
		},
		methods: []*entity{
			{id: "PM3", name: DirectDebit, alternativeCode: "DD", description: "Direct Debit"},
			{id: "PM7", name: BankTransfer, alternativeCode: "BT", description: "Bank Transfer"},
			{id: "PM9", name: GatewayMethod, alternativeCode: "STRIPE", description: "Stripe", gateway: true},
		},
		categories: []*entity{
			{id: "C1", name: InvoiceCategory, code: "INVPAY"},
			{id: "C2", name: BillCategory, code: "BILLPAY"},
			{id: "C3", name: CancellationCategory, code: "MISTAKE"},
		},
		units: []*entity{
			{id: "48305F8849E3C18B227C5BE3A27BA6DF", name: AdminUnit, alternativeCode: "MG", description: "r1"},
		},
		users: []*entity{
			{id: "B8650C555C4EA8C741103961276E7773", name: loginUser, email: "j_hadjicosti@crm.com"},
		},
		reasons: []*entity{
			{id: "R1", name: RejectionReason, alternativeCode: "BUSREQ"},
		},
	}
	if loginUser != OtherUser {
		c.users = append(c.users, &entity{id: "0F1E2D3C4B5A69788796A5B4C3D2E1F0", name: OtherUser, email: "admin@crm.com"})
	}
	return c
}

// Allowed identifier fields per kind, as package crmcom sends them.
var (
	paymentFields  = []string{"id", "number", "reference_number", "back_office_code"}
	accountFields  = []string{"id", "number", "name"}
	typeFields     = []string{"id", "name", "alternative_code"}
	categoryFields = []string{"id", "name", "code"}
	methodFields   = []string{"id", "name", "alternative_code"}
	invoiceFields  = []string{"id", "number", "reference_number"}
	userFields     = []string{"id", "username"}
	unitFields     = []string{"id", "name", "alternative_code"}
	cardFields     = []string{"id", "payment_gateway_reference_number"}
	reasonFields   = []string{"id", "name", "alternative_code"}
)

// ident is an identifier as the fake decodes it: {"field":"value"}.
type ident map[string]string

// one checks that id has exactly one allowed field with a value and
// returns it, or a refusal message.
func (id ident) one(param string, allowed []string) (field, value, problem string) {
	if len(id) != 1 {
		return "", "", param + " must have exactly one field"
	}
	for f, v := range id {
		field, value = f, v
	}
	switch {
	case !slices.Contains(allowed, field):
		return "", "", param + " does not allow the field " + strconv.Quote(field)
	case value == "":
		return "", "", param + "." + field + " is empty"
	}
	return field, value, ""
}

// value is the identifier's one value, or "" (a fault key).
func (id ident) value() string {
	if len(id) != 1 {
		return ""
	}
	for _, v := range id {
		return v
	}
	return ""
}

// find resolves an identifier against a catalogue list.
func find(list []*entity, field, value string) *entity {
	for _, e := range list {
		if e.field(field) == value {
			return e
		}
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
