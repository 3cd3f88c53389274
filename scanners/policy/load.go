package policy

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/securego/gosec/v2/analyzers"
	"github.com/securego/gosec/v2/rules"
	"go.yaml.in/yaml/v3"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/policy/glob"
)

// Load reads and validates the policy file name, which is relative to the
// repository root or absolute. Paths inside the policy are relative to root.
//
// A file that does not exist returns an error that wraps fs.ErrNotExist, so
// that a caller can fall back to Default when the user did not name a policy
// file. Every other problem is returned as Errors, one per problem, each
// naming the file, line and key.
func Load(root, name string) (*Policy, error) {
	full := name
	if !filepath.IsAbs(full) {
		full = filepath.Join(root, name)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	return Parse(root, name, data)
}

// Parse validates the policy in data, reporting problems under the file
// name. root is the repository root against which the paths of custom
// checks and of the hadolint configuration are checked.
func Parse(root, name string, data []byte) (*Policy, error) {
	d := &decoder{file: name}
	p := Default()
	p.File = name

	doc := d.parseDocument(data)
	if doc == nil {
		if len(d.errs) == 0 {
			d.errorf(nil, "", "empty policy file; start it with version: 1")
		}
		return nil, d.errs
	}

	pl := &policyLoader{decoder: d, p: p, root: root}
	pl.top(doc)
	if len(d.errs) > 0 {
		return nil, d.errs.sorted()
	}
	return p, nil
}

// policyLoader fills a Policy from the nodes of a policy file.
type policyLoader struct {
	*decoder
	p    *Policy
	root string
}

// record notes where the setting in f is written, for verdicts.
func (l *policyLoader) record(f field, value string) {
	l.p.sources[f.key] = Source{File: l.file, Line: f.keyN.Line, Key: f.key, Value: value}
}

func (l *policyLoader) recordList(f field, values []string) {
	l.record(f, "["+strings.Join(values, ", ")+"]")
}

func (l *policyLoader) top(doc *yaml.Node) {
	fields := l.fields(doc, "", "version", "fail_on", "fail_on_new_only", "required", "exclude", "tools", "suppressions")
	if doc.Kind != yaml.MappingNode {
		return
	}

	hasVersion := false
	for _, f := range fields {
		switch f.name {
		case "version":
			hasVersion = true
			if v, ok := l.integer(f.value, f.key); ok && v != 1 {
				l.errorf(f.value, f.key, "unsupported version %d; this secscan reads version 1", v)
			}
		case "fail_on":
			if s, ok := l.severity(f); ok {
				l.p.FailOn = s
			}
		case "fail_on_new_only":
			if b, ok := l.boolean(f.value, f.key); ok {
				l.p.FailOnNewOnly = b
				l.record(f, f.value.Value)
			}
		case "required":
			l.required(f)
		case "exclude":
			if globs, ok := l.strList(f.value, f.key, checkGlob); ok {
				l.p.Exclude = globs
				l.recordList(f, globs)
			}
		case "tools":
			l.tools(f)
		case "suppressions":
			l.suppressions(f)
		}
	}
	if !hasVersion {
		l.errorf(doc, "version", "missing; add version: 1 at the top of the file")
	}
}

func (l *policyLoader) severity(f field) (finding.Severity, bool) {
	s, ok := l.str(f.value, f.key)
	if !ok {
		return finding.SeverityNone, false
	}
	sev, err := ParseSeverity(s)
	if err != nil {
		l.errorf(f.value, f.key, "%v", err)
		return finding.SeverityNone, false
	}
	l.record(f, sev.String())
	return sev, true
}

func checkGlob(pattern string) string {
	if err := glob.Validate(pattern); err != nil {
		return "invalid glob: " + err.Error()
	}
	return ""
}

func checkTool(name string) string {
	if _, ok := toolByKey[name]; ok {
		return ""
	}
	return fmt.Sprintf("unknown scanner %q; use one of gosec, govulncheck, trivy, hadolint", name)
}

// toolNames converts policy keys to driver names.
func toolNames(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = toolByKey[k]
	}
	return out
}

