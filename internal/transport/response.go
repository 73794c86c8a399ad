package transport

import (
	"net/http"
)

// Confirmer is implemented by the decoded answer of every state-changing
// request (Effect Write or RepeatableWrite), and of reads whose answer must
// not be mistaken for "nothing" (read-backs used to reconcile). Do refuses
// to send a state-changing request when its answer type does not implement
// it, so no partner can forget to say what a confirming answer holds.
type Confirmer interface {
	// Confirm returns nil when the decoded 2xx answer shows what the
	// partner recorded (the ids the operation exists to return, or a
	// definite success or refusal flag), else an error saying what it
	// lacks. A 2xx that does not confirm is OutcomeUnknown.
	Confirm() error
}

// Decoder is implemented by an answer type that decodes its JSON body
// itself, when a shape the partner may send (one object where a list is
// documented) would otherwise need a custom UnmarshalJSON, which makes
// encoding/json scan the value twice on every call.
type Decoder interface {
	Decode(body []byte) error
}

// Response is a 2xx answer whose body was decoded into the caller's value.
type Response struct {
	StatusCode int
	Header     http.Header
	Attempts   int // HTTP requests made for the call, this one included

	client *Client
	req    *prepared
}

// Refused returns a NotApplied, permanent *Error about this response, for a
// refusal the partner reports inside a 2xx body (an error envelope,
// Citrus' success:false). Code, message and field errors are scrubbed of
// secrets and card numbers, like those of any error body.
func (r *Response) Refused(code, message string, fields ...FieldError) *Error {
	return r.fail(NotApplied, code, message, fields)
}

// Unauthorized returns a NotApplied *Error about this response, for a 2xx
// body in which the partner refuses the token or session: the token cache
// renews it once and resends (see MarkUnauthorized).
func (r *Response) Unauthorized(code, message string) *Error {
	e := r.fail(NotApplied, code, message, nil)
	e.reauth = true
	return e
}

// Unknown returns an OutcomeUnknown *Error about this response, for a 2xx
// body that does not say whether the partner applied the request.
func (r *Response) Unknown(code, message string) *Error {
	return r.fail(OutcomeUnknown, code, message, nil)
}

// AlreadyApplied returns an AlreadyApplied *Error about this response, for
// a 2xx body saying the request was done before.
func (r *Response) AlreadyApplied(code, message string) *Error {
	return r.fail(AlreadyApplied, code, message, nil)
}

func (r *Response) fail(o Outcome, code, message string, fields []FieldError) *Error {
	e := r.client.responseError(r.req, r.StatusCode, r.Header)
	e.Outcome, e.Attempts = o, r.Attempts
	if o != NotApplied {
		e.Reconcile = r.req.reconcile()
	}
	e.Code, e.Message, e.Fields = code, message, fields
	r.client.scrubPartnerText(e)
	return e
}

// Scrub returns partner text with every known secret and card number
// masked, for result fields that may echo the request (a message, a
// trace id) and are handed to the caller.
func (r *Response) Scrub(text string) string { return r.client.secrets.Scrub(text) }
