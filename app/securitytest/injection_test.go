package securitytest

import (
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<ScRiPt src=//attacker.example/x.js></sCrIpT>`,
	`<img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<body onload=alert(1)>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<a href="javascript:alert(1)">click</a>`,
	`javascript:alert(document.cookie)`,
	`"><script>alert(1)</script>`,
	`' onmouseover='alert(1)`,
	`" autofocus onfocus="alert(1)`,
	`</textarea><script>alert(1)</script>`,
	`</title><script>alert(1)</script>`,
	`<style>body{display:none}</style>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
	`\u003cscript\u003ealert(1)\u003c/script\u003e`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`{{define "x"}}{{.}}{{end}}<base href="//attacker.example/">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
}

// allowedTags are the only elements the guestbook's templates produce. A
// payload that became markup would add another element or attribute.
var allowedTags = []string{
	"!doctype", "html", "head", "meta", "title", "link", "body", "div", "header", "main", "footer",
	"section", "h1", "h2", "p", "ul", "ol", "li", "dl", "dt", "dd", "code", "strong", "time",
	"form", "label", "input", "textarea", "button", "nav", "span", "a",
}

var (
	tagPattern      = regexp.MustCompile(`<(/?)([!a-zA-Z][a-zA-Z0-9-]*)([^>]*)>`)
	eventAttribute  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	urlAttribute    = regexp.MustCompile(`(?i)\s(href|src|action)\s*=\s*"([^"]*)"`)
	allowedURLValue = regexp.MustCompile(`^/(\?page=[0-9]+|static/style\.css|entries)?$`)
)

// checkInert checks that a page holds only the templates' own markup: known
// elements, no event handler attributes and only the app's own URLs.
func checkInert(t *testing.T, label, page string) {
	t.Helper()
	for _, m := range tagPattern.FindAllStringSubmatch(page, -1) {
		tag, attrs := strings.ToLower(m[2]), m[3]
		if !slices.Contains(allowedTags, tag) {
			t.Errorf("%s: page contains element <%s%s>", label, m[1]+m[2], attrs)
		}
		if eventAttribute.MatchString(attrs) {
			t.Errorf("%s: page contains an event handler in %q", label, m[0])
		}
		for _, u := range urlAttribute.FindAllStringSubmatch(attrs, -1) {
			if !allowedURLValue.MatchString(u[2]) {
				t.Errorf("%s: page links to %q in %q", label, u[2], m[0])
			}
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("%s: page contains a script element", label)
	}
}

func TestStoredXSS(t *testing.T) {
	s := startServer(t, options{})
	for i, payload := range xssPayloads {
		if resp := s.postEntry(t, fmt.Sprintf("xss-%d", i), payload); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("posting message %q: status %d, want 303", payload, resp.StatusCode)
		}
		if utf8.RuneCountInString(payload) <= 50 {
			if resp := s.postEntry(t, payload, "name payload"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("posting name %q: status %d, want 303", payload, resp.StatusCode)
			}
		}
	}

	page := s.get(t, "/").body
	checkInert(t, "GET /", page)
	text := html.UnescapeString(page)
	for _, payload := range xssPayloads {
		if strings.ContainsAny(payload, `<>"'`) && strings.Contains(page, payload) {
			t.Errorf("payload %q appears unescaped in the page", payload)
		}
		if !strings.Contains(text, payload) {
			t.Errorf("payload %q is not shown as text on the page", payload)
		}
	}
}

// TestReflectedXSS sends each payload in an invalid entry, so that the 400
// page fills the form in again with it.
func TestReflectedXSS(t *testing.T) {
	s := startServer(t, options{})
	for _, payload := range xssPayloads {
		resp := s.postEntry(t, "", payload)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("posting %q with no name: status %d, want 400", payload, resp.StatusCode)
		}
		checkInert(t, fmt.Sprintf("400 page for %q", payload), resp.body)
		if !strings.Contains(html.UnescapeString(resp.body), payload) {
			t.Errorf("400 page does not show %q back in the form", payload)
		}
	}
}

var sqlPayloads = []string{
	`' OR '1'='1`,
	`' OR 1=1 --`,
	`'; DROP TABLE entries; --`,
	`Robert'); DROP TABLE entries;--`,
	`" OR ""="`,
	`1; DELETE FROM entries`,
	`' UNION SELECT sqlite_version(), 2, 3, 4, 5 --`,
	`admin'--`,
	`' || (SELECT group_concat(sql) FROM sqlite_master) || '`,
	`'); UPDATE entries SET name = 'pwned'; --`,
	`'; ATTACH DATABASE 'pwn.db' AS pwn; CREATE TABLE pwn.x(y); --`,
	`'; PRAGMA writable_schema = 1; --`,
	`x' AND randomblob(1000000000) --`,
	`%27%20OR%201%3D1--`,
	`\'; DROP TABLE instances; --`,
	`1' AND (SELECT COUNT(*) FROM migrations) > 0 --`,
}

func TestSQLInjection(t *testing.T) {
	s := startServer(t, options{})
	var want [][2]string
	for i, payload := range sqlPayloads {
		name := fmt.Sprintf("sqli-%d", i)
		if resp := s.postEntry(t, name, payload); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("posting %q: status %d, want 303", payload, resp.StatusCode)
		}
		want = append(want, [2]string{name, payload})
		if utf8.RuneCountInString(payload) <= 50 {
			if resp := s.postEntry(t, payload, name); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("posting name %q: status %d, want 303", payload, resp.StatusCode)
			}
			want = append(want, [2]string{payload, name})
		}
	}
	for _, q := range []string{"/?page=1%20OR%201=1", "/?page=1;DROP%20TABLE%20entries", "/?page='"} {
		if resp := s.get(t, q); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", q, resp.StatusCode)
		}
	}

	if got := s.status(t).Entries; got != len(want) {
		t.Errorf("GET /status entries = %d, want %d", got, len(want))
	}
	text := html.UnescapeString(s.get(t, "/").body)
	for _, payload := range sqlPayloads {
		if !strings.Contains(text, payload) {
			t.Errorf("payload %q is not shown literally on the page", payload)
		}
	}

	db := openDB(t, s.dbPath)
	checkSchema(t, db)
	rows, err := db.Query(`SELECT name, message FROM entries ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][2]string
	for rows.Next() {
		var e [2]string
		if err := rows.Scan(&e[0], &e[1]); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored entries (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.dbPath), "pwn.db")); err == nil {
		t.Errorf("the ATTACH payload created pwn.db in the server's working directory")
	}
}

// checkSchema checks that the database still has exactly the guestbook's
// tables, with the columns of entries unchanged, and passes SQLite's
// integrity check.
func checkSchema(t *testing.T, db *sql.DB) {
	t.Helper()
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if diff := cmp.Diff([]string{"entries", "instances", "migrations", "sqlite_sequence"}, tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	columns := queryStrings(t, db, `SELECT name FROM pragma_table_info('entries') ORDER BY cid`)
	if diff := cmp.Diff([]string{"id", "name", "message", "instance_id", "created_at"}, columns); diff != "" {
		t.Errorf("columns of entries (-want +got):\n%s", diff)
	}
	if got := queryStrings(t, db, `PRAGMA integrity_check`); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("integrity_check = %q, want ok", got)
	}
}

func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
