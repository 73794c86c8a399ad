package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskCardNumbers(t *testing.T) {
	cases := []struct{ in, want string }{
		{"card 4111111111111111 declined", "card REDACTED declined"},
		{"4111 1111 1111 1111", "REDACTED"},
		{"ref 12 4111-1111-1111-1111 and 42", "ref 12 REDACTED and 42"},
		{"two: 5500005555555559, 378282246310005", "two: REDACTED, REDACTED"},
		{"card4111111111111111", "cardREDACTED"},
		{"x4111111111111111y", "xREDACTEDy"},
		{"4111 1111 1111 1111 003", "REDACTED"},
		{"4111111111111111/4012888888881881", "REDACTED/REDACTED"},
		{"order 4111111111111112", "order 4111111111111112"},
		{"12345678901234567890123456", "12345678901234567890123456"},
		{"9784111111111111111", "9784111111111111111"},
		{"phone 406-761-5677", "phone 406-761-5677"},
		{"oracle id 300000100000001", "oracle id 300000100000001"},
		{"4111  1111 1111 1111", "4111  1111 1111 1111"},
		{"4111111111111111 ", "REDACTED "}, // a separator that ends the text
		{"4111 1111 1111 1111-", "REDACTED-"},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, MaskCardNumbers(c.in))
			assert.Equal(t, c.want != c.in, ContainsCardNumber(c.in))
		})
	}
}

func TestScrubMasksCardNumbers(t *testing.T) {
	var s Secrets
	assert.Equal(t, "echo REDACTED", s.Scrub("echo 4111111111111111"))
	var none *Secrets
	assert.Equal(t, "echo REDACTED", none.Scrub("echo 4111111111111111"))
	assert.Equal(t, "id 300000100000001", none.Scrub("id 300000100000001"))
}

// checkDigit completes payload with the digit that makes it pass Luhn,
// computed independently of the package's luhn.
func checkDigit(payload string) string {
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 { // doubled: it will sit second from the right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return payload + string(rune('0'+(10-sum%10)%10))
}

// cardOf returns a Luhn-valid number of n digits starting with prefix.
func cardOf(prefix string, n int) string {
	return checkDigit(prefix + strings.Repeat("0", n-1-len(prefix)))
}

// wrongLast changes the last digit, breaking the Luhn check.
func wrongLast(s string) string {
	return s[:len(s)-1] + string(rune('0'+(s[len(s)-1]-'0'+1)%10))
}

func TestOracleIDsAreNotCards(t *testing.T) {
	const n = 100_000
	r := rand.New(rand.NewPCG(1, 2))
	shapes := []struct {
		name string
		id   func() string
	}{
		{"3000001+8", func() string { return fmt.Sprintf("3000001%08d", r.IntN(1e8)) }},
		{"1000000+8", func() string { return fmt.Sprintf("1000000%08d", r.IntN(1e8)) }},
		{"300000+9", func() string { return fmt.Sprintf("300000%09d", r.IntN(1e9)) }},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			detected, luhnOnly := 0, 0
			for range n {
				id := sh.id()
				if luhn([]byte(id)) {
					luhnOnly++
				}
				if ContainsCardNumber(id) || ContainsCardNumber("PaymentId "+id+" not found") {
					detected++
				}
			}
			t.Logf("%s: %d of %d ids detected as cards (%.3f%%); Luhn alone would take %d (%.1f%%)",
				sh.name, detected, n, 100*float64(detected)/n, luhnOnly, 100*float64(luhnOnly)/n)
			assert.Zero(t, detected)
			assert.Greater(t, luhnOnly, n/20, "the sample holds Luhn-valid ids, so the brand check is what refuses them")
		})
	}
}

func TestPublishedTestCardsAreCards(t *testing.T) {
	cards := []struct{ brand, number string }{
		{"Visa", "4111111111111111"},
		{"Visa", "4012888888881881"},
		{"Visa 13", "4222222222222"},
		{"Visa 19", "4111111111111111003"},
		{"Mastercard", "5555555555554444"},
		{"Mastercard", "5105105105105100"},
		{"Mastercard 2-series", "2223003122003222"},
		{"Amex", "378282246310005"},
		{"Amex", "371449635398431"},
		{"Discover", "6011111111111117"},
		{"Discover", "6011000990139424"},
		{"Discover 19", "6011000990139420007"},
		{"Diners 305", "30569309025904"},
		{"Diners 38", "38520000023237"},
		{"Diners 36", "36227206271667"},
		{"JCB", "3530111333300000"},
		{"JCB", "3566002020360505"},
		{"UnionPay", "6200000000000005"},
		{"Maestro", "6759649826438453"},
	}
	total, detected := 0, 0
	for _, c := range cards {
		for _, form := range []struct{ name, text, want string }{
			{"alone", c.number, Mask},
			{"spaced", group(c.number, " "), Mask},
			{"dashed", group(c.number, "-"), Mask},
			{"in text", "IPS: card " + c.number + " was declined", "IPS: card REDACTED was declined"},
			{"grouped in text", "card: " + group(c.number, " ") + ".", "card: REDACTED."},
			{"after letters", "PAN" + c.number, "PANREDACTED"},
		} {
			t.Run(c.brand+" "+form.name, func(t *testing.T) {
				total++
				ok := ContainsCardNumber(form.text)
				if ok {
					detected++
				}
				assert.True(t, ok, form.text)
				assert.Equal(t, form.want, MaskCardNumbers(form.text))
			})
		}
	}
	t.Logf("published test cards: %d of %d forms detected (%.1f%%)", detected, total, 100*float64(detected)/float64(total))
	assert.Equal(t, total, detected)
}

