package securitytest

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // lets tests inspect the database file
)

// binary is the guestbook executable that TestMain builds.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "guestbook-securitytest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating build directory:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "guestbook")
	// go test puts its own toolchain first on PATH, so "go" is the same Go.
	build := exec.Command("go", "build", "-o", binary, "github.com/guestbook-secscan/guestbook/app/cmd/guestbook")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the guestbook binary:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running guestbook process.
type server struct {
	addr   string // host:port it listens on
	base   string // URL prefix, such as http://127.0.0.1:34567
	dbPath string
	cmd    *exec.Cmd
	logs   *logLines
	done   chan struct{} // closed when the process has exited
	err    error         // the process's exit error, valid after done
}

// options of startServer. Zero values select a fresh database, the
// instance id "test", high rate limits and plain HTTP.
type options struct {
	dbPath   string
	instance string
	args     []string // appended last, so they override the defaults
}

// startServer starts the guestbook and waits until it listens. The process
// is stopped with SIGTERM when the test ends, and the test fails unless it
// then exits with status 0.
func startServer(t *testing.T, opts options) *server {
	t.Helper()
	if opts.dbPath == "" {
		opts.dbPath = filepath.Join(t.TempDir(), "guestbook.db")
	}
	if opts.instance == "" {
		opts.instance = "test"
	}
	args := []string{
		"-addr", "127.0.0.1:0",
		"-db", opts.dbPath,
		"-instance", opts.instance,
		"-heartbeat", "1s",
		// Most tests post more entries than the default allows; the rate
		// limit test sets its own.
		"-rate-limit", "100000",
		"-rate-burst", "100000",
	}
	args = append(args, opts.args...)

	listening := make(chan string, 1)
	s := &server{dbPath: opts.dbPath, logs: &logLines{listening: listening}, done: make(chan struct{})}
	s.cmd = exec.Command(binary, args...)
	s.cmd.Env = cleanEnv()
	s.cmd.Dir = filepath.Dir(opts.dbPath) // anything written to a relative path lands there
	// With an io.Writer rather than a pipe, Wait returns only after all of
	// standard error has been written to logs.
	s.cmd.Stderr = s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()

	select {
	case s.addr = <-listening:
	case <-s.done:
		t.Fatalf("guestbook exited before listening: %v\nlogs:\n%s", s.err, s.logs)
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Kill()
		t.Fatalf("guestbook did not listen within a minute\nlogs:\n%s", s.logs)
	}
	s.base = "http://" + s.addr
	t.Cleanup(func() { s.stop(t) })
	return s
}

// cleanEnv returns the environment without GUESTBOOK_ variables, so that
// the developer's settings cannot change what the tests run.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GUESTBOOK_") {
			env = append(env, kv)
		}
	}
	return env
}

// stop sends SIGTERM and checks that the process exits with status 0.
// Calling it again does nothing.
func (s *server) stop(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
		return
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("sending SIGTERM: %v", err)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("guestbook exited with %v after SIGTERM, want status 0\nlogs:\n%s", s.err, s.logs)
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("guestbook did not exit within 30s of SIGTERM\nlogs:\n%s", s.logs)
	}
}

// logLines collects the process's standard error, one JSON record a line,
// and sends the address of the "listening" record to listening.
type logLines struct {
	listening chan<- string

	mu      sync.Mutex
	partial []byte
	lines   []string
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		l.lines = append(l.lines, line)

		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
			l.listening <- rec.Addr
		}
	}
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *logLines) String() string {
	return strings.Join(l.all(), "\n")
}

// records returns every log line decoded, failing the test on a line that
// is not JSON.
func (l *logLines) records(t *testing.T) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range l.all() {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		recs = append(recs, rec)
	}
	return recs
}

// client does not follow redirects, keeps no cookies and times out.
var client = &http.Client{
	Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// response is a received response with its body read.
type response struct {
	*http.Response
	body string
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return response{Response: resp, body: string(body)}
}

func (s *server) get(t *testing.T, path string, cookies ...*http.Cookie) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return do(t, req)
}

// postBody posts an already encoded form body to /entries.
func (s *server) postBody(t *testing.T, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, req)
}

func (s *server) postEntry(t *testing.T, name, message string) response {
	t.Helper()
	return s.postBody(t, url.Values{"name": {name}, "message": {message}}.Encode())
}

// raw sends request text as is over a new TCP connection and reads one
// response. It reaches the server with paths and methods that net/http's
// client would clean, encode or refuse.
func (s *server) raw(t *testing.T, request string) response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatalf("writing request %q: %v", firstLine(request), err)
	}
	var method string
	if fields := strings.Fields(request); len(fields) > 0 {
		method = fields[0]
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading response to %q: %v", firstLine(request), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading body of response to %q: %v", firstLine(request), err)
	}
	return response{Response: resp, body: string(body)}
}

// rawRequest returns the text of a request with the given method and
// target and no body.
func rawRequest(method, target string, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, target)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}

type statusDoc struct {
	Instance string `json:"instance"`
	Counters struct {
		PageViews      int `json:"page_views"`
		EntriesWritten int `json:"entries_written"`
	} `json:"counters"`
	Entries       int `json:"entries"`
	LiveInstances []struct {
		ID string `json:"id"`
	} `json:"live_instances"`
}

func (s *server) status(t *testing.T) statusDoc {
	t.Helper()
	resp := s.get(t, "/status")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /status: status %d", resp.StatusCode)
	}
	var doc statusDoc
	if err := json.Unmarshal([]byte(resp.body), &doc); err != nil {
		t.Fatalf("GET /status: %v in %q", err, resp.body)
	}
	return doc
}

func (doc statusDoc) liveIDs() []string {
	ids := []string{}
	for _, inst := range doc.LiveInstances {
		ids = append(ids, inst.ID)
	}
	return ids
}

// openDB opens the server's database file directly, as an inspector from
// outside the server would.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
