package validate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
)

// GitHub code scanning's limits for one SARIF upload. The server rejects a
// file above any Max limit except MaxTagsPerRule: it keeps 10 tags of a
// rule. StoredResultsPerRun and WarnGzipBytes are thresholds of warnings.
const (
	MaxRuns                 = 20
	MaxResultsPerRun        = 25_000
	StoredResultsPerRun     = 5_000 // GitHub stores only the most severe results of a run, up to this many
	MaxRulesPerRun          = 25_000
	MaxExtensionsPerRun     = 100
	MaxThreadFlowLocations  = 10_000 // per result, all code flows together
	MaxLocationsPerResult   = 1_000
	MaxTagsPerRule          = 20
	MaxRuleNameLength       = 255   // UTF-16 code units
	MaxDescriptionLength    = 1_024 // shortDescription.text and fullDescription.text
	MaxGzipBytes            = 10_000_000
	WarnGzipBytes           = 7_500_000 // margin for the unknown encoding the server measures
	codeQLDriverName        = "CodeQL"
	securitySeverityKey     = "security-severity"
	missingResultsActionMsg = "Missing 'results' array in run"
)

// object and array are the shapes of decoded JSON.
type (
	object = map[string]any
	array  = []any
)

func (c *checker) checkSize(data []byte) {
	// The upload-sarif action re-serializes the log without indentation and
	// gzips it, so measure that.
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return // json.Compact fails only on invalid JSON, which decode rejected
	}
	n, err := gzipSize(compact.Bytes())
	if err != nil {
		c.add(Error, nil, "measuring the compressed size: %v", err)
		return
	}
	switch {
	case n > MaxGzipBytes:
		c.add(Error, nil, "the gzip-compressed log is %d bytes, above GitHub's limit of %d; the upload is rejected", n, MaxGzipBytes)
	case n > WarnGzipBytes:
		c.add(Warning, nil, "the gzip-compressed log is %d bytes, close to GitHub's limit of %d bytes; GitHub does not document which encoding it measures", n, MaxGzipBytes)
	}
}

func gzipSize(data []byte) (int64, error) {
	var n countingWriter
	zw := gzip.NewWriter(&n)
	if _, err := zw.Write(data); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(n), nil
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// checkGitHub applies the rules of the upload-sarif action and of GitHub's
// server that the schema does not express.
func (c *checker) checkGitHub(doc any) {
	log, ok := doc.(object)
	if !ok {
		return // the schema check reported it
	}
	runs, ok := log["runs"].(array)
	if !ok {
		return
	}
	path := []token{keyToken("runs")}
	if len(runs) > MaxRuns {
		c.add(Error, path, "%d runs, above GitHub's limit of %d per file; the upload is rejected", len(runs), MaxRuns)
	}

	identities := make(map[string]int)
	for i, r := range runs {
		run, ok := r.(object)
		if !ok {
			continue
		}
		runPath := with(path, indexToken(i))
		c.checkRunIdentity(run, runPath, identities, i)
		c.checkRun(run, runPath)
	}
}

// checkRunIdentity reports a run with the same tool identity and category
// as an earlier run. GitHub keys an analysis on both, so the action rejects
// the second run.
func (c *checker) checkRunIdentity(run object, path []token, seen map[string]int, index int) {
	driver := object{}
	if tool, ok := run["tool"].(object); ok {
		if d, ok := tool["driver"].(object); ok {
			driver = d
		}
	}
	category := ""
	if details, ok := run["automationDetails"].(object); ok {
		if id, ok := details["id"].(string); ok {
			category = categoryOf(id)
		}
	}
	identity, _ := json.Marshal([]any{
		driver["name"], driver["fullName"], driver["version"], driver["semanticVersion"], driver["guid"], category,
	})
	if first, dup := seen[string(identity)]; dup {
		c.add(Error, path,
			"same tool (name, fullName, version, semanticVersion, guid) and category %q as $.runs[%d]; the upload-sarif action rejects two runs of one tool and category: set distinct automationDetails.id categories",
			category, first)
		return
	}
	seen[string(identity)] = index
}

// categoryOf returns the category of an automationDetails.id: everything
// up to and including its last "/", or the whole id when it has none.
func categoryOf(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[:i+1]
	}
	return id
}

