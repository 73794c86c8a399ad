package crmcomtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/crmcom"
	"github.com/civicpay/datapump/internal/fake"
)

// timeLayout is how CRM.COM writes dates: no zone.
const timeLayout = "2006-01-02T15:04:05"

// refusal is a refusal code and message.
type refusal struct{ code, message string }

func bad(code, message string) *refusal { return &refusal{code, message} }

func invalid(message string) *refusal { return bad("INVALID_PARAMETER", message) }

// writeOK writes a success envelope.
func writeOK(w http.ResponseWriter, data any) {
	fake.JSON(w, http.StatusOK, map[string]any{
		"status": map[string]any{"message": nil, "description": nil, "code": "OK"},
		"data":   data,
	})
}

// writeStatus writes a refusal envelope.
func writeStatus(w http.ResponseWriter, httpStatus int, code, message string) {
	fake.JSON(w, httpStatus, map[string]any{
		"status": map[string]any{"message": message, "description": nil, "code": code},
		"data":   nil,
	})
}

// fail writes a refusal under Options.RefusalStatus.
func (s *Server) fail(w http.ResponseWriter, code, message string) {
	writeStatus(w, s.opts.RefusalStatus, code, message)
}

func (s *Server) failWith(w http.ResponseWriter, r *refusal) { s.fail(w, r.code, r.message) }

// refuse answers an injected failure with CRM.COM's envelope.
func (s *Server) refuse(w http.ResponseWriter, status int) {
	code := "INJECTED_FAULT"
	switch {
	case status == http.StatusUnauthorized:
		code = "INVALID_TOKEN"
	case status == http.StatusNotFound:
		code = "NOT_FOUND"
	case status == http.StatusTooManyRequests:
		code = "TOO_MANY_REQUESTS"
	case status >= 500:
		code = "INTERNAL_ERROR"
	}
	writeStatus(w, status, code, http.StatusText(status))
}

// tokenHolder is a POST body with a token.
type tokenHolder interface{ tokenValue() *string }

// post wraps a POST handler: it decodes the body strictly into B, counts
// the call under the key the body names, applies injected faults, checks
// the token, then hands over.
func post[B any, PB interface {
	*B
	tokenHolder
}](s *Server, endpoint string, key func(PB) string, h func(http.ResponseWriter, PB, fake.Fault)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fake.BufferBody(r)
		body := PB(new(B))
		decodeErr := fake.DecodeStrict(r, "", body)
		k := ""
		if decodeErr == nil {
			k = key(body)
		}
		f, ok := s.gate.Before(w, r, endpoint, k, s.refuse)
		if !ok {
			return
		}
		switch {
		case decodeErr != nil:
			s.fail(w, "INVALID_REQUEST", decodeErr.Error())
		case !s.useToken(body.tokenValue()):
			s.fail(w, "INVALID_TOKEN", "the token is invalid or has expired")
		default:
			h(w, body, f)
		}
	}
}

// udfFields are the user-defined fields of a POST body.
type udfFields struct {
	UDFString1 *string         `json:"udf_string_1"`
	UDFString2 *string         `json:"udf_string_2"`
	UDFString3 *string         `json:"udf_string_3"`
	UDFString4 *string         `json:"udf_string_4"`
	UDFString5 *string         `json:"udf_string_5"`
	UDFString6 *string         `json:"udf_string_6"`
	UDFString7 *string         `json:"udf_string_7"`
	UDFString8 *string         `json:"udf_string_8"`
	UDFFloat1  json.RawMessage `json:"udf_float_1"`
	UDFFloat2  json.RawMessage `json:"udf_float_2"`
	UDFFloat3  json.RawMessage `json:"udf_float_3"`
	UDFFloat4  json.RawMessage `json:"udf_float_4"`
	UDFDate1   *string         `json:"udf_date_1"`
	UDFDate2   *string         `json:"udf_date_2"`
	UDFDate3   *string         `json:"udf_date_3"`
	UDFDate4   *string         `json:"udf_date_4"`
}

