package govulncheck

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod/planttest"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// plantedDB holds the advisories of golang.org/x/text v0.3.5 that the
// planted modules reach at each level, and one for a module they do not
// use. It has no standard library entry, because those findings depend on
// the Go toolchain that runs the test.
var plantedDB = []string{"GO-2021-0113", "GO-2022-1059", "GO-2026-6629", "GO-2020-0001"}

// plantedCopy copies the planted Go modules to a directory whose path has
// spaces and non-ASCII letters, and fills the module cache with their
// dependencies.
func plantedCopy(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "répo ü space")
	planttest.CopyGo(t, root)
	planttest.DownloadModules(t, root, filepath.Join(root, "tools"))
	return root
}

func fileURL(dir string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
}

func TestScanPlanted(t *testing.T) {
	root := plantedCopy(t)
	db := writeDB(t, t.TempDir(), plantedDB...)
	run, err := New(Config{DB: fileURL(db)}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
	if err != nil {
		t.Fatalf("Scan() error = %v\nnotifications: %+v", err, run.Invocation.Notifications)
	}
	if run.Tool != "govulncheck" || run.Version != fallbackVersion {
		t.Errorf("Tool, Version = %q, %q, want govulncheck, %q", run.Tool, run.Version, fallbackVersion)
	}
	if run.Invocation.Status != finding.StatusOK || run.Invocation.ExitCode != 0 {
		t.Errorf("Invocation = %+v, want status ok and exit code 0", run.Invocation)
	}
	if got := run.Properties["databaseModified"]; got != "2026-11-05T00:00:00Z" {
		t.Errorf("Properties[databaseModified] = %v, want the date of the test database", got)
	}

	want := planttest.Read(t, root, func(name string) bool { return name == "go.mod" })
	var got []planttest.Plant
	for _, r := range run.Results {
		got = append(got, planttest.Plant{Rule: r.RuleID, Path: r.Location.Path, Line: r.Location.StartLine})
	}
	planttest.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results differ from the planted advisories (-want +got):\n%s", diff)
	}

	checkReachability(t, run)
	checkCallFlow(t, root, run)
	checkPlantedRules(t, run)
}

