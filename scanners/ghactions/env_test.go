package ghactions

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mapEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestDetect(t *testing.T) {
	vars := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_STEP_SUMMARY": "/home/runner/work/_temp/_runner_file_commands/step_summary_1",
		"GITHUB_OUTPUT":       "/home/runner/work/_temp/_runner_file_commands/set_output_1",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_REPOSITORY":   "octo/guestbook",
		"GITHUB_SHA":          "0123456789abcdef0123456789abcdef01234567",
	}
	got, ok := Detect(mapEnv(vars))
	if !ok {
		t.Fatal("Detect with GITHUB_ACTIONS=true: got false")
	}
	want := Env{
		StepSummary: vars["GITHUB_STEP_SUMMARY"],
		Output:      vars["GITHUB_OUTPUT"],
		ServerURL:   "https://github.com",
		Repository:  "octo/guestbook",
		SHA:         vars["GITHUB_SHA"],
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Detect mismatch (-want +got):\n%s", diff)
	}

	for _, value := range []string{"", "false", "1", "TRUE"} {
		vars["GITHUB_ACTIONS"] = value
		if _, ok := Detect(mapEnv(vars)); ok {
			t.Errorf("Detect with GITHUB_ACTIONS=%q: got true", value)
		}
	}
}

func TestLinkBase(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		env  Env
		want string
	}{
		{"github.com", Env{ServerURL: "https://github.com", Repository: "octo/guestbook", SHA: sha},
			"https://github.com/octo/guestbook/blob/" + sha + "/"},
		{"server with trailing slash", Env{ServerURL: "https://ghes.internal/", Repository: "team/app.go", SHA: sha},
			"https://ghes.internal/team/app.go/blob/" + sha + "/"},
		{"sha-256 repository", Env{ServerURL: "http://ghes.internal:8080", Repository: "o/r", SHA: strings.Repeat("a", 64)},
			"http://ghes.internal:8080/o/r/blob/" + strings.Repeat("a", 64) + "/"},
		{"missing sha", Env{ServerURL: "https://github.com", Repository: "o/r"}, ""},
		{"short sha", Env{ServerURL: "https://github.com", Repository: "o/r", SHA: sha[:12]}, ""},
		{"upper-case sha", Env{ServerURL: "https://github.com", Repository: "o/r", SHA: strings.ToUpper(sha)}, ""},
		{"missing repository", Env{ServerURL: "https://github.com", SHA: sha}, ""},
		{"nested repository", Env{ServerURL: "https://github.com", Repository: "o/r/x", SHA: sha}, ""},
		{"repository with markdown", Env{ServerURL: "https://github.com", Repository: "o/r)[x", SHA: sha}, ""},
		{"missing server", Env{Repository: "o/r", SHA: sha}, ""},
		{"server without scheme", Env{ServerURL: "github.com", Repository: "o/r", SHA: sha}, ""},
		{"javascript server", Env{ServerURL: "javascript:alert(1)", Repository: "o/r", SHA: sha}, ""},
		{"server with query", Env{ServerURL: "https://github.com/?a=b", Repository: "o/r", SHA: sha}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.env.LinkBase(); got != tt.want {
				t.Errorf("LinkBase() = %q, want %q", got, tt.want)
			}
		})
	}
}

// readOutputs parses a GITHUB_OUTPUT file written in the multi-line form.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^([^<]+)<<(ghadelimiter_[A-Z2-7]+)$`)
	outputs := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		m := header.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d of %s is not an output header: %q", i+1, path, lines[i])
		}
		var value []string
		for i++; i < len(lines) && lines[i] != m[2]; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s has no closing delimiter", m[1])
		}
		outputs[m[1]] = strings.Join(value, "\n")
	}
	return outputs
}

func TestSetOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "set_output")
	env := Env{Output: path}

	if err := env.SetOutput("exit-code", "1"); err != nil {
		t.Fatalf("SetOutput: %v", err)
	}
	if err := env.SetOutput("verdict", "FAIL\n3 high findings\nname=x"); err != nil {
		t.Fatalf("SetOutput: %v", err)
	}

	want := map[string]string{"exit-code": "1", "verdict": "FAIL\n3 high findings\nname=x"}
	if diff := cmp.Diff(want, readOutputs(t, path)); diff != "" {
		t.Errorf("outputs mismatch (-want +got):\n%s", diff)
	}
}

func TestSetOutputErrors(t *testing.T) {
	if err := (Env{}).SetOutput("exit-code", "0"); err == nil {
		t.Error("SetOutput without GITHUB_OUTPUT: got nil error")
	}
	env := Env{Output: filepath.Join(t.TempDir(), "set_output")}
	for _, name := range []string{"", "a=b", "a<<b", "a\nb"} {
		if err := env.SetOutput(name, "v"); err == nil {
			t.Errorf("SetOutput(%q): got nil error", name)
		}
	}
}
