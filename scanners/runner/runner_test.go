package runner

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// fakeScanner is a test double for the runner's scheduling. It runs no
// real tool: its runs contain only what the test gives it.
type fakeScanner struct {
	name string
	scan func(ctx context.Context) (*finding.Run, error)
}

func (f *fakeScanner) Name() string { return f.name }

func (f *fakeScanner) Scan(ctx context.Context, _ Target) (*finding.Run, error) {
	return f.scan(ctx)
}

func resultRun(n int) *finding.Run {
	run := &finding.Run{Version: "1.0"}
	for i := range n {
		run.Results = append(run.Results, finding.Result{RuleID: "R1", Message: "m", Location: finding.Location{Path: "a.go", StartLine: i + 1}})
	}
	return run
}

func TestRunOutcomes(t *testing.T) {
	release := make(chan struct{})
	defer close(release)

	scanners := []Scanner{
		&fakeScanner{"ok", func(context.Context) (*finding.Run, error) { return resultRun(2), nil }},
		&fakeScanner{"partial", func(context.Context) (*finding.Run, error) {
			return resultRun(1), errors.New("exit status 2: bad config")
		}},
		&fakeScanner{"panics", func(context.Context) (*finding.Run, error) { panic("boom") }},
		&fakeScanner{"missing", func(context.Context) (*finding.Run, error) {
			return nil, &finding.NotRunError{Reason: "no binary", Fix: "install it"}
		}},
		&fakeScanner{"hangs", func(context.Context) (*finding.Run, error) {
			<-release // ignores its context, as an in-process library may
			return resultRun(5), nil
		}},
		&fakeScanner{"honours-ctx", func(ctx context.Context) (*finding.Run, error) {
			<-ctx.Done()
			return resultRun(1), ctx.Err()
		}},
	}

	runs := Run(context.Background(), Target{Root: "/repo"}, scanners, Options{Timeout: 200 * time.Millisecond, Grace: 50 * time.Millisecond})

	tests := []struct {
		tool       string
		status     finding.Status
		results    int
		notifyPart string
	}{
		{"ok", finding.StatusOK, 2, ""},
		{"partial", finding.StatusFailed, 1, "partial failed: exit status 2: bad config"},
		{"panics", finding.StatusFailed, 0, "panics crashed: boom"},
		{"missing", finding.StatusNotRun, 0, "missing did not run: no binary; install it"},
		{"hangs", finding.StatusFailed, 0, "hangs timed out after 200ms"},
		{"honours-ctx", finding.StatusFailed, 1, "honours-ctx timed out after 200ms"},
	}
	if len(runs) != len(tests) {
		t.Fatalf("Run returned %d runs, want %d", len(runs), len(tests))
	}
	for i, tt := range tests {
		run := runs[i]
		if run.Tool != tt.tool {
			t.Errorf("runs[%d].Tool = %q, want %q", i, run.Tool, tt.tool)
		}
		if run.Invocation.Status != tt.status {
			t.Errorf("%s: status = %q, want %q", tt.tool, run.Invocation.Status, tt.status)
		}
		if len(run.Results) != tt.results {
			t.Errorf("%s: %d results, want %d", tt.tool, len(run.Results), tt.results)
		}
		if run.Invocation.Start.IsZero() || run.Invocation.End.Before(run.Invocation.Start) {
			t.Errorf("%s: invocation times start=%v end=%v", tt.tool, run.Invocation.Start, run.Invocation.End)
		}
		if tt.status == finding.StatusFailed && run.Invocation.ExitCode == 0 {
			t.Errorf("%s: failed run has exit code 0", tt.tool)
		}
		if tt.notifyPart == "" {
			if len(run.Invocation.Notifications) != 0 {
				t.Errorf("%s: unexpected notifications %+v", tt.tool, run.Invocation.Notifications)
			}
			continue
		}
		if len(run.Invocation.Notifications) != 1 || !strings.Contains(run.Invocation.Notifications[0].Message, tt.notifyPart) {
			t.Errorf("%s: notifications = %+v, want one containing %q", tt.tool, run.Invocation.Notifications, tt.notifyPart)
		}
	}
}

// recorder is an Observer that stores the order of events.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Started(tool string, _ time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "start "+tool)
}

func (r *recorder) Finished(run *finding.Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "finish "+run.Tool)
}

func TestRunConcurrent(t *testing.T) {
	// Each scanner waits until all have started, so the test deadlocks
	// (and the runner times them out) unless they run concurrently.
	const n = 4
	var started sync.WaitGroup
	started.Add(n)
	var scanners []Scanner
	for _, name := range []string{"a", "b", "c", "d"} {
		scanners = append(scanners, &fakeScanner{name, func(ctx context.Context) (*finding.Run, error) {
			started.Done()
			started.Wait()
			return resultRun(1), nil
		}})
	}
	rec := &recorder{}
	runs := Run(context.Background(), Target{}, scanners, Options{Timeout: 30 * time.Second, Observer: rec})
	for _, run := range runs {
		if run.Invocation.Status != finding.StatusOK {
			t.Errorf("%s: status %q, notifications %+v", run.Tool, run.Invocation.Status, run.Invocation.Notifications)
		}
	}
	if len(rec.events) != 2*n {
		t.Errorf("observer saw %d events, want %d: %v", len(rec.events), 2*n, rec.events)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &fakeScanner{"x", func(ctx context.Context) (*finding.Run, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	runs := Run(ctx, Target{}, []Scanner{s}, Options{})
	if got := runs[0].Invocation.Status; got != finding.StatusFailed {
		t.Errorf("status = %q, want failed", got)
	}
	if msg := runs[0].Invocation.Notifications[0].Message; !strings.Contains(msg, "interrupted") {
		t.Errorf("notification = %q, want it to say interrupted", msg)
	}
}
