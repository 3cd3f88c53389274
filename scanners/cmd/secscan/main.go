// Command secscan runs gosec, govulncheck, Trivy and hadolint over a
// repository, merges their findings into one SARIF 2.1.0 log for GitHub code
// scanning, and applies a policy that decides whether the build fails.
//
// Run "secscan help" for the commands, their flags and the exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/guestbook-secscan/guestbook/scanners/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		IsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	})
	stop()
	os.Exit(code)
}
