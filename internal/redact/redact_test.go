package redact

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLMasksQueryValuesAndUserInfo(t *testing.T) {
	u, err := url.Parse("https://admin:pw@ips.example/IPS-TST-RS/api/portal/auth?UserName=CitrusTestAdmin&Password=s3cr%26t&fields=a,b#frag")
	require.NoError(t, err)
	got := URL(u, "FIELDS")
	assert.Equal(t, "https://ips.example/IPS-TST-RS/api/portal/auth?Password=REDACTED&UserName=REDACTED&fields=a%2Cb", got)
	assert.NotContains(t, got, "s3cr")
	assert.NotContains(t, got, "pw")
	assert.Equal(t, "", URL(nil))
}

func TestScrubFindsACardGluedToASecret(t *testing.T) {
	var s Secrets
	s.AddPermanent("hunter2024")
	got := s.Scrub("echo hunter20244111111111111111 end")
	assert.NotContains(t, got, "4111111111111111")
	assert.NotContains(t, got, "hunter2024")
	assert.Equal(t, "echo REDACTEDREDACTED end", got)
}