func (c *checker) checkRun(run object, path []token) {
	tool, _ := run["tool"].(object)
	driver, _ := tool["driver"].(object)
	if name, _ := driver["name"].(string); name == codeQLDriverName {
		c.add(Warning, with(path, keyToken("tool"), keyToken("driver"), keyToken("name")),
			"the driver is named %q, which the upload-sarif action treats as GitHub's own CodeQL analysis; name third-party tools differently", name)
	}

	rules := c.checkRules(tool, path)

	results, present := run["results"]
	resultsPath := with(path, keyToken("results"))
	list, ok := results.(array)
	if !present || results == nil || !ok {
		c.add(Error, resultsPath,
			"results is missing or null; the upload-sarif action rejects the run (%q): write an empty array when the tool found nothing", missingResultsActionMsg)
		return
	}
	switch {
	case len(list) > MaxResultsPerRun:
		c.add(Error, resultsPath, "%d results, above GitHub's limit of %d per run; the upload is rejected", len(list), MaxResultsPerRun)
	case len(list) > StoredResultsPerRun:
		c.add(Warning, resultsPath, "%d results; GitHub stores only the %d most severe results of a run", len(list), StoredResultsPerRun)
	}

	artifacts, _ := run["artifacts"].(array)
	undefined := make(map[string]bool)
	for i, r := range list {
		result, ok := r.(object)
		if !ok {
			continue
		}
		rp := with(resultsPath, indexToken(i))
		c.checkRuleReference(result, rp, rules, undefined)
		c.checkLocations(result, rp, artifacts)
		c.checkCodeFlows(result, rp)
	}
}

// checkRules checks the rules of the driver and of each extension, and
// returns the driver's rules.
func (c *checker) checkRules(tool object, runPath []token) array {
	toolPath := with(runPath, keyToken("tool"))
	driver, _ := tool["driver"].(object)
	driverRules, _ := driver["rules"].(array)

	type component struct {
		obj  object
		path []token
	}
	components := []component{{driver, with(toolPath, keyToken("driver"))}}
	if exts, ok := tool["extensions"].(array); ok {
		if len(exts) > MaxExtensionsPerRun {
			c.add(Error, with(toolPath, keyToken("extensions")),
				"%d tool extensions, above GitHub's limit of %d per run; the upload is rejected", len(exts), MaxExtensionsPerRun)
		}
		for i, e := range exts {
			if ext, ok := e.(object); ok {
				components = append(components, component{ext, with(toolPath, keyToken("extensions"), indexToken(i))})
			}
		}
	}

	total := 0
	for _, comp := range components {
		rules, _ := comp.obj["rules"].(array)
		total += len(rules)
		for i, r := range rules {
			if rule, ok := r.(object); ok {
				c.checkRule(rule, with(comp.path, keyToken("rules"), indexToken(i)))
			}
		}
	}
	if total > MaxRulesPerRun {
		c.add(Error, with(toolPath, keyToken("driver"), keyToken("rules")),
			"%d rules in the run, above GitHub's limit of %d; the upload is rejected", total, MaxRulesPerRun)
	}
	return driverRules
}

func (c *checker) checkRule(rule object, path []token) {
	if name, ok := rule["name"].(string); ok {
		if n := utf16Length(name); n > MaxRuleNameLength {
			c.add(Error, with(path, keyToken("name")),
				"rule name is %d characters, above GitHub's limit of %d; the upload is rejected", n, MaxRuleNameLength)
		}
	}
	for _, field := range []string{"shortDescription", "fullDescription"} {
		desc, _ := rule[field].(object)
		if text, ok := desc["text"].(string); ok {
			if n := utf16Length(text); n > MaxDescriptionLength {
				c.add(Error, with(path, keyToken(field), keyToken("text")),
					"%s is %d characters, above GitHub's limit of %d; the upload is rejected", field, n, MaxDescriptionLength)
			}
		}
	}

	props, _ := rule["properties"].(object)
	propsPath := with(path, keyToken("properties"))
	if tags, ok := props["tags"].(array); ok && len(tags) > MaxTagsPerRule {
		c.add(Warning, with(propsPath, keyToken("tags")),
			"%d tags, above GitHub's limit of %d per rule; GitHub stores at most 10", len(tags), MaxTagsPerRule)
	}
	c.checkSecuritySeverity(props, propsPath)
}

