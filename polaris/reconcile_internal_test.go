package polaris

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// payReconcile runs on every payment, so its text is built in one
// allocation however many charges the payment names, with the longest
// ids and amount.
func TestPayReconcileAllocatesOnce(t *testing.T) {
	for _, n := range []int{1, 2, 10, 50} {
		ids := make([]TxnID, n)
		for i := range ids {
			ids[i] = TxnID(math.MaxInt64 - i)
		}
		req := &PayFinesAndFeesRequest{PatronID: math.MaxInt64, TxnAmount: Cents(MaxAmountCents), MainTxnIDs: ids}
		text := payReconcile(req)
		assert.Contains(t, text, "PatronID 9223372036854775807 and")
		assert.Contains(t, text, "this payment of 922337203685477.58)")
		allocs := testing.AllocsPerRun(20, func() { _ = payReconcile(req) })
		assert.LessOrEqual(t, allocs, 1.0, "%d charges", n)
	}
}
