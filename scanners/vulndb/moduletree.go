package vulndb

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// osvDir is the directory of golang.org/x/vulndb's OSV files, relative to
// the module root.
const osvDir = "data/osv"

// maxEntrySize bounds the size of one OSV file. The largest file in
// golang.org/x/vulndb v0.0.0-20261105234957-e22db6528018 is 32 KB.
const maxEntrySize = 4 << 20

// moduleTree is the content of a golang.org/x/vulndb module: an extracted
// directory (such as the module cache's) or a module zip file.
type moduleTree struct {
	fsys    fs.FS     // rooted at the module root
	where   string    // the directory or zip file, for messages
	version string    // the version in the directory or zip name, or ""
	closer  io.Closer // non-nil for a zip file
}

// openModuleTree opens a module directory or a module zip file (a path
// ending in .zip, with files named golang.org/x/vulndb@VERSION/...).
func openModuleTree(p string) (*moduleTree, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("opening golang.org/x/vulndb module: %w", err)
	}
	if fi.IsDir() {
		return &moduleTree{
			fsys:    os.DirFS(p),
			where:   p,
			version: versionFromName(filepath.Base(p)),
		}, nil
	}
	if !strings.HasSuffix(p, ".zip") {
		return nil, fmt.Errorf("opening golang.org/x/vulndb module %s: not a directory or a .zip file", p)
	}
	return openModuleZip(p)
}

func openModuleZip(p string) (*moduleTree, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("opening golang.org/x/vulndb module zip: %w", err)
	}

	// Every file of a module zip starts with "<module path>@<version>/",
	// and the module path itself contains slashes.
	var root string
	for _, f := range zr.File {
		at := strings.Index(f.Name, "@")
		if at < 0 {
			continue
		}
		if slash := strings.Index(f.Name[at:], "/"); slash >= 0 {
			root = f.Name[:at+slash]
			break
		}
	}
	if root == "" {
		zr.Close()
		return nil, fmt.Errorf("opening golang.org/x/vulndb module zip %s: no <module>@<version>/ directory; pass a zip written by the go command", p)
	}

	sub, err := fs.Sub(zr, root)
	if err != nil {
		zr.Close()
		return nil, fmt.Errorf("opening golang.org/x/vulndb module zip %s: %w", p, err)
	}
	return &moduleTree{
		fsys:    sub,
		where:   p,
		version: versionFromName(path.Base(root)),
		closer:  zr,
	}, nil
}

// versionFromName returns the version in a name of the form
// "vulndb@v0.0.0-20261105234957-e22db6528018", or "".
func versionFromName(name string) string {
	_, v, ok := strings.Cut(name, "@")
	if !ok {
		return ""
	}
	return v
}

func (t *moduleTree) Close() error {
	if t.closer == nil {
		return nil
	}
	return t.closer.Close()
}

// osvFiles returns the base names of the .json files in data/osv, sorted.
// The directory is flat; subdirectories and other files are ignored.
func (t *moduleTree) osvFiles() ([]string, error) {
	ents, err := fs.ReadDir(t.fsys, osvDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s directory; pass the root of a golang.org/x/vulndb module", t.where, osvDir)
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s in %s: %w", osvDir, t.where, err)
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// readOSV returns the content of data/osv/<name>.
func (t *moduleTree) readOSV(name string) ([]byte, error) {
	f, err := t.fsys.Open(path.Join(osvDir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxEntrySize {
		return nil, fmt.Errorf("larger than %d bytes", maxEntrySize)
	}
	return b, nil
}
