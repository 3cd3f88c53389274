package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenHandWrittenDatabase(t *testing.T) {
	dir := testdataPath(t, "handdb")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if db.Dir != dir || db.URL != "file://"+filepath.ToSlash(dir) || !db.Modified.Equal(handTime) || db.Version != "" {
		t.Errorf("Open = %+v, want dir %s, modified %v, no version", db, dir, handTime)
	}
	if _, err := Verify(dir); err == nil || !strings.Contains(err.Error(), stampFile) {
		t.Errorf("Verify of a database without a stamp: error = %v, want it to name %s", err, stampFile)
	}
}

// TestOpenVerifyDamaged damages a synced database in one way per case and
// checks which of Open and Verify notice.
func TestOpenVerifyDamaged(t *testing.T) {
	tests := []struct {
		name      string
		damage    func(dir string) error
		openErr   string // "" means Open succeeds
		verifyErr string
	}{
		{
			name:      "missing db.json",
			damage:    func(dir string) error { return os.Remove(filepath.Join(dir, "index", "db.json")) },
			openErr:   "db.json: no such file",
			verifyErr: "db.json: no such file",
		},
		{
			name:      "zero modified",
			damage:    func(dir string) error { return writeFile(dir, "index/db.json", `{"modified":"0001-01-01T00:00:00Z"}`) },
			openErr:   "modified time is missing or zero",
			verifyErr: "modified time is missing or zero",
		},
		{
			name:      "truncated db.json",
			damage:    func(dir string) error { return writeFile(dir, "index/db.json", `{"modi`) },
			openErr:   "unexpected end of JSON input",
			verifyErr: "unexpected end of JSON input",
		},
		{
			name:      "missing modules.json",
			damage:    func(dir string) error { return os.Remove(filepath.Join(dir, "index", "modules.json")) },
			openErr:   "modules.json: no such file",
			verifyErr: "modules.json: no such file",
		},
		{
			name:      "truncated modules.json",
			damage:    func(dir string) error { return writeFile(dir, "index/modules.json", `[{"path"`) },
			verifyErr: "modules.json: unexpected end of JSON input",
		},
		{
			name:      "missing entry",
			damage:    func(dir string) error { return os.Remove(filepath.Join(dir, "ID", "GO-2025-0002.json")) },
			verifyErr: "GO-2025-0002.json: no such file",
		},
		{
			name:      "entry count",
			damage:    func(dir string) error { return writeFile(dir, "index/vulns.json", `[{"id":"GO-2025-0001"}]`) },
			verifyErr: "lists 1 entries, but secscan-vulndb.json records 2",
		},
		{
			name: "unsafe id",
			damage: func(dir string) error {
				return writeFile(dir, "index/vulns.json", `[{"id":"../x"},{"id":"GO-2025-0002"}]`)
			},
			verifyErr: `invalid id "../x"`,
		},
		{
			name: "old stamp format",
			damage: func(dir string) error {
				return writeFile(dir, stampFile, `{"format":0,"module":"golang.org/x/vulndb","version":"v1"}`)
			},
			verifyErr: "written by another version of secscan",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			if _, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())}); err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(dir); err != nil {
				t.Fatal(err)
			}

			_, err := Open(dir)
			checkErr(t, "Open", err, tt.openErr)
			_, err = Verify(dir)
			checkErr(t, "Verify", err, tt.verifyErr)
		})
	}
}

func checkErr(t *testing.T, call string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s error = %v, want none", call, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s error = %v, want it to contain %q", call, err, want)
	}
}

func writeFile(dir, name, content string) error {
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644)
}

func TestFileURL(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the path in this test is a Unix path")
	}
	got, err := FileURL("/var/cache/secscan/go vulndb")
	if err != nil {
		t.Fatal(err)
	}
	if want := "file:///var/cache/secscan/go%20vulndb"; got != want {
		t.Errorf("FileURL = %q, want %q", got, want)
	}
}
