package fake

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func refuse(w http.ResponseWriter, status int) {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "refused")
}

// gateServer runs every request through g.Before, "applies" it (counting
// in applied), then through the fault's After.
func gateServer(t *testing.T, g *Gate, applied *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := g.Before(w, r, r.URL.Path[1:], r.URL.Query().Get("key"), refuse)
		if !ok {
			return
		}
		applied.Add(1)
		if f.After(w, refuse) {
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func TestGateActions(t *testing.T) {
	cases := []struct {
		fault   Fault
		status  int
		body    string
		cut     bool
		applied int32
	}{
		{Fault{Action: Refuse}, 503, "refused", false, 0},
		{Fault{Action: Refuse, Status: 429, RetryAfter: "3"}, 429, "refused", false, 0},
		{Fault{Action: DropBeforeApply}, 0, "", true, 0},
		{Fault{Action: DropAfterApply}, 0, "", true, 1},
		{Fault{Action: FailAfterApply}, 500, "refused", false, 1},
		{Fault{Action: FailAfterApply, Status: 502}, 502, "refused", false, 1},
		{Fault{Action: GarbleAfterApply}, 200, `{"result": [{"id": 1, "stat`, false, 1},
		{Fault{Action: EmptyAfterApply}, 200, `{}`, false, 1},
		{Fault{Delay: 10 * time.Millisecond}, 200, `{"ok":true}`, false, 1},
	}
	for _, tc := range cases {
		var g Gate
		var applied atomic.Int32
		srv := gateServer(t, &g, &applied)
		g.Inject(tc.fault)
		status, body, err := get(t, srv.URL+"/pay")
		if tc.cut {
			assert.Error(t, err, "%+v", tc.fault)
		} else {
			require.NoError(t, err)
			assert.Equal(t, tc.status, status, "%+v", tc.fault)
			assert.Equal(t, tc.body, body)
		}
		assert.Equal(t, tc.applied, applied.Load(), "%+v", tc.fault)
		status, _, err = get(t, srv.URL+"/pay")
		require.NoError(t, err)
		assert.Equal(t, 200, status, "a fault hits once by default")
		assert.Equal(t, 2, g.Calls("pay"))
	}
}

func TestGateTargeting(t *testing.T) {
	var g Gate
	var applied atomic.Int32
	srv := gateServer(t, &g, &applied)
	g.Inject(Fault{Endpoint: "pay", Key: "B", Skip: 1, Times: 2, Action: Refuse, Status: 409})
	g.Inject(Fault{Endpoint: "other", Action: Refuse})

	statuses := func(path string, n int) []int {
		var out []int
		for range n {
			s, _, err := get(t, srv.URL+path)
			require.NoError(t, err)
			out = append(out, s)
		}
		return out
	}
	assert.Equal(t, []int{200, 200}, statuses("/pay?key=A", 2), "another key is not hit")
	assert.Equal(t, []int{200, 409, 409, 200}, statuses("/pay?key=B", 4), "skip one, then hit twice")
	assert.Equal(t, 6, g.Calls("pay"))
	assert.Equal(t, 4, g.CallsFor("pay", "B"))
	assert.Equal(t, 2, g.CallsFor("pay", "A"))
	assert.Zero(t, g.Calls("other"))

	g.Inject(Fault{Action: Refuse, Times: Forever})
	assert.Equal(t, []int{503, 503, 503}, statuses("/any", 3), "Forever keeps hitting, on any endpoint")
	g.Clear()
	assert.Equal(t, []int{200}, statuses("/any", 1))
}

func TestGateRate(t *testing.T) {
	var g Gate
	var applied atomic.Int32
	srv := gateServer(t, &g, &applied)
	g.Inject(Fault{Action: Refuse, Rate: 0.5, Times: Forever})
	refused := 0
	for range 200 {
		s, _, err := get(t, srv.URL+"/pay")
		require.NoError(t, err)
		if s == 503 {
			refused++
		}
	}
	assert.InDelta(t, 100, refused, 40, "about half the calls are hit")
}

func TestSleepStopsWhenClientLeaves(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	assert.True(t, Sleep(r, 0))
	assert.True(t, Sleep(r, time.Millisecond))
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	assert.False(t, Sleep(r.WithContext(ctx), time.Hour))
}

func TestIDs(t *testing.T) {
	a, b := ID(20), ID(20)
	assert.Len(t, a, 20)
	assert.NotEqual(t, a, b)
	assert.Regexp(t, `^[A-Za-z0-9]{20}$`, a)
	assert.Regexp(t, `^[1-9][0-9]{14}$`, Digits(15))
	s := NewSeq(100)
	assert.Equal(t, int64(101), s.Next())
	assert.Equal(t, "102", s.NextString())
}

func TestDecodeStrict(t *testing.T) {
	var v struct{ A int }
	req := func(ct, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		return r
	}
	require.NoError(t, DecodeStrict(req("application/json; charset=utf-8", `{"A":1}`), "", &v))
	assert.Equal(t, 1, v.A)
	assert.ErrorContains(t, DecodeStrict(req("text/plain", `{"A":1}`), "", &v), "Content-Type")
	assert.ErrorContains(t, DecodeStrict(req("application/json", `{"B":1}`), "", &v), "unknown field")
	assert.ErrorContains(t, DecodeStrict(req("application/json", `{"A":1}{}`), "", &v), "after the JSON")
	require.NoError(t, DecodeStrict(req("application/vnd.x+json", `{"A":2}`), "application/vnd.x+json", &v))
}

func TestReadLag(t *testing.T) {
	var l ReadLag
	now := time.Now()
	assert.True(t, l.Visible(now))
	l.Set(time.Hour)
	assert.False(t, l.Visible(now))
	assert.True(t, l.Visible(now.Add(-2*time.Hour)))
}

func TestServerCountsConnections(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		s := Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }), useTLS)
		tr := &http.Transport{}
		if useTLS {
			require.NotNil(t, s.CertPool())
			tr.TLSClientConfig = &tls.Config{RootCAs: s.CertPool()}
		} else {
			assert.Nil(t, s.CertPool())
		}
		c := &http.Client{Transport: tr}
		for range 5 {
			resp, err := c.Get(s.URL)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		assert.Equal(t, int64(1), s.NewConns(), "one kept-alive connection (tls=%v)", useTLS)
		tr.CloseIdleConnections()
		s.Close()
	}
}

func TestRefuseSendsRetryAfterOnlyWhenAsked(t *testing.T) {
	var g Gate
	var applied atomic.Int32
	srv := gateServer(t, &g, &applied)
	for _, after := range []string{"3", ""} {
		g.Inject(Fault{Action: Refuse, Status: 429, RetryAfter: after})
		resp, err := http.Get(srv.URL + "/pay")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 429, resp.StatusCode)
		assert.Equal(t, after, resp.Header.Get("Retry-After"))
		_, sent := resp.Header["Retry-After"]
		assert.Equal(t, after != "", sent)
	}
}

func TestBufferBodyWithoutBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Body = nil
	assert.NotPanics(t, func() { BufferBody(r) })
	assert.Nil(t, r.Body)
}

func TestDigitsVary(t *testing.T) {
	firsts := map[byte]bool{}
	for range 200 {
		d := Digits(3)
		require.Len(t, d, 3)
		assert.NotEqual(t, byte('0'), d[0])
		firsts[d[0]] = true
	}
	assert.Greater(t, len(firsts), 5, "the first digit is random too, only never 0")
	assert.Empty(t, Digits(0))
}
