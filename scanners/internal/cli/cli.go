// Package cli implements the secscan command. Main takes its context,
// arguments and standard streams as parameters, so tests drive the same path
// as the binary.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes of the secscan command.
const (
	ExitPass          = 0 // the policy passed
	ExitPolicyFailed  = 1 // results fail the policy (or validate found errors)
	ExitUsage         = 2 // bad flags, arguments or configuration
	ExitScannerFailed = 3 // a required scanner did not run, or any scanner failed
)

// exitError carries an exit code and a message for the user.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, args...)}
}

const usage = `secscan runs gosec, govulncheck, Trivy and hadolint over a repository and
merges their findings into one SARIF 2.1.0 log for GitHub code scanning.

Usage:
  secscan scan [flags] PATH        scan the repository at PATH and write reports
  secscan validate FILE...         check SARIF files against what GitHub accepts
  secscan vulndb sync [flags]      copy the Go vulnerability database from the
                                   golang.org/x/vulndb module, for offline scans
  secscan policy explain [FILE]    describe the policy file format, or a policy
  secscan version                  print the version

Run "secscan COMMAND -h" for a command's flags.

Exit codes:
  0  the policy passed (validate: no errors)
  1  results failed the policy (validate: errors found)
  2  usage or configuration error
  3  a required scanner did not run, or any scanner started and failed
`

// Env is the part of the environment secscan reads, injected for tests.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	IsTerminal     bool // whether Stderr is a terminal, for live progress
}

// Main runs the secscan command and returns its exit code.
func Main(ctx context.Context, args []string, env Env) int {
	err := run(ctx, args, env)
	if err == nil {
		return ExitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(env.Stderr, "secscan: %s\n", ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	fmt.Fprintf(env.Stderr, "secscan: %v\n", err)
	return ExitUsage
}

func run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return &exitError{code: ExitUsage}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "scan":
		return runScan(ctx, rest, env)
	case "validate":
		return runValidate(rest, env)
	case "vulndb":
		return runVulndb(ctx, rest, env)
	case "policy":
		return runPolicy(rest, env)
	case "version":
		fmt.Fprintln(env.Stdout, "secscan", version())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	default:
		fmt.Fprint(env.Stderr, usage)
		return usageErrorf("unknown command %q; use one of scan, validate, vulndb, policy, version", cmd)
	}
}
