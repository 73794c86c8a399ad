package citrus

import (
	"errors"
)

// callbackBody is the JSON body of the payment callback.
type callbackBody struct {
	VoidReasonOnFailure string `json:"voidReasonOnFailure"`
	CashRegister        string `json:"cashRegister"`
	Token               string `json:"Token"`
}

// callbackAnswer is the wire shape of the callback answer. Pointers tell
// a field that is absent from one that is false or empty.
type callbackAnswer struct {
	Data *struct {
		Transaction Transaction `json:"transaction"`
		Success     *bool       `json:"success"`
	} `json:"data"`
	ResponseStatus ResponseStatus `json:"responseStatus"`
}

// Confirm accepts an answer that says whether IPS applied the payment: a
// success flag (with the transaction's id when true), or an errorCode.
func (a *callbackAnswer) Confirm() error {
	switch {
	case a.ResponseStatus.ErrorCode != "":
		return nil
	case a.Data == nil || a.Data.Success == nil:
		return errors.New("no data.success")
	case *a.Data.Success && a.Data.Transaction.ID == 0:
		return errors.New("success without a transaction id")
	}
	return nil
}

// authAnswer is the wire shape of the login answer.
type authAnswer AuthResult
