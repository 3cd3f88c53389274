package policy

import (
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// okRun returns a completed run of tool with the given rules and results.
func okRun(tool string, rules []finding.Rule, results ...finding.Result) *finding.Run {
	return &finding.Run{
		Tool:       tool,
		Rules:      rules,
		Results:    results,
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
}

// scan returns one completed run per scanner, with the given runs in place
// of the empty ones for their tools.
func scan(runs ...*finding.Run) []*finding.Run {
	out := []*finding.Run{}
	for _, tool := range allTools {
		r := okRun(tool, nil)
		for _, given := range runs {
			if given.Tool == tool {
				r = given
			}
		}
		out = append(out, r)
	}
	return out
}

// result returns a result of rule at path:line with the fingerprint fp.
func result(rule, path string, line int, fp string) finding.Result {
	// The level is left unset, so it does not cap the rule's score.
	return finding.Result{
		RuleID:      rule,
		Message:     rule + " message",
		Location:    finding.Location{Path: path, StartLine: line},
		Fingerprint: fp,
	}
}

// scored returns a rule with a security-severity.
func scored(id string, score float64) finding.Rule {
	return finding.Rule{ID: id, ShortDescription: id + " rule", SecuritySeverity: score}
}

// mustParse parses a policy for a repository without referenced files.
func mustParse(t *testing.T, policy string) *Policy {
	t.Helper()
	p, err := Parse(t.TempDir(), "policies/secscan.yaml", []byte(policy))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func env(ci string) func(string) string {
	return func(name string) string {
		if name == "CI" {
			return ci
		}
		return ""
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
