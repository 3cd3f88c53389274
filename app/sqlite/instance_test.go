package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/app"
	"github.com/guestbook-secscan/guestbook/app/sqlite"
)

// clock is a settable time source for DB.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newInstanceService(t *testing.T) (*sqlite.InstanceService, *clock) {
	t.Helper()
	db := openTestDB(t, filepath.Join(t.TempDir(), "guestbook.db"))
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	db.Now = c.now
	return sqlite.NewInstanceService(db), c
}

func liveIDs(t *testing.T, s *sqlite.InstanceService, since time.Time) []string {
	t.Helper()
	live, err := s.FindLiveInstances(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, inst := range live {
		ids = append(ids, inst.ID)
	}
	return ids
}

func TestInstanceLifecycle(t *testing.T) {
	s, c := newInstanceService(t)
	ctx := context.Background()
	window := 30 * time.Second
	a := &guestbook.Instance{ID: "a", BootID: "boot-a", Version: "v1", StartedAt: c.t}
	b := &guestbook.Instance{ID: "b", BootID: "boot-b", Version: "v1", StartedAt: c.t}

	for _, inst := range []*guestbook.Instance{b, a} {
		if clash, err := s.RegisterInstance(ctx, inst, c.t.Add(-window)); err != nil || clash != nil {
			t.Fatalf("RegisterInstance(%s) = %v, %v; want nil, nil", inst.ID, clash, err)
		}
	}
	if diff := cmp.Diff([]string{"a", "b"}, liveIDs(t, s, c.t.Add(-window))); diff != "" {
		t.Errorf("live after registering (-want +got):\n%s", diff)
	}

	// a keeps beating, b falls silent: after the window only a is live.
	c.t = c.t.Add(window + time.Second)
	if err := s.HeartbeatInstance(ctx, a); err != nil {
		t.Fatal(err)
	}
	if !a.LastSeen.Equal(c.t) {
		t.Errorf("LastSeen after heartbeat = %v, want %v", a.LastSeen, c.t)
	}
	if diff := cmp.Diff([]string{"a"}, liveIDs(t, s, c.t.Add(-window))); diff != "" {
		t.Errorf("live after b went silent (-want +got):\n%s", diff)
	}

	if err := s.DeregisterInstance(ctx, a); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{}, liveIDs(t, s, c.t.Add(-window))); diff != "" {
		t.Errorf("live after deregistering a (-want +got):\n%s", diff)
	}
}

func TestRegisterReportsLiveClash(t *testing.T) {
	s, c := newInstanceService(t)
	ctx := context.Background()
	window := 30 * time.Second
	first := &guestbook.Instance{ID: "web", BootID: "boot-1", Version: "v1", StartedAt: c.t}
	if _, err := s.RegisterInstance(ctx, first, c.t.Add(-window)); err != nil {
		t.Fatal(err)
	}

	c.t = c.t.Add(time.Second)
	second := &guestbook.Instance{ID: "web", BootID: "boot-2", Version: "v1", StartedAt: c.t}
	clash, err := s.RegisterInstance(ctx, second, c.t.Add(-window))
	if err != nil {
		t.Fatal(err)
	}
	if clash == nil || clash.BootID != "boot-1" {
		t.Errorf("RegisterInstance of a second process as %q returned clash %+v, want the first process", "web", clash)
	}

	// The first process deregistering must not remove the second's record.
	if err := s.DeregisterInstance(ctx, first); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"web"}, liveIDs(t, s, c.t.Add(-window))); diff != "" {
		t.Errorf("live after the old process deregistered (-want +got):\n%s", diff)
	}
}

func TestRegisterAfterRestartIsNoClash(t *testing.T) {
	s, c := newInstanceService(t)
	ctx := context.Background()
	window := 30 * time.Second
	old := &guestbook.Instance{ID: "web", BootID: "boot-1", Version: "v1", StartedAt: c.t}
	if _, err := s.RegisterInstance(ctx, old, c.t.Add(-window)); err != nil {
		t.Fatal(err)
	}

	// The old process died without deregistering; the new one starts later.
	c.t = c.t.Add(window + time.Second)
	restarted := &guestbook.Instance{ID: "web", BootID: "boot-2", Version: "v2", StartedAt: c.t}
	clash, err := s.RegisterInstance(ctx, restarted, c.t.Add(-window))
	if err != nil || clash != nil {
		t.Errorf("RegisterInstance after the old record expired = %+v, %v; want nil, nil", clash, err)
	}
}

func TestRegisterRemovesStaleRecords(t *testing.T) {
	s, c := newInstanceService(t)
	ctx := context.Background()
	gone := &guestbook.Instance{ID: "gone", BootID: "boot-1", Version: "v1", StartedAt: c.t}
	if _, err := s.RegisterInstance(ctx, gone, c.t); err != nil {
		t.Fatal(err)
	}

	c.t = c.t.Add(25 * time.Hour)
	fresh := &guestbook.Instance{ID: "fresh", BootID: "boot-2", Version: "v1", StartedAt: c.t}
	if _, err := s.RegisterInstance(ctx, fresh, c.t); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"fresh"}, liveIDs(t, s, time.Time{})); diff != "" {
		t.Errorf("records after a day (-want +got):\n%s", diff)
	}
}

func TestHeartbeatRestoresRemovedRecord(t *testing.T) {
	s, c := newInstanceService(t)
	ctx := context.Background()
	inst := &guestbook.Instance{ID: "a", BootID: "boot-a", Version: "v1", StartedAt: c.t}
	if _, err := s.RegisterInstance(ctx, inst, c.t); err != nil {
		t.Fatal(err)
	}
	if err := s.DeregisterInstance(ctx, inst); err != nil {
		t.Fatal(err)
	}
	if err := s.HeartbeatInstance(ctx, inst); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, liveIDs(t, s, c.t.Add(-time.Second))); diff != "" {
		t.Errorf("live after heartbeat (-want +got):\n%s", diff)
	}
}
