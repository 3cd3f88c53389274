package policy

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// HadolintConfig is the content of a hadolint configuration file, in
// hadolint's own format, which the hadolint adapter passes to hadolint
// unchanged with --config.
type HadolintConfig struct {
	Ignored             []string            // rules hadolint does not report
	TrustedRegistries   []string            // registries FROM may pull from (rule DL3026)
	FailureThreshold    string              // error, warning, info, style, ignore or none; affects only hadolint's exit code
	Override            map[string][]string // severity (error, warning, info, style) to the rules raised or lowered to it
	LabelSchema         map[string]string   // label to required format (rules DL3049 to DL3058)
	StrictLabels        bool
	NoFail              bool
	DisableIgnorePragma bool
}

// hadolintRule matches hadolint's own rule codes and ShellCheck's.
var hadolintRule = regexp.MustCompile(`^(DL|SC)\d{4}$`)

func checkHadolintRule(code string) string {
	if hadolintRule.MatchString(code) {
		return ""
	}
	return fmt.Sprintf("invalid rule code %q; use a hadolint code such as DL3008 or a ShellCheck code such as SC2086", code)
}

// parseHadolintConfig validates a hadolint configuration against the keys
// that hadolint's README documents for its configuration file. hadolint
// itself ignores unknown keys, so a misspelt key would silently change
// nothing; here it is an error. The format key is rejected because the
// adapter chooses the output format.
func parseHadolintConfig(name string, data []byte) (HadolintConfig, Errors) {
	d := &decoder{file: name}
	var c HadolintConfig
	doc := d.parseDocument(data)
	if doc == nil {
		if len(d.errs) == 0 {
			d.errorf(nil, "", "empty hadolint configuration; remove the hadolint config setting or add settings")
		}
		return c, d.errs
	}

	fields := d.fields(doc, "", "ignored", "trustedRegistries", "failure-threshold", "override",
		"label-schema", "strict-labels", "no-fail", "no-color", "disable-ignore-pragma", "verbose", "format")
	for _, f := range fields {
		switch f.name {
		case "ignored":
			c.Ignored, _ = d.strList(f.value, f.key, checkHadolintRule)
		case "trustedRegistries":
			c.TrustedRegistries, _ = d.strList(f.value, f.key, nil)
		case "failure-threshold":
			if s, ok := d.str(f.value, f.key); ok {
				if msg := oneOf("failure threshold", "error", "warning", "info", "style", "ignore", "none")(s); msg != "" {
					d.errorf(f.value, f.key, "%s", msg)
				}
				c.FailureThreshold = s
			}
		case "override":
			c.Override = d.hadolintOverride(f)
		case "label-schema":
			c.LabelSchema = d.labelSchema(f)
		case "strict-labels":
			c.StrictLabels, _ = d.boolean(f.value, f.key)
		case "no-fail":
			c.NoFail, _ = d.boolean(f.value, f.key)
		case "disable-ignore-pragma":
			c.DisableIgnorePragma, _ = d.boolean(f.value, f.key)
		case "no-color", "verbose":
			d.boolean(f.value, f.key)
		case "format":
			d.errorf(f.keyN, f.key, "secscan chooses hadolint's output format; remove this key")
		}
	}
	return c, d.errs.sorted()
}

func (d *decoder) hadolintOverride(f field) map[string][]string {
	out := map[string][]string{}
	seen := map[string]string{} // rule code to the severity it was first listed under
	for _, sev := range d.fields(f.value, f.key, "error", "warning", "info", "style") {
		codes, ok := d.strList(sev.value, sev.key, checkHadolintRule)
		if !ok {
			continue
		}
		for _, code := range codes {
			if first, dup := seen[code]; dup {
				d.errorf(sev.value, sev.key, "%s is also listed under %s; list each rule under one severity", code, first)
			}
			seen[code] = sev.name
		}
		out[sev.name] = codes
	}
	return out
}

func (d *decoder) labelSchema(f field) map[string]string {
	if !d.expectKind(f.value, f.key, yaml.MappingNode) {
		return nil
	}
	formats := []string{"text", "url", "semver", "hash", "rfc3339", "spdx", "email"}
	out := map[string]string{}
	for i := 0; i+1 < len(f.value.Content); i += 2 {
		label, value := f.value.Content[i], resolve(f.value.Content[i+1])
		key := f.key + "." + label.Value
		format, ok := d.str(value, key)
		if !ok {
			continue
		}
		if msg := oneOf("label format", formats...)(format); msg != "" {
			d.errorf(value, key, "%s", msg)
			continue
		}
		out[label.Value] = format
	}
	return out
}

// String renders the configuration in one line for explanations.
func (c HadolintConfig) String() string {
	var parts []string
	if len(c.Ignored) > 0 {
		parts = append(parts, "ignored "+strings.Join(c.Ignored, ", "))
	}
	if len(c.TrustedRegistries) > 0 {
		parts = append(parts, "trusted registries "+strings.Join(c.TrustedRegistries, ", "))
	}
	if c.FailureThreshold != "" {
		parts = append(parts, "failure threshold "+c.FailureThreshold)
	}
	return strings.Join(parts, "; ")
}
