package ghactions

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// Group writes ::group::name, calls body, then writes ::endgroup::, so the
// log viewer folds what body writes to w under name. Workflow commands in
// body's output still take effect, so use WriteGroup for text that must not
// run commands. Groups do not nest.
func Group(w io.Writer, name string, body func()) error {
	if _, err := io.WriteString(w, "::group::"+escapeData(name)+"\n"); err != nil {
		return err
	}
	body()
	_, err := io.WriteString(w, "::endgroup::\n")
	return err
}

// WriteGroup writes log as a group named name, with workflow command
// processing stopped for its lines by ::stop-commands:: and a random token,
// so a line of the log that looks like "::error::" or "::add-mask::" is
// printed, not run. It writes the group with one Write call.
func WriteGroup(w io.Writer, name string, log []byte) error {
	token := "secscan-" + rand.Text()
	for bytes.Contains(log, []byte(token)) {
		token = "secscan-" + rand.Text()
	}

	var b bytes.Buffer
	b.WriteString("::group::" + escapeData(name) + "\n")
	b.WriteString("::stop-commands::" + token + "\n")
	b.Write(log)
	if len(log) > 0 && log[len(log)-1] != '\n' {
		b.WriteByte('\n')
	}
	b.WriteString("::" + token + "::\n")
	b.WriteString("::endgroup::\n")
	_, err := w.Write(b.Bytes())
	return err
}

// Progress reports scanners in a GitHub Actions log: one line when a
// scanner starts, and when it finishes a collapsed group with its command
// line, status, notifications and result counts. Scanners run concurrently,
// so each group is written whole when its scanner finishes. Progress is
// safe for concurrent use.
type Progress struct {
	mu sync.Mutex
	w  io.Writer
}

var _ runner.Observer = (*Progress)(nil)

// NewProgress returns a Progress that writes to w.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w}
}

// Started writes one line saying that tool started.
func (p *Progress) Started(tool string, _ time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "secscan: %s started\n", escapeData(tool))
}

// Finished writes the finished run's log as a group.
func (p *Progress) Finished(run *finding.Run) {
	p.mu.Lock()
	defer p.mu.Unlock()
	WriteGroup(p.w, groupTitle(run), runLog(run))
}

// groupTitle is a run's outcome in one line, such as
// "gosec: ran in 3.2s, 4 results".
func groupTitle(run *finding.Run) string {
	elapsed := "-"
	if inv := run.Invocation; !inv.Start.IsZero() && !inv.End.IsZero() {
		elapsed = inv.End.Sub(inv.Start).Round(100 * time.Millisecond).String()
	}
	switch run.Invocation.Status {
	case finding.StatusOK:
		return fmt.Sprintf("%s: ran in %s, %d results", run.Tool, elapsed, len(run.Results))
	case finding.StatusNotRun:
		return run.Tool + ": did not run"
	case finding.StatusFailed:
		return fmt.Sprintf("%s: failed after %s, %d results kept", run.Tool, elapsed, len(run.Results))
	}
	return fmt.Sprintf("%s: %s", run.Tool, run.Invocation.Status)
}

// runLog describes how a run went, for the body of its group.
func runLog(run *finding.Run) []byte {
	var b strings.Builder
	if run.Version != "" {
		fmt.Fprintf(&b, "version: %s\n", run.Version)
	}
	if run.Invocation.CommandLine != "" {
		fmt.Fprintf(&b, "command: %s\n", run.Invocation.CommandLine)
	}
	fmt.Fprintf(&b, "status: %s, exit code %d\n", run.Invocation.Status, run.Invocation.ExitCode)

	var bands [finding.SeverityCritical + 1]int
	suppressed := 0
	for i := range run.Results {
		res := &run.Results[i]
		if len(res.Suppressions) > 0 {
			suppressed++
			continue
		}
		bands[run.SeverityOf(res)]++
	}
	fmt.Fprintf(&b, "results: %d critical, %d high, %d medium, %d low, %d none; %d suppressed\n",
		bands[finding.SeverityCritical], bands[finding.SeverityHigh], bands[finding.SeverityMedium],
		bands[finding.SeverityLow], bands[finding.SeverityNone], suppressed)

	for _, n := range run.Invocation.Notifications {
		fmt.Fprintf(&b, "%s: %s\n", n.Level, n.Message)
	}
	return []byte(b.String())
}
