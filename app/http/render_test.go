package http

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/guestbook-secscan/guestbook/app"
)

// renderIndex renders the main page with name and message in every place
// where visitor data appears: a stored entry, the refilled form and the
// list of problems.
func renderIndex(t *testing.T, p pages, name, message string) string {
	t.Helper()
	data := indexPage{
		layoutView: layoutView{
			Instance: instanceView{ID: "test-1", Version: "v1", Uptime: "1s"},
			Banner:   &bannerView{IDs: []string{"test-1", "test-2"}},
		},
		Session: &sessionVisit{Visits: 1, Started: time.Unix(0, 0)},
		Form: formView{
			Name:     name,
			Message:  message,
			Problems: []guestbook.FieldError{{Field: "name", Message: "Name is required."}},
		},
		Listing: &listingView{
			Entries: []*guestbook.Entry{{ID: 1, Name: name, Message: message, InstanceID: "test-1", CreatedAt: time.Unix(0, 0)}},
			Total:   1, Page: 1, Pages: 1,
		},
	}
	var buf bytes.Buffer
	if err := p["index"].ExecuteTemplate(&buf, "layout", data); err != nil {
		t.Fatalf("rendering name %q, message %q: %v", name, message, err)
	}
	return buf.String()
}

// FuzzRenderIndex checks that visitor text can never change the structure
// of the page: the page has exactly as many markup characters as with
// harmless text, and the text itself comes back after unescaping.
func FuzzRenderIndex(f *testing.F) {
	seeds := [][2]string{
		{"Ann", "Hello"},
		{"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"},
		{`"><svg onload=alert(1)>`, `'><a href="javascript:alert(1)">x</a>`},
		{"</textarea><script>x</script>", "</title><style>*{}</style>"},
		{"{{.}}", "&lt;b&gt; &amp; &#60;"},
		{"\x00", "\xff\xfe"},
		{"<!--", "]]><![CDATA["},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	p, err := parsePages()
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, name, message string) {
		baseline := renderIndex(t, p, "x", "x")
		page := renderIndex(t, p, name, message)

		for _, c := range []string{"<", ">", `"`, "'"} {
			if got, want := strings.Count(page, c), strings.Count(baseline, c); got != want {
				t.Fatalf("name %q, message %q: page has %d %q characters, want %d as with plain text:\n%s",
					name, message, got, c, want, page)
			}
		}
		if !utf8.ValidString(name+message) || strings.ContainsRune(name+message, 0) {
			return // html/template replaces these bytes, so they cannot come back unchanged
		}
		unescaped := html.UnescapeString(page)
		for _, s := range []string{name, message} {
			if !strings.Contains(unescaped, s) {
				t.Fatalf("text %q is missing from the unescaped page", s)
			}
		}
	})
}