// values checks the fields and returns them as show answers them, every
// one present (null when not set).
func (s *Server) values(u *udfFields) (map[string]any, *refusal) {
	out := map[string]any{}
	for i, v := range []*string{u.UDFString1, u.UDFString2, u.UDFString3, u.UDFString4, u.UDFString5, u.UDFString6, u.UDFString7, u.UDFString8} {
		out["udf_string_"+strconv.Itoa(i+1)] = nil
		if v != nil {
			out["udf_string_"+strconv.Itoa(i+1)] = *v
		}
	}
	for i, v := range []json.RawMessage{u.UDFFloat1, u.UDFFloat2, u.UDFFloat3, u.UDFFloat4} {
		name := "udf_float_" + strconv.Itoa(i+1)
		out[name] = nil
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		if v[0] == '"' {
			return nil, invalid(name + " must be a number")
		}
		out[name] = json.Number(v)
	}
	for i, v := range []*string{u.UDFDate1, u.UDFDate2, u.UDFDate3, u.UDFDate4} {
		name := "udf_date_" + strconv.Itoa(i+1)
		out[name] = nil
		if v == nil {
			continue
		}
		t, bad := s.parseDate(name, *v)
		if bad != nil {
			return nil, bad
		}
		out[name] = s.date(t)
	}
	return out, nil
}

func (s *Server) parseDate(name, v string) (time.Time, *refusal) {
	t, err := time.ParseInLocation(timeLayout, v, s.opts.Location)
	if err != nil {
		return time.Time{}, invalid(name + ` must be a date such as "2014-07-14T09:12:54"`)
	}
	return t, nil
}

// date renders a time as CRM.COM does, or null.
func (s *Server) date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(s.opts.Location).Format(timeLayout)
}

// amount reads payment_amount: a JSON number or a string holding one (the
// partner document's sample sends "50"), greater than zero, at most two
// decimals.
func amount(raw json.RawMessage) (crmcom.Amount, *refusal) {
	if len(raw) == 0 || string(raw) == "null" {
		return crmcom.Amount{}, bad("MANDATORY_PARAMETER_MISSING", "payment_amount is required")
	}
	text := string(raw)
	if raw[0] == '"' {
		if json.Unmarshal(raw, &text) != nil {
			return crmcom.Amount{}, invalid("payment_amount is not a number")
		}
	}
	a, err := crmcom.ParseAmount(text)
	switch {
	case err != nil:
		return crmcom.Amount{}, invalid("payment_amount is not a number")
	case a.Sign() <= 0:
		return crmcom.Amount{}, invalid("payment_amount must be greater than zero")
	case a.DecimalPlaces() > 2:
		return crmcom.Amount{}, invalid("payment_amount must have at most 2 decimals")
	}
	return a, nil
}

// ---- resolving identifiers; s.mu is held

func (s *Server) account(id ident) (*Account, *refusal) {
	if id == nil {
		return nil, bad("MANDATORY_PARAMETER_MISSING", "accounts_receivable_identifier is required")
	}
	field, value, problem := id.one("accounts_receivable_identifier", accountFields)
	if problem != "" {
		return nil, invalid(problem)
	}
	for _, a := range s.accounts {
		if (field == "id" && string(a.ID) == value) || (field == "number" && string(a.Number) == value) || (field == "name" && a.Name == value) {
			return a, nil
		}
	}
	return nil, bad("NOT_FOUND", "no accounts receivable with that "+field)
}

// entity resolves an identifier in a catalogue list; a nil identifier is
// refused when required, else resolves to nil.
func (s *Server) entity(list []*entity, id ident, param string, allowed []string, required bool) (*entity, *refusal) {
	if id == nil {
		if required {
			return nil, bad("MANDATORY_PARAMETER_MISSING", param+" is required")
		}
		return nil, nil
	}
	field, value, problem := id.one(param, allowed)
	if problem != "" {
		return nil, invalid(problem)
	}
	if e := find(list, field, value); e != nil {
		return e, nil
	}
	return nil, bad("NOT_FOUND", "no "+strings.TrimSuffix(param, "_identifier")+" with that "+field)
}

// target resolves an invoice or bill of account.
func (s *Server) target(list []*invoice, id ident, param string, account *Account) (*invoice, *refusal) {
	if id == nil {
		return nil, bad("MANDATORY_PARAMETER_MISSING", param+" is required")
	}
	field, value, problem := id.one(param, invoiceFields)
	if problem != "" {
		return nil, invalid(problem)
	}
	for _, inv := range list {
		if (field == "id" && string(inv.ID) == value) || (field == "number" && string(inv.Number) == value) ||
			(field == "reference_number" && string(inv.ReferenceNumber) == value) {
			if inv.Account != account.Number {
				return nil, invalid(param + " names one of another accounts receivable")
			}
			return inv, nil
		}
	}
	return nil, bad("NOT_FOUND", "no "+strings.TrimSuffix(param, "_identifier")+" with that "+field)
}

