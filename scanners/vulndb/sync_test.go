package vulndb

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

func TestSyncFromModuleDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	var progress bytes.Buffer
	res, err := Sync(context.Background(), SyncOptions{
		Dir:       dir,
		ModuleDir: testdataPath(t, "vulndb-module"),
		Version:   handVersion,
		Progress:  &progress,
	})
	if err != nil {
		t.Fatal(err)
	}

	wantURL, err := FileURL(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := *res
	got.Duration, got.Size = 0, 0
	want := SyncResult{Dir: dir, URL: wantURL, Version: handVersion, Modified: handTime, Entries: 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sync result mismatch (-want +got):\n%s", diff)
	}
	if res.Size <= 0 {
		t.Errorf("Sync size = %d, want > 0", res.Size)
	}

	var meta dbMeta
	readFileJSON(t, dir, dbIndexFile, &meta)
	if !meta.Modified.Equal(handTime) {
		t.Errorf("index/db.json modified = %v, want %v", meta.Modified, handTime)
	}

	var modules []moduleMeta
	readFileJSON(t, dir, modulesIndexFile, &modules)
	wantModules := []moduleMeta{{
		Path: "golang.org/x/text",
		Vulns: []moduleVuln{
			{ID: "GO-2020-0015", Modified: handTime, Fixed: "0.3.3"},
			{ID: "GO-2021-0113", Modified: handTime, Fixed: "0.3.7"},
			{ID: "GO-2022-1059", Modified: handTime, Fixed: "0.3.8"},
		},
	}}
	if diff := cmp.Diff(wantModules, modules); diff != "" {
		t.Errorf("index/modules.json mismatch (-want +got):\n%s", diff)
	}

	var vulns []vulnMeta
	readFileJSON(t, dir, vulnsIndexFile, &vulns)
	wantVulns := []vulnMeta{
		{ID: "GO-2020-0015", Modified: handTime, Aliases: []string{"CVE-2020-14040", "GHSA-5rcv-m4m3-hfh7"}},
		{ID: "GO-2021-0113", Modified: handTime, Aliases: []string{"CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"}},
		{ID: "GO-2022-1059", Modified: handTime, Aliases: []string{"CVE-2022-32149", "GHSA-69ch-w2m2-3vjp"}},
	}
	if diff := cmp.Diff(wantVulns, vulns); diff != "" {
		t.Errorf("index/vulns.json mismatch (-want +got):\n%s", diff)
	}

	var e entry
	readFileJSON(t, dir, "ID/GO-2021-0113.json", &e)
	if !e.Modified.Equal(handTime) || e.ID != "GO-2021-0113" || len(e.Affected) != 1 {
		t.Errorf("ID/GO-2021-0113.json = id %q, modified %v, %d affected; want GO-2021-0113, %v, 1", e.ID, e.Modified, len(e.Affected), handTime)
	}

	if _, err := Verify(dir); err != nil {
		t.Errorf("Verify after Sync: %v", err)
	}
	for _, want := range []string{"parsed 3 OSV entries", "skipped 0", "wrote " + dir} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress output does not contain %q:\n%s", want, progress.String())
		}
	}
	if names := siblings(t, dir); len(names) != 0 {
		t.Errorf("Sync left %v next to the database", names)
	}
}

func TestSyncUpToDate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	mod := writeModuleDir(t, fakeVersion1, goodFiles())
	opts := SyncOptions{Dir: dir, ModuleDir: mod}

	first, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.UpToDate {
		t.Fatal("first Sync reported UpToDate")
	}
	stampBefore, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		t.Fatal(err)
	}

	var progress bytes.Buffer
	opts.Progress = &progress
	second, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !second.UpToDate || second.Version != fakeVersion1 || second.Entries != 2 {
		t.Errorf("second Sync = UpToDate %t, version %s, %d entries; want true, %s, 2", second.UpToDate, second.Version, second.Entries, fakeVersion1)
	}
	if !strings.Contains(progress.String(), "nothing to do") {
		t.Errorf("progress output of an up-to-date Sync = %q, want it to say nothing to do", progress.String())
	}
	stampAfter, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stampBefore, stampAfter) {
		t.Error("up-to-date Sync rewrote the stamp")
	}

	// An incomplete database is rebuilt.
	if err := os.Remove(filepath.Join(dir, entryDir, "GO-2025-0001.json")); err != nil {
		t.Fatal(err)
	}
	third, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if third.UpToDate {
		t.Error("Sync over an incomplete database reported UpToDate")
	}
	if _, err := os.Stat(filepath.Join(dir, entryDir, "GO-2025-0001.json")); err != nil {
		t.Errorf("rebuilt database: %v", err)
	}

	// Force rebuilds a complete database.
	opts.Force = true
	forced, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if forced.UpToDate {
		t.Error("forced Sync reported UpToDate")
	}
}

