// Package guestbook is a small stateful web application: visitors leave a
// name and a message, and every page lists the entries newest first.
//
// It exists to show two things. The first is what breaks when a stateful
// process is scaled out. Each instance keeps its own counters and sessions
// in memory, so a visitor whose requests land on different replicas gets
// different numbers and loses their session. One SQLite file on a
// ReadWriteOnce volume cannot be shared by pods on several nodes. Each
// instance records itself in the database, and while more than one is live
// every page shows a banner that explains this.
//
// The second is what secure defaults look like in a small Go service:
// security headers on every response, cross-origin protection, body and
// rate limits, generic error pages, structured logs without message bodies
// or cookies, and SQL with placeholders only.
//
// # Layout
//
// This package holds the domain types and their validation and depends on
// nothing but the standard library. Each dependency has its own package:
//
//   - sqlite stores entries and instances in SQLite through the pure-Go
//     driver modernc.org/sqlite, with versioned migrations that never drop
//     data.
//   - http serves the pages, the JSON status and the static files, and holds
//     the middleware, the in-memory sessions and the rate limiter.
//   - cmd/guestbook wires them together: flags with environment fallbacks,
//     the JSON logger, the heartbeat, graceful shutdown and the healthcheck
//     subcommand.
//
// # Running
//
// One instance, with the database in ./data/guestbook.db:
//
//	go run ./app/cmd/guestbook
//
// Two instances on one database, each with its own id and port; the page of
// either shows the banner about several replicas:
//
//	go run ./app/cmd/guestbook -instance a -addr 127.0.0.1:8080
//	go run ./app/cmd/guestbook -instance b -addr 127.0.0.1:8081
//
// Every flag has an environment fallback, for example GUESTBOOK_ADDR for
// -addr; run "guestbook -h" for the list.
package guestbook
