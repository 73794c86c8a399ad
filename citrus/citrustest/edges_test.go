package citrustest_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/civicpay/datapump/citrus"
	"github.com/civicpay/datapump/citrus/citrustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idOffsets is how a declined transaction's ids stand to one another: the
// charge, the payment and the payment's authorization from the
// transaction's id, and the void from the payment's.
func idOffsets(t *testing.T, tx citrus.Transaction) [4]int64 {
	t.Helper()
	require.Len(t, tx.Charges, 1)
	require.Len(t, tx.Payments, 2)
	pay, void := tx.Payments[0], tx.Payments[1]
	return [4]int64{tx.Charges[0].ID - tx.ID, pay.ID - tx.ID, pay.PaymentAuthorization.ID - tx.ID, void.ID - pay.ID}
}

// A declined payment is answered as the partner document's sample is: its
// ids stand to one another as the sample's do.
func TestFakeDeclineMirrorsTheSampleIDs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../testdata/callback-response.json")
	require.NoError(t, err)
	var sample answer
	require.NoError(t, json.Unmarshal(b, &sample))
	require.NotNil(t, sample.Data)

	srv := start(t, citrustest.Options{})
	srv.AddInvoice(citrustest.Invoice{BillerReference: "D-1", Amount: citrus.Cents(5000), Decline: true})
	status, got, _ := validCall(login(t, srv), "D-1").do(t, srv)
	require.Equal(t, 200, status)
	require.NotNil(t, got.Data)
	assert.Equal(t, idOffsets(t, sample.Data.Transaction), idOffsets(t, got.Data.Transaction))
}

// Transactions are numbered in sequence, in the order invoices are added.
func TestFakeTransactionIDsAscend(t *testing.T) {
	t.Parallel()
	srv := start(t, citrustest.Options{})
	refs := []string{"T-1", "T-2", "T-3"}
	for _, ref := range refs {
		srv.AddInvoice(citrustest.Invoice{BillerReference: ref, Amount: citrus.Cents(100)})
	}
	s := login(t, srv)
	var ids []int64
	for _, ref := range refs {
		status, got, _ := validCall(s, ref).do(t, srv)
		require.Equal(t, 200, status)
		require.NotNil(t, got.Data)
		ids = append(ids, got.Data.Transaction.ID)
	}
	assert.Equal(t, []int64{ids[0], ids[0] + 1, ids[0] + 2}, ids)
}
