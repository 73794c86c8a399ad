package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/civicpay/datapump/accela/accelatest"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/stretchr/testify/assert"
)

func TestDemoRuns(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"demo"}, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	text := out.String()
	for _, want := range []string{
		"== citrus: Citrus County FL cashiering (IPS) ==",
		": applied",
		"citrus.ErrNotApplied",
		"citrus.ErrOutcomeUnknown",
		"logins now 2",
		"== accela: Accela Civic Platform, Construct API v4 ==",
		"accela.ErrOutcomeUnknown",
		"ScriptFailed() reports",
		"1 refresh)",
		"demo finished: every step behaved as documented",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, citrustest.DefaultPassword)
	assert.NotContains(t, text, accelatest.DefaultAppSecret)
	assert.NotContains(t, text, "4111111111111111", "the refused card number is never echoed")
	assert.NotContains(t, text, "datapump http", "silent without -v")
}

func TestDemoVerboseLogsWithoutSecrets(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"demo", "-v"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), `msg="datapump http" datapump.partner=citrus datapump.op=Authenticate`)
	assert.NotContains(t, out.String(), citrustest.DefaultPassword)
	assert.NotContains(t, out.String(), "Token=1", "query values are never printed")
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errOut))
	assert.True(t, strings.HasPrefix(errOut.String(), "usage: datapump demo"))
	assert.Equal(t, 2, run([]string{"demo", "-nope"}, &out, &errOut))
}
