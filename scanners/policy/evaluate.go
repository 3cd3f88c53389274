package policy

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Exit codes of `secscan scan`.
const (
	ExitPass          = 0 // no result fails the policy and every required scanner ran
	ExitPolicyFailed  = 1 // at least one result fails the policy
	ExitUsage         = 2 // invalid flags, policy or baseline
	ExitScannerFailed = 3 // a required scanner did not run, or any scanner failed; takes precedence over 1
)

// Suppression kinds, as SARIF names them.
const (
	KindExternal = "external" // suppressed by an entry of the policy
	KindInSource = "inSource" // suppressed by a comment in the code, such as gosec's #nosec
)

// Options are the inputs of Evaluate besides the policy and the runs.
type Options struct {
	// Now decides which suppressions have expired; the zero value means
	// time.Now().
	Now time.Time

	// Getenv reads the environment variable CI, which selects the required
	// scanners; nil means os.Getenv.
	Getenv func(string) string

	// Baseline, when not nil, is compared with the runs: every result gets
	// a baseline state, and the baseline's results that the scan no longer
	// has are appended with state "absent".
	Baseline *Baseline
}

// Verdict is the outcome of a policy evaluation, with what is needed to
// explain it.
type Verdict struct {
	Pass     bool
	ExitCode int

	PolicyFile string // empty for the built-in default policy
	CI         bool   // whether the environment was taken to be CI

	// Failures are the results that fail the policy, most severe first.
	Failures []Failure

	// ScannerFailures are the required scanners that failed or did not
	// run, in the order gosec, govulncheck, Trivy, hadolint.
	ScannerFailures []ScannerFailure

	// Warnings are problems that do not change the exit code, such as a
	// scanner that did not run but is not required.
	Warnings []string

	Counts Counts

	// Suppressed lists every suppression applied to a result, ordered by
	// tool, path and line.
	Suppressed []SuppressedResult

	// Suppressions reports each entry of the policy's suppressions list,
	// in file order.
	Suppressions []SuppressionStatus

	// Baseline is nil when the scan was not compared with a baseline.
	Baseline *BaselineCounts
}

// Counts classify the results of the scan, not counting absent ones. Each
// result is counted once, in the first class that applies, in this order:
// SuppressedInSource, Suppressed, Failed, NotNew, BelowThreshold.
type Counts struct {
	Results            int
	SuppressedInSource int // suppressed by a comment in the code
	Suppressed         int // suppressed by an entry of the policy
	Failed             int
	NotNew             int // at or above the threshold but unchanged since the baseline, with fail_on_new_only
	BelowThreshold     int
}

// ResultRef identifies a result in a verdict.
type ResultRef struct {
	Tool          string
	RuleID        string
	RuleName      string // the rule's short description, else its name
	Path          string
	Line          int
	Message       string
	Rating        Rating
	BaselineState string
	Fingerprint   string
}

// String renders the reference as "gosec G104 app/main.go:12".
func (r ResultRef) String() string {
	where := r.Path
	if r.Line > 0 {
		where = fmt.Sprintf("%s:%d", r.Path, r.Line)
	}
	if where == "" {
		where = "(no location)"
	}
	return fmt.Sprintf("%s %s %s", r.Tool, r.RuleID, where)
}

// Failure is a result that fails the policy.
type Failure struct {
	Result    ResultRef
	Threshold finding.Severity
	Because   Source // the fail_on setting that the result reaches
}

// StatusPartial is the status of a scanner failure for a required scanner
// that completed with parts skipped (finding.Invocation.Skipped).
const StatusPartial finding.Status = "partial"

// ScannerFailure is a scanner whose outcome fails the build: a required
// scanner that failed, did not run or skipped part of its scan, or any
// scanner that started and failed, because its results are then
// incomplete.
type ScannerFailure struct {
	Tool    string
	Status  finding.Status // failed, not-run or StatusPartial
	Reason  string
	Because Source // the required setting that lists the tool; zero when it is not required
}

// Required reports whether the policy's required setting lists the tool.
func (f ScannerFailure) Required() bool {
	return f.Because != (Source{})
}

// SuppressedResult is a result and one suppression that applies to it.
type SuppressedResult struct {
	Result        ResultRef
	Kind          string // KindExternal or KindInSource
	Justification string
	Entry         *Source // the policy entry, for KindExternal
}

// SuppressionState is the outcome of a suppression entry in one evaluation.
type SuppressionState string

const (
	// SuppressionActive means the entry matched and suppressed results.
	SuppressionActive SuppressionState = "active"
	// SuppressionExpired means the entry's expiry date has passed, so it
	// suppressed nothing, whether or not it matched.
	SuppressionExpired SuppressionState = "expired"
	// SuppressionStale means the entry matched no result although every
	// scanner it could match ran to completion: it can be removed.
	SuppressionStale SuppressionState = "stale"
	// SuppressionUnverified means the entry matched no result, but a
	// scanner it could match did not complete, so it may still be needed.
	SuppressionUnverified SuppressionState = "unverified"
)

