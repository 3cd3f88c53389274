package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/app"
	"github.com/guestbook-secscan/guestbook/app/sqlite"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testServer struct {
	*Server
	logs *syncBuffer
}

// newTestServer returns a Server on a fresh database file. Options change
// the Config before the Server is built.
func newTestServer(t testing.TB, options ...func(*Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "guestbook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })

	inst := &guestbook.Instance{ID: "test-1", BootID: "boot", Version: "v0.0.0-test", StartedAt: time.Now()}
	instances := sqlite.NewInstanceService(db)
	if _, err := instances.RegisterInstance(ctx, inst, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg := Config{
		Instance:   inst,
		Entries:    sqlite.NewEntryService(db),
		Instances:  instances,
		DB:         db,
		LiveWindow: time.Minute,
		SessionKey: bytes.Repeat([]byte("k"), 32),
		RateLimit:  1e6,
		RateBurst:  1e6,
		Logger:     slog.New(slog.NewJSONHandler(logs, nil)),
	}
	for _, option := range options {
		option(&cfg)
	}
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: s, logs: logs}
}

func serve(h http.Handler, r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result()
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func postForm(form string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/entries", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestNewServerChecksConfig(t *testing.T) {
	tests := []struct {
		name   string
		option func(*Config)
	}{
		{"no instance", func(c *Config) { c.Instance = nil }},
		{"no entries", func(c *Config) { c.Entries = nil }},
		{"short key", func(c *Config) { c.SessionKey = []byte("short") }},
		{"no live window", func(c *Config) { c.LiveWindow = 0 }},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }},
	}
	base := newTestServer(t).cfg
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.option(&cfg)
			if _, err := NewServer(cfg); err == nil {
				t.Error("NewServer succeeded, want an error")
			}
		})
	}
}

func TestPanicIsRecovered(t *testing.T) {
	s := newTestServer(t)
	h := s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "half=done")
		w.Header().Set("Cache-Control", "public")
		panic("secret detail /etc/guestbook.db")
	}))

	resp := serve(h, httptest.NewRequest(http.MethodGet, "/boom", nil))
	body := readBody(t, resp)

	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", resp.StatusCode)
	}
	if strings.Contains(body, "secret detail") || strings.Contains(body, "goroutine") {
		t.Errorf("500 page leaks the panic:\n%s", body)
	}
	if got := resp.Header.Get("Set-Cookie"); got != "" {
		t.Errorf("Set-Cookie = %q on the 500 page, want none", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := resp.Header.Get("Content-Security-Policy"); got != contentSecurityPolicy {
		t.Errorf("Content-Security-Policy = %q, want %q", got, contentSecurityPolicy)
	}

	id := resp.Header.Get("X-Request-Id")
	if id == "" || !strings.Contains(body, id) {
		t.Errorf("500 page does not show request id %q", id)
	}
	logged := findLog(t, s.logs.String(), "panic while serving request")
	if logged["request_id"] != id || !strings.Contains(logged["panic"].(string), "secret detail") {
		t.Errorf("panic log = %v, want request_id %q and the panic value", logged, id)
	}
}

func TestPanicAfterWriteKeepsStatus(t *testing.T) {
	s := newTestServer(t)
	h := s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic("late")
	}))
	resp := serve(h, httptest.NewRequest(http.MethodGet, "/", nil))
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("status = %d, want the 202 already sent", resp.StatusCode)
	}
	findLog(t, s.logs.String(), "panic while serving request")
}

// findLog returns the first JSON log record with the message msg.
func findLog(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == msg {
			return rec
		}
	}
	t.Fatalf("no log record %q in:\n%s", msg, logs)
	return nil
}

