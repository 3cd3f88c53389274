package hadolint

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// The tests below run shell scripts named hadolint or docker that the test
// writes into a temporary directory. They exercise secscan's handling of
// the process (exit codes, standard error, timeouts, the command line);
// the scripts print canned output and are not hadolint.

// fakeTool writes an executable shell script named name into dir. The
// script may use only shell built-ins, because PATH holds only dir.
func fakeTool(t *testing.T, dir, name, body string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake tools are POSIX shell scripts")
	}
	script := "#!/bin/sh\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// plantedRoot returns a copy of a repository with the planted Dockerfile at
// its root, and a second one in a directory whose name has a space.
func plantedRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "planted", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Dockerfile", "dir with space/Dockerfile"} {
		dst := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// isolatePath makes PATH hold only a new temporary directory, which it
// returns, so that no real hadolint, docker or podman is found.
func isolatePath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	t.Setenv(EnvBinary, "")
	return dir
}

// printFile returns shell code that prints a testdata file with built-ins.
func printFile(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return `while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done < '` + abs + `'`
}

type resultSummary struct {
	Rule, Path string
	Line       int
	Level      finding.Level
}

func summarize(rs []finding.Result) []resultSummary {
	var out []resultSummary
	for _, r := range rs {
		out = append(out, resultSummary{r.RuleID, r.Location.Path, r.Location.StartLine, r.Level})
	}
	return out
}

var plantedResults = []resultSummary{
	{"DL3007", "Dockerfile", 3, finding.LevelWarning},
	{"DL4000", "Dockerfile", 4, finding.LevelError},
	{"DL3018", "Dockerfile", 5, finding.LevelWarning},
	{"DL3019", "Dockerfile", 5, finding.LevelNote},
	{"DL3003", "Dockerfile", 6, finding.LevelWarning},
	{"DL4006", "Dockerfile", 6, finding.LevelWarning},
	{"DL3059", "Dockerfile", 6, finding.LevelNote},
	{"DL3020", "Dockerfile", 7, finding.LevelError},
	{"DL3000", "Dockerfile", 8, finding.LevelError},
	{"DL3025", "Dockerfile", 10, finding.LevelWarning},
}

