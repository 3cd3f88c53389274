package gosec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/securego/gosec/v2"
	"github.com/securego/gosec/v2/issue"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
)

// report is the output of gosec for one module: its issues, and the errors
// it met while loading and checking packages, keyed by absolute file path
// as in the "Golang errors" object of gosec's JSON report.
type report struct {
	Issues []*issue.Issue
	Errors map[string][]gosec.Error
}

// normalized is a report in secscan's model.
type normalized struct {
	Results []finding.Result
	// Problems are load and analysis errors, each with a repo-relative
	// position where gosec gave one. Any problem makes the results partial.
	Problems []string
	// Notes are facts about the conversion, such as results dropped
	// because they are outside the scanned root.
	Notes []string
	// Worst is the rating of the most severe result of each rule.
	Worst map[string]rating
}

// normalize converts a gosec report to results relative to root, dropping
// results whose path matches an exclude glob. gosec's code snippet is never
// copied, because it contains the flagged line and so any hard-coded secret.
func normalize(root string, rep report, exclude []string, cols *gomod.Columns) normalized {
	out := normalized{Worst: map[string]rating{}}
	for _, is := range rep.Issues {
		rel, err := gomod.RelPath(root, is.File)
		if err != nil {
			out.Notes = append(out.Notes, fmt.Sprintf("dropped a %s result in %s, which is outside the scanned root", is.RuleID, is.File))
			continue
		}
		if gomod.Excluded(rel, exclude) {
			continue
		}
		out.Results = append(out.Results, convertIssue(is, rel, cols))
		r := rate(is.Severity, is.Confidence)
		if old, ok := out.Worst[is.RuleID]; !ok || r.Score > old.Score {
			out.Worst[is.RuleID] = r
		}
	}
	sortResults(out.Results)

	files := make([]string, 0, len(rep.Errors))
	for file := range rep.Errors {
		files = append(files, file)
	}
	sort.Strings(files)
	for _, file := range files {
		name := file
		if rel, err := gomod.RelPath(root, file); err == nil {
			name = rel
		}
		for _, e := range rep.Errors[file] {
			out.Problems = append(out.Problems, formatError(name, e))
		}
	}
	return out
}

func convertIssue(is *issue.Issue, rel string, cols *gomod.Columns) finding.Result {
	start, end := parseLines(is.Line)
	col, _ := strconv.Atoi(is.Col)
	if col > 0 && start > 0 {
		col = cols.UTF16(is.File, start, col)
	}
	r := rate(is.Severity, is.Confidence)

	msg := strings.TrimSpace(is.What)
	if msg == "" {
		msg = "gosec rule " + is.RuleID + " matched"
	}
	props := map[string]any{
		"severity":   is.Severity.String(),
		"confidence": is.Confidence.String(),
	}
	if w := is.Cwe; w != nil {
		props["cwe"] = w.SprintID()
	} else if w := weakness(is.RuleID); w != nil {
		props["cwe"] = w.SprintID()
	}

	res := finding.Result{
		RuleID:     is.RuleID,
		Level:      r.Level,
		Message:    msg,
		Location:   finding.Location{Path: rel, StartLine: start, StartColumn: col, EndLine: end},
		Properties: props,
	}
	for _, s := range is.Suppressions {
		res.Suppressions = append(res.Suppressions, finding.Suppression{Kind: s.Kind, Justification: s.Justification})
	}
	return res
}

// parseLines reads gosec's line field, "12" or "12-14". An unreadable field
// gives 0, which means unknown.
func parseLines(field string) (start, end int) {
	first, last, found := strings.Cut(field, "-")
	start, _ = strconv.Atoi(strings.TrimSpace(first))
	if found {
		end, _ = strconv.Atoi(strings.TrimSpace(last))
	}
	if end < start {
		end = start
	}
	return start, end
}

func formatError(name string, e gosec.Error) string {
	pos := name
	if e.Line > 0 {
		pos += ":" + strconv.Itoa(e.Line)
		if e.Column > 0 {
			pos += ":" + strconv.Itoa(e.Column)
		}
	}
	return pos + ": " + e.Err
}

func sortResults(rs []finding.Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i].Location, rs[j].Location
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.StartColumn != b.StartColumn {
			return a.StartColumn < b.StartColumn
		}
		return rs[i].RuleID < rs[j].RuleID
	})
}

// buildRules returns the rules of worst, sorted by id. A rule's level,
// security-severity and precision are those of its most severe result,
// because GitHub reads severity from the rule and not from the result.
func buildRules(worst map[string]rating, version string, titles map[string]string) []finding.Rule {
	ids := make([]string, 0, len(worst))
	for id := range worst {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	rules := make([]finding.Rule, 0, len(ids))
	for _, id := range ids {
		rule := newRule(id, version, titles[id])
		r := worst[id]
		rule.Level, rule.SecuritySeverity, rule.Precision = r.Level, r.Score, r.Precision
		rules = append(rules, rule)
	}
	return rules
}
