package oraclepsctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civicpay/datapump/oraclepsc"
)

// kind is an attribute's type in the partner document.
type kind int

const (
	kString   kind = iota
	kInt32         // integer (int32)
	kInt64         // integer (int64)
	kNumber        // number
	kDate          // string (date)
	kDateTime      // string (date-time)
)

// attribute is one CheckoutPmt attribute of the partner document.
type attribute struct {
	kind  kind
	max   int // Maximum Length, in characters; 0 for non-strings
	field int // index of the field in oraclepsc.CheckoutPayment
}

// schema is the partner document's CheckoutPmt schema, written from the
// document (not from the client), so the fake checks the client against
// the contract.
var schema = map[string]*attribute{
	"AgencyId":                {kind: kInt32},
	"AuthorizationCode":       {kind: kString, max: 10},
	"AuthorizationDttm":       {kind: kDateTime},
	"AuthorizationStatus":     {kind: kString, max: 4},
	"CashierId":               {kind: kString, max: 50},
	"ChangeAmount":            {kind: kNumber},
	"CheckAddress":            {kind: kString, max: 240},
	"CheckDate":               {kind: kDate},
	"CheckName":               {kind: kString, max: 100},
	"CheckNumber":             {kind: kString, max: 10},
	"CheckoutId":              {kind: kString, max: 50},
	"CheckoutPmtId":           {kind: kInt64},
	"Comments":                {kind: kString, max: 240},
	"Description":             {kind: kString, max: 100},
	"DrawerId":                {kind: kString, max: 30},
	"FirstResponseMessage":    {kind: kString, max: 100},
	"LineAmount":              {kind: kNumber},
	"PayerAddress":            {kind: kString, max: 240},
	"PayerName":               {kind: kString, max: 100},
	"PaymentCurrency":         {kind: kString, max: 3},
	"PaymentDate":             {kind: kDate},
	"PaymentMethodCode":       {kind: kString, max: 30},
	"PaymentReferenceId":      {kind: kString, max: 50},
	"PaymentTrackingData":     {kind: kString, max: 50},
	"PaymentTrackingDataPlus": {kind: kString, max: 50},
	"PaymentTransactionId":    {kind: kString, max: 50},
	"PrimaryId":               {kind: kString, max: 3},
	"SecondaryId":             {kind: kString, max: 3},
	"SecondResponseMessage":   {kind: kString, max: 100},
	"SessionId":               {kind: kString, max: 50},
	"ThirdResponseMessage":    {kind: kString, max: 100},
	"TotalTendAmount":         {kind: kNumber},
}

// attributeNames lists the schema's attributes in the document's order
// (alphabetical, as the document lists them).
var attributeNames []string

func init() {
	t := reflect.TypeOf(oraclepsc.CheckoutPayment{})
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if a := schema[name]; a != nil {
			a.field = i + 1 // +1: zero means "not found"
		}
	}
	for name, a := range schema {
		if a.field == 0 {
			panic("oraclepsctest: oraclepsc.CheckoutPayment has no attribute " + name)
		}
		a.field--
		attributeNames = append(attributeNames, name)
	}
	slices.Sort(attributeNames)
}

// text returns the attribute's value in p as q compares it ("" when unset).
func (a *attribute) text(p *oraclepsc.CheckoutPayment) string {
	v := reflect.ValueOf(p).Elem().Field(a.field)
	if v.IsZero() {
		return ""
	}
	switch x := v.Interface().(type) {
	case string:
		return x
	case oraclepsc.CheckoutID:
		return string(x)
	case oraclepsc.PaymentReferenceID:
		return string(x)
	case oraclepsc.CheckoutPmtID:
		return x.String()
	case int32:
		return strconv.Itoa(int(x))
	case oraclepsc.Amount:
		return x.String()
	case oraclepsc.Date:
		return x.String()
	case oraclepsc.DateTime:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v.Interface())
}

// equal reports whether the attribute's value in p equals the literal
// value of a q condition.
func (a *attribute) equal(p *oraclepsc.CheckoutPayment, value string) bool {
	got := a.text(p)
	if a.kind == kNumber {
		x, err1 := oraclepsc.ParseAmount(got)
		y, err2 := oraclepsc.ParseAmount(value)
		return err1 == nil && err2 == nil && x == y
	}
	return got == value
}

