package gosec

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/securego/gosec/v2"
	"github.com/securego/gosec/v2/analyzers"
	"github.com/securego/gosec/v2/rules"
	"golang.org/x/tools/go/packages"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

const (
	// modulePath is gosec's module, whose linked version names the tool.
	modulePath = "github.com/securego/gosec/v2"
	// fallbackVersion is the gosec version required in go.mod, used when
	// the binary carries no build information. A test keeps it in step.
	fallbackVersion = "2.30.0"
	informationURI  = "https://github.com/securego/gosec"
)

// Config configures a Scanner. The zero value is ready to use.
type Config struct {
	// Logger receives debug messages, including gosec's own log. Nil
	// discards them.
	Logger *slog.Logger
	// IncludeRules, when not empty, limits the scan to these rule and
	// analyzer ids, like gosec -include.
	IncludeRules []string
	// ExcludeRules turns these rules and analyzers off, like gosec
	// -exclude.
	ExcludeRules []string
	// Concurrency is how many gosec analyzers run at once on a package.
	// Zero means GOMAXPROCS.
	Concurrency int
}

// Scanner runs gosec in-process over every Go module of a target.
type Scanner struct {
	logger      *slog.Logger
	include     []string
	exclude     []string
	concurrency int
}

var _ runner.Scanner = (*Scanner)(nil)

// New returns a Scanner.
func New(cfg Config) *Scanner {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	concurrency := cfg.Concurrency
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	return &Scanner{
		logger:      logger,
		include:     slices.Clone(cfg.IncludeRules),
		exclude:     slices.Clone(cfg.ExcludeRules),
		concurrency: concurrency,
	}
}

// Name returns the SARIF driver name, "gosec".
func (s *Scanner) Name() string { return finding.ToolGosec }

// Scan runs every gosec rule and analyzer over each Go module under t.Root.
// Package load errors make the scan fail, with the results found so far,
// because gosec without complete type information silently skips checks.
func (s *Scanner) Scan(ctx context.Context, t runner.Target) (*finding.Run, error) {
	version := gomod.LinkedVersion(modulePath, fallbackVersion)
	run := &finding.Run{
		Tool:           finding.ToolGosec,
		Version:        version,
		InformationURI: informationURI,
		Rules:          []finding.Rule{},
		Results:        []finding.Result{},
		Invocation:     finding.Invocation{Status: finding.StatusOK},
	}

	if err := s.checkStart(); err != nil {
		run.Invocation.Status = finding.StatusNotRun
		return run, err
	}
	mods, err := gomod.Find(t.Root, t.Exclude)
	if err != nil {
		return s.fail(run, err)
	}

	var problems []string
	worst := map[string]rating{}
	cols := &gomod.Columns{}
	scanned := 0
	for _, m := range mods {
		if !m.HasGo {
			continue
		}
		scanned++
		rep, err := s.scanModule(ctx, t, m)
		n := normalize(t.Root, rep, t.Exclude, cols)
		run.Results = append(run.Results, n.Results...)
		for id, r := range n.Worst {
			if old, ok := worst[id]; !ok || r.Score > old.Score {
				worst[id] = r
			}
		}
		for _, note := range n.Notes {
			run.Notify(finding.LevelWarning, "%s", note)
		}
		problems = append(problems, n.Problems...)
		if err != nil {
			problems = append(problems, fmt.Sprintf("module %s: %v", m.Rel, err))
			if ctx.Err() != nil {
				break
			}
		}
	}
	sortResults(run.Results)
	run.Rules = buildRules(worst, version, gosecTitles())
	run.Properties = map[string]any{"modulesScanned": scanned}
	if len(s.include) > 0 {
		run.Properties["includeRules"] = s.include
	}
	if len(s.exclude) > 0 {
		run.Properties["excludeRules"] = s.exclude
	}

	for _, p := range problems {
		run.Notify(finding.LevelError, "%s", p)
	}
	if err := ctx.Err(); err != nil {
		return s.fail(run, fmt.Errorf("gosec stopped before it finished: %w", err))
	}
	if len(problems) > 0 {
		return s.fail(run, fmt.Errorf("gosec met %d load or analysis errors, so its results are partial; first: %s", len(problems), problems[0]))
	}
	if scanned == 0 {
		run.Notify(finding.LevelNote, "no Go module with Go files under the scanned root")
	}
	return run, nil
}

// checkStart returns a *finding.NotRunError when the scan cannot start: the
// go command is missing or a rule list names an id gosec does not have.
func (s *Scanner) checkStart() error {
	titles := gosecTitles()
	for _, list := range [][]string{s.include, s.exclude} {
		for _, id := range list {
			if _, ok := titles[id]; !ok {
				return &finding.NotRunError{
					Reason: fmt.Sprintf("gosec has no rule %q", id),
					Fix:    "use rule ids from gosec's rule list, such as G101",
				}
			}
		}
	}
	if _, err := exec.LookPath("go"); err != nil {
		return &finding.NotRunError{
			Reason: "gosec needs the go command, which is not on PATH",
			Fix:    "install Go (https://go.dev/dl/) and add its bin directory to PATH",
		}
	}
	return nil
}

func (s *Scanner) fail(run *finding.Run, err error) (*finding.Run, error) {
	run.Invocation.Status = finding.StatusFailed
	run.Invocation.ExitCode = 1
	return run, err
}

