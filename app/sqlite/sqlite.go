package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// busyTimeout is how long a connection waits for a lock that another process
// holds before SQLite returns SQLITE_BUSY ("database is locked").
const busyTimeout = 10 * time.Second

// timeLayout stores times as UTC text of fixed width, so that comparing two
// stored values as strings orders them in time.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// DB is a guestbook database: one SQLite file opened through two pools.
type DB struct {
	// write has a single connection, so writers in this process queue for it
	// in Go instead of contending for SQLite's write lock. Its transactions
	// start with BEGIN IMMEDIATE, which waits up to busyTimeout for a lock
	// that another process holds.
	write *sql.DB
	// read has several connections. In WAL mode, readers do not block the
	// writer and the writer does not block them (see sqlite.org/wal.html).
	read *sql.DB

	// Now returns the current time. Tests replace it.
	Now func() time.Time
}

// Open opens or creates the database file at path, creating its directory
// if needed, and applies the migrations that the file lacks. A new file is
// created with mode 0600.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("missing database path: set -db or GUESTBOOK_DB")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("invalid database path %q: use a plain file path without '?', '#' or a file: prefix", path)
	}
	path = filepath.Clean(path)
	if err := createFile(path); err != nil {
		return nil, err
	}

	db := &DB{Now: time.Now}
	var err error
	if db.write, err = openPool(ctx, path, writeParams, 1); err != nil {
		return nil, err
	}
	if db.read, err = openPool(ctx, path, readParams, max(4, runtime.NumCPU())); err != nil {
		_ = db.write.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// DSN parameters of the two pools. synchronous=NORMAL in WAL mode keeps the
// database consistent after any crash, and every commit survives a crash of
// the process; only a power loss or an operating-system crash can roll back
// the last commits.
var (
	commonParams = fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)",
		busyTimeout.Milliseconds())
	writeParams = commonParams + "&_pragma=journal_mode(WAL)&_txlock=immediate"
	readParams  = commonParams + "&_pragma=query_only(1)"
)

// createFile creates an empty database file with mode 0600, and its
// directory with mode 0750, unless the file exists. SQLite gives the -wal
// and -shm files the same mode as the database file.
func createFile(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("opening database: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("creating database directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Clean(path), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // another instance created it first
	}
	if err != nil {
		return fmt.Errorf("creating database: %w", err)
	}
	return f.Close()
}

func openPool(ctx context.Context, path, params string, conns int) (*sql.DB, error) {
	pool, err := sql.Open("sqlite", path+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	return pool, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database file can be read.
func (db *DB) Ping(ctx context.Context) error {
	var version int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM migrations`).Scan(&version)
	if err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	return nil
}

// now returns the current time in UTC, truncated to what timeLayout stores.
func (db *DB) now() time.Time {
	return db.Now().UTC().Round(0)
}

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parsing stored time %q: %w", s, err)
	}
	return t, nil
}
