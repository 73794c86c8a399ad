package citrustest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/internal/fake"
)

// countyNow is the fake's clock, in Eastern Standard Time as IPS writes.
func countyNow() time.Time { return time.Now().In(time.FixedZone("EST", -5*60*60)) }

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, ok := s.gate.Before(w, r, EndpointAuth, q.Get("UserName"), refuse)
	if !ok {
		return
	}
	if q.Get("UserName") != s.opts.UserName || q.Get("Password") != s.opts.Password {
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Invalid UserName or Password")
		return
	}
	sid := fake.ID(20)
	s.mu.Lock()
	s.sessions[sid] = true
	s.issued = append(s.issued, sid)
	s.logins++
	instance := s.instanceID
	s.mu.Unlock()
	// ServiceStack sets its session cookies; IPS adds an InstanceId.
	http.SetCookie(w, &http.Cookie{Name: "ss-id", Value: sid, Path: "/", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "ss-pid", Value: sid, Path: "/", HttpOnly: true, Expires: time.Now().AddDate(20, 0, 0)})
	http.SetCookie(w, &http.Cookie{Name: "InstanceId", Value: instance, Path: "/"})
	if f.After(w, refuse) {
		return
	}
	fake.JSON(w, http.StatusOK, map[string]any{
		"sessionId":      sid,
		"userName":       s.opts.UserName,
		"responseStatus": map[string]any{},
	})
}

// callbackRequest is the callback body; pointers tell missing from empty.
type callbackRequest struct {
	VoidReasonOnFailure *string `json:"voidReasonOnFailure"`
	CashRegister        *string `json:"cashRegister"`
	Token               *string `json:"Token"`
}

func (s *Server) handleCallback(w http.ResponseWriter, r *http.Request) {
	f, ok := s.gate.Before(w, r, EndpointCallback, r.URL.Query().Get("Token"), refuse)
	if !ok {
		return
	}
	sid, ok := s.checkSession(r)
	if !ok {
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Not Authenticated")
		return
	}
	token, problems := s.checkCallback(r)
	if len(problems) > 0 {
		writeStatus(w, http.StatusBadRequest, problems[0].ErrorCode, problems[0].Message, problems...)
		return
	}

	s.mu.Lock()
	inv := s.invoices[token]
	if inv == nil {
		s.mu.Unlock()
		writeStatus(w, http.StatusNotFound, "NotFound", "No transaction for Token")
		return
	}
	success := !inv.Decline
	switch {
	case inv.Decline:
		inv.txn = s.declinedTransaction(inv)
	case !inv.applied: // a Token already applied is answered again, never applied twice
		inv.applied = true
		inv.txn = s.appliedTransaction(inv)
		s.ledger = append(s.ledger, Posting{
			BillerReference: token, TransactionID: inv.id, Amount: inv.Amount, SessionID: citrus.Secret(sid), At: time.Now(),
		})
	}
	txn := inv.txn
	s.mu.Unlock()

	if f.After(w, refuse) {
		return
	}
	fake.JSON(w, http.StatusOK, map[string]any{
		"data":           map[string]any{"transaction": txn, "success": success},
		"responseStatus": map[string]any{"severity": "Success"},
	})
}

// checkSession requires the ss-id and ss-pid cookies to name one live session.
func (s *Server) checkSession(r *http.Request) (string, bool) {
	id, err1 := r.Cookie("ss-id")
	pid, err2 := r.Cookie("ss-pid")
	if err1 != nil || err2 != nil || id.Value != pid.Value {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return id.Value, s.sessions[id.Value]
}

// checkCallback validates everything but the session, returning the Token
// or the problems found, ServiceStack-style.
func (s *Server) checkCallback(r *http.Request) (string, []citrus.ResponseError) {
	var problems []citrus.ResponseError
	bad := func(field, format string, args ...any) {
		problems = append(problems, citrus.ResponseError{ErrorCode: "ArgumentException", FieldName: field, Message: fmt.Sprintf(format, args...)})
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		bad("Content-Type", "Content-Type must be application/json")
	}
	if c, err := r.Cookie("ips.username"); err != nil || c.Value != s.opts.IPSUserName {
		bad("ips.username", "cookie ips.username must be %q", s.opts.IPSUserName)
	}
	s.mu.Lock()
	instance := s.instanceID
	s.mu.Unlock()
	if c, err := r.Cookie("InstanceId"); err != nil || c.Value != instance {
		bad("InstanceId", "cookie InstanceId must be the one set at login")
	}
	token := r.URL.Query().Get("Token")
	if token == "" {
		bad("Token", "query parameter Token is required")
	}
	var body callbackRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		bad("body", "body is not the callback JSON: %v", err)
		return token, problems
	}
	if dec.More() {
		bad("body", "body has data after the JSON object")
	}
	check := func(field string, got *string, want string) {
		switch {
		case got == nil:
			bad(field, "%s is required", field)
		case *got != want:
			bad(field, "%s must be %q", field, want)
		}
	}
	check("voidReasonOnFailure", body.VoidReasonOnFailure, s.opts.VoidReasonOnFailure)
	check("cashRegister", body.CashRegister, s.opts.CashRegister)
	check("Token", body.Token, token)
	return token, problems
}

