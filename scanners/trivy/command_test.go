package trivy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFSArgs(t *testing.T) {
	base := []string{
		"fs", "--format", "json", "--output", "/tmp/out/report.json",
		"--scanners", "vuln,misconfig,secret", "--cache-dir", "/cache",
		"--list-all-pkgs", "--timeout", "10m0s", "--no-progress",
		"--disable-telemetry", "--skip-version-check",
	}
	tests := []struct {
		name string
		opts fsOptions
		want []string
	}{
		{
			name: "online",
			opts: fsOptions{CacheDir: "/cache", Output: "/tmp/out/report.json", Scanners: []string{"vuln", "misconfig", "secret"}, Timeout: 10 * time.Minute},
			want: append(append([]string{}, base...), "."),
		},
		{
			name: "offline with skips",
			opts: fsOptions{
				CacheDir: "/cache", Output: "/tmp/out/report.json", Scanners: []string{"vuln", "misconfig", "secret"},
				Timeout: 10 * time.Minute, Offline: true, Skips: []string{"**/testdata", "docs/**"},
			},
			want: append(append([]string{}, base...),
				"--skip-db-update", "--skip-java-db-update", "--skip-check-update", "--skip-vex-repo-update", "--offline-scan",
				"--skip-dirs", "**/testdata", "--skip-files", "**/testdata",
				"--skip-dirs", "docs/**", "--skip-files", "docs/**",
				"."),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fsArgs(tt.opts)); diff != "" {
				t.Errorf("fsArgs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFSArgsScannersWithoutVuln(t *testing.T) {
	args := strings.Join(fsArgs(fsOptions{Scanners: withoutVuln([]string{"vuln", "misconfig", "secret"})}), " ")
	if !strings.Contains(args, "--scanners misconfig,secret ") {
		t.Errorf("arguments %q do not limit the scanners to misconfig,secret", args)
	}
}

func TestLogErrors(t *testing.T) {
	stderr := strings.Join([]string{
		"2025-12-04T20:00:00Z\tINFO\t[misconfig] Misconfiguration scanning is enabled",
		"2025-12-04T20:00:00Z\tERROR\t[misconfig] Falling back to embedded checks\terr=\"failed to download\"",
		"2025-12-04T20:00:01Z\tWARN\t[secret] something to note",
		"2025-12-04T20:00:02Z\tERROR\t[secret] failed to scan file\tfile_path=\"a.bin\"",
		"2025-12-04T20:00:03Z\tFATAL\tFatal error\trun error: fs scan error",
		"plain text without a level",
	}, "\n")
	want := []string{
		"[secret] failed to scan file\tfile_path=\"a.bin\"",
	}
	if diff := cmp.Diff(want, logErrors(stderr)); diff != "" {
		t.Errorf("logErrors (-want +got):\n%s", diff)
	}
}

func TestLogErrorsLimit(t *testing.T) {
	var lines []string
	for range 30 {
		lines = append(lines, "2025-12-04T20:00:02Z\tERROR\t[secret] failed to scan file")
	}
	got := logErrors(strings.Join(lines, "\n"))
	if len(got) != maxLogErrors+1 || got[maxLogErrors] != "further error lines left out" {
		t.Errorf("logErrors gave %d lines ending %q, want %d and a marker", len(got), got[len(got)-1], maxLogErrors+1)
	}
}

func TestAnalysisTimeoutWithoutDeadline(t *testing.T) {
	if got := analysisTimeout(t.Context()); got != 24*time.Hour {
		t.Errorf("analysisTimeout without a deadline = %v, want 24h", got)
	}
}

func TestFSArgsChecksAndSeverities(t *testing.T) {
	args := fsArgs(fsOptions{
		Scanners:        []string{"misconfig"},
		Severities:      []string{"HIGH", "CRITICAL"},
		CheckDirs:       []string{"policies/trivy", "more checks"},
		CheckNamespaces: []string{"user", "team"},
	})
	got := strings.Join(args, " ")
	for _, want := range []string{
		"--severity HIGH,CRITICAL",
		"--config-check policies/trivy --config-check more checks",
		"--check-namespaces user,team",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("arguments %q lack %q", got, want)
		}
	}
}

func TestSelectScanners(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{nil, []string{"vuln", "misconfig", "secret"}, false},
		{[]string{"secret", "vuln"}, []string{"vuln", "secret"}, false},
		{[]string{"misconfig"}, []string{"misconfig"}, false},
		{[]string{"license"}, nil, true},
	}
	for _, tt := range tests {
		got, err := selectScanners(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("selectScanners(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("selectScanners(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestValidateChecks(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "policies", "trivy"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"valid", Config{Severities: []string{"LOW", "UNKNOWN"}, CheckDirs: []string{"policies/trivy"}}, ""},
		{"lower-case severity", Config{Severities: []string{"high"}}, `invalid trivy severity "high"`},
		{"missing directory", Config{CheckDirs: []string{"policies/rego"}}, `"policies/rego" is not a directory`},
		{"outside the repository", Config{CheckDirs: []string{"../checks"}}, "must be a path inside the repository"},
		{"absolute", Config{CheckDirs: []string{"/etc"}}, "must be a path inside the repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New(tt.cfg).validateChecks(root)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("validateChecks: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("validateChecks error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
