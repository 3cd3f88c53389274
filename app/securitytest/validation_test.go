package securitytest

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	s := startServer(t, options{})
	for _, path := range []string{"/healthz", "/readyz"} {
		resp := s.get(t, path)
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(resp.body) != `{"status":"ok"}` {
			t.Errorf("GET %s = %d %q, want 200 {\"status\":\"ok\"}", path, resp.StatusCode, resp.body)
		}
		if got := resp.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("GET %s Content-Type = %q, want application/json", path, got)
		}
	}

	doc := s.status(t)
	if doc.Instance != "test" || doc.Entries != 0 || len(doc.LiveInstances) != 1 {
		t.Errorf("GET /status = %+v, want instance test, no entries, one live instance", doc)
	}
}

func TestInputValidation(t *testing.T) {
	s := startServer(t, options{})
	const controlChar = "must not contain control characters"

	tests := []struct {
		name       string
		body       string // encoded form, sent as is
		wantStatus int
		wantText   []string // problems the 400 page must state
	}{
		{"empty name", "name=&message=hi", 400, []string{"Name is required."}},
		{"empty message", "name=Ann&message=", 400, []string{"Message is required."}},
		{"empty both", "name=&message=", 400, []string{"Name is required.", "Message is required."}},
		{"white space only", "name=+%09+&message=%0D%0A+", 400, []string{"Name is required.", "Message is required."}},
		{"name too long", "name=" + strings.Repeat("%C3%A9", 51) + "&message=hi", 400,
			[]string{"Name must be at most 50 characters (it has 51)."}},
		{"message too long", "name=Ann&message=" + strings.Repeat("x", 501), 400,
			[]string{"Message must be at most 500 characters (it has 501)."}},
		{"NUL in name", "name=A%00B&message=hi", 400, []string{"Name " + controlChar}},
		{"bell in name", "name=A%07B&message=hi", 400, []string{"Name " + controlChar}},
		{"newline in name", "name=A%0AB&message=hi", 400, []string{"Name " + controlChar}},
		{"escape in message", "name=Ann&message=%1B%5B2J", 400, []string{"Message " + controlChar}},
		{"tab in message", "name=Ann&message=a%09b", 400, []string{"Message " + controlChar}},
		{"DEL in message", "name=Ann&message=a%7Fb", 400, []string{"Message " + controlChar}},
		{"C1 control in message", "name=Ann&message=a%C2%85b", 400, []string{"Message " + controlChar}},
		{"lone CR in message", "name=Ann&message=a%0Db", 400, []string{"Message " + controlChar}},
		{"bidi override", "name=Ann&message=a%E2%80%AEb", 400, []string{"Message must not contain characters that reverse"}},
		{"invalid UTF-8 name", "name=%FF%FE&message=hi", 400, []string{"Name is not valid UTF-8 text."}},
		{"invalid UTF-8 message", "name=Ann&message=%C3%28", 400, []string{"Message is not valid UTF-8 text."}},
		{"overlong slash", "name=%C0%AF&message=hi", 400, []string{"Name is not valid UTF-8 text."}},
		{"UTF-16 surrogate", "name=Ann&message=%ED%A0%80", 400, []string{"Message is not valid UTF-8 text."}},
		{"missing name", "message=hi", 400, []string{"Name is missing from the form."}},
		{"missing message", "name=Ann", 400, []string{"Message is missing from the form."}},
		{"missing both", "", 400, []string{"Name is missing from the form.", "Message is missing from the form."}},
		{"duplicated name", "name=Ann&name=Bob&message=hi", 400, []string{"Name was sent more than once."}},
		{"duplicated message", "name=Ann&message=a&message=b", 400, []string{"Message was sent more than once."}},
		{"malformed escape", "name=%zz&message=hi", 400, nil},
		{"max lengths", "name=" + strings.Repeat("%C3%A9", 50) + "&message=" + strings.Repeat("%E6%97%A5", 500), 303, nil},
		{"newlines kept", "name=Ann&message=line1%0D%0Aline2", 303, nil},
	}

	stored := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := s.postBody(t, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("POST %q: status %d, want %d", tt.body, resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusSeeOther {
				stored++
				return
			}
			text := html.UnescapeString(resp.body)
			for _, want := range tt.wantText {
				if !strings.Contains(text, want) {
					t.Errorf("400 page does not state %q:\n%s", want, resp.body)
				}
			}
			if tt.wantText != nil && !strings.Contains(resp.body, `<form method="post" action="/entries">`) {
				t.Errorf("400 page does not show the form again")
			}
		})
	}

	if got := s.status(t).Entries; got != stored {
		t.Errorf("database holds %d entries, want %d: a rejected entry was stored", got, stored)
	}
	page := html.UnescapeString(s.get(t, "/").body)
	if !strings.Contains(page, "line1\nline2") {
		t.Errorf("the message with a CRLF line break was not stored as line1\\nline2")
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	s := startServer(t, options{})
	for _, contentType := range []string{"text/plain", "application/json", "multipart/form-data; boundary=x"} {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/entries", strings.NewReader(url.Values{"name": {"a"}, "message": {"b"}}.Encode()))
		req.Header.Set("Content-Type", contentType)
		if resp := do(t, req); resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("POST with Content-Type %q: status %d, want 415", contentType, resp.StatusCode)
		}
	}
	if got := s.status(t).Entries; got != 0 {
		t.Errorf("database holds %d entries, want 0", got)
	}
}