func (s *Server) baseTransaction(inv *invoice, now time.Time) citrus.Transaction {
	contact := citrus.Contact{Identity: citrus.Identity{ID: 1}, ContactType: citrus.CodeDescription{Code: " "}, IsEffective: true, ID: 1}
	return citrus.Transaction{
		ID: inv.id, CashDrawerID: 1, Cashier: " ", CashRegisterID: 1,
		Contact: contact, Status: "None", TransactionPayer: inv.Payer,
		Charges: []citrus.Charge{{
			ID: inv.id + 9, ChargeDate: citrus.Time{Time: now}, ChargeTypeID: "CDR.Building", Status: "Unpaid",
			Quantity: "1", UnitPrice: inv.Amount, Subtotal: inv.Amount, TaxRate: "0", Total: inv.Amount,
			TenderTypeRaw: 63, Contact: contact,
		}},
		Distributions:       []json.RawMessage{},
		TransactionDateTime: citrus.Time{Time: now},
		TransactionAmount:   inv.Amount,
		TransactionType:     "Pay",
		VoidReason:          citrus.CodeDescription{Code: " "},
		VoidedBy:            " ",
		TransactionToken:    inv.BillerReference,
	}
}

func (s *Server) payment(inv *invoice, now time.Time, status string) citrus.Payment {
	return citrus.Payment{
		ID: inv.id + 1, BudgetNumber: 1, CashDrawerID: 1005, Cashier: "0002",
		MiscellaneousType: citrus.CodeDescription{Code: " "},
		PaymentAuthorization: citrus.PaymentAuthorization{
			ID: inv.id - 3, Amount: inv.Amount, TransactionDate: citrus.Time{Time: now}, TransactionStatus: status,
		},
		Tender: "Credit", TransactionAmount: inv.Amount, TransactionBy: "0002",
		TransactionDateTime: citrus.Time{Time: now}, TransactionType: "Payment",
		VoidedBy: " ", VoidReason: citrus.CodeDescription{Code: " "},
	}
}

func (s *Server) appliedTransaction(inv *invoice) citrus.Transaction {
	now := countyNow()
	t := s.baseTransaction(inv, now)
	t.Status = "Paid"
	t.ReceiptNumber = fmt.Sprintf("R%d", inv.id)
	t.Charges[0].Status = "Paid"
	t.Charges[0].PaymentAmount = inv.Amount
	t.Payments = []citrus.Payment{s.payment(inv, now, "Approved")}
	return t
}

// declinedTransaction mirrors the partner document's sample: a payment and
// its void, success:false.
func (s *Server) declinedTransaction(inv *invoice) citrus.Transaction {
	now := countyNow()
	t := s.baseTransaction(inv, now)
	pay := s.payment(inv, now, "Approved")
	pay.IsReversed = true
	void := s.payment(inv, now, "Pending")
	void.ID++
	void.TransactionType = "Void"
	void.VoidDateTime = citrus.Time{Time: now}
	void.VoidedBy = "0002"
	void.VoidReason = citrus.CodeDescription{Code: "Fees", Description: "Incorrect Fees Payment"}
	if neg, err := citrus.ParseAmount("-" + inv.Amount.String()); err == nil {
		void.TransactionAmount = neg
	}
	t.Payments = []citrus.Payment{pay, void}
	return t
}
