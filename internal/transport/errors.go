package transport

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicpay/datapump/internal/redact"
)

// Outcome says what a failed call did to the partner's state. The zero
// value is OutcomeUnknown, so an *Error built without one never claims
// that resending is safe.
type Outcome int

// The outcomes of a failed call.
const (
	// OutcomeUnknown: the request may have reached the partner and no
	// definite answer came back. Reconcile before resending.
	OutcomeUnknown Outcome = iota
	// NotApplied: the partner did not apply the request. Resending cannot
	// apply it twice.
	NotApplied
	// AlreadyApplied: the partner refused the request because what it asks
	// was done before (a second commit of one transaction, an invoice
	// already paid). Never resend: the first one stands.
	AlreadyApplied
)

// String names the outcome as errors print it.
func (o Outcome) String() string {
	switch o {
	case NotApplied:
		return "not applied"
	case AlreadyApplied:
		return "already applied"
	}
	return "outcome unknown"
}

// Sentinels for errors.Is. Every *Error matches exactly one of
// ErrOutcomeUnknown, ErrNotApplied and ErrAlreadyApplied; ErrTemporary
// further marks the ErrNotApplied errors after which resending the same
// request later can succeed.
var (
	ErrOutcomeUnknown = errors.New("outcome unknown")
	ErrNotApplied     = errors.New("not applied")
	ErrAlreadyApplied = errors.New("already applied")
	ErrTemporary      = errors.New("temporary")
)

