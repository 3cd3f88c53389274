package guestbook_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/app"
)

func TestNewEntryAccepts(t *testing.T) {
	tests := []struct {
		name, inName, inMessage string
		wantName, wantMessage   string
	}{
		{"plain", "Ann", "Hello", "Ann", "Hello"},
		{"trimmed", "  Ann\t", "\n Hello \n", "Ann", "Hello"},
		{"CRLF becomes LF", "Ann", "one\r\ntwo", "Ann", "one\ntwo"},
		{"newline kept", "Ann", "one\n\ntwo", "Ann", "one\n\ntwo"},
		{"max name runes", strings.Repeat("é", 50), "x", strings.Repeat("é", 50), "x"},
		{"max message runes", "Ann", strings.Repeat("日", 500), "Ann", strings.Repeat("日", 500)},
		{"max emoji runes", strings.Repeat("😀", 50), "x", strings.Repeat("😀", 50), "x"},
		{"markup is text", "<b>", "<script>alert(1)</script>", "<b>", "<script>alert(1)</script>"},
		{"quotes", `O'Brien "Bob"`, `'; DROP TABLE entries; --`, `O'Brien "Bob"`, `'; DROP TABLE entries; --`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := guestbook.NewEntry(tt.inName, tt.inMessage)
			if err != nil {
				t.Fatalf("NewEntry(%q, %q) returned error %v, want nil", tt.inName, tt.inMessage, err)
			}
			got := [2]string{e.Name, e.Message}
			want := [2]string{tt.wantName, tt.wantMessage}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("NewEntry(%q, %q) name and message (-want +got):\n%s", tt.inName, tt.inMessage, diff)
			}
		})
	}
}

