package summary

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func testRuns() []*finding.Run {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	gosec := &finding.Run{
		Tool:    finding.ToolGosec,
		Version: "2.30.0",
		Rules: []finding.Rule{
			{ID: "G101", SecuritySeverity: 8.0, HelpURI: "https://securego.io/docs/rules/g101"},
			{ID: "G104", SecuritySeverity: 3.0},
		},
		Results: []finding.Result{
			{RuleID: "G104", Level: finding.LevelNote, Message: "errors unhandled", Location: finding.Location{Path: "a.go", StartLine: 9}},
			{RuleID: "G101", Level: finding.LevelError, Message: "credential | <b>bold</b>", Location: finding.Location{Path: "dir with space/b.go", StartLine: 3}},
			{RuleID: "G104", Level: finding.LevelNote, Message: "kept on purpose", Location: finding.Location{Path: "c.go", StartLine: 1},
				Suppressions: []finding.Suppression{{Kind: "inSource", Justification: "checked by caller"}}},
		},
		Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: start.Add(1500 * time.Millisecond)},
	}
	hadolint := &finding.Run{
		Tool: finding.ToolHadolint,
		Invocation: finding.Invocation{
			Status:        finding.StatusNotRun,
			Notifications: []finding.Notification{{Level: finding.LevelWarning, Message: "hadolint did not run: no binary"}},
		},
	}
	trivy := &finding.Run{
		Tool:       finding.ToolTrivy,
		Version:    "0.74.0",
		Invocation: finding.Invocation{Status: finding.StatusOK, Skipped: []string{"vulnerability scanning"}},
	}
	return []*finding.Run{gosec, hadolint, trivy}
}

func TestMarkdown(t *testing.T) {
	var buf bytes.Buffer
	in := Input{
		Runs:     testRuns(),
		Verdict:  Verdict{Pass: false, Headline: "1 result at or above high", Details: []string{"gosec G101 dir with space/b.go:3"}},
		LinkBase: "https://github.com/o/r/blob/abc/",
	}
	if err := Markdown(&buf, in); err != nil {
		t.Fatal(err)
	}
	md := buf.String()

	wants := []string{
		"# secscan: FAIL",
		"| gosec | 2.30.0 | ran | 2 | 0 | 1 | 0 | 1 | 1.5s |",
		"| hadolint | unknown | **did not run** | 0 |",
		"| Trivy | 0.74.0 | **ran in part**: no vulnerability scanning | 0 |",
		"- **hadolint** warning: hadolint did not run: no binary",
		"## Findings (2)",
		"[dir with space/b.go:3](https://github.com/o/r/blob/abc/dir%20with%20space/b.go#L3)",
		"credential \\| &lt;b&gt;bold&lt;/b&gt;",
		"[`G101`](https://securego.io/docs/rules/g101)",
		"## Suppressed (1)",
		"| comment in source | checked by caller |",
	}
	for _, w := range wants {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown output lacks %q\n%s", w, md)
		}
	}
	if strings.Index(md, "G101") > strings.Index(md, "errors unhandled") {
		t.Errorf("findings are not sorted most severe first:\n%s", md)
	}
	if strings.Contains(md, "<b>") {
		t.Errorf("Markdown output contains raw HTML from a message:\n%s", md)
	}
}

func TestMarkdownLimit(t *testing.T) {
	run := &finding.Run{Tool: "x", Invocation: finding.Invocation{Status: finding.StatusOK}}
	for i := range 5 {
		run.Results = append(run.Results, finding.Result{RuleID: "R", Level: finding.LevelWarning, Message: "m", Location: finding.Location{Path: "f", StartLine: i + 1}})
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, Input{Runs: []*finding.Run{run}, MaxFindings: 2}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if !strings.Contains(md, "## Findings (5, the 2 most severe shown") {
		t.Errorf("Markdown does not say that findings were left out:\n%s", md)
	}
	if got := strings.Count(md, "| medium | x |"); got != 2 {
		t.Errorf("findings table has %d rows, want 2", got)
	}
}

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	in := Input{Runs: testRuns(), Verdict: Verdict{Pass: true, Headline: "PASS: no result at or above high"}, Reports: []string{"reports/secscan.sarif"}}
	if err := Table(&buf, in); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "hadolint: warning") {
		t.Errorf("Table repeats the not-run notification that the verdict explains:\n%s", out)
	}
	for _, w := range []string{
		"TOOL      STATUS   RESULTS  CRITICAL  HIGH  MEDIUM  LOW  SUPPRESSED  TIME",
		"gosec     ok       2        0         1     0       1    1           1.5s",
		"hadolint  not-run  0",
		"PASS: no result at or above high",
		"reports: reports/secscan.sarif",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("Table output lacks %q\n%s", w, out)
		}
	}
}
