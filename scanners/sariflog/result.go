package sariflog

import (
	"cmp"
	"encoding/json"
	"maps"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/fingerprint"
)

// srcRoot is the uriBaseId of every location. GitHub ignores it and reads
// relative URIs from the repository root; other SARIF viewers use it.
const srcRoot = "%SRCROOT%"

// primaryLocationLineHash is GitHub's partial fingerprint key.
const primaryLocationLineHash = "primaryLocationLineHash"

// sortKey is the deterministic order of results: URI, line, column, rule
// id, message and fingerprint. Results equal in all of them are ordered by
// their serialization.
type sortKey struct {
	uri         string
	uriRank     int // the URI's position among the run's sorted URIs
	line        int
	column      int
	ruleID      string
	message     string
	fingerprint string
}

// compareKeys compares field by field and stops at the first difference;
// cmp.Or would compare every string first.
func compareKeys(a, b *sortKey) int {
	if c := cmp.Compare(a.uriRank, b.uriRank); c != 0 {
		return c
	}
	if c := cmp.Compare(a.line, b.line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.column, b.column); c != 0 {
		return c
	}
	if c := strings.Compare(a.ruleID, b.ruleID); c != 0 {
		return c
	}
	if c := strings.Compare(a.message, b.message); c != 0 {
		return c
	}
	return strings.Compare(a.fingerprint, b.fingerprint)
}

// pendingResult is a result whose sort key is known but whose SARIF form
// is not built yet.
type pendingResult struct {
	key     sortKey
	src     *finding.Result
	rule    *ruleInfo
	outside bool
}

// entry is one converted result.
type entry struct {
	key    sortKey
	result *sarif.Result
	rule   *ruleInfo
	level  finding.Level

	pos     int  // position in the sorted order
	dropped bool // removed to meet a limit
}

// pendingResults computes the sort keys of the run's results, leaving out
// and counting results without a path, which GitHub would reject.
func (b *runBuilder) pendingResults(byID map[string]*ruleInfo) []pendingResult {
	pending := make([]pendingResult, 0, len(b.src.Results))
	for i := range b.src.Results {
		r := &b.src.Results[i]
		uri, outside, ok := artifactURI(r.Location.Path)
		if !ok {
			b.notes.withoutLocation++
			continue
		}
		rule := byID[ruleID(r)]
		pending = append(pending, pendingResult{
			key: sortKey{
				uri:         uri,
				line:        max(r.Location.StartLine, 1),
				column:      r.Location.StartColumn,
				ruleID:      rule.descriptor.ID,
				message:     firstNonEmpty(r.Message, rule.shortText, r.RuleID),
				fingerprint: r.Fingerprint,
			},
			src:     r,
			rule:    rule,
			outside: outside,
		})
	}
	rankURIs(pending)
	return pending
}

// rankURIs numbers the distinct URIs in sorted order, so that sorting
// compares integers rather than long strings with common prefixes.
func rankURIs(pending []pendingResult) {
	ranks := make(map[string]int)
	for i := range pending {
		ranks[pending[i].key.uri] = 0
	}
	for i, uri := range slices.Sorted(maps.Keys(ranks)) {
		ranks[uri] = i
	}
	for i := range pending {
		pending[i].key.uriRank = ranks[pending[i].key.uri]
	}
}

// resultSlab allocates the parts of a run's results in a few large
// slices rather than a dozen small allocations per result, which makes
// building and garbage collection of large runs faster.
type resultSlab struct {
	results   []sarif.Result
	locations []sarif.Location
	pointers  []*sarif.Location
	physical  []sarif.PhysicalLocation
	artifacts []sarif.ArtifactLocation
	regions   []sarif.Region
	ints      []int    // 4 per result: the region's lines and columns
	strings   []string // 2 per result: the URI and the message
	entries   []entry
	next      int

	// text holds the strings of the results one after the other, in the
	// order the results are written, so that encoding reads them in
	// sequence rather than from all over the heap.
	text strings.Builder
}

// intern returns a copy of s stored in the slab's text. Strings already
// returned stay valid when text grows, because a strings.Builder never
// changes bytes it has written.
func (s *resultSlab) intern(v string) string {
	start := s.text.Len()
	s.text.WriteString(v)
	return s.text.String()[start:]
}

// newResultSlab returns a slab for n results whose strings have textSize
// bytes in total.
func newResultSlab(n, textSize int) *resultSlab {
	s := &resultSlab{
		results:   make([]sarif.Result, n),
		locations: make([]sarif.Location, n),
		pointers:  make([]*sarif.Location, n),
		physical:  make([]sarif.PhysicalLocation, n),
		artifacts: make([]sarif.ArtifactLocation, n),
		regions:   make([]sarif.Region, n),
		ints:      make([]int, 4*n),
		strings:   make([]string, 2*n),
		entries:   make([]entry, n),
	}
	s.text.Grow(textSize)
	return s
}

