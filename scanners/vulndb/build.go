package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// builder writes a database into a temporary directory, one entry at a
// time, and keeps only the index data in memory.
type builder struct {
	dir     string    // the temporary directory
	modTime time.Time // the module version's commit time
	modules map[string]*moduleMeta
	vulns   []vulnMeta
	skipped []Skip
	size    int64 // bytes written
	latest  time.Time
}

func newBuilder(dir string, modTime time.Time) *builder {
	return &builder{dir: dir, modTime: modTime, modules: map[string]*moduleMeta{}}
}

func (b *builder) build(ctx context.Context, tree *moduleTree) error {
	names, err := tree.osvFiles()
	if err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(b.dir, entryDir), 0o755); err != nil {
		return fmt.Errorf("creating the database: %w", err)
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := b.add(tree, name); err != nil {
			return err
		}
	}
	return nil
}

// add copies one OSV file into the database, or records why it is left
// out. It returns an error only when writing fails.
func (b *builder) add(tree *moduleTree, name string) error {
	file := path.Join(osvDir, name)
	data, err := tree.readOSV(name)
	if err != nil {
		b.skipped = append(b.skipped, Skip{File: file, Reason: "reading: " + err.Error()})
		return nil
	}

	e, out, err := parseEntry(name, data, b.modTime)
	if errors.Is(err, errSkip) {
		sk := Skip{File: file, Reason: strings.TrimPrefix(err.Error(), errSkip.Error()+": ")}
		if e != nil && validID(e.ID) {
			sk.ID = e.ID
		}
		b.skipped = append(b.skipped, sk)
		return nil
	}
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", file, err)
	}

	if err := os.WriteFile(filepath.Join(b.dir, entryDir, e.ID+".json"), out, 0o644); err != nil {
		return fmt.Errorf("writing the database: %w", err)
	}
	b.size += int64(len(out))
	b.index(e)
	return nil
}

func (b *builder) index(e *entry) {
	if e.Modified.After(b.latest) {
		b.latest = e.Modified
	}
	b.vulns = append(b.vulns, vulnMeta{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
	for _, a := range e.Affected {
		m := b.modules[a.Module.Path]
		if m == nil {
			m = &moduleMeta{Path: a.Module.Path}
			b.modules[a.Module.Path] = m
		}
		m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: nonSupersededFix(a.Ranges)})
	}
}

// dbModified is the database's modified time: the module's commit time,
// or a later entry's modified time if the module has one.
func (b *builder) dbModified() time.Time {
	if b.latest.After(b.modTime) {
		return b.latest
	}
	return b.modTime
}

// writeIndexes writes index/db.json, index/modules.json, index/vulns.json
// and, last, the stamp that marks the database as complete.
func (b *builder) writeIndexes(version string) error {
	if err := os.Mkdir(filepath.Join(b.dir, "index"), 0o755); err != nil {
		return fmt.Errorf("creating the database: %w", err)
	}

	modules := make([]*moduleMeta, 0, len(b.modules))
	for _, m := range b.modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		modules = append(modules, m)
	}
	sort.Slice(modules, func(i, j int) bool { return modules[i].Path < modules[j].Path })
	sort.Slice(b.vulns, func(i, j int) bool { return b.vulns[i].ID < b.vulns[j].ID })

	skipped := b.skipped
	if skipped == nil {
		skipped = []Skip{}
	}
	files := []struct {
		name  string
		value any
	}{
		{dbIndexFile, dbMeta{Modified: b.dbModified()}},
		{modulesIndexFile, modules},
		{vulnsIndexFile, b.vulns},
		{stampFile, stamp{
			Format:   stampFormat,
			Module:   ModulePath,
			Version:  version,
			Modified: b.dbModified(),
			Entries:  len(b.vulns),
			Skipped:  skipped,
			SyncedAt: time.Now().UTC(),
		}},
	}
	for _, f := range files {
		data, err := json.Marshal(f.value)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(b.dir, filepath.FromSlash(f.name)), data, 0o644); err != nil {
			return fmt.Errorf("writing the database: %w", err)
		}
		b.size += int64(len(data))
	}
	return nil
}

// Names of the temporary directories next to a database directory:
// ".<base>.new-*" while Sync builds, ".<base>.old-*" for the previous
// database while the new one is moved in.
func tempPrefix(dir, kind string) string {
	return "." + filepath.Base(dir) + "." + kind + "-"
}

// staleTempAge is the age past which a temporary directory left by a sync
// that crashed is removed. A sync of the whole module takes seconds.
const staleTempAge = time.Hour

// newTempDir creates an empty directory next to dir, on the same file
// system, so that it can be renamed to dir. It first removes temporary
// directories that earlier syncs left behind.
func newTempDir(dir string) (string, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("creating the database directory: %w", err)
	}
	removeStaleTemps(dir)

	tmp, err := os.MkdirTemp(parent, tempPrefix(dir, "new"))
	if err != nil {
		return "", fmt.Errorf("creating a temporary database directory: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("creating a temporary database directory: %w", err)
	}
	return tmp, nil
}

func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, tempPrefix(dir, "new")) && !strings.HasPrefix(name, tempPrefix(dir, "old")) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTempAge {
			os.RemoveAll(filepath.Join(filepath.Dir(dir), name))
		}
	}
}

// checkReplaceable returns an error when dir exists but is neither empty
// nor a database, so that Sync never replaces a directory of other files.
func checkReplaceable(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking the database directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("database directory %s is not a directory; choose another directory", dir)
	}
	for _, marker := range []string{stampFile, dbIndexFile} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(marker))); err == nil {
			return nil
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("checking the database directory: %w", err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("%s is not empty and contains no Go vulnerability database (no %s or %s); choose an empty or new directory", dir, stampFile, dbIndexFile)
	}
	return nil
}

// install moves the complete database in tmp to dir. When dir exists, it
// is first renamed aside, and renamed back if the second rename fails. The
// old database is deleted only after the new one is in place. Between the
// two renames, for the time of one rename call, dir does not exist.
func install(log *slog.Logger, tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if _, statErr := os.Lstat(dir); statErr != nil {
		return fmt.Errorf("installing the database in %s: %w", dir, err)
	}

	old, err := os.MkdirTemp(filepath.Dir(dir), tempPrefix(dir, "old"))
	if err != nil {
		return fmt.Errorf("installing the database in %s: %w", dir, err)
	}
	// Only the unique name is needed: rename fails onto a non-empty
	// directory, and not every system renames onto an empty one.
	if err := os.Remove(old); err != nil {
		return fmt.Errorf("installing the database in %s: %w", dir, err)
	}
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("moving the previous database aside: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if restoreErr := os.Rename(old, dir); restoreErr != nil {
			return fmt.Errorf("installing the database in %s: %w; the previous database is in %s", dir, err, old)
		}
		return fmt.Errorf("installing the database in %s: %w", dir, err)
	}
	removeAll(log, old)
	return nil
}

func removeAll(log *slog.Logger, dir string) {
	if err := os.RemoveAll(dir); err != nil {
		log.Warn("removing temporary database directory", "dir", dir, "err", err)
	}
}
