package policy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// writeRepo creates a repository root with the given files (slash paths to
// contents) and returns it.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const fullPolicy = `version: 1
fail_on: high
fail_on_new_only: true
required:
  ci: [gosec, govulncheck, trivy, hadolint]
  local: [gosec]
exclude:
  - "**/testdata/**"
tools:
  gosec:
    fail_on: medium
    exclude: ["app/generated/**"]
    exclude_rules: [G104]
  govulncheck:
    scan_level: package
  trivy:
    fail_on: critical
    scanners: [misconfig, secret]
    severities: [HIGH, CRITICAL]
    checks: [policies/trivy]
    check_namespaces: [user]
  hadolint:
    config: policies/hadolint.yaml
suppressions:
  - rule: G304
    path: "app/sqlite/**"
    reason: paths come from flags
    owner: "@maintainers"
    expires: 2026-06-30
  - advisory: CVE-2024-45337
    tool: govulncheck
    reason: not reachable
    owner: "@alice"
`

const hadolintConfig = `ignored:
  - DL3008
trustedRegistries:
  - docker.io
  - gcr.io
failure-threshold: warning
override:
  error: [DL3002]
`

func repoWithPolicy(t *testing.T, policy string) string {
	t.Helper()
	return writeRepo(t, map[string]string{
		"policies/secscan.yaml":      policy,
		"policies/hadolint.yaml":     hadolintConfig,
		"policies/trivy/user.rego":   "package user.x\n",
		"policies/trivy/x_test.rego": "package user.x\n",
		"docs/checks/notes.md":       "no checks here\n",
	})
}

func TestLoadFullPolicy(t *testing.T) {
	root := repoWithPolicy(t, fullPolicy)
	p, err := Load(root, DefaultFile)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	if p.FailOn != finding.SeverityHigh || !p.FailOnNewOnly {
		t.Errorf("FailOn, FailOnNewOnly = %v, %v; want high, true", p.FailOn, p.FailOnNewOnly)
	}
	if diff := cmp.Diff([]string{"gosec", "govulncheck", "Trivy", "hadolint"}, p.RequiredCI); diff != "" {
		t.Errorf("RequiredCI (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"gosec"}, p.RequiredLocal); diff != "" {
		t.Errorf("RequiredLocal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"**/testdata/**", "app/generated/**"}, p.ExcludeFor(finding.ToolGosec)); diff != "" {
		t.Errorf("ExcludeFor(gosec) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"**/testdata/**"}, p.ExcludeFor(finding.ToolTrivy)); diff != "" {
		t.Errorf("ExcludeFor(Trivy) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(GosecSettings{ExcludeRules: []string{"G104"}}, p.Gosec); diff != "" {
		t.Errorf("Gosec (-want +got):\n%s", diff)
	}
	if p.Govulncheck.ScanLevel != "package" {
		t.Errorf("Govulncheck.ScanLevel = %q, want package", p.Govulncheck.ScanLevel)
	}
	wantTrivy := TrivySettings{
		Scanners:        []string{"misconfig", "secret"},
		Severities:      []string{"HIGH", "CRITICAL"},
		Checks:          []string{"policies/trivy"},
		CheckNamespaces: []string{"user"},
	}
	if diff := cmp.Diff(wantTrivy, p.Trivy); diff != "" {
		t.Errorf("Trivy (-want +got):\n%s", diff)
	}
	wantHadolint := HadolintSettings{
		ConfigFile: "policies/hadolint.yaml",
		Config: HadolintConfig{
			Ignored:           []string{"DL3008"},
			TrustedRegistries: []string{"docker.io", "gcr.io"},
			FailureThreshold:  "warning",
			Override:          map[string][]string{"error": {"DL3002"}},
		},
	}
	if diff := cmp.Diff(wantHadolint, p.Hadolint); diff != "" {
		t.Errorf("Hadolint (-want +got):\n%s", diff)
	}

	thresholds := map[string]string{
		finding.ToolGosec:       "policies/secscan.yaml:11 tools.gosec.fail_on: medium",
		finding.ToolGovulncheck: "policies/secscan.yaml:2 fail_on: high",
		finding.ToolTrivy:       "policies/secscan.yaml:17 tools.trivy.fail_on: critical",
		finding.ToolHadolint:    "policies/secscan.yaml:2 fail_on: high",
	}
	for tool, want := range thresholds {
		if _, src := p.Threshold(tool); src.String() != want {
			t.Errorf("Threshold(%s) source = %q, want %q", tool, src, want)
		}
	}

	if len(p.Suppressions) != 2 {
		t.Fatalf("got %d suppressions, want 2", len(p.Suppressions))
	}
	s0, s1 := p.Suppressions[0], p.Suppressions[1]
	if got, want := s0.Source().String(), "policies/secscan.yaml:25 suppressions[0]"; got != want {
		t.Errorf("Suppressions[0].Source() = %q, want %q", got, want)
	}
	if got, want := s0.Justification(), "paths come from flags (@maintainers, expires 2026-06-30)"; got != want {
		t.Errorf("Suppressions[0].Justification() = %q, want %q", got, want)
	}
	if !s0.Expires.Equal(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Suppressions[0].Expires = %v, want 2026-06-30", s0.Expires)
	}
	if s1.Tool != finding.ToolGovulncheck || s1.Advisory != "CVE-2024-45337" || s1.Justification() != "not reachable (@alice)" {
		t.Errorf("Suppressions[1] = %+v", s1)
	}
}

func TestLoadMinimalPolicyKeepsDefaults(t *testing.T) {
	root := writeRepo(t, map[string]string{"p.yaml": "version: 1\n"})
	p, err := Load(root, "p.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	d := Default()
	if p.FailOn != d.FailOn || p.FailOnNewOnly || len(p.Suppressions) != 0 {
		t.Errorf("minimal policy = %+v, want the defaults", p)
	}
	if diff := cmp.Diff(d.RequiredCI, p.RequiredCI); diff != "" {
		t.Errorf("RequiredCI (-want +got):\n%s", diff)
	}
	if len(p.RequiredLocal) != 0 {
		t.Errorf("RequiredLocal = %v, want none", p.RequiredLocal)
	}
	if diff := cmp.Diff(d.Trivy, p.Trivy); diff != "" {
		t.Errorf("Trivy (-want +got):\n%s", diff)
	}
	if _, src := p.Threshold(finding.ToolGosec); src.String() != "p.yaml (default) fail_on: high" {
		t.Errorf("Threshold source = %q", src)
	}
	if _, src := Default().Threshold(finding.ToolGosec); src.String() != "built-in default policy fail_on: high" {
		t.Errorf("default Threshold source = %q", src)
	}
}

func TestLoadRequiredList(t *testing.T) {
	root := writeRepo(t, map[string]string{"p.yaml": "version: 1\nrequired: [gosec, trivy]\n"})
	p, err := Load(root, "p.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{finding.ToolGosec, finding.ToolTrivy}
	for _, ci := range []string{"true", ""} {
		got, src := p.Required(func(string) string { return ci })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Required with CI=%q (-want +got):\n%s", ci, diff)
		}
		if src.String() != "p.yaml:2 required: [gosec, trivy]" {
			t.Errorf("Required source with CI=%q = %q", ci, src)
		}
	}
}

func TestLoadFollowsYAMLAliases(t *testing.T) {
	policy := "version: 1\nexclude: &fixtures [\"**/testdata/**\"]\ntools:\n  gosec:\n    exclude: *fixtures\n"
	root := writeRepo(t, map[string]string{"p.yaml": policy})
	p, err := Load(root, "p.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{"**/testdata/**", "**/testdata/**"}
	if diff := cmp.Diff(want, p.ExcludeFor(finding.ToolGosec)); diff != "" {
		t.Errorf("ExcludeFor(gosec) (-want +got):\n%s", diff)
	}
}

func TestLoadErrorMessageHasOneLinePerProblem(t *testing.T) {
	root := writeRepo(t, map[string]string{"p.yaml": "version: 1\nfail_on: hgh\ncolour: red\n"})
	_, err := Load(root, "p.yaml")
	want := `p.yaml:2: fail_on: invalid severity "hgh"; use one of critical, high, medium, low, none