// checkSecuritySeverity checks properties["security-severity"], the only
// source of GitHub's critical/high/medium/low severity.
func (c *checker) checkSecuritySeverity(props object, propsPath []token) {
	value, present := props[securitySeverityKey]
	path := with(propsPath, keyToken(securitySeverityKey))
	if !present {
		c.add(Warning, propsPath,
			"no %q property; GitHub shows the result's level (error, warning, note) instead of a security severity", securitySeverityKey)
		return
	}

	var text string
	switch v := value.(type) {
	case string:
		text = v
	case json.Number:
		text = v.String()
		c.add(Warning, path,
			"%q is a JSON number; GitHub documents it as a number written as a string, such as \"7.5\"", securitySeverityKey)
	default:
		c.add(Error, path, "%q is %s, not a number; GitHub rejects the upload", securitySeverityKey, describe(value))
		return
	}

	score, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 0) {
		c.add(Error, path, "%q is %q, not a number; GitHub rejects the upload", securitySeverityKey, text)
		return
	}
	if score < 0 || score > 10 {
		c.add(Warning, path, "%q is %s, outside the CVSS range 0.0 to 10.0 that GitHub maps to critical, high, medium and low", securitySeverityKey, text)
	}
}

// checkRuleReference checks that ruleIndex points at the rule named by
// ruleId, and warns about a ruleId without rule metadata.
func (c *checker) checkRuleReference(result object, path []token, rules array, undefined map[string]bool) {
	ruleID, _ := result["ruleId"].(string)
	index, hasIndex := result["ruleIndex"]
	if ref, ok := result["rule"].(object); ok {
		if _, other := ref["toolComponent"]; other {
			return // the rule lives in an extension; its index is not into the driver's rules
		}
		if id, ok := ref["id"].(string); ok && ruleID == "" {
			ruleID = id
		}
		if i, ok := ref["index"]; ok && !hasIndex {
			index, hasIndex = i, true
		}
	}

	if hasIndex {
		n, ok := index.(json.Number)
		i, err := n.Int64()
		switch {
		case !ok || err != nil:
			return // the schema check reported it
		case i == -1:
			// -1 means "not given" in SARIF.
		case i < 0 || i >= int64(len(rules)):
			c.add(Error, with(path, keyToken("ruleIndex")),
				"ruleIndex %d is out of range: the driver has %d rules; GitHub rejects the upload", i, len(rules))
			return
		default:
			rule, _ := rules[i].(object)
			id, _ := rule["id"].(string)
			if ruleID != "" && !sameRule(ruleID, id) {
				c.add(Error, with(path, keyToken("ruleIndex")),
					"ruleIndex %d points at rule %q but ruleId is %q; GitHub would file the result under the wrong rule: compute ruleIndex after sorting the rules", i, id, ruleID)
			}
			return
		}
	}

	if ruleID == "" {
		c.add(Error, path, "the result has no ruleId, rule.id or ruleIndex; GitHub cannot tell which rule it belongs to")
		return
	}
	if !undefined[ruleID] && !hasRule(rules, ruleID) {
		undefined[ruleID] = true
		c.add(Warning, with(path, keyToken("ruleId")),
			"no rule in tool.driver.rules has id %q; GitHub shows its results without help text or security severity", ruleID)
	}
}

// sameRule reports whether a result's ruleId names the rule with id ruleID,
// allowing the hierarchical form "id/sub-id" that SARIF permits.
func sameRule(resultRuleID, ruleID string) bool {
	return resultRuleID == ruleID || strings.HasPrefix(resultRuleID, ruleID+"/")
}

func hasRule(rules array, id string) bool {
	for _, r := range rules {
		if rule, ok := r.(object); ok {
			if rid, _ := rule["id"].(string); sameRule(id, rid) {
				return true
			}
		}
	}
	return false
}

// checkLocations checks what GitHub's server requires of a result's
// locations. Only the first location is used, so only it must resolve.
func (c *checker) checkLocations(result object, path []token, artifacts array) {
	locsPath := with(path, keyToken("locations"))
	locs, _ := result["locations"].(array)
	if len(locs) == 0 {
		c.add(Error, locsPath, "the result has no location; GitHub rejects the upload (\"expected at least one location\")")
		return
	}
	if len(locs) > MaxLocationsPerResult {
		c.add(Error, locsPath, "%d locations, above GitHub's limit of %d per result; the upload is rejected", len(locs), MaxLocationsPerResult)
	}

	loc, _ := locs[0].(object)
	locPath := with(locsPath, indexToken(0))
	physical, ok := loc["physicalLocation"].(object)
	if !ok {
		c.add(Error, locPath, "the first location has no physicalLocation; GitHub rejects the upload (\"expected a physical location\")")
		return
	}
	physPath := with(locPath, keyToken("physicalLocation"))
	c.checkArtifactLocation(physical, physPath, artifacts)
	c.checkRegion(physical, physPath)
}

