package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// entry is an OSV entry in the Go vulnerability database format. Its fields
// and their Go types copy those of osv.Entry in golang.org/x/vuln v1.9.0
// (internal/osv), so that a file that decodes here also decodes in
// govulncheck, which fails the whole scan on an entry it cannot decode.
type entry struct {
	SchemaVersion    string            `json:"schema_version"`
	ID               string            `json:"id"`
	Modified         time.Time         `json:"modified"`
	Published        time.Time         `json:"published"`
	Withdrawn        *time.Time        `json:"withdrawn"`
	Aliases          []string          `json:"aliases"`
	Summary          string            `json:"summary"`
	Details          string            `json:"details"`
	Affected         []affected        `json:"affected"`
	References       []reference       `json:"references"`
	Credits          []credit          `json:"credits"`
	DatabaseSpecific *databaseSpecific `json:"database_specific"`
}

type affected struct {
	Module struct {
		Path      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	} `json:"package"`
	Ranges            []osvRange `json:"ranges"`
	EcosystemSpecific struct {
		Packages []struct {
			Path    string   `json:"path"`
			GOOS    []string `json:"goos"`
			GOARCH  []string `json:"goarch"`
			Symbols []string `json:"symbols"`
		} `json:"imports"`
	} `json:"ecosystem_specific"`
}

type osvRange struct {
	Type   string       `json:"type"`
	Events []rangeEvent `json:"events"`
}

type rangeEvent struct {
	Introduced string `json:"introduced"`
	Fixed      string `json:"fixed"`
}

type reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type credit struct {
	Name string `json:"name"`
}

type databaseSpecific struct {
	URL          string       `json:"url"`
	ReviewStatus reviewStatus `json:"review_status"`
}

// reviewStatus accepts the three values that govulncheck v1.9.0 accepts;
// any other string fails its decoding of the entry.
type reviewStatus string

func (r *reviewStatus) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch s {
	case "", "UNREVIEWED", "REVIEWED":
		*r = reviewStatus(s)
		return nil
	}
	return fmt.Errorf("unrecognized review_status %q", s)
}

// moduleMeta and moduleVuln are the elements of index/modules.json, and
// vulnMeta those of index/vulns.json, as the database API at
// https://go.dev/security/vuln/database#api defines them.
type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// idPattern is the form of an id that Sync accepts. An id becomes a file
// name (ID/<id>.json), so it must not contain a path separator or start
// with a dot.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

func validID(id string) bool { return idPattern.MatchString(id) }

// errSkip marks an entry that is left out of the database.
var errSkip = errors.New("skipped")

// parseEntry decodes and checks one OSV file. The name is the file's base
// name. It returns the decoded entry and the file rewritten with modified
// set to modTime when the file's modified time is zero. An error wrapping
// errSkip means the entry must be left out, and its text is the reason.
func parseEntry(name string, data []byte, modTime time.Time) (*entry, []byte, error) {
	var e entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, nil, fmt.Errorf("%w: invalid OSV JSON: %v", errSkip, err)
	}
	if err := e.check(name); err != nil {
		return &e, nil, fmt.Errorf("%w: %v", errSkip, err)
	}

	// Rewrite through a map of raw values, so that fields this package
	// does not model (such as "related") are kept as they are.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return &e, nil, fmt.Errorf("%w: invalid OSV JSON: %v", errSkip, err)
	}
	if e.Modified.IsZero() {
		e.Modified = modTime.UTC()
		ts, err := json.Marshal(e.Modified)
		if err != nil {
			return &e, nil, err
		}
		fields["modified"] = ts
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return &e, nil, err
	}
	return &e, out, nil
}

// check rejects entries that govulncheck would misread. An affected module
// without a SEMVER range counts as affected at every version in
// govulncheck, so such an entry would flag every version of the module.
func (e *entry) check(name string) error {
	if e.ID == "" {
		return errors.New("missing id")
	}
	if !validID(e.ID) {
		return fmt.Errorf("invalid id %q", e.ID)
	}
	if name != e.ID+".json" {
		return fmt.Errorf("file name %s does not match id %s", name, e.ID)
	}
	if len(e.Affected) == 0 {
		return errors.New("no affected modules")
	}
	for _, a := range e.Affected {
		if err := a.check(); err != nil {
			return err
		}
	}
	return nil
}

func (a *affected) check() error {
	if a.Module.Path == "" {
		return errors.New("affected module without a name")
	}
	if len(a.Ranges) == 0 {
		return fmt.Errorf("affected module %s has no version ranges", a.Module.Path)
	}
	semverRanges := 0
	for _, r := range a.Ranges {
		if r.Type != "SEMVER" {
			continue
		}
		semverRanges++
		if err := r.check(); err != nil {
			return fmt.Errorf("affected module %s: %v", a.Module.Path, err)
		}
	}
	if semverRanges == 0 {
		return fmt.Errorf("affected module %s has no SEMVER range", a.Module.Path)
	}
	return nil
}

func (r *osvRange) check() error {
	introduced := 0
	for _, ev := range r.Events {
		switch {
		case ev.Introduced != "" && ev.Fixed != "":
			return errors.New("range event sets both introduced and fixed")
		case ev.Introduced == "" && ev.Fixed == "":
			return errors.New("range event sets neither introduced nor fixed")
		case ev.Introduced != "":
			introduced++
			if ev.Introduced != "0" && !validVersion(ev.Introduced) {
				return fmt.Errorf("invalid introduced version %q", ev.Introduced)
			}
		default:
			if !validVersion(ev.Fixed) {
				return fmt.Errorf("invalid fixed version %q", ev.Fixed)
			}
		}
	}
	if introduced == 0 {
		return errors.New("SEMVER range without an introduced event")
	}
	return nil
}

// canonicalVersion turns an OSV version ("1.2.3", as well as "v1.2.3" and
// "go1.2.3", which govulncheck also accepts) into the "v1.2.3" form of
// golang.org/x/mod/semver.
func canonicalVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	v = strings.TrimPrefix(v, "go")
	return "v" + v
}

func validVersion(v string) bool { return semver.IsValid(canonicalVersion(v)) }

func lessVersion(a, b string) bool {
	return semver.Compare(canonicalVersion(a), canonicalVersion(b)) < 0
}

// nonSupersededFix returns the latest fixed version of the SEMVER ranges,
// or "" when a vulnerability is introduced again after it. It follows
// NonSupersededFix of golang.org/x/vuln v1.9.0 (internal/semver), which
// computes the "fixed" field of index/modules.json. govulncheck does not
// fetch an entry for a module version at or above that field, so a value
// earlier than the real fix would hide a vulnerability.
func nonSupersededFix(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, ev := range r.Events {
			if ev.Fixed != "" && lessVersion(latest, ev.Fixed) {
				latest = ev.Fixed
			}
		}
		for _, ev := range r.Events {
			if ev.Introduced != "" && ev.Introduced != "0" && lessVersion(latest, ev.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}
