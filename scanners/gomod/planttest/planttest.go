// Package planttest reads the problems planted in scanners/testdata/planted,
// for the integration tests of the Go scanners.
//
// A plant is marked by a comment at the end of the line where a scanner must
// report it: "// plant: G101" in Go files, "// plant: GO-2021-0113" in
// go.mod files. One marker may name several rules, separated by spaces.
package planttest

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Plant is one finding that a scanner must report.
type Plant struct {
	Rule string
	Path string // slash-separated, relative to the fixture root
	Line int
}

// Dir returns the absolute path of scanners/testdata/planted.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the planttest source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "planted")
}

// isGoFile reports whether the fixture file belongs to the Go modules, as
// opposed to the files planted for the other scanners.
func isGoFile(name string) bool {
	switch filepath.Base(name) {
	case "go.mod", "go.sum", "go.work":
		return true
	}
	return strings.HasSuffix(name, ".go")
}

// CopyGo copies the Go modules of the fixture (go.work, go.mod, go.sum and
// .go files) to dst, keeping their relative paths.
func CopyGo(t testing.TB, dst string) {
	t.Helper()
	src := Dir(t)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isGoFile(p) {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p) // #nosec G122 G703 -- test helper reading the repository's own fixture
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644) // #nosec G703 -- out stays under the test's destination folder
	})
	if err != nil {
		t.Fatalf("copying the planted fixture: %v", err)
	}
}

var marker = regexp.MustCompile(`//\s*plant:((?:\s+[A-Z][A-Z0-9-]*)+)\s*$`)

// Read returns the plants marked in the files under root whose base name
// satisfies match, sorted by path, line and rule.
func Read(t testing.TB, root string, match func(name string) bool) []Plant {
	t.Helper()
	var plants []Plant
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !match(d.Name()) {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p) // #nosec G122 G703 -- test helper reading the repository's own fixture
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := marker.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for _, rule := range strings.Fields(m[1]) {
				plants = append(plants, Plant{Rule: rule, Path: filepath.ToSlash(rel), Line: line})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatalf("reading plants under %s: %v", root, err)
	}
	Sort(plants)
	return plants
}

// Sort orders plants by path, line and rule.
func Sort(plants []Plant) {
	sort.Slice(plants, func(i, j int) bool {
		a, b := plants[i], plants[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
}

// DownloadModules runs "go mod download" in each of dirs, so that the module
// cache has their dependencies. The go command fetches them through GOPROXY.
func DownloadModules(t testing.TB, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		cmd := exec.Command("go", "mod", "download")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go mod download in %s: %v\n%s", dir, err, out)
		}
	}
}
