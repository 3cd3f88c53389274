package trivy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
)

// Rule categories, also used as tags.
const (
	categoryVulnerability    = "vulnerability"
	categoryMisconfiguration = "misconfiguration"
	categorySecret           = "secret"
)

// secretRulesURL lists Trivy's built-in secret rules; Trivy's own SARIF
// output links secret findings to the same file.
const secretRulesURL = "https://github.com/aquasecurity/trivy/blob/main/pkg/fanal/secret/builtin-rules.go"

// maxDroppedExamples bounds how many dropped results a notification names.
const maxDroppedExamples = 5

// converter turns one Trivy report into rules and results.
type converter struct {
	root    string
	exclude pathfilter.Filter

	rules    map[string]*finding.Rule
	results  []finding.Result
	dropped  []string // results that name no repository file
	excluded int      // results left out by an exclude pattern
}

// conversion is the result of convertReport.
type conversion struct {
	Rules    []finding.Rule
	Results  []finding.Result
	Dropped  []string
	Excluded int
}

// convertReport converts r into rules and results with paths relative to
// root. Results in excluded paths are counted and left out; results whose
// target is not a repository file are listed in Dropped.
func convertReport(r *report, root string, exclude pathfilter.Filter) conversion {
	c := &converter{root: root, exclude: exclude, rules: map[string]*finding.Rule{}}
	for _, res := range r.Results {
		for _, v := range res.Vulnerabilities {
			c.addVulnerability(res, v)
		}
		for _, m := range res.Misconfigurations {
			c.addMisconfiguration(res, m)
		}
		for _, s := range res.Secrets {
			c.addSecret(res, s)
		}
	}

	out := conversion{Results: c.results, Dropped: c.dropped, Excluded: c.excluded}
	for _, rule := range c.rules {
		out.Rules = append(out.Rules, *rule)
	}
	slices.SortFunc(out.Rules, func(a, b finding.Rule) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(out.Results, compareResults)
	return out
}

func compareResults(a, b finding.Result) int {
	return cmp.Or(
		cmp.Compare(a.Location.Path, b.Location.Path),
		cmp.Compare(a.Location.StartLine, b.Location.StartLine),
		cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Key, b.Key),
	)
}

// place records a result at path with its rule, unless path is empty (the
// result is then listed as dropped, described by what) or excluded. The
// rule is made only for the first result placed under its id.
func (c *converter) place(path, what string, r finding.Result, rule func() finding.Rule) {
	if path == "" {
		c.dropped = append(c.dropped, what)
		return
	}
	if c.exclude.Excludes(path) {
		c.excluded++
		return
	}
	r.Location.Path = path
	c.results = append(c.results, r)
	if _, ok := c.rules[r.RuleID]; !ok {
		newRule := rule()
		c.rules[r.RuleID] = &newRule
	}
}

func (c *converter) addVulnerability(res reportRes, v vulnerability) {
	if v.VulnerabilityID == "" {
		return
	}
	score, scoreSource := vulnerabilityScore(v)

	// The file that defines the package: the package's own file when Trivy
	// names one (a jar, a METADATA or package.json of an installed package),
	// else the scanned target (a lock file), whose lines Trivy records.
	p := findPackage(res.Packages, v)
	var path string
	var loc finding.Location
	for _, candidate := range []string{v.PkgPath, p.FilePath} {
		if path = repoPath(c.root, candidate); path != "" {
			break
		}
	}
	if path == "" {
		if path = repoPath(c.root, res.Target); path != "" && len(p.Locations) > 0 {
			loc.StartLine = p.Locations[0].StartLine
			loc.EndLine = p.Locations[0].EndLine
		}
	}

	msg := fmt.Sprintf("%s %s is affected by %s", v.PkgName, v.InstalledVersion, v.VulnerabilityID)
	if v.Title != "" {
		msg += ": " + strings.TrimSuffix(v.Title, ".")
	}
	if v.FixedVersion != "" {
		msg += fmt.Sprintf(". Fixed in %s.", v.FixedVersion)
	} else {
		msg += ". No fixed version is known."
	}

	props := map[string]any{
		"package":          v.PkgName,
		"installedVersion": v.InstalledVersion,
		"severity":         v.Severity,
		"scoreSource":      scoreSource,
	}
	if v.FixedVersion != "" {
		props["fixedVersion"] = v.FixedVersion
	}
	if res.Type != "" {
		props["packageType"] = res.Type
	}
	if v.PkgIdentifier.PURL != "" {
		props["purl"] = v.PkgIdentifier.PURL
	}

	c.place(path, fmt.Sprintf("%s in %s %s (target %q)", v.VulnerabilityID, v.PkgName, v.InstalledVersion, res.Target), finding.Result{
		RuleID:     v.VulnerabilityID,
		Level:      levelOf(v.Severity),
		Message:    msg,
		Location:   loc,
		Key:        strings.Join([]string{v.PkgName + "@" + v.InstalledVersion, v.VulnerabilityID, path}, "|"),
		Properties: props,
	}, func() finding.Rule { return vulnerabilityRule(v, score) })
}

