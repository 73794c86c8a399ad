package accela

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refresh token is used only while a minute of its lifetime remains, so
// a refresh grant never races Accela's expiry of it.
func TestRefreshTokenTrustedUntilAMinuteBeforeItsLifetime(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, DefaultTokenURL,
		httpmock.NewStringResponder(200, `{"access_token":"a-1","expires_in":"900","refresh_token":"r-1"}`))
	c, err := New(Config{AppID: "app", AppSecret: "secret", UserName: "u", Password: "p"},
		WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	before := time.Now()
	tok, err := c.grant(context.Background(), url.Values{"grant_type": {"password"}})
	after := time.Now()
	require.NoError(t, err)
	assert.Equal(t, "r-1", tok.Value.refresh)
	assert.False(t, tok.Value.refreshExpiry.Before(before.Add(RefreshTokenLifetime-time.Minute)))
	assert.False(t, tok.Value.refreshExpiry.After(after.Add(RefreshTokenLifetime-time.Minute)))
}
