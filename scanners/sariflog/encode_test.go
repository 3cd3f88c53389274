package sariflog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/fingerprint"
)

// referenceJSON is the whole log as encoding/json writes it, the behavior
// the streaming encoder must reproduce byte for byte.
type referenceJSON struct {
	Schema                   string                      `json:"$schema,omitempty"`
	Version                  string                      `json:"version"`
	InlineExternalProperties []*sarif.ExternalProperties `json:"inlineExternalProperties,omitempty"`
	Runs                     []runJSON                   `json:"runs"`
	Properties               sarif.Properties            `json:"properties,omitempty"`
}

func referenceEncoding(t *testing.T, r *sarif.Report, pretty bool) []byte {
	t.Helper()
	ref := referenceJSON{Schema: r.Schema, Version: r.Version, InlineExternalProperties: r.InlineExternalProperties,
		Runs: []runJSON{}, Properties: r.Properties}
	for _, run := range r.Runs {
		ref.Runs = append(ref.Runs, runJSON{Run: run, Results: wrapResults(run.Results)})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(ref); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// oddReport returns a log with strings that need escaping and results that
// take the encoding/json path.
func oddReport(t *testing.T) *sarif.Report {
	t.Helper()
	run := &finding.Run{
		Tool: "gosec",
		Rules: []finding.Rule{{ID: "R<1>&", ShortDescription: "quote \" backslash \\ tab \t newline \n bell \a",
			SecuritySeverity: 3}},
		Results: []finding.Result{
			{RuleID: "R<1>&", Message: "naïve \u2028 line separator, invalid \xff byte", Location: finding.Location{Path: "a.go", StartLine: 2}},
			{RuleID: "R<1>&", Message: "plain", Location: finding.Location{Path: "b.go", StartLine: 1},
				Properties: map[string]any{"nested": map[string]any{"z": 1, "a": []int{1, 2}}}},
		},
		Invocation: finding.Invocation{Status: finding.StatusOK},
	}
	r, err := Build([]*finding.Run{run}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Fields that Build never sets send a result through encoding/json.
	r.Runs[0].Results[1].Stacks = []*sarif.Stack{{Frames: []*sarif.StackFrame{}}}
	r.Runs[0].Results[0].Locations[0].Message = &sarif.Message{Text: ptr("location message")}
	r.Properties = sarif.Properties{"generator": "secscan"}
	return r
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	reports := map[string]func(t *testing.T) *sarif.Report{
		"sample": func(t *testing.T) *sarif.Report {
			r, _ := build(t, sampleRuns(), Options{})
			return r
		},
		"edge cases": func(t *testing.T) *sarif.Report {
			r, _ := build(t, edgeCaseRuns(), Options{})
			return r
		},
		"synthetic": func(t *testing.T) *sarif.Report {
			r, _ := build(t, syntheticRuns(2, 400, 30), Options{})
			return r
		},
		"odd": oddReport,
		"empty": func(t *testing.T) *sarif.Report {
			r, _ := build(t, nil, Options{})
			return r
		},
	}
	for name, report := range reports {
		for _, pretty := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s pretty=%v", name, pretty), func(t *testing.T) {
				r := report(t)
				var got bytes.Buffer
				if err := encodeReport(&got, r, pretty); err != nil {
					t.Fatal(err)
				}
				want := referenceEncoding(t, r, pretty)
				if diff := cmp.Diff(string(want), got.String()); diff != "" {
					t.Errorf("streaming encoding differs from encoding/json (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestEncodeWriteError(t *testing.T) {
	r, _ := build(t, syntheticRuns(2, 2000, 30), Options{})
	if err := Encode(failingWriter{}, r); err == nil {
		t.Error("Encode to a failing writer returned nil")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFingerprintKeysSorted(t *testing.T) {
	if primaryLocationLineHash >= fingerprint.Key {
		t.Errorf("%q sorts after %q; the encoder writes it first", primaryLocationLineHash, fingerprint.Key)
	}
}
