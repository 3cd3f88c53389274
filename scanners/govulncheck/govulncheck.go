package govulncheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/vuln/scan"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

const (
	// modulePath is x/vuln's module, whose linked version names the tool.
	modulePath = "golang.org/x/vuln"
	// fallbackVersion is the x/vuln version required in go.mod, used when
	// the binary carries no build information. A test keeps it in step.
	fallbackVersion = "1.9.0"
	informationURI  = "https://pkg.go.dev/golang.org/x/vuln/cmd/govulncheck"
)

// Config configures a Scanner.
type Config struct {
	// Logger receives debug messages. Nil discards them.
	Logger *slog.Logger
	// DB is the vulnerability database: an https://, http:// or file://
	// URL, or a local directory. Empty means DefaultDB.
	DB string
	// ScanLevel is govulncheck's -scan value: "symbol" (the default),
	// "package" or "module".
	ScanLevel string
	// Concurrency is how many modules are scanned at once. Zero means
	// DefaultConcurrency.
	Concurrency int
}

// DefaultConcurrency is the default number of modules scanned at once. Each
// symbol-level scan of a module with a large dependency graph can take
// 1 to 2 GB (measured on this repository's modules), so the default stays
// small whatever the number of cores.
const DefaultConcurrency = 2

// Scanner runs govulncheck in-process over every Go module of a target.
type Scanner struct {
	logger      *slog.Logger
	db          string
	level       string
	concurrency int
}

var _ runner.Scanner = (*Scanner)(nil)

// New returns a Scanner. An invalid Config.DB is reported by Scan; call
// DatabaseURL first to reject it earlier.
func New(cfg Config) *Scanner {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	level := cfg.ScanLevel
	if level == "" {
		level = levelSymbol
	}
	concurrency := cfg.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	return &Scanner{logger: logger, db: cfg.DB, level: level, concurrency: concurrency}
}

// Name returns the SARIF driver name, "govulncheck".
func (s *Scanner) Name() string { return finding.ToolGovulncheck }

// Scan runs a source scan of each Go module under t.Root, at the configured
// scan level.
func (s *Scanner) Scan(ctx context.Context, t runner.Target) (*finding.Run, error) {
	run := &finding.Run{
		Tool:           finding.ToolGovulncheck,
		Version:        gomod.LinkedVersion(modulePath, fallbackVersion),
		InformationURI: informationURI,
		Rules:          []finding.Rule{},
		Results:        []finding.Result{},
		Invocation:     finding.Invocation{Status: finding.StatusOK},
	}

	db, err := s.checkStart(t)
	if err != nil {
		run.Invocation.Status = finding.StatusNotRun
		return run, err
	}
	run.Invocation.CommandLine = "govulncheck " + strings.Join(s.args(redact(db)), " ")
	run.Properties = map[string]any{"database": redact(db), "scanLevel": s.level}

	mods, err := gomod.Find(t.Root, t.Exclude)
	if err != nil {
		return fail(run, err)
	}
	moduleDirs := map[string]string{}
	for _, m := range mods {
		moduleDirs[m.Path] = m.Dir
	}

	var withGo []gomod.Module
	for _, m := range mods {
		if m.HasGo {
			withGo = append(withGo, m)
		}
	}
	outcomes := s.runModules(ctx, t, withGo, db)

	var problems []string
	worst := map[string]rating{}
	osvs := map[string]*osvEntry{}
	cols := &gomod.Columns{}
	scanned := 0
	for i, m := range withGo {
		out := outcomes[i]
		if !out.ran {
			continue
		}
		scanned++
		run.Invocation.ExitCode = max(run.Invocation.ExitCode, out.exitCode)
		if out.stream != nil {
			s.addModule(run, t, m, out.stream, moduleDirs, cols, worst, osvs)
		}
		if out.err != nil {
			problems = append(problems, fmt.Sprintf("module %s: %s", m.Rel, relativize(out.err.Error(), t.Root)))
		}
	}
	sortResults(run.Results)
	run.Rules = buildRules(worst, osvs)
	run.Properties["modulesScanned"] = scanned

	for _, p := range problems {
		run.Notify(finding.LevelError, "%s", p)
	}
	if err := ctx.Err(); err != nil {
		return fail(run, fmt.Errorf("govulncheck stopped before it finished: %w", err))
	}
	if len(problems) > 0 {
		return fail(run, fmt.Errorf("govulncheck failed in %d of %d modules, so its results are partial; first: %s", len(problems), scanned, firstLine(problems[0])))
	}
	if scanned == 0 {
		run.Notify(finding.LevelNote, "no Go module with Go files under the scanned root")
	}
	return run, nil
}

