package crmcom

import (
	"encoding/base64"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
)

func jwt(payload string) string {
	return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
}

func TestJWTExpiry(t *testing.T) {
	t.Parallel()
	exp, ok := jwtExpiry(jwt(`{"sub":"JackH","exp":1700000000}`))
	assert.True(t, ok)
	assert.Equal(t, time.Unix(1700000000, 0), exp)
	exp, ok = jwtExpiry(jwt(`{"exp":1700000000.75}`))
	assert.True(t, ok, "a NumericDate may have a fraction")
	assert.Equal(t, time.Unix(1700000000, 0), exp)
	padded := "a." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1700000001}`)) + ".s"
	exp, ok = jwtExpiry(padded)
	assert.True(t, ok, "padding tolerated")
	assert.Equal(t, time.Unix(1700000001, 0), exp)
	for _, tok := range []string{
		"825D7B5BB7F62E043A7C73B0FFBF124F", // opaque, as in the partner document
		jwt(`{"sub":"x"}`), jwt(`{"exp":"soon"}`), jwt(`{"exp":-5}`), jwt(`{"exp":0}`), jwt(`not json`),
		"a.b", "a.b.c.d", "a.!!!.c", "..",
	} {
		_, ok := jwtExpiry(tok)
		assert.False(t, ok, tok)
	}
}

func FuzzJWTExpiry(f *testing.F) {
	for _, s := range []string{jwt(`{"exp":1700000000}`), jwt(`{"exp":1e30}`), "a.b.c", "", "..", jwt(`{"exp":99999999999999999999}`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		if exp, ok := jwtExpiry(token); ok && exp.Unix() <= 0 {
			t.Fatalf("a non-positive exp accepted: %v", exp)
		}
	})
}

func FuzzParseError(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"status":{"code":"INVOICE_ALREADY_PAID"}}`, `{"status":{"code":"INVALID_TOKEN"}}`, `<html/>`, `{"status":7}`} {
		f.Add(400, []byte(s))
		f.Add(500, []byte(s))
	}
	codes := newCodeSets(defaultInvalidTokenCodes, defaultAlreadyAppliedCodes)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := &transport.Error{StatusCode: status}
		codes.parseError(e, http.Header{}, body)
		if e.Outcome == transport.AlreadyApplied && status >= 500 {
			t.Fatal("a 5xx is never already applied")
		}
	})
}

func TestNormalCode(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"INVALID_TOKEN", "InvalidToken", "invalid-token", " invalid token "} {
		assert.Equal(t, "INVALIDTOKEN", normalCode(code))
	}
	s := newCodeSets([]string{"INVALID_TOKEN"}, nil)
	assert.True(t, s.invalidToken("invalidToken"))
	assert.False(t, s.invalidToken(""))
	assert.False(t, s.invalidToken("INVALID_TOKENS"))
	assert.False(t, s.alreadyApplied("INVALID_TOKEN"))
}

// Every Time in a payment is read in the client's location: a Time field
// added later and forgotten in the in methods fails here.
func TestEveryTimeIsLocalized(t *testing.T) {
	t.Parallel()
	eet := time.FixedZone("EET", 2*60*60)
	zoneless := Time{Time: time.Date(2014, 7, 14, 10, 0, 0, 0, zoneless)}
	check := func(v any, localize func()) {
		n := fillTimes(reflect.ValueOf(v).Elem(), zoneless)
		assert.NotZero(t, n)
		localize()
		seen := 0
		walkTimes(reflect.ValueOf(v).Elem(), func(tm *Time) {
			seen++
			assert.Equal(t, eet, tm.Location(), "%T", v)
			assert.Equal(t, 10, tm.Hour(), "the wall clock is kept")
		})
		assert.Equal(t, n, seen)
	}
	var p Payment
	check(&p, func() { p.in(eet) })
	var s PaymentSummary
	check(&s, func() { s.in(eet) })
}

var timeType = reflect.TypeOf(Time{})

// fillTimes sets every Time reachable in v (one element per slice) and
// counts them.
func fillTimes(v reflect.Value, t Time) int {
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(t))
		return 1
	case v.Kind() == reflect.Struct:
		n := 0
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				n += fillTimes(v.Field(i), t)
			}
		}
		return n
	case v.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		return fillTimes(v.Index(0), t)
	}
	return 0
}

func walkTimes(v reflect.Value, f func(*Time)) {
	switch {
	case v.Type() == timeType:
		f(v.Addr().Interface().(*Time))
	case v.Kind() == reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkTimes(v.Field(i), f)
			}
		}
	case v.Kind() == reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkTimes(v.Index(i), f)
		}
	}
}
