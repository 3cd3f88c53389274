package sariflog

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// toolOrder is the order of runs in the log; other tools follow by name.
var toolOrder = []string{finding.ToolGosec, finding.ToolGovulncheck, finding.ToolTrivy, finding.ToolHadolint}

// Build merges runs into one SARIF 2.1.0 log with one run per tool, and
// enforces GitHub's limits as the package documentation describes.
//
// Build reads runs and does not change them. It returns an error when no
// trimming can make the runs a log that GitHub accepts. That is the case
// for a nil run, a run without a tool name, a tool named CodeQL, two runs
// of one tool, more runs than Limits.Runs, and a log above
// Limits.CompressedBytes with no results left to drop.
func Build(runs []*finding.Run, opts Options) (*sarif.Report, error) {
	limits := opts.Limits.withDefaults()
	ordered, err := orderRuns(runs, limits.Runs)
	if err != nil {
		return nil, err
	}

	// Runs are independent until the compressed size is checked, so they
	// are converted concurrently.
	builders := make([]*runBuilder, len(ordered))
	var wg sync.WaitGroup
	for i, r := range ordered {
		wg.Go(func() { builders[i] = newRunBuilder(r, limits) })
	}
	wg.Wait()
	return fitCompressedSize(builders, limits)
}

// orderRuns checks runs and returns them in the log's order.
func orderRuns(runs []*finding.Run, maxRuns int) ([]*finding.Run, error) {
	seen := make(map[string]bool, len(runs))
	for i, r := range runs {
		switch {
		case r == nil:
			return nil, fmt.Errorf("run %d is nil", i)
		case strings.TrimSpace(r.Tool) == "":
			return nil, fmt.Errorf("run %d has no tool name: set finding.Run.Tool", i)
		case r.Tool == "CodeQL":
			return nil, fmt.Errorf("run %d: tool name %q is reserved for GitHub's own analysis: rename the tool", i, r.Tool)
		case seen[categoryName(r.Tool)]:
			return nil, fmt.Errorf("two runs for tool %q: merge them into one run, since GitHub rejects two runs of one tool and category", r.Tool)
		}
		seen[categoryName(r.Tool)] = true
	}
	if len(runs) > maxRuns {
		return nil, fmt.Errorf("%d runs, above GitHub's limit of %d per SARIF file: split the tools over several files", len(runs), maxRuns)
	}

	ordered := slices.Clone(runs)
	slices.SortFunc(ordered, func(a, b *finding.Run) int {
		return cmp.Or(cmp.Compare(toolRank(a.Tool), toolRank(b.Tool)), strings.Compare(a.Tool, b.Tool))
	})
	return ordered, nil
}

func toolRank(tool string) int {
	if i := slices.Index(toolOrder, tool); i >= 0 {
		return i
	}
	return len(toolOrder)
}

// categoryName is the tool's part of automationDetails.id and of its
// report file name: the name in lower case, with any character other than
// a letter, digit, "-", "_" or "." replaced by "-".
func categoryName(tool string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, strings.ToLower(strings.TrimSpace(tool)))
}

// runBuilder converts one finding.Run and keeps what later limits need.
type runBuilder struct {
	src     *finding.Run
	limits  Limits
	rules   []*ruleInfo // sorted by id
	entries []*entry    // in the deterministic order, dropped ones removed
	notes   runNotes
	props   sarif.Properties
	srcRoot string
	levels  map[finding.Level]*string
}

func newRunBuilder(src *finding.Run, limits Limits) *runBuilder {
	b := &runBuilder{src: src, limits: limits, srcRoot: srcRoot, levels: make(map[finding.Level]*string, 4)}
	byID := b.buildRules()
	b.buildResults(byID)
	b.applyRuleLimit()
	sortEntries(b.entries)
	b.applyResultLimit()
	b.setRuleIndexes()
	if len(src.Properties) > 0 {
		b.props, b.notes.runPropsDropped = sanitizeProperties(src.Properties)
	}
	return b
}

