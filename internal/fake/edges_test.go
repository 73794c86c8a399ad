package fake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A Rate below one half hits about that share of the calls, not its
// complement (TestGateRate's 0.5 cannot tell them apart).
func TestGateRateIsTheShareHit(t *testing.T) {
	var g Gate
	g.Inject(Fault{Action: Refuse, Rate: 0.1, Times: Forever})
	hit := 0
	for range 1000 {
		if g.take("pay", "").Action == Refuse {
			hit++
		}
	}
	assert.InDelta(t, 100, hit, 60, "about a tenth of the calls are hit")
	assert.Equal(t, 1000, g.Calls("pay"))
}

// Without a delay there is nothing to wait for: the handler goes on even if
// the client has already gone (only a delay gives the fake time to notice).
func TestSleepWithoutDelayGoesOn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	for range 100 {
		if !assert.True(t, Sleep(r, 0)) {
			break
		}
	}
}

// Without a lag everything shows, even an entry stamped later than the
// fake's clock reads now.
func TestReadLagZeroShowsEverything(t *testing.T) {
	var l ReadLag
	assert.True(t, l.Visible(time.Now().Add(time.Hour)))
	l.Set(0)
	assert.True(t, l.Visible(time.Now().Add(time.Hour)))
	l.Set(time.Minute)
	assert.False(t, l.Visible(time.Now().Add(time.Hour)))
}
