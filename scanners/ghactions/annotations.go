package ghactions

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// MaxPerType is the maximum number of annotations of each type that GitHub
// shows for one step. It drops the rest without a trace.
const MaxPerType = 10

// Bounds that keep one annotation readable. GitHub documents no limit on
// the message of a workflow command, so these are secscan's own choice.
const (
	maxTitleRunes   = 200
	maxMessageRunes = 1000
)

// candidate is an active result with the values that order it.
type candidate struct {
	run      *finding.Run
	result   *finding.Result
	severity finding.Severity
	score    float64 // the rule's security-severity, 0 when it has none
}

// Annotations returns the annotations for a scan: one for each scanner
// that failed (error) or did not run (warning), then the most severe active
// results of runs, skipping suppressed results and results that the
// baseline marks absent. It keeps at most MaxPerType of each type. When it
// leaves anything out, it keeps one notice fewer and ends with a notice that
// counts what it left out, so that the count itself is shown.
func Annotations(runs []*finding.Run) []Annotation {
	byType := map[AnnotationType][]Annotation{}
	for _, run := range runs {
		if a, ok := scannerAnnotation(run); ok {
			byType[a.Type] = append(byType[a.Type], a)
		}
	}
	for _, c := range candidates(runs) {
		a := resultAnnotation(c)
		byType[a.Type] = append(byType[a.Type], a)
	}

	omitted := map[AnnotationType]int{}
	for _, t := range []AnnotationType{TypeError, TypeWarning, TypeNotice} {
		if n := len(byType[t]) - MaxPerType; n > 0 {
			omitted[t] = n
		}
	}
	if len(omitted) > 0 && len(byType[TypeNotice]) >= MaxPerType {
		// Make room for the closing notice.
		omitted[TypeNotice] = len(byType[TypeNotice]) - (MaxPerType - 1)
	}

	var out []Annotation
	for _, t := range []AnnotationType{TypeError, TypeWarning, TypeNotice} {
		list := byType[t]
		out = append(out, list[:len(list)-omitted[t]]...)
	}
	if len(omitted) > 0 {
		out = append(out, omittedNotice(omitted))
	}
	return out
}

// WriteAnnotations writes the annotations of runs to w, one command a line.
// The runner reads workflow commands from both standard output and
// standard error.
func WriteAnnotations(w io.Writer, runs []*finding.Run) error {
	var b strings.Builder
	for _, a := range Annotations(runs) {
		b.WriteString(a.String())
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// candidates returns the active results of runs, most severe first: by
// severity band, then by the rule's security-severity, then by location.
func candidates(runs []*finding.Run) []candidate {
	var list []candidate
	for _, run := range runs {
		for i := range run.Results {
			res := &run.Results[i]
			if len(res.Suppressions) > 0 || res.BaselineState == "absent" {
				continue
			}
			c := candidate{run: run, result: res, severity: run.SeverityOf(res)}
			if rule := run.Rule(res.RuleID); rule != nil {
				c.score = rule.SecuritySeverity
			}
			list = append(list, c)
		}
	}
	slices.SortStableFunc(list, func(a, b candidate) int {
		if c := cmp.Compare(b.severity, a.severity); c != 0 {
			return c
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.result.Location.Path, b.result.Location.Path); c != 0 {
			return c
		}
		return cmp.Compare(a.result.Location.StartLine, b.result.Location.StartLine)
	})
	return list
}

// typeOf maps a severity band to an annotation type.
func typeOf(s finding.Severity) AnnotationType {
	switch {
	case s >= finding.SeverityHigh:
		return TypeError
	case s == finding.SeverityMedium:
		return TypeWarning
	}
	return TypeNotice
}

func resultAnnotation(c candidate) Annotation {
	res := c.result
	title := fmt.Sprintf("%s %s (%s)", c.run.Tool, res.RuleID, c.severity)
	if rule := c.run.Rule(res.RuleID); rule != nil && rule.ShortDescription != "" {
		title += ": " + rule.ShortDescription
	}
	a := Annotation{
		Type:    typeOf(c.severity),
		File:    res.Location.Path,
		Title:   truncateRunes(title, maxTitleRunes),
		Message: truncateRunes(strings.TrimSpace(res.Message), maxMessageRunes),
	}
	if a.Message == "" {
		a.Message = res.RuleID
	}
	if a.File != "" {
		loc := res.Location
		a.Line = max(loc.StartLine, 1)
		if loc.EndLine > a.Line {
			a.EndLine = loc.EndLine
		}
		// GitHub's check run annotations take columns only when the
		// annotation starts and ends on the same line.
		if a.EndLine == 0 && loc.StartColumn > 0 {
			a.Column = loc.StartColumn
			if loc.EndColumn > loc.StartColumn {
				a.EndColumn = loc.EndColumn
			}
		}
	}
	return a
}

// scannerAnnotation reports a scanner that failed or did not run, with the
// reason from its first error or warning notification.
func scannerAnnotation(run *finding.Run) (Annotation, bool) {
	var a Annotation
	switch run.Invocation.Status {
	case finding.StatusFailed:
		a = Annotation{Type: TypeError, Title: "secscan: " + run.Tool + " failed"}
	case finding.StatusNotRun:
		a = Annotation{Type: TypeWarning, Title: "secscan: " + run.Tool + " did not run"}
	default:
		return Annotation{}, false
	}
	a.Message = run.Tool + " did not finish, so its results are missing or incomplete."
	for _, n := range run.Invocation.Notifications {
		if n.Level == finding.LevelError || n.Level == finding.LevelWarning {
			a.Message = truncateRunes(strings.TrimSpace(n.Message), maxMessageRunes)
			break
		}
	}
	return a, true
}

func omittedNotice(omitted map[AnnotationType]int) Annotation {
	total := omitted[TypeError] + omitted[TypeWarning] + omitted[TypeNotice]
	return Annotation{
		Type:  TypeNotice,
		Title: "secscan: annotations left out",
		Message: fmt.Sprintf("%d left out (%d errors, %d warnings, %d notices): GitHub shows at most %d annotations "+
			"of each type per step. The job summary and the code scanning alerts list every finding.",
			total, omitted[TypeError], omitted[TypeWarning], omitted[TypeNotice], MaxPerType),
	}
}

// truncateRunes shortens s to at most n runes, marking the cut with "…".
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
