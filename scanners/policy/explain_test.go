package policy

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestVerdictLines(t *testing.T) {
	base, err := ReadBaseline("testdata/baseline.sarif")
	if err != nil {
		t.Fatalf("ReadBaseline: %v", err)
	}
	p := mustParse(t, `version: 1
fail_on: high
tools:
  gosec:
    fail_on: medium
suppressions:
  - rule: G304
    path: "app/**"
    reason: paths come from flags
    owner: "@alice"
    expires: 2026-06-30
  - advisory: CVE-2024-45337
    reason: not reachable
    owner: "@bob"
    expires: 2025-12-31
  - rule: G401
    tool: gosec
    reason: legacy hash
    owner: "@carol"
  - rule: DL3008
    tool: hadolint
    reason: apt pins
    owner: "@dave"
`)

	moved := result("G104", "app/main.go", 20, "fp-moved")
	sqlInjection := result("G201", "app/sqlite/store.go", 42, "fp-sql")
	sqlInjection.Level = finding.LevelError
	readFile := result("G304", "app/files.go", 30, "fp-read")
	nosec := result("G115", "app/convert.go", 8, "fp-nosec")
	nosec.Suppressions = []finding.Suppression{{Kind: KindInSource, Justification: "bounded by the schema"}}
	gosecRules := []finding.Rule{
		{ID: "G104", ShortDescription: "Errors unhandled", SecuritySeverity: 3.0},
		{ID: "G201", ShortDescription: "SQL query construction using format string"},
		{ID: "G304", ShortDescription: "File path provided as taint input", SecuritySeverity: 7.5},
		{ID: "G115", ShortDescription: "Integer overflow conversion", SecuritySeverity: 7.5},
	}

	vuln := result("GO-2024-3321", "go.mod", 1, "fp-vuln")
	vuln.Properties = map[string]any{"aliases": []string{"CVE-2024-45337"}}

	hadolintRun := &finding.Run{
		Tool: finding.ToolHadolint,
		Invocation: finding.Invocation{
			Status:        finding.StatusNotRun,
			Notifications: []finding.Notification{{Level: finding.LevelError, Message: "no hadolint binary on PATH and no docker or podman"}},
		},
	}
	runs := scan(
		okRun(finding.ToolGosec, gosecRules, moved, sqlInjection, readFile, nosec),
		okRun(finding.ToolGovulncheck, []finding.Rule{{ID: "GO-2024-3321", ShortDescription: "Misuse of ServerConfig.PublicKeyCallback", SecuritySeverity: 9.1}}, vuln),
		hadolintRun,
	)
	v := Evaluate(p, runs, Options{Now: day("2026-03-01T09:00:00Z"), Getenv: env("true"), Baseline: base})

	checkGolden(t, "verdict.golden", strings.Join(v.Lines(), "\n")+"\n")
}

func TestVerdictLinesPass(t *testing.T) {
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3.0)}, result("G104", "a.go", 1, "")))
	v := Evaluate(Default(), runs, Options{Getenv: env("")})
	want := []string{
		"PASS (exit 0): no result fails the built-in default policy and every required scanner ran",
		"1 result: 0 failed, 1 below the threshold, 0 suppressed by the policy, 0 suppressed in source",
	}
	if diff := cmp.Diff(want, v.Lines()); diff != "" {
		t.Errorf("Lines (-want +got):\n%s", diff)
	}
}

func TestDescribe(t *testing.T) {
	root := repoWithPolicy(t, fullPolicy)
	p, err := Load(root, DefaultFile)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkGolden(t, "describe.golden", strings.Join(p.Describe(), "\n")+"\n")
}
