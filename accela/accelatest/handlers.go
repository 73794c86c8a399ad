package accelatest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/accela"
	"github.com/civicpay/datapump/internal/fake"
)

func validMethod(m string) bool {
	return m == string(accela.CreditCard) || m == string(accela.Check)
}

func (s *Server) handleInitialize(w http.ResponseWriter, r *http.Request, f fake.Fault) {
	var body struct {
		EntityIDs         []string `json:"entityIds"`
		EntityType        string   `json:"entityType"`
		MerchantAccountID string   `json:"merchantAccountId"`
		PaymentMethod     string   `json:"paymentMethod"`
	}
	if err := fake.DecodeStrict(r, "", &body); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	switch {
	case len(body.EntityIDs) == 0:
		writeError(w, http.StatusBadRequest, "data_validation_error", "entityIds is required")
		return
	case body.EntityType != "record":
		writeError(w, http.StatusBadRequest, "data_validation_error", `entityType must be "record"`)
		return
	case body.PaymentMethod != "" && !validMethod(body.PaymentMethod):
		writeError(w, http.StatusBadRequest, "data_validation_error", "paymentMethod must be Credit Card or Check")
		return
	}
	s.mu.Lock()
	for _, id := range body.EntityIDs {
		if _, ok := s.records[id]; !ok {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "resource_not_found", "record "+id+" not found")
			return
		}
	}
	s.nextID++
	id := s.nextID
	s.transactions[idOf(id)] = &transaction{records: append([]string(nil), body.EntityIDs...)}
	s.mu.Unlock()
	if f.After(w, refuseAPI) {
		return
	}
	writeResult(w, map[string]any{"result": []map[string]int64{{"transactionId": id}}})
}

// commitRequest is paymentCommitModel; amounts stay raw so the fake can
// insist they are JSON numbers, as the specification types them.
type commitRequest struct {
	Amount         json.RawMessage `json:"amount"`
	ConvenienceFee json.RawMessage `json:"convenienceFee"`
	Comments       string          `json:"comments"`
	CreditCard     *struct {
		BillingAddress *struct {
			AddressLine1 string  `json:"addressLine1"`
			AddressLine2 string  `json:"addressLine2"`
			AddressLine3 string  `json:"addressLine3"`
			City         string  `json:"city"`
			CountryCode  *string `json:"countryCode"`
			PostalCode   string  `json:"postalCode"`
			State        string  `json:"state"`
		} `json:"billingAddress"`
		BusinessName         string  `json:"businessName"`
		CardNumberLastDigits string  `json:"cardNumberLastDigits"`
		CardType             *string `json:"cardType"`
		HolderName           string  `json:"holderName"`
	} `json:"creditCard"`
	MerchantAccountID          string `json:"merchantAccountId"`
	PayeePhone                 string `json:"payeePhone"`
	PaymentMethod              string `json:"paymentMethod"`
	PaymentSystemTransactionID string `json:"paymentSystemTransactionId"`
}

// number reads a JSON number (not a string) as an exact amount.
func number(field string, raw json.RawMessage) (accela.Amount, error) {
	if len(raw) == 0 {
		return accela.Amount{}, fmt.Errorf("%s is required", field)
	}
	if raw[0] == '"' {
		return accela.Amount{}, fmt.Errorf("%s must be a number, not a string", field)
	}
	a, err := accela.ParseAmount(string(raw))
	if err != nil {
		return accela.Amount{}, fmt.Errorf("%s is not a number", field)
	}
	return a, nil
}

func (b *commitRequest) check() (amount, fee accela.Amount, err error) {
	if amount, err = number("amount", b.Amount); err != nil {
		return
	}
	if fee, err = number("convenienceFee", b.ConvenienceFee); err != nil {
		return
	}
	switch {
	case amount.Sign() <= 0:
		err = errors.New("amount must be greater than zero")
	case fee.Sign() < 0:
		err = errors.New("convenienceFee must not be negative")
	case !validMethod(b.PaymentMethod):
		err = errors.New("paymentMethod must be Credit Card or Check")
	case b.PaymentSystemTransactionID == "":
		err = errors.New("paymentSystemTransactionId is required")
	case b.CreditCard != nil && (b.CreditCard.CardType == nil || *b.CreditCard.CardType == ""):
		err = errors.New("creditCard.cardType is required")
	case b.CreditCard != nil && len(strings.TrimLeft(b.CreditCard.CardNumberLastDigits, "*Xx")) > 4:
		err = errors.New("creditCard.cardNumberLastDigits must be the last 4 digits only")
	case b.CreditCard != nil && b.CreditCard.BillingAddress != nil &&
		(b.CreditCard.BillingAddress.CountryCode == nil || *b.CreditCard.BillingAddress.CountryCode == ""):
		err = errors.New("creditCard.billingAddress.countryCode is required with a billing address")
	}
	return
}