// checkStart returns the database URL, or a *finding.NotRunError when the
// scan cannot start.
func (s *Scanner) checkStart(t runner.Target) (string, error) {
	switch s.level {
	case levelSymbol, levelPackage, levelModule:
	default:
		return "", &finding.NotRunError{
			Reason: fmt.Sprintf("invalid govulncheck scan level %q", s.level),
			Fix:    "use symbol, package or module",
		}
	}
	db, err := DatabaseURL(s.db)
	if err != nil {
		return "", &finding.NotRunError{Reason: err.Error(), Fix: "pass a database URL or directory"}
	}
	if t.Offline && isRemote(db) {
		return "", &finding.NotRunError{
			Reason: "offline scans cannot use the vulnerability database " + redact(db),
			Fix:    "pass a local database directory (secscan vulndb sync writes one) or drop the offline option",
		}
	}
	// Without the go command, govulncheck fails with the misleading
	// message that it only works with Go modules.
	if _, err := exec.LookPath("go"); err != nil {
		return "", &finding.NotRunError{
			Reason: "govulncheck needs the go command, which is not on PATH",
			Fix:    "install Go (https://go.dev/dl/) and add its bin directory to PATH",
		}
	}
	return db, nil
}

// moduleOutcome is the result of govulncheck in one module.
type moduleOutcome struct {
	ran      bool // false when the context ended before the module's turn
	stream   *stream
	exitCode int
	err      error
}

// runModules runs govulncheck in each module, up to s.concurrency at a
// time, and returns the outcomes in the order of mods, so that the results
// do not depend on which module finishes first.
func (s *Scanner) runModules(ctx context.Context, t runner.Target, mods []gomod.Module, db string) []moduleOutcome {
	outcomes := make([]moduleOutcome, len(mods))
	slots := make(chan struct{}, s.concurrency)
	var wg sync.WaitGroup
	for i, m := range mods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-slots }()
			if ctx.Err() != nil {
				return
			}
			st, code, err := s.runModule(ctx, t, m, db)
			outcomes[i] = moduleOutcome{ran: true, stream: st, exitCode: code, err: err}
		}()
	}
	wg.Wait()
	return outcomes
}

// runModule runs govulncheck in module m and decodes its output. It returns
// the stream read so far, with govulncheck's exit code and an error when it
// fails.
func (s *Scanner) runModule(ctx context.Context, t runner.Target, m gomod.Module, db string) (*stream, int, error) {
	s.logger.Debug("govulncheck: scanning module", "module", m.Rel, "gowork", m.Work)
	var stdout, stderr bytes.Buffer
	cmd := scan.Command(ctx, append([]string{"-C", m.Dir}, s.args(db)...)...)
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = m.Env(os.Environ(), t.Offline)
	if err := cmd.Start(); err != nil {
		return nil, 1, err
	}

	// govulncheck loads packages without the context, so Wait can block
	// for the length of a go list run after ctx ends. Scan then returns
	// at once and abandons the goroutine, which owns the buffers.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}

	st, decodeErr := decodeStream(&stdout)
	if runErr != nil {
		code := 1
		var coded interface{ ExitCode() int }
		if errors.As(runErr, &coded) && coded.ExitCode() > 0 {
			code = coded.ExitCode()
		}
		return st, code, runError(runErr, stderr.String())
	}
	if decodeErr != nil {
		return st, 0, decodeErr
	}
	if st.Config == nil {
		return st, 0, errors.New("govulncheck wrote no config message, so its output is incomplete")
	}
	return st, 0, nil
}