func TestSyncSkipsBadEntries(t *testing.T) {
	files := goodFiles()
	good := files["GO-2025-0002.json"]
	files["GO-2025-0003.json"] = good[:len(good)/3]
	files["GO-2025-0004.json"] = `{"id": "GO-2025-0004", "modified": "0001-01-01T00:00:00Z", "details": "no affected"}`
	files["GO-2025-0005.json"] = `{"id": "GO-2025-0005", "affected": [{"package": {"name": "example.com/c", "ecosystem": "Go"}}]}`
	files["README.md"] = "not an entry"
	dir := filepath.Join(t.TempDir(), "db")

	var progress bytes.Buffer
	res, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, files), Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entries != 2 {
		t.Errorf("Sync entries = %d, want 2", res.Entries)
	}
	want := []Skip{
		{File: "data/osv/GO-2025-0003.json", Reason: "invalid OSV JSON: unexpected end of JSON input"},
		{File: "data/osv/GO-2025-0004.json", ID: "GO-2025-0004", Reason: "no affected modules"},
		{File: "data/osv/GO-2025-0005.json", ID: "GO-2025-0005", Reason: "affected module example.com/c has no version ranges"},
	}
	if diff := cmp.Diff(want, res.Skipped); diff != "" {
		t.Errorf("Sync skipped mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(progress.String(), "skipped data/osv/GO-2025-0004.json: no affected modules") {
		t.Errorf("progress output does not name the skipped file:\n%s", progress.String())
	}

	db, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, db.Skipped); diff != "" {
		t.Errorf("Verify skipped mismatch (-want +got):\n%s", diff)
	}
	for _, id := range []string{"GO-2025-0003", "GO-2025-0004", "GO-2025-0005"} {
		if _, err := os.Stat(filepath.Join(dir, entryDir, id+".json")); err == nil {
			t.Errorf("skipped entry %s was written", id)
		}
	}
}

// TestSyncKeepsPreviousDatabase syncs a good module, then sources that
// fail, and checks that the first database is still complete after each.
func TestSyncKeepsPreviousDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	if _, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())}); err != nil {
		t.Fatal(err)
	}

	truncatedZip := filepath.Join(t.TempDir(), fakeVersion2+".zip")
	writeModuleZip(t, truncatedZip, fakeVersion2, goodFiles())
	zipData, err := os.ReadFile(truncatedZip)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncatedZip, zipData[:len(zipData)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	noIndex := filepath.Join(t.TempDir(), "vulndb@"+fakeVersion2)
	if err := os.MkdirAll(filepath.Join(noIndex, "data", "reports"), 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		moduleDir string
		wantErr   string
	}{
		{
			name: "all entries bad",
			moduleDir: writeModuleDir(t, fakeVersion2, map[string]string{
				"GO-2025-0001.json": `{"id": "GO-2025-0001", "affected": [`,
				"GO-2025-0002.json": `{"id": "GO-2025-0002"}`,
			}),
			wantErr: "no usable OSV entries",
		},
		{"no data/osv", noIndex, "has no data/osv directory"},
		{"truncated zip", truncatedZip, "zip"},
		{"missing module", filepath.Join(t.TempDir(), "absent"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: tt.moduleDir, Version: fakeVersion2})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Sync error = %v, want it to contain %q", err, tt.wantErr)
			}
			db, err := Verify(dir)
			if err != nil {
				t.Fatalf("previous database no longer verifies: %v", err)
			}
			if db.Version != fakeVersion1 || db.Entries != 2 {
				t.Errorf("database after a failed Sync = %s with %d entries, want %s with 2", db.Version, db.Entries, fakeVersion1)
			}
			if names := siblings(t, dir); len(names) != 0 {
				t.Errorf("failed Sync left %v next to the database", names)
			}
		})
	}
}

func TestSyncReplacesPreviousDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	if _, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())}); err != nil {
		t.Fatal(err)
	}

	files := map[string]string{"GO-2025-0009.json": osvEntry("GO-2025-0009", "example.com/z", "2.0.0")}
	res, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion2, files)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != fakeVersion2 || !res.Modified.Equal(fakeTime2) || res.Entries != 1 {
		t.Errorf("Sync = %s, modified %v, %d entries; want %s, %v, 1", res.Version, res.Modified, res.Entries, fakeVersion2, fakeTime2)
	}

	ents, err := os.ReadDir(filepath.Join(dir, entryDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"GO-2025-0009.json"}, names); diff != "" {
		t.Errorf("entries after replacing the database mismatch (-want +got):\n%s", diff)
	}
	if names := siblings(t, dir); len(names) != 0 {
		t.Errorf("Sync left %v next to the database", names)
	}
}

func TestSyncRejectsForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	precious := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(precious, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())})
	if err == nil || !strings.Contains(err.Error(), "contains no Go vulnerability database") {
		t.Fatalf("Sync into a directory of other files: error = %v, want a refusal", err)
	}
	if b, err := os.ReadFile(precious); err != nil || string(b) != "keep me" {
		t.Errorf("file in the directory = %q, %v; want it unchanged", b, err)
	}
}

func TestSyncIntoEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())}); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir); err != nil {
		t.Error(err)
	}
}

func TestSyncModuleVersion(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "vulndb")
	if err := os.MkdirAll(filepath.Join(plain, "data", "osv"), 0o755); err != nil {
		t.Fatal(err)
	}
	tagged := writeModuleDir(t, "v1.0.0", goodFiles())

	tests := []struct {
		name    string
		opts    SyncOptions
		wantErr string
	}{
		{"no version in name", SyncOptions{ModuleDir: plain}, `version "" is not a module version`},
		{"query", SyncOptions{ModuleDir: plain, Version: "master"}, `version "master" is not a module version`},
		{"tag without time", SyncOptions{ModuleDir: tagged}, "not a pseudo-version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Dir = filepath.Join(t.TempDir(), "db")
			_, err := Sync(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Sync error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}

	t.Run("tag with time", func(t *testing.T) {
		when := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
		res, err := Sync(context.Background(), SyncOptions{Dir: filepath.Join(t.TempDir(), "db"), ModuleDir: tagged, ModuleTime: when})
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != "v1.0.0" || !res.Modified.Equal(when) {
			t.Errorf("Sync = %s modified %v, want v1.0.0 modified %v", res.Version, res.Modified, when)
		}
	})
}

func TestSyncFromZip(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), fakeVersion1+".zip")
	writeModuleZip(t, zipPath, fakeVersion1, goodFiles())
	dir := filepath.Join(t.TempDir(), "db")

	res, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: zipPath})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != fakeVersion1 || !res.Modified.Equal(fakeTime1) || res.Entries != 2 {
		t.Errorf("Sync = %s, modified %v, %d entries; want %s, %v, 2", res.Version, res.Modified, res.Entries, fakeVersion1, fakeTime1)
	}
}

