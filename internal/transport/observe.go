package transport

import (
	"context"
	"log/slog"
	"time"
)

// Attempt describes one HTTP attempt, for WithObserver.
type Attempt struct {
	Partner    string        // partner package name
	Op         string        // SDK operation
	Method     string        // HTTP method
	Host       string        // partner host
	Path       string        // URL path, without the query
	Number     int           // 1 for the first attempt of a call
	StatusCode int           // HTTP status; 0 if no response arrived
	Duration   time.Duration // from sending to the end of reading the answer
	// Err is nil when the attempt succeeded; otherwise the *Error the call
	// would end with, secrets scrubbed.
	Err error
	// Outcome is Err's outcome; meaningless when Err is nil.
	Outcome Outcome
	// Retry says whether the SDK will try again, after Wait, and why (or
	// why not).
	Retry       bool
	Wait        time.Duration
	RetryReason string
}

// report hands one attempt to the observer and the logger. A successful
// attempt logs at Debug, a failed one at Warn.
func (c *Client) report(ctx context.Context, p *prepared, a attempt, d time.Duration, r retryDecision) {
	if c.observe != nil {
		at := Attempt{
			Partner: c.partner, Op: p.Op, Method: p.Method, Host: p.URL().Host, Path: p.URL().Path,
			Number: a.n, StatusCode: a.status, Duration: d,
			Retry: r.retry, Wait: r.wait, RetryReason: r.reason,
		}
		if a.err != nil {
			at.Err, at.Outcome = a.err, a.err.Outcome
		}
		c.observe(at)
	}
	level := slog.LevelDebug
	if a.err != nil {
		level = slog.LevelWarn
	}
	if !c.log.Enabled(ctx, level) {
		return
	}
	attrs := []any{
		slog.String("partner", c.partner),
		slog.String("op", p.Op),
		slog.String("method", p.Method),
		slog.String("host", p.URL().Host),
		slog.String("path", c.secrets.Scrub(p.URL().Path)),
		slog.Int("status", a.status),
		slog.String("duration", d.Round(time.Microsecond).String()),
		slog.Int("attempt", a.n),
	}
	if e := a.err; e != nil {
		attrs = append(attrs, slog.String("outcome", e.Outcome.String()), slog.Bool("retry", r.retry), slog.String("retry_reason", r.reason))
		if r.retry {
			attrs = append(attrs, slog.String("wait", r.wait.Round(time.Millisecond).String()))
		}
		if e.TraceID != "" {
			attrs = append(attrs, slog.String("trace_id", e.TraceID))
		}
		attrs = append(attrs, slog.String("error", e.Error()))
	}
	c.log.Log(ctx, level, "datapump http", slog.Group("datapump", attrs...))
}
