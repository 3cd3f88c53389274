package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Severity is a result's severity for the gate, in GitHub's four bands plus
// none. The zero value is SeverityNone.
type Severity int

// Severities in increasing order.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < SeverityNone || s > SeverityCritical {
		return "Severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity parses one of critical, high, medium, low and none, in any
// letter case.
func ParseSeverity(s string) (Severity, error) {
	for i, name := range severityNames {
		if strings.EqualFold(s, name) {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("invalid severity %q; use one of critical, high, medium, low, none", s)
}

// Fails reports whether a result of severity s fails a fail_on threshold.
// A threshold of none fails nothing, and a result of severity none fails no
// threshold.
func (s Severity) Fails(threshold Severity) bool {
	return threshold != SeverityNone && s != SeverityNone && s >= threshold
}

// Rating is a result's severity and what it was derived from.
type Rating struct {
	Severity Severity

	// Score is the rule's security-severity when the rating came from it,
	// else 0.
	Score float64

	// Level is the result's level when the rating came from it, else empty.
	Level finding.Level
}

// Basis describes what the rating was derived from, for explanations:
// "security-severity 7.5" or "level error".
func (r Rating) Basis() string {
	if r.Level != "" {
		return "level " + string(r.Level)
	}
	return "security-severity " + strconv.FormatFloat(r.Score, 'f', -1, 64)
}

// Rate derives the severity of result, reported by run, for the gate.
//
// The rule's security-severity decides when it is above 0, in GitHub code
// scanning's bands: 9.0 and above critical, 7.0 to 8.9 high, 4.0 to 6.9
// medium, 0.1 to 3.9 low, below 0.1 none. A score of exactly 0 counts as
// missing, because the finding model cannot tell an unset score from a zero
// one. Without a score, the result's level decides (the rule's default level
// when the result has none, and SARIF's default "warning" when neither has
// one): error is high, warning medium, note low, none none.
func Rate(run *finding.Run, result *finding.Result) Rating {
	var rule *finding.Rule
	if run != nil {
		rule = run.Rule(result.RuleID)
	}
	if rule != nil && rule.SecuritySeverity > 0 {
		return Rating{Severity: scoreSeverity(rule.SecuritySeverity), Score: rule.SecuritySeverity}
	}

	level := result.Level
	if level == "" && rule != nil {
		level = rule.Level
	}
	if level == "" {
		level = finding.LevelWarning
	}
	return Rating{Severity: levelSeverity(level), Level: level}
}

func scoreSeverity(score float64) Severity {
	switch {
	case score >= 9.0:
		return SeverityCritical
	case score >= 7.0:
		return SeverityHigh
	case score >= 4.0:
		return SeverityMedium
	case score >= 0.1:
		return SeverityLow
	}
	return SeverityNone
}

func levelSeverity(level finding.Level) Severity {
	switch level {
	case finding.LevelError:
		return SeverityHigh
	case finding.LevelWarning:
		return SeverityMedium
	case finding.LevelNote:
		return SeverityLow
	}
	return SeverityNone
}
