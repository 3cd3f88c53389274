package policy

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// failureLines renders failures as "severity result <- source" for diffs.
func failureLines(v *Verdict) []string {
	var out []string
	for _, f := range v.Failures {
		out = append(out, f.Result.Rating.Severity.String()+" "+f.Result.String()+" <- "+f.Because.String())
	}
	return out
}

func TestEvaluateThresholdPerTool(t *testing.T) {
	p := mustParse(t, `version: 1
fail_on: high
required: []
tools:
  gosec:
    fail_on: medium
  trivy:
    fail_on: critical
  hadolint:
    fail_on: none
`)
	errorLevel := func(rule, path string) finding.Result {
		r := result(rule, path, 1, "")
		r.Level = finding.LevelError
		return r
	}
	runs := scan(
		okRun(finding.ToolGosec, []finding.Rule{scored("G104", 5.0), scored("G103", 2.0)},
			result("G104", "app/a.go", 3, ""), result("G103", "app/b.go", 4, "")),
		okRun(finding.ToolGovulncheck, []finding.Rule{scored("GO-2024-0001", 7.5), scored("GO-2024-0002", 5.0)},
			result("GO-2024-0001", "go.mod", 1, ""), result("GO-2024-0002", "go.mod", 1, "")),
		okRun(finding.ToolTrivy, []finding.Rule{scored("CVE-2024-1", 8.9), scored("CVE-2024-2", 9.8)},
			result("CVE-2024-1", "go.mod", 1, ""), result("CVE-2024-2", "go.mod", 1, "")),
		// hadolint rules have no security-severity, so level error rates
		// high, but the hadolint threshold of none fails nothing.
		okRun(finding.ToolHadolint, nil, errorLevel("DL3002", "Dockerfile")),
	)
	v := Evaluate(p, runs, Options{Getenv: env("")})

	want := []string{
		"critical Trivy CVE-2024-2 go.mod:1 <- policies/secscan.yaml:8 tools.trivy.fail_on: critical",
		"high govulncheck GO-2024-0001 go.mod:1 <- policies/secscan.yaml:2 fail_on: high",
		"medium gosec G104 app/a.go:3 <- policies/secscan.yaml:6 tools.gosec.fail_on: medium",
	}
	if diff := cmp.Diff(want, failureLines(v)); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	wantCounts := Counts{Results: 7, Failed: 3, BelowThreshold: 4}
	if diff := cmp.Diff(wantCounts, v.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if v.Pass || v.ExitCode != ExitPolicyFailed {
		t.Errorf("Pass, ExitCode = %v, %d; want false, %d", v.Pass, v.ExitCode, ExitPolicyFailed)
	}
}

func TestEvaluatePassCountsBelowThreshold(t *testing.T) {
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3.0)}, result("G104", "a.go", 1, "")))
	v := Evaluate(Default(), runs, Options{Getenv: env("")})
	if !v.Pass || v.ExitCode != ExitPass {
		t.Errorf("Pass, ExitCode = %v, %d; want true, 0", v.Pass, v.ExitCode)
	}
	if diff := cmp.Diff(Counts{Results: 1, BelowThreshold: 1}, v.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestEvaluateSuppressionExpiry(t *testing.T) {
	const policy = `version: 1
required: []
suppressions:
  - rule: G101
    path: "app/**"
    reason: test key
    owner: "@alice"
    expires: 2026-06-30
`
	tests := []struct {
		name        string
		now         string
		wantState   SuppressionState
		wantFailing bool
	}{
		{"day before expiry", "2026-06-29T12:00:00Z", SuppressionActive, false},
		{"last second of the expiry day", "2026-06-30T23:59:59Z", SuppressionActive, false},
		{"expiry day in UTC, next day locally", "2026-07-01T01:00:00+02:00", SuppressionActive, false},
		{"day after expiry", "2026-07-01T00:00:00Z", SuppressionExpired, true},
		{"a year later", "2027-06-30T00:00:00Z", SuppressionExpired, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, policy)
			runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G101", 7.5)}, result("G101", "app/config.go", 5, "")))
			v := Evaluate(p, runs, Options{Now: day(tt.now), Getenv: env("")})

			st := v.Suppressions[0]
			if st.State != tt.wantState || st.Matched != 1 {
				t.Errorf("suppression state, matched = %s, %d; want %s, 1", st.State, st.Matched, tt.wantState)
			}
			if failing := len(v.Failures) == 1; failing != tt.wantFailing {
				t.Errorf("result fails = %v, want %v", failing, tt.wantFailing)
			}
			marks := runs[0].Results[0].Suppressions
			if tt.wantFailing {
				if len(marks) != 0 {
					t.Errorf("expired entry marked the result: %+v", marks)
				}
				return
			}
			want := []finding.Suppression{{Kind: KindExternal, Justification: "test key (@alice, expires 2026-06-30)"}}
			if diff := cmp.Diff(want, marks); diff != "" {
				t.Errorf("suppressions of the result (-want +got):\n%s", diff)
			}
			if v.Counts.Suppressed != 1 {
				t.Errorf("Counts.Suppressed = %d, want 1", v.Counts.Suppressed)
			}
		})
	}
}

