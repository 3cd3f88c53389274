// Package runner schedules secscan's scanners: it runs them concurrently,
// each under its own timeout, and turns every outcome (results, an error, a
// panic, a hang, a missing tool) into a finding.Run, so that one scanner's
// failure never loses another's results.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Observer receives an event when each scanner starts and finishes. Calls may come
// from several goroutines at once.
type Observer interface {
	Started(tool string, at time.Time)
	Finished(run *finding.Run)
}

// Options configure Run.
type Options struct {
	// Timeout bounds each scanner separately. Zero means no timeout.
	Timeout time.Duration

	// Grace is how long a scanner may take to return after its context is
	// done before the runner gives up on it and records a timeout. An
	// in-process scanner that ignores its context keeps running in the
	// background until the process exits. Zero means 10 seconds.
	Grace time.Duration

	Observer Observer     // optional
	Logger   *slog.Logger // optional; receives the stack of a scanner that panicked

	now func() time.Time // for tests
}

// Run runs every scanner concurrently over t and returns one Run per
// scanner, in the order of scanners. It never returns nil entries.
func Run(ctx context.Context, t Target, scanners []Scanner, opts Options) []*finding.Run {
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.Grace == 0 {
		opts.Grace = 10 * time.Second
	}

	runs := make([]*finding.Run, len(scanners))
	var wg sync.WaitGroup
	for i, s := range scanners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = runOne(ctx, t, s, opts)
			if opts.Observer != nil {
				opts.Observer.Finished(runs[i])
			}
		}()
	}
	wg.Wait()
	return runs
}

type outcome struct {
	run *finding.Run
	err error
}

// runOne runs one scanner and records how it ended.
func runOne(ctx context.Context, t Target, s Scanner, opts Options) *finding.Run {
	tool := s.Name()
	start := opts.now()
	if opts.Observer != nil {
		opts.Observer.Started(tool, start)
	}

	scanCtx, cancel := context.WithCancel(ctx)
	if opts.Timeout > 0 {
		scanCtx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	defer cancel()

	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: &panicError{value: p, stack: debug.Stack()}}
			}
		}()
		run, err := s.Scan(scanCtx, t)
		done <- outcome{run: run, err: err}
	}()

	var out outcome
	select {
	case out = <-done:
	case <-scanCtx.Done():
		select {
		case out = <-done:
		case <-time.After(opts.Grace):
			out = outcome{err: scanCtx.Err()}
		}
	}

	run := out.run
	if run == nil {
		run = &finding.Run{}
	}
	run.Tool = tool
	run.Invocation.Start = start
	run.Invocation.End = opts.now()
	record(run, out.err, scanCtx, opts.Timeout)

	var pe *panicError
	if opts.Logger != nil && errors.As(out.err, &pe) {
		opts.Logger.Error("scanner panicked", "tool", tool, "panic", fmt.Sprint(pe.value), "stack", string(pe.stack))
	}
	return run
}

// record sets the run's status from the scanner's error and explains any
// failure in a notification.
func record(run *finding.Run, err error, scanCtx context.Context, timeout time.Duration) {
	var nr *finding.NotRunError
	var pe *panicError
	switch {
	case err == nil:
		run.Invocation.Status = finding.StatusOK
	case errors.As(err, &nr):
		run.Invocation.Status = finding.StatusNotRun
		run.Notify(finding.LevelWarning, "%s did not run: %s", run.Tool, nr.Error())
	case errors.As(err, &pe):
		run.Invocation.Status = finding.StatusFailed
		run.Notify(finding.LevelError, "%s crashed: %v; the results of this run are incomplete, please report this with the log", run.Tool, pe.value)
	case errors.Is(scanCtx.Err(), context.DeadlineExceeded):
		run.Invocation.Status = finding.StatusFailed
		run.Notify(finding.LevelError, "%s timed out after %s; raise the limit with --timeout", run.Tool, timeout)
	case errors.Is(scanCtx.Err(), context.Canceled):
		run.Invocation.Status = finding.StatusFailed
		run.Notify(finding.LevelError, "%s was interrupted before it finished", run.Tool)
	default:
		run.Invocation.Status = finding.StatusFailed
		run.Notify(finding.LevelError, "%s failed: %v", run.Tool, err)
	}
	if run.Invocation.Status == finding.StatusFailed && run.Invocation.ExitCode == 0 {
		// SARIF consumers read a zero exit code as success.
		run.Invocation.ExitCode = -1
	}
}

// panicError carries a recovered panic out of a scanner's goroutine.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string {
	return fmt.Sprintf("panic: %v\n%s", e.value, e.stack)
}
