package glob

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"app/main.go", "app/main.go", true},
		{"app/main.go", "app/main.go.orig", false},
		{"*.go", "main.go", true},
		{"*.go", "app/main.go", false},
		{"**/*.go", "main.go", true},
		{"**/*.go", "app/internal/main.go", true},
		{"**/*.go", "app/internal/main.txt", false},
		{"vendor", "vendor/github.com/x/y.go", true},
		{"vendor/", "vendor/github.com/x/y.go", true},
		{"vendor/**", "vendor/github.com/x/y.go", true},
		{"vendor", "vendors/x.go", false},
		{"**/testdata/**", "scanners/gosec/testdata/bad.go", true},
		{"**/testdata/**", "testdata/bad.go", true},
		{"**/testdata/**", "scanners/gosec/gosec.go", false},
		{"**/testdata", "a/b/testdata/c/d.yaml", true},
		{"app/**/store.go", "app/store.go", true},
		{"app/**/store.go", "app/sqlite/internal/store.go", true},
		{"app/**/store.go", "lib/sqlite/store.go", false},
		{"deploy/k8s/*.yaml", "deploy/k8s/deployment.yaml", true},
		{"deploy/k8s/*.yaml", "deploy/k8s/base/deployment.yaml", false},
		{"Dockerfile.?", "Dockerfile.a", true},
		{"Dockerfile.?", "Dockerfile.ab", false},
		{"[a-c]pp/x", "app/x", true},
		{"[^a]pp/x", "app/x", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{"**", "anything/at/all", true},
		{"app", "", false},
		{"[", "[", false}, // invalid patterns match nothing
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := []string{"app", "app/", "**/*.go", "a/**/b", `a\*b`, "[a-z]*/x"}
	for _, pattern := range valid {
		if err := Validate(pattern); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", pattern, err)
		}
	}

	invalid := []struct{ pattern, wantErr string }{
		{"", "empty pattern"},
		{"  ", "empty pattern"},
		{"/etc/passwd", "absolute"},
		{"a//b", "empty path segment"},
		{"a/../b", `contains ".."`},
		{"./a", `contains "."`},
		{"a**/b", "must be a whole segment"},
		{"[a-", "syntax error in pattern"},
	}
	for _, tt := range invalid {
		err := Validate(tt.pattern)
		if err == nil {
			t.Errorf("Validate(%q) = nil, want an error containing %q", tt.pattern, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Validate(%q) = %q, want it to contain %q", tt.pattern, err, tt.wantErr)
		}
	}
}
