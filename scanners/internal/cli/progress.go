package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// plainProgress writes one log line when a scanner starts and one when it
// finishes, for CI logs and output that is not a terminal.
type plainProgress struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *plainProgress) Started(tool string, _ time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "secscan: %s started\n", tool)
}

func (p *plainProgress) Finished(run *finding.Run) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "secscan: %s %s\n", run.Tool, outcomeText(run))
}

// outcomeText describes how a finished run ended, for progress output.
func outcomeText(run *finding.Run) string {
	elapsed := run.Invocation.End.Sub(run.Invocation.Start).Round(100 * time.Millisecond)
	switch run.Invocation.Status {
	case finding.StatusOK:
		return fmt.Sprintf("finished in %s: %d results", elapsed, len(run.Results))
	case finding.StatusNotRun:
		return "did not run"
	default:
		return fmt.Sprintf("failed after %s: %d results kept", elapsed, len(run.Results))
	}
}

// liveProgress redraws one line per scanner on a terminal, with a spinner
// and the elapsed time while it runs and its count when it finishes.
type liveProgress struct {
	mu      sync.Mutex
	w       io.Writer
	tools   []string
	started map[string]time.Time
	done    map[string]string
	drawn   int // lines drawn last time, to move the cursor back over them
	frame   int
	stop    chan struct{}
	stopped chan struct{}
}

func newLiveProgress(w io.Writer, tools []string) *liveProgress {
	p := &liveProgress{
		w:       w,
		tools:   tools,
		started: map[string]time.Time{},
		done:    map[string]string{},
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go p.loop()
	return p
}

func (p *liveProgress) Started(tool string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started[tool] = at
}

func (p *liveProgress) Finished(run *finding.Run) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done[run.Tool] = outcomeText(run)
}

// Close draws the final state and stops the redraw loop.
func (p *liveProgress) Close() {
	close(p.stop)
	<-p.stopped
}

func (p *liveProgress) loop() {
	defer close(p.stopped)
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			p.draw()
			return
		case <-tick.C:
			p.draw()
		}
	}
}

var spinner = []string{"|", "/", "-", "\\"}

func (p *liveProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frame++

	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	tools := append([]string(nil), p.tools...)
	sort.Strings(tools)
	for _, tool := range tools {
		b.WriteString("\r\x1b[K")
		switch {
		case p.done[tool] != "":
			fmt.Fprintf(&b, "  %-12s %s\n", tool, p.done[tool])
		case !p.started[tool].IsZero():
			elapsed := time.Since(p.started[tool]).Round(100 * time.Millisecond)
			fmt.Fprintf(&b, "%s %-12s running %s\n", spinner[p.frame%len(spinner)], tool, elapsed)
		default:
			fmt.Fprintf(&b, "  %-12s waiting\n", tool)
		}
	}
	p.drawn = len(tools)
	io.WriteString(p.w, b.String())
}
