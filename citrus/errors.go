package citrus

import "github.com/civicpay/datapump/internal/transport"

// Error is the one error type every Client method returns. It carries the
// HTTP status, IPS' own errorCode and message, field errors, and the method
// and URL (credentials redacted). errors.Is with ErrNotApplied or
// ErrOutcomeUnknown tells whether the payment may be posted again.
type Error = transport.Error

// FieldError is one field-level complaint, from IPS' responseStatus.errors
// or from the SDK's own validation.
type FieldError = transport.FieldError

// ValidationError reports input refused before anything was sent; it names
// the field and never repeats its value.
type ValidationError = transport.ValidationError

var (
	// ErrNotApplied matches errors after which IPS has not applied the
	// payment: nothing was sent, or IPS refused it. Fix and resend.
	ErrNotApplied = transport.ErrNotApplied

	// ErrOutcomeUnknown matches errors after which the payment may or may
	// not have been applied. Do not resend before reconciling; the Error's
	// Reconcile field says how.
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
)
