// Package finding is secscan's normalized model of what a scanner reports.
//
// Every adapter (gosec, govulncheck, Trivy, hadolint) turns its tool's native
// output into one Run: the tool's identity, the rules it reported against, the
// results, and how the execution went. The SARIF writer, the summary and the
// policy read only this model, so they never depend on a tool's own format.
//
// Paths in a Location are slash-separated and relative to the repository root
// that was scanned. Adapters are responsible for that conversion, because only
// they know what each tool's paths are relative to.
package finding

import (
	"errors"
	"fmt"
	"time"
)

// Tool names, exactly as they appear as SARIF driver names. GitHub keys alert
// history on the driver name, so these must never change.
const (
	ToolGosec       = "gosec"
	ToolGovulncheck = "govulncheck"
	ToolTrivy       = "Trivy"
	ToolHadolint    = "hadolint"
)

// Level is a SARIF result level.
type Level string

// SARIF 2.1.0 result levels.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNote    Level = "note"
	LevelNone    Level = "none"
)

// Valid reports whether l is one of the four SARIF levels.
func (l Level) Valid() bool {
	switch l {
	case LevelError, LevelWarning, LevelNote, LevelNone:
		return true
	}
	return false
}

// Precision values that GitHub code scanning reads from a rule's properties.
const (
	PrecisionVeryHigh = "very-high"
	PrecisionHigh     = "high"
	PrecisionMedium   = "medium"
	PrecisionLow      = "low"
)

// Rule is the metadata of one check that a tool reported against.
type Rule struct {
	ID               string // the tool's rule id: G104, GO-2021-0113, DS002, DL3006
	Name             string // a short identifier-like name, at most 255 characters
	ShortDescription string // one sentence, at most 1,024 characters
	FullDescription  string // at most 1,024 characters; the writer truncates longer text
	HelpText         string // plain-text help
	HelpMarkdown     string // help with links; GitHub shows it in place of HelpText
	HelpURI          string
	Level            Level // default level of the rule's results

	// SecuritySeverity is a CVSS-like score from 0.0 to 10.0. GitHub shows
	// above 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
	SecuritySeverity float64
	Precision        string   // one of the Precision constants
	Tags             []string // "security" and "external/cwe/cwe-N" tags included by the adapter
}

// Location is one place in a repository file.
type Location struct {
	Path        string // slash-separated, relative to the repository root
	StartLine   int    // 1-based; 0 means unknown and is replaced by 1 when written
	StartColumn int    // 1-based; 0 means not given
	EndLine     int
	EndColumn   int
}

// Step is one frame of a code flow, such as one call in a call stack.
type Step struct {
	Location Location
	Message  string
}

// CodeFlow is an ordered path through the code, such as the call stack from
// a module's entry point to a vulnerable function.
type CodeFlow struct {
	Message string
	Steps   []Step
}

// Suppression records that a result was suppressed and why.
type Suppression struct {
	Kind          string // "inSource" for #nosec-style comments, "external" for policy entries
	Justification string
}

// Result is one finding.
type Result struct {
	RuleID    string
	Level     Level
	Message   string
	Location  Location
	CodeFlows []CodeFlow

	// Key identifies the finding independently of its line number, for the
	// fingerprint that survives a finding moving within a file. Adapters set
	// it when they know a better identity than the text of the flagged line
	// (for example a module path and advisory id). Empty means the writer
	// uses the whitespace-normalized text of the flagged line.
	Key string

	Suppressions []Suppression

	// LineHash is GitHub's primaryLocationLineHash of the location, and
	// Fingerprint secscan's own line-independent fingerprint. Both are
	// filled by the fingerprint package before policy and SARIF writing.
	LineHash    string
	Fingerprint string

	// BaselineState is the SARIF baselineState ("new", "unchanged",
	// "absent") when the scan was compared with a baseline, else empty.
	BaselineState string

	// Properties are written to the SARIF result's property bag, for
	// tool-specific facts such as a vulnerability's fixed version.
	Properties map[string]any
}

// Notification is a message about the execution of a tool rather than about
// the code: a failure, a skipped part, a trimmed list.
type Notification struct {
	Level   Level // error, warning or note
	Message string
}

// Status is the outcome of a scanner's execution.
type Status string

const (
	// StatusOK means the scanner ran to completion.
	StatusOK Status = "ok"
	// StatusFailed means the scanner ran but crashed, timed out, exited
	// with an error or wrote output that could not be parsed. Its results,
	// if any, are partial.
	StatusFailed Status = "failed"
	// StatusNotRun means the scanner could not be started, for example
	// because neither its binary nor a container engine is installed.
	StatusNotRun Status = "not-run"
)

