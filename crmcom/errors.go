package crmcom

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/civicpay/datapump/internal/transport"
)

// codeSets classifies CRM.COM's status codes: the ones that refuse the
// token, and the ones that mean "done before". Codes are compared in a
// normal form (upper case, letters and digits only), so INVALID_TOKEN,
// InvalidToken and invalid-token are one code.
type codeSets struct {
	invalidTokenSet   map[string]bool
	alreadyAppliedSet map[string]bool
}

func newCodeSets(invalidToken, alreadyApplied []string) *codeSets {
	set := func(codes []string) map[string]bool {
		m := make(map[string]bool, len(codes))
		for _, c := range codes {
			m[normalCode(c)] = true
		}
		return m
	}
	return &codeSets{invalidTokenSet: set(invalidToken), alreadyAppliedSet: set(alreadyApplied)}
}

// normalCode upper-cases code and drops everything but letters and digits.
func normalCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, code)
}

func (s *codeSets) invalidToken(code string) bool {
	return code != "" && s.invalidTokenSet[normalCode(code)]
}

func (s *codeSets) alreadyApplied(code string) bool {
	return code != "" && s.alreadyAppliedSet[normalCode(code)]
}

// parseError reads CRM.COM's envelope from a non-2xx answer. A body that
// is not the envelope (an HTML error page, plain text) leaves the HTTP
// status text as the message. A code refusing the token marks the error
// so the token is renewed once and the call resent; an "already done"
// code below 500 makes it AlreadyApplied.
func (s *codeSets) parseError(e *transport.Error, _ http.Header, body []byte) {
	var env struct {
		Status status `json:"status"`
	}
	if json.Unmarshal(body, &env) != nil || env.Status.Code == "" {
		return
	}
	e.Code, e.Message = env.Status.Code, env.Status.text()
	switch {
	case s.invalidToken(e.Code):
		transport.MarkUnauthorized(e)
	case e.StatusCode < 500 && s.alreadyApplied(e.Code):
		e.Outcome = transport.AlreadyApplied
	}
}

// refusal returns the error a 2xx answer with a non-OK status stands for,
// or nil when the status is OK:
//   - an "already done" code: AlreadyApplied;
//   - any other code on an answer that nevertheless shows a recorded
//     payment (recorded): CRM.COM contradicts itself, OutcomeUnknown;
//   - a code refusing the token: NotApplied, and the token is renewed once
//     and the call resent;
//   - any other code: NotApplied, the partner's definite refusal.
func (s *codeSets) refusal(resp *transport.Response, st *status, recorded bool) error {
	if st.ok() {
		return nil
	}
	code, text := st.Code, st.text()
	switch {
	case s.alreadyApplied(code):
		return resp.AlreadyApplied(code, text)
	case recorded:
		return resp.Unknown(code, "CRM.COM refused the call but its answer shows a payment id: "+text)
	case s.invalidToken(code):
		return resp.Unauthorized(code, text)
	}
	return resp.Refused(code, text)
}
