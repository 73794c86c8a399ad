package accela

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// parseError reads Accela's error body {status, code, message, more,
// traceId} and the OAuth shape {error, error_description}. The transport
// adds the x-accela-traceid header. A refusal saying the transaction is
// already committed, or the payment already voided, is AlreadyApplied.
func parseError(e *transport.Error, _ http.Header, body []byte) {
	var b struct {
		Code             string          `json:"code"`
		Message          string          `json:"message"`
		More             json.RawMessage `json:"more"`
		TraceID          string          `json:"traceId"`
		Error            string          `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	e.Code, e.Message, e.TraceID = b.Code, b.Message, b.TraceID
	if b.Error != "" {
		e.Code, e.Message = b.Error, b.ErrorDescription
	}
	if more := moreText(b.More); more != "" {
		e.Message = strings.TrimSpace(e.Message + " (" + more + ")")
	}
	if e.StatusCode < 500 && alreadyDone(b.Code, b.Message) {
		e.Outcome = transport.AlreadyApplied
	}
}

// alreadyDone reports whether Accela's refusal means the commit or void
// was applied before: "transaction is already committed", "payment is
// already voided".
func alreadyDone(code, message string) bool {
	m := strings.ToLower(message)
	return (code == "data_validation_error" || code == "bad_request") &&
		strings.Contains(m, "already") && (strings.Contains(m, "committed") || strings.Contains(m, "voided"))
}

// moreText renders Accela's optional "more" detail, a string or an object.
// An object is decoded and re-encoded without HTML escaping, so escaped
// text reads as it is; the transport then masks secrets and card numbers
// in it before clipping the message.
func moreText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	// Numbers stay as written (a float64 would change an echoed card
	// number's digits, and then it would not be recognised and masked).
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}
