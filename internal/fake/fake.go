// Package fake holds what every in-process partner fake shares: a queue of
// injected faults, dropping a connection mid-call, random ids and JSON replies.
package fake

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// Cut says whether and when a fault drops the connection instead of answering.
type Cut int

const (
	// NoCut answers normally.
	NoCut Cut = iota
	// CutBeforeApply reads the request, then drops the connection without
	// applying it.
	CutBeforeApply
	// CutAfterApply applies the request, then drops the connection before
	// answering.
	CutAfterApply
)

// Fault is one injected misbehaviour, applied to the next matching calls.
type Fault struct {
	// Endpoint is the fake's name for the endpoint the fault hits; "" hits any.
	Endpoint string
	// Times is how many matching calls the fault affects; 0 means one.
	Times int
	// Status, when set, answers with this HTTP status and the partner's
	// error body, without applying anything.
	Status int
	// Delay waits this long before handling. A call whose client gives up
	// during the delay is dropped without being applied (CutAfterApply is
	// the fault for "applied, but no answer").
	Delay time.Duration
	// Cut drops the connection before or after applying.
	Cut Cut
}

// Faults is a queue of faults. It is safe for concurrent use.
type Faults struct {
	mu   sync.Mutex
	list []Fault
}

// Inject queues f behind the faults already queued.
func (q *Faults) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	q.mu.Lock()
	q.list = append(q.list, f)
	q.mu.Unlock()
}

// Clear drops every queued fault.
func (q *Faults) Clear() {
	q.mu.Lock()
	q.list = nil
	q.mu.Unlock()
}

// Take consumes one use of the first fault that matches endpoint and returns
// it, or the zero Fault (no misbehaviour) when none matches.
func (q *Faults) Take(endpoint string) Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.list {
		f := &q.list[i]
		if f.Endpoint != "" && f.Endpoint != endpoint {
			continue
		}
		got := *f
		if f.Times--; f.Times == 0 {
			q.list = append(q.list[:i], q.list[i+1:]...)
		}
		return got
	}
	return Fault{}
}

// BufferBody reads the request body (up to 1 MiB) into memory. Until a
// handler has read the body, net/http cannot notice that the client hung up,
// so a fake buffers it before any injected delay.
func BufferBody(r *http.Request) {
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

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Gate is the first step of every fake endpoint: it counts the call and
// applies the next queued fault (delay, failure status, cut before
// applying). It is safe for concurrent use; the zero value is ready.
type Gate struct {
	Faults
	mu    sync.Mutex
	calls map[string]int
}

// Enter counts a call to endpoint and applies its fault, answering a status
// fault with fail (the partner's own error body). It reports whether the
// handler should go on, and returns the fault for later stages (CutAfterApply).
func (g *Gate) Enter(w http.ResponseWriter, r *http.Request, endpoint string, fail func(w http.ResponseWriter, status int)) (Fault, bool) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]int{}
	}
	g.calls[endpoint]++
	g.mu.Unlock()
	BufferBody(r)
	f := g.Take(endpoint)
	if !Sleep(r, f.Delay) {
		return f, false
	}
	switch {
	case f.Status != 0:
		fail(w, f.Status)
		return f, false
	case f.Cut == CutBeforeApply:
		Drop(w)
		return f, false
	}
	return f, true
}

// Calls returns how many calls reached endpoint, faults included.
func (g *Gate) Calls(endpoint string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[endpoint]
}
