package vulndb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/vuln/scan"
)

// pinnedVulndbVersion is the golang.org/x/vulndb version that the full
// sync test fetches through the module proxy.
const pinnedVulndbVersion = "v0.0.0-20261105234957-e22db6528018"

// govulncheckReport is what a govulncheck -json scan of testdata/textmod
// reported.
type govulncheckReport struct {
	DB         string
	DBModified time.Time

	// Called maps each advisory with a symbol-level finding in
	// golang.org/x/text to the fixed version that govulncheck reported.
	Called map[string]string

	// Aliases holds the aliases of every advisory the scan emitted.
	Aliases map[string][]string
}

// govulncheckMessage is one object of govulncheck's JSON stream (protocol
// version 1.0.0 in golang.org/x/vuln v1.9.0), reduced to what the tests read.
type govulncheckMessage struct {
	Config *struct {
		DB             string     `json:"db"`
		DBLastModified *time.Time `json:"db_last_modified"`
	} `json:"config"`
	OSV *struct {
		ID      string   `json:"id"`
		Aliases []string `json:"aliases"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

// scanTextmod runs govulncheck in-process on testdata/textmod with the
// database at dbURL.
func scanTextmod(t testing.TB, dbURL string) govulncheckReport {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := scan.Command(context.Background(), "-C", testdataPath(t, "textmod"), "-db", dbURL, "-json", "./...")
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// The fixture is its own module, outside the repository's go.work.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("govulncheck -db %s: %v\nstderr:\n%s", dbURL, err, stderr.String())
	}

	report := govulncheckReport{Called: map[string]string{}, Aliases: map[string][]string{}}
	dec := json.NewDecoder(&stdout)
	for {
		var msg govulncheckMessage
		err := dec.Decode(&msg)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decoding govulncheck output: %v", err)
		}
		switch {
		case msg.Config != nil:
			report.DB = msg.Config.DB
			if msg.Config.DBLastModified != nil {
				report.DBModified = *msg.Config.DBLastModified
			}
		case msg.OSV != nil:
			aliases := append([]string(nil), msg.OSV.Aliases...)
			sort.Strings(aliases)
			report.Aliases[msg.OSV.ID] = aliases
		case msg.Finding != nil:
			tr := msg.Finding.Trace
			if len(tr) > 0 && tr[0].Module == "golang.org/x/text" && tr[0].Function != "" {
				report.Called[msg.Finding.OSV] = msg.Finding.FixedVersion
			}
		}
	}
	return report
}

// wantTextmodCalled is what testdata/textmod calls in golang.org/x/text
// v0.3.5: language.Parse (GO-2021-0113) and language.ParseAcceptLanguage
// (GO-2021-0113 and GO-2022-1059).
var wantTextmodCalled = map[string]string{
	"GO-2021-0113": "v0.3.7",
	"GO-2022-1059": "v0.3.8",
}

func TestGovulncheckReadsSyncedDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "govulndb")
	res, err := Sync(context.Background(), SyncOptions{Dir: dir, ModuleDir: testdataPath(t, "vulndb-module"), Version: handVersion})
	if err != nil {
		t.Fatal(err)
	}

	got := scanTextmod(t, res.URL)
	want := govulncheckReport{
		DB:         res.URL,
		DBModified: handTime,
		Called:     wantTextmodCalled,
		// govulncheck emits every entry of a required module, so
		// GO-2020-0015 appears although v0.3.5 is past its fix (v0.3.3)
		// and it has no finding.
		Aliases: map[string][]string{
			"GO-2020-0015": {"CVE-2020-14040", "GHSA-5rcv-m4m3-hfh7"},
			"GO-2021-0113": {"CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"},
			"GO-2022-1059": {"CVE-2022-32149", "GHSA-69ch-w2m2-3vjp"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("govulncheck report mismatch (-want +got):\n%s", diff)
	}
}

// handScan holds the scan of testdata/textmod with testdata/handdb, which
// two tests read; a scan takes seconds.
var handScan struct {
	once   sync.Once
	report govulncheckReport
}

func scanTextmodHandDB(t *testing.T) govulncheckReport {
	t.Helper()
	handScan.once.Do(func() {
		handScan.report = scanTextmod(t, fileURL(t, testdataPath(t, "handdb")))
	})
	if handScan.report.Called == nil {
		t.Fatal("the scan with testdata/handdb failed in an earlier test")
	}
	return handScan.report
}

func TestGovulncheckReadsHandWrittenDatabase(t *testing.T) {
	got := scanTextmodHandDB(t)
	if diff := cmp.Diff(wantTextmodCalled, got.Called); diff != "" {
		t.Errorf("called advisories mismatch (-want +got):\n%s", diff)
	}
	if !got.DBModified.Equal(handTime) {
		t.Errorf("db_last_modified = %v, want %v", got.DBModified, handTime)
	}
}

// TestFullModuleSync builds the database from the real golang.org/x/vulndb
// module, fetched through the module proxy, and checks that govulncheck
// reports the same advisories for testdata/textmod as with the
// hand-written database. It keeps the database in $SECSCAN_VULNDB_DIR, or
// else in DefaultDir(), so that later runs find it up to date.
//
// NOTE: when that directory holds another version, this test replaces it
// with pinnedVulndbVersion.
func TestFullModuleSync(t *testing.T) {
	dir := os.Getenv("SECSCAN_VULNDB_DIR")
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}

	var progress bytes.Buffer
	res, err := Sync(context.Background(), SyncOptions{Dir: dir, Version: pinnedVulndbVersion, Progress: &progress})
	t.Logf("sync progress:\n%s", progress.String())
	if err != nil {
		t.Fatal(err)
	}

	wantModified := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	if res.Version != pinnedVulndbVersion || !res.Modified.Equal(wantModified) {
		t.Errorf("Sync = %s modified %v, want %s modified %v", res.Version, res.Modified, pinnedVulndbVersion, wantModified)
	}
	// golang.org/x/vulndb at that version has 4,789 OSV files, all valid.
	if res.Entries != 4789 || len(res.Skipped) != 0 {
		t.Errorf("Sync = %d entries, skipped %v; want 4789 entries, none skipped", res.Entries, res.Skipped)
	}
	if _, err := Verify(dir); err != nil {
		t.Fatal(err)
	}

	synced := scanTextmod(t, res.URL)
	hand := scanTextmodHandDB(t)
	if diff := cmp.Diff(hand.Called, synced.Called); diff != "" {
		t.Errorf("called golang.org/x/text advisories, hand-written vs synced database (-hand +synced):\n%s", diff)
	}
	if diff := cmp.Diff(wantTextmodCalled, synced.Called); diff != "" {
		t.Errorf("called advisories with the synced database mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"}, synced.Aliases["GO-2021-0113"]); diff != "" {
		t.Errorf("GO-2021-0113 aliases mismatch (-want +got):\n%s", diff)
	}
	if !synced.DBModified.Equal(wantModified) {
		t.Errorf("db_last_modified = %v, want %v", synced.DBModified, wantModified)
	}
}
