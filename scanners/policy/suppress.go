package policy

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/policy/glob"
)

// Suppression is one entry of the policy's suppressions list. A result is
// suppressed by an entry when every criterion the entry sets matches it
// and the entry has not expired.
type Suppression struct {
	Tool        string // driver name; empty matches every tool
	Rule        string // rule id, exact
	Path        string // glob over the result's path (see package glob)
	Fingerprint string // the result's "secscan/v1" fingerprint
	Advisory    string // CVE, GO or GHSA id, matched against the rule id and the result's aliases

	Reason string
	Owner  string

	// Expires is the last day on which the entry applies, at midnight UTC;
	// the zero value means the entry does not expire.
	Expires time.Time

	file  string
	line  int
	index int
}

// advisoryPattern accepts the advisory ids that suppressions may name:
// CVE-YYYY-N..., GO-YYYY-NNNN and GHSA-xxxx-xxxx-xxxx (GitHub's alphabet,
// compared case-insensitively).
var advisoryPattern = regexp.MustCompile(`(?i)^(CVE-\d{4}-\d{4,}|GO-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$`)

// Source returns the entry's place in the policy file.
func (s *Suppression) Source() Source {
	return Source{File: s.file, Line: s.line, Key: fmt.Sprintf("suppressions[%d]", s.index)}
}

// Criteria renders what the entry matches, such as "rule G104, path app/**".
func (s *Suppression) Criteria() string {
	var parts []string
	add := func(name, value string) {
		if value != "" {
			parts = append(parts, name+" "+value)
		}
	}
	add("tool", policyKey(s.Tool))
	add("rule", s.Rule)
	add("path", s.Path)
	add("fingerprint", s.Fingerprint)
	add("advisory", s.Advisory)
	return strings.Join(parts, ", ")
}

// Justification renders the text written into the SARIF suppression:
// "reason (owner, expires 2026-06-30)", or without the expiry when the entry
// has none.
func (s *Suppression) Justification() string {
	if s.Expires.IsZero() {
		return fmt.Sprintf("%s (%s)", s.Reason, s.Owner)
	}
	return fmt.Sprintf("%s (%s, expires %s)", s.Reason, s.Owner, s.Expires.Format(time.DateOnly))
}

// Expired reports whether now is after the last day of the entry, in UTC.
func (s *Suppression) Expired(now time.Time) bool {
	return !s.Expires.IsZero() && !now.Before(s.Expires.AddDate(0, 0, 1))
}

// Matches reports whether every criterion of the entry matches result,
// reported by run. It ignores the expiry date.
func (s *Suppression) Matches(run *finding.Run, result *finding.Result) bool {
	if s.Tool != "" && s.Tool != run.Tool {
		return false
	}
	if s.Rule != "" && s.Rule != result.RuleID {
		return false
	}
	if s.Path != "" && !glob.Match(s.Path, result.Location.Path) {
		return false
	}
	if s.Fingerprint != "" && s.Fingerprint != result.Fingerprint {
		return false
	}
	if s.Advisory != "" && !hasAdvisory(run, result, s.Advisory) {
		return false
	}
	return true
}

// hasAdvisory reports whether id names the result's advisory: its rule id,
// one of the ids in its "aliases" property, or one of its rule's tags
// (where the govulncheck adapter also lists aliases). Ids are compared
// without regard to letter case, because GHSA ids appear in both.
func hasAdvisory(run *finding.Run, result *finding.Result, id string) bool {
	if strings.EqualFold(result.RuleID, id) {
		return true
	}
	for _, alias := range aliases(result) {
		if strings.EqualFold(alias, id) {
			return true
		}
	}
	if rule := run.Rule(result.RuleID); rule != nil {
		for _, tag := range rule.Tags {
			if strings.EqualFold(tag, id) {
				return true
			}
		}
	}
	return false
}

// aliases returns the result's "aliases" property, which adapters set as a
// []string. A []any of strings, as decoded from JSON, is accepted too.
func aliases(result *finding.Result) []string {
	switch v := result.Properties["aliases"].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
