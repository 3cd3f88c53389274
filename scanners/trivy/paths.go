package trivy

import (
	"os"
	"path/filepath"
	"strings"
)

// DefaultSkipDirs are the directories that Trivy never scans, in addition
// to Target.Exclude. Test fixtures often hold planted problems (this
// repository's own do) that would otherwise fill the report, and reports/
// is where secscan writes its output. Trivy itself always skips .git, and
// proc, sys and dev at the top of the scanned tree.
var DefaultSkipDirs = []string{"**/testdata", "reports"}

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
