package sariflog

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// encode serializes r and checks the result against the SARIF 2.1.0 schema
// and GitHub's rules, failing the test on any problem.
func encode(t testing.TB, r *sarif.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if problems := validate.Validate(buf.Bytes()); len(problems) > 0 {
		var b strings.Builder
		validate.WriteProblems(&b, "log", problems)
		t.Fatalf("the log has problems:\n%s", b.String())
	}
	return buf.Bytes()
}

func build(t testing.TB, runs []*finding.Run, opts Options) (*sarif.Report, []byte) {
	t.Helper()
	r, err := Build(runs, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r, encode(t, r)
}

// decoded is a serialized log read back as generic JSON, for assertions on
// what is written rather than on go-sarif's structures.
type decoded = map[string]any

func decode(t testing.TB, data []byte) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// get follows a path of keys and indexes through decoded JSON.
func get(v any, path ...any) any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			a, _ := v.([]any)
			if s >= len(a) {
				return nil
			}
			v = a[s]
		}
	}
	return v
}

func runOf(d decoded, tool string) map[string]any {
	for _, r := range get(d, "runs").([]any) {
		if get(r, "tool", "driver", "name") == tool {
			return r.(map[string]any)
		}
	}
	return nil
}

func notificationTexts(run map[string]any) []string {
	var out []string
	notes, _ := get(run, "invocations", 0, "toolExecutionNotifications").([]any)
	for _, n := range notes {
		out = append(out, get(n, "message", "text").(string))
	}
	return out
}

func hasNotification(run map[string]any, substring string) bool {
	return slices.ContainsFunc(notificationTexts(run), func(s string) bool { return strings.Contains(s, substring) })
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestBuildGolden(t *testing.T) {
	tests := []struct {
		golden string
		runs   func() []*finding.Run
	}{
		{"merged.sarif", sampleRuns},
		{"edge-cases.sarif", edgeCaseRuns},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			_, got := build(t, tt.runs(), Options{})
			golden(t, tt.golden, got)
		})
	}
}

func TestBuildRunOrderAndIdentity(t *testing.T) {
	_, data := build(t, sampleRuns(), Options{})
	d := decode(t, data)

	var names, ids []string
	for _, r := range get(d, "runs").([]any) {
		names = append(names, get(r, "tool", "driver", "name").(string))
		ids = append(ids, get(r, "automationDetails", "id").(string))
	}
	if diff := cmp.Diff([]string{"gosec", "govulncheck", "Trivy", "hadolint"}, names); diff != "" {
		t.Errorf("driver names (-want +got):\n%s", diff)
	}
	wantIDs := []string{"secscan/gosec/", "secscan/govulncheck/", "secscan/trivy/", "secscan/hadolint/"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("automationDetails ids (-want +got):\n%s", diff)
	}
	if got := get(d, "$schema"); got != "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json" {
		t.Errorf("$schema = %v", got)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Error("the log does not end with a newline")
	}
}

func TestBuildVersions(t *testing.T) {
	tests := []struct {
		version      string
		wantVersion  any
		wantSemantic any
	}{
		{"2.30.0", "2.30.0", "2.30.0"},
		{"v1.9.0", "v1.9.0", "1.9.0"},
		{"1.0.0-rc.1+build.5", "1.0.0-rc.1+build.5", "1.0.0-rc.1+build.5"},
		{"dev", "dev", nil},
		{"1.2", "1.2", nil},
		{"", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			_, data := build(t, []*finding.Run{{Tool: "gosec", Version: tt.version, Invocation: finding.Invocation{Status: finding.StatusOK}}}, Options{})
			driver := get(decode(t, data), "runs", 0, "tool", "driver")
			if got := get(driver, "version"); got != tt.wantVersion {
				t.Errorf("version = %v, want %v", got, tt.wantVersion)
			}
			if got := get(driver, "semanticVersion"); got != tt.wantSemantic {
				t.Errorf("semanticVersion = %v, want %v", got, tt.wantSemantic)
			}
		})
	}
}

func TestBuildEmptyRunHasArrays(t *testing.T) {
	_, data := build(t, []*finding.Run{{Tool: "gosec", Invocation: finding.Invocation{Status: finding.StatusOK}}}, Options{})
	for _, want := range []string{`"results": []`, `"rules": []`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the log lacks %s:\n%s", want, data)
		}
	}
	if bytes.Contains(data, []byte("null")) {
		t.Errorf("the log contains null:\n%s", data)
	}
}