func (s *Server) handleCommit(w http.ResponseWriter, r *http.Request, f fake.Fault) {
	txnID := accela.ID(r.PathValue("id"))
	var body commitRequest
	if err := fake.DecodeStrict(r, "", &body); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	amount, fee, err := body.check()
	if err != nil {
		writeError(w, http.StatusBadRequest, "data_validation_error", err.Error())
		return
	}

	s.mu.Lock()
	txn := s.transactions[txnID]
	var script ScriptStage
	switch {
	case !s.paymentEnabled:
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "forbidden", "The app is not allowed to call Commit Payment: the agency has not enabled Payment Enabled.")
		return
	case txn == nil:
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "resource_not_found", "transaction not found: initialize it first")
		return
	case txn.committed:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "data_validation_error", "transaction is already committed")
		return
	}
	if len(s.scripts) > 0 {
		script, s.scripts = s.scripts[0], s.scripts[1:]
	}
	if script == ScriptBefore {
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, "internal_server_error", "EMSE operation failed: PaymentReceiveBefore cancelled the transaction.")
		return
	}
	txn.committed = true
	s.nextID++
	receipt := s.nextID
	var complete []map[string]any
	for _, recordID := range txn.records {
		s.nextID++
		p := &Payment{
			PaymentID: idOf(s.nextID), ReceiptID: idOf(receipt), TransactionID: txnID, RecordID: recordID,
			Amount: amount, ConvenienceFee: fee, PaymentMethod: body.PaymentMethod,
			PaymentSystemTransactionID: body.PaymentSystemTransactionID, At: time.Now(),
		}
		if body.CreditCard != nil {
			p.CardNumberLastDigits = body.CreditCard.CardNumberLastDigits
		}
		s.ledger = append(s.ledger, p)
		complete = append(complete, map[string]any{
			"receiptId":           strconv.FormatInt(receipt, 10), // a string, as in the sample
			"serviceProviderCode": s.opts.Agency,
			"recordId":            recordID,
			"customId":            s.records[recordID].CustomID,
			"paymentId":           s.nextID, // a number, as in the sample
			"paymentStatus":       "Paid",
		})
	}
	asObject := s.opts.CompletePaymentsAsObject
	s.mu.Unlock()

	if f.After(w, refuseAPI) {
		return
	}
	result := map[string]any{"completePayments": complete}
	if asObject {
		result["completePayments"] = complete[0]
	}
	reply := map[string]any{"result": result}
	if script == ScriptAfter {
		reply["code"], reply["message"], reply["traceId"] = "emse_error", "EMSE operation failed.", traceID()
	}
	writeResult(w, reply)
}

func (s *Server) handleVoid(w http.ResponseWriter, r *http.Request, f fake.Fault) {
	var body struct {
		Comments string `json:"comments"`
		Reason   *struct {
			Text  string `json:"text"`
			Value string `json:"value"`
		} `json:"reason"`
	}
	if err := fake.DecodeStrict(r, "", &body); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	id := accela.ID(r.PathValue("id"))
	s.mu.Lock()
	var target *Payment
	for _, p := range s.ledger {
		if p.PaymentID == id {
			target = p
		}
	}
	switch {
	case target == nil:
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "resource_not_found", "payment not found")
		return
	case target.Voided:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "data_validation_error", "payment is already voided")
		return
	}
	target.Voided = true
	s.mu.Unlock()
	if f.After(w, refuseAPI) {
		return
	}
	writeResult(w, map[string]any{"result": map[string]any{
		"id": id, "isSuccess": true, "message": "Payment voided.",
	}})
}

func (s *Server) handleListPayments(w http.ResponseWriter, r *http.Request, _ fake.Fault) {
	recordID := r.PathValue("recordId")
	status := r.URL.Query().Get("paymentStatus")
	if status != "" && status != "Y" && status != "N" {
		writeError(w, http.StatusBadRequest, "bad_request", "paymentStatus must be Y or N")
		return
	}
	s.mu.Lock()
	rec, ok := s.records[recordID]
	var items []map[string]any
	for _, p := range s.ledger {
		paid := !p.Voided
		if p.RecordID != recordID || (status == "Y" && !paid) || (status == "N" && paid) || !s.lag.Visible(p.At) {
			continue
		}
		state := "Paid"
		if p.Voided {
			state = "Voided"
		}
		items = append(items, map[string]any{
			"id": p.PaymentID, "amount": p.Amount, "amountNotAllocated": 0,
			"cashierId": "ACA", "paymentDate": p.At.Format("2006-01-02 15:04:05"),
			"paymentMethod": p.PaymentMethod, "paymentStatus": state, "receiptId": p.ReceiptID,
			"recordId": map[string]any{
				"id": rec.ID, "customId": rec.CustomID, "serviceProviderCode": s.opts.Agency, "value": rec.ID,
			},
			"transactionCode": "", "transactionId": p.TransactionID,
		})
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "resource_not_found", "record not found")
		return
	}
	if items == nil {
		items = []map[string]any{}
	}
	writeResult(w, map[string]any{"result": items})
}

// idOf renders a ledger number as the id type the client returns.
func idOf(n int64) accela.ID { return accela.ID(strconv.FormatInt(n, 10)) }

// firstEntity is the fault key of an initialize call: its first record id.
func firstEntity(r *http.Request) string {
	fake.BufferBody(r)
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	var body struct {
		EntityIDs []string `json:"entityIds"`
	}
	if json.Unmarshal(b, &body) != nil || len(body.EntityIDs) == 0 {
		return ""
	}
	return body.EntityIDs[0]
}
