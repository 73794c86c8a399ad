package citrus

import (
	"encoding/json"
	"net/http"

	"github.com/civicpay/datapump/internal/transport"
)

// parseError reads ServiceStack's error body: {"responseStatus":{...}}.
func parseError(e *transport.Error, _ http.Header, body []byte) {
	var b struct {
		ResponseStatus ResponseStatus `json:"responseStatus"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	rs := b.ResponseStatus
	e.Code, e.Message, e.Fields = rs.ErrorCode, rs.Message, fieldErrors(rs.Errors)
}

func fieldErrors(errs []ResponseError) []transport.FieldError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]transport.FieldError, len(errs))
	for i, fe := range errs {
		out[i] = transport.FieldError{Field: fe.FieldName, Code: fe.ErrorCode, Message: fe.Message}
	}
	return out
}
