package sqlite

import (
	"context"
	"fmt"
)

// migration is one step of the schema. Steps only add: a migration never
// drops or rewrites a table, so starting a new instance, or an old and a new
// version side by side, never loses entries.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations are applied in order, each once, in its own transaction. Append
// new steps at the end and never edit an applied one.
var migrations = []migration{
	{
		version: 1,
		name:    "create entries and instances",
		statements: []string{
			`CREATE TABLE IF NOT EXISTS entries (
				id          INTEGER PRIMARY KEY AUTOINCREMENT,
				name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
				message     TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
				instance_id TEXT NOT NULL,
				created_at  TEXT NOT NULL
			) STRICT`,
			`CREATE TABLE IF NOT EXISTS instances (
				id         TEXT PRIMARY KEY,
				boot_id    TEXT NOT NULL,
				version    TEXT NOT NULL,
				started_at TEXT NOT NULL,
				last_seen  TEXT NOT NULL
			) STRICT`,
		},
	},
}

// migrate creates the migrations table and applies every migration that the
// table does not list. Instances that start together on one file apply each
// migration once, because every write transaction begins with BEGIN
// IMMEDIATE and so holds the write lock from its first statement.
func (db *DB) migrate(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`)
	if err != nil {
		return fmt.Errorf("creating migrations table: %w", err)
	}
	for _, m := range migrations {
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("applying migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, m migration) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()

	var applied int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE version = ?`, m.version).Scan(&applied)
	if err != nil {
		return err
	}
	if applied > 0 {
		return nil
	}

	for _, stmt := range m.statements {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, formatTime(db.now()))
	if err != nil {
		return err
	}
	return tx.Commit()
}
