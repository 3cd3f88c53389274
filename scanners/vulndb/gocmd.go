package vulndb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// goCommand runs the go command the way a user's own `go mod download`
// would run: with the user's environment, so that GOPROXY, GONOSUMDB,
// GOPRIVATE, GOFLAGS, GOMODCACHE and the credentials in .netrc or
// GOAUTH apply. It runs in an empty temporary directory with GOWORK=off, so
// no go.mod or go.work of the current directory takes part.
type goCommand struct {
	path string   // absolute path of the go binary
	env  []string // the environment for every run
	dir  string   // the empty working directory
}

// newGoCommand finds the go command and prepares its environment. The
// caller must call cleanup.
func newGoCommand(ctx context.Context, name string, extraEnv []string) (_ *goCommand, cleanup func(), err error) {
	if name == "" {
		name = "go"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return nil, nil, fmt.Errorf("finding the go command: %w; install Go, or sync from a module directory or zip", err)
	}
	dir, err := os.MkdirTemp("", "secscan-vulndb-go-")
	if err != nil {
		return nil, nil, fmt.Errorf("creating a working directory for the go command: %w", err)
	}
	cleanup = func() { os.RemoveAll(dir) }

	g := &goCommand{path: p, dir: dir, env: append(os.Environ(), extraEnv...)}
	g.env = append(g.env, "GOWORK=off", "GO111MODULE=on")

	// GOFLAGS may come from the environment or from `go env -w`; read the
	// value in force and replace only its -mod flag, because -mod=vendor
	// or -mod=readonly would stop the download.
	out, err := g.run(ctx, "env", "GOFLAGS")
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	g.env = append(g.env, "GOFLAGS="+withModMod(strings.TrimSpace(string(out))))
	return g, cleanup, nil
}

// withModMod returns the GOFLAGS value flags with any -mod flag replaced by
// -mod=mod.
func withModMod(flags string) string {
	var kept []string
	for _, f := range strings.Fields(flags) {
		if strings.HasPrefix(f, "-mod=") || strings.HasPrefix(f, "--mod=") {
			continue
		}
		kept = append(kept, f)
	}
	return strings.Join(append(kept, "-mod=mod"), " ")
}

func (g *goCommand) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, g.path, args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.Bytes(), &goError{args: args, err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.Bytes(), nil
}

// goError is a failed run of the go command, with its standard error.
type goError struct {
	args   []string
	err    error
	stderr string
}

func (e *goError) Error() string {
	msg := fmt.Sprintf("go %s: %v", strings.Join(e.args, " "), e.err)
	if e.stderr != "" {
		msg += ": " + e.stderr
	}
	return msg
}

func (e *goError) Unwrap() error { return e.err }

// goModule is the part of the JSON output of `go list -m -json` and
// `go mod download -json` that Sync reads.
type goModule struct {
	Path    string
	Version string
	Time    *time.Time // set by go list -m
	Info    string     // the .info file, set by go mod download
	Dir     string     // the extracted module, set by go mod download
	Error   any        // a string from go mod download, an object from go list -m
}

func (m *goModule) errorText() string {
	switch e := m.Error.(type) {
	case nil:
		return ""
	case string:
		return e
	case map[string]any:
		if s, ok := e["Err"].(string); ok {
			return s
		}
	}
	return fmt.Sprint(m.Error)
}

// resolve returns the version and commit time that a version query (such
// as "latest") of golang.org/x/vulndb names on the module proxy.
func (g *goCommand) resolve(ctx context.Context, query string) (string, time.Time, error) {
	out, err := g.run(ctx, "list", "-m", "-json", ModulePath+"@"+query)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("resolving %s@%s: %w", ModulePath, query, err)
	}
	var m goModule
	if err := json.Unmarshal(out, &m); err != nil {
		return "", time.Time{}, fmt.Errorf("resolving %s@%s: reading go list output: %w", ModulePath, query, err)
	}
	if msg := m.errorText(); msg != "" {
		return "", time.Time{}, fmt.Errorf("resolving %s@%s: %s", ModulePath, query, msg)
	}
	if m.Version == "" {
		return "", time.Time{}, fmt.Errorf("resolving %s@%s: go list returned no version", ModulePath, query)
	}
	var t time.Time
	if m.Time != nil {
		t = *m.Time
	}
	return m.Version, t, nil
}

// download fetches golang.org/x/vulndb@version into the module cache and
// returns the extracted directory and the version's commit time.
func (g *goCommand) download(ctx context.Context, version string) (string, time.Time, error) {
	arg := ModulePath + "@" + version
	out, runErr := g.run(ctx, "mod", "download", "-json", arg)

	// On failure go mod download -json still writes an object whose
	// Error field explains the failure better than the exit status.
	var m goModule
	if err := json.Unmarshal(out, &m); err != nil {
		if runErr != nil {
			return "", time.Time{}, fmt.Errorf("downloading %s: %w", arg, runErr)
		}
		return "", time.Time{}, fmt.Errorf("downloading %s: reading go mod download output: %w", arg, err)
	}
	if msg := m.errorText(); msg != "" {
		return "", time.Time{}, fmt.Errorf("downloading %s: %s", arg, msg)
	}
	if runErr != nil {
		return "", time.Time{}, fmt.Errorf("downloading %s: %w", arg, runErr)
	}
	if m.Dir == "" {
		return "", time.Time{}, fmt.Errorf("downloading %s: go mod download returned no directory", arg)
	}

	var info struct{ Time time.Time }
	if m.Info != "" {
		if b, err := os.ReadFile(m.Info); err == nil {
			_ = json.Unmarshal(b, &info) // a missing time falls back to the pseudo-version below
		}
	}
	return m.Dir, info.Time, nil
}

// versionTime returns the commit time of a module version: known when it
// is not zero, else the time in the pseudo-version. golang.org/x/vulndb has
// no tagged versions, so its versions are pseudo-versions.
func versionTime(version string, known time.Time) (time.Time, error) {
	if !known.IsZero() {
		return known.UTC(), nil
	}
	if !module.IsPseudoVersion(version) {
		return time.Time{}, fmt.Errorf("version %s is not a pseudo-version, so its commit time is unknown; set the module time", version)
	}
	t, err := module.PseudoVersionTime(version)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the time of version %s: %w", version, err)
	}
	return t.UTC(), nil
}
