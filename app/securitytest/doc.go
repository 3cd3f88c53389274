// Package securitytest runs the guestbook's security tests against the real
// server. TestMain builds the guestbook binary once. Each test starts one or
// more copies of it as subprocesses on 127.0.0.1, with a free port and a
// temporary database. It talks to them over loopback HTTP, using raw TCP
// where net/http's client would refuse or rewrite the request. At the end it
// stops them with SIGTERM and checks that they exit with status 0.
//
// The tests cover health, input validation, stored XSS, SQL injection,
// security headers, methods, path traversal, error pages, limits, the
// cross-origin check, concurrent writers, two instances on one database,
// TLS and the logs. Run them with
//
//	make security-test
//
// or go test -v ./app/securitytest/ from the repository root.
//
// The package has no non-test code; this file only documents it.
package securitytest
