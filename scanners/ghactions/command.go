package ghactions

import (
	"strconv"
	"strings"
)

// The runner reverses these replacements when it reads a workflow command,
// as in escapeData and escapeProperty of @actions/core (file command.ts).
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes the message of a workflow command, the text after
// the second "::".
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a property value such as file= or title=, where
// ":" would end the properties and "," would start the next one.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// AnnotationType is the workflow command that creates an annotation.
type AnnotationType string

// Annotation types, in decreasing order of severity.
const (
	TypeError   AnnotationType = "error"
	TypeWarning AnnotationType = "warning"
	TypeNotice  AnnotationType = "notice"
)

// Annotation is one ::error, ::warning or ::notice workflow command.
type Annotation struct {
	Type      AnnotationType
	File      string // repository-relative path; empty attaches the annotation to the run only
	Line      int    // 1-based start line; 0 leaves it out
	EndLine   int    // 0 leaves it out
	Column    int    // 1-based start column; 0 leaves it out
	EndColumn int    // 0 leaves it out
	Title     string
	Message   string
}

// String returns the workflow command, escaped, without a line break.
func (a Annotation) String() string {
	var props []string
	add := func(key, value string) {
		props = append(props, key+"="+escapeProperty(value))
	}
	if a.File != "" {
		add("file", a.File)
		if a.Line > 0 {
			add("line", strconv.Itoa(a.Line))
		}
		if a.EndLine > 0 {
			add("endLine", strconv.Itoa(a.EndLine))
		}
		if a.Column > 0 {
			add("col", strconv.Itoa(a.Column))
		}
		if a.EndColumn > 0 {
			add("endColumn", strconv.Itoa(a.EndColumn))
		}
	}
	if a.Title != "" {
		add("title", a.Title)
	}

	var b strings.Builder
	b.WriteString("::")
	b.WriteString(string(a.Type))
	if len(props) > 0 {
		b.WriteString(" ")
		b.WriteString(strings.Join(props, ","))
	}
	b.WriteString("::")
	b.WriteString(escapeData(a.Message))
	return b.String()
}