func (s *Server) payment(id ident) (*payment, *refusal) {
	if id == nil {
		return nil, bad("MANDATORY_PARAMETER_MISSING", "payment_identifier is required")
	}
	field, value, problem := id.one("payment_identifier", paymentFields)
	if problem != "" {
		return nil, invalid(problem)
	}
	for _, p := range s.payments {
		if (field == "id" && string(p.ID) == value) || (field == "number" && string(p.Number) == value) ||
			(field == "reference_number" && string(p.ReferenceNumber) == value) {
			return p, nil
		}
	}
	return nil, bad("NOT_FOUND", "no payment with that "+field)
}

// card resolves the card a gateway payment method needs.
func (s *Server) card(id ident, method *entity, account *Account) (string, *refusal) {
	switch {
	case id == nil && method.gateway:
		return "", bad("MANDATORY_PARAMETER_MISSING", "card_identifier is required for a payment gateway method")
	case id == nil:
		return "", nil
	case !method.gateway:
		return "", invalid("card_identifier applies only to a payment gateway method")
	}
	field, value, problem := id.one("card_identifier", cardFields)
	if problem != "" {
		return "", invalid(problem)
	}
	if field == "payment_gateway_reference_number" && s.cards[value] == account.Number {
		return value, nil
	}
	return "", bad("NOT_FOUND", "no card of the accounts receivable's owner with that "+field)
}

// basics is what create, pay_invoice and pay_bill share.
type basics struct {
	ar, typ, method, category, card, user, unit ident
	receivedOn                                  *string
	udf                                         *udfFields
}

// newPayment checks the shared parameters and returns a payment built from
// them (not yet in the ledger).
func (s *Server) newPayment(b basics) (*payment, *refusal) {
	account, r := s.account(b.ar)
	if r != nil {
		return nil, r
	}
	typ, r := s.entity(s.cat.types, b.typ, "type_identifier", typeFields, true)
	if r != nil {
		return nil, r
	}
	if typ.classification != "PAYMENT" {
		return nil, invalid("type_identifier must name a type of classification PAYMENT")
	}
	method, r := s.entity(s.cat.methods, b.method, "payment_method_identifier", methodFields, true)
	if r != nil {
		return nil, r
	}
	card, r := s.card(b.card, method, account)
	if r != nil {
		return nil, r
	}
	category, r := s.entity(s.cat.categories, b.category, "category_identifier", categoryFields, false)
	if r != nil {
		return nil, r
	}
	user, r := s.entity(s.cat.users, b.user, "received_by_user_identifier", userFields, false)
	if r != nil {
		return nil, r
	}
	unit, r := s.entity(s.cat.units, b.unit, "received_by_unit_identifier", unitFields, false)
	if r != nil {
		return nil, r
	}
	var received time.Time
	if b.receivedOn != nil {
		if received, r = s.parseDate("received_on", *b.receivedOn); r != nil {
			return nil, r
		}
	}
	udf, r := s.values(b.udf)
	if r != nil {
		return nil, r
	}
	if user == nil {
		user = s.cat.users[0] // the user who logged in
	}
	if unit == nil {
		unit = s.cat.units[0]
	}
	now := time.Now()
	if received.IsZero() {
		received = now
	}
	p := &payment{
		Payment: Payment{
			ID: s.newID(), ReferenceNumber: s.nextNumber(), Account: account.Number, State: crmcom.Draft,
			Type: typ.name, Method: method.name, Card: card, ReceivedOn: received, IssuedOn: now,
		},
		paid: map[*invoice]crmcom.Amount{}, createdAt: now, udf: udf, user: user, unit: unit, seq: s.seq,
	}
	if category != nil {
		p.Category = category.name
	}
	if card != "" {
		p.gatewayRef = "ch_" + fake.ID(24)
	}
	return p, nil
}

// postLocked posts p: a number, and its amount taken from what it pays.
func (s *Server) postLocked(p *payment) {
	p.State, p.Number, p.PostedOn = crmcom.Posted, s.nextNumber(), time.Now()
	left := p.Amount
	for _, t := range p.targets {
		take := t.Outstanding
		if left.Cmp(take) < 0 {
			take = left
		}
		if take.Sign() <= 0 {
			continue
		}
		t.Outstanding, _ = t.Outstanding.Sub(take)
		left, _ = left.Sub(take)
		p.paid[t] = take
	}
}

// ---- the POST methods