// group writes a number the way it is printed on the card.
func group(number, sep string) string {
	var sizes []int
	switch len(number) {
	case 15:
		sizes = []int{4, 6, 5}
	case 14:
		sizes = []int{4, 6, 4}
	default:
		sizes = []int{4, 4, 4, 4, 4}
	}
	var parts []string
	for _, n := range sizes {
		if len(number) == 0 {
			break
		}
		n = min(n, len(number))
		parts = append(parts, number[:n])
		number = number[n:]
	}
	return strings.Join(parts, sep)
}

func TestCardBrandRanges(t *testing.T) {
	cases := []struct {
		prefix string
		n      int
		card   bool
	}{
		{"4", 13, true}, {"4", 16, true}, {"4", 19, true},
		{"4", 14, false}, {"4", 15, false}, {"4", 17, false}, {"4", 18, false},
		{"51", 16, true}, {"55", 16, true}, {"51", 15, false}, {"56", 16, true}, // 56: Maestro
		{"2221", 16, true}, {"2720", 16, true}, {"2220", 16, false}, {"2721", 16, false},
		{"2221", 17, false},
		{"34", 15, true}, {"37", 15, true}, {"34", 16, false}, {"35", 15, false},
		{"6011", 16, true}, {"6011", 19, true}, {"6011", 13, false}, {"6011", 15, false},
		{"644", 16, true}, {"649", 19, true}, {"644", 15, false}, {"643", 16, true}, {"643", 13, true},
		{"65", 16, true}, {"65", 15, false}, {"65", 13, false},
		{"36", 14, true}, {"36", 15, true}, {"36", 19, true}, {"36", 13, false},
		{"300", 14, true}, {"305", 16, true}, {"300", 15, false}, {"306", 14, false},
		{"38", 14, true}, {"39", 19, true}, {"38", 15, false},
		{"3528", 16, true}, {"3589", 19, true}, {"3527", 16, false}, {"3590", 16, false}, {"3528", 15, false},
		{"62", 16, true}, {"62", 19, true}, {"62", 13, false}, {"62", 15, false},
		{"50", 13, true}, {"50", 19, true}, {"56", 13, true}, {"69", 19, true}, {"60", 13, true},
		{"2200", 16, true}, {"2204", 19, true}, {"2205", 16, false}, {"2200", 15, false},
		{"1", 16, false}, {"0", 16, false}, {"7", 16, false}, {"8", 16, false}, {"9", 16, false},
		{"31", 16, false}, {"33", 16, false}, {"2", 16, false}, {"57", 12, false},
	}
	for _, c := range cases {
		number := cardOf(c.prefix, c.n)
		t.Run(number, func(t *testing.T) {
			assert.Equal(t, c.card, ContainsCardNumber(number))
			assert.False(t, ContainsCardNumber(wrongLast(number)), "Luhn still applies")
		})
	}
}

func TestCardLengthBoundaries(t *testing.T) {
	// No shorter head of these is a card, so changing the last digit
	// leaves nothing to find in the grouped form either.
	visa13, visa19 := cardOf("4222", 13), cardOf("4", 19)
	cases := []struct {
		name, number string
		card         bool
	}{
		{"13 digits", visa13, true},
		{"19 digits", visa19, true},
		{"13 digits, last changed", wrongLast(visa13), false},
		{"19 digits, last changed", wrongLast(visa19), false},
		{"12 digits", cardOf("4111", 12), false},
		{"20 digits", cardOf("4111111111111111", 20), false},
		{"20 digits holding a 16", "4111111111111111" + "0000", false},
		{"12 digits, Maestro", cardOf("50", 12), false},
		{"20 digits, Maestro", cardOf("50", 20), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			texts := []string{c.number, "no. " + c.number + " x", "no" + c.number}
			if len(c.number) <= 19 {
				texts = append(texts, group(c.number, " "), group(c.number, "-"))
			}
			for _, text := range texts {
				assert.Equal(t, c.card, ContainsCardNumber(text), text)
				if c.card {
					assert.NotContains(t, MaskCardNumbers(text), c.number[:8], text)
				} else {
					assert.Equal(t, text, MaskCardNumbers(text))
				}
			}
		})
	}
}
