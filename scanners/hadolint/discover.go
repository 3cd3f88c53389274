package hadolint

import (
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
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

// findDockerfiles returns the slash-separated, root-relative paths of the
// regular files under root that isDockerfile accepts, in lexical order.
// Symbolic links are not followed: a link could point outside the
// directory that the container mounts.
func findDockerfiles(root string, exclude pathfilter.Filter) ([]string, error) {
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
			if alwaysSkipped[d.Name()] || exclude.Excludes(rel) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && isDockerfile(d.Name()) && !exclude.Excludes(rel) {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}
