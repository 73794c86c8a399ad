package transport

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDecide(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: time.Second}
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	soon, cancel2 := context.WithTimeout(bg, time.Millisecond)
	defer cancel2()
	cases := []struct {
		name   string
		ctx    context.Context
		effect Effect
		a      attempt
		retry  bool
	}{
		{"never left", bg, Write, attempt{n: 1}, true},
		{"left, write", bg, Write, attempt{n: 1, sent: true}, false},
		{"left, read", bg, Read, attempt{n: 1, sent: true}, true},
		{"left, repeatable", bg, RepeatableWrite, attempt{n: 1, sent: true}, true},
		{"exhausted", bg, Read, attempt{n: 3}, false},
		{"context done", cancelled, Read, attempt{n: 1}, false},
		{"deadline before backoff ends", soon, Read, attempt{n: 1, status: 503, retryAfter: 500 * time.Millisecond}, false},
		{"redirected read", bg, Read, attempt{n: 1, status: 302, redirected: true}, false},
		{"3xx read", bg, Read, attempt{n: 1, status: 302}, false},
		{"4xx", bg, Read, attempt{n: 1, status: 404}, false},
		{"already applied", bg, RepeatableWrite, attempt{n: 1, status: 500, err: &Error{Outcome: AlreadyApplied}}, false},
		{"429 write", bg, Write, attempt{n: 1, status: 429}, true},
		{"408 write", bg, Write, attempt{n: 1, status: 408}, true},
		{"429 long Retry-After", bg, Read, attempt{n: 1, status: 429, retryAfter: time.Hour}, false},
		{"2xx unreadable, write", bg, Write, attempt{n: 1, status: 200, bodyFailed: true}, false},
		{"2xx unconfirmed, write", bg, Write, attempt{n: 1, status: 200, unconfirmed: true}, false},
		{"2xx unconfirmed, repeatable", bg, RepeatableWrite, attempt{n: 1, status: 200, unconfirmed: true}, true},
		{"2xx unreadable, login", bg, Login, attempt{n: 1, status: 200, bodyFailed: true}, true},
		{"501", bg, Read, attempt{n: 1, status: 501}, false},
		{"503 read", bg, Read, attempt{n: 1, status: 503}, true},
		{"503 write", bg, Write, attempt{n: 1, status: 503}, false},
	}
	for _, tc := range cases {
		d := p.decide(tc.ctx, tc.effect, tc.a)
		assert.Equal(t, tc.retry, d.retry, "%s: %s", tc.name, d.reason)
		assert.NotEmpty(t, d.reason, tc.name)
	}
	d := p.decide(bg, Read, attempt{n: 1, status: 503, retryAfter: 300 * time.Millisecond})
	assert.Equal(t, 300*time.Millisecond, d.wait, "Retry-After wins over a shorter backoff")
	d = p.decide(bg, Write, attempt{n: 1, status: 408, retryAfter: 200 * time.Millisecond})
	assert.Equal(t, 200*time.Millisecond, d.wait, "also on 408")
}

func TestMayHaveApplied(t *testing.T) {
	assert.False(t, attempt{}.mayHaveApplied())
	assert.True(t, attempt{sent: true}.mayHaveApplied())
	assert.True(t, attempt{status: 500}.mayHaveApplied())
	assert.True(t, attempt{status: 303}.mayHaveApplied())
	assert.True(t, attempt{status: 200, bodyFailed: true}.mayHaveApplied())
	assert.True(t, attempt{status: 200, unconfirmed: true}.mayHaveApplied())
	assert.True(t, attempt{status: 200, redirected: true}.mayHaveApplied())
	assert.False(t, attempt{status: 400}.mayHaveApplied())
	assert.False(t, attempt{status: 429}.mayHaveApplied())
	assert.False(t, attempt{status: 499}.mayHaveApplied())
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 400 * time.Millisecond}
	for range 200 {
		for n, limit := range map[int]time.Duration{1: 100, 2: 200, 3: 400, 8: 400} {
			d := p.backoff(n)
			assert.GreaterOrEqual(t, d, limit*time.Millisecond/2)
			assert.LessOrEqual(t, d, limit*time.Millisecond, "never beyond MaxDelay")
		}
	}
	// A base above half the cap goes to the cap, not stays below it.
	q := RetryPolicy{MaxAttempts: 3, BaseDelay: 300 * time.Millisecond, MaxDelay: 400 * time.Millisecond}
	for range 200 {
		d := q.backoff(2)
		assert.GreaterOrEqual(t, d, 200*time.Millisecond)
		assert.LessOrEqual(t, d, 400*time.Millisecond)
	}
	assert.Zero(t, RetryPolicy{MaxAttempts: 2}.backoff(1))
	assert.Equal(t, 3*time.Second+2*time.Second, RetryPolicy{MaxAttempts: 3, MaxDelay: time.Second}.worstCase(time.Second))
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	assert.Equal(t, 3*time.Second, parseRetryAfter(h("3"), now))
	assert.Equal(t, 90*time.Second, parseRetryAfter(h(now.Add(90*time.Second).Format(http.TimeFormat)), now))
	assert.Zero(t, parseRetryAfter(h(now.Add(-time.Minute).Format(http.TimeFormat)), now))
	assert.Zero(t, parseRetryAfter(h("-1"), now))
	assert.Zero(t, parseRetryAfter(h("soon"), now))
	assert.Zero(t, parseRetryAfter(http.Header{}, now))
}

func TestSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	assert.ErrorIs(t, sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
	assert.NoError(t, sleep(context.Background(), time.Millisecond))
	assert.NoError(t, sleep(context.Background(), 0))
}

func TestEffectNames(t *testing.T) {
	for e, want := range map[Effect]string{Read: "read", Login: "login", Write: "write", RepeatableWrite: "repeatable write", 0: "undeclared", 9: "undeclared"} {
		assert.Equal(t, want, e.String())
	}
	assert.False(t, Effect(0).valid())
	assert.True(t, RepeatableWrite.changesState())
	assert.False(t, Login.changesState())
	assert.False(t, Write.repeatable())
}
