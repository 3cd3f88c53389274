package gosec

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

func TestRuleDocsCoverGosec(t *testing.T) {
	titles := gosecTitles()
	if len(titles) < 60 {
		t.Fatalf("gosec lists %d rules and analyzers, want at least 60", len(titles))
	}
	for id := range titles {
		if _, ok := ruleDocs[id]; !ok {
			t.Errorf("gosec rule %s has no entry in ruleDocs", id)
		}
	}
	for id := range ruleDocs {
		if _, ok := titles[id]; !ok {
			t.Errorf("ruleDocs describes %s, which gosec does not have", id)
		}
	}
}

func TestRuleMetadata(t *testing.T) {
	identifier := regexp.MustCompile(`^[A-Z][A-Za-z0-9]+$`)
	names := map[string]string{}
	for id := range gosecTitles() {
		r := newRule(id, "2.30.0", "")
		if !identifier.MatchString(r.Name) || len(r.Name) > 255 {
			t.Errorf("%s: Name %q is not an identifier of at most 255 characters", id, r.Name)
		}
		if other, dup := names[r.Name]; dup {
			t.Errorf("%s and %s share the name %q", id, other, r.Name)
		}
		names[r.Name] = id
		for field, text := range map[string]string{"ShortDescription": r.ShortDescription, "FullDescription": r.FullDescription} {
			if text == "" || len(text) > 1024 {
				t.Errorf("%s: %s has %d characters, want 1 to 1024", id, field, len(text))
			}
		}
		if !strings.Contains(r.HelpMarkdown, "https://github.com/securego/gosec/blob/v2.30.0/RULES.md#") {
			t.Errorf("%s: HelpMarkdown has no link to gosec's rule list:\n%s", id, r.HelpMarkdown)
		}
		if !strings.Contains(r.HelpText, r.FullDescription) {
			t.Errorf("%s: HelpText does not contain the full description", id)
		}
		if !slices.Contains(r.Tags, "security") {
			t.Errorf("%s: Tags %q lack security", id, r.Tags)
		}
		cwes := 0
		for _, tag := range r.Tags {
			if strings.HasPrefix(tag, "external/cwe/cwe-") {
				cwes++
			}
		}
		if cwes != 1 {
			t.Errorf("%s: Tags %q have %d CWE tags, want 1", id, r.Tags, cwes)
		}
	}
}

func TestRuleLinks(t *testing.T) {
	tests := []struct {
		id, helpURI, markdownLink string
	}{
		{"G101", "https://securego.io/docs/rules/g101.html", "RULES.md#g101)"},
		{"G202", "https://securego.io/docs/rules/g201-g202.html", "RULES.md#g2xx-injection-patterns)"},
		{"G306", "https://github.com/securego/gosec/blob/v2.30.0/RULES.md#g301-g302-g306-g307", "RULES.md#g301-g302-g306-g307)"},
		{"G705", "https://github.com/securego/gosec/blob/v2.30.0/RULES.md#g7xx-taint-analysis", "[CWE-79: "},
	}
	for _, tt := range tests {
		r := newRule(tt.id, "2.30.0", "")
		if r.HelpURI != tt.helpURI {
			t.Errorf("newRule(%s).HelpURI = %q, want %q", tt.id, r.HelpURI, tt.helpURI)
		}
		if !strings.Contains(r.HelpMarkdown, tt.markdownLink) {
			t.Errorf("newRule(%s).HelpMarkdown lacks %q:\n%s", tt.id, tt.markdownLink, r.HelpMarkdown)
		}
	}
}

func TestRuleUnknownID(t *testing.T) {
	r := newRule("G999", "2.30.0", "Detect something new")
	if r.Name != "GosecG999" || r.ShortDescription != "Detect something new." {
		t.Errorf("newRule(G999) = Name %q, ShortDescription %q; want GosecG999 and gosec's title", r.Name, r.ShortDescription)
	}
	if !slices.Equal(r.Tags, []string{"security"}) {
		t.Errorf("newRule(G999).Tags = %q, want [security]", r.Tags)
	}
}

func TestFallbackVersionMatchesGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == modulePath {
			if want := strings.TrimPrefix(r.Mod.Version, "v"); fallbackVersion != want {
				t.Errorf("fallbackVersion = %q, but go.mod requires %s %s", fallbackVersion, modulePath, r.Mod.Version)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", modulePath)
}
