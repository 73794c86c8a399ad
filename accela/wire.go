package accela

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// tokenAnswer is Accela's OAuth2 token answer. expires_in arrives as a
// string in Accela's documentation and as a number from some servers.
type tokenAnswer struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	RefreshToken string          `json:"refresh_token"`
	Scope        string          `json:"scope"`
}

// initializeBody is paymentInitializeModel on the wire.
type initializeBody struct {
	EntityIDs         []string      `json:"entityIds"`
	EntityType        string        `json:"entityType"`
	MerchantAccountID string        `json:"merchantAccountId,omitempty"`
	PaymentMethod     PaymentMethod `json:"paymentMethod,omitempty"`
}

// initializeAnswer is Accela's answer to Initialize Payment.
type initializeAnswer struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Result  []struct {
		TransactionID ID `json:"transactionId"`
	} `json:"result"`
}

// Confirm requires the transaction id the call exists to return, or a
// refusal in the body's status.
func (a *initializeAnswer) Confirm() error {
	if a.Status < 400 && (len(a.Result) == 0 || a.Result[0].TransactionID == "") {
		return errors.New("no result[].transactionId")
	}
	return nil
}

// commitBody is paymentCommitModel on the wire.
type commitBody struct {
	Amount                     Amount          `json:"amount"`
	Comments                   string          `json:"comments,omitempty"`
	ConvenienceFee             Amount          `json:"convenienceFee"`
	CreditCard                 *CreditCardInfo `json:"creditCard,omitempty"`
	MerchantAccountID          string          `json:"merchantAccountId,omitempty"`
	PayeePhone                 string          `json:"payeePhone,omitempty"`
	PaymentMethod              PaymentMethod   `json:"paymentMethod"`
	PaymentSystemTransactionID string          `json:"paymentSystemTransactionId"`
}

// commitAnswer is Accela's answer to Commit Payment.
type commitAnswer struct {
	Status int `json:"status"`
	Result struct {
		Message          string            `json:"message"`
		CompletePayments []CompletePayment `json:"completePayments"`
	} `json:"result"`
	Code    string `json:"code"`
	Message string `json:"message"`
	TraceID string `json:"traceId"`
}

// Confirm accepts an answer that lists the payments applied (each with its
// id), one that says an agency script failed after applying
// (emse_error), or a refusal in the body's status.
func (a *commitAnswer) Confirm() error {
	switch {
	case a.Status >= 400 || a.Code == "emse_error":
		return nil
	case len(a.Result.CompletePayments) == 0:
		return errors.New("no result.completePayments")
	}
	for _, p := range a.Result.CompletePayments {
		if p.PaymentID == "" {
			return errors.New("a completePayments entry without a paymentId")
		}
	}
	return nil
}

// Decode reads the answer in one pass when completePayments is the array
// Accela's sample shows, and once more only when it is the single object
// Accela's specification declares; both become a list.
func (a *commitAnswer) Decode(body []byte) error {
	err := json.Unmarshal(body, a)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "result.completePayments" {
		return err
	}
	var one struct {
		Result struct {
			CompletePayments CompletePayment `json:"completePayments"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &one); err != nil {
		return err
	}
	a.Result.CompletePayments = []CompletePayment{one.Result.CompletePayments}
	return nil
}

type voidBody struct {
	Comments string      `json:"comments,omitempty"`
	Reason   *VoidReason `json:"reason,omitempty"`
}

// voidAnswer is Accela's answer to Void Payment.
type voidAnswer struct {
	Status int `json:"status"`
	Result struct {
		Code      string `json:"code"`
		ID        ID     `json:"id"`
		IsSuccess *bool  `json:"isSuccess"`
		Message   string `json:"message"`
	} `json:"result"`
}

// Confirm requires isSuccess, or a refusal in the body's status.
func (a *voidAnswer) Confirm() error {
	if a.Status < 400 && a.Result.IsSuccess == nil {
		return errors.New("no result.isSuccess")
	}
	return nil
}

// listAnswer is Accela's answer to a record's payment list.
type listAnswer struct {
	Status  int       `json:"status"`
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Result  []Payment `json:"result"`
}

// Confirm requires the result list (empty is a definite "none") and no
// refusal in the body: the list settles unknown commits, so an answer
// without it must never read as "no payments".
func (a *listAnswer) Confirm() error {
	switch {
	case a.Status >= 400:
		return fmt.Errorf("status %d in the body: %s %s", a.Status, a.Code, a.Message)
	case a.Result == nil:
		return errors.New("no result list")
	}
	return nil
}

// query returns the fields/lang/paymentStatus query, "" when there is none.
func query(fields []string, lang, paymentStatus string) string {
	if len(fields) == 0 && lang == "" && paymentStatus == "" {
		return ""
	}
	q := url.Values{}
	if len(fields) > 0 {
		q.Set("fields", strings.Join(fields, ","))
	}
	if lang != "" {
		q.Set("lang", lang)
	}
	if paymentStatus != "" {
		q.Set("paymentStatus", paymentStatus)
	}
	return q.Encode()
}
