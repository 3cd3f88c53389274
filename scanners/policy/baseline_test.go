package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestBaselineMovedFixedAndNew(t *testing.T) {
	base, err := ReadBaseline("testdata/baseline.sarif")
	if err != nil {
		t.Fatalf("ReadBaseline: %v", err)
	}

	moved := result("G104", "app/main.go", 20, "fp-moved") // was at line 12
	moved.LineHash = "9999:1"
	added := result("G304", "app/files.go", 30, "fp-new")
	gosecRun := okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3.0), scored("G304", 7.5)}, moved, added)

	// The baseline's Trivy result has no secscan/v1 fingerprint, so it is
	// paired by rule, path and line hash.
	dockerfile := result("DS002", "Dockerfile", 1, "fp-trivy")
	dockerfile.LineHash = "4444:1"
	trivyRun := okRun(finding.ToolTrivy, []finding.Rule{scored("DS002", 8.0)}, dockerfile)

	// hadolint did not run: its baseline result is not reported absent.
	hadolintRun := &finding.Run{Tool: finding.ToolHadolint, Invocation: finding.Invocation{Status: finding.StatusNotRun}}

	runs := scan(gosecRun, trivyRun, hadolintRun)
	p := mustParse(t, "version: 1\nfail_on: high\nexclude: [\"**/testdata/**\"]\nrequired: []\n")
	v := Evaluate(p, runs, Options{Now: day("2026-01-01T00:00:00Z"), Getenv: env(""), Baseline: base})

	wantCounts := &BaselineCounts{File: "testdata/baseline.sarif", New: 1, Unchanged: 2, Absent: 1}
	if diff := cmp.Diff(wantCounts, v.Baseline); diff != "" {
		t.Errorf("baseline counts (-want +got):\n%s", diff)
	}

	states := map[string]string{}
	for _, run := range runs {
		for _, r := range run.Results {
			states[run.Tool+" "+r.RuleID+" "+r.Location.Path] = r.BaselineState
		}
	}
	wantStates := map[string]string{
		"gosec G104 app/main.go":   BaselineUnchanged,
		"gosec G304 app/files.go":  BaselineNew,
		"gosec G101 app/config.go": BaselineAbsent,
		"Trivy DS002 Dockerfile":   BaselineUnchanged,
	}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("baseline states (-want +got):\n%s", diff)
	}

	// The absent result keeps its fingerprint and location, and its rule is
	// copied from the baseline so that the SARIF writer can describe it.
	absent := gosecRun.Results[len(gosecRun.Results)-1]
	wantAbsent := finding.Result{
		RuleID:        "G101",
		Level:         finding.LevelError,
		Message:       "Potential hardcoded credentials",
		Location:      finding.Location{Path: "app/config.go", StartLine: 5},
		LineHash:      "2222:1",
		Fingerprint:   "fp-fixed",
		BaselineState: BaselineAbsent,
	}
	if diff := cmp.Diff(wantAbsent, absent); diff != "" {
		t.Errorf("absent result (-want +got):\n%s", diff)
	}
	wantRule := finding.Rule{
		ID:               "G101",
		Name:             "HardcodedCredentials",
		ShortDescription: "Potential hardcoded credentials",
		FullDescription:  "Hard-coded credentials end up in the repository.",
		HelpText:         "Read the secret from the environment.",
		HelpMarkdown:     "Read the secret from the environment.",
		Level:            finding.LevelError,
		SecuritySeverity: 7.5,
		Precision:        "medium",
		Tags:             []string{"security", "external/cwe/cwe-798"},
	}
	if diff := cmp.Diff(&wantRule, gosecRun.Rule("G101")); diff != "" {
		t.Errorf("rule of the absent result (-want +got):\n%s", diff)
	}

	// The absent G101 result is high but never fails the build.
	var failed []string
	for _, f := range v.Failures {
		failed = append(failed, f.Result.String())
	}
	if diff := cmp.Diff([]string{"gosec G304 app/files.go:30", "Trivy DS002 Dockerfile:1"}, failed); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if v.Counts.Results != 3 {
		t.Errorf("Counts.Results = %d, want 3 (absent results are not counted)", v.Counts.Results)
	}
}

