package gomod

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree creates files under dir from a map of slash-separated relative
// paths to contents.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindModules(t *testing.T) {
	root := filepath.Join(t.TempDir(), "répo with space")
	writeTree(t, root, map[string]string{
		"go.mod":                         "module example.org/root\n",
		"go.work":                        "go 1.24\n\nuse (\n\t.\n\t./lib\n)\n",
		"main.go":                        "package main\n",
		"lib/go.mod":                     "module example.org/lib\n",
		"lib/lib.go":                     "package lib\n",
		"nested/go.mod":                  "module example.org/nested\n",
		"nested/deep/x.go":               "package deep\n",
		"nowork/go.mod":                  "module example.org/nowork\n",
		"nowork/go.work":                 "go 1.24\n\nuse ./other\n",
		"gomodonly/go.mod":               "module example.org/gomodonly\n",
		"gomodonly/README.md":            "no Go here\n",
		"dir with space/ünï/go.mod":      "module example.org/odd\n",
		"dir with space/ünï/odd file.go": "package odd\n",
		"vendor/v/go.mod":                "module example.org/vendored\n",
		"x/testdata/t/go.mod":            "module example.org/fixture\n",
		".hidden/go.mod":                 "module example.org/hidden\n",
		"_skipped/go.mod":                "module example.org/skipped\n",
		"excluded/go.mod":                "module example.org/excluded\n",
	})

	got, err := Find(root, []string{"excluded"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		// Compare directories relative to root, so the test does not
		// depend on where the temporary directory is.
		got[i].Dir = strings.TrimPrefix(got[i].Dir, root)
		got[i].GoMod = strings.TrimPrefix(got[i].GoMod, root)
		got[i].Work = strings.TrimPrefix(got[i].Work, root)
	}
	want := []Module{
		{Path: "example.org/root", Dir: "", Rel: ".", GoMod: "/go.mod", Work: "/go.work", HasGo: true},
		{Path: "example.org/odd", Dir: "/dir with space/ünï", Rel: "dir with space/ünï", GoMod: "/dir with space/ünï/go.mod", HasGo: true},
		{Path: "example.org/gomodonly", Dir: "/gomodonly", Rel: "gomodonly", GoMod: "/gomodonly/go.mod"},
		{Path: "example.org/lib", Dir: "/lib", Rel: "lib", GoMod: "/lib/go.mod", Work: "/go.work", HasGo: true},
		{Path: "example.org/nested", Dir: "/nested", Rel: "nested", GoMod: "/nested/go.mod", HasGo: true},
		{Path: "example.org/nowork", Dir: "/nowork", Rel: "nowork", GoMod: "/nowork/go.mod"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find() mismatch (-want +got):\n%s", diff)
	}
}

func TestFindIgnoresWorkAboveRoot(t *testing.T) {
	outer := t.TempDir()
	writeTree(t, outer, map[string]string{
		"go.work":        "go 1.24\n\nuse ./inner\n",
		"inner/go.mod":   "module example.org/inner\n",
		"inner/inner.go": "package inner\n",
	})
	got, err := Find(filepath.Join(outer, "inner"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Work != "" {
		t.Errorf("Find() = %+v, want one module with Work empty", got)
	}
}

func TestFindRejectsBadGlob(t *testing.T) {
	_, err := Find(t.TempDir(), []string{"a/[b"})
	if err == nil || !strings.Contains(err.Error(), `"a/[b"`) {
		t.Errorf("Find() error = %v, want one naming the glob", err)
	}
}

func TestModuleEnv(t *testing.T) {
	base := []string{"PATH=/bin", "GOWORK=/elsewhere/go.work"}
	tests := []struct {
		name    string
		mod     Module
		base    []string
		offline bool
		want    []string
	}{
		{
			name: "workspace",
			mod:  Module{Work: "/r/go.work"},
			base: base,
			want: []string{"PATH=/bin", "GOWORK=/elsewhere/go.work", "GOWORK=/r/go.work"},
		},
		{
			name: "no workspace",
			mod:  Module{},
			base: base,
			want: []string{"PATH=/bin", "GOWORK=/elsewhere/go.work", "GOWORK=off"},
		},
		{
			name:    "offline default proxy",
			mod:     Module{},
			base:    []string{"PATH=/bin"},
			offline: true,
			want:    []string{"PATH=/bin", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local"},
		},
		{
			name:    "offline network proxy",
			mod:     Module{},
			base:    []string{"GOPROXY=file:///mirror,https://proxy.golang.org"},
			offline: true,
			want:    []string{"GOPROXY=file:///mirror,https://proxy.golang.org", "GOWORK=off", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local"},
		},
		{
			name:    "offline file proxy kept",
			mod:     Module{},
			base:    []string{"GOPROXY=file:///mirror|off"},
			offline: true,
			want:    []string{"GOPROXY=file:///mirror|off", "GOWORK=off", "GOSUMDB=off", "GOTOOLCHAIN=local"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]string(nil), tt.base...)
			got := tt.mod.Env(tt.base, tt.offline)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Env() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.base); diff != "" {
				t.Errorf("Env() changed its base (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRelPath(t *testing.T) {
	root := filepath.FromSlash("/r/repo")
	if got, err := RelPath(root, filepath.FromSlash("/r/repo/a b/c.go")); err != nil || got != "a b/c.go" {
		t.Errorf("RelPath(inside) = %q, %v, want %q", got, err, "a b/c.go")
	}
	if _, err := RelPath(root, filepath.FromSlash("/r/other/c.go")); err == nil {
		t.Error("RelPath(outside) returned no error")
	}
}

func TestDepVersion(t *testing.T) {
	deps := []*debug.Module{
		{Path: "example.org/plain", Version: "v1.9.0"},
		{Path: "example.org/replaced", Version: "v1.0.0", Replace: &debug.Module{Path: "example.org/fork", Version: "v1.0.1"}},
		{Path: "example.org/local", Version: "v1.0.0", Replace: &debug.Module{Path: "../local"}},
		{Path: "example.org/devel", Version: "(devel)"},
	}
	tests := []struct {
		path, want string
	}{
		{"example.org/plain", "1.9.0"},
		{"example.org/replaced", "1.0.1"},
		{"example.org/local", "1.0.0"},
		{"example.org/devel", "0.0.1"},
		{"example.org/absent", "0.0.1"},
	}
	for _, tt := range tests {
		if got := depVersion(deps, tt.path, "0.0.1"); got != tt.want {
			t.Errorf("depVersion(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestExcludedUsesGlobs(t *testing.T) {
	globs := []string{"docs", "**/gen/*.go"}
	for rel, want := range map[string]bool{
		"docs/a.go":     true,
		"a/gen/x.go":    true,
		"a/gen/x/y.go":  false,
		"src/main.go":   false,
		"documentation": false,
	} {
		if got := Excluded(rel, globs); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestColumnsUTF16(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ü.go")
	// Line 2: "ü" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
	content := "package p\nvar s = \"ü😀\" + x\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Columns{}
	tests := []struct {
		line, byteCol, want int
	}{
		{1, 1, 1},
		{2, 5, 5},   // "s" is before any multi-byte character
		{2, 17, 14}, // "x" after "ü😀": 6 bytes, 3 units
		{2, 99, 99}, // beyond the line
		{9, 3, 3},   // beyond the file
	}
	for _, tt := range tests {
		if got := c.UTF16(file, tt.line, tt.byteCol); got != tt.want {
			t.Errorf("utf16(line %d, byte column %d) = %d, want %d", tt.line, tt.byteCol, got, tt.want)
		}
	}
	if got := c.UTF16(filepath.Join(t.TempDir(), "missing.go"), 1, 7); got != 7 {
		t.Errorf("utf16(missing file) = %d, want the byte column 7", got)
	}
}
