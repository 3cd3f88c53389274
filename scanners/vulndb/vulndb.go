package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// ModulePath is the Go module that publishes the Go vulnerability database
// as OSV files under data/osv.
const ModulePath = "golang.org/x/vulndb"

// Paths inside a database, relative to its root, in the layout that
// govulncheck reads from a file:// URL.
const (
	dbIndexFile      = "index/db.json"
	modulesIndexFile = "index/modules.json"
	vulnsIndexFile   = "index/vulns.json"
	entryDir         = "ID"

	// stampFile records which module version a database was built from.
	// govulncheck ignores it.
	stampFile = "secscan-vulndb.json"

	// stampFormat is bumped whenever Sync changes what it writes, so that
	// a database written by an older secscan is rebuilt.
	stampFormat = 1
)

// DefaultDir returns the directory that Sync writes to and Choose reads
// from when no directory is given: <user cache dir>/secscan/govulndb.
func DefaultDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory for the Go vulnerability database: %w; set XDG_CACHE_HOME or pass a directory", err)
	}
	return filepath.Join(cache, "secscan", "govulndb"), nil
}

// FileURL returns the file:// URL of a local directory, in the form that
// govulncheck's -db flag accepts (it rejects bare paths).
func FileURL(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", dir, err)
	}
	p := filepath.ToSlash(abs)
	if runtime.GOOS == "windows" && !strings.HasPrefix(p, "/") {
		p = "/" + p // file:///C:/dir
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String(), nil
}

// Database describes a local database directory.
type Database struct {
	Dir      string    // absolute directory
	URL      string    // file:// URL of Dir, for govulncheck's -db flag
	Modified time.Time // the "modified" time of index/db.json

	// Version is the golang.org/x/vulndb module version that Sync built
	// the database from, or "" for a database that Sync did not write.
	Version string

	// Entries is the number of OSV entries. Open fills it only for a
	// database that Sync wrote; Verify always fills it.
	Entries int

	// Skipped lists the module's OSV files that Sync left out and why.
	Skipped []Skip
}

// Skip is one OSV file that Sync left out of a database.
type Skip struct {
	File   string `json:"file"`         // path inside the module, such as data/osv/GO-2021-0113.json
	ID     string `json:"id,omitempty"` // the entry's id, when the file parsed far enough
	Reason string `json:"reason"`
}

// stamp is the content of stampFile.
type stamp struct {
	Format   int       `json:"format"`
	Module   string    `json:"module"`
	Version  string    `json:"version"`
	Modified time.Time `json:"modified"`
	Entries  int       `json:"entries"`
	Skipped  []Skip    `json:"skipped"`
	SyncedAt time.Time `json:"synced_at"`
}

// dbMeta is the content of index/db.json.
type dbMeta struct {
	Modified time.Time `json:"modified"`
}

// Open checks that dir is a database govulncheck can read, without reading
// every entry: index/db.json must parse with a non-zero modified time and
// index/modules.json must exist. It reads the stamp that Sync writes when
// there is one.
func Open(dir string) (*Database, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("opening Go vulnerability database: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("opening Go vulnerability database: %s is not a directory", abs)
	}

	var meta dbMeta
	if err := readJSON(abs, dbIndexFile, &meta); err != nil {
		return nil, err
	}
	if meta.Modified.IsZero() {
		return nil, fmt.Errorf("reading %s: modified time is missing or zero", filepath.Join(abs, filepath.FromSlash(dbIndexFile)))
	}
	if _, err := os.Stat(filepath.Join(abs, filepath.FromSlash(modulesIndexFile))); err != nil {
		return nil, fmt.Errorf("opening Go vulnerability database: %w", err)
	}

	u, err := FileURL(abs)
	if err != nil {
		return nil, err
	}
	db := &Database{Dir: abs, URL: u, Modified: meta.Modified}

	var st stamp
	switch err := readJSON(abs, stampFile, &st); {
	case err == nil:
		db.Version = st.Version
		db.Entries = st.Entries
		db.Skipped = st.Skipped
	case errors.Is(err, fs.ErrNotExist):
		// A database that Sync did not write, such as a copy of vuln.go.dev.
	default:
		return nil, err
	}
	return db, nil
}

// Verify checks that dir contains a complete database written by Sync: the
// stamp, the three index files, and one ID/<id>.json file for every entry
// that index/vulns.json lists. It reads the indexes but not the entries.
func Verify(dir string) (*Database, error) {
	db, err := Open(dir)
	if err != nil {
		return nil, err
	}

	var st stamp
	if err := readJSON(db.Dir, stampFile, &st); err != nil {
		return nil, err
	}
	if st.Format != stampFormat || st.Module != ModulePath || st.Version == "" {
		return nil, fmt.Errorf("%s was written by another version of secscan (format %d, module %q); sync again", filepath.Join(db.Dir, stampFile), st.Format, st.Module)
	}

	var modules []json.RawMessage
	if err := readJSON(db.Dir, modulesIndexFile, &modules); err != nil {
		return nil, err
	}
	var vulns []vulnMeta
	if err := readJSON(db.Dir, vulnsIndexFile, &vulns); err != nil {
		return nil, err
	}
	if len(vulns) != st.Entries {
		return nil, fmt.Errorf("%s lists %d entries, but %s records %d", filepath.Join(db.Dir, filepath.FromSlash(vulnsIndexFile)), len(vulns), stampFile, st.Entries)
	}
	for _, v := range vulns {
		if !validID(v.ID) {
			return nil, fmt.Errorf("%s lists invalid id %q", filepath.Join(db.Dir, filepath.FromSlash(vulnsIndexFile)), v.ID)
		}
		if _, err := os.Stat(filepath.Join(db.Dir, entryDir, v.ID+".json")); err != nil {
			return nil, fmt.Errorf("verifying Go vulnerability database: %w", err)
		}
	}
	db.Entries = len(vulns)
	return db, nil
}

// readJSON decodes the file at the slash-separated path name under dir.
func readJSON(dir, name string, v any) error {
	path := filepath.Join(dir, filepath.FromSlash(name))
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading Go vulnerability database: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
