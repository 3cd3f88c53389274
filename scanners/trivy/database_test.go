package trivy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckDatabase(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantErr  string
		wantMeta int
	}{
		{name: "empty cache", wantErr: "trivy.db does not exist"},
		{name: "no metadata", files: map[string]string{"db/trivy.db": "x"}, wantErr: "metadata.json"},
		{name: "bad metadata", files: map[string]string{"db/trivy.db": "x", "db/metadata.json": "{"}, wantErr: "parsing"},
		{
			name:    "old schema",
			files:   map[string]string{"db/trivy.db": "x", "db/metadata.json": `{"Version":1}`},
			wantErr: "schema version 1",
		},
		{
			name: "usable",
			files: map[string]string{
				"db/trivy.db":      "x",
				"db/metadata.json": `{"Version":2,"NextUpdate":"2026-01-02T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z"}`,
			},
			wantMeta: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			for p, content := range tt.files {
				writeFile(t, filepath.Join(cache, filepath.FromSlash(p)), content)
			}
			meta, err := checkDatabase(cache)
			if tt.wantErr != "" {
				var nd *noDatabaseError
				if !errors.As(err, &nd) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("checkDatabase error = %v, want a noDatabaseError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("checkDatabase: %v", err)
			}
			if meta.Version != tt.wantMeta {
				t.Errorf("metadata version = %d, want %d", meta.Version, tt.wantMeta)
			}
			props := meta.properties()
			if props["updatedAt"] != "2026-01-01T00:00:00Z" || props["nextUpdate"] != "2026-01-02T00:00:00Z" {
				t.Errorf("properties = %v", props)
			}
			if _, ok := props["downloadedAt"]; ok {
				t.Errorf("properties = %v, want no downloadedAt for a zero time", props)
			}
		})
	}
}

func TestResolveCacheDir(t *testing.T) {
	t.Setenv(EnvCacheDir, "/from/env")
	if got, _ := resolveCacheDir("/configured"); got != "/configured" {
		t.Errorf("resolveCacheDir(configured) = %q", got)
	}
	if got, _ := resolveCacheDir(""); got != "/from/env" {
		t.Errorf("resolveCacheDir with $%s = %q", EnvCacheDir, got)
	}
	t.Setenv(EnvCacheDir, "")
	userCache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory here")
	}
	if got, _ := resolveCacheDir(""); got != filepath.Join(userCache, "trivy") {
		t.Errorf("resolveCacheDir default = %q, want %q", got, filepath.Join(userCache, "trivy"))
	}
}
