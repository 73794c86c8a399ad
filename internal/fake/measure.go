package fake

import (
	"runtime"
	"testing"
)

// Measure is the timed loop of a benchmark against srv: it reports
// allocations, runs call b.N times (from goroutines goroutines at once when
// goroutines > 1, whatever GOMAXPROCS is), and reports the connections
// clients opened meanwhile per op, as "conns/op": near zero when
// connections are reused, near one when every call opens its own. call
// reports a failure with b.Error.
func Measure(b *testing.B, srv *Server, goroutines int, call func()) {
	before := srv.NewConns()
	b.ReportAllocs()
	b.ResetTimer()
	if goroutines > 1 {
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((goroutines + procs - 1) / procs)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				call()
			}
		})
	} else {
		for range b.N {
			call()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(srv.NewConns()-before)/float64(b.N), "conns/op")
}
