package proc

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// WaitDelay is how long a process may keep running after its context is
// done (or keep its output pipes open after exiting) before it is killed.
const WaitDelay = 5 * time.Second

const (
	// DefaultMaxStdout is the number of bytes of standard output kept when
	// Cmd.MaxStdout is zero.
	DefaultMaxStdout = 64 << 10

	// MaxStderr is the number of bytes of standard error kept, from the end.
	MaxStderr = 64 << 10
)

// Cmd describes one command to run.
type Cmd struct {
	Dir  string // working directory; empty means the current one
	Name string // executable, looked up on PATH when it contains no path separator
	Args []string

	// MaxStdout is the number of bytes of standard output kept, from the
	// start. The rest is read and dropped, and Result.StdoutTruncated is
	// set. Zero means DefaultMaxStdout.
	MaxStdout int

	// Cancel, when set, runs when the context ends, for example to remove
	// a container. The process is killed right after it.
	Cancel func() error
}

// Result is the outcome of one run.
type Result struct {
	ExitCode        int    // -1 when the process did not exit on its own
	Stdout          []byte // the first Cmd.MaxStdout bytes
	StdoutTruncated bool   // standard output exceeded Cmd.MaxStdout and was cut
	Stderr          string // the last MaxStderr bytes, marked when the start was dropped
}

// Run starts c and waits for it. A non-zero exit is not an error: the
// caller reads Result.ExitCode. The error is set only when the process
// could not start, was killed, or its context ended. The Result is filled
// in either case.
func (c Cmd) Run(ctx context.Context) (Result, error) {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Dir = c.Dir
	cmd.WaitDelay = WaitDelay
	if c.Cancel != nil {
		cmd.Cancel = func() error {
			err := c.Cancel()
			return errors.Join(err, cmd.Process.Kill())
		}
	}
	maxStdout := c.MaxStdout
	if maxStdout <= 0 {
		maxStdout = DefaultMaxStdout
	}
	stdout := &headBuffer{max: maxStdout}
	stderr := &tailBuffer{max: MaxStderr}
	cmd.Stdout = stdout
	cmd.Stderr = stderr

	err := cmd.Run()
	res := Result{
		ExitCode:        -1,
		Stdout:          stdout.Bytes(),
		StdoutTruncated: stdout.Truncated(),
		Stderr:          stderr.String(),
	}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return res, fmt.Errorf("running %s: %w", c.Name, ctxErr)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("running %s: %w", c.Name, err)
	}
	if res.ExitCode < 0 {
		// Killed by a signal that did not come from the context.
		return res, fmt.Errorf("running %s: %w", c.Name, err)
	}
	return res, nil
}
