package tokencache

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A caller finds the held token expired; before it takes the lock another
// caller's login finishes. It must hand out that fresh token rather than
// log in again, unless the fresh token is itself stale. The clock is the
// seam: its first reading is taken between the two checks, and there the
// test stores the token as a finished login would.
func TestLoginThatFinishedBeforeTheLockIsUsed(t *testing.T) {
	for name, tc := range map[string]struct {
		stale func(string) bool
		want  string
		calls int32
	}{
		"fresh":          {nil, "fresh", 0},
		"fresh, checked": {func(string) bool { return false }, "fresh", 0},
		"stale":          {func(v string) bool { return v == "fresh" }, "tok-1", 1},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			lc := &counter{}
			c := newCache(t, lc.login, 0)
			if tc.stale != nil {
				c.WithStale(tc.stale)
			}
			c.usable.Store(&held[string]{tok: Token[string]{Value: "old", Expiry: start}, gen: 1})
			c.gen = 1
			var once sync.Once
			c.now = func() time.Time {
				once.Do(func() {
					c.mu.Lock()
					c.gen++
					h := &held[string]{tok: Token[string]{Value: "fresh", Expiry: start.Add(time.Hour)}, gen: c.gen}
					c.last = &h.tok
					c.usable.Store(h)
					c.mu.Unlock()
				})
				return start
			}
			tok, _, err := c.Get(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.want, tok.Value)
			assert.Equal(t, tc.calls, lc.calls.Load(), "logins")
		})
	}
}
