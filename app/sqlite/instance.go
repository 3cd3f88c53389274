package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
)

// staleInstanceAge is how long the record of an instance that stopped
// without deregistering (a crash, a killed pod) is kept before
// RegisterInstance removes it. Entries are never removed.
const staleInstanceAge = 24 * time.Hour

// InstanceService records instances in the database.
type InstanceService struct {
	db *DB
}

var _ guestbook.InstanceService = (*InstanceService)(nil)

// NewInstanceService returns an InstanceService that uses db.
func NewInstanceService(db *DB) *InstanceService {
	return &InstanceService{db: db}
}

const upsertInstance = `INSERT INTO instances (id, boot_id, version, started_at, last_seen)
	VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		boot_id = excluded.boot_id,
		version = excluded.version,
		started_at = excluded.started_at,
		last_seen = excluded.last_seen`

// RegisterInstance stores inst with LastSeen set to now, and removes the
// records of instances not seen for staleInstanceAge. The lookup of the
// record it replaces, the upsert and the clean-up run in one transaction.
func (s *InstanceService) RegisterInstance(ctx context.Context, inst *guestbook.Instance, liveSince time.Time) (*guestbook.Instance, error) {
	tx, err := s.db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("registering instance %q: %w", inst.ID, err)
	}
	defer func() { _ = tx.Rollback() }()

	previous, err := findInstance(ctx, tx, inst.ID)
	if err != nil {
		return nil, fmt.Errorf("registering instance %q: %w", inst.ID, err)
	}
	var clash *guestbook.Instance
	if previous != nil && previous.BootID != inst.BootID && previous.LastSeen.After(liveSince) {
		clash = previous
	}

	now := s.db.now()
	if err := upsert(ctx, tx, inst, now); err != nil {
		return nil, fmt.Errorf("registering instance %q: %w", inst.ID, err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM instances WHERE last_seen < ?`, formatTime(now.Add(-staleInstanceAge)))
	if err != nil {
		return nil, fmt.Errorf("removing stale instances: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("registering instance %q: %w", inst.ID, err)
	}

	inst.LastSeen = now
	return clash, nil
}

// HeartbeatInstance sets inst.LastSeen to now and stores inst.
func (s *InstanceService) HeartbeatInstance(ctx context.Context, inst *guestbook.Instance) error {
	now := s.db.now()
	if err := upsert(ctx, s.db.write, inst, now); err != nil {
		return fmt.Errorf("storing heartbeat of instance %q: %w", inst.ID, err)
	}
	inst.LastSeen = now
	return nil
}

// DeregisterInstance removes the record of inst if it still carries
// inst.BootID.
func (s *InstanceService) DeregisterInstance(ctx context.Context, inst *guestbook.Instance) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM instances WHERE id = ? AND boot_id = ?`, inst.ID, inst.BootID)
	if err != nil {
		return fmt.Errorf("deregistering instance %q: %w", inst.ID, err)
	}
	return nil
}

// FindLiveInstances returns the instances whose LastSeen is after since.
func (s *InstanceService) FindLiveInstances(ctx context.Context, since time.Time) ([]*guestbook.Instance, error) {
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT id, boot_id, version, started_at, last_seen FROM instances WHERE last_seen > ? ORDER BY id`,
		formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("finding live instances: %w", err)
	}
	defer func() { _ = rows.Close() }()

	var instances []*guestbook.Instance
	for rows.Next() {
		inst, err := scanInstance(rows)
		if err != nil {
			return nil, fmt.Errorf("finding live instances: %w", err)
		}
		instances = append(instances, inst)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding live instances: %w", err)
	}
	return instances, nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func upsert(ctx context.Context, db execer, inst *guestbook.Instance, now time.Time) error {
	_, err := db.ExecContext(ctx, upsertInstance,
		inst.ID, inst.BootID, inst.Version, formatTime(inst.StartedAt), formatTime(now))
	return err
}

// findInstance returns the instance with the given ID, or nil if there is
// none.
func findInstance(ctx context.Context, tx *sql.Tx, id string) (*guestbook.Instance, error) {
	row := tx.QueryRowContext(ctx,
		`SELECT id, boot_id, version, started_at, last_seen FROM instances WHERE id = ?`, id)
	inst, err := scanInstance(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return inst, err
}

type scanner interface {
	Scan(dest ...any) error
}

func scanInstance(row scanner) (*guestbook.Instance, error) {
	var inst guestbook.Instance
	var startedAt, lastSeen string
	if err := row.Scan(&inst.ID, &inst.BootID, &inst.Version, &startedAt, &lastSeen); err != nil {
		return nil, err
	}
	var err error
	if inst.StartedAt, err = parseTime(startedAt); err != nil {
		return nil, err
	}
	if inst.LastSeen, err = parseTime(lastSeen); err != nil {
		return nil, err
	}
	return &inst, nil
}