// required reads either a list, which applies in CI and locally, or a
// mapping with the keys ci and local.
func (l *policyLoader) required(f field) {
	if f.value.Kind == yaml.SequenceNode {
		keys, ok := l.strList(f.value, f.key, checkTool)
		if !ok {
			return
		}
		l.p.RequiredCI, l.p.RequiredLocal = toolNames(keys), toolNames(keys)
		value := "[" + strings.Join(keys, ", ") + "]"
		l.p.sources["required.ci"] = Source{File: l.file, Line: f.keyN.Line, Key: f.key, Value: value}
		l.p.sources["required.local"] = Source{File: l.file, Line: f.keyN.Line, Key: f.key, Value: value}
		return
	}
	if f.value.Kind != yaml.MappingNode {
		l.errorf(f.value, f.key, "expected a list of scanners or a mapping with ci and local, got %s", describe(f.value))
		return
	}
	for _, sub := range l.fields(f.value, f.key, "ci", "local") {
		keys, ok := l.strList(sub.value, sub.key, checkTool)
		if !ok {
			continue
		}
		l.recordList(sub, keys)
		if sub.name == "ci" {
			l.p.RequiredCI = toolNames(keys)
		} else {
			l.p.RequiredLocal = toolNames(keys)
		}
	}
}

func (l *policyLoader) tools(f field) {
	for _, t := range l.fields(f.value, f.key, "gosec", "govulncheck", "trivy", "hadolint") {
		tool := toolByKey[t.name]
		var known []string
		switch tool {
		case finding.ToolGosec:
			known = []string{"fail_on", "exclude", "include_rules", "exclude_rules"}
		case finding.ToolGovulncheck:
			known = []string{"fail_on", "exclude", "scan_level"}
		case finding.ToolTrivy:
			known = []string{"fail_on", "exclude", "scanners", "severities", "checks", "check_namespaces"}
		case finding.ToolHadolint:
			known = []string{"fail_on", "exclude", "config"}
		}
		settings := l.fields(t.value, t.key, known...)
		for _, s := range settings {
			switch s.name {
			case "fail_on":
				if sev, ok := l.severity(s); ok {
					l.p.toolFailOn[tool] = sev
				}
			case "exclude":
				if globs, ok := l.strList(s.value, s.key, checkGlob); ok {
					l.p.toolExclude[tool] = globs
					l.recordList(s, globs)
				}
			}
		}
		switch tool {
		case finding.ToolGosec:
			l.gosec(settings)
		case finding.ToolGovulncheck:
			l.govulncheck(settings)
		case finding.ToolTrivy:
			l.trivy(t, settings)
		case finding.ToolHadolint:
			l.hadolint(settings)
		}
	}
}

