package ghactions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// unescapeData and unescapeProperty reverse the escaping as the runner
// does when it parses a workflow command.
func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

func unescapeProperty(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, data, property string
	}{
		{"plain", "app/main.go", "app/main.go", "app/main.go"},
		{"percent", "100% sure", "100%25 sure", "100%25 sure"},
		{"escaped sequence kept literal", "%0A", "%250A", "%250A"},
		{"crlf", "a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"lone cr", "a\rb", "a%0Db", "a%0Db"},
		{"colon and comma", "G101: secret, maybe", "G101: secret, maybe", "G101%3A secret%2C maybe"},
		{"command injection", "x\n::add-mask::secret", "x%0A::add-mask::secret", "x%0A%3A%3Aadd-mask%3A%3Asecret"},
		{"property injection", "a.go,line=1", "a.go,line=1", "a.go%2Cline=1"},
		{"unicode", "résumé – “quoted”", "résumé – “quoted”", "résumé – “quoted”"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeData(tt.in); got != tt.data {
				t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
			}
			if got := escapeProperty(tt.in); got != tt.property {
				t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
			}
			if got := unescapeData(escapeData(tt.in)); got != tt.in {
				t.Errorf("data round trip of %q = %q", tt.in, got)
			}
			if got := unescapeProperty(escapeProperty(tt.in)); got != tt.in {
				t.Errorf("property round trip of %q = %q", tt.in, got)
			}
		})
	}
}

func TestAnnotationString(t *testing.T) {
	tests := []struct {
		name string
		in   Annotation
		want string
	}{
		{
			name: "all properties",
			in: Annotation{Type: TypeError, File: "app/db.go", Line: 12, EndLine: 14, Column: 3, EndColumn: 9,
				Title: "gosec G201 (high)", Message: "SQL string formatting"},
			want: "::error file=app/db.go,line=12,endLine=14,col=3,endColumn=9,title=gosec G201 (high)::SQL string formatting",
		},
		{
			name: "no file drops positions",
			in:   Annotation{Type: TypeNotice, Line: 4, Column: 2, Message: "done"},
			want: "::notice::done",
		},
		{
			name: "escaped title and message",
			in: Annotation{Type: TypeWarning, File: "a,b:c.go", Line: 1, Title: "Trivy DS002: root, user",
				Message: "line one\nline two: 100%"},
			want: "::warning file=a%2Cb%3Ac.go,line=1,title=Trivy DS002%3A root%2C user::line one%0Aline two: 100%25",
		},
		{
			name: "message that looks like a command",
			in:   Annotation{Type: TypeNotice, Message: "\n::error::fake"},
			want: "::notice::%0A::error::fake",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.String()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("String() = %q contains a line break", got)
			}
		})
	}
}
