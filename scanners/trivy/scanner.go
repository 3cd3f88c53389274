package trivy

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
	"github.com/guestbook-secscan/guestbook/scanners/internal/proc"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// InformationURI is the project page written into the SARIF run.
const InformationURI = "https://github.com/aquasecurity/trivy"

// Trivy's scanner names, as --scanners takes them.
const (
	scannerVuln      = "vuln"
	scannerMisconfig = "misconfig"
	scannerSecret    = "secret"
)

// Config configures the Trivy adapter. The zero value is usable.
type Config struct {
	// Binary is the trivy executable (the --trivy flag). Empty means: look
	// it up as described in the package documentation.
	Binary string

	// CacheDir is Trivy's cache directory, which holds its vulnerability
	// database under db/ (the --trivy-cache-dir flag). Empty means
	// $TRIVY_CACHE_DIR, else Trivy's default <user cache dir>/trivy.
	CacheDir string

	// Scanners are the Trivy scanners to run, any of "vuln", "misconfig"
	// and "secret". Empty means all three.
	Scanners []string

	// Severities limits the results to these Trivy severities (--severity):
	// any of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL. Empty means all.
	Severities []string

	// CheckDirs are directories of custom Rego checks, relative to the
	// repository root (--config-check), and CheckNamespaces the Rego
	// package prefixes evaluated from them (--check-namespaces).
	CheckDirs       []string
	CheckNamespaces []string

	// SkipDirs replaces DefaultSkipDirs when not nil.
	SkipDirs []string

	// Logger receives debug messages about the commands run. Nil discards
	// them.
	Logger *slog.Logger
}

// Scanner runs `trivy fs` over a repository.
type Scanner struct {
	cfg Config
	log *slog.Logger
}

var _ runner.Scanner = (*Scanner)(nil)

// New returns a Trivy scanner.
func New(cfg Config) *Scanner {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.SkipDirs == nil {
		cfg.SkipDirs = DefaultSkipDirs
	}
	return &Scanner{cfg: cfg, log: log}
}

// Name returns the SARIF driver name, "Trivy".
func (s *Scanner) Name() string { return finding.ToolTrivy }

// Scan runs Trivy's vulnerability, misconfiguration and secret scanners
// over t.Root. When the vulnerability database is missing in an offline
// scan (or cannot be downloaded in an online one), the other two scanners
// still run, and a warning notification names the missing part.
func (s *Scanner) Scan(ctx context.Context, t runner.Target) (*finding.Run, error) {
	binary, err := LocateBinary(s.cfg.Binary)
	if err != nil {
		return nil, err
	}
	cacheDir, err := resolveCacheDir(s.cfg.CacheDir)
	if err != nil {
		return nil, &finding.NotRunError{Reason: err.Error(), Fix: "pass --trivy-cache-dir DIR"}
	}

	skips := pathfilter.New(append(slices.Clone(s.cfg.SkipDirs), t.Exclude...))
	if err := skips.Validate(); err != nil {
		return nil, err
	}
	scanners, err := selectScanners(s.cfg.Scanners)
	if err != nil {
		return nil, err
	}
	if err := s.validateChecks(t.Root); err != nil {
		return nil, err
	}

	run := &finding.Run{
		Tool:           finding.ToolTrivy,
		InformationURI: InformationURI,
		Rules:          []finding.Rule{},
		Results:        []finding.Result{},
		Invocation:     finding.Invocation{Status: finding.StatusOK},
		Properties:     map[string]any{"offline": t.Offline, "cacheDir": cacheDir},
	}

	if t.Offline && slices.Contains(scanners, scannerVuln) {
		meta, err := checkDatabase(cacheDir)
		if err != nil {
			scanners = withoutVuln(scanners)
			notifyNoDatabase(run, cacheDir, err)
		} else {
			run.Properties["vulnerabilityDB"] = meta.properties()
		}
	}

	before := len(run.Invocation.Notifications)
	err = s.scan(ctx, binary, cacheDir, t, skips, scanners, run)
	if err != nil && ctx.Err() == nil && slices.Contains(scanners, scannerVuln) && isDatabaseFailure(run) {
		// Trivy could not download or open the database: run the other
		// scanners again without it, and report the missing part in place
		// of the first attempt's errors.
		s.log.DebugContext(ctx, "trivy could not download or open its database; scanning again without vuln", "error", err)
		run.Invocation.Notifications = run.Invocation.Notifications[:before]
		notifyNoDatabase(run, cacheDir, err)
		scanners = withoutVuln(scanners)
		err = s.scan(ctx, binary, cacheDir, t, skips, scanners, run)
	}
	if _, ok := run.Properties["vulnerabilityDB"]; !ok && slices.Contains(scanners, scannerVuln) {
		if meta, dbErr := checkDatabase(cacheDir); dbErr == nil {
			run.Properties["vulnerabilityDB"] = meta.properties()
		}
	}
	run.Properties["scanners"] = scanners

	s.recordVersion(ctx, run, binary)

	if err != nil {
		run.Invocation.Status = finding.StatusFailed
		return run, err
	}
	return run, nil
}

