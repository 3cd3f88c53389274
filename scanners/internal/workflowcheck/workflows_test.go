package workflowcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// workflow is the part of a workflow file that the checks read.
type workflow struct {
	On          yaml.Node      `yaml:"on"` // a name, a list of names or a map of triggers
	Permissions yaml.Node      `yaml:"permissions"`
	Jobs        map[string]job `yaml:"jobs"`
}

type job struct {
	Permissions    yaml.Node `yaml:"permissions"`
	TimeoutMinutes int       `yaml:"timeout-minutes"`
	Uses           yaml.Node `yaml:"uses"` // a reusable workflow
	Steps          []step    `yaml:"steps"`
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses yaml.Node         `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// triggers returns the events that start w.
func (w *workflow) triggers() []string {
	switch w.On.Kind {
	case yaml.ScalarNode:
		return []string{w.On.Value}
	case yaml.SequenceNode:
		var names []string
		for _, n := range w.On.Content {
			names = append(names, n.Value)
		}
		return names
	case yaml.MappingNode:
		var names []string
		for i := 0; i < len(w.On.Content); i += 2 {
			names = append(names, w.On.Content[i].Value)
		}
		return names
	}
	return nil
}

// label names a step in a problem report.
func (s step) label(i int) string {
	if s.Name != "" {
		return fmt.Sprintf("step %d (%s)", i+1, s.Name)
	}
	return fmt.Sprintf("step %d", i+1)
}

// repoRoot returns the repository root: the closest parent folder of the
// test's folder that has a go.work file.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test folder; run the test inside the repository")
		}
		dir = parent
	}
}

func parseWorkflow(t *testing.T, data []byte) *workflow {
	t.Helper()
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("parsing workflow: %v", err)
	}
	if len(w.Jobs) == 0 {
		t.Fatal("workflow has no jobs")
	}
	return &w
}

// loadWorkflows parses every workflow under .github/workflows, by file name.
func loadWorkflows(t *testing.T, root string) map[string]*workflow {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no workflows in .github/workflows")
	}
	workflows := map[string]*workflow{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("parsing %s", filepath.Base(p))
		workflows[filepath.Base(p)] = parseWorkflow(t, data)
	}
	return workflows
}

// sortedJobs returns the job names of w in a fixed order.
func sortedJobs(w *workflow) []string {
	names := make([]string, 0, len(w.Jobs))
	for name := range w.Jobs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// makeCall matches a make command at the start of a shell command, and
// captures its arguments up to the end of that command.
var makeCall = regexp.MustCompile(`(?m)(?:^|[;&|(]|&&|\|\|)[ \t]*make((?:[ \t]+[^\s;&|#)]+)*)`)

// makeTargets returns the make targets that a run script calls.
func makeTargets(script string) []string {
	var targets []string
	for _, m := range makeCall.FindAllStringSubmatch(script, -1) {
		for _, arg := range strings.Fields(m[1]) {
			if strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
				continue // a flag or a variable assignment
			}
			targets = append(targets, arg)
		}
	}
	return targets
}

// ruleLine matches a Makefile rule: targets, then ":" or "::" that does
// not start an assignment (":=", "::=").
var ruleLine = regexp.MustCompile(`^([^\s:=#][^:=#]*?)\s*::?(?:[^=]|$)`)

// makefileRules returns the explicit targets of a Makefile, without
// special targets such as .PHONY and targets named by variables.
func makefileRules(makefile string) map[string]bool {
	rules := map[string]bool{}
	for _, line := range strings.Split(makefile, "\n") {
		m := ruleLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, target := range strings.Fields(m[1]) {
			if strings.HasPrefix(target, ".") || strings.Contains(target, "$") {
				continue
			}
			rules[target] = true
		}
	}
	return rules
}

// checkMakeTargets reports make targets that w calls and rules lacks.
func checkMakeTargets(w *workflow, rules map[string]bool) []string {
	var problems []string
	for _, name := range sortedJobs(w) {
		for i, s := range w.Jobs[name].Steps {
			for _, target := range makeTargets(s.Run) {
				if !rules[target] {
					problems = append(problems, fmt.Sprintf("job %s %s: make %s, but the Makefile has no rule %s", name, s.label(i), target, target))
				}
			}
		}
	}
	return problems
}

var (
	pinnedAction   = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$`)
	pinnedImage    = regexp.MustCompile(`^docker://[^@\s]+@sha256:[0-9a-f]{64}$`)
	versionComment = regexp.MustCompile(`^#\s*v\d+(?:\.\d+){0,2}$`)
)

// checkUses reports one uses: reference that is not pinned, or "" when it is.
func checkUses(uses yaml.Node) string {
	ref := uses.Value
	switch {
	case strings.HasPrefix(ref, "./"):
		return "" // an action or workflow in this repository
	case strings.HasPrefix(ref, "docker://"):
		if !pinnedImage.MatchString(ref) {
			return fmt.Sprintf("%s is not pinned by a sha256 digest", ref)
		}
		return ""
	case !pinnedAction.MatchString(ref):
		return fmt.Sprintf("%s is not pinned to a full 40-digit commit SHA", ref)
	case !versionComment.MatchString(strings.TrimSpace(uses.LineComment)):
		return fmt.Sprintf("%s has no version comment such as \"# v4.2.2\" (got %q)", ref, uses.LineComment)
	}
	return ""
}

// checkPinned reports every action that w uses without a pinned SHA and a
// version comment.
func checkPinned(w *workflow) []string {
	var problems []string
	for _, name := range sortedJobs(w) {
		j := w.Jobs[name]
		if j.Uses.Value != "" {
			if p := checkUses(j.Uses); p != "" {
				problems = append(problems, fmt.Sprintf("job %s: %s", name, p))
			}
		}
		for i, s := range j.Steps {
			if s.Uses.Value == "" {
				continue
			}
			if p := checkUses(s.Uses); p != "" {
				problems = append(problems, fmt.Sprintf("job %s %s: %s", name, s.label(i), p))
			}
		}
	}
	return problems
}

// writeScopes are the permissions that a job may ask to write.
// security-events lets upload-sarif publish to code scanning.
var writeScopes = []string{"security-events"}

// checkPermissionNode reports what is wrong with one permissions block.
// The workflow level may grant no write access; a job may write only
// writeScopes.
func checkPermissionNode(where string, node yaml.Node, jobLevel bool) []string {
	switch node.Kind {
	case yaml.ScalarNode:
		if node.Value == "read-all" {
			return nil
		}
		return []string{fmt.Sprintf("%s: permissions: %s; list the scopes the job needs instead", where, node.Value)}
	case yaml.MappingNode:
		var problems []string
		for i := 0; i+1 < len(node.Content); i += 2 {
			scope, access := node.Content[i].Value, node.Content[i+1].Value
			switch {
			case access == "read" || access == "none":
			case access == "write" && jobLevel && slices.Contains(writeScopes, scope):
			case access == "write":
				problems = append(problems, fmt.Sprintf("%s: %s: write is more than least privilege", where, scope))
			default:
				problems = append(problems, fmt.Sprintf("%s: %s: invalid access %q", where, scope, access))
			}
		}
		return problems
	}
	return []string{fmt.Sprintf("%s: permissions is neither a scope list nor read-all", where)}
}

// checkPermissions reports jobs that run with the repository's default
// token permissions, and permissions beyond least privilege.
func checkPermissions(w *workflow) []string {
	var problems []string
	workflowLevel := w.Permissions.Kind != 0
	if workflowLevel {
		problems = append(problems, checkPermissionNode("workflow", w.Permissions, false)...)
	}
	for _, name := range sortedJobs(w) {
		j := w.Jobs[name]
		if j.Permissions.Kind == 0 {
			if !workflowLevel {
				problems = append(problems, fmt.Sprintf("job %s: no permissions at the job or workflow level, so it gets the repository's default token", name))
			}
			continue
		}
		problems = append(problems, checkPermissionNode("job "+name, j.Permissions, true)...)
	}
	return problems
}

// checkHardening reports jobs without a time limit and checkouts that keep
// the token in .git/config.
func checkHardening(w *workflow) []string {
	var problems []string
	for _, name := range sortedJobs(w) {
		j := w.Jobs[name]
		if j.Uses.Value == "" && j.TimeoutMinutes <= 0 {
			problems = append(problems, fmt.Sprintf("job %s: no timeout-minutes", name))
		}
		for i, s := range j.Steps {
			if strings.HasPrefix(s.Uses.Value, "actions/checkout@") && s.With["persist-credentials"] != false {
				problems = append(problems, fmt.Sprintf("job %s %s: checkout without persist-credentials: false", name, s.label(i)))
			}
		}
	}
	return problems
}

func TestWorkflowMakeTargets(t *testing.T) {
	root := repoRoot(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	rules := makefileRules(string(makefile))

	for file, w := range loadWorkflows(t, root) {
		for _, p := range checkMakeTargets(w, rules) {
			t.Errorf("%s: %s", file, p)
		}
	}
}

// TestWorkflowCalls checks that each workflow runs the make targets that
// make it useful, so that a rename cannot drop one unnoticed.
func TestWorkflowCalls(t *testing.T) {
	want := map[string][]string{
		"security.yml": {"security-scan", "trivy"},
		"ci.yml":       {"scan-docker", "test", "trivy", "vet"},
	}
	workflows := loadWorkflows(t, repoRoot(t))
	for file, targets := range want {
		w, ok := workflows[file]
		if !ok {
			t.Errorf("no workflow %s", file)
			continue
		}
		var got []string
		for _, name := range sortedJobs(w) {
			for _, s := range w.Jobs[name].Steps {
				got = append(got, makeTargets(s.Run)...)
			}
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if diff := cmp.Diff(targets, got); diff != "" {
			t.Errorf("%s: make targets mismatch (-want +got):\n%s", file, diff)
		}
	}
}

func TestWorkflowPinnedActions(t *testing.T) {
	for file, w := range loadWorkflows(t, repoRoot(t)) {
		for _, p := range checkPinned(w) {
			t.Errorf("%s: %s", file, p)
		}
	}
}

func TestWorkflowPermissions(t *testing.T) {
	for file, w := range loadWorkflows(t, repoRoot(t)) {
		for _, p := range checkPermissions(w) {
			t.Errorf("%s: %s", file, p)
		}
	}
}

func TestWorkflowHardening(t *testing.T) {
	for file, w := range loadWorkflows(t, repoRoot(t)) {
		for _, p := range checkHardening(w) {
			t.Errorf("%s: %s", file, p)
		}
	}
}

func TestWorkflowGoVersionFile(t *testing.T) {
	root := repoRoot(t)
	for file, w := range loadWorkflows(t, root) {
		for _, name := range sortedJobs(w) {
			for i, s := range w.Jobs[name].Steps {
				if !strings.HasPrefix(s.Uses.Value, "actions/setup-go@") {
					continue
				}
				versionFile, _ := s.With["go-version-file"].(string)
				if versionFile == "" {
					t.Errorf("%s: job %s %s: setup-go without go-version-file", file, name, s.label(i))
					continue
				}
				if _, err := os.Stat(filepath.Join(root, versionFile)); err != nil {
					t.Errorf("%s: job %s %s: go-version-file %s: %v", file, name, s.label(i), versionFile, err)
				}
			}
		}
	}
}

// TestSecurityWorkflowOrder checks that the security workflow publishes its
// findings even when the policy fails: the uploads run unless the run was
// cancelled, and the policy is applied by the last step.
func TestSecurityWorkflowOrder(t *testing.T) {
	w := loadWorkflows(t, repoRoot(t))["security.yml"]
	if w == nil {
		t.Fatal("no workflow security.yml")
	}
	for _, trigger := range []string{"push", "pull_request", "schedule", "workflow_dispatch"} {
		if !slices.Contains(w.triggers(), trigger) {
			t.Errorf("security.yml does not run on %s", trigger)
		}
	}

	steps := w.Jobs["secscan"].Steps
	scan := slices.IndexFunc(steps, func(s step) bool { return s.ID == "scan" })
	if scan < 0 {
		t.Fatal("security.yml: job secscan has no step with id scan")
	}
	if !slices.Contains(makeTargets(steps[scan].Run), "security-scan") {
		t.Errorf("security.yml: the scan step does not run make security-scan")
	}

	var sarifUploads, artifactUploads int
	for i, s := range steps[scan+1:] {
		label := s.label(scan + 1 + i)
		if !strings.Contains(s.If, "!cancelled()") && !strings.Contains(s.If, "always()") {
			t.Errorf("security.yml: %s after the scan has if: %q; it must run after a failed step too", label, s.If)
		}
		switch {
		case strings.HasPrefix(s.Uses.Value, "github/codeql-action/upload-sarif@"):
			sarifUploads++
		case strings.HasPrefix(s.Uses.Value, "actions/upload-artifact@"):
			artifactUploads++
			if path, _ := s.With["path"].(string); !strings.HasPrefix(path, "reports") {
				t.Errorf("security.yml: %s uploads %q, want the reports folder", label, path)
			}
		}
	}
	if sarifUploads != 1 || artifactUploads != 1 {
		t.Errorf("security.yml: %d SARIF uploads and %d artifact uploads after the scan, want 1 and 1", sarifUploads, artifactUploads)
	}

	gate := steps[len(steps)-1]
	readsExitCode := false
	for _, value := range gate.Env {
		readsExitCode = readsExitCode || strings.Contains(value, "steps.scan.outputs.exit-code")
	}
	if !readsExitCode || !strings.Contains(gate.Run, "exit") {
		t.Errorf("security.yml: the last step (%s) does not apply the exit code that the scan step recorded", gate.Name)
	}
}

// TestChecksCatchProblems runs the checks on workflows with known problems,
// so that a check that reports nothing is known to work.
func TestChecksCatchProblems(t *testing.T) {
	const bad = `
on: push
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions:
      contents: write
      security-events: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@4b73464bb391d4059bd26b0524d20df3927bd417
      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # main
      - uses: docker://alpine:3.20
      - uses: ./.github/actions/local
      - run: make build && make -j2 deploy GOFLAGS=-v
  other:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: echo make nothing
`
	w := parseWorkflow(t, []byte(bad))
	rules := makefileRules("build:\n\tgo build\n$(BIN): x\n.PHONY: deploy\nVAR := a:b\n")

	tests := []struct {
		name  string
		check func() []string
		want  []string
	}{
		{"make targets", func() []string { return checkMakeTargets(w, rules) }, []string{
			"job build step 6: make deploy, but the Makefile has no rule deploy",
		}},
		{"pinned", func() []string { return checkPinned(w) }, []string{
			"job build step 1: actions/checkout@v4 is not pinned to a full 40-digit commit SHA",
			`job build step 2: actions/setup-go@4b73464bb391d4059bd26b0524d20df3927bd417 has no version comment such as "# v4.2.2" (got "")`,
			`job build step 3: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 has no version comment such as "# v4.2.2" (got "# main")`,
			"job build step 4: docker://alpine:3.20 is not pinned by a sha256 digest",
		}},
		{"permissions", func() []string { return checkPermissions(w) }, []string{
			"workflow: permissions: write-all; list the scopes the job needs instead",
			"job build: contents: write is more than least privilege",
		}},
		{"hardening", func() []string { return checkHardening(w) }, []string{
			"job build: no timeout-minutes",
			"job build step 1: checkout without persist-credentials: false",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.check()); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPermissionsMissing(t *testing.T) {
	w := parseWorkflow(t, []byte("on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: 'true'}]\n"))
	want := []string{"job a: no permissions at the job or workflow level, so it gets the repository's default token"}
	if diff := cmp.Diff(want, checkPermissions(w)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}
