package transport

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// The two answers to "may I resend?". Every *Error matches exactly one of
// them with errors.Is; a nil error means the call was applied.
var (
	// ErrNotApplied: the partner did not apply the request. Either it never
	// left (invalid input, context already done, connection refused) or the
	// partner definitively refused it (a 4xx, an error envelope). Fix the
	// cause and resend.
	ErrNotApplied = errors.New("not applied")

	// ErrOutcomeUnknown: the request may have reached the partner and no
	// definite answer came back (timeout or reset after the request was
	// written, a 5xx on a call that changes state, a 2xx whose body could not
	// be read). Reconcile with the partner before resending; the error's
	// Reconcile field says how.
	ErrOutcomeUnknown = errors.New("outcome unknown")
)

// Outcome says whether a failed call may have changed the partner's state.
type Outcome int

// Outcomes of a failed call.
const (
	NotApplied Outcome = iota + 1
	OutcomeUnknown
)

func (o Outcome) sentinel() error {
	if o == OutcomeUnknown {
		return ErrOutcomeUnknown
	}
	return ErrNotApplied
}

// FieldError is one field-level complaint, from the partner's error body or
// from the SDK's own validation.
type FieldError struct {
	Field   string // the field name, as the partner or the SDK names it
	Code    string // the partner's code for the problem, if any
	Message string
}

// String formats the complaint as "Field [Code]: Message".
func (f FieldError) String() string {
	s := f.Field
	if f.Code != "" {
		s += " [" + f.Code + "]"
	}
	if f.Message != "" {
		s += ": " + f.Message
	}
	return s
}

// Error is the one error type every operation returns. It carries what the
// partner said (status, code, message, trace id), where the request went (with
// secrets redacted) and the outcome, which errors.Is exposes through
// ErrNotApplied and ErrOutcomeUnknown. Its text never contains a password,
// token, session id, cookie value or card number.
type Error struct {
	Partner    string       // partner package name, e.g. "citrus"
	Op         string       // SDK operation, e.g. "PostPayment"
	Method     string       // HTTP method; empty if nothing was sent
	URL        string       // request URL with query values and user info redacted
	StatusCode int          // HTTP status; 0 if no response arrived
	Code       string       // the partner's own error code
	Message    string       // the partner's own error message
	TraceID    string       // the partner's id for this call, for its support desk
	Fields     []FieldError // field-level details
	Reconcile  string       // for ErrOutcomeUnknown: how to find out what happened

	outcome Outcome
	cause   error
}

// Error formats the failure on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Partner)
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	if e.Method != "" {
		b.WriteString(": " + e.Method + " " + e.URL)
	}
	if e.StatusCode != 0 {
		b.WriteString(": HTTP " + strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		b.WriteString(" [" + e.Code + "]")
	}
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	}
	if e.TraceID != "" {
		b.WriteString(" (trace id " + e.TraceID + ")")
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	if e.cause != nil {
		b.WriteString(": " + e.cause.Error())
	}
	switch {
	case e.outcome == OutcomeUnknown:
		b.WriteString(" (outcome unknown")
		if e.Reconcile != "" {
			b.WriteString(": " + e.Reconcile)
		}
		b.WriteString(")")
	case e.Method == "":
		b.WriteString(" (not applied: nothing was sent)")
	default:
		b.WriteString(" (not applied)")
	}
	return b.String()
}

// Unwrap returns the cause: a *ValidationError, a context error, a network
// error (its text scrubbed of secrets), or nil when the partner answered.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is the sentinel for this error's outcome.
func (e *Error) Is(target error) bool { return target == e.outcome.sentinel() }

// IsUnauthorized reports whether err is a partner's 401 that left the request
// not applied, i.e. the credentials or session must be renewed and the call
// may be sent again.
func IsUnauthorized(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusUnauthorized && e.outcome == NotApplied
}

// ValidationError reports input refused before anything was sent. It names
// the offending field and never repeats the field's value.
type ValidationError struct {
	Field  string // e.g. "BillerReference" or "Config.ProdBaseURL"
	Reason string // e.g. "must not be empty"
}

// Error formats the complaint as "invalid Field: Reason".
func (v *ValidationError) Error() string { return "invalid " + v.Field + ": " + v.Reason }

// Invalid returns a NotApplied *Error for input refused before sending.
func Invalid(partner, op, field, reason string) *Error {
	return &Error{Partner: partner, Op: op, outcome: NotApplied, cause: &ValidationError{Field: field, Reason: reason}}
}

// scrubbed carries a cause whose text has had secrets removed while keeping
// the original for errors.Is and errors.As (context.DeadlineExceeded,
// net.Error and so on).
type scrubbed struct {
	text string
	err  error
}

func (s *scrubbed) Error() string { return s.text }
func (s *scrubbed) Unwrap() error { return s.err }

// Unsent returns err as an *Error: unchanged if it is one already, otherwise a
// NotApplied *Error (nothing was sent) with err as its cause. It is for
// failures before any request left, such as a context that ended while
// waiting for a login another goroutine started.
func Unsent(partner, op string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return &Error{Partner: partner, Op: op, outcome: NotApplied, cause: err}
}
