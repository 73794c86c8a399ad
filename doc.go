// Package datapump is a Go SDK that payments backends embed to tell the
// back-office systems of governments and libraries that a citizen's payment
// is complete.
//
// This root package holds documentation only. Each partner system has its
// own typed client package, built the same way:
//
//	package     partner system                                      main calls
//	citrus      Citrus County FL cashiering (IPS, ServiceStack)      PostPayment, Authenticate, Settle
//	accela      Accela Civic Platform, Construct API v4              InitializePayment, CommitPayment, VoidPayment, ListRecordPayments, Settle
//	oraclepsc   Oracle Fusion Public Sector Community Development    CreateCheckoutPayment, ListCheckoutPayments, AllCheckoutPayments, GetCheckoutPayment, Settle
//	crmcom      CRM.COM Web API                                      PayInvoice, PayBill, CreatePayment, PostPayment, RejectPayment, CancelPayment,
//	                                                                 ShowPayment, ListPayments, AllPayments, GetLatestPayments, Login, Close, Settle
//	polaris     Polaris ILS Application Services (Leap)              PayFinesAndFees, AnswerWorkflow, GetFinesAndFees, Authenticate, Settle
//
// Every package offers New(cfg Config, opts ...Option) (*Client, error):
// Config holds what a backend loads from its settings (base URLs,
// credentials as Secret values, partner defaults); options hold Go plumbing
// (WithHTTPClient, WithTransportWrapper, WithLogger, WithObserver,
// WithTimeout, WithRetryPolicy, WithIdleConnsPerHost,
// WithFinishStartedWrites, WithUserAgent). New validates everything and
// sends nothing. Every operation takes a context.Context first and honours
// it. Each package <partner>test next to it is an in-process fake of the
// partner for users' tests.
//
// # The outcome model
//
// A call that changes a partner's state ends in exactly one of four ways,
// told apart with errors.Is, never by parsing text:
//
//   - applied: the error is nil and the result says what the partner
//     recorded (a 2xx that does not show it is not "applied");
//   - not applied, errors.Is(err, <pkg>.ErrNotApplied): the request never
//     left, or the partner definitively refused it. errors.Is(err,
//     <pkg>.ErrTemporary) says the same request may simply be sent again
//     later (a timeout before sending, a refused connection, 408, 429,
//     5xx on a read); otherwise fix the cause first (invalid input, 4xx,
//     a declined payment);
//   - already applied, errors.Is(err, <pkg>.ErrAlreadyApplied): the
//     partner refused because it was done before (a second commit of one
//     transaction, an invoice already paid). Never send it again, not even
//     under another key: the first one stands;
//   - outcome unknown, errors.Is(err, <pkg>.ErrOutcomeUnknown): the
//     request may have reached the partner and no definite answer came
//     back (a timeout or reset after the request was written, a 5xx to a
//     write, an unreadable or non-confirming 2xx). Reconcile before
//     resending; the error's Reconcile field names the read-back call.
//
// Every error is a *<pkg>.Error: the partner's HTTP status, code, message,
// field errors and trace id, the method and URL with secrets redacted, the
// number of HTTP attempts, and the Outcome. Its zero value means outcome
// unknown, so an error built by hand never claims that resending is safe.
// No error, log line or printed value ever contains a password, token,
// session id, cookie value or card number.
//
// The SDK retries automatically only what cannot apply twice: reads,
// logins, requests that provably never left or that the partner refused
// with 408 or 429, and writes that are safe to repeat by construction. An
// expired session or token (401) is renewed once and the call resent,
// since the 401 proves it was not applied.
//
// # Settling unknown outcomes: the outbox pattern
//
// An unknown outcome is settled from the partner's own read-back, not by
// sending again. Every error with an unknown outcome carries a typed
// settle request (Error.Settle; <pkg>.SettleRequestOf returns it) holding
// the keys that read-back needs; it encodes as JSON, so a worker stores it
// and settles after a restart too. <pkg>.Client.Settle reads the partner
// back and answers SettleApplied (with what the partner holds, and whether
// its amount differs from what was charged), SettleAbsent (safe to send
// again) or SettleUnknown (the read failed, or the payment may not show
// yet: a partner's read-back may lag, so "not found" counts as absent only
// WithSettleGrace after sending). Citrus has no read-back: its Settle
// fails with citrus.ErrNoReadBack, and a person asks the county.
//
// A payments backend posting from an outbox table:
//
//  1. Saves, with the payment, every key settling will need before
//     sending (e.g. Accela's transaction id from InitializePayment).
//  2. Sends, and classifies the result: nil or ErrAlreadyApplied: posted;
//     ErrTemporary: send the same request again later; ErrNotApplied:
//     needs a fix; ErrOutcomeUnknown: store the settle request, and never
//     send again until settled.
//  3. Settles the unknown rows with Client.Settle until the answer is
//     applied (posted) or absent (send again).
//  4. Shuts down without creating unknowns: stop taking rows, let the
//     calls in flight finish; with WithFinishStartedWrites, cancelling a
//     call whose request is already written waits for the partner's answer
//     (bounded by the per-attempt timeout).
//
// accela's Example_outbox runs this against the fake.
//
// # Quick start
//
//	client, err := citrus.New(citrus.Config{
//		Environment: citrus.Prod,
//		ProdBaseURL: settings.CitrusURL,
//		UserName:    settings.CitrusUser,
//		Password:    citrus.Secret(settings.CitrusPassword),
//	})
//	if err != nil {
//		return err // configuration problem; nothing was sent
//	}
//	res, err := client.PostPayment(ctx, &citrus.PostPaymentRequest{BillerReference: invoice.Ref})
//	switch {
//	case err == nil:
//		markPosted(invoice, res.Transaction.ID)
//	case errors.Is(err, citrus.ErrTemporary):
//		retryLater(invoice) // not applied; the same post may succeed later
//	case errors.Is(err, citrus.ErrNotApplied):
//		holdForFix(invoice, err) // not applied; someone must fix the cause
//	case errors.Is(err, citrus.ErrAlreadyApplied):
//		markPosted(invoice, 0) // done before: never post it again
//	default: // citrus.ErrOutcomeUnknown
//		holdForReconciliation(invoice, err) // never resend blindly
//	}
package datapump

//go:generate go run ./internal/gen/surface