func TestNewEntryRejects(t *testing.T) {
	tests := []struct {
		name, inName, inMessage string
		want                    []guestbook.FieldError
	}{
		{"both empty", "", "", []guestbook.FieldError{
			{Field: "name", Message: "Name is required."},
			{Field: "message", Message: "Message is required."},
		}},
		{"white space only", " \t ", "\r\n \n", []guestbook.FieldError{
			{Field: "name", Message: "Name is required."},
			{Field: "message", Message: "Message is required."},
		}},
		{"name too long", strings.Repeat("a", 51), "x", []guestbook.FieldError{
			{Field: "name", Message: "Name must be at most 50 characters (it has 51)."},
		}},
		{"message too long", "Ann", strings.Repeat("é", 501), []guestbook.FieldError{
			{Field: "message", Message: "Message must be at most 500 characters (it has 501)."},
		}},
		{"newline in name", "A\nB", "x", []guestbook.FieldError{
			{Field: "name", Message: "Name must not contain control characters such as tabs or escape codes."},
		}},
		{"NUL in message", "Ann", "a\x00b", []guestbook.FieldError{
			{Field: "message", Message: "Message must not contain control characters such as tabs or escape codes."},
		}},
		{"escape in message", "Ann", "a\x1b[31mred", []guestbook.FieldError{
			{Field: "message", Message: "Message must not contain control characters such as tabs or escape codes."},
		}},
		{"tab inside message", "Ann", "a\tb", []guestbook.FieldError{
			{Field: "message", Message: "Message must not contain control characters such as tabs or escape codes."},
		}},
		{"lone CR in message", "Ann", "a\rb", []guestbook.FieldError{
			{Field: "message", Message: "Message must not contain control characters such as tabs or escape codes."},
		}},
		{"C1 control in name", "A\u0085B", "x", []guestbook.FieldError{
			{Field: "name", Message: "Name must not contain control characters such as tabs or escape codes."},
		}},
		{"DEL in name", "A\x7fB", "x", []guestbook.FieldError{
			{Field: "name", Message: "Name must not contain control characters such as tabs or escape codes."},
		}},
		{"bidi override", "Ann", "abc\u202edcba", []guestbook.FieldError{
			{Field: "message", Message: "Message must not contain characters that reverse the direction of text."},
		}},
		{"bidi isolate", "A\u2066B", "x", []guestbook.FieldError{
			{Field: "name", Message: "Name must not contain characters that reverse the direction of text."},
		}},
		{"invalid UTF-8", "\xff", "ok\xc3\x28", []guestbook.FieldError{
			{Field: "name", Message: "Name is not valid UTF-8 text."},
			{Field: "message", Message: "Message is not valid UTF-8 text."},
		}},
		{"overlong encoding", "\xc0\xaf", "x", []guestbook.FieldError{
			{Field: "name", Message: "Name is not valid UTF-8 text."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := guestbook.NewEntry(tt.inName, tt.inMessage)
			if e != nil {
				t.Errorf("NewEntry(%q, %q) returned entry %+v, want nil", tt.inName, tt.inMessage, e)
			}
			var invalid *guestbook.ValidationError
			if !errors.As(err, &invalid) {
				t.Fatalf("NewEntry(%q, %q) error = %v, want *ValidationError", tt.inName, tt.inMessage, err)
			}
			if diff := cmp.Diff(tt.want, invalid.Problems); diff != "" {
				t.Errorf("NewEntry(%q, %q) problems (-want +got):\n%s", tt.inName, tt.inMessage, diff)
			}
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	_, err := guestbook.NewEntry("", strings.Repeat("x", 501))
	want := "invalid entry: name: Name is required.; message: Message must be at most 500 characters (it has 501)."
	if err == nil || err.Error() != want {
		t.Errorf("NewEntry error = %v, want %q", err, want)
	}
}

// FuzzNewEntry checks the invariants of validation for any input: an
// accepted entry obeys every rule and is accepted unchanged again, and a
// rejection names at least one known field.
func FuzzNewEntry(f *testing.F) {
	seeds := [][2]string{
		{"Ann", "Hello"},
		{"", ""},
		{" \t", "\r\n"},
		{"<script>", "alert(1)\r\nline"},
		{"\xff\xfe", "\x00"},
		{strings.Repeat("é", 50), strings.Repeat("日", 500)},
		{strings.Repeat("é", 51), strings.Repeat("日", 501)},
		{"A\u202eB", "\u2066x\u2069"},
		{"A\u0085", "\u0085B"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, message string) {
		e, err := guestbook.NewEntry(name, message)
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkField(t, "name", e.Name, guestbook.MaxNameRunes, false)
		checkField(t, "message", e.Message, guestbook.MaxMessageRunes, true)

		again, err := guestbook.NewEntry(e.Name, e.Message)
		if err != nil {
			t.Fatalf("NewEntry(%q, %q) rejected its own output: %v", e.Name, e.Message, err)
		}
		if again.Name != e.Name || again.Message != e.Message {
			t.Errorf("NewEntry is not idempotent: %q, %q became %q, %q", e.Name, e.Message, again.Name, again.Message)
		}
	})
}

func checkRejection(t *testing.T, err error) {
	t.Helper()
	var invalid *guestbook.ValidationError
	if !errors.As(err, &invalid) {
		t.Fatalf("error = %v (%T), want *ValidationError", err, err)
	}
	if len(invalid.Problems) == 0 {
		t.Fatal("ValidationError has no problems")
	}
	for _, p := range invalid.Problems {
		if p.Field != "name" && p.Field != "message" {
			t.Errorf("problem names field %q, want name or message", p.Field)
		}
		if p.Message == "" {
			t.Errorf("problem for %s has no message", p.Field)
		}
	}
}

func checkField(t *testing.T, field, value string, maxRunes int, newlineAllowed bool) {
	t.Helper()
	if !utf8.ValidString(value) {
		t.Errorf("accepted %s %q is not valid UTF-8", field, value)
	}
	if n := utf8.RuneCountInString(value); n < 1 || n > maxRunes {
		t.Errorf("accepted %s %q has %d runes, want 1 to %d", field, value, n, maxRunes)
	}
	if strings.TrimSpace(value) != value {
		t.Errorf("accepted %s %q is not trimmed", field, value)
	}
	for _, r := range value {
		if unicode.IsControl(r) && !(newlineAllowed && r == '\n') {
			t.Errorf("accepted %s %q contains control character %U", field, value, r)
		}
	}
}
