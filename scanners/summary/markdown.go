package summary

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Markdown writes the summary as GitHub-flavoured Markdown.
func Markdown(w io.Writer, in Input) error {
	entries, perRun := collect(in.Runs)
	b := &strings.Builder{}

	fmt.Fprintf(b, "# secscan: %s\n\n", verdictWord(in.Verdict))
	fmt.Fprintf(b, "**%s**\n\n", escapeText(in.Verdict.Headline))
	for _, d := range in.Verdict.Details {
		fmt.Fprintf(b, "- %s\n", escapeText(d))
	}
	if len(in.Verdict.Details) > 0 {
		b.WriteString("\n")
	}

	writeScanners(b, in.Runs, perRun)
	writeProperties(b, in.Runs)
	writeFindings(b, entries, in)
	writeSuppressed(b, in)
	writeBaseline(b, in.Runs)

	if in.Elapsed > 0 {
		fmt.Fprintf(b, "Scan time: %s.", in.Elapsed.Round(100_000_000))
		if len(in.Reports) > 0 {
			fmt.Fprintf(b, " Reports: %s.", "`"+strings.Join(in.Reports, "`, `")+"`")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeScanners(b *strings.Builder, runs []*finding.Run, perRun map[*finding.Run]counts) {
	b.WriteString("## Scanners\n\n")
	b.WriteString("| Tool | Version | Status | Results | Critical | High | Medium | Low | Time |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, run := range runs {
		c := perRun[run]
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %d | %d | %d | %s |\n",
			escapeText(run.Tool), escapeText(cmp.Or(run.Version, "unknown")), statusText(run),
			c.total(), c[finding.SeverityCritical], c[finding.SeverityHigh], c[finding.SeverityMedium],
			c[finding.SeverityLow]+c[finding.SeverityNone], elapsed(run))
	}
	b.WriteString("\n")

	for _, run := range runs {
		for _, n := range run.Invocation.Notifications {
			fmt.Fprintf(b, "- **%s** %s: %s\n", escapeText(run.Tool), n.Level, escapeText(oneLine(n.Message)))
		}
	}
	b.WriteString("\n")
}

func statusText(run *finding.Run) string {
	switch run.Invocation.Status {
	case finding.StatusOK:
		if len(run.Invocation.Skipped) > 0 {
			return "**ran in part**: no " + escapeText(strings.Join(run.Invocation.Skipped, ", "))
		}
		return "ran"
	case finding.StatusNotRun:
		return "**did not run**"
	case finding.StatusFailed:
		return "**failed**"
	}
	return string(run.Invocation.Status)
}

// writeProperties lists each run's properties, such as the vulnerability
// database used and its age.
func writeProperties(b *strings.Builder, runs []*finding.Run) {
	var lines []string
	for _, run := range runs {
		for _, k := range slices.Sorted(maps.Keys(run.Properties)) {
			lines = append(lines, fmt.Sprintf("- %s `%s`: %s\n",
				escapeText(run.Tool), strings.ReplaceAll(k, "`", ""), escapeText(fmt.Sprint(run.Properties[k]))))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("## Scan details\n\n")
	for _, l := range lines {
		b.WriteString(l)
	}
	b.WriteString("\n")
}

func writeFindings(b *strings.Builder, entries []entry, in Input) {
	limit := in.MaxFindings
	if limit == 0 {
		limit = 50
	}
	if len(entries) == 0 {
		b.WriteString("## Findings\n\nNo findings.\n\n")
		return
	}
	shown := min(limit, len(entries))
	fmt.Fprintf(b, "## Findings (%d", len(entries))
	if shown < len(entries) {
		fmt.Fprintf(b, ", the %d most severe shown; the SARIF files have all of them", shown)
	}
	b.WriteString(")\n\n")
	b.WriteString("| Severity | Tool | Rule | Location | Message |\n|---|---|---|---|---|\n")
	for _, e := range entries[:shown] {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n",
			e.severity, escapeText(e.run.Tool), ruleCell(e.run, e.result.RuleID),
			locationCell(e.result.Location, in.LinkBase), escapeText(truncate(oneLine(e.result.Message), 200)))
	}
	b.WriteString("\n")
}

func writeSuppressed(b *strings.Builder, in Input) {
	var rows []string
	for _, run := range in.Runs {
		for i := range run.Results {
			res := &run.Results[i]
			for _, s := range res.Suppressions {
				rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
					escapeText(run.Tool), ruleCell(run, res.RuleID), locationCell(res.Location, in.LinkBase),
					suppressionKind(s.Kind), escapeText(cmp.Or(s.Justification, "no justification given"))))
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "## Suppressed (%d)\n\n", len(rows))
	b.WriteString("| Tool | Rule | Location | By | Reason |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
	b.WriteString("\n")
}

func suppressionKind(kind string) string {
	if kind == "inSource" {
		return "comment in source"
	}
	return "policy"
}

func writeBaseline(b *strings.Builder, runs []*finding.Run) {
	states := map[string]int{}
	for _, run := range runs {
		for _, res := range run.Results {
			if res.BaselineState != "" {
				states[res.BaselineState]++
			}
		}
	}
	if len(states) == 0 {
		return
	}
	fmt.Fprintf(b, "## Compared with the baseline\n\nNew: %d. Unchanged: %d. Absent (fixed since the baseline): %d.\n\n",
		states["new"], states["unchanged"], states["absent"])
}

func ruleCell(run *finding.Run, id string) string {
	cell := "`" + strings.ReplaceAll(id, "`", "") + "`"
	if rule := run.Rule(id); rule != nil && rule.HelpURI != "" && !strings.ContainsAny(rule.HelpURI, " )") {
		return "[" + cell + "](" + rule.HelpURI + ")"
	}
	return cell
}

func locationCell(loc finding.Location, linkBase string) string {
	text := fmt.Sprintf("%s:%d", loc.Path, max(loc.StartLine, 1))
	if linkBase == "" {
		return escapeText(text)
	}
	return fmt.Sprintf("[%s](%s%s#L%d)", escapeText(text), linkBase, escapeURLPath(loc.Path), max(loc.StartLine, 1))
}

// escapeURLPath percent-encodes the characters that would end a Markdown
// link target or change its meaning.
func escapeURLPath(p string) string {
	r := strings.NewReplacer("%", "%25", " ", "%20", "(", "%28", ")", "%29", "#", "%23", "?", "%3F", "<", "%3C", ">", "%3E")
	return r.Replace(p)
}

// escapeText makes untrusted text inert in Markdown: no HTML, no links or
// emphasis from a finding's message.
func escapeText(s string) string {
	r := strings.NewReplacer(
		"&", "&amp;", "<", "&lt;", ">", "&gt;",
		"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
		"|", "\\|", "\r", " ", "\n", " ",
	)
	return r.Replace(s)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
