// Package wire decodes the loose JSON partners send: identifiers that come
// as strings or numbers, one object where a list is documented (or the
// reverse), and times in whatever layout a partner's framework writes,
// often without a zone.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// IDText reads an identifier sent as a JSON string, an integer or null
// (""), keeping its exact text. A number is kept as written, never through
// float64.
func IDText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", nil
	case b[0] == '"':
		s, err := Text(b)
		if err != nil {
			return "", errors.New("identifier is not a valid JSON string")
		}
		return s, nil
	}
	digits := b
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 20 || bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return "", errors.New("identifier is neither a string nor an integer")
	}
	return string(b), nil
}

// Text reads a JSON string. The common case, a string without escapes, is
// read without a second pass of the JSON decoder.
func Text(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' &&
		bytes.IndexFunc(b[1:len(b)-1], func(r rune) bool { return r == '\\' || r == '"' || r < 0x20 || r == utf8.RuneError }) < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// Int reads an integer sent as a JSON number, a string holding one, or
// null (0).
func Int(b []byte) (int64, error) {
	s, err := IDText(b)
	if err != nil || s == "" {
		return 0, err
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("not an integer")
	}
	return v, nil
}

// OneOrMany reads a JSON array of T, a single T (a list of one) or null
// (nil).
func OneOrMany[T any](b []byte) ([]T, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil, nil
	case b[0] == '[':
		var many []T
		err := json.Unmarshal(b, &many)
		return many, err
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, err
	}
	return []T{one}, nil
}

// TimeLayouts are the layouts ParseTime tries, in order: with a zone
// first, then the zone-less forms partner frameworks write.
var TimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// ParseTime reads a partner time in any of TimeLayouts. A time without a
// zone is read in loc (UTC when nil). "" and "null" are the zero time.
// The error never repeats the input.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range TimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a time in a known layout")
}

// TimeText reads a JSON string (or null) holding a partner time; see
// ParseTime.
func TimeText(b []byte, loc *time.Location) (time.Time, error) {
	if string(bytes.TrimSpace(b)) == "null" {
		return time.Time{}, nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return time.Time{}, errors.New("time is not a JSON string")
	}
	return ParseTime(s, loc)
}
