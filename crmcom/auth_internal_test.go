package crmcom

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clockedClient is a client whose clock the test sets, logging in to a
// mock CRM.COM that issues an opaque token (no exp: the idle rule applies).
type clockedClient struct {
	c      *Client
	now    time.Time
	logins atomic.Int32
}

func newClockedClient(t *testing.T, idle time.Duration) *clockedClient {
	t.Helper()
	const base = "https://crm.example.com/crmapi/rest/v2"
	cc := &clockedClient{now: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, base+"/authentication/token", func(*http.Request) (*http.Response, error) {
		cc.logins.Add(1)
		resp := httpmock.NewStringResponse(200, `{"status":{"message":null,"description":null,"code":"OK"},"data":{"token":"B8D7A12E9F91AFADE914B7330AFD08CB"}}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	c, err := New(Config{BaseURL: base, Username: "JackH", Password: "pw-7c1d", Organisation: "Main Organisation", IdleLifetime: idle},
		WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	c.now = func() time.Time { return cc.now }
	cc.c = c
	return cc
}

// use makes a call at start+at that needs the token.
func (cc *clockedClient) use(t *testing.T, start time.Time, at time.Duration) {
	t.Helper()
	cc.now = start.Add(at)
	require.NoError(t, cc.c.Login(context.Background()))
}

// A token that is not a JWT is renewed once it has gone unused for the
// idle lifetime less a margin (a tenth of it, at most a minute): from that
// instant on, not a nanosecond later, and not before.
func TestIdleTokenRenewedAtTheMargin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		idle   time.Duration
		unused time.Duration
		renew  bool
	}{
		{"hour: just before the minute's margin", time.Hour, 59*time.Minute - time.Nanosecond, false},
		{"hour: at the minute's margin", time.Hour, 59 * time.Minute, true},
		{"hour: within the margin", time.Hour, 59*time.Minute + 30*time.Second, true},
		{"hour: at the lifetime", time.Hour, time.Hour, true},
		{"5 minutes: just before a tenth", 5 * time.Minute, 270*time.Second - time.Nanosecond, false},
		{"5 minutes: at a tenth", 5 * time.Minute, 270 * time.Second, true},
		{"5 minutes less 1 s: past its tenth", 5*time.Minute - time.Second, 4*time.Minute + 30*time.Second, true},
		{"10 minutes: at the margin", 10 * time.Minute, 9 * time.Minute, true},
		{"10 minutes: just before", 10 * time.Minute, 9*time.Minute - time.Nanosecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cc := newClockedClient(t, tc.idle)
			start := cc.now
			cc.use(t, start, 0)
			require.EqualValues(t, 1, cc.logins.Load())
			cc.use(t, start, tc.unused)
			want := 1
			if tc.renew {
				want = 2
			}
			assert.EqualValues(t, want, cc.logins.Load())
		})
	}
}

// A use of the token is recorded when a second or more has passed since
// the last one recorded, and not sooner: the idle time runs from the last
// use recorded.
func TestIdleTimeRunsFromTheLastUseRecorded(t *testing.T) {
	t.Parallel()
	const idle = 10 * time.Minute // renewed after 9 minutes unused
	for _, tc := range []struct {
		name      string
		used      time.Duration // after login
		next      time.Duration // after login
		renewed   bool
		lastSince time.Duration // last use recorded, after login
	}{
		// A use within the second is not recorded: 9 minutes after the
		// login the token is renewed, though used since.
		{"used at 0.5 s, idle from the login", 500 * time.Millisecond, 9 * time.Minute, true, 0},
		{"used at 1 s less 1 ns, idle from the login", time.Second - time.Nanosecond, 9 * time.Minute, true, 0},
		// A use a second or more later is: the idle time runs from it.
		{"used at 1 s, idle from the use", time.Second, 9*time.Minute + time.Second - time.Nanosecond, false, time.Second},
		{"used at 1 s, renewed 9 minutes on", time.Second, 9*time.Minute + time.Second, true, time.Second},
		{"used at 2 s, idle from the use", 2 * time.Second, 9*time.Minute + time.Second, false, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cc := newClockedClient(t, idle)
			start := cc.now
			cc.use(t, start, 0)
			cc.use(t, start, tc.used)
			s := cc.c.current.Load()
			require.NotNil(t, s)
			assert.Equal(t, start.Add(tc.lastSince).UnixNano(), s.lastUsed.Load(), "the last use recorded")
			cc.use(t, start, tc.next)
			want := 1
			if tc.renewed {
				want = 2
			}
			assert.EqualValues(t, want, cc.logins.Load())
		})
	}
}
