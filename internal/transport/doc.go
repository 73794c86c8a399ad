// Package transport is the one HTTP engine every partner package uses: it
// builds requests under a base URL, sends them with retries that cannot
// double-post, decodes answers with size caps, classifies every failure
// into the SDK's outcome model (see the README), and keeps secrets out of
// errors and logs.
//
// # Adding a partner
//
// A partner package is built like citrus and accela; a reader who knows
// one knows them all. The checklist:
//
//  1. Files: client.go (package doc, Config, New, Client), auth.go (login,
//     token or session handling, the call wrapper), one file per group of
//     operations, types.go (public request and result types), wire.go
//     (wire bodies and answers, each write's Confirm), errors.go (error
//     body parsing, "already applied" recognition), validate.go when
//     checks are long, surface.go (generated: add the package to Partners
//     in internal/gen/surface and run go generate ./...), and
//     <partner>test/ with the fake (its faults.go is generated too).
//  2. New(cfg Config, opts ...Option): check everything with a Checks
//     (BaseURL, Text, ...) and return chk.Err(partner, "New"); build the
//     transport with a Partner whose Secrets holds every credential
//     (AddPermanent) and whose ParseError reads the partner's error body.
//     Credentials in Config are Secret values, never plain strings, held
//     by value: fmt prints what a pointer field points to with %s and %d
//     without calling its methods, so no Secret may be reachable through
//     a pointer field of an exported type.
//  3. Auth: a tokencache.Cache shared by all calls; every token, session
//     id or secret the partner issues goes into Secrets().AddTemporary as
//     soon as it arrives. Calls go through Cache.Do so a 401 renews once
//     and a failed login reports the caller's operation with the login as
//     Step.
//  4. Every operation takes ctx and a request struct (or a single id),
//     checks the request with a Checks before anything is sent (lengths
//     in characters, card numbers refused, path values through PathArgs),
//     and returns a result holding what the caller needs, with ids of the
//     same type the next call takes.
//  5. Every Request declares its Effect. A Write or RepeatableWrite
//     decodes into an answer type with a Confirm method that accepts only
//     an answer showing what the partner recorded (or a definite refusal
//     in the body), and carries a Reconcile text naming the read-back
//     call. A refusal that means "done before" becomes AlreadyApplied, in
//     ParseError or through Response.AlreadyApplied.
//  6. The fake: fake.Start (TLS optional), a fake.Gate around every
//     handler (Before with the endpoint's key, then Fault.After once
//     applied), a ledger whose ids have the client's types, Applied,
//     CallsFor, Logins, an auth expiry, IssuedSecrets, CertPool and
//     NewConns.
//  7. Settling: with a read-back, a SettleRequest (the keys it needs, the
//     amount, SentAt; JSON), a SettleResult, Client.Settle deciding with
//     Client.Judge, SettleRequestOf (SettleOf), and AttachSettle on the
//     error path of every write; without one, Settle fails with a
//     partner sentinel (citrus.ErrNoReadBack) saying who to ask.
//  8. Tests: httpmock wire tests on a per-test MockTransport (t.Parallel),
//     golden decodes of the partner document's samples, behaviour tests
//     against the fake, the conformance suites (conformance.Run,
//     conformance.RunSettle, conformance.PrintsNoSecrets and
//     conformance.PrintsNoCredentials), fuzz targets for decoders, an Example
//     for every exported function, and bench_test.go with the main call
//     and a tight hand-written baseline, sequential and at 64 goroutines.
package transport
