package trivy

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// DefaultSkipDirs are the directories that Trivy never scans, in addition
// to Target.Exclude. Test fixtures often hold planted problems (this
// repository's own do) that would otherwise fill the report, and reports/
// is where secscan writes its output. Trivy itself always skips .git, and
// proc, sys and dev at the top of the scanned tree.
var DefaultSkipDirs = []string{"**/testdata", "reports"}

// excluder decides which repository paths are left out of a scan.
type excluder struct {
	patterns []string // slash-separated doublestar globs, relative to the root
}

func newExcluder(patterns []string) excluder {
	var clean []string
	for _, p := range patterns {
		p = strings.Trim(filepath.ToSlash(strings.TrimSpace(p)), "/")
		if p != "" && p != "." {
			clean = append(clean, p)
		}
	}
	return excluder{patterns: clean}
}

// excluded reports whether rel, or one of its parent directories, matches
// a pattern, so that both "vendor" and "vendor/**" leave out vendor/a/b.go.
// The matching is doublestar's, the library Trivy uses for --skip-dirs and
// --skip-files.
func (e excluder) excluded(rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		for _, pattern := range e.patterns {
			if ok, err := doublestar.Match(pattern, p); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// invalid returns the patterns that are not well-formed globs.
func (e excluder) invalid() []string {
	var bad []string
	for _, pattern := range e.patterns {
		if !doublestar.ValidatePattern(pattern) {
			bad = append(bad, pattern)
		}
	}
	return bad
}

// repoPath converts a path from a Trivy report into a slash-separated path
// relative to root, or returns "" when it does not name a regular file
// inside root. Trivy reports paths relative to the scanned directory, but
// a target can also be an image name, a package type ("Python") or a
// remote module source ("git::https://..."), none of which is a file.
func repoPath(root, p string) string {
	if p == "" || strings.Contains(p, "::") || strings.Contains(p, "://") {
		return ""
	}
	native := filepath.FromSlash(p)
	if !filepath.IsAbs(native) {
		native = filepath.Join(root, native)
	}
	rel, err := filepath.Rel(root, filepath.Clean(native))
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return ""
	}
	info, err := os.Stat(filepath.Join(root, rel))
	if err != nil || !info.Mode().IsRegular() {
		return ""
	}
	return filepath.ToSlash(rel)
}
