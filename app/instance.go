package guestbook

import (
	"context"
	"time"
)

// Instance is one running guestbook process, as recorded in the shared
// database. Every process registers itself at start, refreshes LastSeen on a
// heartbeat and deregisters when it stops.
type Instance struct {
	ID        string // chosen by the operator, the hostname by default
	BootID    string // random per process, distinguishes two processes given the same ID
	Version   string
	StartedAt time.Time
	LastSeen  time.Time
}

// InstanceService records which instances share the database.
type InstanceService interface {
	// RegisterInstance stores inst, replacing any earlier record with its ID.
	// If that record belonged to another process that was still live (its
	// last heartbeat after liveSince), it returns that record so that the
	// caller can warn about the clash. Otherwise it returns nil.
	RegisterInstance(ctx context.Context, inst *Instance, liveSince time.Time) (*Instance, error)

	// HeartbeatInstance sets inst.LastSeen to now and stores it. It stores
	// inst again if another process removed the record meanwhile.
	HeartbeatInstance(ctx context.Context, inst *Instance) error

	// DeregisterInstance removes the record of inst, unless another process
	// has since registered under the same ID.
	DeregisterInstance(ctx context.Context, inst *Instance) error

	// FindLiveInstances returns the instances whose last heartbeat was after
	// since, ordered by ID.
	FindLiveInstances(ctx context.Context, since time.Time) ([]*Instance, error)
}
