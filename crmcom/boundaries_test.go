package crmcom_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/civicpay/datapump/crmcom"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The HTTP Basic credential of a web API key is as secret as the key: when
// CRM.COM echoes the Authorization header it was sent, in a refusal of the
// login or of a later call, neither the error nor the log shows it.
func TestWebAPIKeyBasicCredentialNeverShown(t *testing.T) {
	t.Parallel()
	const key = "key-3f9a1c"
	basic := base64.StdEncoding.EncodeToString([]byte(key + ":"))
	require.NotContains(t, basic, key, "the encoded credential does not hold the key as such")
	echo := func(code string) []byte {
		return []byte(`{"status":{"code":"` + code + `","message":"refused Authorization: Basic ` + basic +
			`","description":"credential ` + basic + `"},"data":null}`)
	}
	for _, tc := range []struct {
		name  string
		setup func(m *mockCRM)
		call  func(c *crmcom.Client) error
	}{
		{"the login refused", func(m *mockCRM) {
			m.on(http.MethodPost, "/authentication/web_api_key/token", 200, echo("INVALID_CREDENTIALS"))
		}, func(c *crmcom.Client) error { return c.Login(context.Background()) }},
		{"the login refused under HTTP 401", func(m *mockCRM) {
			m.on(http.MethodPost, "/authentication/web_api_key/token", 401, echo("INVALID_CREDENTIALS"))
		}, func(c *crmcom.Client) error { return c.Login(context.Background()) }},
		{"a pay refused", func(m *mockCRM) {
			m.on(http.MethodPost, "/authentication/web_api_key/token", 200, envelope("OK", `{"token":"`+docToken+`"}`))
			m.on(http.MethodPost, "/payments/pay_invoice", 400, echo("BAD_REQUEST"))
		}, func(c *crmcom.Client) error {
			_, err := c.PayInvoice(context.Background(), docPayInvoice())
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &mockCRM{mock: newMockTransport(), reqs: map[string][]seen{}}
			tc.setup(m)
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := crmcom.New(crmcom.Config{BaseURL: docBase, WebAPIKey: key},
				crmcom.WithHTTPClient(httpClient(m)), crmcom.WithLogger(logger), fastRetry())
			require.NoError(t, err)
			err = tc.call(c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "refused Authorization: Basic ", "the partner's message is kept")
			for _, shown := range []string{err.Error(), fmtAll(err), logs.String()} {
				assert.NotContains(t, shown, basic)
				assert.NotContains(t, shown, key)
				assert.NotContains(t, shown, basic[:len(basic)-1], "nor its start")
			}
			assert.True(t, strings.Count(err.Error(), "REDACTED") >= 2, err.Error())
			assert.Contains(t, logs.String(), "datapump.op=", "the calls were logged")
		})
	}
}
