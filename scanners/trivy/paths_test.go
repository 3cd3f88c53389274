package trivy

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoPath(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"Dockerfile", "dir with space/requirements.txt", "ünï/app.yaml"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]string{
		"Dockerfile":                        "Dockerfile",
		"./Dockerfile":                      "Dockerfile",
		filepath.Join(root, "Dockerfile"):   "Dockerfile",
		"dir with space/requirements.txt":   "dir with space/requirements.txt",
		"ünï/app.yaml":                      "ünï/app.yaml",
		"":                                  "",
		".":                                 "",
		"ünï":                               "",
		"missing.txt":                       "",
		"../outside/Dockerfile":             "",
		"/etc/passwd":                       "",
		"library/alpine":                    "",
		"Python":                            "",
		"git::https://example.com/vpc.git":  "",
		"https://example.com/module.tar.gz": "",
		"registry.example.com/app:1.0 (alpine 3.19)": "",
	}
	for in, want := range tests {
		if got := repoPath(root, in); got != want {
			t.Errorf("repoPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcluder(t *testing.T) {
	ex := newExcluder([]string{"vendor", "docs/**", "**/testdata", "/build/", "**/*.min.js", ""})
	tests := map[string]bool{
		"vendor/a/go.mod":                true,
		"docs/x/Dockerfile":              true,
		"scanners/testdata/planted/x.go": true,
		"testdata/x":                     true,
		"build/out.yaml":                 true,
		"web/app.min.js":                 true,
		"app/Dockerfile":                 false,
		"vendored/x":                     false,
		"app/docs/x":                     false,
		"app/app.js":                     false,
	}
	for p, want := range tests {
		if got := ex.excluded(p); got != want {
			t.Errorf("excluded(%q) = %v, want %v", p, got, want)
		}
	}
	if bad := newExcluder([]string{"ok/**", "bad["}).invalid(); len(bad) != 1 || bad[0] != "bad[" {
		t.Errorf("invalid() = %q, want [bad[]", bad)
	}
}