p.yaml:3: colour: unknown key; use one of version, fail_on, fail_on_new_only, required, exclude, tools, suppressions`
	if err == nil || err.Error() != want {
		t.Errorf("Load error = %v\nwant:\n%s", err, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(t.TempDir(), DefaultFile)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want an error wrapping fs.ErrNotExist", err)
	}
}

// TestLoadErrors checks that each problem is reported with its file, line
// and key. Each case is a complete file.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   []string
	}{
		{
			name:   "invalid severity",
			policy: "version: 1\nfail_on: hgh\n",
			want:   []string{`policies/secscan.yaml:2: fail_on: invalid severity "hgh"; use one of critical, high, medium, low, none`},
		},
		{
			name:   "unknown top-level key",
			policy: "version: 1\nfail-on: high\n",
			want:   []string{"policies/secscan.yaml:2: fail-on: unknown key; use one of version, fail_on, fail_on_new_only, required, exclude, tools, suppressions"},
		},
		{
			name:   "missing version",
			policy: "fail_on: high\n",
			want:   []string{"policies/secscan.yaml:1: version: missing; add version: 1 at the top of the file"},
		},
		{
			name:   "unsupported version",
			policy: "version: 2\n",
			want:   []string{"policies/secscan.yaml:1: version: unsupported version 2; this secscan reads version 1"},
		},
		{
			name:   "version as string",
			policy: "version: \"1\"\n",
			want:   []string{`policies/secscan.yaml:1: version: expected an integer, got the string "1"`},
		},
		{
			name:   "wrong type for boolean",
			policy: "version: 1\nfail_on_new_only: yes\n",
			want:   []string{`policies/secscan.yaml:2: fail_on_new_only: expected true or false, got the string "yes"`},
		},
		{
			name:   "duplicate key",
			policy: "version: 1\nfail_on: high\nfail_on: low\n",
			want:   []string{"policies/secscan.yaml:3: fail_on: duplicate key; set it once"},
		},
		{
			name:   "not a mapping",
			policy: "- version: 1\n",
			want:   []string{"policies/secscan.yaml:1: expected a mapping, got a list"},
		},
		{
			name:   "invalid YAML",
			policy: "version: 1\nfail_on: high\n  bad: x\n",
			want:   []string{"policies/secscan.yaml:3: invalid YAML: mapping values are not allowed in this context"},
		},
		{
			name:   "two documents",
			policy: "version: 1\n---\nfail_on: low\n",
			want:   []string{"policies/secscan.yaml:2: a second YAML document; the file must hold one document, so remove the ---"},
		},
		{
			name:   "empty file",
			policy: "",
			want:   []string{"policies/secscan.yaml: empty policy file; start it with version: 1"},
		},
		{
			name:   "unknown scanner in required",
			policy: "version: 1\nrequired:\n  ci: [gosec, semgrep]\n",
			want:   []string{`policies/secscan.yaml:3: required.ci[1]: unknown scanner "semgrep"; use one of gosec, govulncheck, trivy, hadolint`},
		},
		{
			name:   "required as string",
			policy: "version: 1\nrequired: all\n",
			want:   []string{`policies/secscan.yaml:2: required: expected a list of scanners or a mapping with ci and local, got the string "all"`},
		},
		{
			name:   "invalid glob",
			policy: "version: 1\nexclude:\n  - vendor\n  - /abs/path\n  - \"a**b\"\n",
			want: []string{
				`policies/secscan.yaml:4: exclude[1]: invalid glob: pattern "/abs/path" is absolute; write it relative to the repository root, without the leading /`,
				`policies/secscan.yaml:5: exclude[2]: invalid glob: pattern "a**b" uses ** inside the segment "a**b"; ** must be a whole segment, as in a/**/b`,
			},
		},
		{
			name:   "glob listed twice",
			policy: "version: 1\nexclude: [vendor, vendor]\n",
			want:   []string{`policies/secscan.yaml:2: exclude[1]: "vendor" is listed twice; remove one`},
		},
		{
			name:   "unknown tool section",
			policy: "version: 1\ntools:\n  semgrep: {}\n",
			want:   []string{"policies/secscan.yaml:3: tools.semgrep: unknown key; use one of gosec, govulncheck, trivy, hadolint"},
		},
		{
			name:   "key of another tool",
			policy: "version: 1\ntools:\n  gosec:\n    scan_level: symbol\n",
			want:   []string{"policies/secscan.yaml:4: tools.gosec.scan_level: unknown key; use one of fail_on, exclude, include_rules, exclude_rules"},
		},
		{
			name:   "invalid tool severity",
			policy: "version: 1\ntools:\n  trivy:\n    fail_on: severe\n",
			want:   []string{`policies/secscan.yaml:4: tools.trivy.fail_on: invalid severity "severe"; use one of critical, high, medium, low, none`},
		},
		{
			name:   "unknown gosec rule",
			policy: "version: 1\ntools:\n  gosec:\n    exclude_rules: [G104, G999]\n",
			want:   []string{`policies/secscan.yaml:4: tools.gosec.exclude_rules[1]: unknown gosec rule "G999"; gosec has G101, `},
		},
		{
			name:   "gosec rule included and excluded",
			policy: "version: 1\ntools:\n  gosec:\n    include_rules: [G101, G104]\n    exclude_rules: [G104]\n",
			want:   []string{"policies/secscan.yaml:4: tools.gosec.include_rules: G104 is both included and excluded; keep it in one list"},
		},
		{
			name:   "invalid scan level",
			policy: "version: 1\ntools:\n  govulncheck:\n    scan_level: function\n",
			want:   []string{`policies/secscan.yaml:4: tools.govulncheck.scan_level: invalid scan level "function"; use one of symbol, package, module`},
		},
		{
			name:   "invalid Trivy scanner and severity",
			policy: "version: 1\ntools:\n  trivy:\n    scanners: [vuln, license]\n    severities: [high]\n",
			want: []string{
				`policies/secscan.yaml:4: tools.trivy.scanners[1]: invalid Trivy scanner "license"; use one of vuln, misconfig, secret`,
				`policies/secscan.yaml:5: tools.trivy.severities[0]: invalid Trivy severity "high"; use one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL`,
			},
		},
		{
			name:   "empty Trivy scanners",
			policy: "version: 1\ntools:\n  trivy:\n    scanners: []\n",
			want:   []string{"policies/secscan.yaml:4: tools.trivy.scanners: empty list; name at least one of vuln, misconfig, secret"},
		},
		{
			name:   "Trivy checks without namespaces",
			policy: "version: 1\ntools:\n  trivy:\n    checks: [policies/trivy]\n",
			want:   []string{"policies/secscan.yaml:4: tools.trivy.checks: Trivy evaluates custom checks only in the namespaces listed in tools.trivy.check_namespaces; add check_namespaces: [user] or the first part of the checks' package names"},
		},
		{
			name:   "Trivy checks directory missing or empty",
			policy: "version: 1\ntools:\n  trivy:\n    checks: [policies/none, policies, ../outside, docs/checks]\n    check_namespaces: [user]\n",
			want: []string{
				`policies/secscan.yaml:4: tools.trivy.checks[0]: "policies/none" is not a directory under the repository root`,
				`policies/secscan.yaml:4: tools.trivy.checks[2]: "../outside" must be a clean path inside the repository, such as policies/trivy`,
				`policies/secscan.yaml:4: tools.trivy.checks[3]: "docs/checks" contains no .rego checks`,
			},
		},
		{
			name:   "hadolint config missing",
			policy: "version: 1\ntools:\n  hadolint:\n    config: policies/missing.yaml\n",
			want:   []string{`policies/secscan.yaml:4: tools.hadolint.config: cannot read the hadolint configuration "policies/missing.yaml": open `},
		},
		{
			name:   "suppression without reason and owner",
			policy: "version: 1\nsuppressions:\n  - rule: G104\n",
			want: []string{
				"policies/secscan.yaml:3: suppressions[0].reason: missing; say why the finding is accepted",
				"policies/secscan.yaml:3: suppressions[0].owner: missing; name the person or team that answers for the exception",
			},
		},
		{
			name:   "suppression without criterion",
			policy: "version: 1\nsuppressions:\n  - reason: r\n    owner: o\n    tool: gosec\n",
			want:   []string{"policies/secscan.yaml:3: suppressions[0]: no criterion; set at least one of rule, path, fingerprint, advisory"},
		},
		{
			name:   "suppression with empty reason",
			policy: "version: 1\nsuppressions:\n  - rule: G104\n    reason: \"\"\n    owner: o\n",
			want:   []string{"policies/secscan.yaml:4: suppressions[0].reason: empty value; write a non-empty string or remove the key"},
		},
		{
			name:   "suppression with invalid values",
			policy: "version: 1\nsuppressions:\n  - rule: G104\n    reason: r\n    owner: o\n    expires: 2026-13-01\n  - advisory: CVE-24-1\n    reason: r\n    owner: o\n    expires: 30.06.2026\n  - path: \"[a-\"\n    tool: Gosec\n    reason: r\n    owner: o\n    colour: red\n",
			want: []string{
				`policies/secscan.yaml:6: suppressions[0].expires: invalid date "2026-13-01"; write it as YYYY-MM-DD, such as 2026-06-30`,
				`policies/secscan.yaml:7: suppressions[1].advisory: invalid advisory id "CVE-24-1"; use a CVE-YYYY-NNNN, GO-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx id`,
				`policies/secscan.yaml:10: suppressions[1].expires: invalid date "30.06.2026"; write it as YYYY-MM-DD, such as 2026-06-30`,
				`policies/secscan.yaml:11: suppressions[2].path: invalid glob: pattern "[a-": segment "[a-": syntax error in pattern`,
				`policies/secscan.yaml:12: suppressions[2].tool: unknown scanner "Gosec"; use one of gosec, govulncheck, trivy, hadolint`,
				`policies/secscan.yaml:15: suppressions[2].colour: unknown key; use one of tool, rule, path, fingerprint, advisory, reason, owner, expires`,
			},
		},
		{
			name:   "advisory for a tool without advisories",
			policy: "version: 1\nsuppressions:\n  - advisory: GHSA-xvch-5gv4-984h\n    tool: gosec\n    reason: r\n    owner: o\n",
			want:   []string{"policies/secscan.yaml:3: suppressions[0].advisory: gosec reports no advisories; use tool govulncheck or trivy, or leave tool out"},
		},
		{
			name:   "suppressions not a list",
			policy: "version: 1\nsuppressions:\n  rule: G104\n",
			want:   []string{"policies/secscan.yaml:3: suppressions: expected a list, got a mapping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repoWithPolicy(t, tt.policy)
			_, err := Load(root, DefaultFile)
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load = %v, want Errors", err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("Load returned %d errors, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, e := range errs {
				if !strings.HasPrefix(e.Error(), tt.want[i]) {
					t.Errorf("error %d = %q\nwant prefix %q", i, e, tt.want[i])
				}
			}
		})
	}
}

func TestLoadHadolintConfigErrors(t *testing.T) {
	config := `ignored: [DL3008, dl3009]
