package hadolint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
)

func TestIsDockerfile(t *testing.T) {
	tests := map[string]bool{
		"Dockerfile":                  true,
		"Containerfile":               true,
		"Dockerfile.dev":              true,
		"Containerfile.arm64":         true,
		"api.Dockerfile":              true,
		"Dockerfile.dockerignore":     false,
		"api.Dockerfile.dockerignore": false,
		".dockerignore":               false,
		"Dockerfile.":                 false,
		".Dockerfile":                 false,
		"dockerfile":                  false,
		"Dockerfiles":                 false,
		"docker-compose.yml":          false,
		"Dockerfile.prod":             true,
	}
	for name, want := range tests {
		if got := isDockerfile(name); got != want {
			t.Errorf("isDockerfile(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestFindDockerfiles(t *testing.T) {
	root := t.TempDir()
	files := []string{
		"Dockerfile",
		"app/Containerfile",
		"app/api.Dockerfile",
		"app/Dockerfile.dockerignore",
		"dir with space/Dockerfile",
		"ünïcødé/Dockerfile.dev",
		"scanners/testdata/planted/Dockerfile",
		"node_modules/pkg/Dockerfile",
		".git/Dockerfile",
		"docs/Dockerfile",
		"reports/Dockerfile",
		"README.md",
	}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("FROM scratch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "Dockerfile"), filepath.Join(root, "app", "Dockerfile")); err != nil {
		t.Fatal(err)
	}

	got, err := findDockerfiles(root, pathfilter.New(append([]string{"docs/**"}, DefaultSkipDirs...)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Dockerfile",
		"app/Containerfile",
		"app/api.Dockerfile",
		"dir with space/Dockerfile",
		"ünïcødé/Dockerfile.dev",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findDockerfiles (-want +got):\n%s", diff)
	}
}
