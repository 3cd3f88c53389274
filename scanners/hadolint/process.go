package hadolint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// waitDelay is how long a process may keep running after its context is
// done (or keep its output pipes open after exiting) before it is killed.
const waitDelay = 5 * time.Second

const (
	// maxStdout bounds hadolint's JSON output; a report that large is
	// treated as unparsable rather than read into memory without end.
	maxStdout = 32 << 20
	// maxStderr bounds the standard error kept from one process. The end
	// is kept because a failing tool writes its final error last.
	maxStderr = 64 << 10
)

// processResult is the outcome of one subprocess run.
type processResult struct {
	ExitCode  int // -1 when the process did not exit on its own
	Stdout    []byte
	Truncated bool // Stdout exceeded maxStdout and was cut
	Stderr    string
}

// process describes one command to run.
type process struct {
	Dir  string
	Name string
	Args []string
	// Cancel, when set, runs when the context ends, for example to remove
	// a container. The process is killed right after it.
	Cancel func() error
}

// run starts p and waits for it. A non-zero exit is not an error: the
// caller reads ExitCode. The error is set only when the process could not
// start, was killed, or its context ended.
func (p process) run(ctx context.Context) (processResult, error) {
	cmd := exec.CommandContext(ctx, p.Name, p.Args...)
	cmd.Dir = p.Dir
	cmd.WaitDelay = waitDelay
	if p.Cancel != nil {
		cmd.Cancel = func() error {
			err := p.Cancel()
			return errors.Join(err, cmd.Process.Kill())
		}
	}
	stdout := &headBuffer{max: maxStdout}
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout = stdout
	cmd.Stderr = stderr

	err := cmd.Run()
	res := processResult{ExitCode: -1, Stdout: stdout.buf.Bytes(), Truncated: stdout.truncated, Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return res, fmt.Errorf("running %s: %w", p.Name, ctxErr)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("running %s: %w", p.Name, err)
	}
	if res.ExitCode < 0 {
		return res, fmt.Errorf("running %s: %w", p.Name, err)
	}
	return res, nil
}

// headBuffer is an io.Writer that keeps the first max bytes written to it
// and drops the rest.
type headBuffer struct {
	mu        sync.Mutex
	max       int
	buf       bytes.Buffer
	truncated bool
}

func (b *headBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); len(p) > room {
		b.buf.Write(p[:max(room, 0)])
		b.truncated = true
		return len(p), nil
	}
	b.buf.Write(p)
	return len(p), nil
}

// tailBuffer is an io.Writer that keeps the last max bytes written to it.
type tailBuffer struct {
	mu        sync.Mutex
	max       int
	buf       []byte
	truncated bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	if len(p) >= b.max {
		p = p[len(p)-b.max:]
		b.buf = b.buf[:0]
		b.truncated = true
	}
	if over := len(b.buf) + len(p) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.truncated = true
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

// String returns the text kept, starting with a marker when the beginning
// was dropped.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.truncated {
		return "[earlier output dropped]\n" + string(b.buf)
	}
	return string(b.buf)
}

// lastLines returns up to n non-empty lines from the end of s, joined by
// newlines, for error messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var tail []string
	for i := len(lines) - 1; i >= 0 && len(tail) < n; i-- {
		if line := strings.TrimSpace(lines[i]); line != "" {
			tail = append(tail, line)
		}
	}
	for i, j := 0, len(tail)-1; i < j; i, j = i+1, j-1 {
		tail[i], tail[j] = tail[j], tail[i]
	}
	return strings.Join(tail, "\n")
}
