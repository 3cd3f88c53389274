package govulncheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestNewRuleLongDetails(t *testing.T) {
	e := &osvEntry{
		ID:      "GO-2099-0002",
		Aliases: []string{"GHSA-xxxx-yyyy-zzzz", "CVE-2099-1", "CVE-2099-1"},
		Details: strings.Repeat("ü", 2000),
	}
	r := newRule(e.ID, e)
	if n := utf8.RuneCountInString(r.FullDescription); n != maxDescription {
		t.Errorf("FullDescription has %d characters, want %d", n, maxDescription)
	}
	if !strings.HasSuffix(r.FullDescription, "…") {
		t.Error("a truncated FullDescription does not end with an ellipsis")
	}
	if !strings.Contains(r.HelpText, e.Details) {
		t.Error("HelpText lost the full details")
	}
	if want := []string{"security", "CVE-2099-1", "GHSA-xxxx-yyyy-zzzz"}; !slices.Equal(r.Tags, want) {
		t.Errorf("Tags = %q, want %q", r.Tags, want)
	}
	if r.ShortDescription != strings.Repeat("ü", 1023)+"…" {
		t.Errorf("ShortDescription without a summary = %q, want the truncated details", r.ShortDescription[:20])
	}
}

func TestNewRuleWithoutEntry(t *testing.T) {
	r := newRule("GO-2099-0003", nil)
	if r.ShortDescription == "" || r.FullDescription == "" || r.HelpURI != "https://pkg.go.dev/vuln/GO-2099-0003" {
		t.Errorf("newRule(nil entry) = %+v, want descriptions and the advisory link", r)
	}
}

func TestAffectedLines(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "osv", "GO-2026-6629.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := decodeStream(strings.NewReader(`{"osv":` + string(data) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	got := affectedLines(st.OSVs["GO-2026-6629"])
	want := []string{"golang.org/x/text: affected before 0.41.0; packages golang.org/x/text/secure/precis"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("affectedLines mismatch (-want +got):\n%s", diff)
	}
}

func TestVersionRange(t *testing.T) {
	tests := []struct{ introduced, fixed, want string }{
		{"0", "0.3.7", "before 0.3.7"},
		{"1.2.0", "1.2.5", "from 1.2.0 before 1.2.5"},
		{"1.3.0", "", "from 1.3.0"},
		{"0", "", "all versions"},
	}
	for _, tt := range tests {
		if got := versionRange(tt.introduced, tt.fixed); got != tt.want {
			t.Errorf("versionRange(%q, %q) = %q, want %q", tt.introduced, tt.fixed, got, tt.want)
		}
	}
}