// buildRules converts the run's rules, keeping the first of duplicate ids.
func (b *runBuilder) buildRules() map[string]*ruleInfo {
	byID := make(map[string]*ruleInfo, len(b.src.Rules))
	for _, r := range b.src.Rules {
		if strings.TrimSpace(r.ID) == "" {
			// No result can name it; results without a rule id get a
			// generic rule.
			b.notes.rulesWithoutID++
			continue
		}
		if _, dup := byID[r.ID]; dup {
			b.notes.duplicateRules = append(b.notes.duplicateRules, r.ID)
			continue
		}
		byID[r.ID] = buildRule(r, b.limits, &b.notes)
	}
	return byID
}

// buildResults converts the run's results, first adding a generic rule for
// each rule id that the tool did not describe.
func (b *runBuilder) buildResults(byID map[string]*ruleInfo) {
	missing := make(map[string]finding.Level)
	for i := range b.src.Results {
		r := &b.src.Results[i]
		id := ruleID(r)
		if _, ok := byID[id]; ok {
			continue
		}
		level := validLevelOr(r.Level, finding.LevelWarning)
		if old, ok := missing[id]; !ok || levelRank(level) > levelRank(old) {
			missing[id] = level
		}
	}
	for _, id := range slices.Sorted(maps.Keys(missing)) {
		b.notes.genericRules = append(b.notes.genericRules, id)
		byID[id] = buildRule(genericRule(b.src.Tool, id, missing[id]), b.limits, &b.notes)
	}

	// Building the results in their sorted order places each one's parts
	// next to the previous one's in memory, which speeds up encoding.
	pending := b.pendingResults(byID)
	order := make([]*pendingResult, len(pending))
	for i := range pending {
		order[i] = &pending[i]
	}
	slices.SortFunc(order, func(x, y *pendingResult) int { return compareKeys(&x.key, &y.key) })
	textSize := 0
	for i := range pending {
		textSize += pending[i].textSize()
	}
	slab := newResultSlab(len(pending), textSize)
	b.entries = make([]*entry, len(pending))
	for i, p := range order {
		b.entries[i] = b.buildResult(p, slab)
	}

	b.rules = make([]*ruleInfo, 0, len(byID))
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		b.rules = append(b.rules, byID[id])
	}
}

// unnamedRuleID is the rule id of results that have none.
const unnamedRuleID = "unnamed"

func ruleID(r *finding.Result) string {
	if strings.TrimSpace(r.RuleID) == "" {
		return unnamedRuleID
	}
	return r.RuleID
}

// setRuleIndexes points every result at its rule's position. It runs after
// the rules are sorted and trimmed, so the index names the right rule.
func (b *runBuilder) setRuleIndexes() {
	for i, r := range b.rules {
		r.index = ptr(uint(i))
	}
	for _, e := range b.entries {
		e.result.RuleIndex = e.rule.index
	}
}

// sortEntries sorts results into the deterministic order and numbers them.
func sortEntries(entries []*entry) {
	slices.SortFunc(entries, compareEntries)
	for i, e := range entries {
		e.pos = i
	}
}

func compareEntries(a, b *entry) int {
	if c := compareKeys(&a.key, &b.key); c != 0 {
		return c
	}
	// Equal keys but possibly different content: order by the serialized
	// result, so that the input order never shows in the output.
	return strings.Compare(serialized(a.result), serialized(b.result))
}

func serialized(r *sarif.Result) string {
	data, _ := json.Marshal(resultJSON{Result: r, Suppressions: suppressionsJSON(r.Suppressions)})
	return string(data)
}

