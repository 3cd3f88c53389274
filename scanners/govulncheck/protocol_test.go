package govulncheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The streams in testdata/stream were written by the govulncheck v1.9.0
// command ("govulncheck -db file:///DIR -json ./...") with Go 1.26.8:
// planted-root.json and planted-tools.json in the two planted modules with
// a database of GO-2021-0113, GO-2022-1059, GO-2026-6629, GO-2020-0001,
// GO-2026-6608 and GO-2026-6809; no-findings.json in the root module with
// GO-2020-0001 only; missing-dependency.json (and its standard error) in a
// module whose dependency is missing, with GOPROXY=off.
func openStream(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "stream", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestDecodeStream(t *testing.T) {
	tests := []struct {
		name     string
		osvs     int
		findings int
		sbom     bool
	}{
		{"planted-root.json", 5, 15, true},
		{"planted-tools.json", 5, 7, true},
		{"no-findings.json", 0, 0, true},
		{"missing-dependency.json", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := decodeStream(openStream(t, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			if st.Config == nil || st.Config.ProtocolVersion != "v1.0.0" || st.Config.ScanLevel != "symbol" {
				t.Errorf("Config = %+v, want protocol v1.0.0 at symbol level", st.Config)
			}
			if len(st.OSVs) != tt.osvs || len(st.Findings) != tt.findings || (st.SBOM != nil) != tt.sbom {
				t.Errorf("decoded %d OSVs, %d findings, SBOM %v; want %d, %d, %v", len(st.OSVs), len(st.Findings), st.SBOM != nil, tt.osvs, tt.findings, tt.sbom)
			}
		})
	}
}

func TestDecodeStreamTruncated(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "stream", "planted-tools.json"))
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Index(string(data), `"finding"`)
	st, err := decodeStream(strings.NewReader(string(data[:cut+20])))
	if err == nil {
		t.Fatal("decodeStream(truncated) returned no error")
	}
	if st.Config == nil || len(st.OSVs) == 0 {
		t.Errorf("decodeStream(truncated) kept Config %v and %d OSVs, want the messages before the cut", st.Config, len(st.OSVs))
	}
}

func TestDecodeStreamDropsInvalidFindings(t *testing.T) {
	in := `{"finding":{"osv":"GO-2021-0113"}}
{"finding":{"trace":[{"module":"m"}]}}
{"finding":{"osv":"GO-2021-0113","trace":[null]}}
{"finding":{"osv":"GO-2021-0113","trace":[{"module":"golang.org/x/text"}]}}`
	st, err := decodeStream(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Findings) != 1 {
		t.Errorf("decodeStream kept %d findings, want only the valid one", len(st.Findings))
	}
}

// TestRunErrorCapturedStderr formats the error that the govulncheck command
// printed for the missing-dependency capture, as Scan does for an error
// returned by Wait.
func TestRunErrorCapturedStderr(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "stream", "missing-dependency.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	got := relativize(runError(errors.New(string(data)), "").Error(), "$ROOT")
	if strings.Contains(got, "\n\n") {
		t.Errorf("message keeps blank lines:\n%s", got)
	}
	if strings.Contains(got, "$ROOT") {
		t.Errorf("message keeps the root:\n%s", got)
	}
	if !strings.Contains(got, "main.go:7:2: could not import github.com/not-in-cache/missing") {
		t.Errorf("message lost the load error:\n%s", got)
	}
}

func TestRunErrorAddsStderr(t *testing.T) {
	got := runError(errors.New("exit status 2"), "flag provided but not defined: -x\n").Error()
	if got != "exit status 2: flag provided but not defined: -x" {
		t.Errorf("runError() = %q", got)
	}
	if got := runError(errors.New("loading packages: boom"), "loading packages: boom"); got.Error() != "loading packages: boom" {
		t.Errorf("runError() repeated standard error: %q", got)
	}
}
