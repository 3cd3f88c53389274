package trivy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// The tests below run a shell script in place of Trivy. It prints canned
// output from testdata/ and records its calls; it tests the adapter's
// handling of the process and is not Trivy.

// fakeTrivy writes a script that prints a version for --version, records the --scanners
// value of each scan in a calls file, and then runs body with $out set to
// the --output path. It returns the script and the calls file.
func fakeTrivy(t *testing.T, body string) (script, calls string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake Trivy is a POSIX shell script")
	}
	dir := t.TempDir()
	script = filepath.Join(dir, "trivy")
	calls = filepath.Join(dir, "calls")
	text := `#!/bin/sh
if [ "$1" = "--version" ]; then printf '{"Version":"0.74.0"}\n'; exit 0; fi
out=""; scanners=""; prev=""
for a in "$@"; do
  case "$prev" in
    --output) out="$a" ;;
    --scanners) scanners="$a" ;;
  esac
  prev="$a"
done
printf '%s\n' "$scanners" >> '` + calls + `'
` + body + "\n"
	if err := os.WriteFile(script, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, calls
}

// copyReport returns shell code that copies a testdata file to $out with
// shell built-ins only.
func copyReport(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return `while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done < '` + abs + `' > "$out"`
}

func readCalls(t *testing.T, calls string) []string {
	t.Helper()
	data, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func TestScanFakeTrivyReport(t *testing.T) {
	script, calls := fakeTrivy(t, `printf '2025-12-04T20:00:00Z\tERROR\t[misconfig] Falling back to embedded checks\n' >&2
printf '2025-12-04T20:00:01Z\tERROR\t[secret] failed to read file\tfile_path="big.bin"\n' >&2
`+copyReport(t, "planted-offline.json"))

	run, err := New(Config{Binary: script, CacheDir: t.TempDir()}).Scan(context.Background(),
		runner.Target{Root: plantedRoot(t), Offline: true})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if run.Invocation.Status != finding.StatusOK || run.Invocation.ExitCode != 0 {
		t.Errorf("status, exit = %q, %d; want ok, 0", run.Invocation.Status, run.Invocation.ExitCode)
	}
	if got := len(run.Results); got != 30 {
		t.Errorf("got %d results, want the 30 of the captured report", got)
	}
	if diff := cmp.Diff([]string{"misconfig,secret"}, readCalls(t, calls)); diff != "" {
		t.Errorf("scanner sets (-want +got):\n%s", diff)
	}
	if !hasNotification(run, finding.LevelWarning, `trivy: [secret] failed to read file`) {
		t.Errorf("notifications = %+v, want Trivy's error line", run.Invocation.Notifications)
	}
	if hasNotification(run, finding.LevelWarning, "Falling back to embedded checks") {
		t.Errorf("notifications = %+v, want no report of the embedded checks fallback", run.Invocation.Notifications)
	}
	// The captured report carries "dev", and the fake's file name is not
	// the pinned one, so the adapter keeps "dev" and adds a note.
	if run.Version != "dev" || !hasNotification(run, finding.LevelNote, "not the pinned") {
		t.Errorf("version = %q, notifications = %+v", run.Version, run.Invocation.Notifications)
	}
	if !strings.Contains(run.Invocation.CommandLine, script+" fs --format json") {
		t.Errorf("command line = %q", run.Invocation.CommandLine)
	}
}

func TestScanFakeTrivyFailures(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		timeout    time.Duration
		wantErr    string
		wantNotify string
	}{
		{
			name:       "fatal error",
			body:       `printf '2025-12-04T20:00:00Z\tFATAL\tFatal error\trun error: fs scan error: scan error: unknown error\n' >&2; exit 1`,
			wantErr:    "trivy exited with status 1",
			wantNotify: "fs scan error",
		},
		{
			name:       "garbage report",
			body:       `printf 'not json\n' > "$out"`,
			wantErr:    "parsing trivy JSON report",
			wantNotify: "parsing trivy JSON report",
		},
		{
			name:       "no report",
			body:       `exit 0`,
			wantErr:    "reading the trivy report",
			wantNotify: "trivy wrote no report",
		},
		{
			name:       "killed",
			body:       `kill -9 $$`,
			wantErr:    "running",
			wantNotify: "trivy did not finish",
		},
		{
			name:       "hang past the deadline",
			body:       `while :; do :; done`,
			timeout:    200 * time.Millisecond,
			wantErr:    context.DeadlineExceeded.Error(),
			wantNotify: "trivy did not finish",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script, _ := fakeTrivy(t, tt.body)
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			run, err := New(Config{Binary: script, CacheDir: t.TempDir()}).Scan(ctx,
				runner.Target{Root: plantedRoot(t), Offline: true})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Scan error = %v, want one containing %q", err, tt.wantErr)
			}
			if run == nil {
				t.Fatal("Scan returned a nil run with its error")
			}
			if run.Invocation.Status != finding.StatusFailed {
				t.Errorf("status = %q, want failed", run.Invocation.Status)
			}
			if !hasNotification(run, finding.LevelError, tt.wantNotify) {
				t.Errorf("notifications = %+v, want an error containing %q", run.Invocation.Notifications, tt.wantNotify)
			}
		})
	}
}

