package policy

import (
	"fmt"
	"strings"
	"time"
)

// Lines renders the verdict as plain text for a terminal, one line per
// fact: the outcome, each failure with the policy line behind it, the
// scanners that did not run, the counts, the suppressions and the baseline.
func (v *Verdict) Lines() []string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }

	policy := v.PolicyFile
	if policy == "" {
		policy = "the built-in default policy"
	}
	switch v.ExitCode {
	case ExitPass:
		add("PASS (exit 0): no result fails %s and every required scanner ran", policy)
	case ExitPolicyFailed:
		add("FAIL (exit 1): %s fail %s", plural(len(v.Failures), "result"), policy)
	case ExitScannerFailed:
		add("FAIL (exit 3): %s did not complete, and %s fail %s",
			plural(len(v.ScannerFailures), "scanner"), plural(len(v.Failures), "result"), policy)
	}

	for _, f := range v.Failures {
		add("  %s: %s%s (%s) reaches %s", f.Result.Rating.Severity, f.Result, ruleLabel(f.Result), f.Result.Rating.Basis(), f.Because)
	}
	for _, f := range v.ScannerFailures {
		if !f.Required() {
			add("  %s %s: %s; a scanner that started and failed leaves its results incomplete, so it fails the build even when not required", f.Tool, statusText(f.Status), f.Reason)
			continue
		}
		add("  %s %s: %s; required by %s%s", f.Tool, statusText(f.Status), f.Reason, f.Because, v.ciNote())
	}
	for _, w := range v.Warnings {
		add("warning: %s", w)
	}

	add("%s", v.countsLine())
	for _, s := range v.Suppressed {
		switch s.Kind {
		case KindExternal:
			entry := "the policy"
			if s.Entry != nil {
				entry = s.Entry.String()
			}
			add("  suppressed by %s: %s: %s", entry, s.Result, s.Justification)
		default:
			justification := s.Justification
			if strings.TrimSpace(justification) == "" {
				justification = "no justification given"
			}
			add("  suppressed in source: %s: %s", s.Result, justification)
		}
	}
	for _, st := range v.Suppressions {
		src := st.Entry.Source()
		switch st.State {
		case SuppressionExpired:
			add("expired: %s (%s) ended on %s; it no longer suppresses %s", src, st.Entry.Criteria(),
				st.Entry.Expires.Format(time.DateOnly), plural(st.Matched, "result"))
		case SuppressionStale:
			add("stale: %s (%s) matched no result; remove it", src, st.Entry.Criteria())
		case SuppressionUnverified:
			add("unverified: %s (%s) matched no result, but a scanner it could match did not complete", src, st.Entry.Criteria())
		}
	}

	if b := v.Baseline; b != nil {
		add("baseline %s: %d new, %d unchanged, %d absent (absent results are fixed or gone and never fail the build)", b.File, b.New, b.Unchanged, b.Absent)
	}
	return lines
}

func ruleLabel(r ResultRef) string {
	if r.RuleName == "" {
		return ""
	}
	return fmt.Sprintf(" %q", r.RuleName)
}

func (v *Verdict) ciNote() string {
	if v.CI {
		return " (CI=true)"
	}
	return ""
}

func (v *Verdict) countsLine() string {
	c := v.Counts
	parts := []string{fmt.Sprintf("%d failed", c.Failed), fmt.Sprintf("%d below the threshold", c.BelowThreshold)}
	if c.NotNew > 0 {
		parts = append(parts, fmt.Sprintf("%d at or above it but unchanged since the baseline", c.NotNew))
	}
	parts = append(parts,
		fmt.Sprintf("%d suppressed by the policy", c.Suppressed),
		fmt.Sprintf("%d suppressed in source", c.SuppressedInSource))
	return fmt.Sprintf("%s: %s", plural(c.Results, "result"), strings.Join(parts, ", "))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
