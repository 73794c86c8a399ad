package redact

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
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

func TestSecretsScrubAllForms(t *testing.T) {
	var s Secrets
	s.AddPermanent("p@ss word/1", "")
	s.AddTemporary("Hpx0Hd5H8fJ9RrtQjxsG")
	text := `Post "https://h/api?Password=p%40ss+word%2F1": ss-id=Hpx0Hd5H8fJ9RrtQjxsG raw p@ss word/1 path p@ss%20word%2F1`
	got := s.Scrub(text)
	for _, leak := range []string{"p@ss", "p%40ss", "Hpx0Hd5", "word/1", "word%2F1"} {
		assert.NotContains(t, got, leak)
	}
	assert.Equal(t, 4, strings.Count(got, Mask), got)
}

func TestSecretsLongestFirst(t *testing.T) {
	var s Secrets
	s.AddPermanent("abc", "abcdef")
	assert.Equal(t, "x REDACTED y", s.Scrub("x abcdef y"))
}

func TestSecretsForgetOldestTemporary(t *testing.T) {
	var s Secrets
	s.AddPermanent("password-1")
	for i := range maxTemporary + 5 {
		s.AddTemporary(fmt.Sprintf("session-%03d", i))
	}
	assert.Equal(t, "session-000", s.Scrub("session-000"), "oldest forgotten")
	assert.Equal(t, Mask, s.Scrub(fmt.Sprintf("session-%03d", maxTemporary+4)))
	assert.Equal(t, Mask, s.Scrub("password-1"), "permanent kept")
}

func TestSecretsConcurrent(t *testing.T) {
	var s Secrets
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); s.AddTemporary(fmt.Sprintf("tok-%d-xyz", i)) }()
		go func() { defer wg.Done(); _ = s.Scrub("tok-1-xyz") }()
	}
	wg.Wait()
	assert.Equal(t, Mask, s.Scrub("tok-1-xyz"))
	var nilSet *Secrets
	assert.Equal(t, "x", nilSet.Scrub("x"))
}
