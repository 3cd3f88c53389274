// Package pathfilter decides which repository paths a scan leaves out, from
// glob patterns relative to the repository root.
//
// The matching is that of github.com/bmatcuk/doublestar/v4, the library
// that Trivy v0.74.0 uses for its --skip-dirs and --skip-files flags, so
// that an adapter which filters paths itself leaves out what Trivy would.
// "*" matches within one path segment, "**" matches any number of
// segments, and "{a,b}" matches either alternative. A pattern without a
// slash matches at the root only, as in Trivy: "*.go" matches main.go but
// not app/main.go, while "**/*.go" matches both.
//
// A path is also left out when one of its parent directories matches, so
// "vendor" and "vendor/**" both leave out vendor/a/b.go.
package pathfilter

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Filter holds the exclude patterns of one scan. The zero value excludes
// nothing.
type Filter struct {
	patterns []string // slash-separated doublestar globs, relative to the root
}

// New returns a Filter for patterns. It trims surrounding white space and
// slashes from each pattern, converts it to forward slashes, and drops the
// ones left empty or ".".
func New(patterns []string) Filter {
	var clean []string
	for _, p := range patterns {
		p = strings.Trim(filepath.ToSlash(strings.TrimSpace(p)), "/")
		if p != "" && p != "." {
			clean = append(clean, p)
		}
	}
	return Filter{patterns: clean}
}

// Patterns returns the cleaned patterns, in the order given to New, for
// passing on to a tool such as Trivy.
func (f Filter) Patterns() []string {
	return f.patterns
}

// Excludes reports whether the slash-separated path rel, relative to the
// root, or one of its parent directories matches a pattern.
func (f Filter) Excludes(rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		for _, pattern := range f.patterns {
			if ok, err := doublestar.Match(pattern, p); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// Validate returns an error that names the first pattern that is not a
// well-formed glob, for the caller to reject before a scan.
func (f Filter) Validate() error {
	for _, pattern := range f.patterns {
		if !doublestar.ValidatePattern(pattern) {
			return fmt.Errorf("invalid exclude pattern %q: use a slash-separated glob such as docs/** or **/*.min.js", pattern)
		}
	}
	return nil
}