// sarifRun assembles the SARIF run from the builder's current state.
func (b *runBuilder) sarifRun() *sarif.Run {
	descriptors := make([]*sarif.ReportingDescriptor, len(b.rules))
	for i, r := range b.rules {
		descriptors[i] = r.descriptor
	}
	results := make([]*sarif.Result, len(b.entries))
	for i, e := range b.entries {
		results[i] = e.result
	}

	run := &sarif.Run{
		Tool:              sarif.Tool{Driver: b.driver(descriptors)},
		Invocations:       []*sarif.Invocation{b.invocation()},
		Results:           results,
		AutomationDetails: &sarif.RunAutomationDetails{ID: ptr("secscan/" + categoryName(b.src.Tool) + "/")},
		OriginalUriBaseIDs: map[string]*sarif.ArtifactLocation{
			srcRoot: {Description: &sarif.Message{Text: ptr("The root of the scanned repository. Every result URI is relative to it.")}},
		},
	}
	run.Properties = b.props
	return run
}

func (b *runBuilder) driver(rules []*sarif.ReportingDescriptor) *sarif.ToolComponent {
	d := &sarif.ToolComponent{Name: b.src.Tool, Rules: rules}
	if v := strings.TrimSpace(b.src.Version); v != "" {
		d.Version = ptr(v)
		if sv, ok := semanticVersion(v); ok {
			d.SemanticVersion = ptr(sv)
		}
	}
	if absoluteURI(b.src.InformationURI) {
		d.InformationURI = ptr(b.src.InformationURI)
	}
	return d
}

// semverPattern is the regular expression that semver.org gives for
// Semantic Versioning 2.0.0.
var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// semanticVersion returns v without a leading "v" when it is a semantic
// version, as SARIF's semanticVersion requires.
func semanticVersion(v string) (string, bool) {
	v = strings.TrimPrefix(v, "v")
	return v, semverPattern.MatchString(v)
}

// invocation describes how the tool ran, with the tool's notifications
// first and then the writer's.
func (b *runBuilder) invocation() *sarif.Invocation {
	src := b.src.Invocation
	inv := &sarif.Invocation{ExecutionSuccessful: ptr(src.Status == finding.StatusOK)}
	if src.Status != finding.StatusNotRun {
		inv.ExitCode = ptr(src.ExitCode)
	}
	if !src.Start.IsZero() {
		inv.StartTimeUTC = ptr(src.Start.UTC())
	}
	if !src.End.IsZero() {
		inv.EndTimeUTC = ptr(src.End.UTC())
	}
	if src.CommandLine != "" {
		inv.CommandLine = ptr(src.CommandLine)
	}

	var notes []*sarif.Notification
	for _, n := range src.Notifications {
		if strings.TrimSpace(n.Message) == "" {
			continue
		}
		notes = append(notes, notification(validLevelOr(n.Level, finding.LevelWarning), n.Message))
	}
	if n := statusNotification(b.src.Tool, src.Status); n != nil {
		notes = append(notes, n)
	}
	notes = append(notes, b.notes.notifications(b.src.Tool, b.limits, len(b.entries))...)
	inv.ToolExecutionNotifications = notes
	return inv
}

// statusNotification states what an unsuccessful run means for GitHub,
// which closes the alerts of a tool and category that an upload lacks.
func statusNotification(tool string, status finding.Status) *sarif.Notification {
	switch status {
	case finding.StatusOK:
		return nil
	case finding.StatusNotRun:
		return notification(finding.LevelError, fmt.Sprintf(
			"%s did not run, so its results are missing. Uploading this run makes GitHub code scanning close the tool's open alerts.", tool))
	case finding.StatusFailed:
		return notification(finding.LevelError, fmt.Sprintf(
			"%s failed, so its results are partial. Uploading this run makes GitHub code scanning close the tool's alerts that it lacks.", tool))
	}
	return notification(finding.LevelError, fmt.Sprintf("%s ended with the unknown status %q; its results may be partial.", tool, status))
}

// assemble builds the log from the builders' current state.
func assemble(builders []*runBuilder) (*sarif.Report, error) {
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, fmt.Errorf("creating the SARIF log: %w", err)
	}
	report.Runs = make([]*sarif.Run, len(builders))
	for i, b := range builders {
		report.Runs[i] = b.sarifRun()
	}
	return report, nil
}