// SuppressionStatus reports one entry of the suppressions list.
type SuppressionStatus struct {
	Entry   Suppression
	State   SuppressionState
	Matched int // results the entry matched; for an expired entry, the results it no longer suppresses
}

// Evaluate decides whether runs pass policy p, and marks the runs. Each
// result that an active suppression entry matches gets a Suppression of kind
// "external". With a baseline, each result gets a baseline state, and the
// baseline's results that the scan no longer has are appended with state
// "absent". Absent results are counted but never fail the build.
//
// Run it after the fingerprints are filled, because suppressions and the
// baseline match on them, and before the SARIF logs are written, so that
// they contain the marks. Calling it again on the same runs adds no second
// suppression to a result.
func Evaluate(p *Policy, runs []*finding.Run, opts Options) *Verdict {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	v := &Verdict{PolicyFile: p.File, CI: isCI(opts.Getenv)}

	if opts.Baseline != nil {
		counts := opts.Baseline.compare(runs, p.ExcludeFor)
		v.Baseline = &counts
	} else if p.FailOnNewOnly {
		v.Warnings = append(v.Warnings, fmt.Sprintf("%s is set but no baseline was given, so every result counts as new", p.source("fail_on_new_only", "true")))
	}

	v.Suppressions = applySuppressions(p, runs, opts.Now)
	v.gate(p, runs)
	v.checkScanners(p, runs, opts.Getenv)

	switch {
	case len(v.ScannerFailures) > 0:
		v.ExitCode = ExitScannerFailed
	case len(v.Failures) > 0:
		v.ExitCode = ExitPolicyFailed
	default:
		v.ExitCode = ExitPass
	}
	v.Pass = v.ExitCode == ExitPass
	return v
}

// applySuppressions marks the results that an active entry matches and
// returns the state of every entry. The first active entry in file order
// that matches a result writes the result's justification; every entry that
// matches counts the result.
func applySuppressions(p *Policy, runs []*finding.Run, now time.Time) []SuppressionStatus {
	statuses := make([]SuppressionStatus, len(p.Suppressions))
	for i, s := range p.Suppressions {
		statuses[i] = SuppressionStatus{Entry: s, State: SuppressionActive}
		if s.Expired(now) {
			statuses[i].State = SuppressionExpired
		}
	}

	for _, run := range runs {
		for i := range run.Results {
			r := &run.Results[i]
			if r.BaselineState == BaselineAbsent {
				continue
			}
			applied := false
			for j := range p.Suppressions {
				s := &p.Suppressions[j]
				if !s.Matches(run, r) {
					continue
				}
				statuses[j].Matched++
				if applied || statuses[j].State == SuppressionExpired {
					continue
				}
				markExternal(r, s.Justification())
				applied = true
			}
		}
	}

	for i := range statuses {
		st := &statuses[i]
		if st.State == SuppressionActive && st.Matched == 0 {
			st.State = SuppressionStale
			if !completed(runs, st.Entry.Tool) {
				st.State = SuppressionUnverified
			}
		}
	}
	return statuses
}

// markExternal appends an external suppression to r unless r already has
// the same one.
func markExternal(r *finding.Result, justification string) {
	s := finding.Suppression{Kind: KindExternal, Justification: justification}
	if !slices.Contains(r.Suppressions, s) {
		r.Suppressions = append(r.Suppressions, s)
	}
}

// completed reports whether tool's run, or with an empty tool every one of
// the four scanners' runs, is in runs with status ok.
func completed(runs []*finding.Run, tool string) bool {
	tools := allTools
	if tool != "" {
		tools = []string{tool}
	}
	for _, t := range tools {
		run := findRun(runs, t)
		if run == nil || run.Invocation.Status != finding.StatusOK {
			return false
		}
	}
	return true
}

func findRun(runs []*finding.Run, tool string) *finding.Run {
	for _, run := range runs {
		if run != nil && run.Tool == tool {
			return run
		}
	}
	return nil
}

