package policy

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a policy or hadolint configuration file.
type Error struct {
	File    string
	Line    int // 1-based; 0 when the problem concerns the whole file
	Key     string
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors holds every problem found in a policy and the hadolint
// configuration it names, ordered by file and line. Its message has one line
// per problem.
type Errors []*Error

// sorted returns errs ordered by line within each file, keeping the order in
// which the files first appear.
func (errs Errors) sorted() Errors {
	files := map[string]int{}
	for _, e := range errs {
		if _, ok := files[e.File]; !ok {
			files[e.File] = len(files)
		}
	}
	out := slices.Clone(errs)
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(files[a.File], files[b.File]), cmp.Compare(a.Line, b.Line))
	})
	return out
}

func (errs Errors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// decoder walks a YAML node tree and records problems with their line and
// dotted key, so that one load reports every problem in the file.
type decoder struct {
	file string
	errs Errors
}

func (d *decoder) errorf(n *yaml.Node, key, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

// yamlLineError matches the position that yaml.v3 puts in syntax errors.
var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseDocument parses data into the root node of its single document, or
// records the syntax error.
//
// NOTE: yaml.v3 places some syntax errors on the line where the enclosing
// construct starts, and an unclosed flow sequence one line above it.
func (d *decoder) parseDocument(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil
	} else if err != nil {
		d.syntaxError(err)
		return nil
	}

	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, "", "a second YAML document; the file must hold one document, so remove the ---")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err)
		return nil
	}

	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return resolve(doc.Content[0])
}

func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	line := 0
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Message: "invalid YAML: " + msg})
}

// resolve follows YAML aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// field is one key and value of a mapping.
type field struct {
	name  string
	key   string // dotted key of the value, for messages
	keyN  *yaml.Node
	value *yaml.Node
}

// fields returns the entries of the mapping n, after recording unknown and
// duplicate keys. known lists the accepted keys in the order that the
// message about an unknown key shows them.
func (d *decoder) fields(n *yaml.Node, key string, known ...string) []field {
	if !d.expectKind(n, key, yaml.MappingNode) {
		return nil
	}
	seen := map[string]bool{}
	var out []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		name := k.Value
		full := name
		if key != "" {
			full = key + "." + name
		}
		switch {
		case !slices.Contains(known, name):
			d.errorf(k, full, "unknown key; use one of %s", strings.Join(known, ", "))
			continue
		case seen[name]:
			d.errorf(k, full, "duplicate key; set it once")
			continue
		}
		seen[name] = true
		out = append(out, field{name: name, key: full, keyN: k, value: v})
	}
	return out
}

// kindNames describes node kinds in messages.
var kindNames = map[yaml.Kind]string{
	yaml.MappingNode:  "a mapping",
	yaml.SequenceNode: "a list",
	yaml.ScalarNode:   "a single value",
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
			return "an empty value"
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		}
		return n.Value
	}
	return kindNames[n.Kind]
}

func (d *decoder) expectKind(n *yaml.Node, key string, kind yaml.Kind) bool {
	if n.Kind != kind {
		d.errorf(n, key, "expected %s, got %s", kindNames[kind], describe(n))
		return false
	}
	return true
}

// str decodes a non-empty string scalar.
func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, key, "expected a string, got %s", describe(n))
		return "", false
	}
	if strings.TrimSpace(n.Value) == "" {
		d.errorf(n, key, "empty value; write a non-empty string or remove the key")
		return "", false
	}
	return n.Value, true
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, key string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, key, "expected true or false, got %s", describe(n))
		return false, false
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		d.errorf(n, key, "expected true or false, got %s", describe(n))
		return false, false
	}
	return b, true
}

// integer decodes an integer scalar.
func (d *decoder) integer(n *yaml.Node, key string) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.errorf(n, key, "expected an integer, got %s", describe(n))
		return 0, false
	}
	i, err := strconv.Atoi(n.Value)
	if err != nil {
		d.errorf(n, key, "expected an integer, got %s", describe(n))
		return 0, false
	}
	return i, true
}

// strList decodes a list of non-empty strings, recording duplicates. Each
// element is passed to check, when not nil, which returns a message for an
// invalid element.
func (d *decoder) strList(n *yaml.Node, key string, check func(string) string) ([]string, bool) {
	if !d.expectKind(n, key, yaml.SequenceNode) {
		return nil, false
	}
	ok := true
	out := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		item = resolve(item)
		itemKey := fmt.Sprintf("%s[%d]", key, i)
		s, valid := d.str(item, itemKey)
		if !valid {
			ok = false
			continue
		}
		if check != nil {
			if msg := check(s); msg != "" {
				d.errorf(item, itemKey, "%s", msg)
				ok = false
				continue
			}
		}
		if slices.Contains(out, s) {
			d.errorf(item, itemKey, "%q is listed twice; remove one", s)
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

// oneOf returns a check for strList that accepts the given values.
func oneOf(noun string, values ...string) func(string) string {
	return func(s string) string {
		if slices.Contains(values, s) {
			return ""
		}
		return fmt.Sprintf("invalid %s %q; use one of %s", noun, s, strings.Join(values, ", "))
	}
}
