package vulndb

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Fake golang.org/x/vulndb versions for tests that build from a module
// directory. Their times are those in the pseudo-versions.
const (
	fakeVersion1 = "v0.0.0-20260101120000-aaaaaaaaaaaa"
	fakeVersion2 = "v0.0.0-20260201120000-bbbbbbbbbbbb"

	// handVersion is the version given for testdata/vulndb-module, whose
	// entries are copies of real advisories; its time matches the
	// modified time of testdata/handdb.
	handVersion = "v0.0.0-20261105234957-e22db6528018"
)

var (
	fakeTime1 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	fakeTime2 = time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	handTime  = time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
)

// osvEntry returns a valid OSV entry for id that affects module below
// fixed, with a zero modified time as golang.org/x/vulndb has.
func osvEntry(id, module, fixed string) string {
	return fmt.Sprintf(`{
  "schema_version": "1.3.1",
  "id": %q,
  "modified": "0001-01-01T00:00:00Z",
  "published": "2025-06-01T00:00:00Z",
  "aliases": ["CVE-2025-%s"],
  "summary": "A test vulnerability",
  "details": "Details.",
  "affected": [{
    "package": {"name": %q, "ecosystem": "Go"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": %q}]}],
    "ecosystem_specific": {"imports": [{"path": %q, "symbols": ["F"]}]}
  }],
  "related": ["OTHER-1"],
  "database_specific": {"url": "https://pkg.go.dev/vuln/%s", "review_status": "REVIEWED"}
}`, id, strings.TrimPrefix(id, "GO-"), module, fixed, module, id)
}

// writeModuleDir writes a fake golang.org/x/vulndb module directory named
// vulndb@version, with files (base name to content) in data/osv, and
// returns its path.
func writeModuleDir(t testing.TB, version string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vulndb@"+version)
	osv := filepath.Join(dir, "data", "osv")
	if err := os.MkdirAll(osv, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(osv, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func goodFiles() map[string]string {
	return map[string]string{
		"GO-2025-0001.json": osvEntry("GO-2025-0001", "example.com/a", "1.2.0"),
		"GO-2025-0002.json": osvEntry("GO-2025-0002", "example.com/b", "0.9.1"),
	}
}

// readFileJSON decodes a file of the database in dir.
func readFileJSON(t testing.TB, dir, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
}

// siblings returns the names of the entries in the parent of dir other
// than dir itself, to find temporary directories left behind.
func siblings(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if e.Name() != filepath.Base(dir) {
			names = append(names, e.Name())
		}
	}
	return names
}

// testdataPath returns the absolute path of a file under testdata.
func testdataPath(t testing.TB, elem ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
