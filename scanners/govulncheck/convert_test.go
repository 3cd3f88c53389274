package govulncheck

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/modfile"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/gomod"
	"github.com/guestbook-secscan/guestbook/scanners/gomod/planttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// captureRoot stands for the repository root of the captured streams; its
// files need not exist, because the streams name files relative to their
// module.
const captureRoot = "/scan root/répo ü"

// plantedTarget returns the conversion target for the planted module at
// rel ("." or "tools"), with the go.mod of the fixture.
func plantedTarget(t *testing.T, rel string) target {
	t.Helper()
	goMod := filepath.Join(planttest.Dir(t), rel, "go.mod")
	data, err := os.ReadFile(goMod)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(captureRoot, rel)
	return target{
		root:    captureRoot,
		module:  gomod.Module{Path: f.Module.Mod.Path, Dir: dir, Rel: rel, GoMod: filepath.Join(dir, "go.mod"), HasGo: true},
		modFile: f,
		moduleDirs: map[string]string{
			"secscan.test/planted":       captureRoot,
			"secscan.test/planted/tools": filepath.Join(captureRoot, "tools"),
		},
		level: levelSymbol,
		cols:  &gomod.Columns{},
	}
}

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

func TestConvertCapturedStreams(t *testing.T) {
	tests := []struct {
		stream, module, golden string
	}{
		{"planted-root.json", ".", "planted-root.golden.json"},
		{"planted-tools.json", "tools", "planted-tools.golden.json"},
		{"no-findings.json", ".", "no-findings.golden.json"},
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			st, err := decodeStream(openStream(t, tt.stream))
			if err != nil {
				t.Fatal(err)
			}
			c := convert(plantedTarget(t, tt.module), st)
			golden(t, tt.golden, struct {
				Converted converted
				Rules     []finding.Rule
			}{c, buildRules(c.Worst, st.OSVs)})
		})
	}
}