type createRequest struct {
	tokenField
	AccountsReceivable ident           `json:"accounts_receivable_identifier"`
	Type               ident           `json:"type_identifier"`
	LifeCycleState     *string         `json:"life_cycle_state"`
	PaymentMethod      ident           `json:"payment_method_identifier"`
	Card               ident           `json:"card_identifier"`
	PaymentAmount      json.RawMessage `json:"payment_amount"`
	Category           ident           `json:"category_identifier"`
	ReceivedOn         *string         `json:"received_on"`
	ReceivedByUser     ident           `json:"received_by_user_identifier"`
	ReceivedByUnit     ident           `json:"received_by_unit_identifier"`
	Description        *string         `json:"description"`
	Notes              *string         `json:"notes"`
	udfFields
	InvoicesToPay []struct {
		Invoice ident `json:"invoice_identifier"`
	} `json:"invoices_to_pay_set"`
	BillsToPay []struct {
		Bill ident `json:"bill_identifier"`
	} `json:"bills_to_pay_set"`
}

func (b *createRequest) key() string { return b.AccountsReceivable.value() }

func (s *Server) create(w http.ResponseWriter, b *createRequest, f fake.Fault) {
	state := ""
	if b.LifeCycleState != nil {
		state = *b.LifeCycleState
	}
	if state != string(crmcom.Draft) && state != string(crmcom.Posted) {
		s.fail(w, "INVALID_PARAMETER", "life_cycle_state must be DRAFT or POSTED")
		return
	}
	amt, r := amount(b.PaymentAmount)
	if r != nil {
		s.failWith(w, r)
		return
	}
	s.mu.Lock()
	p, r := s.newPayment(basics{b.AccountsReceivable, b.Type, b.PaymentMethod, b.Category, b.Card,
		b.ReceivedByUser, b.ReceivedByUnit, b.ReceivedOn, &b.udfFields})
	if r == nil {
		account, _ := s.account(b.AccountsReceivable)
		for _, item := range b.InvoicesToPay {
			var t *invoice
			if t, r = s.target(s.invoices, item.Invoice, "invoice_identifier", account); r != nil {
				break
			}
			p.targets, p.Invoices = append(p.targets, t), append(p.Invoices, t.Number)
		}
		for _, item := range b.BillsToPay {
			if r != nil {
				break
			}
			var t *invoice
			if t, r = s.target(s.bills, item.Bill, "bill_identifier", account); r != nil {
				break
			}
			p.targets, p.Bills = append(p.targets, t), append(p.Bills, t.Number)
		}
	}
	if r != nil {
		s.mu.Unlock()
		s.failWith(w, r)
		return
	}
	p.Amount = amt
	if b.Notes != nil {
		p.Notes = *b.Notes
	}
	if b.Description != nil {
		p.Description = *b.Description
	}
	if state == string(crmcom.Posted) {
		s.postLocked(p)
	}
	s.payments = append(s.payments, p)
	answer := s.summary(p)
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, answer)
}

type payRequest struct {
	tokenField
	AccountsReceivable ident   `json:"accounts_receivable_identifier"`
	LifeCycleState     *string `json:"life_cycle_state"`
	Type               ident   `json:"type_identifier"`
	PaymentMethod      ident   `json:"payment_method_identifier"`
	Category           ident   `json:"category_identifier"`
	Invoice            ident   `json:"invoice_identifier"`
	Bill               ident   `json:"bill_identifier"`
	ReceivedOn         *string `json:"received_on"`
	ReceivedByUser     ident   `json:"received_by_user_identifier"`
	ReceivedByUnit     ident   `json:"received_by_unit_identifier"`
	Card               ident   `json:"card_identifier"`
	Notes              *string `json:"notes"`
	udfFields
}

func (b *payRequest) invoiceKey() string { return b.Invoice.value() }
func (b *payRequest) billKey() string    { return b.Bill.value() }

func (s *Server) payInvoice(w http.ResponseWriter, b *payRequest, f fake.Fault) {
	if b.Bill != nil {
		s.fail(w, "INVALID_REQUEST", "pay_invoice takes no bill_identifier")
		return
	}
	s.pay(w, b, f, false, b.Invoice, "invoice_identifier", "INVOICE_ALREADY_PAID")
}

func (s *Server) payBill(w http.ResponseWriter, b *payRequest, f fake.Fault) {
	if b.Invoice != nil {
		s.fail(w, "INVALID_REQUEST", "pay_bill takes no invoice_identifier")
		return
	}
	s.pay(w, b, f, true, b.Bill, "bill_identifier", "BILL_ALREADY_PAID")
}

