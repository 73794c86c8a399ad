package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
)

// Value implements driver.Valuer: an Amount is stored as its String text,
// e.g. "100.50", which DECIMAL, NUMERIC and text columns take exactly.
func (a Amount) Value() (driver.Value, error) { return a.String(), nil }

// Scan implements sql.Scanner. It accepts a string or []byte holding a
// decimal (as Parse reads it) and an int64 of whole units. It refuses a
// float64, since money never passes through float64 (read the column as
// DECIMAL, NUMERIC or text), and NULL: use sql.Null[Amount] or *Amount for a
// nullable column. On error the Amount is unchanged.
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return a.set(Parse(v))
	case []byte:
		// string(v) copies: drivers reuse the buffer once Scan returns.
		return a.set(Parse(string(v)))
	case int64:
		*a = Amount{coef: v}
		return nil
	case float64:
		return errNoFloat
	case nil:
		return errNull
	}
	return fmt.Errorf("money: cannot scan a %T into an Amount", src)
}

func (a *Amount) set(v Amount, err error) error {
	if err != nil {
		return err
	}
	*a = v
	return nil
}

var (
	errNoFloat = errors.New("money: cannot scan a float64 into an Amount: money never passes through float64; read the column as DECIMAL, NUMERIC or text")
	errNull    = errors.New("money: cannot scan NULL into an Amount; use sql.Null[Amount] or *Amount for a nullable column")
)