func checkReachability(t *testing.T, run *finding.Run) {
	t.Helper()
	want := map[string]string{
		"go.mod GO-2021-0113":       "called",
		"go.mod GO-2022-1059":       "called",
		"go.mod GO-2026-6629":       "required",
		"tools/go.mod GO-2021-0113": "imported",
		"tools/go.mod GO-2022-1059": "imported",
		"tools/go.mod GO-2026-6629": "required",
	}
	levels := map[string]finding.Level{"called": finding.LevelError, "imported": finding.LevelWarning, "required": finding.LevelNote}
	got := map[string]string{}
	for _, r := range run.Results {
		reach, _ := r.Properties["reachability"].(string)
		got[r.Location.Path+" "+r.RuleID] = reach
		if r.Level != levels[reach] {
			t.Errorf("%s in %s: level %q, want %q for reachability %q", r.RuleID, r.Location.Path, r.Level, levels[reach], reach)
		}
		if r.Properties["module"] != "golang.org/x/text" || r.Properties["foundVersion"] != "v0.3.5" {
			t.Errorf("%s in %s: properties %v, want module golang.org/x/text at v0.3.5", r.RuleID, r.Location.Path, r.Properties)
		}
		if r.Key != "golang.org/x/text "+r.RuleID {
			t.Errorf("%s in %s: Key %q, want the module path and advisory id", r.RuleID, r.Location.Path, r.Key)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reachability mismatch (-want +got):\n%s", diff)
	}
}

// checkCallFlow checks that each called advisory has a code flow whose last
// step is the call of language.ParseAcceptLanguage in main.go.
func checkCallFlow(t *testing.T, root string, run *finding.Run) {
	t.Helper()
	callLine := lineContaining(t, filepath.Join(root, "main.go"), "language.ParseAcceptLanguage(")
	for _, r := range run.Results {
		if r.Properties["reachability"] != "called" {
			if len(r.CodeFlows) != 0 {
				t.Errorf("%s in %s is not called but has code flows", r.RuleID, r.Location.Path)
			}
			continue
		}
		if len(r.CodeFlows) != 1 {
			t.Errorf("%s in %s has %d code flows, want 1", r.RuleID, r.Location.Path, len(r.CodeFlows))
			continue
		}
		steps := r.CodeFlows[0].Steps
		last := steps[len(steps)-1]
		if last.Location.Path != "main.go" || last.Location.StartLine != callLine {
			t.Errorf("%s: last step at %s:%d, want main.go:%d", r.RuleID, last.Location.Path, last.Location.StartLine, callLine)
		}
		if want := "secscan.test/planted.preferredLanguage calls golang.org/x/text/language.ParseAcceptLanguage"; last.Message != want {
			t.Errorf("%s: last step message %q, want %q", r.RuleID, last.Message, want)
		}
		for _, s := range steps {
			if s.Location.Path != "main.go" {
				t.Errorf("%s: step outside the scanned module: %+v", r.RuleID, s)
			}
		}
	}
}

func checkPlantedRules(t *testing.T, run *finding.Run) {
	t.Helper()
	wantSeverity := map[string]float64{"GO-2021-0113": 8.0, "GO-2022-1059": 8.0, "GO-2026-6629": 2.0}
	if len(run.Rules) != len(wantSeverity) {
		t.Errorf("run has %d rules, want %d", len(run.Rules), len(wantSeverity))
	}
	for _, rule := range run.Rules {
		if rule.SecuritySeverity != wantSeverity[rule.ID] {
			t.Errorf("rule %s security-severity %v, want %v", rule.ID, rule.SecuritySeverity, wantSeverity[rule.ID])
		}
		if !slices.Contains(rule.Tags, "security") || rule.ShortDescription == "" || rule.FullDescription == "" {
			t.Errorf("rule %s lacks the security tag or a description: %+v", rule.ID, rule)
		}
		if !strings.Contains(rule.HelpMarkdown, "https://pkg.go.dev/vuln/"+rule.ID) {
			t.Errorf("rule %s help has no link to its advisory", rule.ID)
		}
	}
	if r := run.Rule("GO-2021-0113"); r == nil || !slices.Contains(r.Tags, "CVE-2021-38561") {
		t.Errorf("rule GO-2021-0113 = %+v, want the tag CVE-2021-38561", r)
	}
}

func lineContaining(t *testing.T, file, text string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), text) {
			return n
		}
	}
	t.Fatalf("%s has no line containing %q", file, text)
	return 0
}

// TestScanNoFindings scans the tools module alone. The go.work that lists it
// is above the scanned root, so the module is loaded with GOWORK=off.
func TestScanNoFindings(t *testing.T) {
	root := filepath.Join(plantedCopy(t), "tools")
	db := writeDB(t, filepath.Join(t.TempDir(), "vuln db ü"), "GO-2020-0001")
	run, err := New(Config{DB: db}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != 0 || len(run.Rules) != 0 || run.Results == nil || run.Rules == nil {
		t.Errorf("Results, Rules = %v, %v, want empty, non-nil slices", run.Results, run.Rules)
	}
	if got := run.Properties["modulesScanned"]; got != 1 {
		t.Errorf("modulesScanned = %v, want 1", got)
	}
}

// TestScanHTTPDatabase serves the test database over HTTP on the loopback
// interface, gzipped as the Go vulnerability database serves it, and scans
// the tools module alone.
func TestScanHTTPDatabase(t *testing.T) {
	root := filepath.Join(plantedCopy(t), "tools")
	db := writeDB(t, t.TempDir(), plantedDB...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".gz")
		data, err := os.ReadFile(filepath.Join(db, filepath.FromSlash(name)))
		if !ok || err != nil {
			http.NotFound(w, r)
			return
		}
		gz := gzip.NewWriter(w)
		_, _ = gz.Write(data)
		_ = gz.Close()
	}))
	defer srv.Close()

	run, err := New(Config{DB: srv.URL}).Scan(context.Background(), runner.Target{Root: root})
	if err != nil {
		t.Fatalf("Scan() error = %v\nnotifications: %+v", err, run.Invocation.Notifications)
	}
	want := planttest.Read(t, root, func(name string) bool { return name == "go.mod" })
	if len(run.Results) != len(want) {
		t.Errorf("Scan() found %d results, want the %d planted in tools/go.mod", len(run.Results), len(want))
	}
}

