package accela

import "github.com/civicpay/datapump/internal/money"

// Amount is an exact decimal amount of money. It never passes through
// float64 and encodes as a JSON number with the digits it holds.
type Amount = money.Amount

// ParseAmount reads a decimal such as "100.50"; it never rounds.
func ParseAmount(s string) (Amount, error) { return money.Parse(s) }

// Cents returns cents/100, e.g. Cents(10050) is 100.50.
func Cents(cents int64) Amount { return money.Cents(cents) }
