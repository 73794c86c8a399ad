// Package fake holds what every in-process partner fake shares: injected
// faults (targeted at one endpoint, one reference, after some calls, or at
// a rate), call counts, dropping a connection, read-back lag, strict JSON
// request decoding, ids and JSON replies.
package fake

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	mrand "math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Action is what an injected fault makes the fake do.
type Action int

const (
	// Pass handles the call normally (after Delay, if any).
	Pass Action = iota
	// Refuse answers Status (default 503) with the partner's error body and
	// applies nothing.
	Refuse
	// DropBeforeApply reads the request, then closes the connection
	// without applying or answering.
	DropBeforeApply
	// DropAfterApply applies the request, then closes the connection
	// without answering.
	DropAfterApply
	// FailAfterApply applies the request, then answers Status (default
	// 500) with the partner's error body.
	FailAfterApply
	// GarbleAfterApply applies the request, then answers 200 with a body
	// that is not valid JSON.
	GarbleAfterApply
	// EmptyAfterApply applies the request, then answers 200 with "{}", an
	// answer that shows nothing of what was recorded.
	EmptyAfterApply
)

// Forever, as Fault.Times, makes a fault hit every matching call.
const Forever = -1

// Fault is one injected misbehaviour.
type Fault struct {
	// Endpoint is the fake's name for the endpoint the fault hits; ""
	// hits any.
	Endpoint string
	// Key limits the fault to calls about one reference or id (the fake
	// documents what its key is per endpoint); "" hits any.
	Key string
	// Skip lets this many matching calls through before the fault starts.
	Skip int
	// Times is how many matching calls the fault hits; 0 means one,
	// Forever means all.
	Times int
	// Rate, between 0 and 1, hits each matching call with this
	// probability; 0 hits every one.
	Rate float64
	// Delay waits this long before handling. A client that gives up
	// during the delay leaves the call unapplied.
	Delay time.Duration
	// Action is what to do (after Delay).
	Action Action
	// Status is the HTTP status of Refuse (default 503) and
	// FailAfterApply (default 500).
	Status int
	// RetryAfter, when set, is sent as the Retry-After header of Refuse.
	RetryAfter string
}

// queued is a fault with its own counts.
type queued struct {
	Fault
	seen, hit int
}

// Gate counts the calls to a fake's endpoints and applies injected faults
// around each handler: Before runs before the request is applied,
// Fault.After once it has been. It is safe for concurrent use; the zero
// value is ready.
type Gate struct {
	mu     sync.Mutex
	faults []*queued
	calls  map[[2]string]int // {endpoint, key} and {endpoint, ""}
}

// Inject queues f behind the faults already queued.
func (g *Gate) Inject(f Fault) {
	g.mu.Lock()
	g.faults = append(g.faults, &queued{Fault: f})
	g.mu.Unlock()
}

// Clear drops every queued fault.
func (g *Gate) Clear() {
	g.mu.Lock()
	g.faults = nil
	g.mu.Unlock()
}

// take counts a call and returns the first fault that hits it.
func (g *Gate) take(endpoint, key string) Fault {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.calls == nil {
		g.calls = map[[2]string]int{}
	}
	g.calls[[2]string{endpoint, ""}]++
	if key != "" {
		g.calls[[2]string{endpoint, key}]++
	}
	for i, q := range g.faults {
		if (q.Endpoint != "" && q.Endpoint != endpoint) || (q.Key != "" && q.Key != key) {
			continue
		}
		q.seen++
		if q.seen <= q.Skip || (q.Rate > 0 && q.Rate < 1 && mrand.Float64() >= q.Rate) {
			continue
		}
		q.hit++
		times := q.Times
		if times == 0 {
			times = 1
		}
		if times != Forever && q.hit >= times {
			g.faults = append(g.faults[:i:i], g.faults[i+1:]...)
		}
		return q.Fault
	}
	return Fault{}
}

// Before is the first step of every fake endpoint: it counts the call
// (under endpoint and, when not empty, key), buffers the body, and applies
// the first fault that hits it: its delay, a refusal, or a drop before
// applying. refuse writes the partner's own error body. It reports whether
// the handler should go on, and returns the fault for After.
func (g *Gate) Before(w http.ResponseWriter, r *http.Request, endpoint, key string, refuse func(w http.ResponseWriter, status int)) (Fault, bool) {
	BufferBody(r)
	f := g.take(endpoint, key)
	if !Sleep(r, f.Delay) {
		return f, false
	}
	switch f.Action {
	case Refuse:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		refuse(w, statusOr(f.Status, http.StatusServiceUnavailable))
		return f, false
	case DropBeforeApply:
		Drop(w)
		return f, false
	}
	return f, true
}

