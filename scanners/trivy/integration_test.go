package trivy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// The tests in this file run the real Trivy binary, found the way the
// adapter finds it. They never build it: without a binary they are skipped
// with the command to build one, and fail when $CI is "true".

// integrationTimeout bounds one Trivy scan in these tests.
const integrationTimeout = 5 * time.Minute

// requireTrivy returns the Trivy binary that Scan would run.
func requireTrivy(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the Trivy binary")
	}
	bin, err := LocateBinary("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Trivy binary in CI: %v", err)
		}
		t.Skipf("no Trivy binary (%v); build it with `make trivy`", err)
	}
	return bin
}

// plantedRoot returns the absolute path of the shared fixture project.
func plantedRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "testdata", "planted"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// want is one planted problem: the rule, file and line it must come out at.
type want struct {
	Rule, Path string
	Line       int
	Level      finding.Level
}

// plantedMisconfigurations are the problems planted in the Dockerfile and
// the Kubernetes manifest that Trivy's built-in checks must find.
var plantedMisconfigurations = []want{
	{"DS-0001", "Dockerfile", 3, finding.LevelWarning},               // FROM alpine:latest
	{"DS-0002", "Dockerfile", 0, finding.LevelError},                 // no USER: runs as root
	{"DS-0004", "Dockerfile", 9, finding.LevelWarning},               // EXPOSE 22
	{"DS-0005", "Dockerfile", 7, finding.LevelNote},                  // ADD of a local file
	{"DS-0009", "Dockerfile", 8, finding.LevelError},                 // WORKDIR app
	{"DS-0013", "Dockerfile", 6, finding.LevelWarning},               // RUN cd /tmp
	{"DS-0022", "Dockerfile", 4, finding.LevelError},                 // MAINTAINER
	{"DS-0025", "Dockerfile", 5, finding.LevelError},                 // apk add without --no-cache
	{"DS-0026", "Dockerfile", 0, finding.LevelNote},                  // no HEALTHCHECK
	{"KSV-0017", "deploy/deployment.yaml", 19, finding.LevelError},   // privileged: true (in container web)
	{"KSV-0001", "deploy/deployment.yaml", 19, finding.LevelWarning}, // allowPrivilegeEscalation: true (in container web)
	{"KSV-0009", "deploy/deployment.yaml", 7, finding.LevelError},    // hostNetwork: true (in the spec from line 7)
	{"KSV-0013", "deploy/deployment.yaml", 19, finding.LevelWarning}, // image nginx:latest (in container web)
}

// plantedSecret is the fake AWS access key id in config/credentials.env.
var plantedSecret = want{"aws-access-key-id", "config/credentials.env", 3, finding.LevelError}

// plantedVulnerability is werkzeug 0.15.0 in requirements.txt, which the
// fixture database marks as affected by CVE-2019-14806.
var plantedVulnerability = want{"CVE-2019-14806", "requirements.txt", 3, finding.LevelError}

func scanPlanted(t *testing.T, cfg Config, offline bool) *finding.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	run, err := New(cfg).Scan(ctx, runner.Target{Root: plantedRoot(t), Offline: offline})
	if err != nil {
		t.Fatalf("Scan: %v\nnotifications: %+v", err, run.Invocation.Notifications)
	}
	return run
}

// findResult returns the result of rule in path, or nil.
func findResult(run *finding.Run, rule, path string) *finding.Result {
	for i, r := range run.Results {
		if r.RuleID == rule && r.Location.Path == path {
			return &run.Results[i]
		}
	}
	return nil
}