// gate classifies every current result and collects the failures.
func (v *Verdict) gate(p *Policy, runs []*finding.Run) {
	for _, run := range runs {
		threshold, because := p.Threshold(run.Tool)
		for i := range run.Results {
			r := &run.Results[i]
			if r.BaselineState == BaselineAbsent {
				continue
			}
			v.Counts.Results++
			ref := newResultRef(run, r)

			inSource, external := false, false
			for _, s := range r.Suppressions {
				item := SuppressedResult{Result: ref, Kind: s.Kind, Justification: s.Justification}
				if s.Kind == KindExternal {
					external = true
					item.Entry = externalEntry(p, run, r)
				} else {
					inSource = true
				}
				v.Suppressed = append(v.Suppressed, item)
			}

			switch {
			case inSource:
				v.Counts.SuppressedInSource++
			case external:
				v.Counts.Suppressed++
			case !fails(ref.Rating.Severity, threshold):
				v.Counts.BelowThreshold++
			case p.FailOnNewOnly && r.BaselineState == BaselineUnchanged:
				v.Counts.NotNew++
			default:
				v.Counts.Failed++
				v.Failures = append(v.Failures, Failure{Result: ref, Threshold: threshold, Because: because})
			}
		}
	}

	slices.SortStableFunc(v.Failures, func(a, b Failure) int {
		if c := cmp.Compare(b.Result.Rating.Severity, a.Result.Rating.Severity); c != 0 {
			return c
		}
		return compareRefs(a.Result, b.Result)
	})
	slices.SortStableFunc(v.Suppressed, func(a, b SuppressedResult) int {
		return compareRefs(a.Result, b.Result)
	})
}

// externalEntry returns the source of the first active policy entry that
// matches r, which is the one whose justification r carries.
func externalEntry(p *Policy, run *finding.Run, r *finding.Result) *Source {
	for i := range p.Suppressions {
		s := &p.Suppressions[i]
		if s.Matches(run, r) && slices.Contains(r.Suppressions, finding.Suppression{Kind: KindExternal, Justification: s.Justification()}) {
			src := s.Source()
			return &src
		}
	}
	return nil
}

func compareRefs(a, b ResultRef) int {
	return cmp.Or(
		cmp.Compare(slices.Index(allTools, a.Tool), slices.Index(allTools, b.Tool)),
		strings.Compare(a.Tool, b.Tool),
		strings.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		strings.Compare(a.RuleID, b.RuleID),
	)
}

func newResultRef(run *finding.Run, r *finding.Result) ResultRef {
	ref := ResultRef{
		Tool:          run.Tool,
		RuleID:        r.RuleID,
		Path:          r.Location.Path,
		Line:          r.Location.StartLine,
		Message:       r.Message,
		Rating:        Rate(run, r),
		BaselineState: r.BaselineState,
		Fingerprint:   r.Fingerprint,
	}
	if rule := run.Rule(r.RuleID); rule != nil {
		ref.RuleName = cmp.Or(rule.ShortDescription, rule.Name)
	}
	return ref
}

// checkScanners records as failures the required scanners that did not
// complete and every scanner that started and failed, whose results are
// incomplete. A scanner that is not required and did not run, or that the
// scan did not select, is a warning.
func (v *Verdict) checkScanners(p *Policy, runs []*finding.Run, getenv func(string) string) {
	required, because := p.Required(getenv)
	for _, tool := range allTools {
		run := findRun(runs, tool)
		if run == nil {
			if slices.Contains(required, tool) {
				v.Warnings = append(v.Warnings, fmt.Sprintf("%s was not selected for this scan, so %s was not checked for it", tool, because))
			}
			continue
		}
		status := run.Invocation.Status
		if status == finding.StatusOK && len(run.Invocation.Skipped) > 0 {
			reason := strings.Join(run.Invocation.Skipped, " and ") + " did not run: " + runFailureReason(run)
			if slices.Contains(required, tool) {
				v.ScannerFailures = append(v.ScannerFailures, ScannerFailure{Tool: tool, Status: StatusPartial, Reason: reason, Because: because})
			} else {
				v.Warnings = append(v.Warnings, fmt.Sprintf("%s ran in part (%s); not required by %s", tool, reason, because))
			}
			continue
		}
		if status == finding.StatusOK {
			continue
		}
		reason := runFailureReason(run)
		switch {
		case slices.Contains(required, tool):
			v.ScannerFailures = append(v.ScannerFailures, ScannerFailure{Tool: tool, Status: status, Reason: reason, Because: because})
		case status == finding.StatusFailed:
			v.ScannerFailures = append(v.ScannerFailures, ScannerFailure{Tool: tool, Status: status, Reason: reason})
		default:
			v.Warnings = append(v.Warnings, fmt.Sprintf("%s did not complete (%s: %s); not required by %s", tool, statusText(status), reason, because))
		}
	}
}

func statusText(s finding.Status) string {
	if s == "" {
		return "missing"
	}
	return string(s)
}

// runFailureReason joins the error notifications of run, else its
// warnings, because a scanner that did not run gives its reason in a
// warning. Without either it returns "no error was recorded".
func runFailureReason(run *finding.Run) string {
	for _, level := range []finding.Level{finding.LevelError, finding.LevelWarning} {
		var msgs []string
		for _, n := range run.Invocation.Notifications {
			if n.Level == level {
				msgs = append(msgs, n.Message)
			}
		}
		if len(msgs) > 0 {
			return strings.Join(msgs, "; ")
		}
	}
	return "no error was recorded"
}
