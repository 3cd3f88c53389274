package govulncheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// The types below decode govulncheck's JSON output, protocol v1.0.0: a
// stream of objects, each with exactly one of the fields of message set.
// They follow golang.org/x/vuln/internal/govulncheck and internal/osv at
// v1.9.0, which cannot be imported because they are internal, and keep only
// the fields secscan reads.

// message is one object of the stream.
type message struct {
	Config   *streamConfig `json:"config,omitempty"`
	Progress *progress     `json:"progress,omitempty"`
	SBOM     *sbom         `json:"SBOM,omitempty"`
	OSV      *osvEntry     `json:"osv,omitempty"`
	Finding  *vulnFinding  `json:"finding,omitempty"`
}

// streamConfig is the first message: how the scan ran.
type streamConfig struct {
	ProtocolVersion string     `json:"protocol_version"`
	ScannerName     string     `json:"scanner_name,omitempty"`
	ScannerVersion  string     `json:"scanner_version,omitempty"`
	DB              string     `json:"db,omitempty"`
	DBLastModified  *time.Time `json:"db_last_modified,omitempty"`
	GoVersion       string     `json:"go_version,omitempty"`
	ScanLevel       string     `json:"scan_level,omitempty"`
	ScanMode        string     `json:"scan_mode,omitempty"`
}

type progress struct {
	Message string `json:"message,omitempty"`
}

// sbom lists the modules and root packages of the scan.
type sbom struct {
	GoVersion string `json:"go_version,omitempty"`
	Modules   []struct {
		Path    string `json:"path,omitempty"`
		Version string `json:"version,omitempty"`
	} `json:"modules,omitempty"`
	Roots []string `json:"roots,omitempty"`
}

// osvEntry is an advisory in OSV format, as the Go vulnerability database
// writes it.
type osvEntry struct {
	ID               string      `json:"id"`
	Modified         time.Time   `json:"modified,omitempty"`
	Published        time.Time   `json:"published,omitempty"`
	Withdrawn        *time.Time  `json:"withdrawn,omitempty"`
	Aliases          []string    `json:"aliases,omitempty"`
	Summary          string      `json:"summary,omitempty"`
	Details          string      `json:"details"`
	Affected         []affected  `json:"affected"`
	References       []reference `json:"references,omitempty"`
	DatabaseSpecific *struct {
		URL          string `json:"url,omitempty"`
		ReviewStatus string `json:"review_status,omitempty"`
	} `json:"database_specific,omitempty"`
}

type affected struct {
	Module struct {
		Path string `json:"name"` // "stdlib" for the standard library
	} `json:"package"`
	Ranges []struct {
		Type   string `json:"type"`
		Events []struct {
			Introduced string `json:"introduced,omitempty"`
			Fixed      string `json:"fixed,omitempty"`
		} `json:"events"`
	} `json:"ranges,omitempty"`
	EcosystemSpecific struct {
		Packages []struct {
			Path    string   `json:"path,omitempty"`
			Symbols []string `json:"symbols,omitempty"`
		} `json:"imports,omitempty"`
	} `json:"ecosystem_specific"`
}

type reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// vulnFinding is one finding. A module-level finding has one frame with only
// the module, and a package-level finding adds the package. A symbol-level
// finding has a call stack from the vulnerable symbol (Trace[0]) to the
// entry point in the scanned module (the last frame).
type vulnFinding struct {
	OSV          string   `json:"osv,omitempty"`
	FixedVersion string   `json:"fixed_version,omitempty"`
	Trace        []*frame `json:"trace,omitempty"`
}

type frame struct {
	Module   string    `json:"module"` // "stdlib" for the standard library
	Version  string    `json:"version,omitempty"`
	Package  string    `json:"package,omitempty"`
	Function string    `json:"function,omitempty"`
	Receiver string    `json:"receiver,omitempty"`
	Position *position `json:"position,omitempty"`
}

// position is a source position. Filename is relative to the directory of
// the module that contains it, slash-separated.
type position struct {
	Filename string `json:"filename,omitempty"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"` // 1-based, in bytes
}

// stream is the decoded output of one govulncheck run.
type stream struct {
	Config   *streamConfig
	SBOM     *sbom
	OSVs     map[string]*osvEntry
	Findings []*vulnFinding
}

// decodeStream reads a govulncheck JSON stream. On a syntax error it returns
// the messages read so far with the error. Findings without an advisory id
// or a trace, which the protocol forbids, are dropped.
func decodeStream(r io.Reader) (*stream, error) {
	st := &stream{OSVs: map[string]*osvEntry{}}
	dec := json.NewDecoder(r)
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("decoding govulncheck output at byte %d: %w", dec.InputOffset(), err)
		}
		switch {
		case m.Config != nil:
			st.Config = m.Config
		case m.SBOM != nil:
			st.SBOM = m.SBOM
		case m.OSV != nil:
			st.OSVs[m.OSV.ID] = m.OSV
		case m.Finding != nil:
			if m.Finding.OSV != "" && len(m.Finding.Trace) > 0 && m.Finding.Trace[0] != nil {
				st.Findings = append(st.Findings, m.Finding)
			}
		}
	}
}
