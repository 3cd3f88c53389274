package policy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/policy/glob"
)

// SARIF baselineState values that Compare sets.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
	BaselineAbsent    = "absent"
)

// FingerprintKey is the partialFingerprints key of secscan's own
// line-independent fingerprint.
const FingerprintKey = "secscan/v1"

// lineHashKey is the partialFingerprints key of GitHub's line hash.
const lineHashKey = "primaryLocationLineHash"

// Baseline holds the results of an earlier scan, read from its SARIF log,
// for example the report of the default branch.
type Baseline struct {
	File string
	runs map[string]*baselineRun // by driver name
}

type baselineRun struct {
	rules   map[string]finding.Rule
	results []baselineResult
}

type baselineResult struct {
	ruleID      string
	level       finding.Level
	message     string
	path        string
	line        int
	fingerprint string
	lineHash    string
}

// The SARIF structs below hold only what a baseline needs. Reading into
// them with encoding/json accepts logs that stricter readers reject, such
// as gosec's own with its date-only releaseDateUtc.
type sarifLog struct {
	Runs *[]sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool struct {
		Driver struct {
			Name  string      `json:"name"`
			Rules []sarifRule `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string     `json:"id"`
	Name                 string     `json:"name"`
	ShortDescription     *sarifText `json:"shortDescription"`
	FullDescription      *sarifText `json:"fullDescription"`
	Help                 *sarifText `json:"help"`
	HelpURI              string     `json:"helpUri"`
	DefaultConfiguration *struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Rule      *struct {
		ID    string `json:"id"`
		Index *int   `json:"index"`
	} `json:"rule"`
	Level     string    `json:"level"`
	Message   sarifText `json:"message"`
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation *struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState"`
}

// ReadBaseline reads the SARIF log name as a baseline.
func ReadBaseline(name string) (*Baseline, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	return ParseBaseline(name, data)
}

// ParseBaseline reads a SARIF log as a baseline. Results that the log
// itself marks absent are skipped, because they were not found by that
// scan.
func ParseBaseline(name string, data []byte) (*Baseline, error) {
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		return nil, fmt.Errorf("baseline %s is not a SARIF log: %w", name, err)
	}
	if log.Runs == nil {
		return nil, fmt.Errorf("baseline %s is not a SARIF log: it has no runs array", name)
	}

	b := &Baseline{File: name, runs: map[string]*baselineRun{}}
	for i, run := range *log.Runs {
		tool := run.Tool.Driver.Name
		if tool == "" {
			return nil, fmt.Errorf("baseline %s: run %d has no tool.driver.name", name, i)
		}
		br := b.runs[tool]
		if br == nil {
			br = &baselineRun{rules: map[string]finding.Rule{}}
			b.runs[tool] = br
		}
		for _, r := range run.Tool.Driver.Rules {
			if r.ID != "" {
				br.rules[r.ID] = ruleFromSARIF(r)
			}
		}
		for _, r := range run.Results {
			if r.BaselineState == BaselineAbsent {
				continue
			}
			br.results = append(br.results, resultFromSARIF(r, run.Tool.Driver.Rules))
		}
	}
	return b, nil
}

func resultFromSARIF(r sarifResult, rules []sarifRule) baselineResult {
	out := baselineResult{
		ruleID:      r.RuleID,
		level:       finding.Level(r.Level),
		message:     r.Message.Text,
		fingerprint: r.PartialFingerprints[FingerprintKey],
		lineHash:    r.PartialFingerprints[lineHashKey],
	}
	index := r.RuleIndex
	if r.Rule != nil {
		if out.ruleID == "" {
			out.ruleID = r.Rule.ID
		}
		if index == nil {
			index = r.Rule.Index
		}
	}
	if out.ruleID == "" && index != nil && *index >= 0 && *index < len(rules) {
		out.ruleID = rules[*index].ID
	}
	if len(r.Locations) > 0 && r.Locations[0].PhysicalLocation != nil {
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation != nil {
			out.path = uriPath(loc.ArtifactLocation.URI)
		}
		if loc.Region != nil {
			out.line = loc.Region.StartLine
		}
	}
	return out
}

// uriPath turns a SARIF artifact URI into a repository-relative path as far
// as it can without knowing the checkout: it drops a file: scheme and a
// leading "./", and decodes percent escapes.
func uriPath(uri string) string {
	uri = strings.TrimPrefix(uri, "file://")
	uri = strings.TrimPrefix(uri, "file:")
	uri = strings.TrimPrefix(uri, "./")
	if decoded, err := url.PathUnescape(uri); err == nil {
		return decoded
	}
	return uri
}

func ruleFromSARIF(r sarifRule) finding.Rule {
	rule := finding.Rule{ID: r.ID, Name: r.Name, HelpURI: r.HelpURI}
	if r.ShortDescription != nil {
		rule.ShortDescription = r.ShortDescription.Text
	}
	if r.FullDescription != nil {
		rule.FullDescription = r.FullDescription.Text
	}
	if r.Help != nil {
		rule.HelpText, rule.HelpMarkdown = r.Help.Text, r.Help.Markdown
	}
	if r.DefaultConfiguration != nil {
		rule.Level = finding.Level(r.DefaultConfiguration.Level)
	}
	switch v := r.Properties["security-severity"].(type) {
	case string:
		rule.SecuritySeverity, _ = strconv.ParseFloat(v, 64)
	case float64:
		rule.SecuritySeverity = v
	}
	if p, ok := r.Properties["precision"].(string); ok {
		rule.Precision = p
	}
	if tags, ok := r.Properties["tags"].([]any); ok {
		for _, t := range tags {
			if s, ok := t.(string); ok {
				rule.Tags = append(rule.Tags, s)
			}
		}
	}
	return rule
}

// BaselineCounts summarizes a comparison with a baseline.
type BaselineCounts struct {
	File      string
	New       int
	Unchanged int
	Absent    int
}

// compare sets the BaselineState of every result in runs and appends the
// baseline's results that the scan no longer has, as results with state
// "absent".
//
// A result is unchanged when the baseline has an unmatched result of the
// same tool with the same secscan/v1 fingerprint. When either side lacks
// that fingerprint, the rule id, path and primaryLocationLineHash must all
// be equal instead. Absent results are added only for tools whose run
// completed (status ok), because a failed scanner's missing results prove
// nothing, and not for baseline results in paths that the policy now
// excludes for that tool.
func (b *Baseline) compare(runs []*finding.Run, exclude func(tool string) []string) BaselineCounts {
	counts := BaselineCounts{File: b.File}
	for _, run := range runs {
		base := b.runs[run.Tool]
		if base == nil {
			base = &baselineRun{}
		}
		m := newBaselineMatcher(base.results)
		for i := range run.Results {
			r := &run.Results[i]
			if r.BaselineState == BaselineAbsent {
				continue
			}
			if m.take(r) {
				r.BaselineState = BaselineUnchanged
				counts.Unchanged++
			} else {
				r.BaselineState = BaselineNew
				counts.New++
			}
		}
		if run.Invocation.Status != finding.StatusOK {
			continue
		}
		globs := exclude(run.Tool)
		for j, old := range base.results {
			if m.used[j] || excluded(globs, old.path) {
				continue
			}
			counts.Absent++
			appendAbsent(run, base, old)
		}
	}
	return counts
}

func excluded(globs []string, path string) bool {
	for _, g := range globs {
		if glob.Match(g, path) {
			return true
		}
	}
	return false
}

// appendAbsent adds a baseline result to run with state "absent", and its
// rule when run lacks it, so that the SARIF writer can describe it.
func appendAbsent(run *finding.Run, base *baselineRun, old baselineResult) {
	run.Results = append(run.Results, finding.Result{
		RuleID:        old.ruleID,
		Level:         old.level,
		Message:       old.message,
		Location:      finding.Location{Path: old.path, StartLine: old.line},
		LineHash:      old.lineHash,
		Fingerprint:   old.fingerprint,
		BaselineState: BaselineAbsent,
	})
	if run.Rule(old.ruleID) != nil {
		return
	}
	rule, ok := base.rules[old.ruleID]
	if !ok {
		rule = finding.Rule{ID: old.ruleID}
	}
	if rule.ShortDescription == "" {
		rule.ShortDescription = old.ruleID
	}
	run.Rules = append(run.Rules, rule)
}

// baselineMatcher pairs current results with baseline results. The used
// flags let each baseline result pair with one current result at most.
type baselineMatcher struct {
	used      []bool
	byFP      map[string][]int // fingerprint to baseline results
	byLoc     map[string][]int // rule, path and line hash to every baseline result
	byLocNoFP map[string][]int // the same, for baseline results without a fingerprint
}

func locationKey(ruleID, path, lineHash string) string {
	return ruleID + "\x00" + path + "\x00" + lineHash
}

func newBaselineMatcher(results []baselineResult) *baselineMatcher {
	m := &baselineMatcher{
		used:      make([]bool, len(results)),
		byFP:      map[string][]int{},
		byLoc:     map[string][]int{},
		byLocNoFP: map[string][]int{},
	}
	for i, r := range results {
		if r.fingerprint != "" {
			m.byFP[r.fingerprint] = append(m.byFP[r.fingerprint], i)
		}
		if r.lineHash == "" {
			continue
		}
		key := locationKey(r.ruleID, r.path, r.lineHash)
		m.byLoc[key] = append(m.byLoc[key], i)
		if r.fingerprint == "" {
			m.byLocNoFP[key] = append(m.byLocNoFP[key], i)
		}
	}
	return m
}

// take marks the first unused baseline result that matches r as used and
// reports whether there was one.
func (m *baselineMatcher) take(r *finding.Result) bool {
	if r.Fingerprint != "" && m.takeFrom(m.byFP[r.Fingerprint]) {
		return true
	}
	if r.LineHash == "" {
		return false
	}
	key := locationKey(r.RuleID, r.Location.Path, r.LineHash)
	if r.Fingerprint != "" {
		return m.takeFrom(m.byLocNoFP[key])
	}
	return m.takeFrom(m.byLoc[key])
}

func (m *baselineMatcher) takeFrom(candidates []int) bool {
	for _, i := range candidates {
		if !m.used[i] {
			m.used[i] = true
			return true
		}
	}
	return false
}