func TestConvertLocations(t *testing.T) {
	st, err := decodeStream(openStream(t, "planted-root.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := convert(plantedTarget(t, "."), st)
	got := map[string]string{}
	for _, r := range c.Results {
		got[r.RuleID+" "+r.Properties["module"].(string)] = fmt.Sprintf("%s:%d %s", r.Location.Path, r.Location.StartLine, r.Properties["reachability"])
	}
	// go.mod of the fixture: line 3 is "go 1.24", line 5 requires x/text.
	want := map[string]string{
		"GO-2021-0113 golang.org/x/text": "go.mod:5 called",
		"GO-2022-1059 golang.org/x/text": "go.mod:5 called",
		"GO-2026-6629 golang.org/x/text": "go.mod:5 required",
		"GO-2026-6608 stdlib":            "go.mod:3 called",
		"GO-2026-6809 stdlib":            "go.mod:3 called",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations mismatch (-want +got):\n%s", diff)
	}
}

func TestConvertStdlibMessage(t *testing.T) {
	st, err := decodeStream(openStream(t, "planted-root.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range convert(plantedTarget(t, "."), st).Results {
		if r.RuleID != "GO-2026-6608" {
			continue
		}
		want := "The Go standard library go1.26.8 has vulnerability GO-2026-6608: "
		if !strings.HasPrefix(r.Message, want) || !strings.HasSuffix(r.Message, "This module calls mime/multipart.Reader.ReadForm and net/textproto.Reader.ReadMIMEHeader. Fixed in go1.26.9.") {
			t.Errorf("message = %q", r.Message)
		}
		if len(r.CodeFlows) != 2 {
			t.Errorf("GO-2026-6608 has %d code flows, want one per vulnerable function (2)", len(r.CodeFlows))
		}
		return
	}
	t.Fatal("no GO-2026-6608 result")
}

func TestConvertExcludes(t *testing.T) {
	st, err := decodeStream(openStream(t, "planted-root.json"))
	if err != nil {
		t.Fatal(err)
	}
	tg := plantedTarget(t, ".")
	tg.exclude = []string{"go.mod"}
	c := convert(tg, st)
	if len(c.Results) != 0 || len(c.Worst) != 0 {
		t.Errorf("convert kept %d results and %d ratings of an excluded go.mod", len(c.Results), len(c.Worst))
	}
}

// longStack returns a call finding whose stack has depth frames in the
// scanned module under a vulnerable function named sink.
func longStack(sink string, depth int) *vulnFinding {
	f := &vulnFinding{OSV: "GO-2099-0001", FixedVersion: "v1.0.1", Trace: []*frame{
		{Module: "example.org/vuln", Version: "v1.0.0", Package: "example.org/vuln", Function: sink},
	}}
	for i := 0; i < depth; i++ {
		f.Trace = append(f.Trace, &frame{
			Module: "secscan.test/planted", Package: "secscan.test/planted", Function: fmt.Sprintf("f%d", i),
			Position: &position{Filename: "main.go", Line: i + 1, Column: 2},
		})
	}
	return f
}

func TestCodeFlowLimits(t *testing.T) {
	var findings []*vulnFinding
	for i := 0; i < maxFlows+2; i++ {
		findings = append(findings, longStack(fmt.Sprintf("Sink%d", i), maxSteps+10))
	}
	// The same stack twice must count once.
	findings = append(findings, longStack("Sink0", maxSteps+10))

	c := convert(plantedTarget(t, "."), &stream{Findings: findings})
	if len(c.Results) != 1 {
		t.Fatalf("convert returned %d results, want 1", len(c.Results))
	}
	flows := c.Results[0].CodeFlows
	if len(flows) != maxFlows {
		t.Errorf("result has %d flows, want %d", len(flows), maxFlows)
	}
	for _, fl := range flows {
		if len(fl.Steps) != maxSteps {
			t.Errorf("flow has %d steps, want %d", len(fl.Steps), maxSteps)
		}
		if !strings.Contains(fl.Message, "10 frames before the last step are not shown") {
			t.Errorf("flow message %q does not say that frames were dropped", fl.Message)
		}
		if last := fl.Steps[len(fl.Steps)-1]; last.Location.StartLine != 1 {
			t.Errorf("last step at line %d, want the call of the vulnerable function at line 1", last.Location.StartLine)
		}
	}
	if want := []string{"GO-2099-0001 in .: kept 5 of 7 distinct call stacks"}; !cmp.Equal(want, c.Notes) {
		t.Errorf("Notes = %q, want %q", c.Notes, want)
	}
}

func TestSymbol(t *testing.T) {
	tests := []struct {
		fr   frame
		want string
	}{
		{frame{Package: "golang.org/x/text/language", Function: "Parse"}, "golang.org/x/text/language.Parse"},
		{frame{Package: "mime/multipart", Receiver: "*Reader", Function: "ReadForm"}, "mime/multipart.Reader.ReadForm"},
		{frame{Package: "p", Function: "handler$1"}, "p.handler"},
	}
	for _, tt := range tests {
		if got := symbol(&tt.fr); got != tt.want {
			t.Errorf("symbol(%+v) = %q, want %q", tt.fr, got, tt.want)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		level string
		reach reachability
		want  rating
	}{
		{levelSymbol, called, rating{finding.LevelError, 8.0, finding.PrecisionHigh}},
		{levelSymbol, imported, rating{finding.LevelWarning, 5.5, finding.PrecisionMedium}},
		{levelSymbol, required, rating{finding.LevelNote, 2.0, finding.PrecisionLow}},
		{levelPackage, imported, rating{finding.LevelError, 8.0, finding.PrecisionMedium}},
		{levelPackage, required, rating{finding.LevelWarning, 5.5, finding.PrecisionLow}},
		{levelModule, required, rating{finding.LevelError, 8.0, finding.PrecisionLow}},
	}
	for _, tt := range tests {
		if got := rate(tt.level, tt.reach); got != tt.want {
			t.Errorf("rate(%s, %v) = %+v, want %+v", tt.level, tt.reach, got, tt.want)
		}
	}
}
