package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// DefaultFile is the policy file that secscan reads when none is named,
// relative to the repository root.
const DefaultFile = "policies/secscan.yaml"

// allTools lists the four scanners in the order that explanations use.
var allTools = []string{finding.ToolGosec, finding.ToolGovulncheck, finding.ToolTrivy, finding.ToolHadolint}

// toolByKey maps the lower-case names that the policy file uses to the
// SARIF driver names.
var toolByKey = map[string]string{
	"gosec":       finding.ToolGosec,
	"govulncheck": finding.ToolGovulncheck,
	"trivy":       finding.ToolTrivy,
	"hadolint":    finding.ToolHadolint,
}

// policyKey returns the policy file's name for a tool: the driver name in
// lower case.
func policyKey(tool string) string { return strings.ToLower(tool) }

// Policy is a loaded, validated policy: what fails the build, which
// scanners must run, what is left out, and the settings passed to each
// scanner.
type Policy struct {
	// File is the policy file as given to Load, or empty for the built-in
	// default policy.
	File string

	// FailOn is the default threshold: a result at or above it fails the
	// build unless its tool has its own threshold (see Threshold).
	FailOn finding.Severity

	// FailOnNewOnly restricts the gate to results whose baseline state is
	// "new" (or that were not compared with a baseline).
	FailOnNewOnly bool

	// RequiredCI and RequiredLocal list the scanners, by driver name, whose
	// failure to run fails the build when the environment variable CI is
	// true, and otherwise.
	RequiredCI    []string
	RequiredLocal []string

	// Exclude holds path globs (see package glob) that every scanner leaves
	// out. ExcludeFor adds each tool's own.
	Exclude []string

	Gosec       GosecSettings
	Govulncheck GovulncheckSettings
	Trivy       TrivySettings
	Hadolint    HadolintSettings

	Suppressions []Suppression

	toolFailOn  map[string]finding.Severity // per-tool thresholds, by driver name
	toolExclude map[string][]string         // per-tool extra exclude globs, by driver name
	sources     map[string]Source           // where each written setting is, by dotted key
}

// GosecSettings configure the gosec adapter.
type GosecSettings struct {
	// IncludeRules, when not empty, limits gosec to these rules and
	// analyzers (gosec -include). ExcludeRules turns rules off (gosec
	// -exclude). Both hold ids such as G104, checked against gosec's own
	// list when the policy is loaded.
	IncludeRules []string
	ExcludeRules []string
}

// GovulncheckSettings configure the govulncheck adapter.
type GovulncheckSettings struct {
	// ScanLevel is govulncheck's -scan value: "symbol" (the default, only
	// vulnerable functions that the code calls), "package" (vulnerable
	// packages that the code imports) or "module" (vulnerable modules that
	// it requires).
	ScanLevel string
}

// TrivySettings configure the Trivy adapter.
type TrivySettings struct {
	// Scanners is Trivy's --scanners list: any of vuln, misconfig, secret.
	Scanners []string

	// Severities is Trivy's --severity list: any of UNKNOWN, LOW, MEDIUM,
	// HIGH, CRITICAL. Unlike fail_on, it limits what Trivy reports.
	Severities []string

	// Checks lists directories of custom Rego checks, relative to the
	// repository root (Trivy --config-check), and CheckNamespaces the Rego
	// package prefixes to evaluate from them (Trivy --check-namespaces).
	Checks          []string
	CheckNamespaces []string
}

// HadolintSettings configure the hadolint adapter.
type HadolintSettings struct {
	// ConfigFile is the hadolint configuration file, relative to the
	// repository root, passed as hadolint --config; empty means none.
	ConfigFile string

	// Config is ConfigFile's content, validated when the policy was loaded.
	Config HadolintConfig
}

// Source locates a setting of the policy, so that a verdict can name the
// line behind it.
type Source struct {
	File  string // the policy file as given to Load; empty for the built-in default policy
	Line  int    // 1-based; 0 when the key is not in the file and its default applies
	Key   string // dotted key, such as "tools.gosec.fail_on" or "suppressions[2]"
	Value string // the value as written, such as "high"
}

// String renders the source as "policies/secscan.yaml:3 fail_on: high", or
// with "(default)" in place of the line when the key is not in the file.
func (s Source) String() string {
	setting := s.Key
	if s.Value != "" {
		setting += ": " + s.Value
	}
	switch {
	case s.File == "":
		return "built-in default policy " + setting
	case s.Line == 0:
		return s.File + " (default) " + setting
	}
	return s.File + ":" + strconv.Itoa(s.Line) + " " + setting
}