// scan runs trivy once with the given scanners and fills run.
func (s *Scanner) scan(ctx context.Context, binary, cacheDir string, t runner.Target, skips pathfilter.Filter, scanners []string, run *finding.Run) error {
	outDir, err := os.MkdirTemp("", "secscan-trivy-")
	if err != nil {
		return fmt.Errorf("creating a directory for the trivy report: %w", err)
	}
	defer os.RemoveAll(outDir)
	output := filepath.Join(outDir, "report.json")

	args := fsArgs(fsOptions{
		CacheDir:        cacheDir,
		Output:          output,
		Scanners:        scanners,
		Severities:      s.cfg.Severities,
		CheckDirs:       s.cfg.CheckDirs,
		CheckNamespaces: s.cfg.CheckNamespaces,
		Offline:         t.Offline,
		Skips:           skips.Patterns(),
		Timeout:         analysisTimeout(ctx),
	})
	// The report's temporary folder is named in the recorded command line
	// by a fixed placeholder, so that two scans of the same tree write the
	// same SARIF apart from the invocation times.
	run.Invocation.CommandLine = strings.ReplaceAll(proc.CommandLine(binary, args), outDir, "$TMPDIR/secscan-trivy")
	s.log.DebugContext(ctx, "running trivy", "dir", t.Root, "command", proc.CommandLine(binary, args))

	start := time.Now()
	res, err := proc.Cmd{Dir: t.Root, Name: binary, Args: args}.Run(ctx)
	run.Invocation.ExitCode = res.ExitCode
	s.log.DebugContext(ctx, "trivy finished", "exit", res.ExitCode, "elapsed", time.Since(start))
	for _, line := range logErrors(res.Stderr) {
		run.Notify(finding.LevelWarning, "trivy: %s", line)
	}
	if err != nil {
		run.Notify(finding.LevelError, "trivy did not finish: %v", err)
		return err
	}
	if res.ExitCode != 0 {
		tail := proc.LastLines(res.Stderr, 5)
		run.Notify(finding.LevelError, "trivy exited with status %d: %s", res.ExitCode, tail)
		return fmt.Errorf("trivy exited with status %d: %s", res.ExitCode, proc.LastLines(res.Stderr, 1))
	}

	data, err := os.ReadFile(output)
	if err != nil {
		run.Notify(finding.LevelError, "trivy wrote no report: %v", err)
		return fmt.Errorf("reading the trivy report: %w", err)
	}
	rep, err := parseReport(data)
	if err != nil {
		run.Notify(finding.LevelError, "%v", err)
		return err
	}

	if rep.Trivy.Version != "" {
		run.Version = strings.TrimPrefix(rep.Trivy.Version, "v")
	}
	conv := convertReport(rep, t.Root, skips)
	run.Rules, run.Results = conv.Rules, conv.Results
	if conv.Excluded > 0 {
		run.Properties["excludedResults"] = conv.Excluded
	}
	if n := len(conv.Dropped); n > 0 {
		examples := conv.Dropped[:min(n, maxDroppedExamples)]
		run.Notify(finding.LevelWarning, "%d Trivy results name no file in the repository and were left out: %s",
			n, strings.Join(examples, "; "))
	}
	return nil
}

