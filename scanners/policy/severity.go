package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// ParseSeverity parses one of critical, high, medium, low and none, in any
// letter case, which finding.ParseSeverity does not accept.
func ParseSeverity(s string) (finding.Severity, error) {
	sev, err := finding.ParseSeverity(strings.ToLower(s))
	if err != nil {
		// The message quotes s as written in the policy file.
		return finding.SeverityNone, fmt.Errorf("invalid severity %q; use one of critical, high, medium, low, none", s)
	}
	return sev, nil
}

// fails reports whether a result of severity s fails a fail_on threshold.
// A threshold of none fails nothing, and a result of severity none fails no
// threshold.
func fails(s, threshold finding.Severity) bool {
	return threshold != finding.SeverityNone && s != finding.SeverityNone && s >= threshold
}

// Rating is a result's severity and what it was derived from.
type Rating struct {
	Severity finding.Severity

	// Score is the rule's security-severity when the rating came from it,
	// else 0.
	Score float64

	// Level is the result's level when the rating came from it, else empty.
	Level finding.Level

	// CappedBy is the result's level when it lowered the rule's score, as
	// finding.CapByLevel does, else empty.
	CappedBy finding.Level
}

// Basis describes what the rating was derived from, for explanations:
// "security-severity 7.5" or "level error".
func (r Rating) Basis() string {
	if r.Level != "" {
		return "level " + string(r.Level)
	}
	basis := "security-severity " + strconv.FormatFloat(r.Score, 'f', -1, 64)
	if r.CappedBy != "" {
		basis += ", capped by level " + string(r.CappedBy)
	}
	return basis
}

// Rate derives the severity of result, reported by run, for the gate.
//
// The rule's security-severity decides when it is above 0, in GitHub code
// scanning's bands: 9.0 and above critical, 7.0 to 8.9 high, 4.0 to 6.9
// medium, 0.1 to 3.9 low, below 0.1 none. A score of exactly 0 counts as
// missing, because the finding model cannot tell an unset score from a zero
// one. The result's own level caps a score (note at most low, warning at
// most medium), because a rule's score is its most severe result's. Without
// a score, the result's level decides (the rule's default level
// when the result has none, and SARIF's default "warning" when neither has
// one): error is high, warning medium, note low, none none.
//
// The bands and the fallbacks are finding.Run.SeverityOf's, the ones GitHub
// shows; Rate also records which of them decided.
func Rate(run *finding.Run, result *finding.Result) Rating {
	var rule *finding.Rule
	if run != nil {
		rule = run.Rule(result.RuleID)
	}
	if rule != nil && rule.SecuritySeverity > 0 {
		score := rule.SecuritySeverity
		sev, capped := finding.CapByLevel(finding.SeverityFromScore(score), result.Level)
		rating := Rating{Severity: sev, Score: score}
		if capped {
			rating.CappedBy = result.Level
		}
		return rating
	}

	level := result.Level
	if level == "" && rule != nil {
		level = rule.Level
	}
	if level == "" {
		level = finding.LevelWarning
	}
	return Rating{Severity: finding.SeverityFromLevel(level), Level: level}
}
