package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/gomod/planttest"
	"github.com/guestbook-secscan/guestbook/scanners/trivy"
	"github.com/guestbook-secscan/guestbook/scanners/validate"
	"github.com/guestbook-secscan/guestbook/scanners/vulndb"
)

// runMain runs the command with the given environment variables and
// returns its exit code, standard output and standard error.
func runMain(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(name string) string { return vars[name] },
	})
	return code, stdout.String(), stderr.String()
}

func TestScanBadInput(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(empty, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	noIndex := t.TempDir()

	tests := []struct {
		name string
		args []string
		want string // part of the one-line error
	}{
		{"missing path", []string{"scan", filepath.Join(empty, "nope")}, "does not exist; pass the repository's root folder"},
		{"file as path", []string{"scan", file}, "is a file; pass the repository's root folder"},
		{"no Go module", []string{"scan", empty}, "no Go module (go.mod) under " + empty + "; scan a Go repository, or pass --tools trivy,hadolint"},
		{"two paths", []string{"scan", empty, empty}, "scan takes exactly one PATH, got 2 arguments"},
		{"unknown tool", []string{"scan", "--tools", "gosec,semgrep", empty}, `invalid --tools entry "semgrep"`},
		{"empty tools", []string{"scan", "--tools", ",", empty}, "--tools is empty"},
		{"negative timeout", []string{"scan", "--timeout", "-1s", empty}, "invalid --timeout -1s; use a positive duration"},
		{"timeout without unit", []string{"scan", "--timeout", "5", empty}, `invalid duration "5"; use a number with a unit, such as 90s or 10m`},
		{"bad progress", []string{"scan", "--progress", "fancy", empty}, `invalid --progress "fancy"; use auto, live or plain`},
		{"bad max age", []string{"scan", "--vulndb-max-age", "0", empty}, "invalid --vulndb-max-age 0"},
		{"missing policy", []string{"scan", "--tools", "trivy", "--policy", filepath.Join(empty, "p.yaml"), empty}, "policy file " + filepath.Join(empty, "p.yaml") + " not found"},
		{"govulndb without index", []string{"scan", "--tools", "govulncheck", "--govulndb", noIndex, planttest.Dir(t)}, noIndex},
		{"unknown command", []string{"scna"}, `unknown command "scna"`},
		{"validate without files", []string{"validate"}, "validate needs at least one SARIF file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, nil, tt.args...)
			if code != ExitUsage {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, ExitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

func TestScanBadPolicy(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	policy := "version: 1\nfail_on: hgh\n"
	if err := os.WriteFile(filepath.Join(root, "policies", "secscan.yaml"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runMain(t, nil, "scan", "--tools", "trivy", "--out", t.TempDir(), root)
	if code != ExitUsage {
		t.Errorf("exit code = %d, want %d", code, ExitUsage)
	}
	if want := `policies/secscan.yaml:2`; !strings.Contains(stderr, want) || !strings.Contains(stderr, "hgh") {
		t.Errorf("stderr does not name the file, line and value (%q, hgh):\n%s", want, stderr)
	}
}

// sarifLog is the part of a SARIF log that these tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name string `json:"name"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// plantedDatabase writes a Go vulnerability database with the advisories
// that the planted fixture's dependencies have, through the same sync code
// that builds a database from the golang.org/x/vulndb module.
func plantedDatabase(t *testing.T) string {
	t.Helper()
	module := filepath.Join(t.TempDir(), "vulndb")
	osvDir := filepath.Join(module, "data", "osv")
	if err := os.MkdirAll(osvDir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := filepath.Glob(filepath.Join("..", "..", "govulncheck", "testdata", "osv", "*.json"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no OSV entries in govulncheck's testdata: %v", err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(osvDir, filepath.Base(e)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "db")
	_, err = vulndb.Sync(context.Background(), vulndb.SyncOptions{
		Dir:        dir,
		ModuleDir:  module,
		Version:    "v0.0.0-20261101000000-000000000000",
		ModuleTime: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatalf("building the test database: %v", err)
	}
	return dir
}

// preparePlanted checks that Trivy is built, fetches the planted modules'
// dependencies and writes their vulnerability database. It returns the
// fixture folder and the database folder. Without Trivy the test fails in
// CI and is skipped elsewhere.
func preparePlanted(t *testing.T) (string, string) {
	t.Helper()
	if _, err := trivy.LocateBinary(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Trivy binary in CI: %v", err)
		}
		t.Skipf("no Trivy binary (%v); build it with make trivy", err)
	}
	fixture := planttest.Dir(t)
	planttest.DownloadModules(t, fixture, filepath.Join(fixture, "tools"))
	return fixture, plantedDatabase(t)
}

// scanPlanted runs a full offline scan of the planted fixture and returns
// the report folder, the exit code and the output.
func scanPlanted(t *testing.T, db, trivyCache string) (string, int, string) {
	t.Helper()
	out := t.TempDir()
	code, stdout, stderr := runMain(t, map[string]string{},
		"scan", "--out", out, "--offline", "--govulndb", db,
		"--trivy-cache-dir", trivyCache, "--progress", "plain", planttest.Dir(t))
	return out, code, stdout + stderr
}

func TestScanPlanted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs all four scanners")
	}
	fixture, db := preparePlanted(t)

	out, code, output := scanPlanted(t, db, t.TempDir())
	if code != ExitPolicyFailed {
		t.Fatalf("exit code = %d, want %d (planted problems fail the default policy); output:\n%s", code, ExitPolicyFailed, output)
	}

	for _, name := range []string{"secscan.sarif", "secscan-full.sarif", "gosec.sarif", "govulncheck.sarif", "trivy.sarif", "hadolint.sarif"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("report %s missing: %v", name, err)
		}
		if problems := validate.Validate(data); validate.HasErrors(problems) {
			t.Errorf("%s fails validation: %+v", name, problems)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "summary.md")); err != nil {
		t.Errorf("summary.md missing: %v", err)
	}

	log := readLog(t, filepath.Join(out, "secscan.sarif"))
	checkRuns(t, log)
	checkPlants(t, log, fixture)
	checkNoSecretInReports(t, out)
}

func readLog(t *testing.T, path string) *sarifLog {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &log
}

// checkRuns checks that every tool has its run, in order, under its own
// category, including hadolint, which cannot run on every machine.
func checkRuns(t *testing.T, log *sarifLog) {
	t.Helper()
	wantTools := []string{"gosec", "govulncheck", "Trivy", "hadolint"}
	if len(log.Runs) != len(wantTools) {
		t.Fatalf("secscan.sarif has %d runs, want %d", len(log.Runs), len(wantTools))
	}
	for i, want := range wantTools {
		run := log.Runs[i]
		if run.Tool.Driver.Name != want {
			t.Errorf("runs[%d] driver = %q, want %q", i, run.Tool.Driver.Name, want)
		}
		if id := "secscan/" + strings.ToLower(want) + "/"; run.AutomationDetails.ID != id {
			t.Errorf("%s automationDetails.id = %q, want %q", want, run.AutomationDetails.ID, id)
		}
		if len(run.Invocations) != 1 {
			t.Errorf("%s has %d invocations, want 1", want, len(run.Invocations))
			continue
		}
		if want != "hadolint" && !run.Invocations[0].ExecutionSuccessful {
			t.Errorf("%s did not run successfully", want)
		}
	}
}

// checkPlants checks that every problem planted in the Go modules comes out
// at its rule, file and line, and two of the others.
func checkPlants(t *testing.T, log *sarifLog, fixture string) {
	t.Helper()
	found := map[string]bool{}
	for _, run := range log.Runs {
		for _, r := range run.Results {
			loc := r.Locations[0].PhysicalLocation
			found[r.RuleID+" "+loc.ArtifactLocation.URI+":"+strconv.Itoa(loc.Region.StartLine)] = true
		}
	}
	plants := planttest.Read(t, fixture, func(name string) bool { return strings.HasSuffix(name, ".go") || name == "go.mod" })
	if len(plants) < 10 {
		t.Fatalf("read only %d plants from the fixture", len(plants))
	}
	others := []planttest.Plant{
		{Rule: "DS-0001", Path: "Dockerfile", Line: 3},
		{Rule: "aws-access-key-id", Path: "config/credentials.env", Line: 3},
	}
	for _, p := range append(plants, others...) {
		key := p.Rule + " " + p.Path + ":" + strconv.Itoa(p.Line)
		if p.Rule == "G104" && p.Line == 44 {
			continue // suppressed by #nosec, so left out of the upload file
		}
		if !found[key] {
			t.Errorf("planted %s not reported", key)
		}
	}
}

// checkNoSecretInReports checks that neither planted credential (the access
// key in config/credentials.env, the password in main.go) is copied into a
// report: a report is often uploaded or shared.
func checkNoSecretInReports(t *testing.T, out string) {
	t.Helper()
	secret := regexp.MustCompile(`AKIAQ7PLANTEDFAKE123|zWZ3P2S4bMjKfePBwGmbS4pFVzv6VLJo3IWt4qox`)
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if secret.Match(data) {
			t.Errorf("%s contains the planted access key", f)
		}
	}
}

func TestScanDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs all four scanners twice")
	}
	_, db := preparePlanted(t)

	trivyCache := t.TempDir()
	first, _, _ := scanPlanted(t, db, trivyCache)
	second, _, _ := scanPlanted(t, db, trivyCache)
	times := regexp.MustCompile(`"(startTimeUtc|endTimeUtc)": "[^"]*"`)
	for _, name := range []string{"secscan.sarif", "secscan-full.sarif"} {
		a, errA := os.ReadFile(filepath.Join(first, name))
		b, errB := os.ReadFile(filepath.Join(second, name))
		if errA != nil || errB != nil {
			t.Fatalf("reading %s: %v, %v", name, errA, errB)
		}
		a, b = times.ReplaceAll(a, nil), times.ReplaceAll(b, nil)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two scans of the same tree (beyond invocation times)", name)
		}
	}
}