func checkPlanted(t *testing.T, run *finding.Run, w want) {
	t.Helper()
	r := findResult(run, w.Rule, w.Path)
	if r == nil {
		t.Errorf("no %s result in %s", w.Rule, w.Path)
		return
	}
	if r.Location.StartLine != w.Line {
		t.Errorf("%s in %s: line %d, want %d", w.Rule, w.Path, r.Location.StartLine, w.Line)
	}
	if r.Level != w.Level {
		t.Errorf("%s in %s: level %q, want %q", w.Rule, w.Path, r.Level, w.Level)
	}
	if run.Rule(w.Rule) == nil {
		t.Errorf("no rule %s for its result", w.Rule)
	}
}

func TestIntegrationOfflineWithoutDatabase(t *testing.T) {
	requireTrivy(t)
	run := scanPlanted(t, Config{CacheDir: t.TempDir()}, true)

	if run.Invocation.Status != finding.StatusOK {
		t.Errorf("status = %q, want ok", run.Invocation.Status)
	}
	for _, w := range plantedMisconfigurations {
		checkPlanted(t, run, w)
	}
	checkPlanted(t, run, plantedSecret)

	if got := run.Properties["scanners"]; !slices.Equal(got.([]string), []string{"misconfig", "secret"}) {
		t.Errorf("scanners property = %v, want [misconfig secret]", got)
	}
	if !hasNotification(run, finding.LevelWarning, "vulnerability scanning did not run: no Trivy database in") {
		t.Errorf("notifications = %+v, want the missing database warning", run.Invocation.Notifications)
	}
	if want := []string{"vulnerability scanning"}; !slices.Equal(run.Invocation.Skipped, want) {
		t.Errorf("Skipped = %v, want %v", run.Invocation.Skipped, want)
	}
	if hasNotification(run, finding.LevelWarning, "Falling back to embedded checks") {
		t.Errorf("notifications = %+v, want no report of the embedded checks fallback", run.Invocation.Notifications)
	}
	if findResult(run, plantedVulnerability.Rule, plantedVulnerability.Path) != nil {
		t.Errorf("a vulnerability result came out of a scan without a database")
	}
	checkSecretNotLeaked(t, run)
}

func TestIntegrationOfflineWithFixtureDatabase(t *testing.T) {
	requireTrivy(t)
	run := scanPlanted(t, Config{CacheDir: fixtureCache(t)}, true)

	checkPlanted(t, run, plantedVulnerability)
	checkPlanted(t, run, plantedSecret)
	for _, w := range plantedMisconfigurations {
		checkPlanted(t, run, w)
	}
	if got := run.Properties["scanners"]; !slices.Equal(got.([]string), []string{"vuln", "misconfig", "secret"}) {
		t.Errorf("scanners property = %v, want all three", got)
	}

	rule := run.Rule("CVE-2019-14806")
	if rule == nil {
		t.Fatal("no rule CVE-2019-14806")
	}
	if rule.SecuritySeverity != 7.5 {
		t.Errorf("security-severity = %v, want NVD's CVSS v3 score 7.5", rule.SecuritySeverity)
	}
	if !slices.Contains(rule.Tags, "external/cwe/cwe-331") {
		t.Errorf("tags = %q, want external/cwe/cwe-331", rule.Tags)
	}
	r := findResult(run, "CVE-2019-14806", "requirements.txt")
	if r.Key != "werkzeug@0.15.0|CVE-2019-14806|requirements.txt" {
		t.Errorf("key = %q", r.Key)
	}
	if r.Properties["fixedVersion"] != "0.15.3" {
		t.Errorf("fixedVersion = %v, want 0.15.3", r.Properties["fixedVersion"])
	}
}

