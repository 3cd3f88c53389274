package gosec

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod/planttest"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// plantedCopy copies the Go modules of the planted fixture to a directory
// whose path has spaces and non-ASCII letters, and fills the module cache
// with their dependencies.
func plantedCopy(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "répo ü space")
	planttest.CopyGo(t, root)
	planttest.DownloadModules(t, root, filepath.Join(root, "tools"))
	return root
}

func TestScanPlanted(t *testing.T) {
	root := plantedCopy(t)
	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root})
	if err != nil {
		t.Fatalf("Scan() error = %v\nnotifications: %+v", err, run.Invocation.Notifications)
	}
	if run.Invocation.Status != finding.StatusOK || len(run.Invocation.Notifications) != 0 {
		t.Errorf("Invocation = %+v, want status ok without notifications", run.Invocation)
	}
	if run.Tool != "gosec" || run.Version != fallbackVersion {
		t.Errorf("Tool, Version = %q, %q, want gosec, %q", run.Tool, run.Version, fallbackVersion)
	}

	want := planttest.Read(t, root, func(name string) bool { return strings.HasSuffix(name, ".go") })
	var got []planttest.Plant
	for _, r := range run.Results {
		got = append(got, planttest.Plant{Rule: r.RuleID, Path: r.Location.Path, Line: r.Location.StartLine})
	}
	planttest.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results differ from the planted problems (-want +got):\n%s", diff)
	}

	checkSuppression(t, root, run.Results)
	checkRules(t, run, want)
	checkNoSecret(t, root, run)
}

// checkSuppression checks that the G104 result on the line after the
// "#nosec G104 -- reason" comment is suppressed with that reason, and that
// no other result is suppressed.
func checkSuppression(t *testing.T, root string, results []finding.Result) {
	t.Helper()
	nosec := regexp.MustCompile(`#nosec G104 -- (.+)$`)
	f, err := os.Open(filepath.Join(root, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, reason := 0, ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if m := nosec.FindStringSubmatch(sc.Text()); m != nil {
			line, reason = n+1, m[1]
		}
	}
	if line == 0 {
		t.Fatal("main.go has no #nosec G104 comment")
	}

	suppressed := 0
	for _, r := range results {
		if len(r.Suppressions) == 0 {
			continue
		}
		suppressed++
		if r.RuleID != "G104" || r.Location.Path != "main.go" || r.Location.StartLine != line {
			t.Errorf("%s at %s:%d is suppressed, want only G104 at main.go:%d", r.RuleID, r.Location.Path, r.Location.StartLine, line)
			continue
		}
		want := []finding.Suppression{{Kind: "inSource", Justification: reason}}
		if diff := cmp.Diff(want, r.Suppressions); diff != "" {
			t.Errorf("suppression of G104 at main.go:%d (-want +got):\n%s", line, diff)
		}
	}
	if suppressed != 1 {
		t.Errorf("%d results are suppressed, want 1", suppressed)
	}
}

func checkRules(t *testing.T, run *finding.Run, plants []planttest.Plant) {
	t.Helper()
	for _, r := range run.Results {
		rule := run.Rule(r.RuleID)
		if rule == nil {
			t.Errorf("result %s has no rule", r.RuleID)
			continue
		}
		if r.Message == rule.ShortDescription || r.Message == rule.FullDescription {
			t.Errorf("rule %s text is the message of a result: %q", r.RuleID, r.Message)
		}
		if rule.SecuritySeverity <= 0 || !rule.Level.Valid() || rule.Precision == "" {
			t.Errorf("rule %s has SecuritySeverity %v, Level %q, Precision %q", rule.ID, rule.SecuritySeverity, rule.Level, rule.Precision)
		}
	}
	ids := map[string]bool{}
	for _, p := range plants {
		ids[p.Rule] = true
	}
	if len(run.Rules) != len(ids) {
		t.Errorf("run has %d rules, want one for each of the %d planted rule ids", len(run.Rules), len(ids))
	}
	g701 := run.Rule("G701")
	if g701 == nil || g701.SecuritySeverity != 8.0 || g701.Level != finding.LevelError {
		t.Errorf("rule G701 = %+v, want security-severity 8.0 and level error (gosec HIGH severity, HIGH confidence)", g701)
	}
}

// checkNoSecret checks that the hard-coded credential of the fixture
// appears nowhere in the run.
func checkNoSecret(t *testing.T, root string, run *finding.Run) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`databasePassword = "([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("main.go has no databasePassword literal")
	}
	out, err := json.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), string(m[1])) {
		t.Error("the run contains the hard-coded credential")
	}
}

// writeBrokenModule writes a one-file module that imports a module absent from
// every cache and proxy, so its packages cannot be type-checked.
func writeBrokenModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module secscan.test/broken\n\ngo 1.24\n\nrequire secscan.test/missing v1.0.0\n",
		"main.go": `package main

import (
	"database/sql"
	"net/http"

	"secscan.test/missing"
)

func handler(w http.ResponseWriter, r *http.Request) {
	var db *sql.DB
	_, _ = db.Query("SELECT a FROM t WHERE b = '" + r.FormValue("b") + "'")
	missing.Do()
}

func main() { http.HandleFunc("/", handler) }
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestScanReportsLoadErrors(t *testing.T) {
	root := writeBrokenModule(t)
	// Offline sets GOPROXY=off, so the go command reports the missing
	// module at once instead of asking a proxy.
	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
	if err == nil {
		t.Fatal("Scan() returned no error for a module with a missing dependency")
	}
	if run == nil || run.Invocation.Status != finding.StatusFailed {
		t.Fatalf("Scan() run = %+v, want status failed", run)
	}
	var messages []string
	for _, n := range run.Invocation.Notifications {
		if n.Level == finding.LevelError {
			messages = append(messages, n.Message)
		}
	}
	if !slices.ContainsFunc(messages, func(m string) bool { return strings.Contains(m, "secscan.test/missing") }) {
		t.Errorf("error notifications %q do not name the missing module", messages)
	}
	// The AST rules still run, so the partial results keep G202.
	if !slices.ContainsFunc(run.Results, func(r finding.Result) bool { return r.RuleID == "G202" }) {
		t.Errorf("partial results %+v lack the G202 finding", run.Results)
	}
}

func TestScanWithoutGoCommand(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: t.TempDir()})
	if !finding.IsNotRun(err) {
		t.Fatalf("Scan() error = %v, want a *finding.NotRunError", err)
	}
	if run == nil || run.Invocation.Status != finding.StatusNotRun {
		t.Errorf("Scan() run = %+v, want status not-run", run)
	}
}