// FieldError is one field-level complaint, from the partner's error body or
// from the SDK's own checks before sending.
type FieldError struct {
	Field   string // the field, as the partner or the SDK names it
	Code    string // the partner's code for the problem, if any
	Message string // what is wrong; never the field's value
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

// Error is the one error type every operation of every partner package
// returns. It says what the partner said (status, code, message, field
// errors, trace id), where the request went (secrets redacted), how many
// HTTP attempts were made, and the call's Outcome, which errors.Is exposes
// through the sentinels. Its text never contains a password, token,
// session id, cookie value or card number, and stays on one line.
//
// A zero or partly filled Error is valid: its Outcome is OutcomeUnknown
// unless set, so code that fakes a partner client behind its own interface
// can build any of the outcomes with a struct literal.
type Error struct {
	Partner string // partner package name, e.g. "citrus"
	Op      string // the operation the caller called, e.g. "PostPayment"
	// Step names the part of Op that failed when it was not Op's own
	// request, e.g. "login" when logging in for a PostPayment failed.
	Step       string
	Method     string       // HTTP method; empty if nothing was sent
	URL        string       // request URL, query values and user info redacted
	StatusCode int          // HTTP status; 0 if no response arrived
	Code       string       // the partner's own error code
	Message    string       // the partner's own message, or the SDK's
	TraceID    string       // the partner's id for this call, for its support desk
	Fields     []FieldError // field-level complaints, the partner's or the SDK's
	// Outcome says whether the request may have been applied; the zero
	// value is OutcomeUnknown.
	Outcome Outcome
	// Temporary, on a NotApplied error, says that resending the same
	// request later can succeed (nothing left, a timeout, 408, 429, 5xx).
	// False means it must be fixed first (invalid input, 4xx, a refusal).
	Temporary bool
	// Attempts is how many HTTP requests the SDK made for Op.
	Attempts int
	// Reconcile says, when the outcome is unknown or already applied, how
	// to find out what the partner holds before doing anything else.
	Reconcile string
	// Settle, on an OutcomeUnknown error of a partner with a read-back, is
	// that partner's *SettleRequest for the call: the keys its Client.Settle
	// reads the partner back with. Store it (it encodes as JSON) and settle
	// later, after a restart too. Nil when the partner offers no read-back.
	Settle any

	cause  error
	kind   error // a partner's own sentinel this error also matches (Mark)
	reauth bool  // the partner refused the credentials, whatever the status (MarkUnauthorized)
}

// Error formats the failure on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Partner)
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	if e.Step != "" {
		b.WriteString(" (step " + e.Step + ")")
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
	b.WriteString(" (" + e.verdict() + ")")
	return redact.OneLine(b.String())
}

// verdict is the outcome as the caller should act on it.
func (e *Error) verdict() string {
	switch {
	case e.Outcome == AlreadyApplied:
		s := "already applied: do not resend"
		if e.Reconcile != "" {
			s += "; " + e.Reconcile
		}
		return s
	case e.Outcome == NotApplied && e.Method == "" && e.StatusCode == 0 && e.Attempts == 0:
		return "not applied: nothing was sent"
	case e.Outcome == NotApplied && e.Temporary:
		return "not applied: safe to resend later"
	case e.Outcome == NotApplied:
		return "not applied: fix before resending"
	}
	s := "outcome unknown: reconcile before resending"
	if e.Reconcile != "" {
		s += "; " + e.Reconcile
	}
	return s
}

// Unwrap returns the cause: a context error (context.Canceled or
// context.DeadlineExceeded, which errors.Is finds through it) or a
// description of a network or decoding failure with its text scrubbed. It
// never reaches a raw, unscrubbed error. It is nil when the partner
// answered.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is the sentinel of this error's outcome,
// ErrTemporary for a temporary NotApplied error, or the partner's own
// sentinel for this kind of refusal (such as polaris.ErrPatronSecured).
func (e *Error) Is(target error) bool {
	if target != nil && target == e.kind {
		return true
	}
	switch target {
	case ErrOutcomeUnknown:
		return e.Outcome != NotApplied && e.Outcome != AlreadyApplied
	case ErrNotApplied:
		return e.Outcome == NotApplied
	case ErrAlreadyApplied:
		return e.Outcome == AlreadyApplied
	case ErrTemporary:
		return e.Outcome == NotApplied && e.Temporary
	}
	return false
}

// IsUnauthorized reports whether err is a partner's 401 (or a refusal the
// partner package marked with MarkUnauthorized) that left the request not
// applied: the credentials or session must be renewed, and the call may be
// sent again.
func IsUnauthorized(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	return errors.As(err, &e) && (e.StatusCode == http.StatusUnauthorized || e.reauth) && e.Outcome == NotApplied
}

// MarkUnauthorized makes e a refusal of the credentials, for a partner that
// reports an invalid or expired token in its own way (an envelope code on
// HTTP 200, a 403): the token cache then renews the token once and resends.
func MarkUnauthorized(e *Error) { e.reauth = true }

// Mark makes e also match sentinel with errors.Is, for a refusal a caller
// must be able to tell apart (a secured patron record). The outcome
// sentinels keep working.
func Mark(e *Error, sentinel error) { e.kind = sentinel }

// temporaryStatus reports whether a refusal with this HTTP status may
// succeed if the same request is sent again later.
func temporaryStatus(status int) bool {
	return status == 0 || status == http.StatusRequestTimeout || status == http.StatusTooEarly ||
		status == http.StatusTooManyRequests || status >= 500
}

// scrubbedCause carries a cause's text with secrets removed. Unwrap leads
// only to the context error the original matched, so the raw error (whose
// text may hold a URL with credentials) is out of reach.
type scrubbedCause struct {
	text string
	ctx  error // context.Canceled, context.DeadlineExceeded or nil
}

func (s *scrubbedCause) Error() string { return s.text }
func (s *scrubbedCause) Unwrap() error { return s.ctx }

// Timeout reports whether the cause was a timeout, as net.Error does.
func (s *scrubbedCause) Timeout() bool { return s.ctx == context.DeadlineExceeded }

// scrub turns err into a cause safe to keep on an *Error.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	s := &scrubbedCause{text: c.secrets.Scrub(err.Error())}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		s.ctx = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		s.ctx = context.Canceled
	default:
		var t interface{ Timeout() bool }
		if errors.As(err, &t) && t.Timeout() {
			s.ctx = context.DeadlineExceeded
		}
	}
	return s
}

// Unsent returns err as an *Error of op: unchanged if it is one already,
// otherwise a NotApplied *Error (nothing was sent) with err, scrubbed of
// this client's secrets, as its cause. It is for failures before any
// request left, such as a caller's token source failing or a context
// that ended while waiting for a login.
func (c *Client) Unsent(op string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return &Error{Partner: c.partner, Op: op, Outcome: NotApplied, Temporary: true, cause: c.scrub(err)}
}

// AsStep returns err as an error of the caller's operation op, naming
// step (such as a login) as the part that failed. A shared *Error is
// copied, never changed.
func (c *Client) AsStep(op, step string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		e = c.Unsent(op, err).(*Error)
		e.Step = step
		return e
	}
	if e.Op == op {
		return e
	}
	cp := *e
	cp.Op, cp.Step = op, step
	return &cp
}