// pay creates a POSTED payment for the whole outstanding amount of one
// invoice or bill.
func (s *Server) pay(w http.ResponseWriter, b *payRequest, f fake.Fault, bill bool, id ident, param, paidCode string) {
	if b.LifeCycleState != nil && *b.LifeCycleState != string(crmcom.Posted) {
		s.fail(w, "INVALID_PARAMETER", "life_cycle_state can only be POSTED: the payment is created posted")
		return
	}
	s.mu.Lock()
	p, r := s.newPayment(basics{b.AccountsReceivable, b.Type, b.PaymentMethod, b.Category, b.Card,
		b.ReceivedByUser, b.ReceivedByUnit, b.ReceivedOn, &b.udfFields})
	var t *invoice
	if r == nil {
		account, _ := s.account(b.AccountsReceivable)
		list := s.invoices
		if bill {
			list = s.bills
		}
		t, r = s.target(list, id, param, account)
	}
	if r == nil && t.Outstanding.Sign() <= 0 {
		r = bad(paidCode, "nothing is outstanding: it is already paid")
	}
	if r != nil {
		s.mu.Unlock()
		s.failWith(w, r)
		return
	}
	p.Amount, p.targets = t.Outstanding, []*invoice{t}
	if bill {
		p.Bills = []crmcom.ID{t.Number}
	} else {
		p.Invoices = []crmcom.ID{t.Number}
	}
	if b.Notes != nil {
		p.Notes = *b.Notes
	}
	s.postLocked(p)
	s.payments = append(s.payments, p)
	answer := s.summary(p)
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, answer)
}

type lifeCycleRequest struct {
	tokenField
	Payment         ident `json:"payment_identifier"`
	RejectionReason ident `json:"rejection_reason_identifier"`
}

func (b *lifeCycleRequest) key() string { return b.Payment.value() }

func (s *Server) post(w http.ResponseWriter, b *lifeCycleRequest, f fake.Fault) {
	if b.RejectionReason != nil {
		s.fail(w, "INVALID_REQUEST", "post takes no rejection_reason_identifier")
		return
	}
	s.transition(w, f, b.Payment, crmcom.Posted, "PAYMENT_ALREADY_POSTED", func(p *payment) { s.postLocked(p) })
}

func (s *Server) reject(w http.ResponseWriter, b *lifeCycleRequest, f fake.Fault) {
	s.mu.Lock()
	reason, r := s.entity(s.cat.reasons, b.RejectionReason, "rejection_reason_identifier", reasonFields, true)
	s.mu.Unlock()
	if r != nil {
		s.failWith(w, r)
		return
	}
	s.transition(w, f, b.Payment, crmcom.Rejected, "PAYMENT_ALREADY_REJECTED", func(p *payment) {
		p.State, p.RejectionReason = crmcom.Rejected, reason.name
	})
}

// transition takes a DRAFT payment to another state.
func (s *Server) transition(w http.ResponseWriter, f fake.Fault, id ident, to crmcom.LifeCycleState, doneCode string, apply func(*payment)) {
	s.mu.Lock()
	p, r := s.payment(id)
	switch {
	case r != nil:
	case p.State == to:
		r = bad(doneCode, "the payment is already "+string(to))
	case p.State != crmcom.Draft:
		r = bad("INVALID_LIFE_CYCLE_STATE", "only a DRAFT payment can become "+string(to)+"; this one is "+string(p.State))
	}
	if r != nil {
		s.mu.Unlock()
		s.failWith(w, r)
		return
	}
	apply(p)
	answer := s.summary(p)
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, answer)
}

type cancelRequest struct {
	tokenField
	Payment     ident   `json:"payment_identifier"`
	Type        ident   `json:"type_identifier"`
	Category    ident   `json:"category_identifier"`
	Notes       *string `json:"notes"`
	IssueReason *string `json:"issue_reason"`
	udfFields
}

func (b *cancelRequest) key() string { return b.Payment.value() }

