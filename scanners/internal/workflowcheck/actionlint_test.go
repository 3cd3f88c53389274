package workflowcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// goCommand returns the go command that runs this test: go on PATH, else
// the one in GOROOT.
func goCommand(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath("go"); err == nil {
		return path
	}
	path := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no go command on PATH or in GOROOT (%s); install Go or put it on PATH", path)
	}
	return path
}

// TestActionlint runs actionlint, pinned in tools/actionlint.mod, over the
// workflows. actionlint also runs shellcheck on run: scripts and pyflakes on
// Python scripts when they are on PATH; the log says which it found.
func TestActionlint(t *testing.T) {
	root := repoRoot(t)
	workflows, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(workflows) == 0 {
		t.Fatal("no workflows in .github/workflows")
	}
	for _, tool := range []string{"shellcheck", "pyflakes"} {
		if path, err := exec.LookPath(tool); err == nil {
			t.Logf("actionlint runs %s (%s)", tool, path)
		} else {
			t.Logf("actionlint skips %s: not on PATH", tool)
		}
	}

	args := []string{"tool", "-modfile=tools/actionlint.mod", "actionlint", "-no-color"}
	for _, w := range workflows {
		rel, err := filepath.Rel(root, w)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, filepath.ToSlash(rel))
	}
	cmd := exec.Command(goCommand(t), args...)
	cmd.Dir = root
	// The modfile is its own module, outside the workspace.
	cmd.Env = append(os.Environ(), "GOWORK=off")

	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	if len(out) > 0 {
		t.Logf("actionlint output:\n%s", out)
	}
}
