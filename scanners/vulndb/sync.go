package vulndb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/semver"
)

// SyncOptions configures Sync.
type SyncOptions struct {
	// Dir is the database directory; "" means DefaultDir().
	Dir string

	// Version is the golang.org/x/vulndb version to build from, or a
	// version query such as "latest" or a commit hash. "" means "latest":
	// the newest version that the module proxy lists, or, with ModuleDir,
	// the version in the directory or zip name.
	Version string

	// ModuleDir, when set, is a golang.org/x/vulndb module directory or
	// module zip to build from, in place of fetching the module with the
	// go command. It serves machines that receive the module by other
	// means, and tests.
	ModuleDir string

	// ModuleTime is the commit time of the module version. Zero means the
	// time that the go command reports, else the time in the
	// pseudo-version.
	ModuleTime time.Time

	// Force rebuilds the database even when Dir already holds Version.
	Force bool

	// GoCommand is the go binary; "" means "go" on PATH.
	GoCommand string

	// Env is added to the go command's environment, after the process's
	// own, so that its values win: GOMODCACHE, GOPROXY, GOFLAGS.
	Env []string

	// Progress receives one line per step for a person to read; nil
	// discards them.
	Progress io.Writer

	// Logger receives details for debugging; nil discards them.
	Logger *slog.Logger
}

// SyncResult describes the database that Sync wrote or found.
type SyncResult struct {
	Dir      string    // absolute database directory
	URL      string    // file:// URL of Dir, for govulncheck's -db flag
	Version  string    // golang.org/x/vulndb version the database was built from
	Modified time.Time // the modified time written to index/db.json
	Entries  int       // OSV entries in the database
	Skipped  []Skip    // OSV files left out, with the reason
	Size     int64     // bytes written, or 0 when UpToDate

	// UpToDate means Dir already held a complete database of Version, so
	// Sync wrote nothing.
	UpToDate bool

	Duration time.Duration
}

// maxSkipLines bounds how many skipped files Sync names in its progress
// output. The result lists all of them.
const maxSkipLines = 20

// Sync builds a database from golang.org/x/vulndb in the layout that
// govulncheck reads from a file:// URL, and installs it in opts.Dir.
//
// Without ModuleDir it fetches the module with the go command (go list -m
// to resolve a query, go mod download to fetch), which goes through the
// user's GOPROXY. When Dir already holds a complete database of the
// version, Sync returns with UpToDate set and writes nothing.
//
// It builds the new database in a temporary directory next to Dir and
// swaps it in only once complete, so on any error the previous database
// stays as it was. OSV files that do not decode or lack a SEMVER version
// range are left out and listed in SyncResult.Skipped. Sync fails when the
// module has no usable entry at all.
func Sync(ctx context.Context, opts SyncOptions) (*SyncResult, error) {
	start := time.Now()
	s := &syncer{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	dir := opts.Dir
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", opts.Dir, err)
	}
	if err := checkReplaceable(dir); err != nil {
		return nil, err
	}

	res, err := s.sync(ctx, dir)
	s.close()
	if err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	if res.UpToDate {
		s.progress("%s already contains %s@%s; nothing to do (%s)", dir, ModulePath, res.Version, res.Duration.Round(time.Millisecond))
	} else {
		s.progress("wrote %s: %d entries, %.1f MB, modified %s, in %s",
			dir, res.Entries, float64(res.Size)/1e6, res.Modified.Format(time.RFC3339), res.Duration.Round(time.Millisecond))
	}
	return res, nil
}

type syncer struct {
	opts SyncOptions
	log  *slog.Logger

	goCmd   *goCommand // made on first use by goCommand
	cleanup func()
}

// goCommand returns the go command runner, made on first use, so that a
// sync of a pinned version that is already up to date runs no go command.
func (s *syncer) goCommand(ctx context.Context) (*goCommand, error) {
	if s.goCmd == nil {
		g, cleanup, err := newGoCommand(ctx, s.opts.GoCommand, s.opts.Env)
		if err != nil {
			return nil, err
		}
		s.goCmd, s.cleanup = g, cleanup
	}
	return s.goCmd, nil
}

func (s *syncer) close() {
	if s.cleanup != nil {
		s.cleanup()
	}
}

func (s *syncer) progress(format string, args ...any) {
	if s.opts.Progress != nil {
		fmt.Fprintf(s.opts.Progress, "govulndb: "+format+"\n", args...)
	}
}