// cancel cancels a POSTED payment: a payment cancellation is created and
// posted, and what the payment paid is outstanding again. As in the
// partner document's sample, the answer shows the payment as it was
// (POSTED).
func (s *Server) cancel(w http.ResponseWriter, b *cancelRequest, f fake.Fault) {
	s.mu.Lock()
	typ, r := s.entity(s.cat.types, b.Type, "type_identifier", typeFields, true)
	if r == nil && typ.classification != "PAYMENT_CANCELLATION" {
		r = invalid("type_identifier must name a type of classification PAYMENT_CANCELLATION")
	}
	if r == nil {
		_, r = s.entity(s.cat.categories, b.Category, "category_identifier", categoryFields, false)
	}
	if r == nil {
		_, r = s.values(&b.udfFields)
	}
	var p *payment
	if r == nil {
		p, r = s.payment(b.Payment)
	}
	switch {
	case r != nil:
	case p.State == crmcom.Cancelled:
		r = bad("PAYMENT_ALREADY_CANCELLED", "the payment is already CANCELLED")
	case p.State != crmcom.Posted:
		r = bad("INVALID_LIFE_CYCLE_STATE", "only a POSTED payment can be cancelled; this one is "+string(p.State))
	}
	if r != nil {
		s.mu.Unlock()
		s.failWith(w, r)
		return
	}
	before := s.summary(p)
	now := time.Now()
	cancellation := map[string]any{
		"payment_amount": p.Amount, "issued_on": s.date(now), "life_cycle_state": crmcom.Posted,
		"number": s.nextNumber(), "id": s.newID(), "reference_number": s.nextNumber(), "posted_on": s.date(now),
	}
	p.State, p.Cancellation = crmcom.Cancelled, cancellation["id"].(crmcom.ID)
	if b.IssueReason != nil {
		p.IssueReason = *b.IssueReason
	}
	for t, amt := range p.paid {
		t.Outstanding, _ = t.Outstanding.Add(amt)
	}
	clear(p.paid)
	s.mu.Unlock()
	if f.After(w, s.refuse) {
		return
	}
	writeOK(w, map[string]any{"payment": before, "payment_cancellation": cancellation})
}

// ---- the GET methods

// query checks a GET's parameters: only allowed ones, each once, and the
// token. It returns the query, or false having answered.
func (s *Server) query(w http.ResponseWriter, r *http.Request, endpoint, keyParam string, allowed []string) (url.Values, bool) {
	q := r.URL.Query()
	key := ""
	if _, v, ok := strings.Cut(q.Get(keyParam), "="); ok {
		key = v
	}
	if _, ok := s.gate.Before(w, r, endpoint, key, s.refuse); !ok {
		return nil, false
	}
	for k, vs := range q {
		switch {
		case !slices.Contains(allowed, k):
			s.fail(w, "INVALID_REQUEST", "unknown parameter "+k)
			return nil, false
		case len(vs) != 1:
			s.fail(w, "INVALID_REQUEST", "parameter "+k+" given more than once")
			return nil, false
		}
	}
	if tok := q.Get("token"); !q.Has("token") || !s.useToken(&tok) {
		s.fail(w, "INVALID_TOKEN", "the token is invalid or has expired")
		return nil, false
	}
	return q, true
}

// queryIdent reads an identifier parameter, field=value; absent is nil.
func queryIdent(q url.Values, param string) (ident, *refusal) {
	if !q.Has(param) {
		return nil, nil
	}
	field, value, ok := strings.Cut(q.Get(param), "=")
	if !ok {
		return nil, invalid(param + " must be field=value")
	}
	return ident{field: value}, nil
}

// fieldsSet reads fields_set: known payment fields, comma separated.
func fieldsSet(q url.Values) ([]string, *refusal) {
	if !q.Has("fields_set") {
		return nil, nil
	}
	fields := strings.Split(q.Get("fields_set"), ",")
	for _, f := range fields {
		if !slices.Contains(paymentKeys, f) {
			return nil, invalid("fields_set names an unknown field " + strconv.Quote(f))
		}
	}
	return fields, nil
}

// positive reads an integer parameter; absent is def.
func positive(q url.Values, param string, def int, min int) (int, *refusal) {
	if !q.Has(param) {
		return def, nil
	}
	n, err := strconv.Atoi(q.Get(param))
	if err != nil || n < min {
		return 0, invalid(param + " must be an integer of at least " + strconv.Itoa(min))
	}
	return n, nil
}