func TestEvaluateOverlappingSuppressions(t *testing.T) {
	p := mustParse(t, `version: 1
required: []
suppressions:
  - rule: G304
    reason: expired exception
    owner: "@old"
    expires: 2025-01-01
  - path: "app/files/**"
    reason: operator-chosen paths
    owner: "@alice"
  - rule: G304
    path: "app/**"
    reason: broader exception
    owner: "@bob"
`)
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G304", 7.5)},
		result("G304", "app/files/read.go", 10, ""), // matched by all three
		result("G304", "app/other.go", 20, ""),      // matched by the expired and the broad entry
	))
	v := Evaluate(p, runs, Options{Now: day("2026-01-01T00:00:00Z"), Getenv: env("")})

	got := [][]finding.Suppression{runs[0].Results[0].Suppressions, runs[0].Results[1].Suppressions}
	want := [][]finding.Suppression{
		{{Kind: KindExternal, Justification: "operator-chosen paths (@alice)"}},
		{{Kind: KindExternal, Justification: "broader exception (@bob)"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions of the results (-want +got):\n%s", diff)
	}

	var states []string
	for _, st := range v.Suppressions {
		states = append(states, st.Entry.Source().String()+" "+string(st.State)+" "+strconv.Itoa(st.Matched))
	}
	wantStates := []string{
		"policies/secscan.yaml:4 suppressions[0] expired 2",
		"policies/secscan.yaml:8 suppressions[1] active 1",
		"policies/secscan.yaml:11 suppressions[2] active 2",
	}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("suppression states (-want +got):\n%s", diff)
	}

	var entries []string
	for _, s := range v.Suppressed {
		entries = append(entries, s.Result.String()+" by "+s.Entry.String())
	}
	wantEntries := []string{
		"gosec G304 app/files/read.go:10 by policies/secscan.yaml:8 suppressions[1]",
		"gosec G304 app/other.go:20 by policies/secscan.yaml:11 suppressions[2]",
	}
	if diff := cmp.Diff(wantEntries, entries); diff != "" {
		t.Errorf("suppressed results (-want +got):\n%s", diff)
	}
	if !v.Pass {
		t.Errorf("verdict fails: %v", failureLines(v))
	}
}

