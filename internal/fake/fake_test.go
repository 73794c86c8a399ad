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
