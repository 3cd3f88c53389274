package ghactions

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/summary"
)

var notePattern = regexp.MustCompile(`\n> \*\*(\d+) lines? left out\*\*; the full summary is in the reports artifact\.\n$`)

// checkCapped checks what CapSummary promises for one output: it fits, it
// is a whole-line prefix of the input followed by the note, and the note
// counts the lines that are missing.
func checkCapped(t *testing.T, in, out []byte, limit int) {
	t.Helper()
	if len(out) > limit {
		t.Fatalf("len(out) = %d, want at most %d", len(out), limit)
	}
	if !utf8.Valid(out) {
		t.Fatalf("output is not valid UTF-8")
	}
	m := notePattern.FindSubmatchIndex(out)
	if m == nil {
		t.Fatalf("output does not end with the note:\n%s", out)
	}
	kept := out[:m[0]]
	kept = bytes.TrimSuffix(kept, []byte("```\n")) // a closing fence added by CapSummary
	if !bytes.HasPrefix(in, kept) {
		t.Fatalf("kept text is not a prefix of the input")
	}
	if len(kept) > 0 && kept[len(kept)-1] != '\n' {
		t.Fatalf("kept text ends inside a line: %q", kept[max(0, len(kept)-40):])
	}
	leftOut, _ := strconv.Atoi(string(out[m[2]:m[3]]))
	if want := bytes.Count(in[len(kept):], []byte("\n")); leftOut != want {
		t.Errorf("note says %d lines left out, the input has %d more lines", leftOut, want)
	}
}

func tableMarkdown(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("# secscan: FAIL\n\n## Findings\n\n| Severity | Tool | Message |\n|---|---|---|\n")
	for i := range rows {
		fmt.Fprintf(&b, "| high | gosec | finding %d with ünïcödé text |\n", i)
	}
	b.WriteString("\nScan time: 3s.\n")
	return b.Bytes()
}

func TestCapSummaryFits(t *testing.T) {
	in := tableMarkdown(3)
	if out := CapSummary(in, len(in)); !bytes.Equal(out, in) {
		t.Errorf("CapSummary changed a summary that fits:\n%s", out)
	}
}

func TestCapSummaryEveryLimit(t *testing.T) {
	in := tableMarkdown(40)
	minimum := len(tail(false, 100))
	for limit := minimum; limit < len(in); limit++ {
		out := CapSummary(in, limit)
		if out == nil {
			t.Fatalf("CapSummary(limit %d) = nil, want at least the note", limit)
		}
		checkCapped(t, in, out, limit)
	}
}

func TestCapSummaryTableRows(t *testing.T) {
	in := tableMarkdown(100)
	out := CapSummary(in, len(in)/2)
	checkCapped(t, in, out, len(in)/2)

	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "|") && !strings.HasSuffix(line, "|") {
			t.Errorf("table row cut in the middle: %q", line)
		}
	}
	// A blank line ends the table, so the note is not read as a row.
	if !bytes.Contains(out, []byte("|\n\n> **")) {
		t.Errorf("note does not follow the table after a blank line:\n%s", out[len(out)-200:])
	}
}

func TestCapSummaryFence(t *testing.T) {
	in := []byte("# Log\n\n```\n" + strings.Repeat("log line\n", 50) + "```\n\nEnd.\n")
	limit := 200
	out := CapSummary(in, limit)
	checkCapped(t, in, out, limit)

	if n := strings.Count(string(out), "```"); n%2 != 0 {
		t.Errorf("output has %d fence lines, want an even number:\n%s", n, out)
	}
}

func TestCapSummaryNoRoom(t *testing.T) {
	in := tableMarkdown(10)
	if out := CapSummary(in, 20); out != nil {
		t.Errorf("CapSummary(limit 20) = %q, want nil", out)
	}
}

// bigInput returns a summary input whose Markdown is larger than 1 MiB.
func bigInput() summary.Input {
	run := &finding.Run{
		Tool:       finding.ToolGosec,
		Version:    "2.30.0",
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	for i := range 12000 {
		run.Results = append(run.Results, finding.Result{
			RuleID:   "G104",
			Level:    finding.LevelWarning,
			Message:  "Errors unhandled in a call whose result the code ignores",
			Location: finding.Location{Path: fmt.Sprintf("app/pkg%d/file.go", i), StartLine: i + 1},
		})
	}
	return summary.Input{
		Runs:        []*finding.Run{run},
		Verdict:     summary.Verdict{Pass: false, Headline: "12000 medium findings fail the policy"},
		MaxFindings: 12000,
	}
}

func TestAppendSummaryCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "step_summary")
	before := "## Earlier output of this step\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	env := Env{StepSummary: path}

	if err := env.AppendSummary(bigInput()); err != nil {
		t.Fatalf("AppendSummary: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	if len(got) > MaxSummaryBytes {
		t.Errorf("summary file has %d bytes, want at most %d", len(got), MaxSummaryBytes)
	}
	if len(got) < MaxSummaryBytes-1000 {
		t.Errorf("summary file has %d bytes, want it filled close to %d", len(got), MaxSummaryBytes)
	}
	if !strings.HasPrefix(string(got), before+"\n# secscan: FAIL") {
		t.Errorf("earlier content not kept, or the summary not appended after a blank line:\n%.200s", got)
	}
	if !notePattern.Match(got) {
		t.Errorf("summary file does not end with the note:\n%s", got[len(got)-300:])
	}
}

func TestAppendSummaryLinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "step_summary")
	sha := strings.Repeat("ab", 20)
	env := Env{StepSummary: path, ServerURL: "https://github.com", Repository: "octo/guestbook", SHA: sha}
	in := summary.Input{
		Runs: []*finding.Run{{
			Tool:       finding.ToolGosec,
			Invocation: finding.Invocation{Status: finding.StatusOK},
			Results: []finding.Result{{RuleID: "G404", Level: finding.LevelError, Message: "weak random",
				Location: finding.Location{Path: "app/http/token.go", StartLine: 12}}},
		}},
		Verdict: summary.Verdict{Headline: "1 high finding fails the policy"},
	}

	if err := env.AppendSummary(in); err != nil {
		t.Fatalf("AppendSummary: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	want := "(https://github.com/octo/guestbook/blob/" + sha + "/app/http/token.go#L12)"
	if !strings.Contains(string(got), want) {
		t.Errorf("summary has no link %s:\n%s", want, got)
	}
}

func TestAppendSummaryFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "step_summary")
	full := bytes.Repeat([]byte("x\n"), MaxSummaryBytes/2)
	if err := os.WriteFile(path, full, 0o644); err != nil {
		t.Fatal(err)
	}

	err := Env{StepSummary: path}.AppendSummary(bigInput())
	if err == nil {
		t.Fatal("AppendSummary on a full summary file: got nil error")
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, full) {
		t.Errorf("AppendSummary changed a full summary file (%d bytes, was %d)", len(got), len(full))
	}
}

func TestAppendSummaryUnset(t *testing.T) {
	if err := (Env{}).AppendSummary(summary.Input{}); err == nil {
		t.Error("AppendSummary without GITHUB_STEP_SUMMARY: got nil error")
	}
}
