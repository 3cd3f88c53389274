package gosec

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/securego/gosec/v2"
	"github.com/securego/gosec/v2/cwe"
	"github.com/securego/gosec/v2/issue"

	"github.com/guestbook-secscan/guestbook/scanners/gomod"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cliReport is the JSON report of the gosec command (gosec -fmt=json). The
// files in testdata were written by gosec v2.30.0 run as
// "gosec -quiet -fmt=json -track-suppressions ./..." with the scanned
// directory replaced by $ROOT.
type cliReport struct {
	Errors map[string][]gosec.Error `json:"Golang errors"`
	Issues []struct {
		Severity   string `json:"severity"`
		Confidence string `json:"confidence"`
		Cwe        *struct {
			ID string `json:"id"`
		} `json:"cwe"`
		RuleID       string                  `json:"rule_id"`
		What         string                  `json:"details"`
		File         string                  `json:"file"`
		Code         string                  `json:"code"`
		Line         string                  `json:"line"`
		Col          string                  `json:"column"`
		Suppressions []issue.SuppressionInfo `json:"suppressions"`
	} `json:"Issues"`
}

func parseScore(s string) issue.Score {
	switch s {
	case "HIGH":
		return issue.High
	case "LOW":
		return issue.Low
	}
	return issue.Medium
}

// readCLIReport loads a captured report, with $ROOT replaced by root.
func readCLIReport(t *testing.T, name, root string) report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.ReplaceAll(string(data), "$ROOT", root))
	var cli cliReport
	if err := json.Unmarshal(data, &cli); err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	rep := report{Errors: cli.Errors}
	for _, ci := range cli.Issues {
		is := &issue.Issue{
			Severity:     parseScore(ci.Severity),
			Confidence:   parseScore(ci.Confidence),
			RuleID:       ci.RuleID,
			What:         ci.What,
			File:         ci.File,
			Code:         ci.Code,
			Line:         ci.Line,
			Col:          ci.Col,
			Suppressions: ci.Suppressions,
		}
		if ci.Cwe != nil {
			is.Cwe = cwe.Get(ci.Cwe.ID)
		}
		rep.Issues = append(rep.Issues, is)
	}
	return rep
}

// golden compares got, as indented JSON, with testdata/name, or rewrites the
// file with -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -update to create it", err)
	}
	if diff := cmp.Diff(string(want), string(data)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

const captureRoot = "/scan root/répo ü"

func TestNormalizeCapturedReport(t *testing.T) {
	rep := readCLIReport(t, "planted-odd-paths.json", captureRoot)
	got := normalize(captureRoot, rep, nil, &gomod.Columns{})
	golden(t, "planted-odd-paths.golden.json", got)

	if len(got.Results) != len(rep.Issues) {
		t.Errorf("normalize kept %d results of %d issues", len(got.Results), len(rep.Issues))
	}
	for _, r := range got.Results {
		if strings.HasPrefix(r.Location.Path, "/") || strings.Contains(r.Location.Path, "$ROOT") {
			t.Errorf("result %s has a path that is not repo-relative: %q", r.RuleID, r.Location.Path)
		}
	}
}

func TestNormalizeNeverCopiesSnippets(t *testing.T) {
	rep := readCLIReport(t, "planted-odd-paths.json", captureRoot)
	var secret string
	for _, is := range rep.Issues {
		if is.RuleID == "G101" {
			_, rest, _ := strings.Cut(is.Code, `"`)
			secret, _, _ = strings.Cut(rest, `"`)
		}
	}
	if len(secret) < 20 {
		t.Fatalf("found no hard-coded secret in the G101 snippet of the capture (got %q)", secret)
	}
	got := normalize(captureRoot, rep, nil, &gomod.Columns{})
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) {
		t.Error("normalized results contain the hard-coded secret from gosec's code snippet")
	}
}

func TestNormalizeExcludes(t *testing.T) {
	rep := readCLIReport(t, "planted-odd-paths.json", captureRoot)
	got := normalize(captureRoot, rep, []string{"tools", "space/*.go"}, &gomod.Columns{})
	for _, r := range got.Results {
		if strings.HasPrefix(r.Location.Path, "tools/") || strings.HasPrefix(r.Location.Path, "space/") {
			t.Errorf("excluded path %s was kept", r.Location.Path)
		}
	}
	if _, ok := got.Worst["G702"]; ok {
		t.Error("Worst rates G702, whose only results are excluded")
	}
}

func TestNormalizeOutsideRoot(t *testing.T) {
	rep := readCLIReport(t, "planted-odd-paths.json", captureRoot)
	got := normalize("/another/root", rep, nil, &gomod.Columns{})
	if len(got.Results) != 0 {
		t.Errorf("normalize kept %d results outside the root, want 0", len(got.Results))
	}
	if len(got.Notes) != len(rep.Issues) {
		t.Errorf("normalize wrote %d notes for %d dropped results", len(got.Notes), len(rep.Issues))
	}
}

func TestNormalizeLoadErrors(t *testing.T) {
	const root = "/scan root/broken"
	rep := readCLIReport(t, "missing-dependency.json", root)
	got := normalize(root, rep, nil, &gomod.Columns{})
	want := []string{`main.go:7:2: could not import github.com/not-in-cache/missing (invalid package name: "")`}
	if diff := cmp.Diff(want, got.Problems); diff != "" {
		t.Errorf("Problems mismatch (-want +got):\n%s", diff)
	}
}

func TestParseLines(t *testing.T) {
	tests := []struct {
		field      string
		start, end int
	}{
		{"12", 12, 12},
		{"12-14", 12, 14},
		{"", 0, 0},
		{"x", 0, 0},
		{"9-3", 9, 9},
	}
	for _, tt := range tests {
		start, end := parseLines(tt.field)
		if start != tt.start || end != tt.end {
			t.Errorf("parseLines(%q) = %d, %d, want %d, %d", tt.field, start, end, tt.start, tt.end)
		}
	}
}
