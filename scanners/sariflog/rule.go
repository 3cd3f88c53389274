package sariflog

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// securityTag is the tag that marks a rule as a security rule on GitHub.
const securityTag = "security"

// cweTagPrefix starts the tags from which GitHub shows a CWE, in lower case.
const cweTagPrefix = "external/cwe/"

// ruleInfo is a converted rule and what result selection needs to know
// about it.
type ruleInfo struct {
	descriptor *sarif.ReportingDescriptor
	severity   float64 // the security-severity written, 0.0 to 10.0
	level      finding.Level
	shortText  string
	index      *uint // the rule's position after sorting; shared by its results
}

// buildRule converts r, recording every truncation in notes.
func buildRule(r finding.Rule, limits Limits, notes *runNotes) *ruleInfo {
	name := truncate(firstNonEmpty(r.Name, r.ID), limits.RuleNameLength)
	if name != firstNonEmpty(r.Name, r.ID) {
		notes.truncatedNames = append(notes.truncatedNames, r.ID)
	}
	shortText := firstNonEmpty(r.ShortDescription, r.Name, r.ID)
	short := truncate(shortText, limits.DescriptionLength)
	if short != shortText {
		notes.truncatedDescriptions = append(notes.truncatedDescriptions, r.ID)
	}
	fullText := firstNonEmpty(r.FullDescription, r.ShortDescription, r.Name, r.ID)
	full := truncate(fullText, limits.DescriptionLength)
	if full != fullText && short == shortText {
		notes.truncatedDescriptions = append(notes.truncatedDescriptions, r.ID)
	}

	helpText := firstNonEmpty(r.HelpText, fullText)
	level := validLevelOr(r.Level, finding.LevelWarning)
	if r.Level != "" && !r.Level.Valid() {
		notes.invalidRuleLevels = append(notes.invalidRuleLevels, r.ID)
	}
	severity, ok := clampSeverity(r.SecuritySeverity)
	if !ok {
		severity = levelSeverity(level)
		notes.invalidSeverities = append(notes.invalidSeverities, r.ID)
	}

	tags, dropped := ruleTags(r.Tags, limits.TagsPerRule)
	if dropped > 0 {
		notes.trimmedTags = append(notes.trimmedTags, fmt.Sprintf("%s (%d)", r.ID, dropped))
	}
	props := sarif.Properties{
		"tags":              tags,
		"security-severity": strconv.FormatFloat(severity, 'f', 1, 64),
	}
	if validPrecision(r.Precision) {
		props["precision"] = r.Precision
	}

	d := &sarif.ReportingDescriptor{
		ID:                   r.ID,
		Name:                 &name,
		ShortDescription:     &sarif.MultiformatMessageString{Text: &short},
		FullDescription:      &sarif.MultiformatMessageString{Text: &full},
		Help:                 &sarif.MultiformatMessageString{Text: &helpText, Markdown: ptr(helpMarkdown(r, helpText))},
		DefaultConfiguration: &sarif.ReportingConfiguration{Level: string(level)},
		Properties:           props,
	}
	if absoluteURI(r.HelpURI) {
		d.HelpURI = ptr(r.HelpURI)
	}
	return &ruleInfo{descriptor: d, severity: severity, level: level, shortText: short}
}

// genericRule describes a rule that results name but the tool did not
// describe. Its severity follows the most severe level of those results.
func genericRule(tool, id string, level finding.Level) finding.Rule {
	return finding.Rule{
		ID:               id,
		Name:             id,
		ShortDescription: fmt.Sprintf("%s rule %s", tool, id),
		FullDescription:  fmt.Sprintf("%s reported results for rule %s without describing the rule.", tool, id),
		Level:            level,
		SecuritySeverity: levelSeverity(level),
		Tags:             []string{securityTag},
	}
}

// helpMarkdown returns the rule's markdown help, or builds it from the text
// and the help URI. GitHub shows help.markdown and never shows helpUri, so
// the link must be in the markdown.
func helpMarkdown(r finding.Rule, helpText string) string {
	if r.HelpMarkdown != "" {
		return r.HelpMarkdown
	}
	if !absoluteURI(r.HelpURI) {
		return helpText
	}
	return fmt.Sprintf("%s\n\n[More information](%s)", helpText, r.HelpURI)
}

// ruleTags returns tags trimmed, deduplicated and sorted, with "security"
// added and CWE tags lower-cased, and how many were dropped to stay within
// max. Dropping keeps "security" and CWE tags first.
func ruleTags(tags []string, max int) ([]string, int) {
	set := map[string]bool{securityTag: true}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(strings.ToLower(t), cweTagPrefix) {
			t = strings.ToLower(t)
		}
		if t != "" {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}

	dropped := 0
	if len(out) > max {
		slices.SortFunc(out, func(a, b string) int {
			return cmp.Or(cmp.Compare(tagPriority(a), tagPriority(b)), strings.Compare(a, b))
		})
		dropped = len(out) - max
		out = out[:max]
	}
	slices.Sort(out)
	return out, dropped
}

func tagPriority(tag string) int {
	switch {
	case tag == securityTag:
		return 0
	case strings.HasPrefix(tag, cweTagPrefix):
		return 1
	}
	return 2
}

// clampSeverity limits s to 0.0-10.0. It returns false for NaN, which
// has no place on the scale.
func clampSeverity(s float64) (float64, bool) {
	if math.IsNaN(s) {
		return 0, false
	}
	return math.Min(math.Max(s, 0), 10), true
}

// levelSeverity maps a level to a security severity for rules without a
// usable one: error to 8.0 (high on GitHub), warning to 5.5 (medium), note
// to 2.0 (low) and none to 0.0.
func levelSeverity(l finding.Level) float64 {
	switch l {
	case finding.LevelError:
		return 8.0
	case finding.LevelWarning:
		return 5.5
	case finding.LevelNote:
		return 2.0
	}
	return 0
}

func levelRank(l finding.Level) int {
	switch l {
	case finding.LevelError:
		return 3
	case finding.LevelWarning:
		return 2
	case finding.LevelNote:
		return 1
	}
	return 0
}

func validLevelOr(l, fallback finding.Level) finding.Level {
	if l.Valid() {
		return l
	}
	return fallback
}

func validPrecision(p string) bool {
	switch p {
	case finding.PrecisionVeryHigh, finding.PrecisionHigh, finding.PrecisionMedium, finding.PrecisionLow:
		return true
	}
	return false
}

// absoluteURI reports whether s is an absolute URI, as the schema's "uri"
// format requires of helpUri and informationUri.
func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}

// truncate shortens s to at most max UTF-16 code units, on a rune
// boundary, ending with an ellipsis when it cut anything. UTF-16 code units
// are how JavaScript counts length, and never fewer than code points.
func truncate(s string, max int) string {
	if utf16Length(s) <= max {
		return s
	}
	const ellipsis = "…" // one code unit
	budget := max - 1
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > budget {
			return strings.TrimRightFunc(s[:i], isSpace) + ellipsis
		}
	}
	return s
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func utf16Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // 1 for each invalid byte, read as U+FFFD
	}
	return n
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func ptr[T any](v T) *T { return &v }
