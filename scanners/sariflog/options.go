package sariflog

import "github.com/guestbook-secscan/guestbook/scanners/validate"

// Options configures Build. The zero value applies GitHub's limits.
type Options struct {
	// Limits overrides GitHub's limits, for tests. Zero fields keep the
	// default.
	Limits Limits
}

// Limits are the caps that Build enforces. Build writes exactly one
// location per result, so GitHub's limit of 1,000 locations needs no field.
type Limits struct {
	Runs                int // runs per log
	ResultsPerRun       int
	RulesPerRun         int
	ThreadFlowLocations int // per result, all code flows together
	TagsPerRule         int
	RuleNameLength      int // in UTF-16 code units
	DescriptionLength   int // shortDescription and fullDescription, in UTF-16 code units
	CompressedBytes     int64
}

// DefaultLimits returns GitHub code scanning's limits. CompressedBytes is
// 7.5 MB rather than GitHub's 10 MB, because GitHub does not document which
// serialization its size limit measures.
func DefaultLimits() Limits {
	return Limits{
		Runs:                validate.MaxRuns,
		ResultsPerRun:       validate.MaxResultsPerRun,
		RulesPerRun:         validate.MaxRulesPerRun,
		ThreadFlowLocations: validate.MaxThreadFlowLocations,
		TagsPerRule:         validate.MaxTagsPerRule,
		RuleNameLength:      validate.MaxRuleNameLength,
		DescriptionLength:   validate.MaxDescriptionLength,
		CompressedBytes:     validate.WarnGzipBytes,
	}
}

// withDefaults returns l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	l.Runs = pick(l.Runs, d.Runs)
	l.ResultsPerRun = pick(l.ResultsPerRun, d.ResultsPerRun)
	l.RulesPerRun = pick(l.RulesPerRun, d.RulesPerRun)
	l.ThreadFlowLocations = pick(l.ThreadFlowLocations, d.ThreadFlowLocations)
	l.TagsPerRule = pick(l.TagsPerRule, d.TagsPerRule)
	l.RuleNameLength = pick(l.RuleNameLength, d.RuleNameLength)
	l.DescriptionLength = pick(l.DescriptionLength, d.DescriptionLength)
	if l.CompressedBytes <= 0 {
		l.CompressedBytes = d.CompressedBytes
	}
	return l
}
