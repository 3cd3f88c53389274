package sariflog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/guestbook-secscan/guestbook/scanners/fingerprint"
)

// encoder streams a log as JSON. Results, which are most of a log, are
// written field by field when they contain only the fields that Build
// sets, and everything else goes through encoding/json. Both paths give
// the bytes of a json.Encoder with SetEscapeHTML(false) and, in pretty
// mode, SetIndent("", "  "). The tests compare the two.
type encoder struct {
	w      io.Writer
	buf    []byte
	pretty bool
	err    error

	// fallback encodes values with encoding/json.
	fallback    *json.Encoder
	fallbackBuf bytes.Buffer
	indentBuf   bytes.Buffer
}

// flushThreshold is the buffered size above which the encoder writes to w.
const flushThreshold = 256 << 10

func newEncoder(w io.Writer, pretty bool) *encoder {
	e := &encoder{w: w, pretty: pretty, buf: make([]byte, 0, flushThreshold+64<<10)}
	e.fallback = json.NewEncoder(&e.fallbackBuf)
	e.fallback.SetEscapeHTML(false)
	return e
}

// encodeReport writes r followed by a newline.
func encodeReport(w io.Writer, r *sarif.Report, pretty bool) error {
	e := newEncoder(w, pretty)
	e.report(r)
	e.buf = append(e.buf, '\n')
	e.flush()
	return e.err
}

func (e *encoder) flush() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func (e *encoder) maybeFlush() {
	if len(e.buf) >= flushThreshold {
		e.flush()
	}
}

func (e *encoder) report(r *sarif.Report) {
	o := e.object(0)
	if r.Schema != "" {
		o.key("$schema")
		e.string(r.Schema)
	}
	o.key("version")
	e.string(r.Version)
	if len(r.InlineExternalProperties) > 0 {
		o.key("inlineExternalProperties")
		e.value(r.InlineExternalProperties, 1)
	}
	o.key("runs")
	runs := e.array(2)
	for _, run := range r.Runs {
		runs.next()
		e.run(run, 2)
	}
	runs.close()
	if len(r.Properties) > 0 {
		o.key("properties")
		e.value(r.Properties, 1)
	}
	o.close()
}

// run writes everything but the results with encoding/json, then streams
// the results. runJSON puts "results" last, so the header ends with the
// empty results array, which is cut off and replaced.
func (e *encoder) run(run *sarif.Run, depth int) {
	header, ok := e.marshal(runJSON{Run: run, Results: []resultJSON{}}, depth)
	if !ok {
		return
	}
	tail := []byte("[]}")
	if e.pretty {
		tail = []byte("[]\n" + indentation(depth) + "}")
	}
	switch {
	case len(run.Results) == 0:
		e.buf = append(e.buf, header...)
		return
	case !bytes.HasSuffix(header, tail):
		// Not reached while runJSON declares Results last; kept so that a
		// change there cannot drop the results.
		e.value(runJSON{Run: run, Results: wrapResults(run.Results)}, depth)
		return
	}
	e.buf = append(e.buf, header[:len(header)-len(tail)]...)

	results := e.array(depth + 2)
	for _, r := range run.Results {
		results.next()
		e.result(r, depth+2)
		e.maybeFlush()
	}
	results.close()
	e.newline(depth)
	e.buf = append(e.buf, '}')
}

// result writes one result, in the field order of resultJSON. It writes
// the fields that Build sets directly. On meeting any other field, it
// discards what it wrote and encodes the whole result with encoding/json.
// Checking while writing reads each object once.
func (e *encoder) result(r *sarif.Result, depth int) {
	start := len(e.buf)
	if !e.simpleResult(r, depth) {
		e.buf = e.buf[:start]
		e.value(resultJSON{Result: r, Suppressions: suppressionsJSON(r.Suppressions)}, depth)
	}
}