// Default returns the policy that applies when the repository has no policy
// file. It fails the build on results of high or critical severity, which
// for results without a security-severity means level error, as secscan did
// before policies existed. All four scanners are required when CI is true;
// locally a scanner that cannot run only produces a warning.
func Default() *Policy {
	return &Policy{
		FailOn:      finding.SeverityHigh,
		RequiredCI:  slices.Clone(allTools),
		Govulncheck: GovulncheckSettings{ScanLevel: "symbol"},
		Trivy: TrivySettings{
			Scanners:   []string{"vuln", "misconfig", "secret"},
			Severities: slices.Clone(trivySeverities),
		},
		toolFailOn:  map[string]finding.Severity{},
		toolExclude: map[string][]string{},
		sources:     map[string]Source{},
	}
}

// source returns where the setting key comes from, with def as the value
// shown when the file does not set it.
func (p *Policy) source(key, def string) Source {
	if s, ok := p.sources[key]; ok {
		return s
	}
	return Source{File: p.File, Key: key, Value: def}
}

// Threshold returns the fail_on threshold for tool (a driver name) and the
// setting it comes from: the tool's own fail_on when set, else the
// top-level one.
func (p *Policy) Threshold(tool string) (finding.Severity, Source) {
	if s, ok := p.toolFailOn[tool]; ok {
		return s, p.source("tools."+policyKey(tool)+".fail_on", s.String())
	}
	return p.FailOn, p.source("fail_on", p.FailOn.String())
}

// ExcludeFor returns the path globs that tool (a driver name) leaves out:
// the top-level exclude list followed by the tool's own.
func (p *Policy) ExcludeFor(tool string) []string {
	out := slices.Clone(p.Exclude)
	return append(out, p.toolExclude[tool]...)
}

// Required returns the scanners, by driver name, whose failure to run fails
// the build in the environment that getenv reads, and the setting that lists
// them. The CI list applies when the variable CI has a value that
// strconv.ParseBool reads as true (such as true or 1), as GitHub Actions and
// most CI services set it.
func (p *Policy) Required(getenv func(string) string) ([]string, Source) {
	if isCI(getenv) {
		return p.RequiredCI, p.source("required.ci", toolList(p.RequiredCI))
	}
	return p.RequiredLocal, p.source("required.local", toolList(p.RequiredLocal))
}

func isCI(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	ci, err := strconv.ParseBool(getenv("CI"))
	return err == nil && ci
}

// toolList renders driver names as the policy file writes them: "[gosec, trivy]".
func toolList(tools []string) string {
	keys := make([]string, len(tools))
	for i, tool := range tools {
		keys[i] = policyKey(tool)
	}
	return "[" + strings.Join(keys, ", ") + "]"
}

// Describe returns the effective settings, one per line, each with the
// policy line it comes from or marked as a default, for
// `secscan policy explain`.
func (p *Policy) Describe() []string {
	defaults := []Source{
		p.source("fail_on", p.FailOn.String()),
		p.source("fail_on_new_only", strconv.FormatBool(p.FailOnNewOnly)),
		p.source("required.ci", toolList(p.RequiredCI)),
		p.source("required.local", toolList(p.RequiredLocal)),
		p.source("tools.govulncheck.scan_level", p.Govulncheck.ScanLevel),
		p.source("tools.trivy.scanners", "["+strings.Join(p.Trivy.Scanners, ", ")+"]"),
		p.source("tools.trivy.severities", "["+strings.Join(p.Trivy.Severities, ", ")+"]"),
	}
	var written []Source
	for _, src := range p.sources {
		written = append(written, src)
	}
	slices.SortFunc(written, func(a, b Source) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Key, b.Key))
	})

	// Defaults first, then the written settings in file order. The list
	// form of required sets two keys from one line, which is shown once.
	var lines []string
	for _, src := range defaults {
		if src.Line == 0 {
			lines = append(lines, src.String())
		}
	}
	for _, src := range written {
		if line := src.String(); !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	if c := p.Hadolint; c.ConfigFile != "" && c.Config.String() != "" {
		lines = append(lines, c.ConfigFile+": "+c.Config.String())
	}
	for i := range p.Suppressions {
		s := &p.Suppressions[i]
		lines = append(lines, fmt.Sprintf("%s suppresses %s: %s", s.Source(), s.Criteria(), s.Justification()))
	}
	return lines
}