func TestBuildInvocationStatus(t *testing.T) {
	tests := []struct {
		status         finding.Status
		wantSuccessful bool
		wantExitCode   any
		wantNote       string
	}{
		{finding.StatusOK, true, 0.0, ""},
		{finding.StatusFailed, false, 3.0, "gosec failed, so its results are partial"},
		{finding.StatusNotRun, false, nil, "gosec did not run"},
		{"exploded", false, 3.0, `unknown status "exploded"`},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			run := &finding.Run{Tool: "gosec", Invocation: finding.Invocation{Status: tt.status, ExitCode: 3, Start: start, End: end}}
			if tt.status == finding.StatusOK {
				run.Invocation.ExitCode = 0
			}
			_, data := build(t, []*finding.Run{run}, Options{})
			r := runOf(decode(t, data), "gosec")

			inv := get(r, "invocations", 0)
			if got := get(inv, "executionSuccessful"); got != tt.wantSuccessful {
				t.Errorf("executionSuccessful = %v, want %v", got, tt.wantSuccessful)
			}
			if got := get(inv, "exitCode"); got != tt.wantExitCode {
				t.Errorf("exitCode = %v, want %v", got, tt.wantExitCode)
			}
			if got := get(inv, "startTimeUtc"); got != "2025-03-04T10:00:00Z" {
				t.Errorf("startTimeUtc = %v", got)
			}
			if tt.wantNote == "" {
				if notes := notificationTexts(r); len(notes) != 0 {
					t.Errorf("notifications = %q, want none", notes)
				}
			} else if !hasNotification(r, tt.wantNote) {
				t.Errorf("notifications %q lack %q", notificationTexts(r), tt.wantNote)
			}
		})
	}
}

func TestBuildTimesInUTC(t *testing.T) {
	paris := start.In(time.FixedZone("CET", 3600))
	run := &finding.Run{Tool: "gosec", Invocation: finding.Invocation{Status: finding.StatusOK, Start: paris, End: paris}}
	_, data := build(t, []*finding.Run{run}, Options{})
	if got := get(decode(t, data), "runs", 0, "invocations", 0, "endTimeUtc"); got != "2025-03-04T10:00:00Z" {
		t.Errorf("endTimeUtc = %v, want 2025-03-04T10:00:00Z", got)
	}
}

func TestBuildRuleIndexAfterSorting(t *testing.T) {
	run := &finding.Run{Tool: "gosec", Invocation: finding.Invocation{Status: finding.StatusOK}}
	for _, id := range []string{"G601", "G104", "G401", "G101"} {
		run.Rules = append(run.Rules, finding.Rule{ID: id, SecuritySeverity: 5})
		run.Results = append(run.Results, finding.Result{RuleID: id, Message: id, Location: finding.Location{Path: "a.go", StartLine: 1}})
	}
	_, data := build(t, []*finding.Run{run}, Options{})
	r := runOf(decode(t, data), "gosec")

	var ids []string
	for _, rule := range get(r, "tool", "driver", "rules").([]any) {
		ids = append(ids, get(rule, "id").(string))
	}
	if diff := cmp.Diff([]string{"G101", "G104", "G401", "G601"}, ids); diff != "" {
		t.Errorf("rule order (-want +got):\n%s", diff)
	}
	for i, res := range get(r, "results").([]any) {
		index := int(get(res, "ruleIndex").(float64))
		if got, want := get(r, "tool", "driver", "rules", index, "id"), get(res, "ruleId"); got != want {
			t.Errorf("result %d: ruleIndex %d points at %v, ruleId is %v", i, index, got, want)
		}
	}
}

