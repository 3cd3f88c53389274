package ghactions

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// severityRuns returns one Trivy run with n results for each of the rules
// CRIT (9.5), HIGH (8.0), MED (5.5) and LOW (2.0).
func severityRuns(n int) []*finding.Run {
	run := &finding.Run{
		Tool:       finding.ToolTrivy,
		Invocation: finding.Invocation{Status: finding.StatusOK},
		Rules: []finding.Rule{
			{ID: "CRIT", SecuritySeverity: 9.5},
			{ID: "HIGH", SecuritySeverity: 8.0},
			{ID: "MED", SecuritySeverity: 5.5},
			{ID: "LOW", SecuritySeverity: 2.0},
		},
	}
	levels := map[string]finding.Level{"LOW": finding.LevelNote, "MED": finding.LevelWarning, "HIGH": finding.LevelError, "CRIT": finding.LevelError}
	for _, rule := range []string{"LOW", "MED", "HIGH", "CRIT"} {
		for i := range n {
			run.Results = append(run.Results, finding.Result{
				RuleID:   rule,
				Level:    levels[rule],
				Message:  fmt.Sprintf("%s finding %d", rule, i),
				Location: finding.Location{Path: "deploy/k8s/base/deployment.yaml", StartLine: i + 1},
			})
		}
	}
	return []*finding.Run{run}
}

func countTypes(anns []Annotation) map[AnnotationType]int {
	counts := map[AnnotationType]int{}
	for _, a := range anns {
		counts[a.Type]++
	}
	return counts
}

func TestAnnotationsLimits(t *testing.T) {
	anns := Annotations(severityRuns(25))

	want := map[AnnotationType]int{TypeError: 10, TypeWarning: 10, TypeNotice: 10}
	if diff := cmp.Diff(want, countTypes(anns)); diff != "" {
		t.Errorf("annotations per type mismatch (-want +got):\n%s", diff)
	}

	// The ten errors are the critical findings, not the high ones.
	for _, a := range anns {
		if a.Type == TypeError && !strings.Contains(a.Title, "CRIT (critical)") {
			t.Errorf("error annotation %q, want only critical findings", a.Title)
		}
	}

	last := anns[len(anns)-1]
	if last.Type != TypeNotice || last.Title != "secscan: annotations left out" {
		t.Fatalf("last annotation = %+v, want the notice that counts what was left out", last)
	}
	wantMessage := "71 left out (40 errors, 15 warnings, 16 notices)"
	if !strings.HasPrefix(last.Message, wantMessage) {
		t.Errorf("closing notice = %q, want it to start with %q", last.Message, wantMessage)
	}
}

func TestAnnotationsUnderLimit(t *testing.T) {
	anns := Annotations(severityRuns(5))

	want := map[AnnotationType]int{TypeError: 10, TypeWarning: 5, TypeNotice: 5}
	if diff := cmp.Diff(want, countTypes(anns)); diff != "" {
		t.Errorf("annotations per type mismatch (-want +got):\n%s", diff)
	}
	for _, a := range anns {
		if a.Title == "secscan: annotations left out" {
			t.Errorf("got a closing notice %q although nothing was left out", a.Message)
		}
	}
}

func TestAnnotationsNoticeSlot(t *testing.T) {
	tests := []struct {
		name        string
		errors      int
		notices     int
		wantNotices int // including the closing notice
		wantClosing bool
	}{
		{"ten notices alone fit", 0, 10, 10, false},
		{"ten notices yield a slot", 11, 10, 10, true},
		{"few notices keep all", 11, 3, 4, true},
		{"eleven notices", 0, 11, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &finding.Run{Tool: finding.ToolGosec, Invocation: finding.Invocation{Status: finding.StatusOK}}
			for i := range tt.errors {
				run.Results = append(run.Results, finding.Result{RuleID: "G1", Level: finding.LevelError,
					Location: finding.Location{Path: "a.go", StartLine: i + 1}})
			}
			for i := range tt.notices {
				run.Results = append(run.Results, finding.Result{RuleID: "G2", Level: finding.LevelNote,
					Location: finding.Location{Path: "b.go", StartLine: i + 1}})
			}
			anns := Annotations([]*finding.Run{run})

			if got := countTypes(anns)[TypeNotice]; got != tt.wantNotices {
				t.Errorf("notices = %d, want %d", got, tt.wantNotices)
			}
			if got := countTypes(anns)[TypeError]; got > MaxPerType {
				t.Errorf("errors = %d, want at most %d", got, MaxPerType)
			}
			closing := len(anns) > 0 && anns[len(anns)-1].Title == "secscan: annotations left out"
			if closing != tt.wantClosing {
				t.Errorf("closing notice present = %v, want %v", closing, tt.wantClosing)
			}
		})
	}
}

