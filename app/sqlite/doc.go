// Package sqlite stores guestbook entries and instance records in one SQLite
// file through modernc.org/sqlite, a driver written in Go, so the binary
// needs no cgo and links statically.
//
// The file is opened in WAL mode with a busy timeout, through two pools: one
// connection for writes and several for reads. Writers in one process queue
// for the single write connection, so concurrent requests do not contend
// for SQLite's lock and never see "database is locked". Every write
// transaction starts with BEGIN IMMEDIATE, so writers in other processes on
// the same file wait for the lock, for up to the busy timeout, before their
// first statement rather than failing in the middle of a transaction. Every statement uses ? placeholders, and statements that
// must agree run in one transaction.
//
// The schema is created by numbered migrations recorded in the migrations
// table. A migration only creates or adds, never drops: an instance that
// starts against an existing file keeps every entry in it.
//
// SQLite coordinates processes through file locks and shared memory, so all
// instances that share a file must run on one host. Pods on several nodes
// cannot share it, which is one of the limits the guestbook demonstrates.
package sqlite
