package ghactions

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestGroup(t *testing.T) {
	var b strings.Builder
	err := Group(&b, "gosec\nlog 100%", func() {
		b.WriteString("line 1\n")
	})
	if err != nil {
		t.Fatalf("Group: %v", err)
	}
	want := "::group::gosec%0Alog 100%25\nline 1\n::endgroup::\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Group output mismatch (-want +got):\n%s", diff)
	}
}

var stopPattern = regexp.MustCompile(`^::stop-commands::(secscan-[A-Z2-7]+)$`)

// checkStoppedGroup checks that group is one group whose body is log with
// command processing stopped, and returns the token.
func checkStoppedGroup(t *testing.T, group, name, log string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(group, "\n"), "\n")
	if len(lines) < 5 {
		t.Fatalf("group has %d lines, want at least 5:\n%s", len(lines), group)
	}
	if lines[0] != "::group::"+name {
		t.Errorf("first line = %q, want ::group::%s", lines[0], name)
	}
	m := stopPattern.FindStringSubmatch(lines[1])
	if m == nil {
		t.Fatalf("second line = %q, want ::stop-commands::TOKEN", lines[1])
	}
	token := m[1]
	if strings.Contains(log, token) {
		t.Errorf("token %s occurs in the log, which could resume commands", token)
	}
	body := strings.Join(lines[2:len(lines)-2], "\n") + "\n"
	if body != log {
		t.Errorf("body = %q, want %q", body, log)
	}
	if lines[len(lines)-2] != "::"+token+"::" {
		t.Errorf("line before the end = %q, want ::%s::", lines[len(lines)-2], token)
	}
	if lines[len(lines)-1] != "::endgroup::" {
		t.Errorf("last line = %q, want ::endgroup::", lines[len(lines)-1])
	}
	return token
}

func TestWriteGroup(t *testing.T) {
	log := "Trivy 0.74.0\n::error file=app/main.go::injected\n::endgroup::\n::add-mask::x\n"
	var b strings.Builder
	if err := WriteGroup(&b, "Trivy", []byte(log)); err != nil {
		t.Fatalf("WriteGroup: %v", err)
	}
	checkStoppedGroup(t, b.String(), "Trivy", log)
}

func TestWriteGroupNoFinalNewline(t *testing.T) {
	var b strings.Builder
	if err := WriteGroup(&b, "gosec", []byte("one\ntwo")); err != nil {
		t.Fatalf("WriteGroup: %v", err)
	}
	checkStoppedGroup(t, b.String(), "gosec", "one\ntwo\n")
}

func TestWriteGroupTokensDiffer(t *testing.T) {
	var a, b strings.Builder
	WriteGroup(&a, "x", []byte("log\n"))
	WriteGroup(&b, "x", []byte("log\n"))
	if a.String() == b.String() {
		t.Error("two groups used the same stop-commands token")
	}
}

// lockedBuilder is a strings.Builder that is safe for concurrent writes.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestProgressFinished(t *testing.T) {
	var out lockedBuilder
	p := NewProgress(&out)
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := &finding.Run{
		Tool:    finding.ToolHadolint,
		Version: "2.14.0",
		Invocation: finding.Invocation{
			Status:        finding.StatusFailed,
			ExitCode:      125,
			Start:         start,
			End:           start.Add(1500 * time.Millisecond),
			CommandLine:   "docker run --rm hadolint/hadolint hadolint Dockerfile",
			Notifications: []finding.Notification{{Level: finding.LevelError, Message: "hadolint failed: exit 125"}},
		},
		Results: []finding.Result{
			{RuleID: "DL3006", Level: finding.LevelWarning},
			{RuleID: "DL3008", Level: finding.LevelWarning, Suppressions: []finding.Suppression{{Kind: "external"}}},
		},
	}

	p.Started(finding.ToolHadolint, start)
	p.Finished(run)

	lines := strings.SplitN(out.b.String(), "\n", 2)
	if lines[0] != "secscan: hadolint started" {
		t.Errorf("first line = %q, want the start line", lines[0])
	}
	wantLog := "version: 2.14.0\n" +
		"command: docker run --rm hadolint/hadolint hadolint Dockerfile\n" +
		"status: failed, exit code 125\n" +
		"results: 0 critical, 0 high, 1 medium, 0 low, 0 none; 1 suppressed\n" +
		"error: hadolint failed: exit 125\n"
	checkStoppedGroup(t, lines[1], "hadolint: failed after 1.5s, 2 results kept", wantLog)
}

func TestProgressConcurrent(t *testing.T) {
	var out lockedBuilder
	p := NewProgress(&out)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := &finding.Run{Tool: fmt.Sprintf("tool%d", i), Invocation: finding.Invocation{Status: finding.StatusNotRun}}
			for range 20 {
				run.Notify(finding.LevelWarning, "tool%d notification", i)
			}
			p.Finished(run)
		}()
	}
	wg.Wait()

	// Each group's lines must be contiguous: a group that starts is closed
	// before the next one starts.
	open := ""
	for _, line := range strings.Split(out.b.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "::group::"):
			if open != "" {
				t.Fatalf("group %q starts inside group %q", line, open)
			}
			open = line
		case line == "::endgroup::":
			open = ""
		case strings.HasPrefix(line, "warning: tool"):
			tool := strings.Fields(strings.TrimPrefix(line, "warning: "))[0]
			if open != "::group::"+tool+": did not run" {
				t.Fatalf("line %q is inside group %q", line, open)
			}
		}
	}
}
