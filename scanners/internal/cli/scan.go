package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/fingerprint"
	"github.com/guestbook-secscan/guestbook/scanners/ghactions"
	"github.com/guestbook-secscan/guestbook/scanners/policy"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
	"github.com/guestbook-secscan/guestbook/scanners/sariflog"
	"github.com/guestbook-secscan/guestbook/scanners/summary"
)

// runScan is "secscan scan": run the scanners, write the reports, apply
// the policy.
func runScan(ctx context.Context, args []string, env Env) error {
	started := time.Now()
	f, err := parseScanFlags(args, env)
	if err != nil {
		return err
	}
	tuneGC(env.Getenv)
	pol, err := loadPolicy(f)
	if err != nil {
		return err
	}
	var baseline *policy.Baseline
	if f.baseline != "" {
		if baseline, err = policy.ReadBaseline(f.baseline); err != nil {
			return usageErrorf("%v; pass a SARIF file written by secscan scan", err)
		}
	}
	gh, inActions := ghactions.Detect(env.Getenv)
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	set, err := buildScanners(ctx, f, pol, env, logger)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return usageErrorf("cannot create report folder %s: %v; pass a writable folder with --out", f.out, err)
	}

	runs := runScanners(ctx, f, set, pol, env, inActions, logger)
	set.annotate(runs)

	policy.ApplyExclude(pol, runs)
	if err := fingerprint.Annotate(f.root, runs); err != nil {
		return fmt.Errorf("computing fingerprints: %w", err)
	}
	verdict := policy.Evaluate(pol, runs, policy.Options{Now: time.Now(), Getenv: env.Getenv, Baseline: baseline})

	reports, err := writeReports(f, runs)
	if err != nil {
		return err
	}

	in := summary.Input{
		Runs:    runs,
		Verdict: summaryVerdict(verdict),
		Reports: reports,
		Elapsed: time.Since(started),
	}
	if err := writeSummary(f, in, reports); err != nil {
		return err
	}
	in.Reports = append(in.Reports, filepath.Join(f.out, "summary.md"))
	if err := summary.Table(env.Stdout, in); err != nil {
		return err
	}

	if inActions {
		publishToActions(gh, in, runs, verdict.ExitCode, env)
	}
	if verdict.ExitCode != ExitPass {
		return &exitError{code: verdict.ExitCode}
	}
	return nil
}

// loadPolicy reads the policy file named by --policy, else the default
// file under the root when it exists, else the built-in default.
func loadPolicy(f *scanFlags) (*policy.Policy, error) {
	name := f.policyFile
	if name == "" {
		name = policy.DefaultFile
	}
	p, err := policy.Load(f.root, name)
	if err == nil {
		return p, nil
	}
	if errors.Is(err, fs.ErrNotExist) && f.policyFile == "" {
		return policy.Default(), nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usageErrorf("policy file %s not found; check the --policy path", f.policyFile)
	}
	return nil, &exitError{code: ExitUsage, msg: err.Error()}
}

// runScanners runs the scanners with the progress display that fits the
// output: live on a terminal, folded groups in GitHub Actions, plain lines
// elsewhere.
func runScanners(ctx context.Context, f *scanFlags, set *scannerSet, pol *policy.Policy, env Env, inActions bool, logger *slog.Logger) []*finding.Run {
	opts := runner.Options{Timeout: f.timeout, Logger: logger}
	mode := f.progress
	if mode == "auto" {
		switch {
		case inActions:
			mode = "actions"
		case env.IsTerminal && env.Getenv("CI") == "":
			mode = "live"
		default:
			mode = "plain"
		}
	}
	var live *liveProgress
	switch mode {
	case "live":
		live = newLiveProgress(env.Stderr, set.names())
		opts.Observer = live
	case "actions":
		opts.Observer = ghactions.NewProgress(env.Stderr)
	default:
		opts.Observer = &plainProgress{w: env.Stderr}
	}

	runs := runPerToolTargets(ctx, f, set, pol, opts)
	if live != nil {
		live.Close()
	}
	return runs
}

