package accela

import "github.com/civicpay/datapump/internal/transport"

// Error is the one error type every Client method returns. It carries the
// HTTP status, Accela's own code and message (or the OAuth error and its
// description), the trace id from x-accela-traceid, and the method and URL
// (secrets redacted). errors.Is with ErrNotApplied or ErrOutcomeUnknown
// tells whether the call may be sent again.
type Error = transport.Error

// FieldError is one field-level complaint from the SDK's own validation.
type FieldError = transport.FieldError

// ValidationError reports input refused before anything was sent; it names
// the field and never repeats its value.
type ValidationError = transport.ValidationError

var (
	// ErrNotApplied matches errors after which Accela has not applied the
	// call: nothing was sent, or Accela refused it. Fix and resend.
	ErrNotApplied = transport.ErrNotApplied

	// ErrOutcomeUnknown matches errors after which the call may or may not
	// have been applied. Do not resend before reconciling; the Error's
	// Reconcile field says how (for a commit: ListRecordPayments).
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
)
