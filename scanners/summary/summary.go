// Package summary renders the outcome of a scan for people: a Markdown
// report (reports/summary.md, and GitHub's job summary) and a plain table
// for the terminal. It reads only the normalized model, so it shows every
// tool's health beside its results, including tools that failed or did not
// run.
package summary

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Verdict is the policy's decision, already explained in plain lines.
type Verdict struct {
	Pass     bool
	Headline string   // one line: the verdict and its reason, such as "PASS: no result at or above high"
	Details  []string // one line per failure, or counts for a pass
}

// Input is everything a summary shows.
type Input struct {
	Runs    []*finding.Run
	Verdict Verdict
	Reports []string      // paths of the files written, as the user should see them
	Elapsed time.Duration // wall time of the whole scan

	// LinkBase, when set, turns each location into a link: LinkBase +
	// path + "#L" + line. For GitHub it is
	// https://github.com/OWNER/REPO/blob/SHA/. Empty leaves locations as text.
	LinkBase string

	// MaxFindings bounds the findings table. Zero means 50.
	MaxFindings int
}

// entry is one result with the run it came from.
type entry struct {
	run      *finding.Run
	result   *finding.Result
	severity finding.Severity
}

// counts holds the number of results of each severity band.
type counts [finding.SeverityCritical + 1]int

func (c counts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// active reports whether a result counts toward the report: suppressed and
// absent results are listed separately.
func active(r *finding.Result) bool {
	return len(r.Suppressions) == 0 && r.BaselineState != "absent"
}

// collect returns the active results of all runs, most severe first, and
// the per-run severity counts.
func collect(runs []*finding.Run) ([]entry, map[*finding.Run]counts) {
	var entries []entry
	perRun := map[*finding.Run]counts{}
	for _, run := range runs {
		var c counts
		for i := range run.Results {
			res := &run.Results[i]
			if !active(res) {
				continue
			}
			sev := run.SeverityOf(res)
			c[sev]++
			entries = append(entries, entry{run: run, result: res, severity: sev})
		}
		perRun[run] = c
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if c := cmp.Compare(b.severity, a.severity); c != 0 {
			return c
		}
		if c := cmp.Compare(a.result.Location.Path, b.result.Location.Path); c != 0 {
			return c
		}
		return cmp.Compare(a.result.Location.StartLine, b.result.Location.StartLine)
	})
	return entries, perRun
}

// Table writes the terminal summary: one row per tool, then the verdict.
func Table(w io.Writer, in Input) error {
	_, perRun := collect(in.Runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOL\tSTATUS\tRESULTS\tCRITICAL\tHIGH\tMEDIUM\tLOW\tSUPPRESSED\tTIME")
	for _, run := range in.Runs {
		c := perRun[run]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n",
			run.Tool, run.Invocation.Status, c.total(),
			c[finding.SeverityCritical], c[finding.SeverityHigh], c[finding.SeverityMedium],
			c[finding.SeverityLow]+c[finding.SeverityNone], suppressed(run), elapsed(run))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	for _, run := range in.Runs {
		if run.Invocation.Status == finding.StatusNotRun && in.Verdict.Headline != "" {
			continue // the verdict gives the reason the scanner did not run
		}
		for _, n := range run.Invocation.Notifications {
			if n.Level == finding.LevelError || n.Level == finding.LevelWarning {
				fmt.Fprintf(w, "%s: %s: %s\n", run.Tool, n.Level, oneLine(n.Message))
			}
		}
	}

	fmt.Fprintf(w, "\n%s\n", in.Verdict.Headline)
	for _, d := range in.Verdict.Details {
		fmt.Fprintf(w, "  %s\n", d)
	}
	if len(in.Reports) > 0 {
		fmt.Fprintf(w, "reports: %s\n", strings.Join(in.Reports, ", "))
	}
	return nil
}

// suppressed counts the results of run that a comment or the policy
// suppressed, which the other columns leave out.
func suppressed(run *finding.Run) int {
	n := 0
	for i := range run.Results {
		if len(run.Results[i].Suppressions) > 0 {
			n++
		}
	}
	return n
}

func verdictWord(v Verdict) string {
	if v.Pass {
		return "PASS"
	}
	return "FAIL"
}

func elapsed(run *finding.Run) string {
	if run.Invocation.Start.IsZero() || run.Invocation.End.IsZero() {
		return "-"
	}
	return run.Invocation.End.Sub(run.Invocation.Start).Round(100 * time.Millisecond).String()
}

// oneLine folds a multi-line message into one line for tables and logs.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
