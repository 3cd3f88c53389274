package gomod

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/guestbook-secscan/guestbook/scanners/policy/glob"
)

// Module is one Go module found in the scanned tree.
type Module struct {
	Path  string // module path from the module directive
	Dir   string // absolute directory that contains go.mod
	Rel   string // Dir relative to the scanned root, slash-separated; "." for the root
	GoMod string // absolute path of go.mod
	Work  string // absolute path of the go.work that lists Dir; empty means GOWORK=off
	HasGo bool   // whether the module's own tree has at least one .go file
}

// Find returns the modules under root, sorted by Rel. Directories that the go
// command ignores in "./..." and directories matched by exclude are skipped.
// root must be an absolute path.
func Find(root string, exclude []string) ([]Module, error) {
	for _, g := range exclude {
		if err := glob.Validate(g); err != nil {
			return nil, fmt.Errorf("invalid exclude glob: %w", err)
		}
	}
	var mods []Module
	goDirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, relErr := RelPath(root, p)
		if relErr != nil {
			return relErr
		}
		if d.IsDir() {
			if p != root && (skipDir(d.Name()) || Excluded(rel, exclude)) {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Name() == "go.mod" && d.Type().IsRegular():
			m, err := readModule(root, p)
			if err != nil {
				return err
			}
			mods = append(mods, m)
		case strings.HasSuffix(d.Name(), ".go"):
			goDirs[filepath.Dir(p)] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("finding Go modules under %s: %w", root, err)
	}

	for dir := range goDirs {
		if i := owner(mods, dir); i >= 0 {
			mods[i].HasGo = true
		}
	}
	for i := range mods {
		work, err := governingWork(root, mods[i].Dir)
		if err != nil {
			return nil, err
		}
		mods[i].Work = work
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Rel < mods[j].Rel })
	return mods, nil
}

// skipDir reports whether the go command ignores a directory of this name
// when it expands "./...".
func skipDir(name string) bool {
	return name == "vendor" || name == "testdata" ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func readModule(root, goMod string) (Module, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return Module{}, err
	}
	f, err := modfile.ParseLax(goMod, data, nil)
	if err != nil {
		return Module{}, fmt.Errorf("parsing %s: %w", goMod, err)
	}
	if f.Module == nil {
		return Module{}, fmt.Errorf("parsing %s: no module directive; add one with go mod init", goMod)
	}
	dir := filepath.Dir(goMod)
	rel, err := RelPath(root, dir)
	if err != nil {
		return Module{}, err
	}
	return Module{Path: f.Module.Mod.Path, Dir: dir, Rel: rel, GoMod: goMod}, nil
}

// owner returns the index of the module whose tree contains dir: the module
// with the longest directory that is dir or a parent of dir. It returns -1
// when no module contains dir.
func owner(mods []Module, dir string) int {
	best := -1
	for i, m := range mods {
		if within(m.Dir, dir) && (best < 0 || len(m.Dir) > len(mods[best].Dir)) {
			best = i
		}
	}
	return best
}

// within reports whether path is dir or inside dir. Both must be clean.
func within(dir, path string) bool {
	if path == dir {
		return true
	}
	return strings.HasPrefix(path, dir+string(filepath.Separator)) || dir == string(filepath.Separator)
}

// governingWork returns the go.work file that the go command would use for
// a module in dir, looking no higher than root, when that file lists dir. It
// returns "" when the nearest go.work does not list dir or when there is none.
func governingWork(root, dir string) (string, error) {
	for d := dir; within(root, d); d = filepath.Dir(d) {
		work := filepath.Join(d, "go.work")
		data, err := os.ReadFile(work)
		if err == nil {
			if listsModule(work, data, dir) {
				return work, nil
			}
			return "", nil
		}
		if !os.IsNotExist(err) {
			return "", err
		}
		if d == root {
			break
		}
	}
	return "", nil
}

func listsModule(work string, data []byte, dir string) bool {
	f, err := modfile.ParseWork(work, data, nil)
	if err != nil {
		// The go command rejects a broken go.work, so loading without it is
		// the only way to scan the module at all.
		return false
	}
	base := filepath.Dir(work)
	for _, u := range f.Use {
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		if filepath.Clean(p) == dir {
			return true
		}
	}
	return false
}

// RelPath returns path relative to root, slash-separated, or an error when
// path is outside root.
func RelPath(root, path string) (string, error) {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return "", err
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s is outside the scanned root %s", path, root)
	}
	return rel, nil
}

// Env returns base with the variables that make the go command load m
// correctly: GOWORK, and with offline set, the variables that stop it from
// reaching the network (see the package documentation). base is not changed.
func (m Module) Env(base []string, offline bool) []string {
	env := append([]string(nil), base...)
	work := m.Work
	if work == "" {
		work = "off"
	}
	env = append(env, "GOWORK="+work)
	if offline {
		if !localProxy(lookup(base, "GOPROXY")) {
			env = append(env, "GOPROXY=off")
		}
		env = append(env, "GOSUMDB=off", "GOTOOLCHAIN=local")
	}
	return env
}

// lookup returns the last value of key in env, as os/exec does.
func lookup(env []string, key string) string {
	value := ""
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			value = v
		}
	}
	return value
}

// localProxy reports whether a GOPROXY value reaches no network: every entry
// is "off" or a file:// URL. An empty value means the default proxy.
func localProxy(goproxy string) bool {
	if goproxy == "" {
		return false
	}
	for _, entry := range strings.FieldsFunc(goproxy, func(r rune) bool { return r == ',' || r == '|' }) {
		if entry != "off" && !strings.HasPrefix(entry, "file://") {
			return false
		}
	}
	return true
}

// Excluded reports whether the slash-separated path rel, relative to the
// scanned root, or a directory that contains it matches one of globs.
func Excluded(rel string, globs []string) bool {
	for _, g := range globs {
		if glob.Match(g, rel) {
			return true
		}
	}
	return false
}
