package fake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFaultsTakeInOrderAndCount(t *testing.T) {
	var q Faults
	q.Inject(Fault{Endpoint: "a", Status: 500, Times: 2})
	q.Inject(Fault{Status: 502})
	assert.Equal(t, 502, q.Take("b").Status, "an endpoint-less fault hits any endpoint")
	assert.Equal(t, 500, q.Take("a").Status)
	assert.Equal(t, 500, q.Take("a").Status)
	assert.Equal(t, Fault{}, q.Take("a"))
	q.Inject(Fault{Delay: time.Second})
	assert.Equal(t, 1, q.Take("x").Times, "Times 0 means once")
	q.Inject(Fault{Status: 1, Times: 5})
	q.Clear()
	assert.Equal(t, Fault{}, q.Take("x"))
}

func TestSleepStopsWhenClientLeaves(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	assert.True(t, Sleep(r, 0))
	assert.True(t, Sleep(r, time.Millisecond))
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	assert.False(t, Sleep(r.WithContext(ctx), time.Hour))
}

func TestID(t *testing.T) {
	a, b := ID(20), ID(20)
	assert.Len(t, a, 20)
	assert.NotEqual(t, a, b)
	assert.Regexp(t, `^[A-Za-z0-9]{20}$`, a)
}

func TestGateCountsAndAppliesFaults(t *testing.T) {
	var g Gate
	reached := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := g.Enter(w, r, "pay", func(w http.ResponseWriter, status int) { w.WriteHeader(status) }); ok {
			reached++
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()
	g.Inject(Fault{Endpoint: "pay", Status: 503})
	g.Inject(Fault{Endpoint: "pay", Cut: CutBeforeApply})
	g.Inject(Fault{Endpoint: "other", Status: 500})

	resp, err := http.Post(srv.URL, "text/plain", nil)
	if assert.NoError(t, err) {
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
	}
	_, err = http.Post(srv.URL, "text/plain", nil)
	assert.Error(t, err, "connection cut")
	resp, err = http.Post(srv.URL, "text/plain", nil)
	if assert.NoError(t, err) {
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, "the fault for another endpoint waits")
	}
	assert.Equal(t, 3, g.Calls("pay"))
	assert.Equal(t, 1, reached)
	assert.Zero(t, g.Calls("other"))
}