// compare orders two rows by the attribute, for orderBy.
func (a *attribute) compare(p, q *oraclepsc.CheckoutPayment) int {
	x, y := a.text(p), a.text(q)
	switch a.kind {
	case kInt32, kInt64:
		i, _ := strconv.ParseInt(x, 10, 64)
		j, _ := strconv.ParseInt(y, 10, 64)
		return cmpInt(i, j)
	case kNumber:
		i, _ := oraclepsc.ParseAmount(x)
		j, _ := oraclepsc.ParseAmount(y)
		return i.Cmp(j)
	}
	return strings.Compare(x, y)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// detail is one item of o:errorDetails.
type detail struct {
	Detail string `json:"detail"`
	Code   string `json:"o:errorCode,omitempty"`
	Path   string `json:"o:errorPath,omitempty"`
}

// checkPayload checks a create body against the schema, as Oracle would,
// and returns the attributes it holds (raw) or the problems found.
func checkPayload(body []byte) (map[string]json.RawMessage, []detail) {
	var attrs map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&attrs); err != nil || attrs == nil || dec.More() {
		return nil, []detail{{Detail: "The request payload is not a valid JSON object.", Code: "JBO-25009"}}
	}
	var problems []detail
	for _, name := range sortedKeys(attrs) {
		raw := bytes.TrimSpace(attrs[name])
		a := schema[name]
		if a == nil {
			problems = append(problems, detail{
				Detail: "Definition " + name + " of type Attribute is not found in CheckoutPmt.",
				Code:   "JBO-25058", Path: "/" + name,
			})
			continue
		}
		if string(raw) == "null" {
			continue
		}
		if msg := a.checkValue(raw); msg != "" {
			code := "JBO-25009"
			if strings.Contains(msg, "precision") {
				code = "JBO-27010"
			}
			problems = append(problems, detail{Detail: msg + " (attribute " + name + " in CheckoutPmt)", Code: code, Path: "/" + name})
		}
	}
	return attrs, problems
}

// checkValue returns what is wrong with one attribute's JSON value, or "".
func (a *attribute) checkValue(raw json.RawMessage) string {
	var s string
	isString := raw[0] == '"' && json.Unmarshal(raw, &s) == nil
	switch a.kind {
	case kString:
		switch {
		case !isString:
			return "Cannot create an object of type:java.lang.String from a JSON " + jsonType(raw)
		case utf8.RuneCountInString(s) > a.max:
			return "Attribute set with a value of " + strconv.Itoa(utf8.RuneCountInString(s)) +
				" characters has invalid precision/scale: at most " + strconv.Itoa(a.max)
		}
	case kInt32, kInt64:
		bits := 64
		if a.kind == kInt32 {
			bits = 32
		}
		if raw[0] == '"' {
			return "Cannot create an object of type:java.lang.Long from a JSON string"
		}
		if _, err := strconv.ParseInt(string(raw), 10, bits); err != nil {
			return "Cannot create an object of type:java.lang.Long from value " + string(raw)
		}
	case kNumber:
		if raw[0] == '"' {
			return "Cannot create an object of type:java.math.BigDecimal from a JSON string"
		}
		if _, err := oraclepsc.ParseAmount(string(raw)); err != nil {
			return "Cannot create an object of type:java.math.BigDecimal from a JSON " + jsonType(raw)
		}
	case kDate:
		if _, err := time.Parse("2006-01-02", s); !isString || err != nil {
			return "Cannot create an object of type:java.sql.Date: the value must be YYYY-MM-DD"
		}
	case kDateTime:
		if _, err := time.Parse(time.RFC3339Nano, s); !isString || err != nil {
			return "Cannot create an object of type:java.sql.Timestamp: the value must be RFC 3339 with a zone"
		}
	}
	return ""
}

func jsonType(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// acceptsStructured reports whether the request accepts Oracle's
// structured error media type.
func acceptsStructured(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == oraclepsc.ErrorMediaType {
			return true
		}
	}
	return false
}

// writeError answers an error as Oracle does: the structured body when the
// request accepts it, plain text otherwise.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string, details ...detail) {
	if acceptsStructured(r) {
		body := map[string]any{
			"type":   "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
			"title":  http.StatusText(status),
			"status": strconv.Itoa(status),
		}
		if message != "" {
			body["detail"] = message
		}
		if code != "" {
			body["o:errorCode"] = code
		}
		if len(details) > 0 {
			body["o:errorDetails"] = details
		}
		b, _ := json.Marshal(body)
		w.Header().Set("Content-Type", oraclepsc.ErrorMediaType)
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	var lines []string
	if message != "" {
		lines = append(lines, prefixed(code, message))
	}
	for _, d := range details {
		lines = append(lines, prefixed(d.Code, d.Detail))
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(strings.Join(lines, "\n")))
}

func prefixed(code, text string) string {
	if code == "" {
		return text
	}
	return code + ": " + text
}
