package oraclepsctest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicpay/datapump/internal/fake"
	"github.com/civicpay/datapump/oraclepsc"
)

// refuser answers an injected failure with Oracle's error body, in the
// form r accepts.
func refuser(r *http.Request) func(http.ResponseWriter, int) {
	return func(w http.ResponseWriter, status int) {
		writeError(w, r, status, "", "Injected fault: "+http.StatusText(status))
	}
}

// authorized checks Basic credentials or a live bearer token, answering
// 401 otherwise.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		if user, pass, ok := r.BasicAuth(); ok && user == s.opts.UserName && pass == s.opts.Password {
			return true
		}
	case strings.EqualFold(scheme, "Bearer"):
		s.mu.Lock()
		expiry, ok := s.tokens[cred]
		s.mu.Unlock()
		if ok && time.Now().Before(expiry) {
			return true
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="Oracle Fusion", Bearer`)
	writeError(w, r, http.StatusUnauthorized, "", "Authentication is required: the credentials are missing, wrong or expired.")
	return false
}

// frameworkVersion reads REST-Framework-Version: absent is 1, Oracle's
// default; anything but 1 to 9 is refused with 400.
func frameworkVersion(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.Header.Get("REST-Framework-Version")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 9 {
		writeError(w, r, http.StatusBadRequest, "", "The REST-Framework-Version "+strconv.Quote(v)+" is not supported.")
		return 0, false
	}
	return n, true
}

// resource checks the resource version and the checkout of the path.
func (s *Server) resource(w http.ResponseWriter, r *http.Request) (oraclepsc.CheckoutID, bool) {
	if r.PathValue("version") != s.opts.ResourceVersion {
		writeError(w, r, http.StatusNotFound, "", "The resource version "+r.PathValue("version")+" is not available.")
		return "", false
	}
	id := oraclepsc.CheckoutID(r.PathValue("checkout"))
	s.mu.Lock()
	_, ok := s.checkouts[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "", "The requested resource publicSectorCheckouts/"+string(id)+" was not found.")
	}
	return id, ok
}

// referenceOf is a create's fault key: the PaymentReferenceId of its body.
func referenceOf(r *http.Request) string {
	fake.BufferBody(r)
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	var body struct {
		PaymentReferenceID string `json:"PaymentReferenceId"`
	}
	_ = json.Unmarshal(b, &body)
	return body.PaymentReferenceID
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(r)
	f, ok := s.gate.Before(w, r, EndpointCreate, referenceOf(r), refuse)
	if !ok || !s.authorized(w, r) {
		return
	}
	if _, ok := frameworkVersion(w, r); !ok {
		return
	}
	upsert := false
	switch v := r.Header.Get("Upsert-Mode"); strings.ToLower(v) {
	case "", "false":
	case "true":
		upsert = true
	default:
		writeError(w, r, http.StatusBadRequest, "", "Upsert-Mode must be true or false.")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil ||
		(mt != oraclepsc.JSONMediaType && mt != oraclepsc.ResourceItemMediaType) {
		writeError(w, r, http.StatusUnsupportedMediaType, "", "The media type of the request is not supported: use application/json or application/vnd.oracle.adf.resourceitem+json.")
		return
	}
	checkout, ok := s.resource(w, r)
	if !ok {
		return
	}
	body, _ := io.ReadAll(r.Body)
	attrs, problems := checkPayload(body)
	if len(problems) > 0 {
		writeError(w, r, http.StatusBadRequest, "", "", problems...)
		return
	}
	var in oraclepsc.CheckoutPayment
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, r, http.StatusBadRequest, "JBO-25009", "The request payload cannot be read.")
		return
	}
	if _, ok := attrs["CheckoutId"]; ok && in.CheckoutID != checkout {
		writeError(w, r, http.StatusBadRequest, "JBO-27008", "CheckoutId "+string(in.CheckoutID)+" is not the checkout of the path.",
			detail{Detail: "The attribute CheckoutId must be " + string(checkout) + ".", Code: "JBO-27008", Path: "/CheckoutId"})
		return
	}

	s.mu.Lock()
	existing := s.byID[in.CheckoutPmtID]
	var rw *row
	status := http.StatusCreated
	switch {
	case existing != nil && upsert && existing.p.CheckoutID == checkout:
		if err := json.Unmarshal(body, &existing.p); err != nil { // present attributes only
			s.mu.Unlock()
			writeError(w, r, http.StatusBadRequest, "JBO-25009", "The request payload cannot be read.")
			return
		}
		existing.updates++
		existing.version++
		rw, status = existing, http.StatusOK
	case existing != nil:
		s.mu.Unlock()
		writeError(w, r, http.StatusBadRequest, "JBO-25013",
			"Too many objects match the primary key oracle.jbo.Key["+in.CheckoutPmtID.String()+" ].")
		return
	default:
		if in.CheckoutPmtID == 0 {
			in.CheckoutPmtID = oraclepsc.CheckoutPmtID(s.pmtIDs.Next())
		}
		in.CheckoutID = checkout
		in.Links = nil
		rw = &row{p: in, at: time.Now(), version: 1}
		s.byID[in.CheckoutPmtID] = rw
		s.checkouts[checkout] = append(s.checkouts[checkout], rw)
		s.ledger = append(s.ledger, rw)
	}
	item, self := itemJSON(r, rw, nil, false)
	etag := changeIndicator(rw.version)
	s.mu.Unlock()

	if f.After(w, refuse) {
		return
	}
	w.Header().Set("Location", self)
	w.Header().Set("ETag", etag)
	writeJSON(w, r, status, oraclepsc.ResourceItemMediaType, item)
}

// itemJSON renders a row as Oracle does: every attribute (null when
// unset) or only fields, and its links unless onlyData. It also returns
// the row's self URL. s.mu is held.
func itemJSON(r *http.Request, rw *row, fields []string, onlyData bool) (map[string]any, string) {
	b, _ := json.Marshal(rw.p)
	var set map[string]json.RawMessage
	_ = json.Unmarshal(b, &set)
	if len(fields) == 0 {
		fields = attributeNames
	}
	item := make(map[string]any, len(fields)+1)
	for _, name := range fields {
		if v, ok := set[name]; ok {
			item[name] = v
		} else {
			item[name] = nil
		}
	}
	checkout := baseURL(r) + "/fscmRestApi/resources/" + r.PathValue("version") + "/publicSectorCheckouts/" + string(rw.p.CheckoutID)
	self := checkout + "/child/CheckoutPmt/" + uniqID(rw.p.CheckoutPmtID)
	if !onlyData {
		props := map[string]string{"changeIndicator": changeIndicator(rw.version)}
		item["links"] = []map[string]any{
			{"rel": "self", "href": self, "name": "CheckoutPmt", "kind": "item", "properties": props},
			{"rel": "canonical", "href": self, "name": "CheckoutPmt", "kind": "item"},
			{"rel": "parent", "href": checkout, "name": "publicSectorCheckouts", "kind": "item"},
		}
	}
	return item, self
}

// baseURL is the pod URL as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + BasePath
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, mediaType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", "The fake could not encode its answer.")
		return
	}
	w.Header().Set("Content-Type", mediaType)
	if v := r.Header.Get("REST-Framework-Version"); v != "" {
		w.Header().Set("REST-Framework-Version", v)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// listParams are the query parameters the collection takes.
var listParams = []string{"q", "fields", "onlyData", "limit", "offset", "orderBy", "totalResults"}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	refuse := refuser(r)
	f, ok := s.gate.Before(w, r, EndpointList, r.PathValue("checkout"), refuse)
	if !ok || !s.authorized(w, r) {
		return
	}
	version, ok := frameworkVersion(w, r)
	if !ok {
		return
	}
	checkout, ok := s.resource(w, r)
	if !ok {
		return
	}
	query := r.URL.Query()
	bad := func(msg string) { writeError(w, r, http.StatusBadRequest, "", msg) }
	for k := range query {
		if !slices.Contains(listParams, k) {
			bad("The query parameter " + k + " is not supported.")
			return
		}
	}
	conds, err := parseQ(query.Get("q"), version)
	if err != nil {
		bad("The q parameter is not valid for REST-Framework-Version " + strconv.Itoa(version) + ": " + err.Error())
		return
	}
	var fields []string
	if v := query.Get("fields"); v != "" {
		fields = strings.Split(v, ",")
		for _, name := range fields {
			if schema[name] == nil {
				bad("The fields parameter names an unknown attribute " + name + ".")
				return
			}
		}
	}
	onlyData, err1 := boolParam(query, "onlyData")
	total, err2 := boolParam(query, "totalResults")
	limit, err3 := intParam(query, "limit", 25)
	offset, err4 := intParam(query, "offset", 0)
	order, err5 := parseOrderBy(query.Get("orderBy"))
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			bad(err.Error())
			return
		}
	}
	limit = min(limit, oraclepsc.MaxLimit)

	s.mu.Lock()
	var match []*row
	for _, rw := range s.checkouts[checkout] {
		if s.lag.Visible(rw.at) && matches(&rw.p, conds) {
			match = append(match, rw)
		}
	}
	if len(order) > 0 {
		slices.SortStableFunc(match, func(a, b *row) int {
			for _, o := range order {
				if c := o.attr.compare(&a.p, &b.p); c != 0 {
					if o.desc {
						return -c
					}
					return c
				}
			}
			return 0
		})
	}
	page := match[min(offset, len(match)):]
	hasMore := len(page) > limit
	page = page[:min(limit, len(page))]
	items := make([]map[string]any, len(page))
	for i, rw := range page {
		items[i], _ = itemJSON(r, rw, fields, onlyData)
	}
	s.mu.Unlock()

	if f.After(w, refuse) {
		return
	}
	self := baseURL(r) + "/fscmRestApi/resources/" + r.PathValue("version") + "/publicSectorCheckouts/" + string(checkout) + "/child/CheckoutPmt"
	body := map[string]any{
		"items": items, "count": len(items), "hasMore": hasMore, "limit": limit, "offset": offset,
		"links": []map[string]any{{"rel": "self", "href": self, "name": "CheckoutPmt", "kind": "collection"}},
	}
	if total {
		body["totalResults"] = len(match)
	}
	writeJSON(w, r, http.StatusOK, "application/vnd.oracle.adf.resourcecollection+json", body)
}

// orderKey is one key of orderBy.
type orderKey struct {
	attr *attribute
	desc bool
}

func parseOrderBy(v string) ([]orderKey, error) {
	if v == "" {
		return nil, nil
	}
	var keys []orderKey
	for _, part := range strings.Split(v, ",") {
		name, dir, _ := strings.Cut(part, ":")
		a := schema[name]
		if a == nil || (dir != "" && dir != "asc" && dir != "desc") {
			return nil, errorf("The orderBy parameter " + strconv.Quote(part) + " is not valid.")
		}
		keys = append(keys, orderKey{attr: a, desc: dir == "desc"})
	}
	return keys, nil
}

func boolParam(q map[string][]string, name string) (bool, error) {
	switch v := first(q, name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errorf("The " + name + " parameter must be true or false.")
}

func intParam(q map[string][]string, name string, def int) (int, error) {
	v := first(q, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || (name == "limit" && n == 0) {
		return 0, errorf("The " + name + " parameter must be a positive number.")
	}
	return n, nil
}

func first(q map[string][]string, name string) string {
	if vs := q[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// errorf is an error with a fixed text.
type errorf string

func (e errorf) Error() string { return string(e) }

// basicUser returns the user name of a Basic Authorization header, or "".
func basicUser(r *http.Request) string {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Basic") {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return ""
	}
	user, _, _ := strings.Cut(string(b), ":")
	return user
}
