// Package datapump is a Go SDK that payments backends embed to tell the
// back-office systems of governments and libraries that a citizen's payment
// is complete.
//
// This root package holds documentation only. Each partner system has its
// own typed client package, built the same way:
//
//	package     partner system                                      main calls
//	citrus      Citrus County FL cashiering (IPS, ServiceStack)      Authenticate, PostPayment
//	accela      Accela Civic Platform, Construct API v4              InitializePayment, CommitPayment, VoidPayment, ListRecordPayments
//	oraclepsc   Oracle Fusion Public Sector Community Development    (planned)
//	crmcom      CRM.COM Web API                                      (planned)
//	polaris     Polaris ILS Application Services (Leap)              (planned)
//
// Every package offers New(cfg Config, opts ...Option) (*Client, error): Config
// holds what a backend loads from its settings (base URLs, credentials,
// partner defaults); options hold Go plumbing (WithHTTPClient, WithLogger,
// WithTimeout, WithUserAgent, WithRetryPolicy). New validates everything and
// sends nothing. Every operation takes a context.Context first and honours it.
// Each package <partner>test next to it is an in-process fake of the partner
// for users' tests.
//
// # Outcomes
//
// A call that posts money ends in exactly one of three ways:
//
//   - applied: the error is nil and the result says what the partner recorded;
//   - not applied: errors.Is(err, <pkg>.ErrNotApplied). The request never left
//     (invalid input, context already done, connection refused) or the
//     partner definitively refused it. Fix the cause and resend;
//   - outcome unknown: errors.Is(err, <pkg>.ErrOutcomeUnknown). The request
//     may have reached the partner and no definite answer came back (a
//     timeout or reset after the request was written, a 5xx, an unreadable
//     2xx). Reconcile before resending; the error's Reconcile field says how.
//
// Every error is a *<pkg>.Error carrying the partner's HTTP status, code,
// message and trace id, and the method and URL with secrets redacted. No
// error or log line ever contains a password, token, session id, cookie
// value or card number. Input is checked before anything is sent: a
// *<pkg>.ValidationError names the offending field.
//
// Where a partner answers 200 but says something went wrong, the package
// reads it: Citrus' success:false is not applied; Accela's emse_error (an
// agency script failed after the commit) is applied, and the result says so.
//
// The SDK retries automatically only what cannot post twice: reads, logins,
// and requests that provably never left or that the partner refused with 408
// or 429. An expired session or token (401) is renewed once and the call
// resent, since the 401 proves it was not applied.
//
// # Quick start
//
//	client, err := citrus.New(citrus.Config{
//		Environment: citrus.Prod,
//		ProdBaseURL: settings.CitrusURL,
//		UserName:    settings.CitrusUser,
//		Password:    settings.CitrusPassword,
//	})
//	if err != nil {
//		return err // configuration problem
//	}
//	res, err := client.PostPayment(ctx, invoice.BillerReference)
//	switch {
//	case err == nil:
//		markPosted(invoice, res.Transaction.ID)
//	case errors.Is(err, citrus.ErrNotApplied):
//		retryLater(invoice, err) // safe to resend
//	default: // citrus.ErrOutcomeUnknown
//		holdForReconciliation(invoice, err) // never resend blindly
//	}
package datapump

//go:generate go run ./internal/gen/surface