func TestScanReportsLoadErrors(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":  "module secscan.test/broken\n\ngo 1.24\n\nrequire secscan.test/missing v1.0.0\n",
		"main.go": "package main\n\nimport \"secscan.test/missing\"\n\nfunc main() { missing.Do() }\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := writeDB(t, t.TempDir(), plantedDB...)
	run, err := New(Config{DB: db}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
	if err == nil {
		t.Fatal("Scan() returned no error for a module with a missing dependency")
	}
	if run.Invocation.Status != finding.StatusFailed || run.Invocation.ExitCode == 0 {
		t.Errorf("Invocation = %+v, want status failed with a non-zero exit code", run.Invocation)
	}
	if len(run.Invocation.Notifications) == 0 || !strings.Contains(run.Invocation.Notifications[0].Message, "secscan.test/missing") {
		t.Errorf("Notifications = %+v, want an error naming the missing module", run.Invocation.Notifications)
	}
	for _, n := range run.Invocation.Notifications {
		t.Logf("notification: %s", n.Message)
		if strings.Contains(n.Message, root) {
			t.Errorf("notification names the absolute root: %q", n.Message)
		}
	}
}

func TestScanNotRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		db      string
		level   string
		offline bool
		path    string
	}{
		{name: "invalid scan level", db: dir, level: "function"},
		{name: "offline with the public database", db: "", offline: true},
		{name: "offline with an https database", db: "https://mirror.invalid/vulndb", offline: true},
		{name: "database is a file", db: file},
		{name: "database directory missing", db: filepath.Join(dir, "missing")},
		{name: "unsupported scheme", db: "ftp://mirror.invalid/vulndb"},
		{name: "no go command", db: dir, path: t.TempDir()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			run, err := New(Config{DB: tt.db, ScanLevel: tt.level}).Scan(context.Background(), runner.Target{Root: dir, Offline: tt.offline})
			if !finding.IsNotRun(err) {
				t.Fatalf("Scan() error = %v, want a *finding.NotRunError", err)
			}
			if run.Invocation.Status != finding.StatusNotRun {
				t.Errorf("Status = %q, want not-run", run.Invocation.Status)
			}
		})
	}
}

func TestFallbackVersionMatchesGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == modulePath {
			want = strings.TrimPrefix(f[1], "v")
		}
	}
	if want == "" {
		t.Fatalf("go.mod does not require %s", modulePath)
	}
	if fallbackVersion != want {
		t.Errorf("fallbackVersion = %q, but go.mod requires %s v%s", fallbackVersion, modulePath, want)
	}
}

func TestScanCanceled(t *testing.T) {
	root := plantedCopy(t)
	db := writeDB(t, t.TempDir(), plantedDB...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	run, err := New(Config{DB: db}).Scan(ctx, runner.Target{Root: root, Offline: true})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan() error = %v, want one that wraps context.Canceled", err)
	}
	if run.Invocation.Status != finding.StatusFailed {
		t.Errorf("Status = %q, want failed", run.Invocation.Status)
	}
}

// TestScanLevels scans the tools module at package and module level, where
// govulncheck cannot rule out calls, so the deepest level checked rates as an
// error.
func TestScanLevels(t *testing.T) {
	root := filepath.Join(plantedCopy(t), "tools")
	db := writeDB(t, t.TempDir(), plantedDB...)
	tests := []struct {
		level string
		want  map[string]string // advisory: reachability and level
	}{
		{"package", map[string]string{
			"GO-2021-0113": "imported error",
			"GO-2022-1059": "imported error",
			"GO-2026-6629": "required warning",
		}},
		{"module", map[string]string{
			"GO-2021-0113": "required error",
			"GO-2022-1059": "required error",
			"GO-2026-6629": "required error",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			run, err := New(Config{DB: db, ScanLevel: tt.level}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
			if err != nil {
				t.Fatalf("Scan() error = %v\nnotifications: %+v", err, run.Invocation.Notifications)
			}
			got := map[string]string{}
			for _, r := range run.Results {
				got[r.RuleID] = fmt.Sprintf("%s %s", r.Properties["reachability"], r.Level)
				if !strings.Contains(r.Message, "scan ran at "+tt.level+" level") && r.Level == finding.LevelError {
					t.Errorf("%s: message %q does not say which checks the scan level skipped", r.RuleID, r.Message)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("results mismatch (-want +got):\n%s", diff)
			}
			if run.Properties["scanLevel"] != tt.level {
				t.Errorf("Properties[scanLevel] = %v, want %q", run.Properties["scanLevel"], tt.level)
			}
		})
	}
}
