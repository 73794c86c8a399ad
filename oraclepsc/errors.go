package oraclepsc

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// traceHeader carries Oracle's execution context id for a call, which
// Oracle support asks for.
const traceHeader = "X-Oracle-Dms-Ecid"

// ErrNotFound matches, besides ErrNotApplied, errors about a checkout or a
// payment Oracle does not hold: a 404 (an unknown CheckoutID), or
// GetCheckoutPayment finding no row with the CheckoutPmtID.
var ErrNotFound = errors.New("oraclepsc: not found")

// oracleError is Oracle's REST error body (the Oracle REST standard's
// application/vnd.oracle.adf.error+json).
type oracleError struct {
	Type         string          `json:"type"`
	Title        string          `json:"title"`
	Detail       string          `json:"detail"`
	Status       json.RawMessage `json:"status"` // "400" or 400
	ErrorCode    string          `json:"o:errorCode"`
	ErrorPath    string          `json:"o:errorPath"`
	ErrorDetails []struct {
		Detail    string `json:"detail"`
		ErrorCode string `json:"o:errorCode"`
		ErrorPath string `json:"o:errorPath"`
	} `json:"o:errorDetails"`
}

// parseError reads Oracle's error body by its Content-Type: the structured
// JSON body (application/vnd.oracle.adf.error+json, application/json) or
// plain text, with a leading "JBO-12345:"-style code. A 400 or 409 whose
// codes include one of Config.AlreadyAppliedCodes is AlreadyApplied; a 404
// also matches ErrNotFound.
func (c *Client) parseError(e *transport.Error, h http.Header, body []byte) {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	text := strings.TrimSpace(string(body))
	switch {
	case isJSON(mt) || (mt == "" && strings.HasPrefix(text, "{")):
		if !parseJSONError(e, body) && !isJSON(mt) {
			parseTextError(e, text)
		}
	case mt == "text/plain" || (mt == "" && !strings.HasPrefix(text, "<")):
		parseTextError(e, text)
	}
	if e.StatusCode == http.StatusNotFound {
		transport.Mark(e, ErrNotFound)
	}
	if (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusConflict) && c.alreadyApplied(e) {
		e.Outcome = transport.AlreadyApplied
	}
}

// isJSON reports whether a media type carries JSON.
func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// parseJSONError fills e from Oracle's structured error body and reports
// whether body was one.
func parseJSONError(e *transport.Error, body []byte) bool {
	var b oracleError
	if json.Unmarshal(body, &b) != nil {
		return false
	}
	e.Code, e.Message = b.ErrorCode, b.Detail
	if e.Message == "" {
		e.Message = b.Title
	}
	if b.ErrorPath != "" {
		e.Fields = append(e.Fields, transport.FieldError{Field: b.ErrorPath, Code: b.ErrorCode, Message: b.Detail})
	}
	for _, d := range b.ErrorDetails {
		e.Fields = append(e.Fields, transport.FieldError{Field: d.ErrorPath, Code: d.ErrorCode, Message: d.Detail})
	}
	if e.Code == "" && len(b.ErrorDetails) > 0 {
		e.Code = b.ErrorDetails[0].ErrorCode
	}
	if e.Message == "" && len(b.ErrorDetails) > 0 {
		e.Message = b.ErrorDetails[0].Detail
	}
	return true
}

// parseTextError fills e from a plain-text error body such as
// "JBO-25013: Too many objects match the primary key ...".
func parseTextError(e *transport.Error, text string) {
	if code, rest, ok := strings.Cut(text, ":"); ok && isErrorCode(code) {
		e.Code, text = code, strings.TrimSpace(rest)
	}
	e.Message = text
}

// isErrorCode reports whether s looks like an Oracle message code:
// capital letters, a dash and digits ("JBO-25013", "ORA-00001").
func isErrorCode(s string) bool {
	prefix, digits, ok := strings.Cut(s, "-")
	if !ok || len(prefix) < 2 || len(prefix) > 8 || len(digits) < 1 || len(digits) > 8 {
		return false
	}
	return strings.Trim(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" && strings.Trim(digits, "0123456789") == ""
}

// alreadyApplied reports whether one of e's codes means the row exists.
func (c *Client) alreadyApplied(e *transport.Error) bool {
	if slices.Contains(c.already, e.Code) {
		return true
	}
	for _, f := range e.Fields {
		if slices.Contains(c.already, f.Code) {
			return true
		}
	}
	return false
}
