package oraclepsc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/civicpay/datapump/oraclepsc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The checks accept the values at the edge of every range they enforce
// and refuse the values just past it.

func TestPaymentReferencePrefixEdges(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"AZaz", "09AZ", "az09"} {
		_, err := oraclepsc.NewPaymentReferenceID(prefix)
		assert.NoError(t, err, prefix)
	}
	// The bytes just outside A-Z, a-z and 0-9.
	for _, prefix := range []string{"AB@1", "AB[1", "AB`1", "AB{1", "AB/1", "AB:1"} {
		_, err := oraclepsc.NewPaymentReferenceID(prefix)
		assert.ErrorIs(t, err, oraclepsc.ErrNotApplied, prefix)
	}
}

func TestConfigEdges(t *testing.T) {
	t.Parallel()
	cfg := oraclepsc.Config{BaseURL: "https://fa-test.oraclepsc.example", UserName: "u", Password: "p"}
	cfg.ResourceVersion = "11.13.18.05" + strings.Repeat("0", 32-len("11.13.18.05"))
	cfg.FrameworkVersion = oraclepsc.MaxFrameworkVersion
	_, err := oraclepsc.New(cfg)
	assert.NoError(t, err, "32 characters, the highest framework version")
	cfg.ResourceVersion += "0"
	_, err = oraclepsc.New(cfg)
	assert.ErrorContains(t, err, "Config.ResourceVersion")
}

func TestDateEdges(t *testing.T) {
	t.Parallel()
	_, c, checkout := startFake(t)
	for i, d := range []struct {
		date oraclepsc.Date
		dttm time.Time
	}{
		{oraclepsc.Date{Year: 1, Month: time.January, Day: 1}, time.Date(1, 1, 1, 12, 0, 0, 0, time.UTC)}, // not the zero time, which means unset
		{oraclepsc.Date{Year: 9999, Month: time.December, Day: 31}, time.Date(9999, 12, 31, 12, 0, 0, 0, time.UTC)},
	} {
		req := payment(checkout, "EDGE000000000000000"+string(rune('1'+i)))
		req.PaymentDate, req.CheckDate = d.date, d.date
		req.AuthorizationDttm = oraclepsc.DateTime{Time: d.dttm}
		_, err := c.CreateCheckoutPayment(context.Background(), req)
		assert.NoError(t, err, "%v", d.date)
	}
}

func TestAttributeNameEdges(t *testing.T) {
	t.Parallel()
	_, c, checkout := startFake(t)
	list := func(name string) error {
		_, err := c.ListCheckoutPayments(context.Background(), &oraclepsc.ListCheckoutPaymentsRequest{
			CheckoutID: checkout, Fields: []string{name}, OrderBy: []oraclepsc.OrderBy{{Field: name}}, Limit: 0, Offset: 0,
		})
		return err
	}
	// Accepted by the checks; the fake then refuses the unknown names with
	// Oracle's 400, which is not an invalid-input error.
	for _, name := range []string{"Az", "Za", "aZ", "zA", "a0", "a9", "a_", strings.Repeat("a", 64)} {
		err := list(name)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "invalid input", name)
		assert.ErrorIs(t, err, oraclepsc.ErrNotApplied, name)
	}
	for _, name := range []string{"A@", "A[", "A`", "A{", "A/", "A:", "_a", "9a", strings.Repeat("a", 65)} {
		err := list(name)
		require.ErrorIs(t, err, oraclepsc.ErrNotApplied, name)
		assert.ErrorContains(t, err, "must be attribute names", name)
	}
}

func TestAccessTokenEdges(t *testing.T) {
	t.Parallel()
	srv, _, checkout := startFake(t)
	for tok, valid := range map[string]bool{"!a": true, "a~": true, "a\x7f": false, "a\x20": false} {
		c, err := oraclepsc.New(oraclepsc.Config{BaseURL: srv.URL(), TokenSource: oraclepsc.TokenSourceFunc(
			func(context.Context) (oraclepsc.Token, error) {
				return oraclepsc.Token{AccessToken: oraclepsc.Secret(tok)}, nil
			})}, fastRetry())
		require.NoError(t, err)
		_, err = c.CreateCheckoutPayment(context.Background(), payment(checkout, "EDGETOKEN00000000001"))
		require.Error(t, err, "the fake knows no such token")
		assert.Equal(t, !valid, strings.Contains(err.Error(), "Token.AccessToken"), "%q: %v", tok, err)
	}
}
