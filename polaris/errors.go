package polaris

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/civicpay/datapump/internal/wire"
)

// ErrPatronSecured matches Polaris' 409 refusal: the patron record is
// secured, and nothing was applied. The error also matches ErrNotApplied,
// and is not temporary: resending will not help until the record is
// released in Polaris.
var ErrPatronSecured = errors.New("polaris: patron record is secured")

// errorBody is the JSON error shapes Polaris.ApplicationServices (an
// ASP.NET Web API) answers with; the body format is undocumented, so every
// usual key is read.
type errorBody struct {
	Message          string              `json:"Message"`
	MessageDetail    string              `json:"MessageDetail"`
	ExceptionMessage string              `json:"ExceptionMessage"`
	ErrorMessage     string              `json:"ErrorMessage"`
	ErrorCode        json.RawMessage     `json:"ErrorCode"`
	ModelState       map[string][]string `json:"ModelState"`
}

// parseError reads a non-2xx body: JSON when it parses (an object, or a
// string), else text. A 409 is ErrPatronSecured; a refusal of a payment or
// workflow answer saying it was done before is AlreadyApplied.
func (c *Client) parseError(e *transport.Error, _ http.Header, body []byte) {
	body = bytes.TrimSpace(body)
	var b errorBody
	var s string
	switch {
	case len(body) == 0:
	case json.Unmarshal(body, &b) == nil:
		e.Message = joinText(b.Message, b.ErrorMessage, b.ExceptionMessage, b.MessageDetail)
		if code, err := wire.IDText(b.ErrorCode); err == nil {
			e.Code = code
		}
		e.Fields = modelState(b.ModelState)
	case json.Unmarshal(body, &s) == nil:
		e.Message = s
	default:
		e.Message = string(body)
	}
	switch {
	case e.StatusCode == http.StatusConflict && e.Op != opAuthenticate:
		transport.Mark(e, ErrPatronSecured)
		if e.Message == "" {
			e.Message = "patron record is secured"
		}
	case c.doneBefore(e):
		e.Outcome = transport.AlreadyApplied
	}
}

// doneBefore reports whether e is Polaris refusing a payment or workflow
// answer because it was applied before (Config.AlreadyAppliedPhrases).
func (c *Client) doneBefore(e *transport.Error) bool {
	switch s := e.StatusCode; {
	case e.Method != http.MethodPut, s < 400, s >= 500,
		s == http.StatusUnauthorized, s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		return false
	}
	msg := strings.ToLower(e.Message)
	for _, p := range c.already {
		if p != "" && strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// joinText joins the non-empty texts, each once.
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
}

// modelState turns ASP.NET's ModelState into field errors, sorted by field.
func modelState(ms map[string][]string) []transport.FieldError {
	var out []transport.FieldError
	for field, msgs := range ms {
		for _, m := range msgs {
			out = append(out, transport.FieldError{Field: field, Message: m})
		}
	}
	slices.SortStableFunc(out, func(a, b transport.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return out
}