func TestAnnotationsSkipInactive(t *testing.T) {
	run := &finding.Run{
		Tool:       finding.ToolGosec,
		Invocation: finding.Invocation{Status: finding.StatusOK},
		Results: []finding.Result{
			{RuleID: "G101", Level: finding.LevelError, Message: "suppressed",
				Suppressions: []finding.Suppression{{Kind: "inSource"}}},
			{RuleID: "G102", Level: finding.LevelError, Message: "fixed", BaselineState: "absent"},
			{RuleID: "G103", Level: finding.LevelError, Message: "new", BaselineState: "new",
				Location: finding.Location{Path: "app/x.go", StartLine: 3}},
		},
	}
	anns := Annotations([]*finding.Run{run})

	if len(anns) != 1 || anns[0].Message != "new" {
		t.Errorf("Annotations = %+v, want only the result that is neither suppressed nor absent", anns)
	}
}

func TestAnnotationsMapping(t *testing.T) {
	run := &finding.Run{
		Tool:       finding.ToolGosec,
		Invocation: finding.Invocation{Status: finding.StatusOK},
		Rules:      []finding.Rule{{ID: "G404", ShortDescription: "Weak random number generator"}},
		Results: []finding.Result{
			{RuleID: "G404", Level: finding.LevelError, Message: "Use of weak random number generator",
				Location: finding.Location{Path: "app/token.go", StartLine: 7, StartColumn: 5, EndColumn: 20}},
			{RuleID: "G307", Level: finding.LevelWarning, Message: "deferred close",
				Location: finding.Location{Path: "app/file.go", StartLine: 10, EndLine: 12, StartColumn: 2}},
			{RuleID: "G104", Level: finding.LevelNote, Message: "unhandled error"},
			{RuleID: "G000", Level: finding.LevelNone, Message: "informational",
				Location: finding.Location{Path: "app/main.go"}},
		},
	}
	got := Annotations([]*finding.Run{run})

	want := []Annotation{
		{Type: TypeError, File: "app/token.go", Line: 7, Column: 5, EndColumn: 20,
			Title: "gosec G404 (high): Weak random number generator", Message: "Use of weak random number generator"},
		{Type: TypeWarning, File: "app/file.go", Line: 10, EndLine: 12,
			Title: "gosec G307 (medium)", Message: "deferred close"},
		{Type: TypeNotice, Title: "gosec G104 (low)", Message: "unhandled error"},
		{Type: TypeNotice, File: "app/main.go", Line: 1, Title: "gosec G000 (none)", Message: "informational"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Annotations mismatch (-want +got):\n%s", diff)
	}
}

func TestAnnotationsScannerStatus(t *testing.T) {
	runs := []*finding.Run{
		{Tool: finding.ToolTrivy, Invocation: finding.Invocation{
			Status:        finding.StatusFailed,
			Notifications: []finding.Notification{{Level: finding.LevelError, Message: "Trivy timed out after 15m0s"}},
		}},
		{Tool: finding.ToolHadolint, Invocation: finding.Invocation{
			Status: finding.StatusNotRun,
			Notifications: []finding.Notification{
				{Level: finding.LevelNote, Message: "looked on PATH"},
				{Level: finding.LevelWarning, Message: "no hadolint binary and no container engine"},
			},
		}},
		{Tool: finding.ToolGosec, Invocation: finding.Invocation{Status: finding.StatusOK}},
	}
	got := Annotations(runs)

	want := []Annotation{
		{Type: TypeError, Title: "secscan: Trivy failed", Message: "Trivy timed out after 15m0s"},
		{Type: TypeWarning, Title: "secscan: hadolint did not run", Message: "no hadolint binary and no container engine"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Annotations mismatch (-want +got):\n%s", diff)
	}
}

func TestAnnotationsTruncate(t *testing.T) {
	run := &finding.Run{
		Tool:       finding.ToolTrivy,
		Invocation: finding.Invocation{Status: finding.StatusOK},
		Results: []finding.Result{{RuleID: "CVE-1", Level: finding.LevelError,
			Message: strings.Repeat("é", 3000), Location: finding.Location{Path: "go.mod", StartLine: 1}}},
	}
	anns := Annotations([]*finding.Run{run})

	if n := len([]rune(anns[0].Message)); n != maxMessageRunes {
		t.Errorf("message length = %d runes, want %d", n, maxMessageRunes)
	}
	if !strings.HasSuffix(anns[0].Message, "…") {
		t.Errorf("truncated message does not end with an ellipsis")
	}
}

func TestWriteAnnotations(t *testing.T) {
	var b strings.Builder
	if err := WriteAnnotations(&b, severityRuns(25)); err != nil {
		t.Fatalf("WriteAnnotations: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")

	if len(lines) != 30 {
		t.Errorf("got %d lines, want 30", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("line %q is not an annotation command", l)
		}
	}
}
