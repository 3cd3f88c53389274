package securitytest

import (
	"net/http"
	"strings"
	"testing"
)

// wantHeaders are the exact values every response must carry.
var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Content-Type-Options":       "nosniff",
	"X-Frame-Options":              "DENY",
	"Referrer-Policy":              "strict-origin-when-cross-origin",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"X-Xss-Protection":             "0",
}

// checkHeaders checks the security headers of one response, and that its
// Cache-Control is cacheControl.
func checkHeaders(t *testing.T, label string, resp response, cacheControl string) {
	t.Helper()
	for name, want := range wantHeaders {
		if got := resp.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want exactly %q", label, name, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: Content-Security-Policy allows unsafe sources: %q", label, csp)
	}
	if pp := resp.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("%s: Permissions-Policy = %q, want camera and geolocation disabled", label, pp)
	}
	if got := resp.Header.Get("Cache-Control"); got != cacheControl {
		t.Errorf("%s: Cache-Control = %q, want %q", label, got, cacheControl)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("%s: Strict-Transport-Security = %q over plain HTTP, want none", label, got)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s: no X-Request-Id", label)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := startServer(t, options{})
	tooLarge := "name=a&message=" + strings.Repeat("x", 17*1024)

	tests := []struct {
		label        string
		send         func() response
		wantStatus   int
		cacheControl string
	}{
		{"GET /", func() response { return s.get(t, "/") }, 200, "no-store"},
		{"HEAD /", func() response { return s.raw(t, rawRequest("HEAD", "/")) }, 200, "no-store"},
		{"GET /status", func() response { return s.get(t, "/status") }, 200, "no-store"},
		{"GET /healthz", func() response { return s.get(t, "/healthz") }, 200, "no-store"},
		{"GET /readyz", func() response { return s.get(t, "/readyz") }, 200, "no-store"},
		{"GET /static/style.css", func() response { return s.get(t, "/static/style.css") }, 200, "public, max-age=3600"},
		{"valid POST /entries", func() response { return s.postEntry(t, "Ann", "hello") }, 303, "no-store"},
		{"404", func() response { return s.get(t, "/no/such/page") }, 404, "no-store"},
		{"404 under /static/", func() response { return s.get(t, "/static/missing.css") }, 404, "no-store"},
		{"405", func() response { return s.raw(t, rawRequest("DELETE", "/")) }, 405, "no-store"},
		{"400 invalid entry", func() response { return s.postEntry(t, "", "") }, 400, "no-store"},
		{"400 bad page", func() response { return s.get(t, "/?page=zero") }, 400, "no-store"},
		{"413", func() response { return s.postBody(t, tooLarge) }, 413, "no-store"},
		{"403 cross-origin", func() response {
			req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader("name=a&message=b"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return do(t, req)
		}, 403, "no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			resp := tt.send()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			checkHeaders(t, tt.label, resp, tt.cacheControl)
		})
	}
}

// The 500 and 429 responses come from servers in states of their own, so
// their headers are checked in TestInternalError and TestRateLimit.

func TestSessionCookieOverHTTP(t *testing.T) {
	s := startServer(t, options{})
	resp := s.get(t, "/")
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("GET / set %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != "guestbook_session" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("session cookie = %+v, want guestbook_session, HttpOnly, SameSite=Strict, Path=/, no Domain", c)
	}
	if c.Secure {
		t.Errorf("session cookie over plain HTTP is Secure; browsers would drop it")
	}
}
