package hadolint

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// DefaultSkipDirs are the directories searched for no Dockerfiles, in
// addition to Target.Exclude: test fixtures often hold Dockerfiles with
// planted problems, and reports/ is where secscan writes its output.
var DefaultSkipDirs = []string{"**/testdata", "reports"}

// alwaysSkipped are directory names never searched: version control
// metadata and installed dependencies.
var alwaysSkipped = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// isDockerfile reports whether a file name is one that container builds
// read as a Dockerfile: Dockerfile, Containerfile, NAME.Dockerfile,
// Dockerfile.NAME and Containerfile.NAME. Dockerfile.dockerignore and
// NAME.Dockerfile.dockerignore are ignore files, not Dockerfiles.
func isDockerfile(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") {
		return false
	}
	switch {
	case name == "Dockerfile", name == "Containerfile":
		return true
	case strings.HasPrefix(name, "Dockerfile.") && len(name) > len("Dockerfile."):
		return true
	case strings.HasPrefix(name, "Containerfile.") && len(name) > len("Containerfile."):
		return true
	case strings.HasSuffix(name, ".Dockerfile") && len(name) > len(".Dockerfile"):
		return true
	}
	return false
}

// excluder decides which repository paths are left out.
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
// a pattern, so that both "vendor" and "vendor/**" leave out vendor/a/b.
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

// findDockerfiles returns the slash-separated, root-relative paths of the
// regular files under root that isDockerfile accepts, in lexical order.
// Symbolic links are not followed: a link could point outside the
// directory that the container mounts.
func findDockerfiles(root string, ex excluder) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			// An unreadable directory is skipped like Trivy's walker does.
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if alwaysSkipped[d.Name()] || ex.excluded(rel) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && isDockerfile(d.Name()) && !ex.excluded(rel) {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}