// recordVersion sets run.Version when the report did not carry it, and
// notes a Trivy that is not the pinned release.
func (s *Scanner) recordVersion(ctx context.Context, run *finding.Run, binary string) {
	pinned := strings.TrimPrefix(PinnedVersion, "v")
	if run.Version == "" {
		v, err := queryVersion(ctx, binary)
		if err != nil {
			s.log.DebugContext(ctx, "trivy version unknown; recording the pinned one", "error", err)
			v = pinned
		}
		run.Version = v
	}

	switch {
	case run.Version == pinned:
	case run.Version == "dev" && filepath.Base(binary) == "trivy-"+PinnedVersion:
		// A `go build` without Trivy's -ldflags version leaves "dev"; the
		// file name is the one that `make trivy` gives the pinned release.
		run.Notify(finding.LevelNote, "%s reports version \"dev\" (built without version information); "+
			"recorded the version in its file name, %s", binary, pinned)
		run.Version = pinned
	default:
		run.Notify(finding.LevelNote, "Trivy %s ran (%s), not the pinned %s: checks and results can differ",
			run.Version, binary, PinnedVersion)
	}
}

// selectScanners validates the configured scanners and returns them in
// Trivy's order; none configured means all three.
func selectScanners(configured []string) ([]string, error) {
	all := []string{scannerVuln, scannerMisconfig, scannerSecret}
	if len(configured) == 0 {
		return all, nil
	}
	for _, name := range configured {
		if !slices.Contains(all, name) {
			return nil, fmt.Errorf("invalid trivy scanner %q: use vuln, misconfig or secret", name)
		}
	}
	return slices.DeleteFunc(all, func(name string) bool { return !slices.Contains(configured, name) }), nil
}

// validateChecks checks the severities and the custom check directories,
// so that a typo fails before Trivy starts.
func (s *Scanner) validateChecks(root string) error {
	for _, sev := range s.cfg.Severities {
		if _, ok := severityScores[sev]; !ok {
			return fmt.Errorf("invalid trivy severity %q: use UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL", sev)
		}
	}
	for _, dir := range s.cfg.CheckDirs {
		native := filepath.FromSlash(dir)
		if filepath.IsAbs(native) || !filepath.IsLocal(native) {
			return fmt.Errorf("trivy check directory %q must be a path inside the repository, such as policies/trivy", dir)
		}
		info, err := os.Stat(filepath.Join(root, native))
		if err != nil || !info.IsDir() {
			return fmt.Errorf("trivy check directory %q is not a directory in %s", dir, root)
		}
	}
	return nil
}

func withoutVuln(scanners []string) []string {
	return slices.DeleteFunc(slices.Clone(scanners), func(s string) bool { return s == scannerVuln })
}

// notifyNoDatabase records that vulnerability scanning did not run.
func notifyNoDatabase(run *finding.Run, cacheDir string, cause error) {
	dbDir := filepath.Join(cacheDir, "db")
	run.Invocation.Skipped = append(run.Invocation.Skipped, "vulnerability scanning")
	run.Notify(finding.LevelWarning,
		"vulnerability scanning did not run: no Trivy database in %s (%v); "+
			"run secscan once online to download it, or on an air-gapped machine copy a Trivy database "+
			"(trivy.db and metadata.json, as Trivy's air-gapped guide describes) into %s",
		dbDir, cause, dbDir)
}

// isDatabaseFailure reports whether the run's last error notification is
// Trivy failing to download or open its vulnerability database. Trivy
// v0.74.0 wraps both in "DB error" ("init error: DB error: failed to
// download vulnerability DB: ...", "DB error: database error: --skip-db-update
// cannot be specified on the first run").
func isDatabaseFailure(run *finding.Run) bool {
	for _, n := range slices.Backward(run.Invocation.Notifications) {
		if n.Level != finding.LevelError {
			continue
		}
		return strings.Contains(n.Message, "DB error")
	}
	return false
}

// analysisTimeout returns the value for Trivy's --timeout, which defaults to
// five minutes and would cut a scan of a large repository short. The
// context is the real limit, so the flag gets the context's remaining time,
// or a day when it has no deadline.
func analysisTimeout(ctx context.Context) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		if d := time.Until(deadline); d > time.Second {
			return d.Round(time.Second)
		}
		return time.Second
	}
	return 24 * time.Hour
}
