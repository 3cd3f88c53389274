package govulncheck

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "", want: DefaultDB},
		{in: "https://vuln.go.dev", want: "https://vuln.go.dev"},
		{in: "http://127.0.0.1:8080/db", want: "http://127.0.0.1:8080/db"},
		{in: "file:///srv/vulndb", want: "file:///srv/vulndb"},
		{in: "file://relative/db", wantErr: "absolute path"},
		{in: "https:///db", wantErr: "no host"},
		{in: "ftp://mirror/db", wantErr: "use https://"},
		{in: file, wantErr: "is not a directory"},
		{in: filepath.Join(dir, "missing"), wantErr: "no such file"},
		{in: "https://user:secret@mirror/db\x7f", wantErr: "invalid control character"},
	}
	for _, tt := range tests {
		got, err := DatabaseURL(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DatabaseURL(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("DatabaseURL(%q) error shows the password: %v", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DatabaseURL(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDatabaseURLDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vuln db ü")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := DatabaseURL(dir)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil || u.Scheme != "file" || u.Path != filepath.ToSlash(dir) {
		t.Errorf("DatabaseURL(%q) = %q, want a file URL of that directory", dir, got)
	}
}

func TestRedact(t *testing.T) {
	if got := redact("https://user:secret@mirror.invalid/db"); strings.Contains(got, "secret") {
		t.Errorf("redact() = %q, still shows the password", got)
	}
	if got := redact("file:///srv/db"); got != "file:///srv/db" {
		t.Errorf("redact(file URL) = %q, want it unchanged", got)
	}
}
