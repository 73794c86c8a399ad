package polaris

import (
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

func (r *PayFinesAndFeesRequest) check() error {
	var chk transport.Checks
	if chk.Nil(r == nil) {
		return chk.Err(partner, opPay)
	}
	checkPatron(&chk, r.PatronID)
	checkAmount(&chk, "TxnAmount", r.TxnAmount, true)
	checkTxnIDs(&chk, r.MainTxnIDs)
	if r.OwedBefore != nil {
		checkOwed(&chk, r.MainTxnIDs, r.OwedBefore)
	}
	checkMethod(&chk, "PaymentMethod", r.PaymentMethod)
	chk.FreeText("FreeTextNote", r.FreeTextNote, MaxFreeTextNoteLen)
	checkCard(&chk, &payCardFields, &r.CreditCardPaymentData)
	return chk.Err(partner, opPay)
}

func (r *GetFinesAndFeesRequest) check() error {
	var chk transport.Checks
	if !chk.Nil(r == nil) {
		checkPatron(&chk, r.PatronID)
	}
	return chk.Err(partner, opGet)
}

func (a *WorkflowAnswer) check() error {
	var chk transport.Checks
	if chk.Nil(a == nil) {
		return chk.Err(partner, opAnswer)
	}
	checkGUID(&chk, "WorkflowRequestGUID", string(a.WorkflowRequestGUID))
	if !a.WorkflowStatus.known() {
		chk.Add("WorkflowStatus", "is not a known WorkflowStatus")
	}
	if a.WorkflowPromptID <= 0 {
		chk.Add("WorkflowPromptID", "must be greater than zero")
	}
	switch {
	case a.WorkflowPromptResult == 0:
		chk.Add("WorkflowPromptResult", "is required")
	case !a.WorkflowPromptResult.known():
		chk.Add("WorkflowPromptResult", "is not a known WorkflowPromptResult")
	}
	cardText(&chk, "ReplyValue", a.ReplyValue, maxCardText)
	if x := &a.ReplyExtension; !x.none() {
		const p = "ReplyExtension.Data."
		d := &x.Data
		checkAmount(&chk, p+"ProcTransAmount", d.ProcTransAmount, false)
		checkAmount(&chk, p+"OVDTransAmount", d.OVDTransAmount, false)
		checkTxnCode(&chk, p+"ProcChargeTxnCodeID", d.ProcChargeTxnCodeID)
		checkTxnCode(&chk, p+"OVDChargeTxnCodeID", d.OVDChargeTxnCodeID)
		checkMethod(&chk, p+"PayMethod", d.PayMethod)
		checkCard(&chk, &replyCardFields, &d.CreditCardPaymentData)
	}
	return chk.Err(partner, opAnswer)
}

func checkPatron(chk *transport.Checks, id PatronID) {
	if id <= 0 {
		chk.Add("PatronID", "must be greater than zero")
	}
}

// checkAmount checks money Polaris takes: at most 2 decimal places, not
// negative (greater than zero when positive is set), at most MaxAmountCents
// cents.
func checkAmount(chk *transport.Checks, field string, a Amount, positive bool) {
	if a.Cmp(maxAmount) > 0 {
		chk.Add(field, "must be at most "+maxAmount.String())
		return
	}
	chk.Money(field, a, positive)
}

// checkTxnIDs requires at least one transaction id, each positive, none
// twice (a charge named twice could be paid twice).
func checkTxnIDs(chk *transport.Checks, ids []TxnID) {
	if len(ids) == 0 {
		chk.Add("MainTxnIDs", "needs at least one transaction id")
		return
	}
	for i, id := range ids {
		if id <= 0 {
			chk.Add("MainTxnIDs", "every transaction id must be greater than zero")
			return
		}
		for _, prev := range ids[:i] {
			if prev == id {
				chk.Add("MainTxnIDs", "must not name a transaction twice")
				return
			}
		}
	}
}

// checkOwed requires an amount owed, greater than zero, for every charge
// in ids and no other, adding up to at most MaxAmountCents cents.
func checkOwed(chk *transport.Checks, ids []TxnID, owed map[TxnID]Amount) {
	const field = "OwedBefore"
	var sum Amount
	for _, id := range ids {
		a, ok := owed[id]
		switch {
		case !ok || len(owed) != len(ids):
			chk.Add(field, "needs what each charge in MainTxnIDs owed, and no other charge")
			return
		case a.Sign() <= 0 || a.DecimalPlaces() > 2 || a.Cmp(maxAmount) > 0:
			chk.Add(field, "every amount must be greater than zero, with at most 2 decimal places, at most "+maxAmount.String())
			return
		}
		var err error
		if sum, err = sum.Add(a); err != nil || sum.Cmp(maxAmount) > 0 {
			chk.Add(field, "must add up to at most "+maxAmount.String())
			return
		}
	}
}

func checkMethod(chk *transport.Checks, field string, m PatronPaymentMethod) {
	switch {
	case m == 0:
		chk.Add(field, "is required (CreditCard for a card reader payment)")
	case !m.known():
		chk.Add(field, "is not a known PatronPaymentMethod")
	}
}

func checkTxnCode(chk *transport.Checks, field string, c PatronAccountTxnCode) {
	if c != 0 && (c < Charge || c > AutoWaive) {
		chk.Add(field, "is not a known PatronAccountTxnCode")
	}
}

// checkGUID requires a GUID in its usual form,
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, and not the nil GUID.
func checkGUID(chk *transport.Checks, field, v string) {
	switch {
	case v == "":
		chk.Add(field, "is required")
	case !isGUID(v):
		chk.Add(field, "must be a GUID such as 5d356b6e-d626-4b8c-aa3b-f08fc4caaa22")
	case strings.Trim(v, "0-") == "":
		chk.Add(field, "must not be the nil GUID")
	}
}

func isGUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// The fields of a card packet, as errors name them.
const (
	fTxnAmount = iota
	fTrackID
	fVendorID
	fPatronID
	fGUID
	fBaseAddress
	fCustomerID
	fTerminalID
	fLanguage
	fTrackNumber
	fError
	fTroutID
	fCCType
	fAuthCode
	fUserName
	fPassword
	fTxnStatus
	fCCDigits
	fRequest
	fResponse
	nCardFields
)

// cardFields are a card packet's field names under one prefix, built once
// so checking a packet builds no strings.
type cardFields [nCardFields]string

func prefixed(prefix string) (f cardFields) {
	for i, name := range [nCardFields]string{"TxnAmount", "TrackID", "VendorID", "PatronID", "GUID",
		"BaseAddress", "CustomerID", "TerminalID", "Language", "TrackNumber", "Error", "TroutID", "CCType",
		"AuthCode", "UserName", "Password", "TxnStatus", "CCDigits", "Request", "Response"} {
		f[i] = prefix + name
	}
	return f
}

var (
	payCardFields   = prefixed("CreditCardPaymentData.")
	replyCardFields = prefixed("ReplyExtension.Data.CreditCardPaymentData.")
)

// checkCard checks the card service's packet. Its limits are the SDK's
// own (the partner document gives none) and only stop runaway input.
func checkCard(chk *transport.Checks, name *cardFields, cc *CreditCardPaymentData) {
	if cc.none() {
		return
	}
	checkAmount(chk, name[fTxnAmount], cc.TxnAmount, true)
	for _, n := range [...]struct {
		field int
		value int64
	}{{fTrackID, cc.TrackID}, {fVendorID, cc.VendorID}, {fPatronID, int64(cc.PatronID)}} {
		if n.value < 0 {
			chk.Add(name[n.field], "must not be negative")
		}
	}
	for _, f := range [...]struct {
		field int
		value string
	}{
		{fGUID, cc.GUID}, {fBaseAddress, cc.BaseAddress}, {fCustomerID, cc.CustomerID},
		{fTerminalID, cc.TerminalID}, {fLanguage, cc.Language}, {fTrackNumber, cc.TrackNumber},
		{fError, cc.Error}, {fTroutID, cc.TroutID}, {fCCType, cc.CCType}, {fAuthCode, cc.AuthCode},
	} {
		cardText(chk, name[f.field], f.value, maxCardText)
	}
	chk.OptionalText(name[fUserName], cc.UserName.Reveal(), maxName)
	chk.OptionalText(name[fPassword], cc.Password.Reveal(), maxName)
	if s := cc.TxnStatus; !strings.EqualFold(s, "Success") && !strings.EqualFold(s, "Finished") {
		chk.Add(name[fTxnStatus], `must be "Success" or "Finished": only a finished card transaction is recorded`)
	}
	chk.LastFour(name[fCCDigits], cc.CCDigits)
	chk.FreeText(name[fRequest], cc.Request, maxCardRaw)
	chk.FreeText(name[fResponse], cc.Response, maxCardRaw)
}

// cardText checks an optional one-line text that must hold no card number.
func cardText(chk *transport.Checks, field, value string, maxLen int) {
	chk.OptionalText(field, value, maxLen)
	chk.NoCardNumber(field, value)
}
