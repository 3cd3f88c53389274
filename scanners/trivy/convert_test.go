package trivy

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCases convert a report from testdata/ with the paths of the
// directory that was scanned. All but edgecases.json were captured from
// the real Trivy (see TestCapture); edgecases.json is written by hand.
var goldenCases = []struct {
	report  string
	root    string
	exclude []string
}{
	{"planted-offline.json", "../testdata/planted", DefaultSkipDirs},
	{"planted-vuln.json", "../testdata/planted", DefaultSkipDirs},
	{"oddpaths.json", "testdata/oddpaths", DefaultSkipDirs},
	{"clean.json", "testdata/clean", DefaultSkipDirs},
	{"edgecases.json", "testdata/edgecases", []string{"excluded"}},
}

func convertFile(t *testing.T, report, root string, exclude []string) conversion {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", report))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := parseReport(data)
	if err != nil {
		t.Fatalf("parseReport: %v", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	return convertReport(rep, abs, pathfilter.New(exclude))
}

func TestConvertGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.report, func(t *testing.T) {
			conv := convertFile(t, tc.report, tc.root, tc.exclude)
			got, err := json.MarshalIndent(conv, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(tc.report, ".json")+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(strings.TrimSpace(string(want)), strings.TrimSpace(string(got))); diff != "" {
				t.Errorf("conversion of %s (-want +got):\n%s", tc.report, diff)
			}
		})
	}
}

type placed struct {
	Rule, Path string
	Line       int
}

func placements(rs []finding.Result) []placed {
	var out []placed
	for _, r := range rs {
		out = append(out, placed{r.RuleID, r.Location.Path, r.Location.StartLine})
	}
	return out
}

func TestConvertPlantedOffline(t *testing.T) {
	conv := convertFile(t, "planted-offline.json", "../testdata/planted", DefaultSkipDirs)
	got := placements(conv.Results)
	for _, w := range append(slices.Clone(plantedMisconfigurations), plantedSecret) {
		if !slices.Contains(got, placed{w.Rule, w.Path, w.Line}) {
			t.Errorf("no %s result at %s:%d", w.Rule, w.Path, w.Line)
		}
	}
	if len(conv.Dropped) != 0 || conv.Excluded != 0 {
		t.Errorf("dropped %q, excluded %d; want none", conv.Dropped, conv.Excluded)
	}
}

func TestConvertPlantedVulnerability(t *testing.T) {
	conv := convertFile(t, "planted-vuln.json", "../testdata/planted", DefaultSkipDirs)
	w := plantedVulnerability
	if !slices.Contains(placements(conv.Results), placed{w.Rule, w.Path, w.Line}) {
		t.Errorf("no %s result at %s:%d", w.Rule, w.Path, w.Line)
	}
}

func TestConvertClean(t *testing.T) {
	conv := convertFile(t, "clean.json", "testdata/clean", DefaultSkipDirs)
	if len(conv.Results) != 0 || len(conv.Rules) != 0 {
		t.Errorf("got %d results and %d rules from a clean report, want none", len(conv.Results), len(conv.Rules))
	}
}

func TestConvertOddPaths(t *testing.T) {
	conv := convertFile(t, "oddpaths.json", "testdata/oddpaths", DefaultSkipDirs)
	want := []placed{
		{"DS-0001", "dir with space/Dockerfile", 2},
		{"DS-0002", "ünïcødé/Dockerfile", 0},
	}
	if diff := cmp.Diff(want, placements(conv.Results)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func TestConvertEdgeCases(t *testing.T) {
	conv := convertFile(t, "edgecases.json", "testdata/edgecases", []string{"excluded"})

	want := []placed{
		{"AWS-0086", "infra/main.tf", 1},
		{"github-pat", "infra/main.tf", 1},
		{"GHSA-p6mc-m468-83gw", "node_modules/lodash/package.json", 0},
		{"CVE-2019-10744", "app/package-lock.json", 12},
	}
	slices.SortFunc(want, func(a, b placed) int {
		return strings.Compare(a.Path+a.Rule, b.Path+b.Rule)
	})
	if diff := cmp.Diff(want, placements(conv.Results)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if len(conv.Dropped) != 3 {
		t.Errorf("dropped = %q, want the jar, image and remote module results", conv.Dropped)
	}
	if conv.Excluded != 1 {
		t.Errorf("excluded = %d, want 1", conv.Excluded)
	}

	lodash := ruleByID(t, conv, "CVE-2019-10744")
	if lodash.SecuritySeverity != 9.1 {
		t.Errorf("CVE-2019-10744 security-severity = %v, want GitHub's CVSS 9.1", lodash.SecuritySeverity)
	}
	wantTags := []string{"security", "vulnerability", "external/cwe/cwe-20", "external/cwe/cwe-1321"}
	if diff := cmp.Diff(wantTags, lodash.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if n := utf16Len(lodash.FullDescription); n > maxDescription {
		t.Errorf("full description has %d characters, want at most %d", n, maxDescription)
	}
	if got := ruleByID(t, conv, "GHSA-p6mc-m468-83gw").SecuritySeverity; got != 4.0 {
		t.Errorf("UNKNOWN severity score = %v, want 4.0", got)
	}
	if r := ruleByID(t, conv, "AWS-0086"); r.HelpURI != "https://avd.aquasec.com/misconfig/aws-0086" || !slices.Contains(r.Tags, "terraform") {
		t.Errorf("AWS-0086 help URI %q, tags %q", r.HelpURI, r.Tags)
	}

	for _, r := range conv.Results {
		if r.Location.Path == "" || strings.Contains(r.Location.Path, "::") {
			t.Errorf("result %s has path %q", r.RuleID, r.Location.Path)
		}
	}
	data, err := json.Marshal(conv)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "LEAKCHECK") {
		t.Error("the secret's matched text reached the conversion")
	}
}

func TestConvertKeys(t *testing.T) {
	conv := convertFile(t, "edgecases.json", "testdata/edgecases", []string{"excluded"})
	keys := map[string]string{}
	for _, r := range conv.Results {
		keys[r.RuleID] = r.Key
	}
	want := map[string]string{
		"CVE-2019-10744":      "lodash@4.17.11|CVE-2019-10744|app/package-lock.json",
		"GHSA-p6mc-m468-83gw": "lodash@4.17.11|GHSA-p6mc-m468-83gw|node_modules/lodash/package.json",
		"AWS-0086":            "AWS-0086|aws_s3_bucket.logs|No public access block so not blocking public acls",
		"github-pat":          "github-pat|GitHub Personal Access Token",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestParseReportRejects(t *testing.T) {
	tests := map[string]string{
		"not json":      "Fatal error",
		"wrong schema":  `{"SchemaVersion": 1, "Results": []}`,
		"empty":         "",
		"truncated":     `{"SchemaVersion": 2, "Results": [`,
		"results shape": `{"SchemaVersion": 2, "Results": {}}`,
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parseReport([]byte(data)); err == nil {
				t.Errorf("parseReport(%q) = nil error", data)
			}
		})
	}
}

func ruleByID(t *testing.T, conv conversion, id string) finding.Rule {
	t.Helper()
	for _, r := range conv.Rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %s", id)
	return finding.Rule{}
}
