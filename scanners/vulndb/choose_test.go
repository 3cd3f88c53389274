package vulndb

import (
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var publicTime = time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)

// publicServer serves index/db.json.gz the way vuln.go.dev does and counts
// the requests it receives.
func publicServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/index/db.json.gz" {
			http.NotFound(w, r)
			return
		}
		zw := gzip.NewWriter(w)
		if _, err := zw.Write([]byte(`{"modified":"2026-12-03T18:00:00Z"}`)); err != nil {
			t.Error(err)
		}
		if err := zw.Close(); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// forbiddenServer fails the test on any request.
func forbiddenServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "forbidden in this test", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedPortURL returns an http URL on 127.0.0.1 where nothing listens.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// syncedDir returns a database directory built from a fake module.
func syncedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "govulndb")
	if _, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// noGo is a go command that does not exist, so that a Sync through the
// module proxy fails instead of reaching the network.
func noGo(t *testing.T) string { return filepath.Join(t.TempDir(), "no-go") }

func fileURL(t *testing.T, dir string) string {
	t.Helper()
	u, err := FileURL(dir)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestChoose(t *testing.T) {
	public, _ := publicServer(t)
	handDB := testdataPath(t, "handdb")
	local := syncedDir(t)

	tests := []struct {
		name      string
		opts      ChooseOptions
		want      Source
		wantNotes []string // substrings, one per note
	}{
		{
			name:      "flag URL",
			opts:      ChooseOptions{Flag: public.URL + "/", PublicURL: closedPortURL(t)},
			want:      Source{URL: public.URL, Kind: KindFlag, Modified: publicTime},
			wantNotes: []string{"from --govulndb: " + public.URL + " (modified 2026-12-03T18:00:00Z)"},
		},
		{
			name:      "flag directory",
			opts:      ChooseOptions{Flag: handDB, Offline: true},
			want:      Source{URL: fileURL(t, handDB), Kind: KindFlag, Dir: handDB, Modified: handTime},
			wantNotes: []string{"from --govulndb: file://"},
		},
		{
			name:      "flag file URL",
			opts:      ChooseOptions{Flag: fileURL(t, local), Offline: true},
			want:      Source{URL: fileURL(t, local), Kind: KindFlag, Dir: local, Modified: fakeTime1, Version: fakeVersion1},
			wantNotes: []string{"golang.org/x/vulndb@" + fakeVersion1},
		},
		{
			name:      "public reachable",
			opts:      ChooseOptions{PublicURL: public.URL, Sync: SyncOptions{Dir: local}},
			want:      Source{URL: public.URL, Kind: KindPublic, Modified: publicTime},
			wantNotes: []string{"using the public Go vulnerability database " + public.URL + " (modified 2026-12-03T18:00:00Z)"},
		},
		{
			name: "public unreachable",
			opts: ChooseOptions{PublicURL: closedPortURL(t), Sync: SyncOptions{Dir: local, GoCommand: noGo(t)}},
			want: Source{URL: fileURL(t, local), Kind: KindLocal, Dir: local, Modified: fakeTime1, Version: fakeVersion1},
			wantNotes: []string{
				"is not reachable",
				"using the local Go vulnerability database file://",
			},
		},
		{
			name: "public not found",
			opts: ChooseOptions{PublicURL: public.URL + "/missing", Sync: SyncOptions{Dir: local, GoCommand: noGo(t)}},
			want: Source{URL: fileURL(t, local), Kind: KindLocal, Dir: local, Modified: fakeTime1, Version: fakeVersion1},
			wantNotes: []string{
				"404 Not Found",
				"(golang.org/x/vulndb@" + fakeVersion1 + ", modified 2026-01-01T12:00:00Z)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Choose(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(Source{}, "Notes")); diff != "" {
				t.Errorf("Choose mismatch (-want +got):\n%s", diff)
			}
			if len(got.Notes) != len(tt.wantNotes) {
				t.Fatalf("Choose notes = %q, want %d notes", got.Notes, len(tt.wantNotes))
			}
			for i, want := range tt.wantNotes {
				if !strings.Contains(got.Notes[i], want) {
					t.Errorf("Choose note %d = %q, want it to contain %q", i, got.Notes[i], want)
				}
			}
		})
	}
}

