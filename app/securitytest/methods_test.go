package securitytest

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestMethodsNotAllowed(t *testing.T) {
	s := startServer(t, options{})
	routes := []struct {
		path  string
		allow string
	}{
		{"/", "GET, HEAD"},
		{"/status", "GET, HEAD"},
		{"/healthz", "GET, HEAD"},
		{"/readyz", "GET, HEAD"},
		{"/static/style.css", "GET, HEAD"},
		{"/entries", "POST"},
	}
	methods := []string{"TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "PROPFIND", "FOO"}

	for _, route := range routes {
		others := methods
		if route.allow == "POST" {
			others = append([]string{"GET", "HEAD"}, methods...)
		} else {
			others = append([]string{"POST"}, methods...)
		}
		for _, method := range others {
			resp := s.raw(t, rawRequest(method, route.path,
				"X-Echo-Marker: marker-5a1d", "Cookie: guestbook_session=cookie-5a1d", "Content-Length: 0"))
			label := method + " " + route.path
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s: status %d, want 405", label, resp.StatusCode)
				continue
			}
			if got := resp.Header.Get("Allow"); got != route.allow {
				t.Errorf("%s: Allow = %q, want %q", label, got, route.allow)
			}
			checkHeaders(t, label, resp, "no-store")
			if strings.Contains(resp.body, "marker-5a1d") || strings.Contains(resp.body, "cookie-5a1d") {
				t.Errorf("%s: response echoes the request:\n%s", label, resp.body)
			}
		}
	}
}

func TestTraceNeverEchoes(t *testing.T) {
	s := startServer(t, options{})
	for _, target := range []string{"/", "*", "/no/such/page", "/static/style.css"} {
		resp := s.raw(t, rawRequest("TRACE", target, "X-Echo-Marker: marker-7c2e", "Cookie: guestbook_session=cookie-7c2e"))
		if resp.StatusCode == http.StatusOK {
			t.Errorf("TRACE %s answered 200", target)
		}
		if strings.Contains(resp.body, "marker-7c2e") || strings.Contains(resp.body, "cookie-7c2e") ||
			strings.Contains(strings.ToLower(resp.body), "message/http") {
			t.Errorf("TRACE %s echoes the request:\n%s", target, resp.body)
		}
	}
}

func TestOptionsAsterisk(t *testing.T) {
	s := startServer(t, options{})
	resp := s.raw(t, rawRequest("OPTIONS", "*"))
	if resp.StatusCode == http.StatusOK {
		t.Errorf("OPTIONS * answered 200, want it handled by the app like any other request")
	}
	if got := resp.Header.Get("Content-Security-Policy"); got != wantHeaders["Content-Security-Policy"] {
		t.Errorf("OPTIONS *: Content-Security-Policy = %q, want the app's policy", got)
	}
}

// traversalTargets try to reach files outside the embedded static files:
// /etc/passwd, the Go sources of the app and the database file.
func traversalTargets(dbPath string) []string {
	return []string{
		"/static/../../../../etc/passwd",
		"/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
		"/static/..%252f..%252f..%252fetc%252fpasswd",
		`/static/..\..\..\..\etc\passwd`,
		"/static/..%5c..%5c..%5c..%5cetc%5cpasswd",
		"/static/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
		"/static/..%c0%af..%c0%af..%c0%afetc%c0%afpasswd",
		"/static/..%e0%80%af..%e0%80%afetc%e0%80%afpasswd",
		"/static/....//....//....//etc/passwd",
		"/static/..;/..;/..;/etc/passwd",
		"/static/.%2e/.%2e/.%2e/etc/passwd",
		"/static//etc/passwd",
		"/static/%2fetc%2fpasswd",
		"/static/style.css/../../server.go",
		"/static/../http/server.go",
		"/static/%2e%2e/server.go",
		"/static/../../go.mod",
		"/../../../../etc/passwd",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"//etc/passwd",
		"/etc/passwd",
		"/static/" + dbPath,
		"/static/../../../../.." + dbPath,
		"/static/" + url.PathEscape(dbPath),
		"http://127.0.0.1/static/../../../../etc/passwd",
		"/static/..%00/..%00/etc/passwd",
		"/static/style.css%00.txt",
	}
}

// leakMarkers are pieces of the files the traversal targets try to reach.
var leakMarkers = []string{"root:x:0:0", "root:*:0:0", "SQLite format 3", "package http", "module github.com"}

func TestPathTraversal(t *testing.T) {
	s := startServer(t, options{})
	css := s.get(t, "/static/style.css").body
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Logf("no /etc/passwd on this machine; the database and source files remain as targets")
	}

	for _, target := range traversalTargets(s.dbPath) {
		t.Run(target, func(t *testing.T) {
			resp := s.raw(t, rawRequest("GET", target))
			// Follow redirects, such as the one to a cleaned path, as a
			// browser would, and judge where they end.
			for hops := 0; resp.StatusCode >= 300 && resp.StatusCode < 400 && hops < 5; hops++ {
				loc, err := url.Parse(resp.Header.Get("Location"))
				if err != nil || loc.Host != "" && loc.Host != "127.0.0.1" && loc.Host != s.addr {
					t.Fatalf("redirect to %q leaves the server", resp.Header.Get("Location"))
				}
				resp = s.raw(t, rawRequest("GET", loc.RequestURI()))
			}
			for _, marker := range leakMarkers {
				if strings.Contains(resp.body, marker) {
					t.Fatalf("GET %s returned a file outside the static files (%q):\n%.300s", target, marker, resp.body)
				}
			}
			if resp.StatusCode == http.StatusOK && resp.body != css {
				t.Errorf("GET %s: 200 with a body that is not the stylesheet:\n%.300s", target, resp.body)
			}
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %s ended with status %d, want 404, 400 or the stylesheet", target, resp.StatusCode)
			}
		})
	}
}
