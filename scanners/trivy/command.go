package trivy

import (
	"regexp"
	"strings"
	"time"
)

// fsOptions are the inputs of one `trivy fs` command line.
type fsOptions struct {
	CacheDir        string
	Output          string
	Scanners        []string
	Severities      []string
	CheckDirs       []string // relative to the scanned directory
	CheckNamespaces []string
	Offline         bool
	Skips           []string // doublestar globs relative to the scanned directory
	Timeout         time.Duration
}

// fsArgs returns the arguments of `trivy fs` over the current directory,
// which the caller sets to the repository root so that every path in the
// report is relative to it.
//
// Telemetry and the version check are off in every scan: a CI tool should
// not report on its users or call out for news it does not act on, and the
// version is pinned on purpose. Offline scans also skip every download
// (vulnerability, Java and VEX databases, the checks bundle) and the Maven
// lookups for jar files, so they use only the cache and the built-in checks.
func fsArgs(o fsOptions) []string {
	args := []string{
		"fs",
		"--format", "json",
		"--output", o.Output,
		"--scanners", strings.Join(o.Scanners, ","),
		"--cache-dir", o.CacheDir,
		"--list-all-pkgs",
		"--timeout", o.Timeout.String(),
		"--no-progress",
		"--disable-telemetry",
		"--skip-version-check",
	}
	if len(o.Severities) > 0 {
		args = append(args, "--severity", strings.Join(o.Severities, ","))
	}
	for _, dir := range o.CheckDirs {
		args = append(args, "--config-check", dir)
	}
	if len(o.CheckNamespaces) > 0 {
		args = append(args, "--check-namespaces", strings.Join(o.CheckNamespaces, ","))
	}
	if o.Offline {
		args = append(args,
			"--skip-db-update",
			"--skip-java-db-update",
			"--skip-check-update",
			"--skip-vex-repo-update",
			"--offline-scan",
		)
	}
	// Trivy matches --skip-dirs against directory paths and --skip-files
	// against file paths, so each pattern goes to both.
	for _, p := range o.Skips {
		args = append(args, "--skip-dirs", p, "--skip-files", p)
	}
	return append(args, ".")
}

// logLine matches an error line of Trivy's log, for example
// "2025-06-01T10:00:00Z\tERROR\t[misconfig] Falling back to embedded checks".
// FATAL lines are left to the failure notification, which quotes the end
// of standard error.
var logLine = regexp.MustCompile(`^\S+\s+(ERROR)\s+(.*)$`)

// benignErrors are error lines that Trivy logs although the scan goes on
// correctly. "Falling back to embedded checks" means the checks bundle was
// not downloaded (always so offline) and the checks built into the binary
// run instead.
var benignErrors = []string{"Falling back to embedded checks"}

// maxLogErrors bounds the notifications made from Trivy's error lines.
const maxLogErrors = 10

// logErrors returns the messages of Trivy's ERROR log lines, without the
// benign ones, at most maxLogErrors of them.
func logErrors(stderr string) []string {
	var out []string
	for line := range strings.SplitSeq(stderr, "\n") {
		m := logLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		msg := strings.TrimSpace(m[2])
		if containsAny(msg, benignErrors) {
			continue
		}
		if len(out) == maxLogErrors {
			out = append(out, "further error lines left out")
			break
		}
		out = append(out, msg)
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
