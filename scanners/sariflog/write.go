package sariflog

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// The JSON shapes below wrap go-sarif's types to fix how they serialize.
// A field declared here hides the embedded field of the same JSON name,
// as encoding/json resolves names by depth.

// runJSON writes the results last, after the run's metadata, which lets
// the encoder stream them.
type runJSON struct {
	*sarif.Run
	Results []resultJSON `json:"results"`
}

// resultJSON replaces the suppressions, which go-sarif writes with null
// status, location and guid.
type resultJSON struct {
	*sarif.Result
	Suppressions []suppressionJSON `json:"suppressions,omitempty"`
}

type suppressionJSON struct {
	Kind          string           `json:"kind"`
	Status        *string          `json:"status,omitempty"`
	Location      *sarif.Location  `json:"location,omitempty"`
	GUID          *string          `json:"guid,omitempty"`
	Justification *string          `json:"justification,omitempty"`
	Properties    sarif.Properties `json:"properties,omitempty"`
}

func wrapResults(results []*sarif.Result) []resultJSON {
	out := make([]resultJSON, len(results))
	for i, r := range results {
		out[i] = resultJSON{Result: r, Suppressions: suppressionsJSON(r.Suppressions)}
	}
	return out
}

func suppressionsJSON(in []*sarif.Suppression) []suppressionJSON {
	if len(in) == 0 {
		return nil
	}
	out := make([]suppressionJSON, len(in))
	for i, s := range in {
		out[i] = suppressionJSON{
			Kind: s.Kind, Status: s.Status, Location: s.Location, GUID: s.Guid,
			Justification: s.Justification, Properties: s.Properties,
		}
	}
	return out
}

// Encode writes r to w as JSON indented by two spaces, with a trailing
// newline. Unlike go-sarif's writers it never writes null for a
// suppression's unset fields, it puts each run's results after the run's
// metadata, and it leaves "<", ">" and "&" unescaped. It streams the
// results rather than building the whole document in memory.
func Encode(w io.Writer, r *sarif.Report) error {
	return encodeReport(w, r, true)
}

// WriteFile writes r to path, replacing any existing file. It writes a
// temporary file in the same directory and renames it, so readers never
// see a partial log and a shorter log leaves no tail of an older one.
func WriteFile(path string, r *sarif.Report) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close() // the error of interest is the one already returned
			os.Remove(tmp.Name())
		}
	}()

	// The encoder buffers its output in large chunks; writing them from
	// another goroutine overlaps the system calls with encoding.
	async := newAsyncWriter(tmp)
	encodeErr := Encode(async, r)
	writeErr := async.Close()
	if err := cmp.Or(encodeErr, writeErr); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ToolLog is one tool's run of a merged log, as a log of its own.
type ToolLog struct {
	Tool     string // the driver name
	FileName string // the lower-case tool name with ".sarif", such as "trivy.sarif"
	Report   *sarif.Report
}

// Split returns one log per run of r, in r's order. The logs share their
// runs with r.
func Split(r *sarif.Report) []ToolLog {
	out := make([]ToolLog, 0, len(r.Runs))
	for _, run := range r.Runs {
		tool := ""
		if run.Tool.Driver != nil {
			tool = run.Tool.Driver.Name
		}
		out = append(out, ToolLog{
			Tool:     tool,
			FileName: categoryName(tool) + ".sarif",
			Report:   &sarif.Report{Version: r.Version, Schema: r.Schema, Runs: []*sarif.Run{run}},
		})
	}
	return out
}