func TestBaselineFailOnNewOnly(t *testing.T) {
	base, err := ReadBaseline("testdata/baseline.sarif")
	if err != nil {
		t.Fatalf("ReadBaseline: %v", err)
	}
	p := mustParse(t, "version: 1\nfail_on: low\nfail_on_new_only: true\nrequired: []\n")

	moved := result("G104", "app/main.go", 20, "fp-moved")
	added := result("G304", "app/files.go", 30, "fp-new")
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3.0), scored("G304", 7.5)}, moved, added))
	v := Evaluate(p, runs, Options{Getenv: env(""), Baseline: base})

	if len(v.Failures) != 1 || v.Failures[0].Result.RuleID != "G304" {
		t.Errorf("failures = %+v, want only the new G304", v.Failures)
	}
	if v.Counts.NotNew != 1 {
		t.Errorf("Counts.NotNew = %d, want 1 for the unchanged G104", v.Counts.NotNew)
	}

	// Without a baseline every result counts as new, and the verdict warns
	// about it.
	runs = scan(okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3.0), scored("G304", 7.5)},
		result("G104", "app/main.go", 20, "fp-moved"), result("G304", "app/files.go", 30, "fp-new")))
	v = Evaluate(p, runs, Options{Getenv: env("")})
	if len(v.Failures) != 2 {
		t.Errorf("without a baseline got %d failures, want 2", len(v.Failures))
	}
	want := "policies/secscan.yaml:3 fail_on_new_only: true is set but no baseline was given, so every result counts as new"
	if diff := cmp.Diff([]string{want}, v.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestBaselineDuplicateFingerprints(t *testing.T) {
	// Two identical findings in the baseline and one in the scan: one is
	// unchanged and the other absent.
	data := `{"runs": [{"tool": {"driver": {"name": "gosec"}}, "results": [
	  {"ruleId": "G104", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.go"}, "region": {"startLine": 1}}}], "partialFingerprints": {"secscan/v1": "same"}},
	  {"ruleId": "G104", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.go"}, "region": {"startLine": 9}}}], "partialFingerprints": {"secscan/v1": "same"}}
	]}]}`
	base, err := ParseBaseline("base.sarif", []byte(data))
	if err != nil {
		t.Fatalf("ParseBaseline: %v", err)
	}
	runs := scan(okRun(finding.ToolGosec, nil, result("G104", "a.go", 4, "same")))
	v := Evaluate(Default(), runs, Options{Getenv: env(""), Baseline: base})
	want := &BaselineCounts{File: "base.sarif", Unchanged: 1, Absent: 1}
	if diff := cmp.Diff(want, v.Baseline); diff != "" {
		t.Errorf("baseline counts (-want +got):\n%s", diff)
	}
}

func TestBaselineFingerprintMismatchIsNew(t *testing.T) {
	// When both sides have a secscan/v1 fingerprint, an equal line hash
	// does not pair results whose fingerprints differ.
	data := `{"runs": [{"tool": {"driver": {"name": "gosec"}}, "results": [
	  {"ruleId": "G104", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.go"}, "region": {"startLine": 1}}}],
	   "partialFingerprints": {"secscan/v1": "old", "primaryLocationLineHash": "abc:1"}}
	]}]}`
	base, err := ParseBaseline("base.sarif", []byte(data))
	if err != nil {
		t.Fatalf("ParseBaseline: %v", err)
	}
	r := result("G104", "a.go", 1, "different")
	r.LineHash = "abc:1"
	v := Evaluate(Default(), scan(okRun(finding.ToolGosec, nil, r)), Options{Getenv: env(""), Baseline: base})
	want := &BaselineCounts{File: "base.sarif", New: 1, Absent: 1}
	if diff := cmp.Diff(want, v.Baseline); diff != "" {
		t.Errorf("baseline counts (-want +got):\n%s", diff)
	}
}

func TestParseBaselineErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", "<xml/>", "baseline b.sarif is not a SARIF log: invalid character"},
		{"no runs", `{"version": "2.1.0"}`, "baseline b.sarif is not a SARIF log: it has no runs array"},
		{"run without driver name", `{"runs": [{"tool": {"driver": {}}, "results": []}]}`, "baseline b.sarif: run 0 has no tool.driver.name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBaseline("b.sarif", []byte(tt.data))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseBaseline = %v, want an error starting with %q", err, tt.want)
			}
		})
	}
}
