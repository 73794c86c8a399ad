package citrus_test

import (
	"context"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DEL (0x7f) is a control character and, as RFC 6265 says, no cookie
// octet: an IPSUserName holding one earns both complaints.
func TestIPSUserNameWithDEL(t *testing.T) {
	t.Parallel()
	_, err := citrus.New(citrus.Config{Environment: citrus.Dev, UserName: "u", Password: "p", IPSUserName: "a\x7fb"})
	var e *citrus.Error
	require.ErrorAs(t, err, &e)
	var messages []string
	for _, f := range e.Fields {
		if f.Field == "Config.IPSUserName" {
			messages = append(messages, f.Message)
		}
	}
	require.Len(t, messages, 2, "%v", e.Fields)
	assert.Contains(t, messages[0], "control characters")
	assert.Contains(t, messages[1], "cookie")
}

// A result's status block is what IPS sent: a status without field errors
// has none, not an empty list.
func TestPostPaymentStatusAsSent(t *testing.T) {
	t.Parallel()
	_, c := setup(t, "1018-AB")
	res, err := c.PostPayment(context.Background(), post("1018-AB"))
	require.NoError(t, err)
	assert.Equal(t, citrus.ResponseStatus{Severity: "Success"}, res.ResponseStatus)
	assert.Nil(t, res.ResponseStatus.Errors)
}
