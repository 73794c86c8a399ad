package accela

import (
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// Length limits the SDK applies; Accela documents none, so they are
// generous and only stop runaway input.
const (
	maxID      = 128
	maxText    = 255
	maxComment = 4000
)

func checkQuery(chk *transport.Checks, fields []string, lang string) {
	for _, f := range fields {
		if strings.ContainsAny(f, ", ") {
			chk.Add("Fields", "each field name must be one name, without commas or spaces")
			continue
		}
		chk.Text("Fields", f, maxText)
	}
	chk.OptionalText("Lang", lang, 16)
}

func checkPaymentMethod(chk *transport.Checks, m PaymentMethod, required bool) {
	switch {
	case m == CreditCard || m == Check || (m == "" && !required):
	case m == "":
		chk.Add("PaymentMethod", `is required: "Credit Card" or "Check"`)
	default:
		chk.Add("PaymentMethod", `must be "Credit Card" or "Check"`)
	}
}

func (r *InitializePaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	checkPaymentMethod(&chk, r.PaymentMethod, false)
	chk.OptionalText("MerchantAccountID", r.MerchantAccountID, maxText)
	if len(r.EntityIDs) == 0 {
		chk.Add("EntityIDs", "needs at least one record id")
	}
	for _, id := range r.EntityIDs {
		chk.Text("EntityIDs", id, maxID)
	}
	checkQuery(&chk, r.Fields, r.Lang)
	return chk.Err(partner, op)
}

func (r *CommitPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	chk.PathSegment("TransactionID", string(r.TransactionID), maxID)
	for _, id := range r.RecordIDs {
		chk.PathSegment("RecordIDs", id, maxID)
	}
	chk.Money("Amount", r.Amount, true)
	chk.Money("ConvenienceFee", r.ConvenienceFee, false)
	checkPaymentMethod(&chk, r.PaymentMethod, true)
	chk.Text("PaymentSystemTransactionID", r.PaymentSystemTransactionID, maxText)
	chk.FreeText("Comments", r.Comments, maxComment)
	chk.OptionalText("MerchantAccountID", r.MerchantAccountID, maxText)
	chk.OptionalText("PayeePhone", r.PayeePhone, 32)
	if cc := r.CreditCard; cc != nil {
		chk.LastFour("CreditCard.CardNumberLastDigits", cc.CardNumberLastDigits)
		chk.Text("CreditCard.CardType", cc.CardType, 64)
		for _, f := range []struct{ name, value string }{
			{"CreditCard.HolderName", cc.HolderName}, {"CreditCard.BusinessName", cc.BusinessName},
		} {
			chk.OptionalText(f.name, f.value, maxText)
			chk.NoCardNumber(f.name, f.value)
		}
		if a := cc.BillingAddress; a != nil {
			chk.Text("CreditCard.BillingAddress.CountryCode", a.CountryCode, 8)
			for _, f := range []struct{ name, value string }{
				{"AddressLine1", a.AddressLine1}, {"AddressLine2", a.AddressLine2}, {"AddressLine3", a.AddressLine3},
				{"City", a.City}, {"PostalCode", a.PostalCode}, {"State", a.State},
			} {
				chk.OptionalText("CreditCard.BillingAddress."+f.name, f.value, maxText)
				chk.NoCardNumber("CreditCard.BillingAddress."+f.name, f.value)
			}
		}
	}
	checkQuery(&chk, r.Fields, r.Lang)
	return chk.Err(partner, op)
}

func (r *VoidPaymentRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	chk.PathSegment("PaymentID", string(r.PaymentID), maxID)
	chk.FreeText("Comments", r.Comments, maxComment)
	chk.OptionalText("Lang", r.Lang, 16)
	if r.Reason != nil {
		chk.FreeText("Reason.Text", r.Reason.Text, maxText)
		chk.OptionalText("Reason.Value", r.Reason.Value, maxText)
	}
	return chk.Err(partner, op)
}

func (r *ListRecordPaymentsRequest) check(op string) error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, op)
	}
	chk.PathSegment("RecordID", r.RecordID, maxID)
	if s := r.PaymentStatus; s != "" && s != "Y" && s != "N" {
		chk.Add("PaymentStatus", `must be "Y", "N" or empty`)
	}
	checkQuery(&chk, r.Fields, r.Lang)
	return chk.Err(partner, op)
}