func (c *checker) checkArtifactLocation(physical object, physPath []token, artifacts array) {
	artifactPath := with(physPath, keyToken("artifactLocation"))
	artifact, ok := physical["artifactLocation"].(object)
	if !ok {
		c.add(Error, artifactPath, "no artifactLocation; GitHub rejects the upload (\"expected artifact location\")")
		return
	}

	uri, hasURI := artifact["uri"].(string)
	uriPath := with(artifactPath, keyToken("uri"))
	if !hasURI {
		// The URI may sit in run.artifacts[index].location.
		if n, ok := artifact["index"].(json.Number); ok {
			if i, err := n.Int64(); err == nil && i >= 0 && i < int64(len(artifacts)) {
				a, _ := artifacts[i].(object)
				l, _ := a["location"].(object)
				uri, hasURI = l["uri"].(string)
			}
		}
	}
	if !hasURI || uri == "" {
		c.add(Error, uriPath, "empty or missing uri; GitHub rejects the upload (\"expected artifact location\")")
		return
	}

	u, err := url.Parse(uri)
	if err != nil {
		c.add(Error, uriPath, "GitHub's server cannot parse the URI %q (%v) and rejects the upload: percent-encode spaces, %%, # and ?, and write a colon in the first segment as %%3A or after ./", uri, unwrapURLError(err))
		return
	}
	switch {
	case u.Scheme != "" && !strings.EqualFold(u.Scheme, "file"):
		c.add(Error, uriPath, "URI %q has scheme %q; GitHub accepts only relative URIs and file: URIs, and rejects the upload", uri, u.Scheme)
	case u.Scheme != "":
		c.add(Warning, uriPath, "absolute file URI %q; GitHub makes it relative to the checkout, and a path outside the checkout maps to no file", uri)
	case strings.HasPrefix(u.Path, "/"):
		c.add(Warning, uriPath, "URI %q is an absolute path; GitHub reads relative URIs from the repository root and ignores uriBaseId", uri)
	case u.Path == ".." || strings.HasPrefix(u.Path, "../"):
		c.add(Warning, uriPath, "URI %q leaves the repository root, which GitHub reads relative URIs from; the alert maps to no file", uri)
	}
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func (c *checker) checkRegion(physical object, physPath []token) {
	region, ok := physical["region"].(object)
	if !ok {
		return
	}
	regionPath := with(physPath, keyToken("region"))
	for _, field := range []string{"startLine", "startColumn"} {
		n, ok := region[field].(json.Number)
		if !ok {
			continue
		}
		if v, err := n.Float64(); err == nil && v < 1 {
			c.add(Error, with(regionPath, keyToken(field)),
				"%s is %s, below the minimum of 1; the upload-sarif action rejects the file", field, n)
		}
	}
}

// checkCodeFlows counts the thread-flow locations of all code flows of a
// result together, as GitHub's limit does.
func (c *checker) checkCodeFlows(result object, path []token) {
	flows, _ := result["codeFlows"].(array)
	total := 0
	for _, f := range flows {
		flow, _ := f.(object)
		threads, _ := flow["threadFlows"].(array)
		for _, t := range threads {
			thread, _ := t.(object)
			locs, _ := thread["locations"].(array)
			total += len(locs)
		}
	}
	if total > MaxThreadFlowLocations {
		c.add(Error, with(path, keyToken("codeFlows")),
			"%d thread-flow locations, above GitHub's limit of %d per result; the upload is rejected", total, MaxThreadFlowLocations)
	}
}

// utf16Length returns the length of s in UTF-16 code units, as JavaScript
// counts string length.
func utf16Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case object:
		return "an object"
	case array:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// with returns path extended by more, in a new slice, so that paths built
// from one prefix never share a backing array.
func with(path []token, more ...token) []token {
	out := make([]token, 0, len(path)+len(more))
	return append(append(out, path...), more...)
}
