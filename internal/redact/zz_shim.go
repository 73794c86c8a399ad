package redact

import "strings"

// TEMPORARY until the redact branch lands.
func OneLine(s string) string { return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s) }
func Clip(s string, max int) string {
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

type Secret = Sensitive
