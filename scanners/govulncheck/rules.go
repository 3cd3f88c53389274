package govulncheck

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
)

const (
	maxDescription = 1024 // GitHub's limit on rule descriptions, in characters
	maxTags        = 20   // GitHub's limit on tags per rule
	maxReferences  = 10
)

// buildRules returns one rule per advisory in worst, sorted by id. A rule's
// level, security-severity and precision are those of its most reachable
// result, because GitHub reads severity from the rule.
func buildRules(worst map[string]rating, osvs map[string]*osvEntry) []finding.Rule {
	ids := make([]string, 0, len(worst))
	for id := range worst {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rules := make([]finding.Rule, 0, len(ids))
	for _, id := range ids {
		rule := newRule(id, osvs[id])
		r := worst[id]
		rule.Level, rule.SecuritySeverity, rule.Precision = r.Level, r.Score, r.Precision
		rules = append(rules, rule)
	}
	return rules
}

// newRule describes advisory id from its OSV entry, which may be nil when
// the stream lacked it.
func newRule(id string, e *osvEntry) finding.Rule {
	if e == nil {
		e = &osvEntry{ID: id}
	}
	advisory := "https://pkg.go.dev/vuln/" + id
	aliases := uniqueSorted(e.Aliases)

	short := strings.TrimSpace(e.Summary)
	if short == "" {
		short = firstSentence(e.Details)
	}
	if short == "" {
		short = "Vulnerability " + id + " in a Go module"
	}
	full := strings.TrimSpace(e.Details)
	if full == "" {
		full = short
	}

	tags := []string{"security"}
	for _, a := range aliases {
		if len(tags) < maxTags {
			tags = append(tags, a)
		}
	}

	return finding.Rule{
		ID:               id,
		Name:             id,
		ShortDescription: truncate(short, maxDescription),
		FullDescription:  truncate(full, maxDescription),
		HelpText:         helpText(e, short, full, advisory, aliases),
		HelpMarkdown:     helpMarkdown(e, short, full, advisory, aliases),
		HelpURI:          advisory,
		Tags:             tags,
	}
}

func helpText(e *osvEntry, short, full, advisory string, aliases []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n%s\n", e.ID, short, full)
	for _, a := range affectedLines(e) {
		fmt.Fprintf(&b, "\n%s", a)
	}
	fmt.Fprintf(&b, "\n\nAdvisory: %s", advisory)
	for _, a := range aliases {
		if u := aliasURL(a); u != "" {
			fmt.Fprintf(&b, "\n%s: %s", a, u)
		}
	}
	return b.String()
}

func helpMarkdown(e *osvEntry, short, full, advisory string, aliases []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s: %s**\n\n%s\n", e.ID, short, full)
	if lines := affectedLines(e); len(lines) > 0 {
		b.WriteString("\n")
		for _, a := range lines {
			fmt.Fprintf(&b, "- %s\n", a)
		}
	}
	links := []string{fmt.Sprintf("[%s](%s)", e.ID, advisory)}
	for _, a := range aliases {
		if u := aliasURL(a); u != "" {
			links = append(links, fmt.Sprintf("[%s](%s)", a, u))
		}
	}
	for i, r := range e.References {
		if i == maxReferences {
			break
		}
		links = append(links, fmt.Sprintf("[%s](%s)", strings.ToLower(r.Type), r.URL))
	}
	fmt.Fprintf(&b, "\n**References:** %s", strings.Join(links, " · "))
	return b.String()
}

// affectedLines describes each affected module: its vulnerable versions and
// packages.
func affectedLines(e *osvEntry) []string {
	var lines []string
	for _, a := range e.Affected {
		var ranges []string
		for _, r := range a.Ranges {
			introduced := ""
			for _, ev := range r.Events {
				switch {
				case ev.Introduced != "":
					introduced = ev.Introduced
				case ev.Fixed != "":
					ranges = append(ranges, versionRange(introduced, ev.Fixed))
					introduced = ""
				}
			}
			if introduced != "" {
				ranges = append(ranges, versionRange(introduced, ""))
			}
		}
		var pkgs []string
		for _, p := range a.EcosystemSpecific.Packages {
			pkgs = append(pkgs, p.Path)
		}
		line := fmt.Sprintf("%s: affected %s", moduleLabel(a.Module.Path), strings.Join(ranges, ", "))
		if len(pkgs) > 0 {
			line += "; packages " + strings.Join(pkgs, ", ")
		}
		lines = append(lines, line)
	}
	return lines
}

func moduleLabel(path string) string {
	switch path {
	case gomod.StdlibModule:
		return "Go standard library"
	case gomod.ToolchainModule:
		return "go command"
	}
	return path
}

func versionRange(introduced, fixed string) string {
	switch {
	case (introduced == "" || introduced == "0") && fixed == "":
		return "all versions"
	case introduced == "" || introduced == "0":
		return "before " + fixed
	case fixed == "":
		return "from " + introduced
	}
	return "from " + introduced + " before " + fixed
}

// aliasURL links CVE and GHSA ids to their records.
func aliasURL(alias string) string {
	switch {
	case strings.HasPrefix(alias, "CVE-"):
		return "https://www.cve.org/CVERecord?id=" + alias
	case strings.HasPrefix(alias, "GHSA-"):
		return "https://github.com/advisories/" + alias
	}
	return ""
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// truncate shortens s to at most limit characters, ending with an ellipsis
// when it cut.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:limit-1])) + "…"
}
