package oraclepsc

import (
	"strings"
	"testing"

	"github.com/civicpay/datapump/internal/transport"
	"github.com/stretchr/testify/assert"
)

// plain may only skip the text checks for values they accept.
func checkPlain(t *testing.T, value string, max int, free bool) {
	t.Helper()
	if !plain(value, max, free) {
		return
	}
	var chk transport.Checks
	if free {
		chk.FreeText("f", value, max)
	} else {
		chk.OptionalText("f", value, max)
	}
	assert.True(t, chk.OK(), "plain accepted %q (max %d, free %v), the checks refuse it: %v", value, max, free, chk.Err("p", "op"))
}

func TestPlainOnlySkipsWhatTheChecksAccept(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		max   int
		free  bool
		plain bool
	}{
		{"", 10, false, true},
		{"Permit BLD-2024-00042", 100, true, true},
		{"4111 1111 1111", 100, true, true},          // 12 digits: no card number is that short
		{"4111 1111 1111 1", 100, true, false},       // 13 digits: the checks decide
		{"refund 300000100000001", 100, true, false}, // an Oracle id: the checks decide (and accept)
		{"é", 10, false, false},
		{"tab\tin text", 100, true, false},
		{" lead", 10, false, false},
		{"trail ", 10, false, false},
		{" free text may start with a space", 100, true, true},
		{"0123456789", 10, false, true},
		{"0123456789X", 10, false, false},
		{"\x7f", 10, false, false},
	} {
		assert.Equal(t, tc.plain, plain(tc.value, tc.max, tc.free), "%q", tc.value)
		checkPlain(t, tc.value, tc.max, tc.free)
	}
	checkPlain(t, strings.Repeat("9", 12), 50, true)
}

// FuzzPlain: whatever plain lets through, the full checks accept.
func FuzzPlain(f *testing.F) {
	for _, s := range []string{"", "Permit BLD-2024-00042", "4111 1111 1111", "4111-1111-1111-1111", " x", "x ", "é", "\x00"} {
		f.Add(s, uint8(20), true)
		f.Add(s, uint8(3), false)
	}
	f.Fuzz(func(t *testing.T, value string, max uint8, free bool) {
		checkPlain(t, value, int(max), free)
	})
}
