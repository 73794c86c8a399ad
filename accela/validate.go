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

// firstInvalid returns the first failed check as a NotApplied *Error.
func firstInvalid(op string, checks ...*transport.ValidationError) error {
	for _, v := range checks {
		if v != nil {
			return transport.Invalid(partner, op, v.Field, v.Reason)
		}
	}
	return nil
}

func checkQuery(fields []string, lang string) []*transport.ValidationError {
	var out []*transport.ValidationError
	for _, f := range fields {
		v := transport.CheckText("Fields", f, maxText)
		if v == nil && strings.ContainsAny(f, ", ") {
			v = &transport.ValidationError{Field: "Fields", Reason: "each field name must be one name, without commas or spaces"}
		}
		out = append(out, v)
	}
	return append(out, transport.CheckOptionalText("Lang", lang, 16))
}

func checkPaymentMethod(m PaymentMethod, required bool) *transport.ValidationError {
	switch {
	case m == CreditCard || m == Check || (m == "" && !required):
		return nil
	case m == "":
		return &transport.ValidationError{Field: "PaymentMethod", Reason: `is required: "Credit Card" or "Check"`}
	}
	return &transport.ValidationError{Field: "PaymentMethod", Reason: `must be "Credit Card" or "Check"`}
}

func checkMoney(field string, a Amount, mustBePositive bool) *transport.ValidationError {
	switch {
	case mustBePositive && a.Sign() <= 0:
		return &transport.ValidationError{Field: field, Reason: "must be greater than zero"}
	case a.Sign() < 0:
		return &transport.ValidationError{Field: field, Reason: "must not be negative"}
	case a.DecimalPlaces() > 2:
		return &transport.ValidationError{Field: field, Reason: "must have at most 2 decimal places"}
	}
	return nil
}

func (r *InitializePaymentRequest) validate(op string) error {
	if r == nil {
		return transport.Invalid(partner, op, "request", "is nil")
	}
	checks := []*transport.ValidationError{
		checkPaymentMethod(r.PaymentMethod, false),
		transport.CheckOptionalText("MerchantAccountID", r.MerchantAccountID, maxText),
	}
	if len(r.EntityIDs) == 0 {
		checks = append(checks, &transport.ValidationError{Field: "EntityIDs", Reason: "needs at least one record id"})
	}
	for _, id := range r.EntityIDs {
		checks = append(checks, transport.CheckText("EntityIDs", id, maxID))
	}
	if r.EntityType != "" && r.EntityType != "record" {
		checks = append(checks, &transport.ValidationError{Field: "EntityType", Reason: `must be "record"`})
	}
	return firstInvalid(op, append(checks, checkQuery(r.Fields, r.Lang)...)...)
}

func (r *CommitPaymentRequest) validate(op string) error {
	if r == nil {
		return transport.Invalid(partner, op, "request", "is nil")
	}
	checks := []*transport.ValidationError{
		transport.CheckPathSegment("TransactionID", r.TransactionID, maxID),
		checkMoney("Amount", r.Amount, true),
		checkMoney("ConvenienceFee", r.ConvenienceFee, false),
		checkPaymentMethod(r.PaymentMethod, true),
		transport.CheckText("PaymentSystemTransactionID", r.PaymentSystemTransactionID, maxText),
		transport.CheckFreeText("Comments", r.Comments, maxComment),
		transport.CheckOptionalText("MerchantAccountID", r.MerchantAccountID, maxText),
		transport.CheckOptionalText("PayeePhone", r.PayeePhone, 32),
	}
	if cc := r.CreditCard; cc != nil {
		checks = append(checks,
			transport.CheckLastFour("CreditCard.CardNumberLastDigits", cc.CardNumberLastDigits),
			transport.CheckText("CreditCard.CardType", cc.CardType, 64),
			transport.CheckOptionalText("CreditCard.HolderName", cc.HolderName, maxText),
			transport.CheckNoCardNumber("CreditCard.HolderName", cc.HolderName),
			transport.CheckOptionalText("CreditCard.BusinessName", cc.BusinessName, maxText),
			transport.CheckNoCardNumber("CreditCard.BusinessName", cc.BusinessName),
		)
		if a := cc.BillingAddress; a != nil {
			checks = append(checks, transport.CheckText("CreditCard.BillingAddress.CountryCode", a.CountryCode, 8))
			for _, f := range []struct{ name, value string }{
				{"AddressLine1", a.AddressLine1}, {"AddressLine2", a.AddressLine2}, {"AddressLine3", a.AddressLine3},
				{"City", a.City}, {"PostalCode", a.PostalCode}, {"State", a.State},
			} {
				checks = append(checks,
					transport.CheckOptionalText("CreditCard.BillingAddress."+f.name, f.value, maxText),
					transport.CheckNoCardNumber("CreditCard.BillingAddress."+f.name, f.value))
			}
		}
	}
	return firstInvalid(op, append(checks, checkQuery(r.Fields, r.Lang)...)...)
}

func (r *VoidPaymentRequest) validate(op string) error {
	if r == nil {
		return transport.Invalid(partner, op, "request", "is nil")
	}
	checks := []*transport.ValidationError{
		transport.CheckPathSegment("PaymentID", r.PaymentID, maxID),
		transport.CheckFreeText("Comments", r.Comments, maxComment),
		transport.CheckOptionalText("Lang", r.Lang, 16),
	}
	if r.Reason != nil {
		checks = append(checks,
			transport.CheckFreeText("Reason.Text", r.Reason.Text, maxText),
			transport.CheckOptionalText("Reason.Value", r.Reason.Value, maxText))
	}
	return firstInvalid(op, checks...)
}

func (r *ListRecordPaymentsRequest) validate(op string) error {
	if r == nil {
		return transport.Invalid(partner, op, "request", "is nil")
	}
	checks := []*transport.ValidationError{transport.CheckPathSegment("RecordID", r.RecordID, maxID)}
	if s := r.PaymentStatus; s != "" && s != "Y" && s != "N" {
		checks = append(checks, &transport.ValidationError{Field: "PaymentStatus", Reason: `must be "Y", "N" or empty`})
	}
	return firstInvalid(op, append(checks, checkQuery(r.Fields, r.Lang)...)...)
}