// TestSyncThroughGoCommand runs the real go command against a module proxy
// in a local directory (GOPROXY=file://...), so no request leaves the
// machine.
func TestSyncThroughGoCommand(t *testing.T) {
	proxy := t.TempDir()
	writeProxyVersion(t, proxy, fakeVersion1, fakeTime1, goodFiles())
	files2 := goodFiles()
	files2["GO-2025-0003.json"] = osvEntry("GO-2025-0003", "example.com/c", "3.0.0")
	writeProxyVersion(t, proxy, fakeVersion2, fakeTime2, files2)

	proxyURL, err := FileURL(proxy)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"GOPROXY=" + proxyURL,
		"GONOSUMDB=" + ModulePath,
		"GOMODCACHE=" + t.TempDir(),
		// -mod=vendor would stop go mod download; Sync replaces it.
		"GOFLAGS=-mod=vendor -modcacherw",
		"GOTOOLCHAIN=local",
	}
	dir := filepath.Join(t.TempDir(), "db")
	var progress bytes.Buffer
	opts := SyncOptions{Dir: dir, Env: env, Progress: &progress}

	res, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatalf("Sync: %v\nprogress:\n%s", err, progress.String())
	}
	if res.Version != fakeVersion2 || !res.Modified.Equal(fakeTime2) || res.Entries != 3 {
		t.Errorf("Sync of latest = %s, modified %v, %d entries; want %s, %v, 3", res.Version, res.Modified, res.Entries, fakeVersion2, fakeTime2)
	}
	for _, want := range []string{"resolving golang.org/x/vulndb@latest", "downloading golang.org/x/vulndb@" + fakeVersion2} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress output does not contain %q:\n%s", want, progress.String())
		}
	}

	again, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !again.UpToDate {
		t.Error("second Sync of latest did not report UpToDate")
	}

	opts.Version = fakeVersion1
	older, err := Sync(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if older.Version != fakeVersion1 || older.Entries != 2 || older.UpToDate {
		t.Errorf("Sync of %s = %s, %d entries, UpToDate %t; want %s, 2, false", fakeVersion1, older.Version, older.Entries, older.UpToDate, fakeVersion1)
	}

	opts.Version = "v0.0.0-20200101000000-cccccccccccc"
	if _, err := Sync(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "downloading golang.org/x/vulndb@v0.0.0-20200101000000-cccccccccccc") {
		t.Errorf("Sync of an unknown version: error = %v, want a download error naming it", err)
	}
	if db, err := Verify(dir); err != nil || db.Version != fakeVersion1 {
		t.Errorf("database after a failed download = %v, %v; want %s", db, err, fakeVersion1)
	}
}

func TestSyncWithoutGoCommand(t *testing.T) {
	_, err := Sync(context.Background(), SyncOptions{Dir: filepath.Join(t.TempDir(), "db"), GoCommand: filepath.Join(t.TempDir(), "no-go")})
	if err == nil || !strings.Contains(err.Error(), "finding the go command") {
		t.Errorf("Sync without a go command: error = %v, want it to say the go command is missing", err)
	}
}

func TestWithModMod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-mod=mod"},
		{"-mod=vendor", "-mod=mod"},
		{"-buildvcs=false --mod=readonly -modcacherw", "-buildvcs=false -modcacherw -mod=mod"},
	}
	for _, tt := range tests {
		if got := withModMod(tt.in); got != tt.want {
			t.Errorf("withModMod(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// writeModuleZip writes a module zip of golang.org/x/vulndb@version with
// files in data/osv, as the go command would.
func writeModuleZip(t testing.TB, path, version string, files map[string]string) {
	t.Helper()
	src := writeModuleDir(t, version, files)
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := modzip.CreateFromDir(f, module.Version{Path: ModulePath, Version: version}, src); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	// Check the layout that openModuleZip relies on.
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if !strings.HasPrefix(zr.File[0].Name, ModulePath+"@"+version+"/") {
		t.Fatalf("module zip file %s lacks the module prefix", zr.File[0].Name)
	}
}

// writeProxyVersion adds golang.org/x/vulndb@version to a module proxy in
// the directory proxy, in the layout of GOPROXY=file://, and makes it the
// latest version.
func writeProxyVersion(t testing.TB, proxy, version string, when time.Time, files map[string]string) {
	t.Helper()
	dir := filepath.Join(proxy, filepath.FromSlash(ModulePath), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeModuleZip(t, filepath.Join(dir, version+".zip"), version, files)

	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, when})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, version+".info"), info, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, version+".mod"), []byte("module "+ModulePath+"\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The go command ignores pseudo-versions in the list and requests
	// @latest instead.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "@latest"), info, 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := os.OpenFile(filepath.Join(dir, "list"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer list.Close()
	if _, err := list.WriteString(version + "\n"); err != nil {
		t.Fatal(err)
	}
}
