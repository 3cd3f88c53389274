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
