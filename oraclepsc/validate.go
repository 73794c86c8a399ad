package oraclepsc

import (
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// Maximum lengths of the partner document, in characters.
const (
	maxCheckoutID = 50
	maxReference  = 50
	maxName       = 100 // CheckName, PayerName, Description, the response messages
	maxAddress    = 240 // CheckAddress, PayerAddress, Comments
	maxAttribute  = 64  // an attribute name in Fields or OrderBy
)

// textField is one string attribute and its limit. Free text may hold
// line breaks and is searched for card numbers; the other attributes are
// codes and ids.
type textField struct {
	name  string
	value string
	max   int
	free  bool
}

func (r *CreateCheckoutPaymentRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opCreate)
	}
	chk.PathSegment("CheckoutID", string(r.CheckoutID), maxCheckoutID)
	checkReference(&chk, "PaymentReferenceID", r.PaymentReferenceID, true)
	switch {
	case r.CheckoutPmtID < 0:
		chk.Add("CheckoutPmtID", "must not be negative")
	case r.Upsert && r.CheckoutPmtID == 0:
		chk.Add("CheckoutPmtID", "is required with Upsert: Oracle matches the row to update by it")
	}
	if r.AgencyID < 0 {
		chk.Add("AgencyID", "must not be negative")
	}
	for _, f := range [...]textField{
		{"AuthorizationCode", r.AuthorizationCode, 10, false},
		{"AuthorizationStatus", r.AuthorizationStatus, 4, false},
		{"CashierID", r.CashierID, 50, false},
		{"CheckAddress", r.CheckAddress, maxAddress, true},
		{"CheckName", r.CheckName, maxName, true},
		{"CheckNumber", r.CheckNumber, 10, false},
		{"Comments", r.Comments, maxAddress, true},
		{"Description", r.Description, maxName, true},
		{"DrawerID", r.DrawerID, 30, false},
		{"FirstResponseMessage", r.FirstResponseMessage, maxName, true},
		{"PayerAddress", r.PayerAddress, maxAddress, true},
		{"PayerName", r.PayerName, maxName, true},
		{"PaymentMethodCode", r.PaymentMethodCode, 30, false},
		{"PaymentTrackingData", r.PaymentTrackingData, 50, false},
		{"PaymentTrackingDataPlus", r.PaymentTrackingDataPlus, 50, false},
		{"PaymentTransactionID", r.PaymentTransactionID, 50, false},
		{"PrimaryID", r.PrimaryID, 3, false},
		{"SecondaryID", r.SecondaryID, 3, false},
		{"SecondResponseMessage", r.SecondResponseMessage, maxName, true},
		{"SessionID", r.SessionID, 50, false},
		{"ThirdResponseMessage", r.ThirdResponseMessage, maxName, true},
	} {
		switch {
		case plain(f.value, f.max, f.free):
		case f.free:
			chk.FreeText(f.name, f.value, f.max)
		default:
			chk.OptionalText(f.name, f.value, f.max)
		}
	}
	if c := r.PaymentCurrency; c != "" && (len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		chk.Add("PaymentCurrency", `must be a 3-letter ISO 4217 code in capitals, e.g. "USD"`)
	}
	chk.Money("ChangeAmount", r.ChangeAmount, false)
	chk.Money("LineAmount", r.LineAmount, false)
	chk.Money("TotalTendAmount", r.TotalTendAmount, false)
	for _, d := range [...]struct {
		name string
		date Date
	}{{"CheckDate", r.CheckDate}, {"PaymentDate", r.PaymentDate}} {
		if !d.date.IsZero() && (!d.date.valid() || d.date.Year < 1) {
			chk.Add(d.name, "is not a calendar date (years 1 to 9999)")
		}
	}
	if t := r.AuthorizationDttm; !t.IsZero() && (t.Year() < 1 || t.Year() > 9999) {
		chk.Add("AuthorizationDttm", "must be in the years 1 to 9999")
	}
	return chk.Err(partner, opCreate)
}

// minCardDigits is the length of the shortest card number.
const minCardDigits = 13

// plain reports, without running them, that the common value passes the
// text checks (Checks.OptionalText, or Checks.FreeText when free): at most
// max bytes of printable ASCII, no leading or trailing space for an id,
// and for free text fewer digits than any card number has. Anything else
// is left to the full checks, which also word the complaints; plain only
// spares a create the cost of running them on every attribute.
func plain(value string, max int, free bool) bool {
	if len(value) > max {
		return false
	}
	digits := 0
	for i := 0; i < len(value); i++ {
		switch b := value[i]; {
		case b < 0x20 || b > 0x7e:
			return false
		case b >= '0' && b <= '9':
			digits++
		}
	}
	if free {
		return digits < minCardDigits
	}
	return value == "" || (value[0] != ' ' && value[len(value)-1] != ' ')
}

// checkReference checks a PaymentReferenceID: the rules of an id, and
// nothing a q filter could not express (see checkQValue).
func checkReference(chk *transport.Checks, field string, ref PaymentReferenceID, required bool) {
	if required && !chk.Required(field, string(ref)) {
		return
	}
	checkQValue(chk, field, string(ref), maxReference)
}

// checkQValue checks a value that goes into q: an id's rules, and no quote
// or semicolon, which would end the value in one syntax or the other.
func checkQValue(chk *transport.Checks, field, value string, maxLen int) {
	if strings.ContainsAny(value, `'";`) {
		chk.Add(field, "must not contain quotes or semicolons (they cannot be expressed in a q filter)")
		return
	}
	chk.OptionalText(field, value, maxLen)
}

func (r *ListCheckoutPaymentsRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	chk.PathSegment("CheckoutID", string(r.CheckoutID), maxCheckoutID)
	checkFilter(&chk, &r.Filter)
	for _, f := range r.Fields {
		checkAttribute(&chk, "Fields", f)
	}
	for _, o := range r.OrderBy {
		checkAttribute(&chk, "OrderBy.Field", o.Field)
	}
	switch {
	case r.Limit < 0 || r.Limit > MaxLimit:
		chk.Add("Limit", "must be between 0 and 500")
	case r.Offset < 0:
		chk.Add("Offset", "must not be negative")
	}
	return chk.Err(partner, op)
}

func checkFilter(chk *transport.Checks, f *Filter) {
	if f.CheckoutPmtID < 0 {
		chk.Add("Filter.CheckoutPmtID", "must not be negative")
	}
	for _, t := range f.terms() {
		if !t.number {
			checkQValue(chk, t.field, t.value, 50)
		}
	}
}

// checkAttribute checks an attribute name: letters, digits and
// underscores, starting with a letter.
func checkAttribute(chk *transport.Checks, field, name string) {
	ok := name != "" && len(name) <= maxAttribute
	for i := 0; ok && i < len(name); i++ {
		b := name[i]
		ok = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || i > 0 && (b >= '0' && b <= '9' || b == '_')
	}
	if !ok {
		chk.Add(field, "must be attribute names as Oracle spells them (letters, digits, underscores), e.g. PaymentDate")
	}
}

func (r *GetCheckoutPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	chk.PathSegment("CheckoutID", string(r.CheckoutID), maxCheckoutID)
	if r.CheckoutPmtID <= 0 {
		chk.Add("CheckoutPmtID", "is required (a positive number)")
	}
	return chk.Err(partner, op)
}