func TestIntegrationExclude(t *testing.T) {
	requireTrivy(t)
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	run, err := New(Config{CacheDir: t.TempDir()}).Scan(ctx, runner.Target{
		Root: plantedRoot(t), Offline: true, Exclude: []string{"deploy", "config/*.env"},
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	for _, r := range run.Results {
		if strings.HasPrefix(r.Location.Path, "deploy/") || r.Location.Path == "config/credentials.env" {
			t.Errorf("result %s in excluded %s", r.RuleID, r.Location.Path)
		}
	}
	if findResult(run, "DS-0001", "Dockerfile") == nil {
		t.Error("the Dockerfile, which is not excluded, has no DS-0001 result")
	}
}

func TestIntegrationVersion(t *testing.T) {
	bin := requireTrivy(t)
	v, err := queryVersion(context.Background(), bin)
	if err != nil {
		t.Fatalf("queryVersion: %v", err)
	}
	if strings.HasPrefix(v, "v") || v == "" {
		t.Errorf("version = %q, want a version without a leading v", v)
	}
}

// checkSecretNotLeaked fails when the planted key appears anywhere in the
// run's results or rules.
func checkSecretNotLeaked(t *testing.T, run *finding.Run) {
	t.Helper()
	const planted = "Q7PLANTEDFAKE123"
	for _, r := range run.Results {
		text := r.Message + r.Key
		for _, v := range r.Properties {
			if s, ok := v.(string); ok {
				text += s
			}
		}
		if strings.Contains(text, planted) {
			t.Errorf("result %s carries the planted secret", r.RuleID)
		}
	}
	for _, r := range run.Rules {
		if strings.Contains(r.ShortDescription+r.FullDescription+r.HelpText+r.HelpMarkdown, planted) {
			t.Errorf("rule %s carries the planted secret", r.ID)
		}
	}
}

func hasNotification(run *finding.Run, level finding.Level, text string) bool {
	for _, n := range run.Invocation.Notifications {
		if n.Level == level && strings.Contains(n.Message, text) {
			return true
		}
	}
	return false
}

// customCheck is a Rego check in the format of Trivy's custom checks: it
// fails every FROM that does not pull from mirror.invalid.
const customCheck = `# METADATA
# title: Base images must come from the internal mirror
# description: A custom check for the adapter's tests.
# scope: package
# custom:
#   id: TEST-0001
#   severity: HIGH
#   recommended_action: Pull base images from mirror.invalid.
#   input:
#     selector:
#     - type: dockerfile
package user.secscantest.TEST0001

import rego.v1

deny contains res if {
	some stage in input.Stages
	some cmd in stage.Commands
	cmd.Cmd == "from"
	not startswith(cmd.Value[0], "mirror.invalid/")
	res := result.new("FROM must pull from mirror.invalid", cmd)
}
`

func TestIntegrationCustomChecks(t *testing.T) {
	requireTrivy(t)
	root := t.TempDir()
	data, err := os.ReadFile(filepath.Join(plantedRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "Dockerfile"), string(data))
	writeFile(t, filepath.Join(root, "checks", "mirror.rego"), customCheck)

	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	cfg := Config{
		CacheDir:        t.TempDir(),
		Scanners:        []string{"misconfig"},
		Severities:      []string{"HIGH", "CRITICAL"},
		CheckDirs:       []string{"checks"},
		CheckNamespaces: []string{"user"},
	}
	run, err := New(cfg).Scan(ctx, runner.Target{Root: root, Offline: true})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}

	checkPlanted(t, run, want{"TEST-0001", "Dockerfile", 3, finding.LevelError})
	if r := run.Rule("TEST-0001"); r != nil && r.ShortDescription != "Base images must come from the internal mirror" {
		t.Errorf("TEST-0001 short description = %q, want the check's title", r.ShortDescription)
	}
	for _, r := range run.Results {
		if sev := r.Properties["severity"]; sev != "HIGH" && sev != "CRITICAL" {
			t.Errorf("result %s has severity %v, want only HIGH and CRITICAL", r.RuleID, sev)
		}
	}
	if hasNotification(run, finding.LevelWarning, "vulnerability scanning did not run") {
		t.Error("a scan without the vuln scanner warned about the missing database")
	}
	if len(run.Invocation.Skipped) != 0 {
		t.Errorf("Skipped = %v for a scan that did not ask for vulnerabilities", run.Invocation.Skipped)
	}
}