func TestChooseFlagErrors(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name    string
		flag    string
		offline bool
		wantErr []string
	}{
		{"directory without index", empty, false, []string{empty, "index/db.json", "secscan vulndb sync --dir " + empty}},
		{"missing directory", filepath.Join(empty, "absent"), false, []string{"absent", "secscan vulndb sync --dir"}},
		{"URL while offline", "https://vulndb.test", true, []string{"--offline is set"}},
		{"unsupported scheme", "ftp://vulndb.test/db", false, []string{`unsupported scheme "ftp"`}},
		{"file URL with host", "file://server/share/db", false, []string{`host "server"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Choose(context.Background(), ChooseOptions{Flag: tt.flag, Offline: tt.offline, PublicURL: forbiddenServer(t).URL})
			if err == nil {
				t.Fatal("Choose returned no error")
			}
			if !errors.Is(err, ErrInvalidFlag) || errors.Is(err, ErrNoDatabase) {
				t.Errorf("Choose error %q does not match ErrInvalidFlag alone", err)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Choose error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestChooseOfflineUsesLocal(t *testing.T) {
	local := syncedDir(t)
	got, err := Choose(context.Background(), ChooseOptions{
		Offline:   true,
		PublicURL: forbiddenServer(t).URL,
		Sync:      SyncOptions{Dir: local, GoCommand: noGo(t)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Source{URL: fileURL(t, local), Kind: KindLocal, Dir: local, Modified: fakeTime1, Version: fakeVersion1}
	if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(Source{}, "Notes")); diff != "" {
		t.Errorf("Choose mismatch (-want +got):\n%s", diff)
	}
	if len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "using the local Go vulnerability database") {
		t.Errorf("Choose notes = %q, want one note naming the local database", got.Notes)
	}
}

func TestChooseOfflineWithoutLocal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "govulndb")
	_, err := Choose(context.Background(), ChooseOptions{
		Offline:   true,
		PublicURL: forbiddenServer(t).URL,
		Sync:      SyncOptions{Dir: dir, GoCommand: noGo(t)},
	})
	if err == nil {
		t.Fatal("Choose returned no error")
	}
	if !errors.Is(err, ErrNoDatabase) {
		t.Errorf("Choose error %q does not match ErrNoDatabase", err)
	}
	for _, want := range []string{"offline", dir, "secscan vulndb sync", "--govulndb"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Choose error = %q, want it to contain %q", err, want)
		}
	}
	if _, statErr := os.Stat(dir); statErr == nil {
		t.Errorf("offline Choose created %s", dir)
	}
}

func TestChooseSyncsMissingLocal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "govulndb")
	got, err := Choose(context.Background(), ChooseOptions{
		PublicURL: closedPortURL(t),
		Sync:      SyncOptions{Dir: dir, ModuleDir: writeModuleDir(t, fakeVersion1, goodFiles())},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != KindLocal || got.Dir != dir || got.Version != fakeVersion1 {
		t.Errorf("Choose = %s %s %s, want local %s %s", got.Kind, got.Dir, got.Version, dir, fakeVersion1)
	}
	wantNotes := []string{"is not reachable", "no local Go vulnerability database in " + dir, "using the local Go vulnerability database"}
	if len(got.Notes) != len(wantNotes) {
		t.Fatalf("Choose notes = %q, want %d notes", got.Notes, len(wantNotes))
	}
	for i, want := range wantNotes {
		if !strings.Contains(got.Notes[i], want) {
			t.Errorf("Choose note %d = %q, want it to contain %q", i, got.Notes[i], want)
		}
	}
}

func TestChooseSyncFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "govulndb")
	_, err := Choose(context.Background(), ChooseOptions{
		PublicURL: closedPortURL(t),
		Sync:      SyncOptions{Dir: dir, GoCommand: noGo(t)},
	})
	if err == nil {
		t.Fatal("Choose returned no error")
	}
	var execErr *exec.Error
	if !errors.Is(err, ErrNoDatabase) || !errors.As(err, &execErr) {
		t.Errorf("Choose error %q does not match ErrNoDatabase and wrap the *exec.Error", err)
	}
	for _, want := range []string{"is not reachable", "syncing the local Go vulnerability database", "finding the go command"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Choose error = %q, want it to contain %q", err, want)
		}
	}
}

func TestSourceStale(t *testing.T) {
	now := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		src      Source
		maxAge   time.Duration
		want     bool
		wantWarn string
	}{
		{"fresh", Source{URL: PublicURL, Kind: KindPublic, Modified: now.Add(-6 * 24 * time.Hour)}, 0, false, ""},
		{"old", Source{URL: "file:///db", Kind: KindLocal, Modified: now.Add(-10 * 24 * time.Hour)}, 0, true,
			"the Go vulnerability database file:///db was last modified 10 days ago, on 2026-12-10; advisories published since then are not reported; run `secscan vulndb sync` to update it"},
		{"old public", Source{URL: PublicURL, Kind: KindPublic, Modified: now.Add(-10 * 24 * time.Hour)}, 0, true,
			"the Go vulnerability database https://vuln.go.dev was last modified 10 days ago, on 2026-12-10; advisories published since then are not reported"},
		{"custom max age", Source{URL: PublicURL, Kind: KindPublic, Modified: now.Add(-2 * 24 * time.Hour)}, 24 * time.Hour, true,
			"the Go vulnerability database https://vuln.go.dev was last modified 2 days ago, on 2026-12-18; advisories published since then are not reported"},
		{"unknown date", Source{URL: PublicURL, Kind: KindFlag}, 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.src.Stale(now, tt.maxAge); got != tt.want {
				t.Errorf("Stale = %t, want %t", got, tt.want)
			}
			if got := tt.src.StaleWarning(now, tt.maxAge); got != tt.wantWarn {
				t.Errorf("StaleWarning = %q, want %q", got, tt.wantWarn)
			}
		})
	}
}

func TestSourceProperties(t *testing.T) {
	local := Source{URL: "file:///db", Kind: KindLocal, Dir: "/db", Modified: fakeTime1, Version: fakeVersion1}
	want := map[string]any{
		"govulndb.source":   "file:///db",
		"govulndb.kind":     "local",
		"govulndb.modified": "2026-01-01T12:00:00Z",
		"govulndb.version":  fakeVersion1,
	}
	if diff := cmp.Diff(want, local.Properties()); diff != "" {
		t.Errorf("Properties mismatch (-want +got):\n%s", diff)
	}

	flag := Source{URL: "https://mirror.test", Kind: KindFlag}
	want = map[string]any{"govulndb.source": "https://mirror.test", "govulndb.kind": "flag"}
	if diff := cmp.Diff(want, flag.Properties()); diff != "" {
		t.Errorf("Properties without date mismatch (-want +got):\n%s", diff)
	}
}
