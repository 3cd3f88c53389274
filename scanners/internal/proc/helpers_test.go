package proc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestCheckExecutable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the check is tested with POSIX file modes")
	}
	dir := t.TempDir()
	executable := filepath.Join(dir, "tool")
	if err := os.WriteFile(executable, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	if err := CheckExecutable(executable); err != nil {
		t.Errorf("CheckExecutable(executable file) = %v, want nil", err)
	}
	if err := CheckExecutable(plain); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("CheckExecutable(file without execute bit) = %v, want fs.ErrPermission", err)
	}
	if err := CheckExecutable(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CheckExecutable(missing file) = %v, want fs.ErrNotExist", err)
	}
	if err := CheckExecutable(dir); err == nil || err.Error() != "not a regular file" {
		t.Errorf("CheckExecutable(directory) = %v, want \"not a regular file\"", err)
	}
}

func TestCommandLine(t *testing.T) {
	got := CommandLine("/usr/bin/trivy", []string{"fs", "--skip-dirs", "**/testdata", "--cache-dir", "/a b/c", "it's", "."})
	want := `/usr/bin/trivy fs --skip-dirs '**/testdata' --cache-dir '/a b/c' 'it'\''s' .`
	if got != want {
		t.Errorf("CommandLine = %s\nwant %s", got, want)
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"fewer lines than n", "one\ntwo\n", 5, "one\ntwo"},
		{"last n lines in order", "one\ntwo\nthree\nfour", 2, "three\nfour"},
		{"blank lines skipped", "one\n\n  \ntwo\n\n", 2, "one\ntwo"},
		{"lines trimmed", "  one \t\n\ttwo  ", 2, "one\ntwo"},
		{"empty input", "", 3, ""},
		{"zero lines", "one", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LastLines(tt.in, tt.n); got != tt.want {
				t.Errorf("LastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