// textSize returns the bytes that the slab's text needs for p.
func (p *pendingResult) textSize() int {
	return len(p.key.uri) + len(p.key.message) + len(p.src.LineHash) + len(p.src.Fingerprint)
}

// buildResult converts one result into the next slots of slab.
func (b *runBuilder) buildResult(p *pendingResult, slab *resultSlab) *entry {
	r := p.src
	if p.outside {
		b.notes.outsideRepository++
	}
	level := r.Level
	if !level.Valid() {
		if level != "" {
			b.notes.invalidLevels++
		}
		level = p.rule.level
	}

	i := slab.next
	slab.next++
	texts := slab.strings[2*i : 2*i+2 : 2*i+2]
	texts[0], texts[1] = slab.intern(p.key.uri), slab.intern(p.key.message)
	reg := &slab.regions[i]
	fillRegion(reg, r.Location, slab.ints[4*i:4*i+4:4*i+4])

	artifact := &slab.artifacts[i]
	*artifact = sarif.ArtifactLocation{URI: &texts[0], URIBaseId: &b.srcRoot}
	physical := &slab.physical[i]
	*physical = sarif.PhysicalLocation{ArtifactLocation: artifact, Region: reg}
	slab.locations[i] = sarif.Location{PhysicalLocation: physical}
	slab.pointers[i] = &slab.locations[i]

	res := &slab.results[i]
	*res = sarif.Result{
		RuleID:       &p.rule.descriptor.ID,
		Level:        b.levelText(level),
		Message:      sarif.Message{Text: &texts[1]},
		Locations:    slab.pointers[i : i+1 : i+1],
		CodeFlows:    b.codeFlows(r.CodeFlows),
		Suppressions: b.suppressions(r.Suppressions),
	}
	res.PartialFingerprints = partialFingerprints(slab.intern(r.LineHash), slab.intern(r.Fingerprint))
	if r.BaselineState != "" {
		if validBaselineState(r.BaselineState) {
			res.BaselineState = ptr(r.BaselineState)
		} else {
			b.notes.invalidBaselines++
		}
	}
	if len(r.Properties) > 0 {
		props, dropped := sanitizeProperties(r.Properties)
		b.notes.droppedProperties += len(dropped)
		res.Properties = props
	}

	e := &slab.entries[i]
	*e = entry{key: p.key, result: res, rule: p.rule, level: level}
	return e
}

func partialFingerprints(lineHash, own string) map[string]any {
	if lineHash == "" && own == "" {
		return nil
	}
	fp := make(map[string]any, 2)
	if lineHash != "" {
		fp[primaryLocationLineHash] = lineHash
	}
	if own != "" {
		fp[fingerprint.Key] = own
	}
	return fp
}

// levelText returns a pointer to the level's text, shared by the run's
// results to save one allocation per result.
func (b *runBuilder) levelText(l finding.Level) *string {
	if p, ok := b.levels[l]; ok {
		return p
	}
	p := ptr(string(l))
	b.levels[l] = p
	return p
}

// region converts a location's lines and columns to values the schema
// accepts: lines and columns start at 1, and the end is never before the
// start. An unknown line (0) becomes line 1.
func region(loc finding.Location) *sarif.Region {
	r := &sarif.Region{}
	fillRegion(r, loc, make([]int, 4))
	return r
}

// fillRegion sets r from loc, storing the values in ints, which has
// room for four.
func fillRegion(r *sarif.Region, loc finding.Location, ints []int) {
	start := max(loc.StartLine, 1)
	ints[0] = start
	r.StartLine = &ints[0]
	startColumn := 1
	if loc.StartColumn >= 1 {
		startColumn = loc.StartColumn
		ints[1] = loc.StartColumn
		r.StartColumn = &ints[1]
	}

	endLine := start
	if loc.EndLine >= start {
		endLine = loc.EndLine
		ints[2] = loc.EndLine
		r.EndLine = &ints[2]
	}
	if loc.EndColumn >= 1 && (endLine > start || loc.EndColumn >= startColumn) {
		ints[3] = loc.EndColumn
		r.EndColumn = &ints[3]
	}
}

