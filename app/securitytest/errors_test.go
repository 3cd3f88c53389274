package securitytest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// checkNoLeak checks that an error page shows none of what an attacker
// could learn from: Go errors, SQL, driver names, stack traces or paths.
func checkNoLeak(t *testing.T, label string, resp response, extra ...string) {
	t.Helper()
	markers := append([]string{
		"goroutine ", "panic", "runtime error", ".go:", "/usr/local/go", "/tmp/", "/work/", "/home/",
		"sqlite", "SQLITE", "SQL logic", "no such table", "database is locked", "syntax error",
		"modernc", "database/sql", "sql: ", "strconv.", "invalid URL escape", "http: request body too large",
		"unexpected EOF", "Traceback", "errno",
	}, extra...)
	for _, marker := range markers {
		if strings.Contains(resp.body, marker) {
			t.Errorf("%s: error page contains %q:\n%s", label, marker, resp.body)
		}
	}
}

func TestErrorPagesLeakNothing(t *testing.T) {
	s := startServer(t, options{})
	tests := []struct {
		label string
		send  func() response
		want  int
	}{
		{"404", func() response { return s.get(t, "/admin/config.php") }, 404},
		{"404 static", func() response { return s.get(t, "/static/go.sum") }, 404},
		{"405", func() response { return s.raw(t, rawRequest("PUT", "/status")) }, 405},
		{"400 bad page", func() response { return s.get(t, "/?page=99999999999999999999") }, 400},
		{"400 malformed form", func() response { return s.postBody(t, "name=%zz&message=%") }, 400},
		{"413", func() response { return s.postBody(t, "name=a&message="+strings.Repeat("x", 20000)) }, 413},
		{"415", func() response {
			req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			return do(t, req)
		}, 415},
		{"403", func() response {
			req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader("name=a&message=b"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://attacker.example")
			return do(t, req)
		}, 403},
		// net/http itself responds to a request line it cannot parse. That
		// response must not leak either.
		{"malformed request line", func() response { return s.raw(t, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n") }, 400},
	}
	for _, tt := range tests {
		resp := tt.send()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.label, resp.StatusCode, tt.want)
		}
		checkNoLeak(t, tt.label, resp, s.dbPath)
	}
}

// TestInternalError provokes a real internal error: the test renames the
// entries table in the server's database file behind its back, so the
// server's next query fails with "no such table". This needs no debug
// route or test-only flag in the shipped binary, and it is the kind of
// failure (a broken or foreign database) that an operator can meet.
func TestInternalError(t *testing.T) {
	s := startServer(t, options{})
	s.postEntry(t, "Ann", "before the breakage")
	db := openDB(t, s.dbPath)

	if _, err := db.Exec(`ALTER TABLE entries RENAME TO entries_hidden`); err != nil {
		t.Fatal(err)
	}
	resp := s.get(t, "/")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("GET / with the table gone: status %d, want 500", resp.StatusCode)
	}
	checkHeaders(t, "500", resp, "no-store")
	checkNoLeak(t, "500", resp, s.dbPath, "entries_hidden")

	id := resp.Header.Get("X-Request-Id")
	if !strings.Contains(resp.body, id) {
		t.Errorf("500 page does not show request id %q for support", id)
	}
	if post := s.postEntry(t, "Ann", "during the breakage"); post.StatusCode != http.StatusInternalServerError {
		t.Errorf("POST with the table gone: status %d, want 500", post.StatusCode)
	}

	if _, err := db.Exec(`ALTER TABLE entries_hidden RENAME TO entries`); err != nil {
		t.Fatal(err)
	}
	if resp := s.get(t, "/"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.body, "before the breakage") {
		t.Errorf("GET / after repair: status %d, want 200 with the old entry", resp.StatusCode)
	}

	// Stopping the server first makes sure every log line has been read.
	s.stop(t)
	if !loggedError(t, s, id, "no such table") {
		t.Errorf("no ERROR log record with request_id %q and the database error\nlogs:\n%s", id, s.logs)
	}
}

// loggedError reports whether the server logged an ERROR record for the
// request id whose error contains text.
func loggedError(t *testing.T, s *server, requestID, text string) bool {
	t.Helper()
	for _, rec := range s.logs.records(t) {
		if rec["level"] == "ERROR" && rec["request_id"] == requestID && strings.Contains(fmt.Sprint(rec["error"]), text) {
			return true
		}
	}
	return false
}

func TestBodyLimit(t *testing.T) {
	s := startServer(t, options{})
	body := "name=a&message=" + strings.Repeat("x", 17*1024)

	declared := s.raw(t, fmt.Sprintf("POST /entries HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	if declared.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body with Content-Length %d: status %d, want 413", len(body), declared.StatusCode)
	}

	chunked := s.raw(t, fmt.Sprintf("POST /entries HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body))
	if chunked.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body of %d bytes: status %d, want 413", len(body), chunked.StatusCode)
	}

	// Just under the limit the body is read and judged on its content.
	under := "name=a&message=" + strings.Repeat("x", 16*1024-len("name=a&message="))
	if resp := s.postBody(t, under); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("body of exactly 16 KiB: status %d, want 400 for a long message", resp.StatusCode)
	}
	if got := s.status(t).Entries; got != 0 {
		t.Errorf("database holds %d entries, want 0", got)
	}
}

func TestRateLimit(t *testing.T) {
	// One entry a minute with bursts of three: the fourth post in a row is
	// limited however slowly the machine runs the test, short of a minute.
	s := startServer(t, options{args: []string{"-rate-limit", "1", "-rate-burst", "3"}})
	for i := range 3 {
		if resp := s.postEntry(t, "Ann", fmt.Sprintf("entry %d", i)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %d: status %d, want 303", i+1, resp.StatusCode)
		}
	}

	resp := s.postEntry(t, "Ann", "one too many")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth post: status %d, want 429", resp.StatusCode)
	}
	retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After = %q, want whole seconds from 1 to 60", resp.Header.Get("Retry-After"))
	}
	checkHeaders(t, "429", resp, "no-store")
	checkNoLeak(t, "429", resp)

	// Reading is never limited.
	if got := s.get(t, "/"); got.StatusCode != http.StatusOK {
		t.Errorf("GET / while limited: status %d, want 200", got.StatusCode)
	}
	if got := s.status(t).Entries; got != 3 {
		t.Errorf("database holds %d entries, want 3", got)
	}
}

func TestCrossOriginPostRejected(t *testing.T) {
	s := startServer(t, options{})
	tests := []struct {
		header, value string
	}{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://attacker.example"},
		{"Origin", "null"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader("name=Mallory&message=forged"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(tt.header, tt.value)
		if resp := do(t, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %s: status %d, want 403", tt.header, tt.value, resp.StatusCode)
		}
	}

	// The app's own form, as a browser sends it, passes.
	req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader("name=Ann&message=real"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", s.base)
	if resp := do(t, req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin post: status %d, want 303", resp.StatusCode)
	}
	if got := s.status(t).Entries; got != 1 {
		t.Errorf("database holds %d entries, want only the same-origin one", got)
	}
}
