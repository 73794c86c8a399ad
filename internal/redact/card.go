package redact

// ContainsCardNumber reports whether text holds a payment card number, so a
// caller can refuse text that must not carry one.
//
// A card number is a span of whole digit groups (digits joined by single
// spaces or dashes: "4111111111111111", "4111 1111 1111 1111",
// "3782-822463-10005") that passes the Luhn check and whose length and
// leading digits (IIN) belong to a card brand:
//
//	brand             IIN prefixes                   lengths
//	Visa              4                              13, 16, 19
//	Mastercard        51–55, 2221–2720               16
//	American Express  34, 37                         15
//	Discover          6011, 644–649, 65              16–19
//	Diners Club       36                             14–19
//	Diners Club       300–305, 38–39                 14, 16–19
//	JCB               3528–3589                      16–19
//	UnionPay          62                             16–19
//	Maestro           50, 56–69 (less the above)     13–19
//	Mir               2200–2204                      16–19
//
// A prefix claimed by a brand above Maestro in the table takes that brand's
// lengths only: a 13-digit number starting 6011 is not a card.
//
// Luhn alone passes one digit string in ten, so record ids of card length
// would be taken for cards; the brand table refuses the 15-digit Oracle
// Fusion ids (300000100000001, 100000012345678): Diners Club issues no
// 15-digit numbers under 300–305 and no brand uses a leading 1. Digits
// touching letters are still checked ("card4111111111111111"); a run of
// more than 19 digits with no space or dash is never cut into slices to
// find one.
func ContainsCardNumber(text string) bool { return len(cardSpans(text)) > 0 }

// MaskCardNumbers returns text with every card number, as ContainsCardNumber
// defines it, replaced by Mask, so a partner's message that echoes one from
// its records never reaches an error string.
func MaskCardNumbers(text string) string { return maskSpans(text, cardSpans(text)) }

// cardBrand is one row of the table in the ContainsCardNumber doc: numbers
// whose first digits (as a number) lie in [lo, hi] have one of the lengths
// in the bit set lengths (bit n set: n digits).
type cardBrand struct {
	name    string
	digits  int // how many leading digits lo and hi cover
	lo, hi  int
	lengths uint32
}

func lengths(ns ...int) uint32 {
	var b uint32
	for _, n := range ns {
		b |= 1 << n
	}
	return b
}

// cardBrands lists the IIN ranges of ContainsCardNumber's table. The first
// row whose prefix matches decides, so the ranges Maestro leaves to other
// brands come before Maestro's.
var cardBrands = []cardBrand{
	{"Visa", 1, 4, 4, lengths(13, 16, 19)},
	{"Mir", 4, 2200, 2204, lengths(16, 17, 18, 19)},
	{"Mastercard", 4, 2221, 2720, lengths(16)},
	{"Mastercard", 2, 51, 55, lengths(16)},
	{"American Express", 2, 34, 34, lengths(15)},
	{"American Express", 2, 37, 37, lengths(15)},
	{"Diners Club", 2, 36, 36, lengths(14, 15, 16, 17, 18, 19)},
	{"Diners Club", 3, 300, 305, lengths(14, 16, 17, 18, 19)},
	{"Diners Club", 2, 38, 39, lengths(14, 16, 17, 18, 19)},
	{"JCB", 4, 3528, 3589, lengths(16, 17, 18, 19)},
	{"Discover", 4, 6011, 6011, lengths(16, 17, 18, 19)},
	{"Discover", 3, 644, 649, lengths(16, 17, 18, 19)},
	{"Discover", 2, 65, 65, lengths(16, 17, 18, 19)},
	{"UnionPay", 2, 62, 62, lengths(16, 17, 18, 19)},
	{"Maestro", 2, 50, 50, lengths(13, 14, 15, 16, 17, 18, 19)},
	{"Maestro", 2, 56, 69, lengths(13, 14, 15, 16, 17, 18, 19)},
}

// isCardNumber reports whether digits (13 to 19 ASCII digits) is a number
// of a brand in cardBrands that passes the Luhn check.
func isCardNumber(digits []byte) bool {
	n := len(digits)
	if n < 13 || n > 19 {
		return false
	}
	for _, b := range cardBrands {
		prefix := 0
		for _, d := range digits[:b.digits] {
			prefix = prefix*10 + int(d-'0')
		}
		if prefix >= b.lo && prefix <= b.hi {
			return b.lengths&(1<<n) != 0 && luhn(digits)
		}
	}
	return false
}

// cardSpans finds card numbers: within each run of digit groups (digits
// joined by single spaces or dashes), every span of whole groups that
// isCardNumber accepts, starting at the leftmost group and taking the most
// groups, so a 19-digit number is masked whole even when its first 16
// digits form a number too. Testing whole groups finds "4111 1111 1111 1111" and the
// number in "ref 12 4111111111111111" without cutting a long reference
// number into arbitrary slices. It returns byte ranges [start, end), left
// to right, not overlapping.
func cardSpans(text string) [][2]int {
	n := 0
	for i := 0; i < len(text) && n < 13; i++ {
		if isDigit(text[i]) {
			n++
		}
	}
	if n < 13 {
		return nil // too few digits for any card number: the common case
	}
	type group struct{ start, end int }
	var spans [][2]int
	var groups []group
	var digits []byte
	flush := func() {
		for i := 0; i < len(groups); i++ {
			digits = digits[:0]
			last := -1
			for j := i; j < len(groups); j++ {
				digits = append(digits, text[groups[j].start:groups[j].end]...)
				if len(digits) > 19 {
					break
				}
				if isCardNumber(digits) {
					last = j
				}
			}
			if last >= 0 {
				spans = append(spans, [2]int{groups[i].start, groups[last].end})
				i = last
			}
		}
		groups = groups[:0]
	}
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		groups = append(groups, group{i, j})
		i = j
		if i+1 < len(text) && (text[i] == ' ' || text[i] == '-') && isDigit(text[i+1]) {
			i++ // a separator inside the run
			continue
		}
		flush()
	}
	flush()
	return spans
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// luhn reports whether digits pass the Luhn (mod 10) check.
func luhn(digits []byte) bool {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