// codeFlows converts code flows, keeping at most
// Limits.ThreadFlowLocations steps over all of them. Flows without steps
// are left out: the schema requires at least one thread-flow location.
func (b *runBuilder) codeFlows(flows []finding.CodeFlow) []*sarif.CodeFlow {
	var out []*sarif.CodeFlow
	budget := b.limits.ThreadFlowLocations
	trimmed := false
	for _, f := range flows {
		if len(f.Steps) == 0 {
			continue
		}
		if budget == 0 {
			trimmed = true
			break
		}
		steps := f.Steps
		if len(steps) > budget {
			steps = steps[:budget]
			trimmed = true
		}
		budget -= len(steps)

		locations := make([]*sarif.ThreadFlowLocation, len(steps))
		for i, s := range steps {
			locations[i] = &sarif.ThreadFlowLocation{Location: b.stepLocation(s)}
		}
		flow := &sarif.CodeFlow{ThreadFlows: []*sarif.ThreadFlow{{Locations: locations}}}
		if f.Message != "" {
			flow.Message = &sarif.Message{Text: ptr(f.Message)}
		}
		out = append(out, flow)
	}
	if trimmed {
		b.notes.trimmedCodeFlows++
	}
	return out
}

// stepLocation converts one code-flow step. A step without a path, such as
// a frame in the standard library, keeps only its message.
func (b *runBuilder) stepLocation(s finding.Step) *sarif.Location {
	loc := &sarif.Location{}
	if uri, _, ok := artifactURI(s.Location.Path); ok {
		loc.PhysicalLocation = &sarif.PhysicalLocation{
			ArtifactLocation: &sarif.ArtifactLocation{URI: &uri, URIBaseId: &b.srcRoot},
			Region:           region(s.Location),
		}
	}
	if s.Message != "" {
		loc.Message = &sarif.Message{Text: ptr(s.Message)}
	}
	if loc.PhysicalLocation == nil && loc.Message == nil {
		return nil
	}
	return loc
}

// suppressions converts suppressions. GitHub ignores them and opens an
// alert for a suppressed result; other consumers read them.
func (b *runBuilder) suppressions(in []finding.Suppression) []*sarif.Suppression {
	if len(in) == 0 {
		return nil
	}
	out := make([]*sarif.Suppression, len(in))
	for i, s := range in {
		kind := s.Kind
		switch strings.ToLower(kind) {
		case "insource":
			kind = "inSource"
		case "external":
			kind = "external"
		default:
			kind = "external"
			b.notes.invalidSuppressions++
		}
		out[i] = &sarif.Suppression{Kind: kind}
		if s.Justification != "" {
			out[i].Justification = ptr(s.Justification)
		}
	}
	return out
}

func validBaselineState(s string) bool {
	switch s {
	case "new", "unchanged", "updated", "absent":
		return true
	}
	return false
}

// sanitizeProperties copies props without the values that encoding/json
// cannot write, and returns the keys it left out.
func sanitizeProperties(props map[string]any) (sarif.Properties, []string) {
	out := make(sarif.Properties, len(props))
	var dropped []string
	for k, v := range props {
		if marshalable(v) {
			out[k] = v
		} else {
			dropped = append(dropped, k)
		}
	}
	return out, dropped
}

func marshalable(v any) bool {
	switch x := v.(type) {
	case nil, string, bool, int, int32, int64, uint, uint32, uint64, []string:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	_, err := json.Marshal(v)
	return err == nil
}

// artifactURI returns the URI for a slash-separated repository path. The
// path is cleaned, and every byte not allowed in a URI path is
// percent-encoded: spaces, "%", "#", "?" and non-ASCII characters among
// others. A colon in the first segment becomes %3A, because Go's net/url
// reads "a:b" as scheme "a". An absolute path becomes a file: URI. outside
// reports a path that leaves the repository, and ok is false for an empty
// path.
func artifactURI(p string) (uri string, outside, ok bool) {
	if p == "" {
		return "", false, false
	}
	if strings.HasPrefix(p, "/") {
		return "file://" + escapePath(path.Clean(p), false), true, true
	}

	clean := path.Clean(p)
	outside = clean == ".." || strings.HasPrefix(clean, "../")
	return escapePath(clean, true), outside, true
}

// escapePath percent-encodes p for a URI path. With relative set, colons
// in the first segment are encoded too.
func escapePath(p string, relative bool) string {
	var b strings.Builder
	b.Grow(len(p))
	firstSegment := relative
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			firstSegment = false
			b.WriteByte(c)
		case c == ':' && firstSegment:
			b.WriteString("%3A")
		case allowedInPath(c):
			b.WriteByte(c)
		default:
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0F])
		}
	}
	return b.String()
}

// allowedInPath reports whether c may appear unencoded in a URI path
// segment (RFC 3986: unreserved, sub-delims, ":" and "@").
func allowedInPath(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}