// args returns govulncheck's arguments after -C. govulncheck rejects
// package patterns at module level.
func (s *Scanner) args(db string) []string {
	args := []string{"-db", db, "-scan", s.level, "-json"}
	if s.level != levelModule {
		args = append(args, "./...")
	}
	return args
}

// runError returns govulncheck's error, with its standard error output when
// that adds to it.
func runError(err error, stderr string) error {
	msg := strings.TrimSpace(err.Error())
	extra := strings.TrimSpace(stderr)
	if extra != "" && !strings.Contains(msg, extra) {
		msg += ": " + extra
	}
	return errors.New(collapseBlankLines(msg))
}

// addModule converts one module's stream into run.
func (s *Scanner) addModule(run *finding.Run, t runner.Target, m gomod.Module, st *stream, moduleDirs map[string]string, cols *gomod.Columns, worst map[string]rating, osvs map[string]*osvEntry) {
	if st.Config != nil {
		recordConfig(run, st.Config)
	}
	data, err := os.ReadFile(m.GoMod)
	if err != nil {
		run.Notify(finding.LevelError, "reading %s: %v", m.Rel+"/go.mod", err)
		return
	}
	f, err := modfile.ParseLax(m.GoMod, data, nil)
	if err != nil {
		run.Notify(finding.LevelError, "parsing %s: %v", m.Rel+"/go.mod", err)
		return
	}

	level := s.level
	if st.Config != nil && st.Config.ScanLevel != "" {
		level = st.Config.ScanLevel
	}
	c := convert(target{root: t.Root, module: m, modFile: f, moduleDirs: moduleDirs, level: level, exclude: t.Exclude, cols: cols}, st)
	run.Results = append(run.Results, c.Results...)
	for id, r := range c.Worst {
		if old, ok := worst[id]; !ok || r.Score > old.Score {
			worst[id] = r
		}
	}
	for id, e := range st.OSVs {
		osvs[id] = e
	}
	for _, note := range c.Notes {
		run.Notify(finding.LevelNote, "%s", note)
	}
}

// recordConfig keeps the facts of govulncheck's config message as run
// properties.
func recordConfig(run *finding.Run, cfg *streamConfig) {
	if cfg.DBLastModified != nil {
		run.Properties["databaseModified"] = cfg.DBLastModified.UTC().Format(time.RFC3339)
	}
	if cfg.GoVersion != "" {
		run.Properties["goVersion"] = cfg.GoVersion
	}
	if cfg.ProtocolVersion != "" && !strings.HasPrefix(cfg.ProtocolVersion, "v1.") {
		run.Notify(finding.LevelWarning, "govulncheck wrote protocol %s; secscan reads v1", cfg.ProtocolVersion)
	}
}

func fail(run *finding.Run, err error) (*finding.Run, error) {
	run.Invocation.Status = finding.StatusFailed
	if run.Invocation.ExitCode == 0 {
		run.Invocation.ExitCode = 1
	}
	return run, err
}

func sortResults(rs []finding.Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i].Location, rs[j].Location
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return rs[i].RuleID < rs[j].RuleID
	})
}

// relativize replaces the repository root in govulncheck's messages, which
// name files by absolute path.
func relativize(msg, root string) string {
	return strings.ReplaceAll(msg, root+string(os.PathSeparator), "")
}

var blankLines = regexp.MustCompile(`\n\s*\n+`)

func collapseBlankLines(s string) string {
	return blankLines.ReplaceAllString(s, "\n")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
