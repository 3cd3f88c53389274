package trivy

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

// maxStderr bounds the standard error kept from one process. The end is
// kept because a failing tool writes its final error last.
const maxStderr = 64 << 10

// processResult is the outcome of one subprocess run.
type processResult struct {
	ExitCode int    // -1 when the process did not exit on its own
	Stdout   []byte // bounded like Stderr
	Stderr   string // the last maxStderr bytes
}

// runProcess runs name with args in dir and waits for it. A non-zero exit
// is not an error: the caller reads ExitCode. The error is set only when
// the process could not start, was killed or its context ended.
func runProcess(ctx context.Context, dir, name string, args []string) (processResult, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = waitDelay
	stdout := &tailBuffer{max: maxStderr}
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout = stdout
	cmd.Stderr = stderr

	err := cmd.Run()
	res := processResult{ExitCode: -1, Stdout: stdout.Bytes(), Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return res, fmt.Errorf("running %s: %w", name, ctxErr)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("running %s: %w", name, err)
	}
	if res.ExitCode < 0 {
		// Killed by a signal that did not come from our context.
		return res, fmt.Errorf("running %s: %w", name, err)
	}
	return res, nil
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

// Bytes returns a copy of the bytes kept.
func (b *tailBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf)
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