func (s *Server) handleShow(w http.ResponseWriter, r *http.Request) {
	q, ok := s.query(w, r, EndpointShow, "payment_identifier", []string{"token", "payment_identifier", "fields_set"})
	if !ok {
		return
	}
	id, problem := queryIdent(q, "payment_identifier")
	fields, problem2 := fieldsSet(q)
	if problem == nil {
		problem = problem2
	}
	if problem != nil {
		s.failWith(w, problem)
		return
	}
	s.mu.Lock()
	p, problem := s.payment(id)
	if problem == nil && !s.lag.Visible(p.createdAt) {
		problem = &refusal{"NOT_FOUND", "no payment with that identifier"}
	}
	var answer map[string]any
	if problem == nil {
		answer = only(s.full(p), fields)
	}
	s.mu.Unlock()
	if problem != nil {
		s.failWith(w, problem)
		return
	}
	writeOK(w, answer)
}

var listParams = []string{"token", "accounts_receivable_identifier", "type_identifier", "category_identifier",
	"payment_method_identifier", "fields_set", "offset", "number_of_results"}

var latestParams = []string{"token", "accounts_receivable_identifier", "type_identifier", "category_identifier",
	"payment_method_identifier", "fields_set", "number"}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q, ok := s.query(w, r, EndpointList, "accounts_receivable_identifier", listParams)
	if !ok {
		return
	}
	offset, problem := positive(q, "offset", 0, 0)
	size, problem2 := positive(q, "number_of_results", 50, 1)
	if problem == nil {
		problem = problem2
	}
	if problem != nil {
		s.failWith(w, problem)
		return
	}
	s.payments0(w, q, func(ps []*payment) []*payment {
		if offset >= len(ps) {
			return nil
		}
		return ps[offset:min(len(ps), offset+size)]
	})
}

func (s *Server) handleGetLatest(w http.ResponseWriter, r *http.Request) {
	q, ok := s.query(w, r, EndpointGetLatest, "accounts_receivable_identifier", latestParams)
	if !ok {
		return
	}
	if !q.Has("number") {
		s.fail(w, "MANDATORY_PARAMETER_MISSING", "number is required")
		return
	}
	n, problem := positive(q, "number", 0, 1)
	if problem != nil {
		s.failWith(w, problem)
		return
	}
	s.payments0(w, q, func(ps []*payment) []*payment {
		ps = slices.Clone(ps)
		slices.Reverse(ps)
		return ps[:min(len(ps), n)]
	})
}

// payments0 answers list or get_latest: the account's visible payments,
// filtered, cut by pick, each with the fields asked for.
func (s *Server) payments0(w http.ResponseWriter, q url.Values, pick func([]*payment) []*payment) {
	var ids [4]ident
	for i, param := range []string{"accounts_receivable_identifier", "type_identifier", "category_identifier", "payment_method_identifier"} {
		var problem *refusal
		if ids[i], problem = queryIdent(q, param); problem != nil {
			s.failWith(w, problem)
			return
		}
	}
	fields, problem := fieldsSet(q)
	if problem != nil {
		s.failWith(w, problem)
		return
	}
	s.mu.Lock()
	account, problem := s.account(ids[0])
	var typ, category, method *entity
	if problem == nil {
		typ, problem = s.entity(s.cat.types, ids[1], "type_identifier", typeFields, false)
	}
	if problem == nil {
		category, problem = s.entity(s.cat.categories, ids[2], "category_identifier", categoryFields, false)
	}
	if problem == nil {
		method, problem = s.entity(s.cat.methods, ids[3], "payment_method_identifier", methodFields, false)
	}
	if problem != nil {
		s.mu.Unlock()
		s.failWith(w, problem)
		return
	}
	var match []*payment
	for _, p := range s.payments {
		if p.Account != account.Number || !s.lag.Visible(p.createdAt) ||
			(typ != nil && p.Type != typ.name) || (category != nil && p.Category != category.name) ||
			(method != nil && p.Method != method.name) {
			continue
		}
		match = append(match, p)
	}
	answer := []map[string]any{}
	for _, p := range pick(match) {
		answer = append(answer, only(s.full(p), fields))
	}
	s.mu.Unlock()
	writeOK(w, answer)
}

// ---- answers; s.mu is held

// summary is the short form create, pay and post answer with.
func (s *Server) summary(p *payment) map[string]any {
	m := map[string]any{
		"payment_amount": p.Amount, "issued_on": s.date(p.IssuedOn), "life_cycle_state": p.State,
		"number": nullable(p.Number), "id": p.ID, "reference_number": p.ReferenceNumber, "posted_on": s.date(p.PostedOn),
	}
	if p.gatewayRef != "" {
		m["payment_gateway_reference_number"], m["processed_by_payment_gateway"] = p.gatewayRef, "STRIPE"
	}
	return m
}

func nullable(id crmcom.ID) any {
	if id == "" {
		return nil
	}
	return id
}

