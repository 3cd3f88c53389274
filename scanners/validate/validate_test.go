package validate

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// baseLog is a small log that GitHub accepts without any problem.
const baseLog = `{
  "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json",
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {
      "name": "gosec",
      "version": "2.30.0",
      "rules": [
        {"id": "G101", "name": "HardcodedCredentials",
         "shortDescription": {"text": "Hard-coded credentials"},
         "properties": {"tags": ["security"], "security-severity": "7.5"}},
        {"id": "G104", "name": "UncheckedError",
         "shortDescription": {"text": "Unchecked error"},
         "properties": {"tags": ["security"], "security-severity": "2.0"}}
      ]}},
    "automationDetails": {"id": "secscan/gosec/"},
    "results": [{
      "ruleId": "G104", "ruleIndex": 1, "level": "note",
      "message": {"text": "error not checked"},
      "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "app/main.go", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 2}}}],
      "codeFlows": [{"threadFlows": [{"locations": [
        {"location": {"message": {"text": "step"}}}]}]}]
    }]
  }]
}`

// mutate decodes baseLog, applies change to it and encodes the result.
func mutate(t *testing.T, change func(log map[string]any)) []byte {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal([]byte(baseLog), &log); err != nil {
		t.Fatal(err)
	}
	change(log)
	data, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Accessors into the decoded baseLog.
func run0(log map[string]any) map[string]any { return log["runs"].([]any)[0].(map[string]any) }
func driver0(log map[string]any) map[string]any {
	return run0(log)["tool"].(map[string]any)["driver"].(map[string]any)
}
func rule0(log map[string]any) map[string]any {
	return driver0(log)["rules"].([]any)[0].(map[string]any)
}
func result0(log map[string]any) map[string]any {
	return run0(log)["results"].([]any)[0].(map[string]any)
}
func physical0(log map[string]any) map[string]any {
	return result0(log)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
}
func artifact0(log map[string]any) map[string]any {
	return physical0(log)["artifactLocation"].(map[string]any)
}

// summary renders problems as "PATH SEVERITY" lines for comparison.
func summary(problems []Problem) []string {
	out := make([]string, 0, len(problems))
	for _, p := range problems {
		out = append(out, p.Path+" "+string(p.Severity))
	}
	return out
}

func repeatJSON(n int, v any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestValidateBaseLogIsClean(t *testing.T) {
	if got := Validate([]byte(baseLog)); len(got) != 0 {
		t.Errorf("Validate(baseLog) = %v, want no problems", got)
	}
}

func TestValidateCraftedProblems(t *testing.T) {
	tests := []struct {
		name    string
		change  func(log map[string]any)
		want    []string // "PATH SEVERITY"
		message string   // a substring of the first problem's message
	}{
		{
			name:    "schema version",
			change:  func(log map[string]any) { log["version"] = "2.0.0" },
			want:    []string{"$.version error"},
			message: "SARIF 2.1.0 schema",
		},
		{
			name: "schema date-time format",
			change: func(log map[string]any) {
				run0(log)["invocations"] = []any{map[string]any{"executionSuccessful": true, "startTimeUtc": "2025-01-02"}}
			},
			want:    []string{"$.runs[0].invocations[0].startTimeUtc error"},
			message: "date-time",
		},
		{
			name:    "schema uri format is a warning",
			change:  func(log map[string]any) { driver0(log)["informationUri"] = "not a uri" },
			want:    []string{"$.runs[0].tool.driver.informationUri warning"},
			message: "only warns",
		},
		{
			name: "duplicate tags",
			change: func(log map[string]any) {
				rule0(log)["properties"].(map[string]any)["tags"] = []any{"security", "security"}
			},
			want:    []string{"$.runs[0].tool.driver.rules[0].properties.tags error"},
			message: "are equal",
		},
		{
			name:    "results missing",
			change:  func(log map[string]any) { delete(run0(log), "results") },
			want:    []string{"$.runs[0].results error"},
			message: "Missing 'results' array in run",
		},
		{
			name:    "results null",
			change:  func(log map[string]any) { run0(log)["results"] = nil },
			want:    []string{"$.runs[0].results error"},
			message: "Missing 'results' array in run",
		},
		{
			name: "duplicate run identity",
			change: func(log map[string]any) {
				log["runs"] = append(log["runs"].([]any), run0(log))
			},
			want:    []string{"$.runs[1] error"},
			message: "same tool",
		},
		{
			name: "same tool in distinct categories",
			change: func(log map[string]any) {
				var other map[string]any
				b, _ := json.Marshal(run0(log))
				json.Unmarshal(b, &other)
				other["automationDetails"] = map[string]any{"id": "secscan/gosec-tests/2025-01-01"}
				log["runs"] = append(log["runs"].([]any), other)
			},
			want: []string{},
		},
		{
			name:    "too many runs",
			change:  func(log map[string]any) { log["runs"] = repeatDistinctRuns(log, 21) },
			want:    []string{"$.runs error"},
			message: "limit of 20",
		},
		{
			name:    "driver named CodeQL",
			change:  func(log map[string]any) { driver0(log)["name"] = "CodeQL" },
			want:    []string{"$.runs[0].tool.driver.name warning"},
			message: "CodeQL",
		},
		{
			name:    "no locations",
			change:  func(log map[string]any) { delete(result0(log), "locations") },
			want:    []string{"$.runs[0].results[0].locations error"},
			message: "expected at least one location",
		},
		{
			name: "no physical location",
			change: func(log map[string]any) {
				result0(log)["locations"] = []any{map[string]any{"message": map[string]any{"text": "somewhere"}}}
			},
			want:    []string{"$.runs[0].results[0].locations[0] error"},
			message: "expected a physical location",
		},
		{
			name:    "empty uri",
			change:  func(log map[string]any) { artifact0(log)["uri"] = "" },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri error"},
			message: "expected artifact location",
		},
		{
			name: "uri through the artifacts table",
			change: func(log map[string]any) {
				delete(artifact0(log), "uri")
				artifact0(log)["index"] = 0
				run0(log)["artifacts"] = []any{map[string]any{"location": map[string]any{"uri": "app/main.go"}}}
			},
			want: []string{},
		},
		{
			name:    "colon in first segment",
			change:  func(log map[string]any) { artifact0(log)["uri"] = "1a:b/main.go" },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri error"},
			message: "cannot parse",
		},
		{
			name:    "git scheme",
			change:  func(log map[string]any) { artifact0(log)["uri"] = "git::https://github.com/org/mod" },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri error"},
			message: `scheme "git"`,
		},
		{
			name:    "absolute file uri",
			change:  func(log map[string]any) { artifact0(log)["uri"] = "file:///home/runner/work/app/main.go" },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri warning"},
			message: "relative to the checkout",
		},
		{
			name:    "parent directory",
			change:  func(log map[string]any) { artifact0(log)["uri"] = "../other/main.go" },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri warning"},
			message: "leaves the repository root",
		},
		{
			name:    "start line zero",
			change:  func(log map[string]any) { physical0(log)["region"].(map[string]any)["startLine"] = 0 },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.region.startLine error"},
			message: "below the minimum of 1",
		},
		{
			name:    "start column zero",
			change:  func(log map[string]any) { physical0(log)["region"].(map[string]any)["startColumn"] = 0 },
			want:    []string{"$.runs[0].results[0].locations[0].physicalLocation.region.startColumn error"},
			message: "below the minimum of 1",
		},
		{
			name:    "security-severity not a number",
			change:  func(log map[string]any) { rule0(log)["properties"].(map[string]any)["security-severity"] = "undefined" },
			want:    []string{`$.runs[0].tool.driver.rules[0].properties["security-severity"] error`},
			message: "not a number",
		},
		{
			name:    "security-severity null",
			change:  func(log map[string]any) { rule0(log)["properties"].(map[string]any)["security-severity"] = nil },
			want:    []string{`$.runs[0].tool.driver.rules[0].properties["security-severity"] error`},
			message: "null",
		},
		{
			name:    "security-severity missing",
			change:  func(log map[string]any) { delete(rule0(log)["properties"].(map[string]any), "security-severity") },
			want:    []string{"$.runs[0].tool.driver.rules[0].properties warning"},
			message: "level",
		},
		{
			name:    "security-severity as a JSON number",
			change:  func(log map[string]any) { rule0(log)["properties"].(map[string]any)["security-severity"] = 7.5 },
			want:    []string{`$.runs[0].tool.driver.rules[0].properties["security-severity"] warning`},
			message: "string",
		},
		{
			name:    "security-severity out of range",
			change:  func(log map[string]any) { rule0(log)["properties"].(map[string]any)["security-severity"] = "11.0" },
			want:    []string{`$.runs[0].tool.driver.rules[0].properties["security-severity"] warning`},
			message: "0.0 to 10.0",
		},
		{
			name:    "ruleIndex at another rule",
			change:  func(log map[string]any) { result0(log)["ruleIndex"] = 0 },
			want:    []string{"$.runs[0].results[0].ruleIndex error"},
			message: `points at rule "G101" but ruleId is "G104"`,
		},
		{
			name:    "ruleIndex out of range",
			change:  func(log map[string]any) { result0(log)["ruleIndex"] = 7 },
			want:    []string{"$.runs[0].results[0].ruleIndex error"},
			message: "out of range",
		},
		{
			name: "rule not defined",
			change: func(log map[string]any) {
				delete(result0(log), "ruleIndex")
				result0(log)["ruleId"] = "G999"
			},
			want:    []string{"$.runs[0].results[0].ruleId warning"},
			message: "no rule",
		},
		{
			name: "hierarchical rule id",
			change: func(log map[string]any) {
				result0(log)["ruleId"] = "G104/errcheck"
			},
			want: []string{},
		},
		{
			name:    "rule name too long",
			change:  func(log map[string]any) { rule0(log)["name"] = strings.Repeat("n", MaxRuleNameLength+1) },
			want:    []string{"$.runs[0].tool.driver.rules[0].name error"},
			message: "limit of 255",
		},
		{
			name: "description too long counts UTF-16 code units",
			change: func(log map[string]any) {
				// 513 characters outside the BMP are 1,026 UTF-16 code units.
				rule0(log)["fullDescription"] = map[string]any{"text": strings.Repeat("\U0001F600", 513)}
			},
			want:    []string{"$.runs[0].tool.driver.rules[0].fullDescription.text error"},
			message: "limit of 1024",
		},
		{
			name: "too many tags",
			change: func(log map[string]any) {
				tags := []any{}
				for i := range MaxTagsPerRule + 1 {
					tags = append(tags, "tag"+strings.Repeat("x", i))
				}
				rule0(log)["properties"].(map[string]any)["tags"] = tags
			},
			want:    []string{"$.runs[0].tool.driver.rules[0].properties.tags warning"},
			message: "stores at most 10",
		},
		{
			name: "too many locations",
			change: func(log map[string]any) {
				loc := result0(log)["locations"].([]any)[0]
				result0(log)["locations"] = repeatJSON(MaxLocationsPerResult+1, loc)
			},
			want:    []string{"$.runs[0].results[0].locations error"},
			message: "limit of 1000",
		},
		{
			name: "too many thread-flow locations across code flows",
			change: func(log map[string]any) {
				step := map[string]any{"location": map[string]any{"message": map[string]any{"text": "step"}}}
				flow := map[string]any{"threadFlows": []any{map[string]any{"locations": repeatJSON(MaxThreadFlowLocations/2+1, step)}}}
				result0(log)["codeFlows"] = []any{flow, flow}
			},
			want:    []string{"$.runs[0].results[0].codeFlows error"},
			message: "limit of 10000",
		},
		{
			name: "too many extensions",
			change: func(log map[string]any) {
				run0(log)["tool"].(map[string]any)["extensions"] = repeatJSON(MaxExtensionsPerRun+1, map[string]any{"name": "ext"})
			},
			want:    []string{"$.runs[0].tool.extensions error"},
			message: "limit of 100",
		},
		{
			name: "too many rules",
			change: func(log map[string]any) {
				rules := make([]any, 0, MaxRulesPerRun+1)
				for i := range MaxRulesPerRun + 1 {
					rules = append(rules, map[string]any{"id": fmt.Sprintf("R%06d", i), "properties": map[string]any{"security-severity": "1.0"}})
				}
				driver0(log)["rules"] = rules
				delete(result0(log), "ruleIndex")
				result0(log)["ruleId"] = "R000001"
			},
			want:    []string{"$.runs[0].tool.driver.rules error"},
			message: "limit of 25000",
		},
		{
			name: "more results than GitHub stores",
			change: func(log map[string]any) {
				run0(log)["results"] = repeatJSON(StoredResultsPerRun+1, result0(log))
			},
			want:    []string{"$.runs[0].results warning"},
			message: "stores only the 5000 most severe",
		},
		{
			name: "too many results",
			change: func(log map[string]any) {
				run0(log)["results"] = repeatJSON(MaxResultsPerRun+1, result0(log))
			},
			want:    []string{"$.runs[0].results error"},
			message: "limit of 25000",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(mutate(t, tt.change))
			if diff := cmp.Diff(tt.want, summary(got)); diff != "" {
				t.Fatalf("problems mismatch (-want +got):\n%s\nfull problems: %v", diff, got)
			}
			if tt.message != "" && !strings.Contains(got[0].Message, tt.message) {
				t.Errorf("message %q does not contain %q", got[0].Message, tt.message)
			}
		})
	}
}

// repeatDistinctRuns returns n copies of run 0 with distinct driver names,
// so that only the run count is wrong.
func repeatDistinctRuns(log map[string]any, n int) []any {
	runs := make([]any, n)
	for i := range runs {
		var r map[string]any
		b, _ := json.Marshal(run0(log))
		json.Unmarshal(b, &r)
		r["tool"].(map[string]any)["driver"].(map[string]any)["name"] = "tool" + strconv.Itoa(i)
		runs[i] = r
	}
	return runs
}

func TestValidateInvalidJSON(t *testing.T) {
	tests := map[string]string{
		"truncated":     `{"version": "2.1.0", "runs": [`,
		"trailing data": `{"version": "2.1.0", "runs": []} {}`,
		"empty":         ``,
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			got := Validate([]byte(data))
			if diff := cmp.Diff([]string{"$ error"}, summary(got)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// largeLog returns a valid log whose run properties carry n bytes of
// incompressible hex text.
func largeLog(t *testing.T, n int) []byte {
	t.Helper()
	random := make([]byte, n/2)
	rand.Read(random)
	return mutate(t, func(log map[string]any) {
		run0(log)["properties"] = map[string]any{"padding": hex.EncodeToString(random)}
	})
}

func TestValidateCompressedSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds logs of 9 and 21 MB")
	}
	// Hex text compresses to about half its size.
	tests := []struct {
		name string
		size int
		want []string
	}{
		{"above the warning threshold", 2*WarnGzipBytes + 1_000_000, []string{"$ warning"}},
		{"above the limit", 2*MaxGzipBytes + 1_000_000, []string{"$ error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(largeLog(t, tt.size))
			if diff := cmp.Diff(tt.want, summary(got)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s\n%v", diff, got)
			}
		})
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The native SARIF of the tools, captured once (see testdata/README.md).
func TestValidateCapturedToolOutput(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{
			// gosec passes, but none of its rules has a security severity.
			file: "gosec-v2.30.0.sarif",
			want: []string{
				"$.runs[0].tool.driver.rules[0].properties warning",
				"$.runs[0].tool.driver.rules[1].properties warning",
				"$.runs[0].tool.driver.rules[2].properties warning",
				"$.runs[0].tool.driver.rules[3].properties warning",
				"$.runs[0].tool.driver.rules[4].properties warning",
				"$.runs[0].tool.driver.rules[5].properties warning",
				"$.runs[0].tool.driver.rules[6].properties warning",
			},
		},
		{
			file: "govulncheck-v1.9.0.sarif",
			want: []string{"$.runs[0].tool.driver.rules[0].properties warning"},
		},
		{
			// In binary mode govulncheck writes results without locations.
			file: "govulncheck-v1.9.0-binary.sarif",
			want: []string{
				"$.runs[0].results[0].locations error",
				"$.runs[0].tool.driver.rules[0].properties warning",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := Validate(readTestdata(t, tt.file))
			if diff := cmp.Diff(tt.want, summary(got)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemPath(t *testing.T) {
	tests := []struct {
		tokens []token
		want   string
	}{
		{nil, "$"},
		{[]token{keyToken("runs"), indexToken(2), keyToken("results")}, "$.runs[2].results"},
		{[]token{keyToken("properties"), keyToken("security-severity")}, `$.properties["security-severity"]`},
		{[]token{keyToken("$schema")}, "$.$schema"},
		{[]token{keyToken("0")}, `$["0"]`},
	}
	for _, tt := range tests {
		if got := formatPath(tt.tokens); got != tt.want {
			t.Errorf("formatPath(%v) = %q, want %q", tt.tokens, got, tt.want)
		}
	}
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sarif")
	bad := filepath.Join(dir, "bad.sarif")
	if err := os.WriteFile(good, []byte(baseLog), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, mutate(t, func(log map[string]any) { delete(run0(log), "results") }), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.sarif")

	tests := []struct {
		name       string
		files      []string
		wantStatus int
		wantLines  []string // prefixes of the output lines
	}{
		{"clean file", []string{good}, StatusOK, []string{good + ": 0 errors, 0 warnings"}},
		{"file with an error", []string{good, bad}, StatusErrors, []string{
			good + ": 0 errors, 0 warnings",
			bad + ": $.runs[0].results: error: results is missing",
			bad + ": 1 error, 0 warnings",
		}},
		{"unreadable file", []string{missing, bad}, StatusUnreadable, []string{
			missing + ": cannot read",
			bad + ": $.runs[0].results: error:",
			bad + ": 1 error,",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			status, err := CheckFiles(&out, tt.files)
			if err != nil {
				t.Fatalf("CheckFiles: %v", err)
			}
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != len(tt.wantLines) {
				t.Fatalf("output has %d lines, want %d:\n%s", len(lines), len(tt.wantLines), out.String())
			}
			for i, want := range tt.wantLines {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("line %d = %q, want prefix %q", i+1, lines[i], want)
				}
			}
		})
	}
}
