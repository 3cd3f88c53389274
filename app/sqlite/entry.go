package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/guestbook-secscan/guestbook/app"
)

// EntryService stores entries in the database.
type EntryService struct {
	db *DB
}

var _ guestbook.EntryService = (*EntryService)(nil)

// NewEntryService returns an EntryService that uses db.
func NewEntryService(db *DB) *EntryService {
	return &EntryService{db: db}
}

// CreateEntry validates e, inserts it and sets its ID and CreatedAt.
func (s *EntryService) CreateEntry(ctx context.Context, e *guestbook.Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}

	tx, err := s.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("creating entry: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	createdAt := s.db.now()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO entries (name, message, instance_id, created_at) VALUES (?, ?, ?, ?)`,
		e.Name, e.Message, e.InstanceID, formatTime(createdAt))
	if err != nil {
		return fmt.Errorf("creating entry: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("creating entry: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("creating entry: %w", err)
	}

	e.ID, e.CreatedAt = id, createdAt
	return nil
}

// FindEntries returns one page of entries, newest first, and the total
// number of entries. Both queries run in one read transaction, so the total
// and the page come from the same snapshot.
func (s *EntryService) FindEntries(ctx context.Context, filter guestbook.EntryFilter) ([]*guestbook.Entry, int, error) {
	if filter.Offset < 0 || filter.Limit < 0 {
		return nil, 0, fmt.Errorf("finding entries: negative offset %d or limit %d", filter.Offset, filter.Limit)
	}

	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("finding entries: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	var total int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM entries`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("counting entries: %w", err)
	}
	if filter.Limit == 0 {
		return nil, total, nil
	}

	entries, err := queryEntries(ctx, tx, filter)
	if err != nil {
		return nil, 0, fmt.Errorf("finding entries: %w", err)
	}
	return entries, total, nil
}

func queryEntries(ctx context.Context, tx *sql.Tx, filter guestbook.EntryFilter) ([]*guestbook.Entry, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT id, name, message, instance_id, created_at FROM entries ORDER BY id DESC LIMIT ? OFFSET ?`,
		filter.Limit, filter.Offset)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()

	entries := make([]*guestbook.Entry, 0, min(filter.Limit, guestbook.PageSize))
	for rows.Next() {
		var e guestbook.Entry
		var createdAt string
		if err := rows.Scan(&e.ID, &e.Name, &e.Message, &e.InstanceID, &createdAt); err != nil {
			return nil, err
		}
		if e.CreatedAt, err = parseTime(createdAt); err != nil {
			return nil, err
		}
		entries = append(entries, &e)
	}
	return entries, rows.Err()
}
