package govulncheck

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
)

// Limits on the code flows of one result. GitHub rejects a result with more
// than 10,000 thread-flow locations and shows only 1,000, so a few short
// flows are kept.
const (
	maxFlows = 5
	maxSteps = 50
)

// target is the scanned module and the repository facts that the
// conversion needs.
type target struct {
	root    string       // absolute repository root
	module  gomod.Module // the module govulncheck ran in
	modFile *modfile.File
	// moduleDirs maps the path of each module in the repository to its
	// absolute directory, to place call stack frames in repository files.
	moduleDirs map[string]string
	level      string   // govulncheck's scan level
	exclude    []string // globs of result paths to drop
	cols       *gomod.Columns
}

// converted is the result of converting one module's stream.
type converted struct {
	Results []finding.Result
	Worst   map[string]rating // most severe rating of each advisory
	Notes   []string          // facts about the conversion, such as trimmed flows
}

// group is the findings of one advisory in one vulnerable module.
type group struct {
	osv      string
	module   string // vulnerable module path, "stdlib" for the standard library
	reach    reachability
	findings []*vulnFinding // the findings at level reach
}

// convert turns the findings of one govulncheck run into one result per
// advisory and vulnerable module, placed on the go.mod line that requires
// the module.
func convert(t target, st *stream) converted {
	out := converted{Worst: map[string]rating{}}
	for _, g := range groupFindings(st.Findings) {
		res, notes := t.result(g, st.OSVs[g.osv])
		if gomod.Excluded(res.Location.Path, t.exclude) {
			continue
		}
		out.Results = append(out.Results, res)
		out.Notes = append(out.Notes, notes...)
		r := rate(t.level, g.reach)
		if old, ok := out.Worst[g.osv]; !ok || r.Score > old.Score {
			out.Worst[g.osv] = r
		}
	}
	return out
}

// groupFindings keeps, for each advisory and vulnerable module, the
// findings at the deepest reachability, sorted by advisory and module.
func groupFindings(findings []*vulnFinding) []*group {
	groups := map[[2]string]*group{}
	for _, f := range findings {
		key := [2]string{f.OSV, f.Trace[0].Module}
		g := groups[key]
		if g == nil {
			g = &group{osv: f.OSV, module: f.Trace[0].Module}
			groups[key] = g
		}
		switch r := reachabilityOf(f); {
		case r > g.reach:
			g.reach, g.findings = r, []*vulnFinding{f}
		case r == g.reach:
			g.findings = append(g.findings, f)
		}
	}
	out := make([]*group, 0, len(groups))
	for _, g := range groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].osv != out[j].osv {
			return out[i].osv < out[j].osv
		}
		return out[i].module < out[j].module
	})
	return out
}

func (t target) result(g *group, entry *osvEntry) (finding.Result, []string) {
	first := g.findings[0]
	version := first.Trace[0].Version
	fixed := first.FixedVersion

	rel, err := gomod.RelPath(t.root, t.module.GoMod)
	if err != nil {
		rel = filepath.ToSlash(t.module.GoMod)
	}
	span := gomod.Locate(t.modFile, g.module)

	var aliases []string
	summary := ""
	if entry != nil {
		aliases = uniqueSorted(entry.Aliases)
		summary = entry.Summary
	}

	props := map[string]any{
		"module":       g.module,
		"foundVersion": version,
		"fixedVersion": fixed,
		"aliases":      aliases,
		"reachability": g.reach.String(),
	}
	var flows []finding.CodeFlow
	var notes []string
	switch g.reach {
	case called:
		props["symbols"] = symbols(g.findings)
		flows, notes = t.codeFlows(g)
	case imported:
		props["packages"] = packagesOf(g.findings)
	}

	return finding.Result{
		RuleID:  g.osv,
		Level:   rate(t.level, g.reach).Level,
		Message: resultMessage(g, t.level, version, fixed, summary),
		Location: finding.Location{
			Path:        rel,
			StartLine:   span.StartLine,
			StartColumn: span.StartColumn,
			EndLine:     span.EndLine,
			EndColumn:   span.EndColumn,
		},
		CodeFlows:  flows,
		Key:        g.module + " " + g.osv,
		Properties: props,
	}, notes
}

// resultMessage describes one result in a few sentences, for example
// "golang.org/x/text v0.3.5 has vulnerability GO-2021-0113: ... This module
// calls golang.org/x/text/language.Parse. Fixed in v0.3.7."
func resultMessage(g *group, level, version, fixed, summary string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s has vulnerability %s", moduleName(g.module), displayVersion(g.module, version), g.osv)
	if summary != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(summary, "."))
	}
	b.WriteString(". ")
	switch {
	case g.reach == called:
		fmt.Fprintf(&b, "This module calls %s.", joinList(symbols(g.findings)))
	case g.reach == imported && level == levelPackage:
		fmt.Fprintf(&b, "This module imports %s. The scan ran at package level, so calls were not checked.", joinList(packagesOf(g.findings)))
	case g.reach == imported:
		fmt.Fprintf(&b, "This module imports %s but calls none of its vulnerable functions.", joinList(packagesOf(g.findings)))
	case level == levelModule:
		b.WriteString("This module requires it. The scan ran at module level, so imports and calls were not checked.")
	default:
		b.WriteString("This module depends on it but imports none of its vulnerable packages.")
	}
	if fixed != "" {
		fmt.Fprintf(&b, " Fixed in %s.", displayVersion(g.module, fixed))
	} else {
		b.WriteString(" No fixed version is known.")
	}
	return strings.ReplaceAll(b.String(), " .", ".")
}

func moduleName(module string) string {
	switch module {
	case gomod.StdlibModule:
		return "The Go standard library"
	case gomod.ToolchainModule:
		return "The go command"
	}
	return module
}

// displayVersion writes standard library and go command versions as Go
// release tags (v1.26.8 as go1.26.8) and module versions unchanged.
func displayVersion(module, version string) string {
	if version == "" {
		return "(version unknown)"
	}
	if module == gomod.StdlibModule || module == gomod.ToolchainModule {
		return "go" + strings.TrimPrefix(version, "v")
	}
	return version
}

// symbol returns the full name of the function of fr, such as
// "mime/multipart.Reader.ReadForm". Closures ("f$1") are named after the
// function that contains them.
func symbol(fr *frame) string {
	name, _, _ := strings.Cut(fr.Function, "$")
	if fr.Receiver != "" {
		name = strings.TrimPrefix(fr.Receiver, "*") + "." + name
	}
	if fr.Package != "" {
		name = fr.Package + "." + name
	}
	return name
}

func symbols(fs []*vulnFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, symbol(f.Trace[0]))
	}
	return uniqueSorted(out)
}

func packagesOf(fs []*vulnFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Trace[0].Package)
	}
	return uniqueSorted(out)
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// joinList writes "a", "a and b" or "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
