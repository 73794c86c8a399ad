// Command datapump demonstrates the SDK against its in-process partner
// fakes: no network, no credentials.
//
//	go run ./internal/cmd/datapump demo      # every partner
//	go run ./internal/cmd/datapump demo -v   # with the SDK's own log lines
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "demo" {
		fmt.Fprintln(stderr, "usage: datapump demo [-v]")
		return 2
	}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print the SDK's log lines (every HTTP attempt, at Debug)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	d := &demo{out: stdout, log: logger}
	fmt.Fprintln(stdout, "datapump demo: payments posted through the SDK to in-process partner fakes (no network, no credentials)")
	for _, partner := range []func(context.Context, *demo) error{citrusDemo, accelaDemo, oraclepscDemo, crmcomDemo, polarisDemo} {
		if err := partner(ctx, d); err != nil {
			fmt.Fprintln(stderr, "demo failed:", err)
			return 1
		}
	}
	fmt.Fprintln(stdout, "\ndemo finished: every step behaved as documented")
	return 0
}

// demo prints numbered steps.
type demo struct {
	out  io.Writer
	log  *slog.Logger
	step int
}

func (d *demo) section(title string) {
	d.step = 0
	fmt.Fprintf(d.out, "\n== %s ==\n", title)
}

func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

func (d *demo) detail(format string, args ...any) {
	fmt.Fprintf(d.out, "   %s\n", fmt.Sprintf(format, args...))
}

// expect turns a broken promise into the demo's failure.
func expect(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}