func TestScanFakeTrivyDatabaseDownloadFails(t *testing.T) {
	// Online, the first scan requests vuln. The fake fails it the way
	// Trivy does when the database cannot be downloaded, and serves the
	// second scan, without vuln, the captured report.
	script, calls := fakeTrivy(t, `case "$scanners" in
*vuln*)
  printf '2025-12-04T20:00:00Z\tFATAL\tFatal error\trun error: init error: DB error: failed to download vulnerability DB: OCI repository error: dial tcp: lookup mirror.gcr.io: no such host\n' >&2
  exit 1 ;;
esac
`+copyReport(t, "planted-offline.json"))

	run, err := New(Config{Binary: script, CacheDir: t.TempDir()}).Scan(context.Background(),
		runner.Target{Root: plantedRoot(t)})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if diff := cmp.Diff([]string{"vuln,misconfig,secret", "misconfig,secret"}, readCalls(t, calls)); diff != "" {
		t.Errorf("scanner sets (-want +got):\n%s", diff)
	}
	if run.Invocation.Status != finding.StatusOK {
		t.Errorf("status = %q, want ok", run.Invocation.Status)
	}
	if !hasNotification(run, finding.LevelWarning, "vulnerability scanning did not run") ||
		!hasNotification(run, finding.LevelWarning, "failed to download vulnerability DB") {
		t.Errorf("notifications = %+v, want the missing database warning with Trivy's cause", run.Invocation.Notifications)
	}
	if len(run.Invocation.Skipped) != 1 {
		t.Errorf("Skipped = %v, want vulnerability scanning", run.Invocation.Skipped)
	}
	if hasNotification(run, finding.LevelError, "") {
		t.Errorf("notifications = %+v, want the first attempt's errors replaced", run.Invocation.Notifications)
	}
	if got := run.Properties["scanners"]; !slices.Equal(got.([]string), []string{"misconfig", "secret"}) {
		t.Errorf("scanners property = %v, want [misconfig secret]", got)
	}
	if len(run.Results) == 0 {
		t.Error("got no results from the second scan")
	}
}

func TestScanFakeTrivyOfflineWithDatabase(t *testing.T) {
	script, calls := fakeTrivy(t, copyReport(t, "planted-vuln.json"))
	cache := t.TempDir()
	writeFile(t, filepath.Join(cache, "db", "trivy.db"), "x")
	writeFile(t, filepath.Join(cache, "db", "metadata.json"), `{"Version":2,"UpdatedAt":"2026-01-01T00:00:00Z"}`)

	run, err := New(Config{Binary: script, CacheDir: cache}).Scan(context.Background(),
		runner.Target{Root: plantedRoot(t), Offline: true})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if diff := cmp.Diff([]string{"vuln,misconfig,secret"}, readCalls(t, calls)); diff != "" {
		t.Errorf("scanner sets (-want +got):\n%s", diff)
	}
	db, ok := run.Properties["vulnerabilityDB"].(map[string]any)
	if !ok || db["updatedAt"] != "2026-01-01T00:00:00Z" {
		t.Errorf("vulnerabilityDB property = %v", run.Properties["vulnerabilityDB"])
	}
	if findResult(run, "CVE-2019-14806", "requirements.txt") == nil {
		t.Error("no CVE-2019-14806 result")
	}
}

func TestScanInvalidExclude(t *testing.T) {
	script, _ := fakeTrivy(t, "exit 0")
	_, err := New(Config{Binary: script}).Scan(context.Background(),
		runner.Target{Root: plantedRoot(t), Exclude: []string{"docs/[a-"}})
	if err == nil || !strings.Contains(err.Error(), `"docs/[a-"`) {
		t.Fatalf("Scan error = %v, want one naming the invalid pattern", err)
	}
	if finding.IsNotRun(err) {
		t.Error("an invalid pattern is a usage error, not a scanner that did not run")
	}
}

func TestScanNoBinary(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	t.Setenv(EnvBinary, "")
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	_, err := New(Config{}).Scan(context.Background(), runner.Target{Root: plantedRoot(t)})
	var nr *finding.NotRunError
	if !errors.As(err, &nr) || !strings.Contains(nr.Fix, "make trivy") {
		t.Fatalf("Scan error = %v, want a NotRunError with the build command", err)
	}
}

func TestScanFakeTrivyCapturedDatabaseError(t *testing.T) {
	// The first scan fails with the standard error that the real Trivy
	// wrote when it had no database (testdata/no-database.stderr.txt).
	data, err := os.ReadFile(filepath.Join("testdata", "no-database.stderr.txt"))
	if err != nil {
		t.Fatal(err)
	}
	status, stderr, _ := strings.Cut(string(data), "\n")
	code := strings.TrimPrefix(status, "exit status ")
	stderrFile := filepath.Join(t.TempDir(), "stderr")
	if err := os.WriteFile(stderrFile, []byte(stderr), 0o644); err != nil {
		t.Fatal(err)
	}
	script, calls := fakeTrivy(t, `case "$scanners" in
*vuln*)
  while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line" >&2; done < '`+stderrFile+`'
  exit `+code+` ;;
esac
`+copyReport(t, "planted-offline.json"))

	run, err := New(Config{Binary: script, CacheDir: t.TempDir()}).Scan(context.Background(),
		runner.Target{Root: plantedRoot(t)})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if diff := cmp.Diff([]string{"vuln,misconfig,secret", "misconfig,secret"}, readCalls(t, calls)); diff != "" {
		t.Errorf("scanner sets (-want +got):\n%s", diff)
	}
	if !hasNotification(run, finding.LevelWarning, "--skip-db-update cannot be specified on the first run") {
		t.Errorf("notifications = %+v, want the missing database warning with Trivy's cause", run.Invocation.Notifications)
	}
	if run.Invocation.Status != finding.StatusOK {
		t.Errorf("status = %q, want ok", run.Invocation.Status)
	}
}