func (e *encoder) simpleResult(r *sarif.Result, depth int) bool {
	if r.Guid != nil || r.CorrelationGuid != nil || r.Rule != nil || len(r.Taxa) > 0 || r.Kind != nil ||
		r.AnalysisTarget != nil || r.WebRequest != nil || r.WebResponse != nil || len(r.Fingerprints) > 0 ||
		len(r.Graphs) > 0 || len(r.GraphTraversals) > 0 || len(r.Stacks) > 0 || len(r.RelatedLocations) > 0 ||
		r.Rank != nil || len(r.Attachments) > 0 || len(r.WorkItemUris) > 0 || r.HostedViewerUri != nil ||
		r.Provenance != nil || len(r.Fixes) > 0 || r.OccurrenceCount != nil {
		return false
	}

	o := e.object(depth)
	if len(r.Properties) > 0 {
		o.key("properties")
		e.value(r.Properties, depth+1)
	}
	if r.RuleID != nil {
		o.key("ruleId")
		e.string(*r.RuleID)
	}
	if r.RuleIndex != nil {
		o.key("ruleIndex")
		e.buf = strconv.AppendUint(e.buf, uint64(*r.RuleIndex), 10)
	}
	if r.Level != nil {
		o.key("level")
		e.string(*r.Level)
	}
	o.key("message")
	if !e.message(&r.Message, depth+1) {
		return false
	}
	if len(r.Locations) > 0 {
		o.key("locations")
		locations := e.array(depth + 2)
		for _, l := range r.Locations {
			locations.next()
			if !e.location(l, depth+2) {
				return false
			}
		}
		locations.close()
	}
	if len(r.PartialFingerprints) > 0 {
		o.key("partialFingerprints")
		e.stringMap(r.PartialFingerprints, depth+1)
	}
	if len(r.CodeFlows) > 0 {
		o.key("codeFlows")
		e.value(r.CodeFlows, depth+1)
	}
	if r.BaselineState != nil {
		o.key("baselineState")
		e.string(*r.BaselineState)
	}
	if len(r.Suppressions) > 0 {
		o.key("suppressions")
		e.value(suppressionsJSON(r.Suppressions), depth+1)
	}
	o.close()
	return true
}

// message writes a message that has only a text, and reports false for
// any other message.
func (e *encoder) message(m *sarif.Message, depth int) bool {
	if m.Text == nil || m.Markdown != nil || m.ID != nil || len(m.Arguments) > 0 || len(m.Properties) > 0 {
		return false
	}
	o := e.object(depth)
	o.key("text")
	e.string(*m.Text)
	o.close()
	return true
}

// location writes a location made of a message and a physical location
// with a URI and a region of lines and columns, and reports false for any
// other field.
func (e *encoder) location(l *sarif.Location, depth int) bool {
	if l == nil || l.Id != nil || len(l.LogicalLocations) > 0 || len(l.Annotations) > 0 ||
		len(l.Relationships) > 0 || len(l.Properties) > 0 {
		return false
	}
	o := e.object(depth)
	if p := l.PhysicalLocation; p != nil {
		if p.ContextRegion != nil || p.Address != nil || len(p.Properties) > 0 {
			return false
		}
		o.key("physicalLocation")
		po := e.object(depth + 1)
		if a := p.ArtifactLocation; a != nil {
			if a.Index != nil || a.Description != nil || len(a.Properties) > 0 {
				return false
			}
			po.key("artifactLocation")
			ao := e.object(depth + 2)
			if a.URI != nil {
				ao.key("uri")
				e.string(*a.URI)
			}
			if a.URIBaseId != nil {
				ao.key("uriBaseId")
				e.string(*a.URIBaseId)
			}
			ao.close()
		}
		if g := p.Region; g != nil {
			po.key("region")
			if !e.region(g, depth+2) {
				return false
			}
		}
		po.close()
	}
	if l.Message != nil {
		o.key("message")
		if !e.message(l.Message, depth+1) {
			return false
		}
	}
	o.close()
	return true
}

// region writes a region of lines and columns, and reports false for any
// other field.
func (e *encoder) region(g *sarif.Region, depth int) bool {
	if g.CharOffset != nil || g.CharLength != nil || g.ByteOffset != nil || g.ByteLength != nil ||
		g.Snippet != nil || g.Message != nil || g.SourceLanguage != nil || len(g.Properties) > 0 {
		return false
	}
	o := e.object(depth)
	e.intField(&o, "startLine", g.StartLine)
	e.intField(&o, "startColumn", g.StartColumn)
	e.intField(&o, "endLine", g.EndLine)
	e.intField(&o, "endColumn", g.EndColumn)
	o.close()
	return true
}

func (e *encoder) intField(o *objectWriter, name string, v *int) {
	if v != nil {
		o.key(name)
		e.buf = strconv.AppendInt(e.buf, int64(*v), 10)
	}
}