func TestRequestLogFields(t *testing.T) {
	s := newTestServer(t)
	r := postForm("name=Ann&message=" + url.QueryEscape("private words"))
	r.Header.Set("Cookie", "guestbook_session=secret-cookie-value")
	resp := serve(s, r)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}

	rec := findLog(t, s.logs.String(), "request")
	for _, key := range []string{"request_id", "method", "path", "status", "duration_ms"} {
		if _, ok := rec[key]; !ok {
			t.Errorf("request log lacks %q: %v", key, rec)
		}
	}
	if rec["request_id"] != resp.Header.Get("X-Request-Id") {
		t.Errorf("logged request_id %v, response has %q", rec["request_id"], resp.Header.Get("X-Request-Id"))
	}
	for _, secret := range []string{"private words", "private+words", "secret-cookie-value"} {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestCreateEntryFormProblems(t *testing.T) {
	tests := []struct {
		name string
		form string
		want []string
	}{
		{"missing name", "message=hi", []string{"Name is missing from the form."}},
		{"missing both", "", []string{"Name is missing from the form.", "Message is missing from the form."}},
		{"duplicated name", "name=a&name=b&message=hi", []string{"Name was sent more than once."}},
		{"duplicated message, bad name", "name=%00&message=a&message=b",
			[]string{"Name must not contain control characters such as tabs or escape codes.", "Message was sent more than once."}},
		{"missing message, long name", "name=" + strings.Repeat("n", 51),
			[]string{"Name must be at most 50 characters (it has 51).", "Message is missing from the form."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			resp := serve(s, postForm(tt.form))
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", resp.StatusCode)
			}
			var got []string
			for line := range strings.Lines(body) {
				if msg, ok := strings.CutPrefix(strings.TrimSpace(line), "<li>"); ok && strings.HasSuffix(msg, "</li>") {
					got = append(got, htmlUnescape(strings.TrimSuffix(msg, "</li>")))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems on the page (-want +got):\n%s", diff)
			}
		})
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func TestCreateEntryRejectsMediaType(t *testing.T) {
	s := newTestServer(t)
	for _, contentType := range []string{"", "text/plain", "multipart/form-data; boundary=x", "application/json"} {
		r := httptest.NewRequest(http.MethodPost, "/entries", strings.NewReader("name=a&message=b"))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if resp := serve(s, r); resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: status = %d, want 415", contentType, resp.StatusCode)
		}
	}
}

func TestCrossOriginPostRejected(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		header, value string
		want          int
	}{
		{"Sec-Fetch-Site", "cross-site", http.StatusForbidden},
		{"Sec-Fetch-Site", "same-site", http.StatusForbidden},
		{"Origin", "https://attacker.example", http.StatusForbidden},
		{"Sec-Fetch-Site", "same-origin", http.StatusSeeOther},
		{"Sec-Fetch-Site", "none", http.StatusSeeOther},
	}
	for _, tt := range tests {
		r := postForm("name=Ann&message=hi")
		r.Header.Set(tt.header, tt.value)
		if resp := serve(s, r); resp.StatusCode != tt.want {
			t.Errorf("%s: %s: status = %d, want %d", tt.header, tt.value, resp.StatusCode, tt.want)
		}
	}
}

func TestIndexPagination(t *testing.T) {
	s := newTestServer(t)
	for i := range guestbook.PageSize + 3 {
		e := &guestbook.Entry{Name: "Ann", Message: "m" + strings.Repeat("x", i), InstanceID: "test-1"}
		if err := s.cfg.Entries.CreateEntry(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		query       string
		wantStatus  int
		wantEntries int
		wantLinks   []string
	}{
		{"", 200, guestbook.PageSize, []string{`href="/?page=2"`}},
		{"?page=1", 200, guestbook.PageSize, []string{`href="/?page=2"`}},
		{"?page=2", 200, 3, []string{`href="/"`}},
		{"?page=9", 200, 0, []string{`href="/?page=2"`}},
		{"?page=0", 400, 0, nil},
		{"?page=-1", 400, 0, nil},
		{"?page=abc", 400, 0, nil},
		{"?page=1&page=2", 400, 0, nil},
		{"?page=1000001", 400, 0, nil},
		{"?page=%zz", 400, 0, nil},
	}
	for _, tt := range tests {
		resp := serve(s, httptest.NewRequest(http.MethodGet, "/"+tt.query, nil))
		body := readBody(t, resp)
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("GET /%s: status = %d, want %d", tt.query, resp.StatusCode, tt.wantStatus)
			continue
		}
		if got := strings.Count(body, `class="entry-message"`); got != tt.wantEntries {
			t.Errorf("GET /%s: %d entries on the page, want %d", tt.query, got, tt.wantEntries)
		}
		for _, link := range tt.wantLinks {
			if !strings.Contains(body, link) {
				t.Errorf("GET /%s: page lacks link %s", tt.query, link)
			}
		}
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := newTestServer(t, func(c *Config) { c.TLS = tls })
		resp := serve(s, httptest.NewRequest(http.MethodGet, "/", nil))
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("TLS %v: %d cookies, want 1", tls, len(cookies))
		}
		c := cookies[0]
		wantName := plainCookieName
		if tls {
			wantName = secureCookieName
		}
		if c.Name != wantName || c.Path != "/" || c.Domain != "" || !c.HttpOnly ||
			c.SameSite != http.SameSiteStrictMode || c.Secure != tls {
			t.Errorf("TLS %v: cookie %+v, want %s, Path=/, no Domain, HttpOnly, SameSite=Strict, Secure=%v", tls, c, wantName, tls)
		}

		hsts := resp.Header.Get("Strict-Transport-Security")
		if tls && hsts != "max-age=63072000; includeSubDomains" {
			t.Errorf("TLS: Strict-Transport-Security = %q, want two years", hsts)
		}
		if !tls && hsts != "" {
			t.Errorf("plain HTTP: Strict-Transport-Security = %q, want none", hsts)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	s := newTestServer(t)
	resp := serve(s, httptest.NewRequest(http.MethodGet, "/static/style.css", nil))
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "font:") {
		t.Fatalf("GET /static/style.css: status %d, body %.40q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/css; charset=utf-8", got)
	}
	etag := resp.Header.Get("ETag")

	r := httptest.NewRequest(http.MethodGet, "/static/style.css", nil)
	r.Header.Set("If-None-Match", etag)
	if resp := serve(s, r); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: status = %d, want 304", resp.StatusCode)
	}

	for _, path := range []string{"/static/", "/static/missing.css", "/static/style.css/", "/static/STYLE.CSS"} {
		if resp := serve(s, httptest.NewRequest(http.MethodGet, path, nil)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status = %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t)
	body := "name=a&message=" + strings.Repeat("x", MaxBodyBytes)

	declared := postForm(body)
	if resp := serve(s, declared); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared length: status = %d, want 413", resp.StatusCode)
	}

	// A body of unknown length is cut off while the form is read.
	chunked := postForm(body)
	chunked.ContentLength = -1
	chunked.Body = io.NopCloser(strings.NewReader(body))
	if resp := serve(s, chunked); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("unknown length: status = %d, want 413", resp.StatusCode)
	}
}