func (s *syncer) sync(ctx context.Context, dir string) (*SyncResult, error) {
	var (
		tree    *moduleTree
		version = s.opts.Version
		modTime = s.opts.ModuleTime
	)

	// Find out which version to build, from the module directory or zip,
	// or from the module proxy.
	if s.opts.ModuleDir != "" {
		t, err := openModuleTree(s.opts.ModuleDir)
		if err != nil {
			return nil, err
		}
		defer t.Close()
		tree = t
		if version == "" || version == "latest" {
			version = t.version
		}
		if !isCanonicalVersion(version) {
			return nil, fmt.Errorf("module %s: version %q is not a module version; set the version (v0.0.0-yyyymmddhhmmss-commit)", s.opts.ModuleDir, version)
		}
	} else {
		if version == "" {
			version = "latest"
		}
		if !isCanonicalVersion(version) {
			goCmd, err := s.goCommand(ctx)
			if err != nil {
				return nil, err
			}
			s.progress("resolving %s@%s", ModulePath, version)
			v, t, err := goCmd.resolve(ctx, version)
			if err != nil {
				return nil, err
			}
			version = v
			if modTime.IsZero() {
				modTime = t
			}
		}
	}

	if res := s.upToDate(dir, version); res != nil {
		return res, nil
	}

	if tree == nil {
		goCmd, err := s.goCommand(ctx)
		if err != nil {
			return nil, err
		}
		s.progress("downloading %s@%s with the go command", ModulePath, version)
		modDir, t, err := goCmd.download(ctx, version)
		if err != nil {
			return nil, err
		}
		if modTime.IsZero() {
			modTime = t
		}
		tree, err = openModuleTree(modDir)
		if err != nil {
			return nil, err
		}
		defer tree.Close()
	}

	modTime, err := versionTime(version, modTime)
	if err != nil {
		return nil, err
	}
	return s.buildAndInstall(ctx, tree, dir, version, modTime)
}

// upToDate returns the result for a complete database of version in dir,
// or nil when dir must be (re)built.
func (s *syncer) upToDate(dir, version string) *SyncResult {
	if s.opts.Force {
		return nil
	}
	db, err := Verify(dir)
	if err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			s.progress("rebuilding %s: %v", dir, err)
		}
		return nil
	}
	if db.Version != version {
		s.log.Debug("database contains another version", "dir", dir, "have", db.Version, "want", version)
		return nil
	}
	return &SyncResult{
		Dir:      db.Dir,
		URL:      db.URL,
		Version:  db.Version,
		Modified: db.Modified,
		Entries:  db.Entries,
		Skipped:  db.Skipped,
		UpToDate: true,
	}
}

func (s *syncer) buildAndInstall(ctx context.Context, tree *moduleTree, dir, version string, modTime time.Time) (*SyncResult, error) {
	tmp, err := newTempDir(dir)
	if err != nil {
		return nil, err
	}
	defer removeAll(s.log, tmp) // nothing left to remove once installed

	b := newBuilder(tmp, modTime)
	if err := b.build(ctx, tree); err != nil {
		return nil, err
	}

	s.progress("parsed %d OSV entries of %s@%s, skipped %d", len(b.vulns), ModulePath, version, len(b.skipped))
	for i, sk := range b.skipped {
		if i == maxSkipLines {
			s.progress("... and %d more skipped files", len(b.skipped)-maxSkipLines)
			break
		}
		s.progress("skipped %s: %s", sk.File, sk.Reason)
	}
	if len(b.vulns) == 0 {
		return nil, fmt.Errorf("%s has no usable OSV entries in %s (%d skipped); the previous database in %s is unchanged", tree.where, osvDir, len(b.skipped), dir)
	}

	if err := b.writeIndexes(version); err != nil {
		return nil, err
	}
	if err := install(s.log, tmp, dir); err != nil {
		return nil, err
	}

	u, err := FileURL(dir)
	if err != nil {
		return nil, err
	}
	return &SyncResult{
		Dir:      dir,
		URL:      u,
		Version:  version,
		Modified: b.dbModified(),
		Entries:  len(b.vulns),
		Skipped:  b.skipped,
		Size:     b.size,
	}, nil
}

// isCanonicalVersion reports whether v is a full module version such as
// v0.0.0-20261105234957-e22db6528018, rather than a query.
func isCanonicalVersion(v string) bool {
	return semver.IsValid(v) && semver.Canonical(v) == v
}
