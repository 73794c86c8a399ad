package oraclepsc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsErrorCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"JBO-25013": true, "ORA-00001": true,
		"AB-1": true, "ABCDEFGH-12345678": true,
		"A-1": false, "ABCDEFGHI-1": false, "AB-": false, "AB-123456789": false,
		"ab-1": false, "AB-1a": false, "AB1": false, "": false,
	} {
		assert.Equal(t, want, isErrorCode(code), code)
	}
}