func TestBuildUnknownRule(t *testing.T) {
	run := &finding.Run{
		Tool:  "hadolint",
		Rules: []finding.Rule{{ID: "DL3006", SecuritySeverity: 4}},
		Results: []finding.Result{
			{RuleID: "DL3007", Level: finding.LevelWarning, Message: "latest tag", Location: finding.Location{Path: "Dockerfile", StartLine: 1}},
			{RuleID: "DL3007", Level: finding.LevelError, Message: "latest tag again", Location: finding.Location{Path: "Dockerfile", StartLine: 4}},
			{RuleID: "DL3006", Message: "untagged", Location: finding.Location{Path: "Dockerfile", StartLine: 2}},
		},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	_, data := build(t, []*finding.Run{run}, Options{})
	r := runOf(decode(t, data), "hadolint")

	rule := get(r, "tool", "driver", "rules", 1)
	if got := get(rule, "id"); got != "DL3007" {
		t.Fatalf("rule 1 = %v, want the generic DL3007", got)
	}
	if got := get(rule, "properties", "security-severity"); got != "8.0" {
		t.Errorf("generic rule security-severity = %v, want 8.0 from its most severe result (error)", got)
	}
	if got := get(rule, "defaultConfiguration", "level"); got != "error" {
		t.Errorf("generic rule level = %v, want error", got)
	}
	if !hasNotification(r, "did not describe; they were given generic rule metadata: DL3007") {
		t.Errorf("notifications %q lack the generic rule", notificationTexts(r))
	}
}

func TestBuildRuleMetadata(t *testing.T) {
	long := strings.Repeat("é", 1500)
	tests := []struct {
		name  string
		rule  finding.Rule
		check func(t *testing.T, rule any)
	}{
		{
			name: "descriptions fall back to the name and id",
			rule: finding.Rule{ID: "X1"},
			check: func(t *testing.T, rule any) {
				for _, field := range []string{"shortDescription", "fullDescription", "help"} {
					if got := get(rule, field, "text"); got != "X1" {
						t.Errorf("%s = %v, want X1", field, got)
					}
				}
				if got := get(rule, "name"); got != "X1" {
					t.Errorf("name = %v, want X1", got)
				}
			},
		},
		{
			name: "long description is truncated with an ellipsis",
			rule: finding.Rule{ID: "X1", ShortDescription: long, FullDescription: long},
			check: func(t *testing.T, rule any) {
				got := get(rule, "fullDescription", "text").(string)
				if n := len(utf16.Encode([]rune(got))); n != 1024 {
					t.Errorf("fullDescription has %d UTF-16 code units, want 1024", n)
				}
				if !strings.HasSuffix(got, "é…") {
					t.Errorf("fullDescription ends with %q, want é…", got[len(got)-8:])
				}
				if get(rule, "help", "text") != long {
					t.Error("help text was truncated; it has no length limit")
				}
			},
		},
		{
			name: "name is truncated to 255",
			rule: finding.Rule{ID: "X1", Name: strings.Repeat("N", 300)},
			check: func(t *testing.T, rule any) {
				if n := len(get(rule, "name").(string)); n != 254+len("…") {
					t.Errorf("name has %d bytes, want 254 letters and an ellipsis", n)
				}
			},
		},
		{
			name: "tags are unique, sorted, with security",
			rule: finding.Rule{ID: "X1", Tags: []string{"z", "a", "z", "", "External/CWE/CWE-89"}},
			check: func(t *testing.T, rule any) {
				want := []any{"a", "external/cwe/cwe-89", "security", "z"}
				if diff := cmp.Diff(want, get(rule, "properties", "tags")); diff != "" {
					t.Errorf("tags (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "help markdown links the help URI",
			rule: finding.Rule{ID: "DL3006", HelpText: "Always tag the image.", HelpURI: "https://github.com/hadolint/hadolint/wiki/DL3006"},
			check: func(t *testing.T, rule any) {
				want := "Always tag the image.\n\n[More information](https://github.com/hadolint/hadolint/wiki/DL3006)"
				if got := get(rule, "help", "markdown"); got != want {
					t.Errorf("help.markdown = %q, want %q", got, want)
				}
			},
		},
		{
			name: "invalid help URI is left out",
			rule: finding.Rule{ID: "X1", HelpURI: "wiki/X1"},
			check: func(t *testing.T, rule any) {
				if got := get(rule, "helpUri"); got != nil {
					t.Errorf("helpUri = %v, want none", got)
				}
			},
		},
		{
			name: "invalid precision is left out",
			rule: finding.Rule{ID: "X1", Precision: "excellent"},
			check: func(t *testing.T, rule any) {
				if got := get(rule, "properties", "precision"); got != nil {
					t.Errorf("precision = %v, want none", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &finding.Run{Tool: "Trivy", Rules: []finding.Rule{tt.rule}, Invocation: finding.Invocation{Status: finding.StatusOK}}
			_, data := build(t, []*finding.Run{run}, Options{})
			tt.check(t, get(decode(t, data), "runs", 0, "tool", "driver", "rules", 0))
		})
	}
}

func TestBuildSecuritySeverity(t *testing.T) {
	tests := []struct {
		severity float64
		level    finding.Level
		want     string
	}{
		{8, finding.LevelError, "8.0"},
		{9.8, finding.LevelError, "9.8"},
		{7.25, finding.LevelError, "7.2"},
		{0, finding.LevelNote, "0.0"},
		{-1, finding.LevelNote, "0.0"},
		{12, finding.LevelError, "10.0"},
		{math.Inf(1), finding.LevelError, "10.0"},
		{math.NaN(), finding.LevelWarning, "5.5"}, // derived from the level
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.severity), func(t *testing.T) {
			run := &finding.Run{Tool: "Trivy", Rules: []finding.Rule{{ID: "X1", SecuritySeverity: tt.severity, Level: tt.level}}, Invocation: finding.Invocation{Status: finding.StatusOK}}
			_, data := build(t, []*finding.Run{run}, Options{})
			d := decode(t, data)
			if got := get(d, "runs", 0, "tool", "driver", "rules", 0, "properties", "security-severity"); got != tt.want {
				t.Errorf("security-severity = %v, want %q", got, tt.want)
			}
			if math.IsNaN(tt.severity) && !hasNotification(runOf(d, "Trivy"), "not a number") {
				t.Error("no notification for a security severity that is not a number")
			}
		})
	}
}

func TestBuildResultFields(t *testing.T) {
	rules := []finding.Rule{{ID: "R1", Level: finding.LevelNote, ShortDescription: "Rule one", SecuritySeverity: 3}}
	tests := []struct {
		name   string
		result finding.Result
		path   []any
		want   any
	}{
		{"level from the rule", finding.Result{RuleID: "R1"}, []any{"level"}, "note"},
		{"invalid level clamped to the rule's", finding.Result{RuleID: "R1", Level: "critical"}, []any{"level"}, "note"},
		{"message from the rule", finding.Result{RuleID: "R1"}, []any{"message", "text"}, "Rule one"},
		{"line zero becomes one", finding.Result{RuleID: "R1"}, []any{"locations", 0, "physicalLocation", "region", "startLine"}, 1.0},
		{"negative column left out", finding.Result{RuleID: "R1", Location: finding.Location{Path: "a.go", StartLine: 2, StartColumn: -1}}, []any{"locations", 0, "physicalLocation", "region", "startColumn"}, nil},
		{"end line before start left out", finding.Result{RuleID: "R1", Location: finding.Location{Path: "a.go", StartLine: 5, EndLine: 4}}, []any{"locations", 0, "physicalLocation", "region", "endLine"}, nil},
		{"end line kept", finding.Result{RuleID: "R1", Location: finding.Location{Path: "a.go", StartLine: 5, EndLine: 7, EndColumn: 1}}, []any{"locations", 0, "physicalLocation", "region", "endColumn"}, 1.0},
		{"uriBaseId", finding.Result{RuleID: "R1"}, []any{"locations", 0, "physicalLocation", "artifactLocation", "uriBaseId"}, "%SRCROOT%"},
		{"line hash", finding.Result{RuleID: "R1", LineHash: "abc:1"}, []any{"partialFingerprints", "primaryLocationLineHash"}, "abc:1"},
		{"no line hash without one", finding.Result{RuleID: "R1", Fingerprint: "f00d"}, []any{"partialFingerprints", "primaryLocationLineHash"}, nil},
		{"secscan fingerprint", finding.Result{RuleID: "R1", Fingerprint: "f00d"}, []any{"partialFingerprints", "secscan/v1"}, "f00d"},
		{"baseline state", finding.Result{RuleID: "R1", BaselineState: "new"}, []any{"baselineState"}, "new"},
		{"invalid baseline state left out", finding.Result{RuleID: "R1", BaselineState: "old"}, []any{"baselineState"}, nil},
		{"suppression", finding.Result{RuleID: "R1", Suppressions: []finding.Suppression{{Kind: "external", Justification: "accepted risk"}}}, []any{"suppressions", 0, "justification"}, "accepted risk"},
		{"properties", finding.Result{RuleID: "R1", Properties: map[string]any{"fixedVersion": "v0.3.7"}}, []any{"properties", "fixedVersion"}, "v0.3.7"},
		{"NaN property left out", finding.Result{RuleID: "R1", Properties: map[string]any{"score": math.NaN()}}, []any{"properties", "score"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.result
			if res.Location.Path == "" {
				res.Location.Path = "a.go"
			}
			run := &finding.Run{Tool: "gosec", Rules: rules, Results: []finding.Result{res}, Invocation: finding.Invocation{Status: finding.StatusOK}}
			_, data := build(t, []*finding.Run{run}, Options{})
			got := get(decode(t, data), append([]any{"runs", 0, "results", 0}, tt.path...)...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result%v (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestBuildResultWithoutPathLeftOut(t *testing.T) {
	run := &finding.Run{
		Tool:       "Trivy",
		Results:    []finding.Result{{RuleID: "CVE-2024-0001", Message: "in image alpine"}},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	_, data := build(t, []*finding.Run{run}, Options{})
	r := runOf(decode(t, data), "Trivy")
	if n := len(get(r, "results").([]any)); n != 0 {
		t.Errorf("%d results written, want 0", n)
	}
	if !hasNotification(r, "Left out 1 result without a file location") {
		t.Errorf("notifications %q lack the left-out result", notificationTexts(r))
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct {
		path        string
		want        string
		wantOutside bool
	}{
		{"app/main.go", "app/main.go", false},
		{"./app/main.go", "app/main.go", false},
		{"app//x/../main.go", "app/main.go", false},
		{"docs/read me.md", "docs/read%20me.md", false},
		{"100%.txt", "100%25.txt", false},
		{"a#b?c.go", "a%23b%3Fc.go", false},
		{"naïve/✓.go", "na%C3%AFve/%E2%9C%93.go", false},
		{"a:b/c:d.go", "a%3Ab/c:d.go", false},
		{"C:/src/x.go", "C%3A/src/x.go", false},
		{"back\\slash.go", "back%5Cslash.go", false},
		{"../outside.go", "../outside.go", true},
		{"/abs/path x.go", "file:///abs/path%20x.go", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, outside, ok := artifactURI(tt.path)
			if !ok || got != tt.want || outside != tt.wantOutside {
				t.Errorf("artifactURI(%q) = %q, %v, %v, want %q, %v, true", tt.path, got, outside, ok, tt.want, tt.wantOutside)
			}

			// GitHub's server parses URIs with Go's net/url.
			u, err := url.Parse(got)
			if err != nil {
				t.Fatalf("url.Parse(%q): %v", got, err)
			}
			if u.Scheme != "" && u.Scheme != "file" {
				t.Errorf("url.Parse(%q) has scheme %q", got, u.Scheme)
			}
			if !tt.wantOutside && u.Path != filepath.ToSlash(filepath.Clean(tt.path)) {
				t.Errorf("url.Parse(%q).Path = %q, want the cleaned path back", got, u.Path)
			}
		})
	}
	if _, _, ok := artifactURI(""); ok {
		t.Error("artifactURI(\"\") reported ok")
	}
}

func TestBuildCodeFlows(t *testing.T) {
	steps := func(n int) []finding.Step {
		out := make([]finding.Step, n)
		for i := range out {
			out[i] = finding.Step{Location: finding.Location{Path: "a.go", StartLine: i + 1}, Message: fmt.Sprintf("frame %d", i)}
		}
		return out
	}
	run := &finding.Run{
		Tool: "govulncheck",
		Results: []finding.Result{{
			RuleID: "GO-1", Message: "vulnerable", Location: finding.Location{Path: "go.mod", StartLine: 1},
			CodeFlows: []finding.CodeFlow{
				{Message: "empty flow"},
				{Message: "first", Steps: steps(4)},
				{Message: "second", Steps: steps(4)},
				{Message: "third", Steps: steps(4)},
			},
		}},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	_, data := build(t, []*finding.Run{run}, Options{Limits: Limits{ThreadFlowLocations: 6}})
	r := runOf(decode(t, data), "govulncheck")

	flows := get(r, "results", 0, "codeFlows").([]any)
	var got []string
	for _, f := range flows {
		got = append(got, fmt.Sprintf("%s:%d", get(f, "message", "text"), len(get(f, "threadFlows", 0, "locations").([]any))))
	}
	if diff := cmp.Diff([]string{"first:4", "second:2"}, got); diff != "" {
		t.Errorf("code flows, as message:steps (-want +got):\n%s", diff)
	}
	if got := get(flows[0], "threadFlows", 0, "locations", 1, "location", "message", "text"); got != "frame 1" {
		t.Errorf("step message = %v, want frame 1", got)
	}
	if !hasNotification(r, "Cut the code flows of 1 result") {
		t.Errorf("notifications %q lack the cut code flows", notificationTexts(r))
	}
}

func TestBuildRunProperties(t *testing.T) {
	run := &finding.Run{Tool: "govulncheck", Properties: map[string]any{"db": "file:///db", "bad": make(chan int)}, Invocation: finding.Invocation{Status: finding.StatusOK}}
	_, data := build(t, []*finding.Run{run}, Options{})
	r := runOf(decode(t, data), "govulncheck")
	if diff := cmp.Diff(map[string]any{"db": "file:///db"}, get(r, "properties")); diff != "" {
		t.Errorf("run properties (-want +got):\n%s", diff)
	}
	if !hasNotification(r, "Run properties that could not be written as JSON were left out: bad") {
		t.Errorf("notifications %q lack the dropped property", notificationTexts(r))
	}
}

func TestBuildErrors(t *testing.T) {
	ok := finding.Invocation{Status: finding.StatusOK}
	tests := []struct {
		name string
		runs []*finding.Run
		opts Options
		want string
	}{
		{"nil run", []*finding.Run{nil}, Options{}, "run 0 is nil"},
		{"no tool name", []*finding.Run{{Invocation: ok}}, Options{}, "no tool name"},
		{"CodeQL", []*finding.Run{{Tool: "CodeQL", Invocation: ok}}, Options{}, "reserved"},
		{"two runs of one tool", []*finding.Run{{Tool: "Trivy", Invocation: ok}, {Tool: "trivy", Invocation: ok}}, Options{}, "two runs for tool"},
		{"too many runs", []*finding.Run{{Tool: "a"}, {Tool: "b"}, {Tool: "c"}}, Options{Limits: Limits{Runs: 2}}, "above GitHub's limit of 2"},
		{"too large without results", []*finding.Run{{Tool: "a", Properties: map[string]any{"x": strings.Repeat("x", 1000)}}}, Options{Limits: Limits{CompressedBytes: 100}}, "without any results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.runs, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestBuildLeavesInputUnchanged(t *testing.T) {
	// The sample runs with the edge case run in place of Trivy's.
	runs := append(sampleRuns()[1:], edgeCaseRuns()[0])
	before := append(sampleRuns()[1:], edgeCaseRuns()[0])
	if _, err := Build(runs, Options{Limits: Limits{ResultsPerRun: 1, ThreadFlowLocations: 1}}); err != nil {
		t.Fatal(err)
	}
	// Functions never compare equal, so compare the edge case run without
	// its property bag of a func.
	runs[3].Results[5].Properties, before[3].Results[5].Properties = nil, nil
	if diff := cmp.Diff(before, runs); diff != "" {
		t.Errorf("Build changed its input (-before +after):\n%s", diff)
	}
}

// syntheticRuns returns results spread over four tools and rules, with
// severities and levels drawn from seed.
func syntheticRuns(seed uint64, results, rules int) []*finding.Run {
	rng := rand.New(rand.NewPCG(seed, 1))
	tools := []string{finding.ToolGosec, finding.ToolGovulncheck, finding.ToolTrivy, finding.ToolHadolint}
	levels := []finding.Level{finding.LevelError, finding.LevelWarning, finding.LevelNote}
	runs := make([]*finding.Run, len(tools))
	for i, tool := range tools {
		runs[i] = &finding.Run{Tool: tool, Version: "1.0.0", Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: end}}
	}
	for i := range rules {
		r := runs[i%len(tools)]
		r.Rules = append(r.Rules, finding.Rule{
			ID:               fmt.Sprintf("R%04d", i),
			Name:             fmt.Sprintf("Rule%04d", i),
			ShortDescription: fmt.Sprintf("Synthetic rule %d", i),
			HelpURI:          fmt.Sprintf("https://example.org/rules/R%04d", i),
			Level:            levels[i%len(levels)],
			SecuritySeverity: float64(rng.IntN(101)) / 10,
			Precision:        finding.PrecisionHigh,
			Tags:             []string{"security", fmt.Sprintf("external/cwe/cwe-%d", rng.IntN(900))},
		})
	}
	for i := range results {
		r := runs[i%len(tools)]
		rule := r.Rules[rng.IntN(len(r.Rules))]
		r.Results = append(r.Results, finding.Result{
			RuleID:      rule.ID,
			Level:       rule.Level,
			Message:     fmt.Sprintf("%s found a problem at call %d", rule.Name, i),
			Location:    finding.Location{Path: fmt.Sprintf("pkg/mod%03d/file%02d.go", rng.IntN(200), rng.IntN(40)), StartLine: rng.IntN(2000) + 1, StartColumn: rng.IntN(80) + 1},
			LineHash:    fmt.Sprintf("%x:1", rng.Uint64()),
			Fingerprint: fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()),
		})
	}
	return runs
}

func TestBuildResultLimitKeepsMostSevere(t *testing.T) {
	run := &finding.Run{
		Tool: "Trivy",
		Rules: []finding.Rule{
			{ID: "LOW", SecuritySeverity: 2, Level: finding.LevelNote},
			{ID: "HIGH", SecuritySeverity: 8, Level: finding.LevelError},
			{ID: "CRIT", SecuritySeverity: 9.8, Level: finding.LevelError},
		},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	for i, id := range []string{"LOW", "HIGH", "LOW", "CRIT", "LOW", "HIGH"} {
		run.Results = append(run.Results, finding.Result{RuleID: id, Message: id, Location: finding.Location{Path: "f.txt", StartLine: i + 1}})
	}
	_, data := build(t, []*finding.Run{run}, Options{Limits: Limits{ResultsPerRun: 3}})
	r := runOf(decode(t, data), "Trivy")

	var got []string
	for _, res := range get(r, "results").([]any) {
		got = append(got, fmt.Sprintf("%s@%v", get(res, "ruleId"), get(res, "locations", 0, "physicalLocation", "region", "startLine")))
	}
	// The three most severe, back in line order.
	if diff := cmp.Diff([]string{"HIGH@2", "CRIT@4", "HIGH@6"}, got); diff != "" {
		t.Errorf("kept results (-want +got):\n%s", diff)
	}
	if !hasNotification(r, "Dropped 3 results, least severe first: the run had more results than GitHub's limit of 3") {
		t.Errorf("notifications %q lack the dropped results", notificationTexts(r))
	}
}

func TestBuildRuleLimit(t *testing.T) {
	run := &finding.Run{
		Tool: "Trivy",
		Rules: []finding.Rule{
			{ID: "UNUSED", SecuritySeverity: 9.9},
			{ID: "LOW", SecuritySeverity: 1},
			{ID: "HIGH", SecuritySeverity: 8},
		},
		Results: []finding.Result{
			{RuleID: "LOW", Message: "low", Location: finding.Location{Path: "f", StartLine: 1}},
			{RuleID: "HIGH", Message: "high", Location: finding.Location{Path: "f", StartLine: 2}},
		},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	_, data := build(t, []*finding.Run{run}, Options{Limits: Limits{RulesPerRun: 1}})
	r := runOf(decode(t, data), "Trivy")

	if got := get(r, "tool", "driver", "rules", 0, "id"); got != "HIGH" || len(get(r, "tool", "driver", "rules").([]any)) != 1 {
		t.Errorf("rules = %v, want only HIGH", get(r, "tool", "driver", "rules"))
	}
	if n := len(get(r, "results").([]any)); n != 1 {
		t.Errorf("%d results, want the one of rule HIGH", n)
	}
	if !hasNotification(r, "Dropped 2 rules, least severe first, with their 1 result") {
		t.Errorf("notifications %q lack the dropped rules", notificationTexts(r))
	}
}

func TestBuildTagLimit(t *testing.T) {
	tags := []string{"external/cwe/cwe-1", "zeta", "alpha", "beta", "gamma"}
	run := &finding.Run{Tool: "Trivy", Rules: []finding.Rule{{ID: "R", Tags: tags}}, Invocation: finding.Invocation{Status: finding.StatusOK}}
	_, data := build(t, []*finding.Run{run}, Options{Limits: Limits{TagsPerRule: 3}})
	r := runOf(decode(t, data), "Trivy")

	want := []any{"alpha", "external/cwe/cwe-1", "security"}
	if diff := cmp.Diff(want, get(r, "tool", "driver", "rules", 0, "properties", "tags")); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if !hasNotification(r, "R (3)") {
		t.Errorf("notifications %q lack the trimmed tags", notificationTexts(r))
	}
}

func TestBuildCompressedSizeLimit(t *testing.T) {
	runs := syntheticRuns(7, 2000, 40)
	unlimited, _ := build(t, runs, Options{})
	full := countResults(unlimited)

	const limit = 40_000
	report, data := build(t, runs, Options{Limits: Limits{CompressedBytes: limit}})
	size, err := gzipSize(report, 6)
	if err != nil {
		t.Fatal(err)
	}
	if size > limit {
		t.Errorf("compressed size %d, above the limit %d", size, limit)
	}
	kept := countResults(report)
	if kept == 0 || kept >= full {
		t.Fatalf("%d of %d results kept, want some dropped and some kept", kept, full)
	}

	// Every dropped result is at most as severe as every kept one.
	minKept, maxDropped := keptAndDroppedSeverity(t, runs, decode(t, data))
	if maxDropped > minKept {
		t.Errorf("a result of severity %.1f was dropped while one of %.1f was kept", maxDropped, minKept)
	}
	if !hasNotification(runOf(decode(t, data), "Trivy"), "the gzip-compressed SARIF log was above 40000 bytes") {
		t.Error("no notification for results dropped to fit the compressed size")
	}
}

func countResults(r *sarif.Report) int {
	n := 0
	for _, run := range r.Runs {
		n += len(run.Results)
	}
	return n
}

// keptAndDroppedSeverity returns the lowest security severity among
// written results and the highest among results of runs that were not
// written, matching results by fingerprint.
func keptAndDroppedSeverity(t *testing.T, runs []*finding.Run, d decoded) (minKept, maxDropped float64) {
	t.Helper()
	written := make(map[string]bool)
	for _, r := range get(d, "runs").([]any) {
		for _, res := range get(r, "results").([]any) {
			written[get(res, "partialFingerprints", "secscan/v1").(string)] = true
		}
	}
	minKept = 10
	for _, run := range runs {
		for _, res := range run.Results {
			sev := run.Rule(res.RuleID).SecuritySeverity
			if written[res.Fingerprint] {
				minKept = min(minKept, sev)
			} else {
				maxDropped = max(maxDropped, sev)
			}
		}
	}
	return minKept, maxDropped
}

// The limit of 25,000 results per run, at its real size.
func TestBuildResultLimitRealSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 25,001 results")
	}
	runs := syntheticRuns(3, 4*(validate.MaxResultsPerRun+1), 20)
	report, err := Build(runs[:1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(report.Runs[0].Results); got != validate.MaxResultsPerRun {
		t.Errorf("%d results, want %d", got, validate.MaxResultsPerRun)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, report); err != nil {
		t.Fatal(err)
	}
	if problems := validate.Validate(buf.Bytes()); validate.HasErrors(problems) {
		t.Errorf("the log has errors: %v", problems[0])
	}
	if !hasNotification(runOf(decode(t, buf.Bytes()), "gosec"), "Dropped 1 result, least severe first") {
		t.Error("no notification for the dropped result")
	}
}

func TestBuildDeterministic(t *testing.T) {
	_, first := build(t, syntheticRuns(11, 3000, 60), Options{})
	_, second := build(t, syntheticRuns(11, 3000, 60), Options{})
	if !bytes.Equal(first, second) {
		t.Fatal("two builds of the same runs differ")
	}

	shuffled := syntheticRuns(11, 3000, 60)
	rng := rand.New(rand.NewPCG(99, 1))
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, r := range shuffled {
		rng.Shuffle(len(r.Rules), func(i, j int) { r.Rules[i], r.Rules[j] = r.Rules[j], r.Rules[i] })
		rng.Shuffle(len(r.Results), func(i, j int) { r.Results[i], r.Results[j] = r.Results[j], r.Results[i] })
	}
	_, third := build(t, shuffled, Options{})
	if !bytes.Equal(first, third) {
		t.Error("shuffling runs, rules and results changed the log")
	}
}

// Results equal in every sort key but different in content still come out
// in one order.
func TestBuildDeterministicTies(t *testing.T) {
	a := finding.Result{RuleID: "R", Message: "same", Location: finding.Location{Path: "f", StartLine: 1}, BaselineState: "new"}
	b := a
	b.BaselineState = "unchanged"
	runWith := func(results ...finding.Result) []*finding.Run {
		return []*finding.Run{{Tool: "gosec", Results: results, Invocation: finding.Invocation{Status: finding.StatusOK}}}
	}
	_, ab := build(t, runWith(a, b), Options{})
	_, ba := build(t, runWith(b, a), Options{})
	if !bytes.Equal(ab, ba) {
		t.Error("the input order of tied results shows in the log")
	}
}

func TestWriteFileTruncates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secscan.sarif")

	long, _ := build(t, syntheticRuns(5, 500, 20), Options{})
	if err := WriteFile(path, long); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	short, want := build(t, []*finding.Run{{Tool: "gosec", Invocation: finding.Invocation{Status: finding.StatusOK}}}, Options{})
	if err := WriteFile(path, short); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file after the second write has %d bytes, want the %d bytes of the short log", len(got), len(want))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the log (no temporary file left)", len(entries))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", info.Mode().Perm())
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	r, _ := build(t, sampleRuns(), Options{})
	err := WriteFile(filepath.Join(t.TempDir(), "absent", "x.sarif"), r)
	if err == nil {
		t.Fatal("WriteFile into a missing directory returned nil")
	}
}

func TestSplit(t *testing.T) {
	report, _ := build(t, sampleRuns(), Options{})
	logs := Split(report)

	var names []string
	for _, l := range logs {
		names = append(names, l.FileName)
		data := encode(t, l.Report)
		d := decode(t, data)
		if n := len(get(d, "runs").([]any)); n != 1 {
			t.Errorf("%s has %d runs, want 1", l.FileName, n)
		}
		if got := get(d, "runs", 0, "tool", "driver", "name"); got != l.Tool {
			t.Errorf("%s holds the run of %v, want %s", l.FileName, got, l.Tool)
		}
	}
	want := []string{"gosec.sarif", "govulncheck.sarif", "trivy.sarif", "hadolint.sarif"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("file names (-want +got):\n%s", diff)
	}
}
