package sariflog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/validate"
)

// maxListedIDs is how many rule ids a notification lists before "and N
// more".
const maxListedIDs = 10

// runNotes counts what Build changed or dropped in one run, so that each
// change becomes one notification rather than one per rule or result.
type runNotes struct {
	// Rule ids, in the order met.
	duplicateRules        []string
	genericRules          []string
	truncatedNames        []string
	truncatedDescriptions []string
	trimmedTags           []string // "ID (count)"
	invalidSeverities     []string
	invalidRuleLevels     []string

	rulesWithoutID int

	// Result counts.
	invalidLevels       int
	withoutLocation     int
	outsideRepository   int
	trimmedCodeFlows    int
	invalidSuppressions int
	invalidBaselines    int
	droppedProperties   int

	// Limits.
	resultsOverLimit int // dropped for Limits.ResultsPerRun
	rulesOverLimit   int // dropped for Limits.RulesPerRun
	resultsOfDropped int // results dropped with those rules
	resultsForSize   int // dropped for Limits.CompressedBytes
	runPropsDropped  []string
}

// notifications renders the notes in a fixed order. results is the
// number of results written.
func (n *runNotes) notifications(tool string, limits Limits, results int) []*sarif.Notification {
	var out []*sarif.Notification
	add := func(level finding.Level, format string, args ...any) {
		out = append(out, notification(level, fmt.Sprintf(format, args...)))
	}

	if len(n.duplicateRules) > 0 {
		add(finding.LevelWarning, "%s described these rules more than once; the first description of each was kept: %s.", tool, listIDs(n.duplicateRules))
	}
	if n.rulesWithoutID > 0 {
		add(finding.LevelWarning, "Left out %s without an id.", count(n.rulesWithoutID, "rule"))
	}
	if len(n.genericRules) > 0 {
		add(finding.LevelWarning, "%s reported results for rules it did not describe; they were given generic rule metadata: %s.", tool, listIDs(n.genericRules))
	}
	if len(n.truncatedNames) > 0 {
		add(finding.LevelNote, "Rule names longer than GitHub's limit of %d characters were truncated: %s.", limits.RuleNameLength, listIDs(n.truncatedNames))
	}
	if len(n.truncatedDescriptions) > 0 {
		add(finding.LevelNote, "Rule descriptions longer than GitHub's limit of %d characters were truncated: %s.", limits.DescriptionLength, listIDs(n.truncatedDescriptions))
	}
	if len(n.trimmedTags) > 0 {
		add(finding.LevelNote, "Rules with more than GitHub's limit of %d tags lost their least important tags (rule, tags dropped): %s.", limits.TagsPerRule, listIDs(n.trimmedTags))
	}
	if len(n.invalidRuleLevels) > 0 {
		add(finding.LevelWarning, "Rules with an invalid default level were given the level warning: %s.", listIDs(n.invalidRuleLevels))
	}
	if len(n.invalidSeverities) > 0 {
		add(finding.LevelWarning, "Rules had a security severity that is not a number; it was derived from their level: %s.", listIDs(n.invalidSeverities))
	}

	n.resultNotifications(add, limits)
	n.limitNotifications(add, limits)
	if results > validate.StoredResultsPerRun {
		add(finding.LevelNote, "The run has %d results; GitHub code scanning stores only the %d most severe.", results, validate.StoredResultsPerRun)
	}
	return out
}

func (n *runNotes) resultNotifications(add func(finding.Level, string, ...any), limits Limits) {
	if n.invalidLevels > 0 {
		add(finding.LevelWarning, "Gave %s with an invalid level the level of the rule.", count(n.invalidLevels, "result"))
	}
	if n.withoutLocation > 0 {
		add(finding.LevelWarning, "Left out %s without a file location, because GitHub code scanning rejects a result without one.", count(n.withoutLocation, "result"))
	}
	if n.outsideRepository > 0 {
		add(finding.LevelWarning, "Found %s outside the repository; GitHub code scanning cannot show them in a file.", count(n.outsideRepository, "result"))
	}
	if n.trimmedCodeFlows > 0 {
		add(finding.LevelNote, "Cut the code flows of %s to GitHub's limit of %d steps per result.", count(n.trimmedCodeFlows, "result"), limits.ThreadFlowLocations)
	}
	if n.invalidSuppressions > 0 {
		add(finding.LevelNote, "Wrote %s with a kind other than inSource or external as external.", count(n.invalidSuppressions, "suppression"))
	}
	if n.invalidBaselines > 0 {
		add(finding.LevelNote, "Left out the invalid baseline state of %s.", count(n.invalidBaselines, "result"))
	}
	if n.droppedProperties > 0 {
		add(finding.LevelWarning, "Left out %s that cannot be written as JSON.", count(n.droppedProperties, "result property", "result properties"))
	}
	if len(n.runPropsDropped) > 0 {
		add(finding.LevelWarning, "Run properties that could not be written as JSON were left out: %s.", strings.Join(n.runPropsDropped, ", "))
	}
}

func (n *runNotes) limitNotifications(add func(finding.Level, string, ...any), limits Limits) {
	if n.rulesOverLimit > 0 {
		add(finding.LevelError, "Dropped %s, least severe first, with their %s: the run had more rules than GitHub's limit of %d.", count(n.rulesOverLimit, "rule"), count(n.resultsOfDropped, "result"), limits.RulesPerRun)
	}
	if n.resultsOverLimit > 0 {
		add(finding.LevelError, "Dropped %s, least severe first: the run had more results than GitHub's limit of %d.", count(n.resultsOverLimit, "result"), limits.ResultsPerRun)
	}
	if n.resultsForSize > 0 {
		add(finding.LevelError, "Dropped %s of this run, least severe first: the gzip-compressed SARIF log was above %d bytes, and GitHub rejects uploads above 10 MB.", count(n.resultsForSize, "result"), limits.CompressedBytes)
	}
}

func notification(level finding.Level, text string) *sarif.Notification {
	return &sarif.Notification{Level: string(level), Message: &sarif.Message{Text: &text}}
}

// listIDs joins ids, sorted, listing at most maxListedIDs.
func listIDs(ids []string) string {
	sorted := slices.Sorted(slices.Values(ids))
	sorted = slices.Compact(sorted)
	if len(sorted) <= maxListedIDs {
		return strings.Join(sorted, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(sorted[:maxListedIDs], ", "), len(sorted)-maxListedIDs)
}

// count formats n with the singular or plural noun; the plural defaults to
// the singular with "s".
func count(n int, singular string, plural ...string) string {
	if n == 1 {
		return "1 " + singular
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, singular)
}
