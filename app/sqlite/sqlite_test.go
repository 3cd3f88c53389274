package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/app"
	"github.com/guestbook-secscan/guestbook/app/sqlite"
)

func openTestDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func createEntry(t testing.TB, s *sqlite.EntryService, name, message string) *guestbook.Entry {
	t.Helper()
	e := &guestbook.Entry{Name: name, Message: message, InstanceID: "test"}
	if err := s.CreateEntry(context.Background(), e); err != nil {
		t.Fatalf("CreateEntry(%q, %q): %v", name, message, err)
	}
	return e
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "guestbook.db")
	openTestDB(t, path)

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode = %v, want 0600", mode)
	}
}

func TestOpenRejectsDSNSyntax(t *testing.T) {
	for _, path := range []string{"", "x.db?_pragma=foo", "file:x.db", "x.db#frag"} {
		if db, err := sqlite.Open(context.Background(), path); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestReopenKeepsEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guestbook.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	createEntry(t, sqlite.NewEntryService(db), "Ann", "first start")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A second start runs the migrations again; the entry must survive.
	db = openTestDB(t, path)
	entries, total, err := sqlite.NewEntryService(db).FindEntries(context.Background(), guestbook.EntryFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(entries) != 1 || entries[0].Message != "first start" {
		t.Errorf("after reopening: total %d, entries %+v; want the one entry", total, entries)
	}
}

func TestMigrationsRecordedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guestbook.db")
	for range 3 {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}

	raw := openRaw(t, path)
	var versions []int
	rows, err := raw.Query(`SELECT version FROM migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if diff := cmp.Diff([]int{1}, versions); diff != "" {
		t.Errorf("migrations table (-want +got):\n%s", diff)
	}
}

// TestMigrationsNeverDrop reads the migration source: no statement may
// drop, delete from or rename a table, because the guestbook's data must
// outlive every restart and upgrade.
func TestMigrationsNeverDrop(t *testing.T) {
	src, err := os.ReadFile("migrate.go")
	if err != nil {
		t.Fatal(err)
	}
	destructive := regexp.MustCompile(`(?i)\b(DROP\s+TABLE|DELETE\s+FROM|RENAME\s+TO|TRUNCATE)\b`)
	if m := destructive.Find(src); m != nil {
		t.Errorf("migrate.go contains %q; migrations must only add", m)
	}
}

func TestOpenSetsWALMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guestbook.db")
	openTestDB(t, path)

	raw := openRaw(t, path)
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestFindEntriesPages(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "guestbook.db"))
	s := sqlite.NewEntryService(db)
	for i := range 7 {
		createEntry(t, s, "Ann", fmt.Sprintf("message %d", i))
	}

	tests := []struct {
		filter guestbook.EntryFilter
		want   []string
	}{
		{guestbook.EntryFilter{Limit: 3}, []string{"message 6", "message 5", "message 4"}},
		{guestbook.EntryFilter{Offset: 3, Limit: 3}, []string{"message 3", "message 2", "message 1"}},
		{guestbook.EntryFilter{Offset: 6, Limit: 3}, []string{"message 0"}},
		{guestbook.EntryFilter{Offset: 9, Limit: 3}, []string{}},
		{guestbook.EntryFilter{}, nil},
	}
	for _, tt := range tests {
		entries, total, err := s.FindEntries(context.Background(), tt.filter)
		if err != nil {
			t.Fatalf("FindEntries(%+v): %v", tt.filter, err)
		}
		if total != 7 {
			t.Errorf("FindEntries(%+v) total = %d, want 7", tt.filter, total)
		}
		var got []string
		if entries != nil {
			got = []string{}
		}
		for _, e := range entries {
			got = append(got, e.Message)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindEntries(%+v) messages (-want +got):\n%s", tt.filter, diff)
		}
	}
}

func TestFindEntriesRejectsNegative(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "guestbook.db"))
	_, _, err := sqlite.NewEntryService(db).FindEntries(context.Background(), guestbook.EntryFilter{Offset: -1, Limit: 1})
	if err == nil {
		t.Error("FindEntries with offset -1 succeeded, want an error")
	}
}

func TestCreateEntryStoresFields(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "guestbook.db"))
	fixed := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	db.Now = func() time.Time { return fixed }
	s := sqlite.NewEntryService(db)

	created := createEntry(t, s, `Robert'); DROP TABLE entries;--`, "line one\nline two")
	entries, _, err := s.FindEntries(context.Background(), guestbook.EntryFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := &guestbook.Entry{
		ID:         created.ID,
		Name:       `Robert'); DROP TABLE entries;--`,
		Message:    "line one\nline two",
		InstanceID: "test",
		CreatedAt:  fixed,
	}
	if diff := cmp.Diff([]*guestbook.Entry{want}, entries); diff != "" {
		t.Errorf("stored entry (-want +got):\n%s", diff)
	}
}

func TestCreateEntryValidates(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "guestbook.db"))
	s := sqlite.NewEntryService(db)
	err := s.CreateEntry(context.Background(), &guestbook.Entry{Name: "", Message: "x"})
	var invalid *guestbook.ValidationError
	if !errors.As(err, &invalid) {
		t.Errorf("CreateEntry with empty name: error = %v, want *ValidationError", err)
	}
}

// TestConcurrentWriters stores entries from 64 goroutines at once, through
// two DB values on the same file as two instances would. Every write must
// succeed, with no "database is locked", and every entry be stored once.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guestbook.db")
	services := []*sqlite.EntryService{
		sqlite.NewEntryService(openTestDB(t, path)),
		sqlite.NewEntryService(openTestDB(t, path)),
	}
	const writers, perWriter = 64, 10

	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			s := services[w%len(services)]
			for i := range perWriter {
				e := &guestbook.Entry{Name: fmt.Sprintf("writer %d", w), Message: fmt.Sprintf("%d/%d", w, i), InstanceID: "test"}
				if err := s.CreateEntry(context.Background(), e); err != nil {
					errs <- fmt.Errorf("writer %d entry %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	counts := messageCounts(t, openRaw(t, path))
	if len(counts) != writers*perWriter {
		t.Errorf("stored %d distinct messages, want %d", len(counts), writers*perWriter)
	}
	for msg, n := range counts {
		if n != 1 {
			t.Errorf("message %q stored %d times, want 1", msg, n)
		}
	}
}

func messageCounts(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	rows, err := raw.Query(`SELECT message, COUNT(*) FROM entries GROUP BY message`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := make(map[string]int)
	for rows.Next() {
		var msg string
		var n int
		if err := rows.Scan(&msg, &n); err != nil {
			t.Fatal(err)
		}
		counts[msg] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// openRaw opens the file without the package, as an outside inspector.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	return raw
}

// BenchmarkCreateEntry64Writers measures entries stored per second with 64
// goroutines writing at once, the load the guestbook must take without a
// "database is locked" error.
func BenchmarkCreateEntry64Writers(b *testing.B) {
	db := openTestDB(b, filepath.Join(b.TempDir(), "guestbook.db"))
	s := sqlite.NewEntryService(db)
	const writers = 64
	message := strings.Repeat("m", 200)

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		n := b.N / writers
		if w < b.N%writers {
			n++
		}
		wg.Go(func() {
			for range n {
				e := &guestbook.Entry{Name: "bench", Message: message, InstanceID: "bench"}
				if err := s.CreateEntry(context.Background(), e); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
}