// findPackage returns the package that v was found in, matched by id, then
// by name and version. It returns the zero pkg when the report does not
// list the package.
func findPackage(pkgs []pkg, v vulnerability) pkg {
	for _, p := range pkgs {
		if v.PkgIdentifier.UID != "" && p.Identifier.UID == v.PkgIdentifier.UID {
			return p
		}
	}
	for _, p := range pkgs {
		if v.PkgID != "" && p.ID == v.PkgID {
			return p
		}
	}
	for _, p := range pkgs {
		if p.Name == v.PkgName && p.Version == v.InstalledVersion {
			return p
		}
	}
	return pkg{}
}

// ruleText returns a rule's short and full description, falling back to
// "<kind> <id>" and to the short text, and starts its Markdown help with
// both.
func ruleText(kind, id, title, description string) (short, full string, help *strings.Builder) {
	short = title
	if short == "" {
		short = kind + " " + id
	}
	full = description
	if full == "" {
		full = short
	}
	help = &strings.Builder{}
	fmt.Fprintf(help, "**%s**: %s\n\n%s\n", id, short, truncate(full, maxDescription))
	return short, full, help
}

func vulnerabilityRule(v vulnerability, score float64) finding.Rule {
	short, full, help := ruleText("Vulnerability", v.VulnerabilityID, v.Title, v.Description)
	if v.PrimaryURL != "" {
		fmt.Fprintf(help, "\nDetails: [%s](%s)\n", v.VulnerabilityID, v.PrimaryURL)
	}
	help.WriteString("\nUpgrade the package to a fixed version, or remove it if it is not needed.\n")

	return finding.Rule{
		ID:               v.VulnerabilityID,
		Name:             v.VulnerabilityID,
		ShortDescription: truncate(short, maxDescription),
		FullDescription:  truncate(full, maxDescription),
		HelpText:         truncate(full, maxDescription) + "\n\nUpgrade the package to a fixed version, or remove it if it is not needed.",
		HelpMarkdown:     help.String(),
		HelpURI:          v.PrimaryURL,
		Level:            levelOf(v.Severity),
		SecuritySeverity: score,
		Precision:        finding.PrecisionHigh,
		Tags:             ruleTags(categoryVulnerability, v.CweIDs),
	}
}

func (c *converter) addMisconfiguration(res reportRes, m misconfig) {
	if m.ID == "" || (m.Status != "" && m.Status != "FAIL") {
		return
	}

	msg := m.Message
	if msg == "" {
		msg = m.Title
	}
	props := map[string]any{"severity": m.Severity}
	if m.CauseMetadata.Resource != "" {
		props["resource"] = m.CauseMetadata.Resource
	}
	if m.AVDID != "" && m.AVDID != m.ID {
		props["avdID"] = m.AVDID
	}
	c.place(repoPath(c.root, res.Target), fmt.Sprintf("%s in target %q", m.ID, res.Target), finding.Result{
		RuleID:  m.ID,
		Level:   levelOf(m.Severity),
		Message: msg,
		Location: finding.Location{
			StartLine: m.CauseMetadata.StartLine,
			EndLine:   m.CauseMetadata.EndLine,
		},
		Key:        strings.Join([]string{m.ID, m.CauseMetadata.Resource, m.Message}, "|"),
		Properties: props,
	}, func() finding.Rule { return misconfigurationRule(m, res.Type) })
}