func TestEvaluateAdvisoryAliases(t *testing.T) {
	p := mustParse(t, `version: 1
required: []
suppressions:
  - advisory: CVE-2024-45337
    reason: not reachable
    owner: "@alice"
  - advisory: ghsa-v778-237x-gjrc
    tool: trivy
    reason: fixed upstream soon
    owner: "@bob"
  - advisory: GO-2024-3333
    reason: tagged alias
    owner: "@carol"
`)
	// govulncheck names the advisory by its GO id and lists the aliases.
	vuln := result("GO-2024-3321", "go.mod", 1, "")
	vuln.Properties = map[string]any{"aliases": []string{"CVE-2024-45337", "GHSA-v778-237x-gjrc"}}
	// A result read back from JSON holds its aliases as []any.
	vulnJSON := result("GO-2024-3321", "app/go.mod", 1, "")
	vulnJSON.Properties = map[string]any{"aliases": []any{"CVE-2024-45337"}}
	// This advisory's alias appears only in its rule's tags.
	tagged := result("GO-2024-9999", "go.mod", 1, "")
	taggedRule := finding.Rule{ID: "GO-2024-9999", SecuritySeverity: 7.5, Tags: []string{"security", "GO-2024-3333"}}
	// Trivy names the same vulnerability by its CVE id, and another one
	// by its GHSA id.
	trivyCVE := result("CVE-2024-45337", "go.mod", 1, "")
	trivyGHSA := result("GHSA-v778-237x-gjrc", "go.mod", 1, "")
	unrelated := result("CVE-2024-0001", "go.mod", 1, "")

	runs := scan(
		okRun(finding.ToolGovulncheck, []finding.Rule{scored("GO-2024-3321", 9.1), taggedRule}, vuln, vulnJSON, tagged),
		okRun(finding.ToolTrivy, []finding.Rule{scored("CVE-2024-45337", 9.1), scored("GHSA-v778-237x-gjrc", 9.1), scored("CVE-2024-0001", 9.1)},
			trivyCVE, trivyGHSA, unrelated),
	)
	v := Evaluate(p, runs, Options{Getenv: env("")})

	var suppressed []string
	for _, s := range v.Suppressed {
		suppressed = append(suppressed, s.Result.String()+": "+s.Justification)
	}
	want := []string{
		"govulncheck GO-2024-3321 app/go.mod:1: not reachable (@alice)",
		"govulncheck GO-2024-3321 go.mod:1: not reachable (@alice)",
		"govulncheck GO-2024-9999 go.mod:1: tagged alias (@carol)",
		"Trivy CVE-2024-45337 go.mod:1: not reachable (@alice)",
		"Trivy GHSA-v778-237x-gjrc go.mod:1: fixed upstream soon (@bob)",
	}
	if diff := cmp.Diff(want, suppressed); diff != "" {
		t.Errorf("suppressed results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"critical Trivy CVE-2024-0001 go.mod:1 <- policies/secscan.yaml (default) fail_on: high"}, failureLines(v)); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	// The GHSA entry is limited to Trivy, so it does not match the
	// govulncheck result that lists the same GHSA id.
	if st := v.Suppressions[1]; st.Matched != 1 {
		t.Errorf("the GHSA entry matched %d results, want 1", st.Matched)
	}
}

func TestEvaluateStaleAndUnverified(t *testing.T) {
	p := mustParse(t, `version: 1
required: []
suppressions:
  - rule: G401
    tool: gosec
    reason: r
    owner: o
  - rule: DL3008
    tool: hadolint
    reason: r
    owner: o
  - fingerprint: 0123abcd
    reason: r
    owner: o
  - rule: G104
    reason: r
    owner: o
`)
	hadolintRun := &finding.Run{Tool: finding.ToolHadolint, Invocation: finding.Invocation{Status: finding.StatusNotRun}}
	runs := scan(okRun(finding.ToolGosec, nil, result("G104", "a.go", 1, "")), hadolintRun)
	v := Evaluate(p, runs, Options{Getenv: env("")})

	var got []SuppressionState
	for _, st := range v.Suppressions {
		got = append(got, st.State)
	}
	want := []SuppressionState{
		SuppressionStale,      // gosec completed and has no G401
		SuppressionUnverified, // hadolint did not run
		SuppressionUnverified, // no tool: hadolint could have reported it
		SuppressionActive,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppression states (-want +got):\n%s", diff)
	}
}

func TestEvaluateInSourceSuppression(t *testing.T) {
	nosec := result("G304", "app/read.go", 7, "")
	nosec.Suppressions = []finding.Suppression{{Kind: KindInSource, Justification: "path is a constant"}}
	bare := result("G104", "app/close.go", 9, "")
	bare.Suppressions = []finding.Suppression{{Kind: KindInSource}}
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G304", 7.5), scored("G104", 7.5)}, nosec, bare))

	v := Evaluate(Default(), runs, Options{Getenv: env("")})
	if !v.Pass {
		t.Errorf("verdict fails: %v", failureLines(v))
	}
	if diff := cmp.Diff(Counts{Results: 2, SuppressedInSource: 2}, v.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	want := []SuppressedResult{
		{Result: newResultRef(runs[0], &runs[0].Results[1]), Kind: KindInSource},
		{Result: newResultRef(runs[0], &runs[0].Results[0]), Kind: KindInSource, Justification: "path is a constant"},
	}
	if diff := cmp.Diff(want, v.Suppressed); diff != "" {
		t.Errorf("suppressed results (-want +got):\n%s", diff)
	}
}

func TestEvaluateRequiredScanners(t *testing.T) {
	notRun := &finding.Run{
		Tool: finding.ToolHadolint,
		Invocation: finding.Invocation{
			Status:        finding.StatusNotRun,
			Notifications: []finding.Notification{{Level: finding.LevelError, Message: "no hadolint binary on PATH and no docker or podman"}},
		},
	}
	failed := &finding.Run{Tool: finding.ToolTrivy, Invocation: finding.Invocation{Status: finding.StatusFailed}}
	makeRuns := func() []*finding.Run {
		runs := scan(notRun, failed)
		// The scan has no govulncheck run at all.
		return append(runs[:1], runs[2:]...)
	}

	t.Run("CI", func(t *testing.T) {
		v := Evaluate(Default(), makeRuns(), Options{Getenv: env("true")})
		want := []ScannerFailure{
			{Tool: finding.ToolTrivy, Status: finding.StatusFailed, Reason: "no error was recorded"},
			{Tool: finding.ToolHadolint, Status: finding.StatusNotRun, Reason: "no hadolint binary on PATH and no docker or podman"},
		}
		for i := range want {
			want[i].Because = Source{Key: "required.ci", Value: "[gosec, govulncheck, trivy, hadolint]"}
		}
		if diff := cmp.Diff(want, v.ScannerFailures); diff != "" {
			t.Errorf("scanner failures (-want +got):\n%s", diff)
		}
		if v.ExitCode != ExitScannerFailed || !v.CI {
			t.Errorf("ExitCode, CI = %d, %v; want %d, true", v.ExitCode, v.CI, ExitScannerFailed)
		}
		wantWarnings := []string{
			"govulncheck was not selected for this scan, so built-in default policy required.ci: [gosec, govulncheck, trivy, hadolint] was not checked for it",
		}
		if diff := cmp.Diff(wantWarnings, v.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})

	t.Run("local", func(t *testing.T) {
		v := Evaluate(Default(), makeRuns(), Options{Getenv: env("")})
		// A scanner that started and failed has incomplete results, so it
		// fails the build even where it is not required.
		wantFailures := []ScannerFailure{
			{Tool: finding.ToolTrivy, Status: finding.StatusFailed, Reason: "no error was recorded"},
		}
		if diff := cmp.Diff(wantFailures, v.ScannerFailures); diff != "" {
			t.Errorf("scanner failures (-want +got):\n%s", diff)
		}
		if v.ExitCode != ExitScannerFailed {
			t.Errorf("ExitCode = %d, want %d", v.ExitCode, ExitScannerFailed)
		}
		want := []string{
			"hadolint did not complete (not-run: no hadolint binary on PATH and no docker or podman); not required by built-in default policy required.local: []",
		}
		if diff := cmp.Diff(want, v.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})

	t.Run("local without failed scanners", func(t *testing.T) {
		runs := scan(notRun)
		v := Evaluate(Default(), runs, Options{Getenv: env("")})
		if v.ExitCode != ExitPass || len(v.ScannerFailures) != 0 {
			t.Errorf("ExitCode = %d with failures %+v; want 0 (hadolint is not required locally)", v.ExitCode, v.ScannerFailures)
		}
	})

	t.Run("not-run reason from warnings", func(t *testing.T) {
		warned := &finding.Run{Tool: finding.ToolHadolint, Invocation: finding.Invocation{
			Status:        finding.StatusNotRun,
			Notifications: []finding.Notification{{Level: finding.LevelWarning, Message: "hadolint did not run: no binary"}},
		}}
		v := Evaluate(Default(), scan(warned), Options{Getenv: env("true")})
		if len(v.ScannerFailures) != 1 || v.ScannerFailures[0].Reason != "hadolint did not run: no binary" {
			t.Errorf("scanner failures = %+v, want hadolint with the warning as reason", v.ScannerFailures)
		}
	})

	t.Run("CI=1 counts as CI", func(t *testing.T) {
		if v := Evaluate(Default(), makeRuns(), Options{Getenv: env("1")}); v.ExitCode != ExitScannerFailed {
			t.Errorf("ExitCode = %d, want %d", v.ExitCode, ExitScannerFailed)
		}
	})

	t.Run("CI=false is local", func(t *testing.T) {
		v := Evaluate(Default(), makeRuns(), Options{Getenv: env("false")})
		if v.CI || len(v.ScannerFailures) != 1 {
			t.Errorf("CI = %v with failures %+v; want local, with only the failed Trivy", v.CI, v.ScannerFailures)
		}
	})
}

func TestEvaluateScannerFailureTakesPrecedence(t *testing.T) {
	notRun := &finding.Run{Tool: finding.ToolHadolint, Invocation: finding.Invocation{Status: finding.StatusNotRun}}
	runs := scan(okRun(finding.ToolGosec, []finding.Rule{scored("G101", 7.5)}, result("G101", "a.go", 1, "")), notRun)
	v := Evaluate(Default(), runs, Options{Getenv: env("true")})
	if v.ExitCode != ExitScannerFailed || len(v.Failures) != 1 {
		t.Errorf("ExitCode = %d with %d failures; want %d with 1", v.ExitCode, len(v.Failures), ExitScannerFailed)
	}
}

func TestEvaluateTwiceMarksOnce(t *testing.T) {
	p := mustParse(t, "version: 1\nsuppressions:\n  - rule: G104\n    reason: r\n    owner: o\n")
	runs := scan(okRun(finding.ToolGosec, nil, result("G104", "a.go", 1, "")))
	Evaluate(p, runs, Options{Getenv: env("")})
	v := Evaluate(p, runs, Options{Getenv: env("")})
	if n := len(runs[0].Results[0].Suppressions); n != 1 {
		t.Errorf("result has %d suppressions after two evaluations, want 1", n)
	}
	if len(v.Suppressed) != 1 || v.Suppressed[0].Entry == nil {
		t.Errorf("Suppressed = %+v, want one entry with its source", v.Suppressed)
	}
}

func TestEvaluateSkippedPart(t *testing.T) {
	partial := func() []*finding.Run {
		run := okRun(finding.ToolTrivy, nil)
		run.Invocation.Skipped = []string{"vulnerability scanning"}
		run.Notify(finding.LevelWarning, "no Trivy database in /cache/db")
		return scan(run)
	}

	t.Run("required in CI", func(t *testing.T) {
		v := Evaluate(Default(), partial(), Options{Getenv: env("true")})
		if v.ExitCode != ExitScannerFailed {
			t.Errorf("ExitCode = %d, want %d", v.ExitCode, ExitScannerFailed)
		}
		want := []ScannerFailure{{
			Tool:    finding.ToolTrivy,
			Status:  StatusPartial,
			Reason:  "vulnerability scanning did not run: no Trivy database in /cache/db",
			Because: Source{Key: "required.ci", Value: "[gosec, govulncheck, trivy, hadolint]"},
		}}
		if diff := cmp.Diff(want, v.ScannerFailures); diff != "" {
			t.Errorf("scanner failures (-want +got):\n%s", diff)
		}
	})

	t.Run("not required locally", func(t *testing.T) {
		v := Evaluate(Default(), partial(), Options{Getenv: env("")})
		if v.ExitCode != ExitPass {
			t.Errorf("ExitCode = %d, want %d", v.ExitCode, ExitPass)
		}
		want := []string{"Trivy ran in part (vulnerability scanning did not run: no Trivy database in /cache/db); not required by built-in default policy required.local: []"}
		if diff := cmp.Diff(want, v.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
}
