package ghactions

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/summary"
)

// MaxSummaryBytes is GitHub's limit on the size of one step's summary
// file. The runner drops a larger summary and shows an error in its place.
const MaxSummaryBytes = 1 << 20

// AppendSummary renders in as Markdown and appends it to the step summary
// file named by GITHUB_STEP_SUMMARY. It fills in.LinkBase from the
// environment when it is empty, and cuts the summary so that the file,
// including what earlier commands of the same step wrote to it, stays within
// MaxSummaryBytes.
func (e Env) AppendSummary(in summary.Input) error {
	if e.StepSummary == "" {
		return errors.New("GITHUB_STEP_SUMMARY is not set, so the job summary cannot be written; read the summary in the reports folder")
	}
	if in.LinkBase == "" {
		in.LinkBase = e.LinkBase()
	}
	var md bytes.Buffer
	if err := summary.Markdown(&md, in); err != nil {
		return fmt.Errorf("rendering the job summary: %w", err)
	}
	return appendCapped(e.StepSummary, md.Bytes(), MaxSummaryBytes)
}

// appendCapped appends markdown to the file at path, cut so that the whole
// file stays within limit bytes.
func appendCapped(path string, markdown []byte, limit int) error {
	var existing int64
	switch info, err := os.Stat(path); {
	case err == nil:
		existing = info.Size()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("reading the step summary file: %w", err)
	}

	var prefix []byte
	if existing > 0 {
		// A blank line keeps the heading apart from what the step wrote before.
		prefix = []byte("\n")
	}
	budget := limit - int(existing) - len(prefix)
	capped := CapSummary(markdown, budget)
	if capped == nil {
		return fmt.Errorf("the step summary file %s already contains %d bytes of GitHub's %d-byte limit, so the secscan summary was left out; read it in the reports folder",
			path, existing, limit)
	}

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening the step summary file: %w", err)
	}
	if _, err := f.Write(append(prefix, capped...)); err != nil {
		f.Close()
		return fmt.Errorf("writing the step summary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing the step summary file: %w", err)
	}
	return nil
}

// CapSummary returns markdown unchanged when it fits in limit bytes.
// Otherwise it keeps the longest run of whole lines that fits together with
// a note saying how many lines it left out, so no table row or multi-byte
// character is cut. If the cut falls inside a fenced code block, it closes
// the block before the note. When not even the note fits, it returns nil.
func CapSummary(markdown []byte, limit int) []byte {
	if len(markdown) <= limit {
		return markdown
	}
	lines := bytes.SplitAfter(markdown, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // SplitAfter yields an empty tail after a final newline
	}

	// Grow the kept prefix one line at a time while the prefix, a closing
	// fence if needed and the note still fit.
	kept, size, inFence := 0, 0, false
	for kept < len(lines) {
		nextFence := inFence != isFence(lines[kept])
		need := size + len(lines[kept]) + len(tail(nextFence, len(lines)-kept-1))
		if need > limit {
			break
		}
		size += len(lines[kept])
		inFence = nextFence
		kept++
	}

	out := tail(inFence, len(lines)-kept)
	if size+len(out) > limit {
		return nil
	}
	return append(bytes.Join(lines[:kept], nil), out...)
}

// tail returns what follows the kept lines: a closing fence when the cut
// is inside a code block, then the note on the lines left out.
func tail(inFence bool, leftOut int) []byte {
	var b strings.Builder
	if inFence {
		b.WriteString("```\n")
	}
	noun := "lines"
	if leftOut == 1 {
		noun = "line"
	}
	fmt.Fprintf(&b, "\n> **%d %s left out**; the full summary is in the reports artifact.\n", leftOut, noun)
	return []byte(b.String())
}

// isFence reports whether line opens or closes a fenced code block.
func isFence(line []byte) bool {
	trimmed := bytes.TrimLeft(line, " ")
	return len(line)-len(trimmed) <= 3 && (bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~")))
}
