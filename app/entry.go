package guestbook

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on an entry, counted in runes after trimming.
const (
	MaxNameRunes    = 50
	MaxMessageRunes = 500

	// PageSize is the number of entries on one page of the guestbook.
	PageSize = 50
)

// Entry is one message left in the guestbook.
type Entry struct {
	ID         int64
	Name       string
	Message    string
	InstanceID string // instance that stored the entry
	CreatedAt  time.Time
}

// EntryFilter selects a page of entries, newest first.
type EntryFilter struct {
	Offset int
	Limit  int // 0 returns no entries, only the total
}

// EntryService stores and lists entries.
type EntryService interface {
	// CreateEntry validates e, stores it and sets its ID and CreatedAt.
	CreateEntry(ctx context.Context, e *Entry) error

	// FindEntries returns the entries selected by filter, newest first, and
	// the total number of entries, both read from one snapshot.
	FindEntries(ctx context.Context, filter EntryFilter) ([]*Entry, int, error)
}

// FieldError is one problem with one field of a submitted entry.
type FieldError struct {
	Field   string // "name" or "message"
	Message string // a sentence for the visitor
}

// ValidationError lists every problem found in a submitted entry.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid entry: " + strings.Join(parts, "; ")
}

// NewEntry normalizes a submitted name and message and validates them.
// Normalizing trims surrounding white space and turns the CRLF line breaks
// that browsers send from a textarea into LF. The error, if any, is a
// *ValidationError that names every problem, not only the first.
func NewEntry(name, message string) (*Entry, error) {
	e := &Entry{
		Name:    strings.TrimSpace(name),
		Message: strings.TrimSpace(strings.ReplaceAll(message, "\r\n", "\n")),
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// Validate checks Name and Message against the rules for an entry: valid
// UTF-8, no control characters (a newline is allowed in the message), no
// bidirectional override characters, and 1 to MaxNameRunes or
// MaxMessageRunes runes.
func (e *Entry) Validate() error {
	var problems []FieldError
	if msg := checkText(e.Name, "Name", MaxNameRunes, false); msg != "" {
		problems = append(problems, FieldError{Field: "name", Message: msg})
	}
	if msg := checkText(e.Message, "Message", MaxMessageRunes, true); msg != "" {
		problems = append(problems, FieldError{Field: "message", Message: msg})
	}
	if len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

// checkText returns a sentence that describes what is wrong with s, or "" if
// s is acceptable.
func checkText(s, label string, maxRunes int, allowNewline bool) string {
	if !utf8.ValidString(s) {
		return label + " is not valid UTF-8 text."
	}
	for _, r := range s {
		if r == '\n' && allowNewline {
			continue
		}
		if unicode.IsControl(r) {
			return label + " must not contain control characters such as tabs or escape codes."
		}
		if isBidiControl(r) {
			return label + " must not contain characters that reverse the direction of text."
		}
	}

	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return label + " is required."
	case n > maxRunes:
		return fmt.Sprintf("%s must be at most %d characters (it has %d).", label, maxRunes, n)
	}
	return ""
}

// isBidiControl reports whether r is an embedding, override or isolate
// character. Such characters can make stored text display in a different
// order than it is read, as in the "Trojan Source" attacks.
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}
