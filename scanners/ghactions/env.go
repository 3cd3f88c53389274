package ghactions

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Env is the part of a GitHub Actions step's environment that secscan reads.
type Env struct {
	StepSummary string // path of the step's summary file, from GITHUB_STEP_SUMMARY
	Output      string // path of the step's output file, from GITHUB_OUTPUT
	ServerURL   string // GITHUB_SERVER_URL, such as https://github.com
	Repository  string // GITHUB_REPOSITORY, as owner/name
	SHA         string // GITHUB_SHA, the commit that the workflow checked out
}

// Detect reads the environment through getenv. It reports false unless
// GITHUB_ACTIONS is "true", which the runner sets for every step.
func Detect(getenv func(string) string) (Env, bool) {
	if getenv("GITHUB_ACTIONS") != "true" {
		return Env{}, false
	}
	return Env{
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		Output:      getenv("GITHUB_OUTPUT"),
		ServerURL:   getenv("GITHUB_SERVER_URL"),
		Repository:  getenv("GITHUB_REPOSITORY"),
		SHA:         getenv("GITHUB_SHA"),
	}, true
}

var (
	repositoryPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	// Git object ids are 40 hex digits, or 64 in a SHA-256 repository.
	shaPattern = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
)

// LinkBase returns the prefix of a link to a file at the scanned commit,
// SERVER/OWNER/NAME/blob/SHA/, for summary.Input.LinkBase. It returns ""
// when a variable is missing or malformed, so that locations stay plain text
// instead of becoming broken links.
//
// On a pull_request event GITHUB_SHA is the merge commit that the job
// checked out, so the line numbers of the findings match the linked file.
func (e Env) LinkBase() string {
	server, err := url.Parse(e.ServerURL)
	if err != nil || (server.Scheme != "https" && server.Scheme != "http") || server.Host == "" ||
		server.RawQuery != "" || server.Fragment != "" || server.User != nil {
		return ""
	}
	if !repositoryPattern.MatchString(e.Repository) || !shaPattern.MatchString(e.SHA) {
		return ""
	}
	return strings.TrimSuffix(server.String(), "/") + "/" + e.Repository + "/blob/" + e.SHA + "/"
}

// SetOutput appends a step output to the file named by GITHUB_OUTPUT, so
// that later steps read it as steps.ID.outputs.NAME. It uses the multi-line
// form with a random delimiter, so the value may contain line breaks and "=".
func (e Env) SetOutput(name, value string) error {
	if e.Output == "" {
		return errors.New("GITHUB_OUTPUT is not set, so step outputs cannot be written; run inside a GitHub Actions step")
	}
	if name == "" || strings.ContainsAny(name, "=<\r\n") {
		return fmt.Errorf("invalid step output name %q; use letters, digits, - and _", name)
	}
	delimiter := "ghadelimiter_" + rand.Text()
	line := name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n"

	f, err := os.OpenFile(e.Output, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening step output file: %w", err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("writing step output %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing step output file: %w", err)
	}
	return nil
}