// runPerToolTargets gives each scanner its own target, because the policy
// may exclude different paths per tool, and runs them all concurrently.
func runPerToolTargets(ctx context.Context, f *scanFlags, set *scannerSet, pol *policy.Policy, opts runner.Options) []*finding.Run {
	scanners := make([]runner.Scanner, len(set.scanners))
	for i, s := range set.scanners {
		scanners[i] = &targeted{Scanner: s, exclude: pol.ExcludeFor(s.Name())}
	}
	t := runner.Target{Root: f.root, Offline: f.offline}
	return runner.Run(ctx, t, scanners, opts)
}

// targeted replaces the target's excludes with one tool's excludes.
type targeted struct {
	runner.Scanner
	exclude []string
}

func (s *targeted) Scan(ctx context.Context, t runner.Target) (*finding.Run, error) {
	t.Exclude = s.exclude
	return s.Scanner.Scan(ctx, t)
}

// writeReports writes the merged log meant for upload, each tool's run
// alone, and the full log that keeps suppressed results. It returns the
// paths written.
func writeReports(f *scanFlags, runs []*finding.Run) ([]string, error) {
	upload, err := sariflog.Build(policy.ForUpload(runs, f.keepSuppressed), sariflog.Options{})
	if err != nil {
		return nil, fmt.Errorf("building the SARIF log: %w", err)
	}
	full, err := sariflog.Build(runs, sariflog.Options{})
	if err != nil {
		return nil, fmt.Errorf("building the SARIF log: %w", err)
	}

	var written []string
	write := func(name string, build func(path string) error) error {
		path := filepath.Join(f.out, name)
		if err := build(path); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	if err := write("secscan.sarif", func(p string) error { return sariflog.WriteFile(p, upload) }); err != nil {
		return nil, err
	}
	for _, tl := range sariflog.Split(upload) {
		if err := write(tl.FileName, func(p string) error { return sariflog.WriteFile(p, tl.Report) }); err != nil {
			return nil, err
		}
	}
	if err := write("secscan-full.sarif", func(p string) error { return sariflog.WriteFile(p, full) }); err != nil {
		return nil, err
	}
	return written, nil
}

// writeSummary writes reports/summary.md.
func writeSummary(f *scanFlags, in summary.Input, reports []string) error {
	var buf bytes.Buffer
	if err := summary.Markdown(&buf, in); err != nil {
		return err
	}
	path := filepath.Join(f.out, "summary.md")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// summaryVerdict turns the policy's verdict into the lines the summaries
// show.
func summaryVerdict(v *policy.Verdict) summary.Verdict {
	lines := v.Lines()
	out := summary.Verdict{Pass: v.Pass}
	if len(lines) > 0 {
		out.Headline = lines[0]
	}
	for _, l := range lines[min(1, len(lines)):] {
		out.Details = append(out.Details, strings.TrimSpace(l))
	}
	return out
}

// publishToActions writes the job summary, the annotations and the exit
// code as a step output, so a workflow can publish the findings before it
// applies the gate.
func publishToActions(gh ghactions.Env, in summary.Input, runs []*finding.Run, code int, env Env) {
	in.LinkBase = gh.LinkBase()
	if err := gh.AppendSummary(in); err != nil {
		fmt.Fprintf(env.Stderr, "secscan: warning: writing the job summary: %v\n", err)
	}
	if err := ghactions.WriteAnnotations(env.Stderr, runs); err != nil {
		fmt.Fprintf(env.Stderr, "secscan: warning: writing annotations: %v\n", err)
	}
	if gh.Output != "" {
		if err := gh.SetOutput("exit-code", strconv.Itoa(code)); err != nil {
			fmt.Fprintf(env.Stderr, "secscan: warning: %v\n", err)
		}
	}
}
