// Command guestbook serves the guestbook web app.
//
// Usage:
//
//	guestbook [flags]
//	guestbook healthcheck [-addr host:port] [-tls-cert path] [-timeout d]
//
// Without a subcommand it opens (or creates) the SQLite database, records
// this instance in it, and serves HTTP, or HTTPS with -tls-cert and
// -tls-key, until SIGTERM or SIGINT. Then it stops accepting connections,
// gives requests in flight up to -shutdown-timeout to finish, removes its
// instance record and exits. Logs are JSON lines (log/slog) on standard
// error.
//
// Every flag falls back to an environment variable when it is not given:
//
//	-addr              GUESTBOOK_ADDR              default 127.0.0.1:8080
//	-db                GUESTBOOK_DB                default ./data/guestbook.db
//	-instance          GUESTBOOK_INSTANCE          default the hostname
//	-tls-cert          GUESTBOOK_TLS_CERT
//	-tls-key           GUESTBOOK_TLS_KEY
//	-secret-file       GUESTBOOK_SECRET_FILE       default a key generated in memory
//	-heartbeat         GUESTBOOK_HEARTBEAT         default 10s
//	-shutdown-timeout  GUESTBOOK_SHUTDOWN_TIMEOUT  default 10s
//	-rate-limit        GUESTBOOK_RATE_LIMIT        default 10 entries a minute per client
//	-rate-burst        GUESTBOOK_RATE_BURST        default 5
//	-log-level         GUESTBOOK_LOG_LEVEL         default INFO
//
// To see the banner about several replicas, run two instances on one
// database with their own ids and ports:
//
//	go run ./app/cmd/guestbook -instance a -addr 127.0.0.1:8080
//	go run ./app/cmd/guestbook -instance b -addr 127.0.0.1:8081
//
// Two instances need the same -secret-file to accept each other's session
// cookies. Even then, a session lives in the memory of the instance that
// created it, which is one of the things the guestbook demonstrates.
//
// The healthcheck subcommand requests /healthz of the server at -addr
// (GUESTBOOK_ADDR); an empty or unspecified host means 127.0.0.1. With
// -tls-cert it connects with HTTPS and verifies the server against that
// certificate. The container image's HEALTHCHECK runs it.
//
// # Exit codes
//
//	0  the server stopped after a signal, or the health check passed
//	1  the server failed, or the health check did not get 200
//	2  invalid flags or environment variables
//
// # Limitations
//
// Counters and sessions are kept in memory and are not shared between
// instances, by design. Instances share entries only through one SQLite
// file, so they must run on one host (or one node): SQLite's locking does
// not work across machines or over network file systems. The rate limit
// applies per peer address of the TCP connection. Behind a proxy that does
// not keep the client's address, all clients share one allowance.
package main