// After runs once the handler has applied the request: it answers for the
// faults that misbehave after applying and reports whether it did, in
// which case the handler must not answer.
func (f Fault) After(w http.ResponseWriter, refuse func(w http.ResponseWriter, status int)) bool {
	switch f.Action {
	case DropAfterApply:
		Drop(w)
	case FailAfterApply:
		refuse(w, statusOr(f.Status, http.StatusInternalServerError))
	case GarbleAfterApply:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"result": [{"id": 1, "stat`)
	case EmptyAfterApply:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{}`)
	default:
		return false
	}
	return true
}

func statusOr(s, def int) int {
	if s == 0 {
		return def
	}
	return s
}

// Calls returns how many requests reached endpoint, faults included.
func (g *Gate) Calls(endpoint string) int { return g.CallsFor(endpoint, "") }

// CallsFor returns how many requests about key reached endpoint, faults
// included; every repeat of a post is counted.
func (g *Gate) CallsFor(endpoint, key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[[2]string{endpoint, key}]
}

// BufferBody reads the request body (up to 1 MiB) into memory. Until a
// handler has read the body, net/http cannot notice that the client hung
// up, so a fake buffers it before any injected delay.
func BufferBody(r *http.Request) {
	if r.Body == nil {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
}

// Sleep waits d. It reports false if the client went away meanwhile, in
// which case the handler must stop without applying anything.
func Sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Drop closes the connection under w without writing a response.
func Drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2: aborts the stream without a response
}

// ID returns a random id of n characters from [A-Za-z0-9].
func ID(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Digits returns a random string of n decimal digits, the first not zero.
func Digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + d.Int64())
	}
	if n > 0 && b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// DecodeStrict reads a JSON object body into v as a strict server would:
// Content-Type must be mediaType (application/json when empty), unknown
// fields and trailing data are refused.
func DecodeStrict(r *http.Request, mediaType string, v any) error {
	if mediaType == "" {
		mediaType = "application/json"
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaType {
		return errors.New("Content-Type must be " + mediaType)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body is not valid: %v", err)
	}
	if dec.More() {
		return errors.New("body has data after the JSON object")
	}
	return nil
}

// ReadLag delays when a fake's read-back shows what was applied, as a
// partner whose reads are served from a replica does. The zero value shows
// everything at once. It is safe for concurrent use.
type ReadLag struct {
	mu sync.Mutex
	d  time.Duration
}

// Set makes entries applied at t visible to reads from t+d on.
func (l *ReadLag) Set(d time.Duration) {
	l.mu.Lock()
	l.d = d
	l.mu.Unlock()
}

// Visible reports whether an entry applied at t shows in a read now.
func (l *ReadLag) Visible(t time.Time) bool {
	l.mu.Lock()
	d := l.d
	l.mu.Unlock()
	return d <= 0 || !time.Now().Before(t.Add(d))
}

// Seq hands out increasing integers, for ledger ids. It is safe for
// concurrent use.
type Seq struct {
	mu   sync.Mutex
	next int64
}

// NewSeq returns a Seq whose first value is start+1.
func NewSeq(start int64) *Seq { return &Seq{next: start} }

// Next returns the next integer.
func (s *Seq) Next() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	return s.next
}

// NextString returns Next as decimal text.
func (s *Seq) NextString() string { return strconv.FormatInt(s.Next(), 10) }

// Server is an httptest server that counts the connections clients open,
// so tests can tell connection reuse from churn.
type Server struct {
	*httptest.Server
	conns atomic.Int64
}

// Start serves h on a loopback port, over TLS when useTLS is set.
func Start(h http.Handler, useTLS bool) *Server {
	s := &Server{Server: httptest.NewUnstartedServer(h)}
	// A client that gives up mid-handshake is routine in tests, not news.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	if useTLS {
		s.StartTLS()
	} else {
		s.Start()
	}
	return s
}

// NewConns returns how many connections clients have opened so far.
func (s *Server) NewConns() int64 { return s.conns.Load() }

// CertPool returns a pool trusting the server's TLS certificate, or nil
// for a plain HTTP server.
func (s *Server) CertPool() *x509.CertPool {
	if s.Certificate() == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}