// paymentKeys are the top-level fields of a full payment, as fields_set
// names them.
var paymentKeys = []string{
	"id", "number", "reference_number", "life_cycle_state", "payment_amount", "issued_on", "posted_on", "received_on",
	"accounts_receivable", "received_by_unit", "received_by_user", "type", "payment_method", "category",
	"rejection_reason", "invoices_to_pay_set", "bills_to_pay_set", "log_information",
	"udf_string_1", "udf_string_2", "udf_string_3", "udf_string_4", "udf_string_5", "udf_string_6", "udf_string_7", "udf_string_8",
	"udf_float_1", "udf_float_2", "udf_float_3", "udf_float_4", "udf_date_1", "udf_date_2", "udf_date_3", "udf_date_4",
}

// only keeps the fields asked for; none asked for keeps all.
func only(m map[string]any, fields []string) map[string]any {
	if len(fields) == 0 {
		return m
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f] = m[f]
	}
	return out
}

// full is a payment as show answers it, shaped like the partner
// document's sample.
func (s *Server) full(p *payment) map[string]any {
	var account *Account
	for _, a := range s.accounts {
		if a.Number == p.Account {
			account = a
		}
	}
	m := map[string]any{
		"id": p.ID, "number": nullable(p.Number), "reference_number": p.ReferenceNumber,
		"life_cycle_state": p.State, "payment_amount": p.Amount,
		"issued_on": s.date(p.IssuedOn), "posted_on": s.date(p.PostedOn), "received_on": s.date(p.ReceivedOn),
		"accounts_receivable": map[string]any{
			"id": account.ID, "number": account.Number, "name": account.Name, "life_cycle_state": "ACTIVE",
			"account_owner": map[string]any{
				"id": account.ID + "-OWNER", "type": "PERSON", "name": account.Name,
				"first_name": nil, "middle_name": nil, "last_name": nil, "company_name": nil, "company_profile": nil,
				"demographics": nil,
			},
		},
		"received_by_unit": unitJSON(p.unit),
		"received_by_user": userJSON(p.user),
		"type":             s.typeJSON(p.Type),
		"payment_method":   entityJSON(find(s.cat.methods, "name", p.Method)),
		"category":         entityJSON(find(s.cat.categories, "name", p.Category)),
		"rejection_reason": entityJSON(find(s.cat.reasons, "name", p.RejectionReason)),
		"log_information": map[string]any{
			"created_date": s.date(p.IssuedOn), "updated_date": s.date(p.IssuedOn),
			"created_by_unit": unitJSON(p.unit), "updated_by_unit": unitJSON(p.unit),
			"created_by_user": userJSON(s.cat.users[0]), "updated_by_user": userJSON(s.cat.users[0]),
		},
	}
	invoices, bills := []map[string]any{}, []map[string]any{}
	for _, t := range p.targets {
		j := map[string]any{
			"id": t.ID, "number": t.Number, "reference_number": t.ReferenceNumber, "life_cycle_state": "POSTED",
			"total_amount": t.Amount, "outstanding_amount": t.Outstanding,
			"issued_on": s.date(p.IssuedOn), "due_on": nil, "posted_on": s.date(p.IssuedOn),
		}
		if slices.Contains(p.Bills, t.Number) {
			bills = append(bills, j)
		} else {
			invoices = append(invoices, j)
		}
	}
	m["invoices_to_pay_set"], m["bills_to_pay_set"] = invoices, bills
	for k, v := range p.udf {
		m[k] = v
	}
	return m
}

func (s *Server) typeJSON(name string) any {
	e := find(s.cat.types, "name", name)
	if e == nil {
		return nil
	}
	return map[string]any{"id": e.id, "name": e.name, "description": nil, "alternative_code": e.alternativeCode, "classification": e.classification}
}

func entityJSON(e *entity) any {
	if e == nil || e.name == "" {
		return nil
	}
	return map[string]any{"id": e.id, "name": e.name, "description": e.description, "alternative_code": e.alternativeCode}
}

func unitJSON(e *entity) any {
	if e == nil {
		return nil
	}
	return map[string]any{"id": e.id, "name": e.name, "description": e.description, "alternative_code": e.alternativeCode,
		"community_name": "Main Community", "group_name": "Main Group"}
}

func userJSON(e *entity) any {
	if e == nil {
		return nil
	}
	return map[string]any{"id": e.id, "username": e.name, "person_name": e.name, "email": e.email}
}
