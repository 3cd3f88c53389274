package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
	"github.com/guestbook-secscan/guestbook/scanners/gosec"
	"github.com/guestbook-secscan/guestbook/scanners/govulncheck"
	"github.com/guestbook-secscan/guestbook/scanners/hadolint"
	"github.com/guestbook-secscan/guestbook/scanners/policy"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
	"github.com/guestbook-secscan/guestbook/scanners/trivy"
	"github.com/guestbook-secscan/guestbook/scanners/vulndb"
)

// scannerSet is the scanners chosen for one scan, with what the CLI
// learned while configuring them.
type scannerSet struct {
	scanners []runner.Scanner

	vulnSource *vulndb.Source // the Go vulnerability database chosen, if any
	maxAge     time.Duration
}

func (s *scannerSet) names() []string {
	names := make([]string, len(s.scanners))
	for i, sc := range s.scanners {
		names[i] = sc.Name()
	}
	return names
}

// buildScanners configures the scanners that --tools selects, with the
// policy's per-tool settings.
func buildScanners(ctx context.Context, f *scanFlags, pol *policy.Policy, env Env, logger *slog.Logger) (*scannerSet, error) {
	set := &scannerSet{maxAge: time.Duration(f.vulndbMaxAge) * 24 * time.Hour}
	if slices.Contains(f.tools, "gosec") || slices.Contains(f.tools, "govulncheck") {
		if err := requireGoModule(f.root); err != nil {
			return nil, err
		}
	}

	for _, tool := range f.tools {
		switch tool {
		case "gosec":
			set.scanners = append(set.scanners, gosec.New(gosec.Config{
				Logger:       logger,
				IncludeRules: pol.Gosec.IncludeRules,
				ExcludeRules: pol.Gosec.ExcludeRules,
			}))
		case "govulncheck":
			s, err := set.govulncheck(ctx, f, pol, env, logger)
			if err != nil {
				return nil, err
			}
			set.scanners = append(set.scanners, s)
		case "trivy":
			set.scanners = append(set.scanners, trivy.New(trivy.Config{
				Binary:          f.trivyBinary,
				CacheDir:        f.trivyCacheDir,
				Scanners:        pol.Trivy.Scanners,
				Severities:      pol.Trivy.Severities,
				CheckDirs:       pol.Trivy.Checks,
				CheckNamespaces: pol.Trivy.CheckNamespaces,
				Logger:          logger,
			}))
		case "hadolint":
			set.scanners = append(set.scanners, hadolint.New(hadolint.Config{
				Binary:     f.hadolintBinary,
				ConfigFile: pol.Hadolint.ConfigFile,
				Logger:     logger,
			}))
		}
	}
	return set, nil
}

// govulncheck chooses the vulnerability database and configures the
// govulncheck scanner. When no database can be had, the scanner is still
// listed, so that its run reports why it did not run.
func (s *scannerSet) govulncheck(ctx context.Context, f *scanFlags, pol *policy.Policy, env Env, logger *slog.Logger) (runner.Scanner, error) {
	src, err := vulndb.Choose(ctx, vulndb.ChooseOptions{
		Flag:    f.govulndb,
		Offline: f.offline,
		Sync:    vulndb.SyncOptions{Dir: env.Getenv("SECSCAN_VULNDB_DIR"), Progress: env.Stderr},
	})
	switch {
	case errors.Is(err, vulndb.ErrInvalidFlag):
		return nil, usageErrorf("%v", err)
	case err != nil:
		return &unavailable{name: finding.ToolGovulncheck, err: &finding.NotRunError{
			Reason: fmt.Sprintf("no Go vulnerability database: %v", err),
			Fix:    "run \"secscan vulndb sync\" where the Go module proxy is reachable, or pass --govulndb",
		}}, nil
	}
	s.vulnSource = src
	return govulncheck.New(govulncheck.Config{DB: src.URL, ScanLevel: pol.Govulncheck.ScanLevel, Logger: logger}), nil
}

// annotate adds the CLI's facts about a run to it, such as the
// vulnerability database that govulncheck read and its age.
func (s *scannerSet) annotate(runs []*finding.Run) {
	for _, run := range runs {
		if run.Tool != finding.ToolGovulncheck || s.vulnSource == nil {
			continue
		}
		src := s.vulnSource
		for _, n := range src.Notes {
			run.Notify(finding.LevelNote, "%s", n)
		}
		run.Notify(finding.LevelNote, "Go vulnerability database: %s", src)
		if w := src.StaleWarning(time.Now(), s.maxAge); w != "" {
			run.Notify(finding.LevelWarning, "%s", w)
		}
		if run.Properties == nil {
			run.Properties = map[string]any{}
		}
		maps.Copy(run.Properties, src.Properties())
	}
}

// unavailable is a scanner that cannot run, so that its run still appears
// in the reports with the reason.
type unavailable struct {
	name string
	err  error
}

func (u *unavailable) Name() string { return u.name }

func (u *unavailable) Scan(context.Context, runner.Target) (*finding.Run, error) {
	return nil, u.err
}

// requireGoModule rejects a root without any Go module, where the Go
// scanners would find nothing and look as if the code were clean.
func requireGoModule(root string) error {
	mods, err := gomod.Find(root, nil)
	if err != nil {
		return usageErrorf("cannot search %s for Go modules: %v", root, err)
	}
	if len(mods) == 0 {
		return usageErrorf("no Go module (go.mod) under %s; scan a Go repository, or pass --tools trivy,hadolint to scan it without the Go scanners", root)
	}
	return nil
}