func TestStatusCounters(t *testing.T) {
	s := newTestServer(t)
	serve(s, httptest.NewRequest(http.MethodGet, "/", nil))
	serve(s, httptest.NewRequest(http.MethodGet, "/", nil))
	serve(s, postForm("name=Ann&message=hi"))

	resp := serve(s, httptest.NewRequest(http.MethodGet, "/status", nil))
	var got statusResponse
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := statusCounters{PageViews: 2, EntriesWritten: 1, Sessions: 2}
	if diff := cmp.Diff(want, got.Counters); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	if got.Instance != "test-1" || got.Entries != 1 || len(got.LiveInstances) != 1 {
		t.Errorf("status = %+v, want instance test-1, 1 entry, 1 live instance", got)
	}
}

func TestReadyzFailsWithoutDatabase(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.DB = failingPinger{} })
	resp := serve(s, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if body := readBody(t, resp); resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "unexpected EOF") {
		t.Errorf("readyz: status %d, body %q; want 503 without the error", resp.StatusCode, body)
	}
}

type failingPinger struct{}

func (failingPinger) Ping(context.Context) error { return io.ErrUnexpectedEOF }

func TestCanceledRequestIsNoServerError(t *testing.T) {
	s := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp := serve(s, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	rec := findLog(t, s.logs.String(), "request canceled before it completed")
	if rec["level"] != "INFO" {
		t.Errorf("canceled request logged at %v, want INFO", rec["level"])
	}
	if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
		t.Errorf("canceled request logged an error:\n%s", s.logs.String())
	}
}
