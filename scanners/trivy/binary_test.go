package trivy

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// writeExecutable creates an empty executable file; the lookup only checks
// that it exists and may be executed.
func writeExecutable(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestLocateBinaryOrder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the lookup is tested with POSIX file modes")
	}
	dir := t.TempDir()
	configured := filepath.Join(dir, "configured", "trivy")
	env := filepath.Join(dir, "env", "trivy")
	onPath := filepath.Join(dir, "path", "trivy")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("HOME", dir)
	cached, err := cachedBinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{configured, env, onPath, cached} {
		writeExecutable(t, p)
	}

	tests := []struct {
		name       string
		configured string
		env        string
		path       string
		want       string
	}{
		{"configured first", configured, env, filepath.Dir(onPath), configured},
		{"environment second", "", env, filepath.Dir(onPath), env},
		{"stale environment falls through", "", filepath.Join(dir, "missing"), filepath.Dir(onPath), onPath},
		{"PATH third", "", "", filepath.Dir(onPath), onPath},
		{"cache last", "", "", filepath.Join(dir, "empty"), cached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvBinary, tt.env)
			t.Setenv("PATH", tt.path)
			got, err := LocateBinary(tt.configured)
			if err != nil {
				t.Fatalf("LocateBinary: %v", err)
			}
			if got != tt.want {
				t.Errorf("LocateBinary = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLocateBinaryMissing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CACHE_HOME sets the user cache directory on Linux only")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv(EnvBinary, "")
	t.Setenv("PATH", dir)

	_, err := LocateBinary("")
	var nr *finding.NotRunError
	if !errors.As(err, &nr) {
		t.Fatalf("LocateBinary error = %v, want a NotRunError", err)
	}
	if nr.Fix != "run `make trivy` to build the pinned Trivy, or install trivy on PATH" {
		t.Errorf("fix = %q", nr.Fix)
	}
	if want := filepath.Join(dir, "secscan", "bin", "trivy-"+PinnedVersion); !strings.Contains(nr.Reason, want) {
		t.Errorf("reason = %q, want it to name the cache path %s", nr.Reason, want)
	}
}

func TestLocateBinaryConfiguredMissing(t *testing.T) {
	_, err := LocateBinary(filepath.Join(t.TempDir(), "no-trivy"))
	var nr *finding.NotRunError
	if !errors.As(err, &nr) || !strings.Contains(nr.Reason, "no-trivy") {
		t.Fatalf("LocateBinary error = %v, want a NotRunError naming the configured path", err)
	}
}

func TestLocateBinaryNotExecutable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no execute bit")
	}
	p := filepath.Join(t.TempDir(), "trivy")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LocateBinary(p); !finding.IsNotRun(err) {
		t.Errorf("LocateBinary(non-executable) error = %v, want a NotRunError", err)
	}
}
