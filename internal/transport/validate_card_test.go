package transport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckNoCardNumber(t *testing.T) {
	cards := []string{
		"4111111111111111",
		"4111 1111 1111 1111",
		"4111-1111-1111-1111",
		"paid with 5500005555555559 thanks",
		"378282246310005", // 15-digit Amex
		"ref 12 4111111111111111",
	}
	for _, s := range cards {
		v := CheckNoCardNumber("Comments", s)
		if assert.NotNil(t, v, s) {
			assert.NotContains(t, v.Error(), "1111")
		}
	}
	fine := []string{
		"", "invoice 2024-001", "4067615677", "call 406-761-5677",
		"4111111111111112", // fails Luhn
		"d1f63549-8fd1-4be5-abf8-e624897044be",
		"12345678901234567890123456", // one 26-digit group: not a card number
		"order 4111111111111112 and 42",
	}
	for _, s := range fine {
		assert.Nil(t, CheckNoCardNumber("Comments", s), s)
	}
}

func TestCheckLastFour(t *testing.T) {
	for _, ok := range []string{"", "4219", "*4219", "XXXX4219", "xx19", "7"} {
		assert.Nil(t, CheckLastFour("CardNumberLastDigits", ok), ok)
	}
	for value, reason := range map[string]string{
		"4111111111111111": "a full card number is never sent",
		"*14219":           "a full card number is never sent",
		"4111 1111":        "a full card number is never sent",
		"42a9":             "up to 4 digits",
		"****":             "up to 4 digits",
		"4219*":            "up to 4 digits",
	} {
		v := CheckLastFour("CardNumberLastDigits", value)
		if assert.NotNil(t, v, value) {
			assert.Contains(t, v.Reason, reason, value)
			assert.NotContains(t, v.Error(), value)
		}
	}
}

func TestCheckFreeTextAndPathSegment(t *testing.T) {
	assert.Nil(t, CheckFreeText("Comments", "line one\nline two\tend", 100))
	assert.NotNil(t, CheckFreeText("Comments", "bell\a", 100))
	assert.NotNil(t, CheckFreeText("Comments", "xxxxx", 4))
	assert.NotNil(t, CheckFreeText("Comments", "\xff", 4))
	assert.NotNil(t, CheckFreeText("Comments", "card 4111111111111111", 100))
	assert.NotNil(t, CheckPathSegment("TransactionID", "..", 10))
	assert.NotNil(t, CheckPathSegment("TransactionID", "", 10))
	assert.Nil(t, CheckPathSegment("TransactionID", "322931", 10))
}

// FuzzCheckNoCardNumber: never panics, and a known card number standing
// between letters is always found, whatever surrounds it.
func FuzzCheckNoCardNumber(f *testing.F) {
	f.Add("paid", "thanks")
	f.Add("12 ", "-34")
	f.Fuzz(func(t *testing.T, before, after string) {
		_ = CheckNoCardNumber("F", before+after)
		s := before + "x4111111111111111x" + after
		if CheckNoCardNumber("F", s) == nil {
			t.Fatalf("missed the card number in %q", s)
		}
	})
}
