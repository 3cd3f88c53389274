package govulncheck

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
)

// codeFlows turns the call stacks of a called vulnerability into code flows
// that run from the entry point to the call that leads to the vulnerable
// function. Only frames in repository files become steps. Flows with the
// same vulnerable function and steps are kept once, and at most maxFlows
// are kept, in the order of their vulnerable function and steps.
func (t target) codeFlows(g *group) ([]finding.CodeFlow, []string) {
	type candidate struct {
		sink string
		key  string
		flow finding.CodeFlow
	}
	seen := map[string]bool{}
	var cands []candidate
	for _, f := range g.findings {
		flow := t.codeFlow(f)
		if len(flow.Steps) == 0 {
			continue
		}
		sink := symbol(f.Trace[0])
		key := sink + "\n" + flowKey(flow)
		if seen[key] {
			continue
		}
		seen[key] = true
		cands = append(cands, candidate{sink: sink, key: key, flow: flow})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].sink != cands[j].sink {
			return cands[i].sink < cands[j].sink
		}
		return cands[i].key < cands[j].key
	})

	var notes []string
	if len(cands) > maxFlows {
		notes = append(notes, fmt.Sprintf("%s in %s: kept %d of %d distinct call stacks", g.osv, t.module.Rel, maxFlows, len(cands)))
		cands = cands[:maxFlows]
	}
	flows := make([]finding.CodeFlow, 0, len(cands))
	for _, c := range cands {
		flows = append(flows, c.flow)
	}
	return flows, notes
}

// codeFlow converts one call stack. Trace[0] is the vulnerable function and
// the last frame is the entry point. The position of every other frame is
// the call that it makes to the frame before it.
func (t target) codeFlow(f *vulnFinding) finding.CodeFlow {
	var steps []finding.Step
	omitted := 0
	for i := len(f.Trace) - 1; i >= 0; i-- {
		fr := f.Trace[i]
		if fr == nil {
			continue
		}
		loc, ok := t.locate(fr)
		if !ok {
			omitted++
			continue
		}
		msg := symbol(fr)
		if i > 0 && f.Trace[i-1] != nil {
			msg += " calls " + symbol(f.Trace[i-1])
		}
		steps = append(steps, finding.Step{Location: loc, Message: msg})
	}

	dropped := 0
	if len(steps) > maxSteps {
		dropped = len(steps) - maxSteps
		steps = append(steps[:maxSteps-1], steps[len(steps)-1])
	}

	var entry string
	if last := f.Trace[len(f.Trace)-1]; last != nil {
		entry = symbol(last)
	}
	msg := fmt.Sprintf("Call stack from %s to the vulnerable function %s", entry, symbol(f.Trace[0]))
	if omitted > 0 {
		msg += fmt.Sprintf("; %d frames outside the repository are not shown", omitted)
	}
	if dropped > 0 {
		msg += fmt.Sprintf("; %d frames before the last step are not shown", dropped)
	}
	return finding.CodeFlow{Message: msg, Steps: steps}
}

// locate returns the repository location of a frame, or false when the
// frame has no position or is outside the repository (a dependency or the
// standard library).
func (t target) locate(fr *frame) (finding.Location, bool) {
	if fr.Position == nil || fr.Position.Line <= 0 || fr.Position.Filename == "" {
		return finding.Location{}, false
	}
	dir, ok := t.moduleDirs[fr.Module]
	if !ok && (strings.HasPrefix(fr.Module, "./") || strings.HasPrefix(fr.Module, "../")) {
		// A replace directive with a directory names the module by
		// that directory, relative to the scanned module.
		dir, ok = filepath.Join(t.module.Dir, filepath.FromSlash(fr.Module)), true
	}
	if !ok {
		return finding.Location{}, false
	}
	abs := filepath.Join(dir, filepath.FromSlash(fr.Position.Filename))
	rel, err := gomod.RelPath(t.root, abs)
	if err != nil {
		return finding.Location{}, false
	}
	loc := finding.Location{Path: rel, StartLine: fr.Position.Line}
	if fr.Position.Column > 0 {
		loc.StartColumn = t.cols.UTF16(abs, fr.Position.Line, fr.Position.Column)
	}
	return loc, true
}

func flowKey(flow finding.CodeFlow) string {
	var b strings.Builder
	for _, s := range flow.Steps {
		fmt.Fprintf(&b, "%s:%d:%d %s\n", s.Location.Path, s.Location.StartLine, s.Location.StartColumn, s.Message)
	}
	return b.String()
}