func TestScanFakeBinaryFindings(t *testing.T) {
	for _, exit := range []string{"0", "1"} {
		t.Run("exit "+exit, func(t *testing.T) {
			bin := isolatePath(t)
			root := plantedRoot(t)
			argsFile := filepath.Join(t.TempDir(), "args")
			fakeTool(t, bin, "hadolint", `
if [ "$1" = "--version" ]; then printf 'Haskell Dockerfile Linter 2.12.0\n'; exit 0; fi
printf '%s\n' "$PWD" "$@" > '`+argsFile+`'
`+printFile(t, "findings.json")+`
exit `+exit)

			run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root})
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if run.Invocation.Status != finding.StatusOK {
				t.Errorf("status = %q, want ok", run.Invocation.Status)
			}
			if run.Version != "2.12.0" {
				t.Errorf("version = %q, want 2.12.0", run.Version)
			}
			if diff := cmp.Diff(plantedResults, summarize(run.Results)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if len(run.Rules) != 10 {
				t.Errorf("got %d rules, want 10 (one per code)", len(run.Rules))
			}
			if r := run.Rule("DL3019"); r == nil || r.ShortDescription != knownRules["DL3019"].Text {
				t.Errorf("rule DL3019 = %+v, want the table's text", r)
			}

			args, err := os.ReadFile(argsFile)
			if err != nil {
				t.Fatal(err)
			}
			wantArgs := []string{root, "--format", "json", "--no-fail", "--no-color", "./Dockerfile", "./dir with space/Dockerfile"}
			if diff := cmp.Diff(wantArgs, strings.Split(strings.TrimSpace(string(args)), "\n")); diff != "" {
				t.Errorf("working directory and arguments (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanFakeBinaryConfig(t *testing.T) {
	bin := isolatePath(t)
	root := plantedRoot(t)
	if err := os.MkdirAll(filepath.Join(root, "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "policies", "hadolint.yaml"), []byte("ignored: [DL3059]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	argsFile := filepath.Join(t.TempDir(), "args")
	fakeTool(t, bin, "hadolint", `
if [ "$1" = "--version" ]; then exit 0; fi
printf '%s\n' "$@" > '`+argsFile+`'
printf '[]\n'`)

	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(args), "--config\n./policies/hadolint.yaml\n") {
		t.Errorf("arguments %q lack --config ./policies/hadolint.yaml", args)
	}
	if run.Properties["config"] != ConfigPath {
		t.Errorf("config property = %v, want %s", run.Properties["config"], ConfigPath)
	}
	if len(run.Results) != 0 {
		t.Errorf("got %d results from empty output, want 0", len(run.Results))
	}
}

func TestScanFakeBinaryFailures(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		timeout    time.Duration
		wantErr    string
		wantNotify string
		wantResult int
	}{
		{
			name:       "crash with stderr",
			body:       `printf 'hadolint: internal error: something broke\n' >&2; exit 2`,
			wantErr:    "hadolint exited with status 2",
			wantNotify: "internal error: something broke",
		},
		{
			name:       "exit 1 with stderr",
			body:       `printf 'openFile: does not exist (No such file or directory)\n' >&2; exit 1`,
			wantErr:    "status 1",
			wantNotify: "openFile: does not exist",
		},
		{
			name:       "garbage output",
			body:       `printf 'this is not json\n'; exit 0`,
			wantErr:    "parsing hadolint JSON output",
			wantNotify: "parsing hadolint JSON output",
		},
		{
			name:       "partial output then crash",
			body:       `printf '[{"code":"DL3000","file":"./Dockerfile","line":8,"column":1,"level":"error","message":"Use absolute WORKDIR"}]\n{"trunc'; printf 'killed\n' >&2; exit 3`,
			wantErr:    "status 3",
			wantNotify: "killed",
			wantResult: 1,
		},
		{
			name:       "hang past the deadline",
			body:       `while :; do :; done`,
			timeout:    200 * time.Millisecond,
			wantErr:    context.DeadlineExceeded.Error(),
			wantNotify: "hadolint did not finish",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := isolatePath(t)
			root := plantedRoot(t)
			fakeTool(t, bin, "hadolint", `if [ "$1" = "--version" ]; then printf '2.12.0\n'; exit 0; fi
`+tt.body)

			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			run, err := New(Config{}).Scan(ctx, runner.Target{Root: root})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Scan error = %v, want one containing %q", err, tt.wantErr)
			}
			if finding.IsNotRun(err) {
				t.Errorf("Scan error is a NotRunError, want a failure")
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
			if len(run.Results) != tt.wantResult {
				t.Errorf("got %d results, want %d", len(run.Results), tt.wantResult)
			}
		})
	}
}

func TestScanFakeBinaryDropsUnknownFiles(t *testing.T) {
	bin := isolatePath(t)
	root := plantedRoot(t)
	fakeTool(t, bin, "hadolint", `if [ "$1" = "--version" ]; then exit 0; fi
`+printFile(t, "odd-paths.json"))

	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	want := []resultSummary{
		{"DL3002", "dir with space/Dockerfile", 7, finding.LevelWarning},
	}
	if diff := cmp.Diff(want, summarize(run.Results)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if !hasNotification(run, finding.LevelWarning, `2 hadolint results name no scanned Dockerfile`) {
		t.Errorf("notifications = %+v, want a warning about the 2 dropped results", run.Invocation.Notifications)
	}
	if !hasNotification(run, finding.LevelNote, "version could not be read") {
		t.Errorf("notifications = %+v, want a note about the unknown version", run.Invocation.Notifications)
	}
}

func TestScanNoDockerfiles(t *testing.T) {
	isolatePath(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "testdata", "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if run.Invocation.Status != finding.StatusOK || len(run.Results) != 0 {
		t.Errorf("status, results = %q, %d; want ok, 0", run.Invocation.Status, len(run.Results))
	}
	if !hasNotification(run, finding.LevelNote, "no Dockerfiles found") {
		t.Errorf("notifications = %+v, want a note that nothing was linted", run.Invocation.Notifications)
	}
}

func TestScanNothingInstalled(t *testing.T) {
	isolatePath(t)
	_, err := New(Config{}).Scan(context.Background(), runner.Target{Root: plantedRoot(t)})
	var nr *finding.NotRunError
	if !errors.As(err, &nr) {
		t.Fatalf("Scan error = %v, want a NotRunError", err)
	}
	for _, want := range []string{"docker is not installed", "podman is not installed"} {
		if !strings.Contains(nr.Reason, want) {
			t.Errorf("reason = %q, want it to contain %q", nr.Reason, want)
		}
	}
	if !strings.Contains(nr.Fix, "https://github.com/hadolint/hadolint/releases") {
		t.Errorf("fix = %q, want the releases page", nr.Fix)
	}
}

func TestScanConfiguredBinaryMissing(t *testing.T) {
	isolatePath(t)
	_, err := New(Config{Binary: "/nonexistent/hadolint"}).Scan(context.Background(), runner.Target{Root: plantedRoot(t)})
	var nr *finding.NotRunError
	if !errors.As(err, &nr) || !strings.Contains(nr.Reason, "/nonexistent/hadolint") {
		t.Fatalf("Scan error = %v, want a NotRunError naming the configured path", err)
	}
}

func TestScanFakeEngineWithoutDaemon(t *testing.T) {
	bin := isolatePath(t)
	fakeTool(t, bin, "docker", `if [ "$1" = "info" ]; then
printf 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' >&2
exit 1
fi
printf 'unexpected docker call: %s\n' "$*" >&2; exit 99`)

	_, err := New(Config{}).Scan(context.Background(), runner.Target{Root: plantedRoot(t)})
	var nr *finding.NotRunError
	if !errors.As(err, &nr) {
		t.Fatalf("Scan error = %v, want a NotRunError", err)
	}
	if !strings.Contains(nr.Reason, "docker is installed but its engine does not answer (Cannot connect to the Docker daemon") {
		t.Errorf("reason = %q, want it to say the docker engine does not answer", nr.Reason)
	}
}

func TestScanFakeEngine(t *testing.T) {
	bin := isolatePath(t)
	root := plantedRoot(t)
	argsFile := filepath.Join(t.TempDir(), "args")
	fakeTool(t, bin, "docker", `case "$1" in
info) exit 0 ;;
image) exit 0 ;;
run)
  for a in "$@"; do if [ "$a" = "--version" ]; then printf 'Haskell Dockerfile Linter 2.12.0\n'; exit 0; fi; done
  printf '%s\n' "$@" > '`+argsFile+`'
  `+printFile(t, "findings.json")+`
  exit 0 ;;
esac
exit 99`)

	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: root, Offline: true})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if diff := cmp.Diff(plantedResults, summarize(run.Results)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if run.Version != "2.12.0" || run.Properties["image"] != DefaultImage || run.Properties["engine"] != "docker" {
		t.Errorf("version, image, engine = %q, %v, %v", run.Version, run.Properties["image"], run.Properties["engine"])
	}

	data, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(args) < 5 || !strings.HasPrefix(args[3], "secscan-hadolint-") {
		t.Fatalf("arguments = %q, want run --rm --name secscan-hadolint-...", args)
	}
	args[3] = "NAME"
	want := []string{
		"run", "--rm", "--name", "NAME", "--pull", "never", "--network", "none", "--read-only",
		"-v", root + ":/repo:ro", "-w", "/repo",
		DefaultImage, "hadolint",
		"--format", "json", "--no-fail", "--no-color", "./Dockerfile", "./dir with space/Dockerfile",
	}
	if diff := cmp.Diff(want, args); diff != "" {
		t.Errorf("docker arguments (-want +got):\n%s", diff)
	}
}

func TestScanFakeEngineOfflineWithoutImage(t *testing.T) {
	bin := isolatePath(t)
	fakeTool(t, bin, "docker", `case "$1" in
info) exit 0 ;;
image) printf 'Error: No such image\n' >&2; exit 1 ;;
esac
printf 'unexpected docker call: %s\n' "$*" >&2; exit 99`)

	_, err := New(Config{}).Scan(context.Background(), runner.Target{Root: plantedRoot(t), Offline: true})
	var nr *finding.NotRunError
	if !errors.As(err, &nr) {
		t.Fatalf("Scan error = %v, want a NotRunError", err)
	}
	if !strings.Contains(nr.Fix, "docker pull "+DefaultImage) {
		t.Errorf("fix = %q, want the pull command", nr.Fix)
	}
}

func TestScanFakeEngineFailure(t *testing.T) {
	bin := isolatePath(t)
	fakeTool(t, bin, "docker", `case "$1" in
info) exit 0 ;;
run) printf 'Unable to find image locally\ndocker: Error response from daemon: pull access denied.\n' >&2; exit 125 ;;
esac
exit 0`)

	run, err := New(Config{}).Scan(context.Background(), runner.Target{Root: plantedRoot(t)})
	if err == nil || !strings.Contains(err.Error(), "exit status 125") {
		t.Fatalf("Scan error = %v, want the engine's exit status 125", err)
	}
	if !hasNotification(run, finding.LevelError, "pull access denied") {
		t.Errorf("notifications = %+v, want the engine's error", run.Invocation.Notifications)
	}
}

func TestReportedPath(t *testing.T) {
	tests := []struct {
		file      string
		container bool
		want      string
	}{
		{"./Dockerfile", false, "Dockerfile"},
		{"./dir with space/Dockerfile", false, "dir with space/Dockerfile"},
		{"/repo/app/Dockerfile", true, "app/Dockerfile"},
		{"/repo/app/Dockerfile", false, "/repo/app/Dockerfile"},
		{"-", false, "-"},
		{"", true, ""},
	}
	for _, tt := range tests {
		if got := reportedPath(tt.file, tt.container); got != tt.want {
			t.Errorf("reportedPath(%q, %v) = %q, want %q", tt.file, tt.container, got, tt.want)
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

func TestScanFakeEngineCancelRemovesContainer(t *testing.T) {
	bin := isolatePath(t)
	rmFile := filepath.Join(t.TempDir(), "rm")
	fakeTool(t, bin, "docker", `case "$1" in
info) exit 0 ;;
rm) printf '%s\n' "$@" > '`+rmFile+`'; exit 0 ;;
run) while :; do :; done ;;
esac
exit 99`)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	run, err := New(Config{}).Scan(ctx, runner.Target{Root: plantedRoot(t)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Scan error = %v, want the deadline", err)
	}
	if run.Invocation.Status != finding.StatusFailed {
		t.Errorf("status = %q, want failed", run.Invocation.Status)
	}
	data, err := os.ReadFile(rmFile)
	if err != nil {
		t.Fatalf("docker rm was not called: %v", err)
	}
	args := strings.Fields(string(data))
	if len(args) != 3 || args[0] != "rm" || args[1] != "-f" || !strings.HasPrefix(args[2], "secscan-hadolint-") {
		t.Errorf("docker rm arguments = %q, want rm -f secscan-hadolint-...", args)
	}
	if !strings.Contains(run.Invocation.CommandLine, args[2]) {
		t.Errorf("removed container %q is not the one started by %q", args[2], run.Invocation.CommandLine)
	}
}

func TestConfigFile(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"policies/hadolint.yaml", "ci/lint.yaml"} {
		dst := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte("ignored: []\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		configured string
		root       string
		want       string
		wantErr    string
	}{
		{"default present", "", root, "policies/hadolint.yaml", ""},
		{"default absent", "", t.TempDir(), "", ""},
		{"configured", "ci/lint.yaml", root, "ci/lint.yaml", ""},
		{"configured unclean", "ci/../ci/lint.yaml", root, "ci/lint.yaml", ""},
		{"configured missing", "ci/other.yaml", root, "", `"ci/other.yaml" is not a file`},
		{"outside", "../lint.yaml", root, "", "must be a path inside the repository"},
		{"absolute", "/etc/hadolint.yaml", root, "", "must be a path inside the repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(Config{ConfigFile: tt.configured}).configFile(tt.root)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("configFile error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("configFile: %v", err)
			}
			if got != tt.want {
				t.Errorf("configFile = %q, want %q", got, tt.want)
			}
		})
	}
}