trustedRegistry: docker.io
failure-threshold: fatal
override:
  error: [DL3002]
  warning: [DL3002]
format: json
label-schema:
  version: semver
  author: name
`
	root := writeRepo(t, map[string]string{
		"policies/secscan.yaml":  "version: 1\ntools:\n  hadolint:\n    config: policies/hadolint.yaml\n",
		"policies/hadolint.yaml": config,
	})
	_, err := Load(root, DefaultFile)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load = %v, want Errors", err)
	}
	want := []string{
		`policies/hadolint.yaml:1: ignored[1]: invalid rule code "dl3009"; use a hadolint code such as DL3008 or a ShellCheck code such as SC2086`,
		"policies/hadolint.yaml:2: trustedRegistry: unknown key; use one of ignored, trustedRegistries, failure-threshold, override, label-schema, strict-labels, no-fail, no-color, disable-ignore-pragma, verbose, format",
		`policies/hadolint.yaml:3: failure-threshold: invalid failure threshold "fatal"; use one of error, warning, info, style, ignore, none`,
		"policies/hadolint.yaml:6: override.warning: DL3002 is also listed under error; list each rule under one severity",
		"policies/hadolint.yaml:7: format: secscan chooses hadolint's output format; remove this key",
		`policies/hadolint.yaml:10: label-schema.author: invalid label format "name"; use one of text, url, semver, hash, rfc3339, spdx, email`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestRepositoryPolicy loads the repository's own policy, which must stay
// valid, and checks the settings that its comments promise.
func TestRepositoryPolicy(t *testing.T) {
	p, err := Load(repoRoot, DefaultFile)
	if err != nil {
		t.Fatalf("Load(%s): %v", DefaultFile, err)
	}
	if threshold, _ := p.Threshold(finding.ToolGosec); threshold != finding.SeverityHigh {
		t.Errorf("gosec threshold = %v, want high", threshold)
	}
	if diff := cmp.Diff(allTools, p.RequiredCI); diff != "" {
		t.Errorf("RequiredCI (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"policies/trivy"}, p.Trivy.Checks); diff != "" {
		t.Errorf("Trivy checks (-want +got):\n%s", diff)
	}
	// The failing examples of the custom checks must never reach a report.
	for _, tool := range allTools {
		if !excluded(p.ExcludeFor(tool), "policies/trivy/testdata/GB-0001/Dockerfile.root") {
			t.Errorf("%s does not exclude the failing examples of the custom checks", tool)
		}
	}
	if p.Hadolint.ConfigFile != "policies/hadolint.yaml" {
		t.Errorf("hadolint config = %q, want policies/hadolint.yaml", p.Hadolint.ConfigFile)
	}
}

// TestRepositoryPolicySuppressions checks that the repository's suppression
// entries match the Trivy findings that they were written for, and only
// those.
func TestRepositoryPolicySuppressions(t *testing.T) {
	p, err := Load(repoRoot, DefaultFile)
	if err != nil {
		t.Fatalf("Load(%s): %v", DefaultFile, err)
	}
	low := finding.Rule{ID: "KSV-0020", SecuritySeverity: 2.0}
	runs := scan(okRun(finding.ToolTrivy, []finding.Rule{low, {ID: "KSV-0021", SecuritySeverity: 2.0}, {ID: "KSV-0125", SecuritySeverity: 5.5}},
		result("KSV-0020", "deploy/k8s/base/deployment.yaml", 37, ""),
		result("KSV-0021", "deploy/k8s/base/deployment.yaml", 37, ""),
		result("KSV-0125", "deploy/k8s/base/deployment.yaml", 37, ""),
		result("KSV-0020", "examples/pod.yaml", 5, ""),
	))
	v := Evaluate(p, runs, Options{Getenv: env("")})

	var suppressed []string
	for _, s := range v.Suppressed {
		suppressed = append(suppressed, s.Result.String())
	}
	want := []string{
		"Trivy KSV-0020 deploy/k8s/base/deployment.yaml:37",
		"Trivy KSV-0021 deploy/k8s/base/deployment.yaml:37",
		"Trivy KSV-0125 deploy/k8s/base/deployment.yaml:37",
	}
	if diff := cmp.Diff(want, suppressed); diff != "" {
		t.Errorf("suppressed results (-want +got):\n%s", diff)
	}
	for _, st := range v.Suppressions {
		if st.State != SuppressionActive {
			t.Errorf("%s is %s, want active", st.Entry.Source(), st.State)
		}
	}
}