// gosecRuleIDs lists the ids of gosec's rules and analyzers, from the gosec
// module that secscan is built with.
func gosecRuleIDs() []string {
	var ids []string
	for id := range rules.Generate(false).Rules {
		ids = append(ids, id)
	}
	for id := range analyzers.Generate(false).Analyzers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func checkGosecRule(known []string) func(string) string {
	return func(id string) string {
		if slices.Contains(known, id) {
			return ""
		}
		return fmt.Sprintf("unknown gosec rule %q; gosec has %s", id, strings.Join(known, ", "))
	}
}

func (l *policyLoader) gosec(settings []field) {
	known := gosecRuleIDs()
	var include []string
	var includeField field
	for _, s := range settings {
		switch s.name {
		case "include_rules":
			if ids, ok := l.strList(s.value, s.key, checkGosecRule(known)); ok {
				l.p.Gosec.IncludeRules = ids
				include, includeField = ids, s
				l.recordList(s, ids)
			}
		case "exclude_rules":
			if ids, ok := l.strList(s.value, s.key, checkGosecRule(known)); ok {
				l.p.Gosec.ExcludeRules = ids
				l.recordList(s, ids)
			}
		}
	}
	for _, id := range l.p.Gosec.ExcludeRules {
		if slices.Contains(include, id) {
			l.errorf(includeField.value, includeField.key, "%s is both included and excluded; keep it in one list", id)
		}
	}
}

func (l *policyLoader) govulncheck(settings []field) {
	for _, s := range settings {
		if s.name != "scan_level" {
			continue
		}
		level, ok := l.str(s.value, s.key)
		if !ok {
			continue
		}
		if msg := oneOf("scan level", "symbol", "package", "module")(level); msg != "" {
			l.errorf(s.value, s.key, "%s", msg)
			continue
		}
		l.p.Govulncheck.ScanLevel = level
		l.record(s, level)
	}
}

// trivySeverities are the values of Trivy's --severity flag.
var trivySeverities = []string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

// regoNamespace matches a Rego package prefix such as "user".
var regoNamespace = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (l *policyLoader) trivy(section field, settings []field) {
	var namespacesSet bool
	var checksField *field
	for _, s := range settings {
		switch s.name {
		case "scanners":
			if list, ok := l.strList(s.value, s.key, oneOf("Trivy scanner", "vuln", "misconfig", "secret")); ok {
				if len(list) == 0 {
					l.errorf(s.value, s.key, "empty list; name at least one of vuln, misconfig, secret")
					continue
				}
				l.p.Trivy.Scanners = list
				l.recordList(s, list)
			}
		case "severities":
			if list, ok := l.strList(s.value, s.key, oneOf("Trivy severity", trivySeverities...)); ok {
				if len(list) == 0 {
					l.errorf(s.value, s.key, "empty list; name at least one of %s", strings.Join(trivySeverities, ", "))
					continue
				}
				l.p.Trivy.Severities = list
				l.recordList(s, list)
			}
		case "checks":
			if dirs, ok := l.strList(s.value, s.key, l.checkRegoDir); ok {
				l.p.Trivy.Checks = dirs
				l.recordList(s, dirs)
				checksField = &s
			}
		case "check_namespaces":
			namespacesSet = true
			check := func(ns string) string {
				if regoNamespace.MatchString(ns) {
					return ""
				}
				return fmt.Sprintf("invalid Rego namespace %q; use the first part of the checks' package names, such as user", ns)
			}
			if list, ok := l.strList(s.value, s.key, check); ok {
				l.p.Trivy.CheckNamespaces = list
				l.recordList(s, list)
			}
		}
	}
	if checksField != nil && len(l.p.Trivy.Checks) > 0 && !namespacesSet {
		l.errorf(checksField.keyN, checksField.key, "Trivy evaluates custom checks only in the namespaces listed in %s.check_namespaces; add check_namespaces: [user] or the first part of the checks' package names", section.key)
	}
}

// checkRepoPath returns a message when rel is not a clean, slash-separated
// path inside the repository.
func checkRepoPath(rel string) string {
	if path.IsAbs(rel) || filepath.IsAbs(rel) || strings.Contains(rel, `\`) {
		return fmt.Sprintf("%q must be a slash-separated path relative to the repository root", rel)
	}
	if clean := path.Clean(rel); clean != rel || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." {
		return fmt.Sprintf("%q must be a clean path inside the repository, such as policies/trivy", rel)
	}
	return ""
}

// checkRegoDir returns a message unless dir is a directory of the
// repository that contains at least one Rego check.
func (l *policyLoader) checkRegoDir(dir string) string {
	if msg := checkRepoPath(dir); msg != "" {
		return msg
	}
	full := filepath.Join(l.root, filepath.FromSlash(dir))
	info, err := os.Stat(full)
	if err != nil || !info.IsDir() {
		return fmt.Sprintf("%q is not a directory under the repository root", dir)
	}
	found := false
	_ = filepath.WalkDir(full, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".rego") && !strings.HasSuffix(p, "_test.rego") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	if !found {
		return fmt.Sprintf("%q contains no .rego checks", dir)
	}
	return ""
}

func (l *policyLoader) hadolint(settings []field) {
	for _, s := range settings {
		if s.name != "config" {
			continue
		}
		rel, ok := l.str(s.value, s.key)
		if !ok {
			continue
		}
		if msg := checkRepoPath(rel); msg != "" {
			l.errorf(s.value, s.key, "%s", msg)
			continue
		}
		data, err := os.ReadFile(filepath.Join(l.root, filepath.FromSlash(rel)))
		if err != nil {
			l.errorf(s.value, s.key, "cannot read the hadolint configuration %q: %v", rel, err)
			continue
		}
		config, errs := parseHadolintConfig(rel, data)
		l.errs = append(l.errs, errs...)
		if len(errs) == 0 {
			l.p.Hadolint = HadolintSettings{ConfigFile: rel, Config: config}
			l.record(s, rel)
		}
	}
}

// fingerprintPattern accepts what a fingerprint may contain: no white space
// and no more than 256 characters.
var fingerprintPattern = regexp.MustCompile(`^\S{1,256}$`)

func (l *policyLoader) suppressions(f field) {
	if !l.expectKind(f.value, f.key, yaml.SequenceNode) {
		return
	}
	for i, item := range f.value.Content {
		item = resolve(item)
		key := fmt.Sprintf("%s[%d]", f.key, i)
		if s, ok := l.suppression(item, key); ok {
			s.file, s.line, s.index = l.file, item.Line, i
			l.p.Suppressions = append(l.p.Suppressions, s)
		}
	}
}

func (l *policyLoader) suppression(n *yaml.Node, key string) (Suppression, bool) {
	var s Suppression
	before := len(l.errs)
	fields := l.fields(n, key, "tool", "rule", "path", "fingerprint", "advisory", "reason", "owner", "expires")
	if n.Kind != yaml.MappingNode {
		return s, false
	}
	var toolField, advisoryField *field
	for _, f := range fields {
		if f.name == "expires" {
			s.Expires = l.date(f)
			continue
		}
		value, ok := l.str(f.value, f.key)
		if !ok {
			continue
		}
		switch f.name {
		case "tool":
			if msg := checkTool(value); msg != "" {
				l.errorf(f.value, f.key, "%s", msg)
				continue
			}
			s.Tool = toolByKey[value]
			toolField = &f
		case "rule":
			s.Rule = value
		case "path":
			if msg := checkGlob(value); msg != "" {
				l.errorf(f.value, f.key, "%s", msg)
			}
			s.Path = value
		case "fingerprint":
			if !fingerprintPattern.MatchString(value) {
				l.errorf(f.value, f.key, "invalid fingerprint %q; copy the secscan/v1 value from partialFingerprints in the report", value)
			}
			s.Fingerprint = value
		case "advisory":
			if !advisoryPattern.MatchString(value) {
				l.errorf(f.value, f.key, "invalid advisory id %q; use a CVE-YYYY-NNNN, GO-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx id", value)
			}
			s.Advisory = value
			advisoryField = &f
		case "reason":
			s.Reason = strings.TrimSpace(value)
		case "owner":
			s.Owner = strings.TrimSpace(value)
		}
	}

	if s.Rule == "" && s.Path == "" && s.Fingerprint == "" && s.Advisory == "" {
		l.errorf(n, key, "no criterion; set at least one of rule, path, fingerprint, advisory")
	}
	if s.Reason == "" && !hasField(fields, "reason") {
		l.errorf(n, key+".reason", "missing; say why the finding is accepted")
	}
	if s.Owner == "" && !hasField(fields, "owner") {
		l.errorf(n, key+".owner", "missing; name the person or team that answers for the exception")
	}
	if advisoryField != nil && toolField != nil && (s.Tool == finding.ToolGosec || s.Tool == finding.ToolHadolint) {
		l.errorf(advisoryField.value, advisoryField.key, "%s reports no advisories; use tool govulncheck or trivy, or leave tool out", policyKey(s.Tool))
	}
	return s, len(l.errs) == before
}

func hasField(fields []field, name string) bool {
	return slices.ContainsFunc(fields, func(f field) bool { return f.name == name })
}

// date decodes a YYYY-MM-DD date, which YAML may tag as a string or a
// timestamp.
func (l *policyLoader) date(f field) time.Time {
	n := f.value
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!timestamp" && n.ShortTag() != "!!str") {
		l.errorf(n, f.key, "expected a date such as 2026-06-30, got %s", describe(n))
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		l.errorf(n, f.key, "invalid date %q; write it as YYYY-MM-DD, such as 2026-06-30", n.Value)
		return time.Time{}
	}
	return t
}
