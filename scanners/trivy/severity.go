package trivy

import (
	"strings"
	"unicode/utf16"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// severityScores are the security-severity values for Trivy's severity
// labels, used for misconfigurations, secrets, and vulnerabilities without a
// CVSS v3 score. CRITICAL to LOW are the values of Trivy's own SARIF output.
// UNKNOWN marks a vulnerability that has no rating yet. It gets 4.0, the
// lowest medium score on GitHub's scale, so it stays visible without
// outranking a rated medium.
var severityScores = map[string]float64{
	"CRITICAL": 9.5,
	"HIGH":     8.0,
	"MEDIUM":   5.5,
	"LOW":      2.0,
	"UNKNOWN":  4.0,
}

// cvssSources is the order in which a vulnerability's CVSS v3 scores are
// preferred: NVD rates every CVE with one method; GitHub's advisory
// database covers packages that NVD lacks. The vendor that supplied Trivy's
// severity label (SeveritySource) comes next.
var cvssSources = []string{"nvd", "ghsa"}

// levelOf maps a Trivy severity label to a SARIF level.
func levelOf(severity string) finding.Level {
	switch strings.ToUpper(severity) {
	case "CRITICAL", "HIGH":
		return finding.LevelError
	case "MEDIUM":
		return finding.LevelWarning
	default:
		return finding.LevelNote
	}
}

// labelScore returns the security-severity for a severity label. An empty
// or unrecognised label counts as UNKNOWN.
func labelScore(severity string) float64 {
	if s, ok := severityScores[strings.ToUpper(severity)]; ok {
		return s
	}
	return severityScores["UNKNOWN"]
}

// vulnerabilityScore returns the security-severity of a vulnerability and
// where it came from: the first CVSS v3 base score in cvssSources order,
// then the one of SeveritySource, else the score of its severity label.
func vulnerabilityScore(v vulnerability) (score float64, source string) {
	sources := append(cvssSources[:len(cvssSources):len(cvssSources)], v.SeveritySource)
	for _, src := range sources {
		if src == "" {
			continue
		}
		if c, ok := v.CVSS[src]; ok && c.V3Score > 0 && c.V3Score <= 10 {
			return c.V3Score, src
		}
	}
	return labelScore(v.Severity), "severity"
}

// maxDescription is GitHub's limit on a rule's shortDescription and
// fullDescription text, in characters (UTF-16 code units, as JavaScript
// counts them).
const maxDescription = 1024

// truncate shortens s to at most max UTF-16 code units, ending in "…" when
// it cuts, without splitting a character.
func truncate(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if n+w > max-1 {
			break
		}
		b.WriteRune(r)
		n += w
	}
	return strings.TrimRight(b.String(), " \t\n") + "…"
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}

// maxTags is GitHub's limit on tags per rule.
const maxTags = 20

// ruleTags returns "security", the category, and the CWE tags of cweIDs
// ("CWE-79" becomes "external/cwe/cwe-79"), without duplicates and at most
// maxTags.
func ruleTags(category string, cweIDs []string) []string {
	tags := []string{"security", category}
	seen := map[string]bool{"security": true, category: true}
	for _, id := range cweIDs {
		num, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(id)), "CWE-")
		if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
			continue
		}
		tag := "external/cwe/cwe-" + num
		if seen[tag] {
			continue
		}
		seen[tag] = true
		tags = append(tags, tag)
		if len(tags) == maxTags {
			break
		}
	}
	return tags
}
