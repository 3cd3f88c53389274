package pathfilter

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExcludes(t *testing.T) {
	f := New([]string{"vendor", "docs/**", "**/testdata", "/build/", "*.gen.Dockerfile", "**/*.min.js", " ", ""})
	tests := map[string]bool{
		"vendor/a/Dockerfile":            true,
		"vendor/a/go.mod":                true,
		"docs/x/Dockerfile":              true,
		"a/b/testdata/Dockerfile":        true,
		"scanners/testdata/planted/x.go": true,
		"testdata/Dockerfile":            true,
		"testdata/x":                     true,
		"build/Dockerfile":               true,
		"build/out.yaml":                 true,
		"x.gen.Dockerfile":               true,
		"web/app.min.js":                 true,
		"app/Dockerfile":                 false,
		"vendored/Dockerfile":            false,
		"vendored/x":                     false,
		"app/docs/Dockerfile":            false,
		"app/docs/x":                     false,
		"app/x.gen.Dockerfile":           false,
		"mytestdata/Dockerfile":          false,
		"app/testdata.d/Dockerfile":      false,
		"app/app.js":                     false,
	}
	for p, want := range tests {
		if got := f.Excludes(p); got != want {
			t.Errorf("Excludes(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestExcludesAlternatives(t *testing.T) {
	f := New([]string{"{docs,examples}/**"})
	for p, want := range map[string]bool{
		"docs/Dockerfile":     true,
		"examples/a/main.go":  true,
		"app/docs/Dockerfile": false,
	} {
		if got := f.Excludes(p); got != want {
			t.Errorf("Excludes(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestZeroFilterExcludesNothing(t *testing.T) {
	var f Filter
	if f.Excludes("vendor/a.go") {
		t.Error("zero Filter excludes vendor/a.go")
	}
}

func TestPatternsCleaned(t *testing.T) {
	got := New([]string{" docs/** ", "/build/", ".", "", "  ", "**/testdata"}).Patterns()
	want := []string{"docs/**", "build", "**/testdata"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Patterns() (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	if err := New([]string{"ok/**", "{docs,examples}", "**/*.min.js"}).Validate(); err != nil {
		t.Errorf("Validate() of well-formed patterns = %v, want nil", err)
	}

	tests := map[string][]string{
		"bad[": {"ok/**", "bad[", "a/{b"},
		"a/{b": {"ok/**", "a/{b"},
	}
	for first, patterns := range tests {
		err := New(patterns).Validate()
		want := fmt.Sprintf("invalid exclude pattern %q: use a slash-separated glob such as docs/** or **/*.min.js", first)
		if err == nil || err.Error() != want {
			t.Errorf("Validate() of %q = %v, want %s", patterns, err, want)
		}
	}
}
