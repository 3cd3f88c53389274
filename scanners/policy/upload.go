package policy

import (
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// ForUpload returns copies of runs for the SARIF file meant for GitHub code
// scanning. GitHub ignores SARIF suppressions and would open an alert for
// every suppressed result, so the copies leave out results with any
// suppression (from the policy or from a comment in the code) unless
// keepSuppressed is set. They always leave out results whose baseline state
// is "absent", which would reopen alerts for findings that are gone. Rules,
// invocations and properties are shared with runs, not copied.
func ForUpload(runs []*finding.Run, keepSuppressed bool) []*finding.Run {
	out := make([]*finding.Run, 0, len(runs))
	for _, run := range runs {
		if run == nil {
			continue
		}
		copied := *run
		copied.Results = make([]finding.Result, 0, len(run.Results))
		for _, r := range run.Results {
			if r.BaselineState == BaselineAbsent {
				continue
			}
			if len(r.Suppressions) > 0 && !keepSuppressed {
				continue
			}
			copied.Results = append(copied.Results, r)
		}
		out = append(out, &copied)
	}
	return out
}

// ApplyExclude removes from runs the results whose path matches the globs
// that the policy excludes for their tool, and records in each affected run
// a note with the number removed. It returns the total removed. Adapters
// receive the same globs and should not report such paths at all. This
// pass keeps the exclude list exact where a tool's own skip options match
// paths differently from package glob.
func ApplyExclude(p *Policy, runs []*finding.Run) int {
	total := 0
	for _, run := range runs {
		if run == nil {
			continue
		}
		globs := p.ExcludeFor(run.Tool)
		if len(globs) == 0 {
			continue
		}
		remaining := run.Results[:0]
		removed := 0
		for _, r := range run.Results {
			if r.Location.Path != "" && excluded(globs, r.Location.Path) {
				removed++
				continue
			}
			remaining = append(remaining, r)
		}
		run.Results = remaining
		if removed > 0 {
			run.Notify(finding.LevelNote, "secscan left out %s in paths that the policy excludes (%s)", plural(removed, "result"), strings.Join(globs, ", "))
			total += removed
		}
	}
	return total
}