func TestScanCanceled(t *testing.T) {
	root := writeBrokenModule(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	run, err := New(Config{}).Scan(ctx, runner.Target{Root: root, Offline: true})
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("Scan() error = %v, want one that wraps context.Canceled", err)
	}
	if run == nil || run.Invocation.Status != finding.StatusFailed {
		t.Errorf("Scan() run = %+v, want status failed", run)
	}
}

func TestScanNoModules(t *testing.T) {
	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if run.Results == nil || run.Rules == nil {
		t.Error("Results and Rules must be empty slices, not nil")
	}
	if len(run.Invocation.Notifications) != 1 || run.Invocation.Notifications[0].Level != finding.LevelNote {
		t.Errorf("Notifications = %+v, want one note", run.Invocation.Notifications)
	}
}

func TestScanRuleLists(t *testing.T) {
	root := plantedCopy(t)
	tests := []struct {
		name             string
		include, exclude []string
		want             []string // rule ids of the results
	}{
		{name: "include", include: []string{"G101", "G702"}, want: []string{"G101", "G702"}},
		{name: "exclude", exclude: []string{"G104", "G705", "G701"}, want: []string{"G101", "G114", "G202", "G203", "G204", "G401", "G501", "G702", "G703"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Config{IncludeRules: tt.include, ExcludeRules: tt.exclude})
			run, err := s.Scan(context.Background(), runner.Target{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range run.Results {
				if !slices.Contains(got, r.RuleID) {
					got = append(got, r.RuleID)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rule ids of the results (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanUnknownRule(t *testing.T) {
	_, err := New(Config{ExcludeRules: []string{"G999"}}).Scan(context.Background(), runner.Target{Root: t.TempDir()})
	if !finding.IsNotRun(err) || !strings.Contains(err.Error(), "G999") {
		t.Errorf("Scan() error = %v, want a *finding.NotRunError naming G999", err)
	}
}