// scanModule loads the packages of m and runs gosec on them. It returns
// what gosec found, including package errors, and an error when loading
// failed or ctx ended.
func (s *Scanner) scanModule(ctx context.Context, t runner.Target, m gomod.Module) (report, error) {
	s.logger.Debug("gosec: loading packages", "module", m.Rel, "gowork", m.Work)
	cfg := &packages.Config{
		Mode:    gosec.LoadMode,
		Context: ctx,
		Dir:     m.Dir,
		Env:     m.Env(os.Environ(), t.Offline),
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return report{}, fmt.Errorf("loading packages: %w", err)
	}
	pkgs = includedPackages(t.Root, pkgs, t.Exclude)

	// gosec's Check methods take no context, so the analysis runs in its
	// own goroutine. When ctx ends first, Scan returns at once and the
	// goroutine stops after the package it is checking.
	done := make(chan report, 1)
	go func() { done <- s.analyze(ctx, pkgs) }()
	select {
	case rep := <-done:
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		return rep, nil
	case <-ctx.Done():
		return report{}, ctx.Err()
	}
}

// includedPackages drops packages whose directory matches an exclude glob.
// Packages without files, such as those the go command cannot parse, are
// included so that their errors are reported.
func includedPackages(root string, pkgs []*packages.Package, exclude []string) []*packages.Package {
	var included []*packages.Package
	for _, p := range pkgs {
		files := p.GoFiles
		if len(files) == 0 {
			files = p.CompiledGoFiles
		}
		if len(files) > 0 {
			if rel, err := gomod.RelPath(root, filepath.Dir(files[0])); err == nil && gomod.Excluded(rel, exclude) {
				continue
			}
		}
		included = append(included, p)
	}
	sort.Slice(included, func(i, j int) bool { return included[i].ID < included[j].ID })
	return included
}

// analyze runs the selected gosec rules and analyzers over pkgs, with #nosec
// suppressions tracked rather than dropped.
func (s *Scanner) analyze(ctx context.Context, pkgs []*packages.Package) report {
	logs := &logWriter{logger: s.logger}
	a := gosec.NewAnalyzer(gosec.NewConfig(), false, false, true, s.concurrency, log.New(logs, "", 0))
	ruleFilters, analyzerFilters := s.filters()
	a.LoadRules(rules.Generate(false, ruleFilters...).RulesInfo())
	a.LoadAnalyzers(analyzers.Generate(false, analyzerFilters...).AnalyzersInfo())

	loadErrors := map[string][]gosec.Error{}
	for _, pkg := range pkgs {
		if ctx.Err() != nil {
			break
		}
		for file, es := range packageErrors(pkg) {
			loadErrors[file] = append(loadErrors[file], es...)
		}
		if pkg.Name == "" || len(pkg.Syntax) == 0 {
			continue
		}
		a.CheckRules(pkg)
		a.CheckAnalyzers(pkg)
	}

	issues, _, gosecErrors := a.Report()
	for file, es := range gosecErrors {
		loadErrors[file] = append(loadErrors[file], es...)
	}
	for _, line := range logs.failures() {
		loadErrors[logKey] = append(loadErrors[logKey], gosec.Error{Err: line})
	}
	return report{Issues: issues, Errors: loadErrors}
}

// filters returns gosec's filters for the include and exclude lists. A
// filter that returns true drops the rule, and rules not loaded at all
// report nothing.
func (s *Scanner) filters() ([]rules.RuleFilter, []analyzers.AnalyzerFilter) {
	var rf []rules.RuleFilter
	var af []analyzers.AnalyzerFilter
	if len(s.include) > 0 {
		rf = append(rf, rules.NewRuleFilter(false, s.include...))
		af = append(af, analyzers.NewAnalyzerFilter(false, s.include...))
	}
	if len(s.exclude) > 0 {
		rf = append(rf, rules.NewRuleFilter(true, s.exclude...))
		af = append(af, analyzers.NewAnalyzerFilter(true, s.exclude...))
	}
	return rf, af
}

// packageErrors returns the errors of pkg keyed by file. An error without
// a position is keyed by the package id, and dropped when the package has
// errors with positions, because the go command then repeats those errors
// in one positionless error.
func packageErrors(pkg *packages.Package) map[string][]gosec.Error {
	errs, err := gosec.ParseErrors(pkg)
	if err != nil {
		return map[string][]gosec.Error{pkg.ID: {{Err: err.Error()}}}
	}
	positionless := append(errs[""], errs["-"]...)
	delete(errs, "")
	delete(errs, "-")
	if len(positionless) > 0 && len(errs) == 0 {
		errs[pkg.ID] = positionless
	}
	return errs
}

// logKey is the key in report.Errors of failures that gosec only logged.
const logKey = "gosec log"

// logWriter forwards gosec's log to the slog logger at debug level and
// keeps the lines that report a failed analysis. gosec reports SSA build
// failures, analyzer errors and recovered panics only in its log.
type logWriter struct {
	logger *slog.Logger
	mu     sync.Mutex
	failed []string
}

func (w *logWriter) Write(p []byte) (int, error) {
	msg := strings.TrimRight(string(p), "\n")
	w.logger.Debug("gosec: " + msg)
	first, _, _ := strings.Cut(msg, "\n")
	if strings.HasPrefix(first, "Error ") || strings.HasPrefix(first, "Panic ") || strings.HasPrefix(first, "Rule error") {
		w.mu.Lock()
		w.failed = append(w.failed, first)
		w.mu.Unlock()
	}
	return len(p), nil
}

func (w *logWriter) failures() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.failed...)
}

// gosecTitles returns gosec's own one-line title of each rule and analyzer.
func gosecTitles() map[string]string {
	titles := map[string]string{}
	for id, def := range rules.Generate(false).Rules {
		titles[id] = def.Description
	}
	defs, _ := analyzers.Generate(false).AnalyzersInfo()
	for id, def := range defs {
		titles[id] = def.Description
	}
	return titles
}