// stringMap writes a map of strings with its keys sorted, as
// encoding/json does. A map with other values goes to encoding/json.
func (e *encoder) stringMap(m map[string]any, depth int) {
	if e.fingerprintMap(m, depth) {
		return
	}
	var array [8]string
	keys := array[:0]
	for k, v := range m {
		if _, ok := v.(string); !ok {
			e.value(m, depth)
			return
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	o := e.object(depth)
	for _, k := range keys {
		o.dataKey(k)
		e.string(m[k].(string))
	}
	o.close()
}

// fingerprintMap writes the partial fingerprints that Build sets, looking
// the two keys up rather than iterating and sorting the map, and reports
// false for a map with other keys or values.
func (e *encoder) fingerprintMap(m map[string]any, depth int) bool {
	lineHash, hasLineHash := m[primaryLocationLineHash].(string)
	own, hasOwn := m[fingerprint.Key].(string)
	found := 0
	if hasLineHash {
		found++
	}
	if hasOwn {
		found++
	}
	if found == 0 || found != len(m) {
		return false
	}
	// "primaryLocationLineHash" sorts before "secscan/v1".
	o := e.object(depth)
	if hasLineHash {
		o.key(primaryLocationLineHash)
		e.string(lineHash)
	}
	if hasOwn {
		o.key(fingerprint.Key)
		e.string(own)
	}
	o.close()
	return true
}

// plainByte marks the bytes that encoding/json copies unchanged into a
// string when HTML escaping is off: printable ASCII other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string writes s as a JSON string. Plain printable ASCII is copied;
// anything else is escaped by encoding/json.
func (e *encoder) string(s string) {
	for i := 0; i < len(s); i++ {
		if !plainByte[s[i]] {
			e.value(s, 0)
			return
		}
	}
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, '"')
}

// value writes v with encoding/json, indented for depth.
func (e *encoder) value(v any, depth int) {
	if data, ok := e.marshal(v, depth); ok {
		e.buf = append(e.buf, data...)
	}
}

// marshal encodes v with encoding/json and, in pretty mode, indents it for
// depth. The returned slice is valid until the next call.
func (e *encoder) marshal(v any, depth int) ([]byte, bool) {
	e.fallbackBuf.Reset()
	if err := e.fallback.Encode(v); err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("encoding the SARIF log: %w", err)
		}
		return nil, false
	}
	data := bytes.TrimSuffix(e.fallbackBuf.Bytes(), []byte("\n"))
	if !e.pretty {
		return data, true
	}
	e.indentBuf.Reset()
	if err := json.Indent(&e.indentBuf, data, indentation(depth), "  "); err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("indenting the SARIF log: %w", err)
		}
		return nil, false
	}
	return e.indentBuf.Bytes(), true
}

// newline starts a new line indented for depth, in pretty mode.
func (e *encoder) newline(depth int) {
	if e.pretty {
		e.buf = append(e.buf, '\n')
		e.buf = append(e.buf, indentation(depth)...)
	}
}

// spaces holds the indentation of the deepest common lines.
var spaces = string(bytes.Repeat([]byte(" "), 64))

func indentation(depth int) string {
	if 2*depth <= len(spaces) {
		return spaces[:2*depth]
	}
	return string(bytes.Repeat([]byte("  "), depth))
}

// objectWriter writes the members of one JSON object.
type objectWriter struct {
	e     *encoder
	depth int
	n     int
}

func (e *encoder) object(depth int) objectWriter {
	e.buf = append(e.buf, '{')
	return objectWriter{e: e, depth: depth}
}

// key starts a member. The key is written without escaping, so k must be
// printable ASCII without '"' or '\\', as all SARIF property names are.
// Keys that come from data go through dataKey.
func (o *objectWriter) key(k string) {
	o.member()
	o.e.buf = append(o.e.buf, '"')
	o.e.buf = append(o.e.buf, k...)
	o.e.buf = append(o.e.buf, '"', ':')
	if o.e.pretty {
		o.e.buf = append(o.e.buf, ' ')
	}
}

// dataKey starts a member whose key needs escaping.
func (o *objectWriter) dataKey(k string) {
	o.member()
	o.e.string(k)
	o.e.buf = append(o.e.buf, ':')
	if o.e.pretty {
		o.e.buf = append(o.e.buf, ' ')
	}
}

func (o *objectWriter) member() {
	if o.n > 0 {
		o.e.buf = append(o.e.buf, ',')
	}
	o.n++
	o.e.newline(o.depth + 1)
}

func (o *objectWriter) close() {
	if o.n > 0 {
		o.e.newline(o.depth)
	}
	o.e.buf = append(o.e.buf, '}')
}

// arrayWriter writes the elements of one JSON array. Its depth is the
// indentation depth of the elements.
type arrayWriter struct {
	e     *encoder
	depth int
	n     int
}

func (e *encoder) array(depth int) arrayWriter {
	e.buf = append(e.buf, '[')
	return arrayWriter{e: e, depth: depth}
}

func (a *arrayWriter) next() {
	if a.n > 0 {
		a.e.buf = append(a.e.buf, ',')
	}
	a.n++
	a.e.newline(a.depth)
}

func (a *arrayWriter) close() {
	if a.n > 0 {
		a.e.newline(a.depth - 1)
	}
	a.e.buf = append(a.e.buf, ']')
}