// Invocation describes one execution of a tool.
type Invocation struct {
	Status        Status
	ExitCode      int // the tool's process exit code; 0 for in-process scanners that succeeded
	Start, End    time.Time
	Notifications []Notification
	CommandLine   string // for subprocesses, the command that ran

	// Skipped names the parts of a scan that did not run although the
	// scanner completed, such as "vulnerability scanning" without Trivy's
	// database. A notification gives the reason. The policy treats a
	// required scanner with skipped parts as one that did not run.
	Skipped []string
}

// Run is everything one tool reported in one scan.
type Run struct {
	Tool           string // one of the Tool constants
	Version        string // the tool's version, without a leading "v" when it is semantic
	InformationURI string
	Rules          []Rule
	Results        []Result
	Invocation     Invocation

	// Properties are written to the SARIF run's property bag, for facts
	// such as the vulnerability database used and its date.
	Properties map[string]any
}

// Notify appends a notification to the run's invocation.
func (r *Run) Notify(level Level, format string, args ...any) {
	r.Invocation.Notifications = append(r.Invocation.Notifications, Notification{
		Level:   level,
		Message: fmt.Sprintf(format, args...),
	})
}

// Rule returns the rule with the given id, or nil.
func (r *Run) Rule(id string) *Rule {
	for i := range r.Rules {
		if r.Rules[i].ID == id {
			return &r.Rules[i]
		}
	}
	return nil
}

// NotRunError is returned by a scanner that could not start at all. The
// runner records the run with StatusNotRun and shows Fix to the user.
type NotRunError struct {
	Reason string // what is missing, for example "no hadolint binary on PATH and no docker or podman"
	Fix    string // the remedy, for example "install hadolint or a container engine"
}

func (e *NotRunError) Error() string {
	if e.Fix == "" {
		return e.Reason
	}
	return e.Reason + "; " + e.Fix
}

// IsNotRun reports whether err is or wraps a *NotRunError.
func IsNotRun(err error) bool {
	var nr *NotRunError
	return errors.As(err, &nr)
}

// Severity is the band that GitHub code scanning shows for a rule's
// security-severity: critical, high, medium, low or none.
type Severity int

// Severity bands, in increasing order.
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
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name as written by String.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("invalid severity %q; use one of critical, high, medium, low, none", name)
}

// SeverityFromScore maps a security-severity score to GitHub's band: above
// 9.0 critical, 7.0 to 9.0 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
func SeverityFromScore(score float64) Severity {
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

// CapByLevel lowers sev to the highest band that a result of the given
// level can have: note at most low, warning at most medium, none none. An
// error or an empty level leaves sev as it is. It also reports whether it
// lowered sev.
func CapByLevel(sev Severity, level Level) (Severity, bool) {
	limit := SeverityCritical
	switch level {
	case LevelNote:
		limit = SeverityLow
	case LevelWarning:
		limit = SeverityMedium
	case LevelNone:
		limit = SeverityNone
	}
	if sev > limit {
		return limit, true
	}
	return sev, false
}

// SeverityFromLevel maps a SARIF level to the band that GitHub falls back
// to without a security-severity: error high, warning medium, note low.
func SeverityFromLevel(level Level) Severity {
	switch level {
	case LevelError:
		return SeverityHigh
	case LevelWarning:
		return SeverityMedium
	case LevelNote:
		return SeverityLow
	}
	return SeverityNone
}

// SeverityOf returns the band of a result: from its rule's
// security-severity when the rule has one, else from the result's level,
// else the rule's default level, else SARIF's default level "warning", as
// GitHub falls back to the level.
//
// A rule's score is its most severe result's, because GitHub reads the
// severity from the rule only. So a scored result is also capped by its own
// level (see CapByLevel): a govulncheck advisory that one module calls and
// another only requires is high for the first and low for the second.
func (r *Run) SeverityOf(res *Result) Severity {
	rule := r.Rule(res.RuleID)
	if rule != nil && rule.SecuritySeverity > 0 {
		sev, _ := CapByLevel(SeverityFromScore(rule.SecuritySeverity), res.Level)
		return sev
	}
	level := res.Level
	if level == "" && rule != nil {
		level = rule.Level
	}
	if level == "" {
		level = LevelWarning
	}
	return SeverityFromLevel(level)
}