// misconfigurationRule returns the rule of a check; configType is the kind
// of file checked ("dockerfile", "kubernetes", "terraform"), used as a tag.
func misconfigurationRule(m misconfig, configType string) finding.Rule {
	short, full, help := ruleText("Misconfiguration", m.ID, m.Title, m.Description)
	if m.Resolution != "" {
		fmt.Fprintf(help, "\nResolution: %s\n", m.Resolution)
	}
	if m.PrimaryURL != "" {
		fmt.Fprintf(help, "\nDetails: [%s](%s)\n", m.ID, m.PrimaryURL)
	}
	text := truncate(full, maxDescription)
	if m.Resolution != "" {
		text += "\n\nResolution: " + m.Resolution
	}

	tags := ruleTags(categoryMisconfiguration, nil)
	if t := strings.ToLower(strings.TrimSpace(configType)); t != "" && !slices.Contains(tags, t) {
		tags = append(tags, t)
	}
	return finding.Rule{
		ID:               m.ID,
		Name:             pascalCase(short),
		ShortDescription: truncate(short, maxDescription),
		FullDescription:  truncate(full, maxDescription),
		HelpText:         text,
		HelpMarkdown:     help.String(),
		HelpURI:          m.PrimaryURL,
		Level:            levelOf(m.Severity),
		SecuritySeverity: labelScore(m.Severity),
		Precision:        finding.PrecisionHigh,
		Tags:             tags,
	}
}

func (c *converter) addSecret(res reportRes, s secret) {
	if s.RuleID == "" {
		return
	}

	title := s.Title
	if title == "" {
		title = s.RuleID
	}
	// The message names the kind of secret only: the matched text, even
	// masked, stays out of the report.
	c.place(repoPath(c.root, res.Target), fmt.Sprintf("secret %s in target %q", s.RuleID, res.Target), finding.Result{
		RuleID:  s.RuleID,
		Level:   levelOf(s.Severity),
		Message: fmt.Sprintf("%s found: revoke it and remove it from the repository.", title),
		Location: finding.Location{
			StartLine: s.StartLine,
			EndLine:   s.EndLine,
		},
		Key:        s.RuleID + "|" + s.Title,
		Properties: map[string]any{"severity": s.Severity, "category": s.Category},
	}, func() finding.Rule { return secretRule(s) })
}

func secretRule(s secret) finding.Rule {
	title := s.Title
	if title == "" {
		title = s.RuleID
	}
	full := fmt.Sprintf("Trivy's secret rule %q (category %s) matches text that has the form of this kind of credential. "+
		"A credential committed to a repository can be read by everyone with access to it, and it stays in the history.",
		title, s.Category)
	fix := "Revoke or rotate the credential, remove it from the file and the history, " +
		"and load it at run time from a secret store or the environment."
	return finding.Rule{
		ID:               s.RuleID,
		Name:             pascalCase(title),
		ShortDescription: truncate(title, maxDescription),
		FullDescription:  truncate(full, maxDescription),
		HelpText:         full + "\n\n" + fix,
		HelpMarkdown: fmt.Sprintf("**%s** (`%s`)\n\n%s\n\n%s\n\nRule definitions: [Trivy built-in secret rules](%s)\n",
			title, s.RuleID, full, fix, secretRulesURL),
		HelpURI:          secretRulesURL,
		Level:            levelOf(s.Severity),
		SecuritySeverity: labelScore(s.Severity),
		Precision:        finding.PrecisionHigh,
		Tags:             ruleTags(categorySecret, nil),
	}
}

// pascalCase turns a title into an identifier-like rule name:
// "Image user should not be 'root'" becomes "ImageUserShouldNotBeRoot".
func pascalCase(s string) string {
	var b strings.Builder
	upperNext := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if upperNext && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upperNext = false
		default:
			upperNext = true
		}
		if b.Len() >= 255 {
			break
		}
	}
	return b.String()
}
