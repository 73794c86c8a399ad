package citrus

import (
	"fmt"
	"strconv"
	"time"
)

// timeLayout is how IPS writes times: seven fractional digits and an offset,
// e.g. "2022-11-09T17:17:28.0000000-05:00".
const timeLayout = "2006-01-02T15:04:05.0000000-07:00"

// Time is a time as IPS writes it. IPS marks "no date" with
// 0001-01-01T00:00:00, which decodes to the zero time (IsZero reports true).
// A time without an offset is read as UTC.
type Time struct {
	time.Time
}

// MarshalJSON writes the time in the IPS layout.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.Time.Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads an IPS time: RFC 3339 with any number of fractional
// digits, with or without an offset; null and "" leave the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("citrus: time is not a JSON string")
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			if v.Equal(time.Time{}) {
				v = time.Time{} // IPS' "no date"
			}
			*t = Time{v}
			return nil
		}
	}
	return fmt.Errorf("citrus: %q is not an IPS time", truncate(s))
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
