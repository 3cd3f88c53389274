package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/guestbook-secscan/guestbook/scanners/trivy"
)

// repoRoot is the repository root, relative to this package's directory.
const repoRoot = "../.."

// trivyBinary returns the Trivy to test the custom checks with, found as
// the Trivy adapter finds it. Without one, the test fails when CI is true
// and is skipped otherwise.
func trivyBinary(t *testing.T) string {
	t.Helper()
	bin, err := trivy.LocateBinary("")
	if err == nil {
		return bin
	}
	if isCI(os.Getenv) {
		t.Fatalf("no Trivy binary: %v", err)
	}
	t.Skipf("no Trivy binary (%v); run make trivy", err)
	return ""
}

// trivyReport is the part of Trivy's JSON report that the tests read.
type trivyReport struct {
	Results []struct {
		Target            string
		Misconfigurations []struct {
			ID            string
			Status        string
			Message       string
			CauseMetadata struct {
				StartLine int
				EndLine   int
			}
		}
	}
}

// runTrivyConfig runs `trivy config` with the repository's custom checks
// over target (relative to the repository root), offline. It returns the
// failures of the custom checks (ids starting with GB-) by file, as
// "GB-0001 line 11: message", and the ids of the custom checks that Trivy
// evaluated on at least one file.
func runTrivyConfig(t *testing.T, target string) (failures map[string][]string, evaluated []string) {
	t.Helper()
	bin := trivyBinary(t)
	out := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.CommandContext(t.Context(), bin, "config",
		"--config-check", "policies/trivy",
		"--check-namespaces", "user",
		"--skip-check-update", "--disable-telemetry", "--skip-version-check",
		"--cache-dir", t.TempDir(),
		"--include-non-failures",
		"--quiet", "--format", "json", "--output", out,
		target)
	cmd.Dir = repoRoot
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, output)
	}

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var report trivyReport
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("parsing Trivy's report: %v", err)
	}

	failures = map[string][]string{}
	for _, r := range report.Results {
		for _, m := range r.Misconfigurations {
			if !strings.HasPrefix(m.ID, "GB-") {
				continue
			}
			if !slices.Contains(evaluated, m.ID) {
				evaluated = append(evaluated, m.ID)
			}
			if m.Status != "FAIL" {
				continue
			}
			if m.CauseMetadata.StartLine < 1 {
				t.Errorf("%s: %s has no line: %+v", r.Target, m.ID, m.CauseMetadata)
			}
			line := m.ID + " line " + strconv.Itoa(m.CauseMetadata.StartLine) + ": " + m.Message
			failures[r.Target] = append(failures[r.Target], line)
		}
	}
	for _, lines := range failures {
		slices.Sort(lines)
	}
	slices.Sort(evaluated)
	return failures, evaluated
}

// TestTrivyChecks runs the real Trivy binary over the examples in
// policies/trivy/testdata. Every file under pass/ must pass all custom
// checks, and every file under GB-NNNN/ must fail exactly that check, with
// the messages listed here.
func TestTrivyChecks(t *testing.T) {
	failures, evaluated := runTrivyConfig(t, "policies/trivy/testdata")
	var allChecks []string
	for i := 1; i <= 11; i++ {
		allChecks = append(allChecks, fmt.Sprintf("GB-%04d", i))
	}
	if diff := cmp.Diff(allChecks, evaluated); diff != "" {
		t.Errorf("evaluated checks (-want +got):\n%s", diff)
	}

	const (
		appContainer  = "Deployment guestbook, container guestbook"
		initContainer = "Deployment guestbook, container migrate"
		backup        = "CronJob guestbook-backup, container backup"
	)
	want := map[string][]string{
		"GB-0001/Dockerfile.no-user":             {"GB-0001 line 8: The final stage has no USER instruction; add USER 1000:1000"},
		"GB-0001/Dockerfile.reset-to-root":       {`GB-0001 line 11: The final stage runs as "0"; use USER 1000:1000`},
		"GB-0001/Dockerfile.root":                {`GB-0001 line 10: The final stage runs as "root"; use USER 1000:1000`},
		"GB-0001/Dockerfile.uid-only":            {`GB-0001 line 10: The final stage runs as "1000"; use USER 1000:1000`},
		"GB-0001/Dockerfile.user-in-build-stage": {"GB-0001 line 9: The final stage has no USER instruction; add USER 1000:1000"},
		"GB-0002/Dockerfile.arg-without-default": {"GB-0002 line 3: FROM golang:${GO_VERSION}-bookworm contains a variable that has no default; pin it to a release tag or a digest"},
		"GB-0002/Dockerfile.arg-without-tag":     {"GB-0002 line 3: FROM ${BASE} has no tag, which means latest; pin it to a release tag or a digest"},
		"GB-0002/Dockerfile.latest":              {"GB-0002 line 8: FROM gcr.io/distroless/static-debian12:latest uses the latest tag; pin it to a release tag or a digest"},
		"GB-0002/Dockerfile.no-tag":              {"GB-0002 line 3: FROM golang has no tag, which means latest; pin it to a release tag or a digest"},
		"GB-0002/Dockerfile.registry-port":       {"GB-0002 line 8: FROM registry.internal:5000/distroless/static has no tag, which means latest; pin it to a release tag or a digest"},
		"GB-0003/cronjob-registry-port.yaml":     {`GB-0003 line 14: ` + backup + ` uses image "registry.internal:5000/guestbook/backup" without a pinned tag; use a release tag or a digest`},
		"GB-0003/deployment-init-latest.yaml":    {`GB-0003 line 25: ` + initContainer + ` uses image "ghcr.io/guestbook-secscan/guestbook:latest" without a pinned tag; use a release tag or a digest`},
		"GB-0003/deployment-latest.yaml":         {`GB-0003 line 38: ` + appContainer + ` uses image "ghcr.io/guestbook-secscan/guestbook:latest" without a pinned tag; use a release tag or a digest`},
		"GB-0003/deployment-no-tag.yaml":         {`GB-0003 line 38: ` + appContainer + ` uses image "ghcr.io/guestbook-secscan/guestbook" without a pinned tag; use a release tag or a digest`},
		"GB-0004/deployment-false.yaml":          {"GB-0004 line 38: " + appContainer + " does not set securityContext.readOnlyRootFilesystem: true"},
		"GB-0004/deployment-missing.yaml":        {"GB-0004 line 38: " + appContainer + " does not set securityContext.readOnlyRootFilesystem: true"},
		"GB-0005/deployment-init-no-resources.yaml": {
			"GB-0005 line 25: " + initContainer + " sets no resources.limits.cpu",
			"GB-0005 line 25: " + initContainer + " sets no resources.limits.memory",
		},
		"GB-0005/deployment-no-cpu-limit.yaml":       {"GB-0005 line 38: " + appContainer + " sets no resources.limits.cpu"},
		"GB-0006/deployment-container-override.yaml": {"GB-0006 line 38: " + appContainer + " does not set runAsNonRoot: true"},
		"GB-0006/deployment-missing.yaml": {
			"GB-0006 line 24: " + initContainer + " does not set runAsNonRoot: true",
			"GB-0006 line 37: " + appContainer + " does not set runAsNonRoot: true",
		},
		"GB-0006/deployment-uid-0.yaml":                {"GB-0006 line 38: " + appContainer + " runs as uid 0"},
		"GB-0007/deployment-missing.yaml":              {"GB-0007 line 38: " + appContainer + " does not set securityContext.allowPrivilegeEscalation: false"},
		"GB-0007/deployment-true.yaml":                 {"GB-0007 line 38: " + appContainer + " does not set securityContext.allowPrivilegeEscalation: false"},
		"GB-0008/cronjob-no-capabilities.yaml":         {"GB-0008 line 14: " + backup + " does not drop ALL capabilities"},
		"GB-0008/deployment-drop-some.yaml":            {"GB-0008 line 38: " + appContainer + " does not drop ALL capabilities"},
		"GB-0009/deployment-container-unconfined.yaml": {"GB-0009 line 38: " + appContainer + " has seccomp profile type Unconfined; use RuntimeDefault"},
		"GB-0009/deployment-missing.yaml": {
			"GB-0009 line 23: " + initContainer + " has seccomp profile type unset; use RuntimeDefault",
			"GB-0009 line 36: " + appContainer + " has seccomp profile type unset; use RuntimeDefault",
		},
		"GB-0010/cronjob-true.yaml":                {"GB-0010 line 10: CronJob guestbook-backup does not set automountServiceAccountToken: false in its pod spec"},
		"GB-0010/deployment-missing.yaml":          {"GB-0010 line 15: Deployment guestbook does not set automountServiceAccountToken: false in its pod spec"},
		"GB-0011/networkpolicy-allows-egress.yaml": {"GB-0011 line 6: NetworkPolicy default-deny is not a default deny: it has egress rules, which allow traffic"},
		"GB-0011/networkpolicy-ingress-only.yaml":  {"GB-0011 line 6: NetworkPolicy default-deny is not a default deny: policyTypes does not list Egress"},
		"GB-0011/networkpolicy-selects-some.yaml":  {"GB-0011 line 6: NetworkPolicy default-deny is not a default deny: its podSelector selects only some pods; use podSelector: {}"},
	}
	if diff := cmp.Diff(want, failures); diff != "" {
		t.Errorf("custom check failures by file (-want +got):\n%s", diff)
	}

	// Every example is covered: the files under pass/ have no failures, and
	// each file under GB-NNNN/ is in want with that check's id only.
	err := filepath.WalkDir(filepath.Join(repoRoot, "policies/trivy/testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(repoRoot, "policies/trivy/testdata"), path)
		rel = filepath.ToSlash(rel)
		dir := strings.Split(rel, "/")[0]
		if dir == "pass" {
			return nil
		}
		lines, ok := want[rel]
		if !ok {
			t.Errorf("%s has no expected failures in this test", rel)
		}
		for _, line := range lines {
			if !strings.HasPrefix(line, dir+" ") {
				t.Errorf("%s expects %q, which is not check %s", rel, line, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTrivyChecksPassOnRepository runs the custom checks over the
// guestbook's own Dockerfile and Kubernetes manifests, which must pass them.
// Each check must have been evaluated, so that a manifest that Trivy does
// not recognize cannot pass unchecked.
func TestTrivyChecksPassOnRepository(t *testing.T) {
	trivyBinary(t)
	tests := []struct {
		target string
		checks []string
	}{
		{"Dockerfile", []string{"GB-0001", "GB-0002"}},
		{"deploy/k8s", []string{"GB-0003", "GB-0004", "GB-0005", "GB-0006", "GB-0007", "GB-0008", "GB-0009", "GB-0010", "GB-0011"}},
	}
	for _, tt := range tests {
		if _, err := os.Stat(filepath.Join(repoRoot, tt.target)); errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is missing; the custom checks exist to guard it", tt.target)
			continue
		}
		failures, evaluated := runTrivyConfig(t, tt.target)
		if len(failures) > 0 {
			t.Errorf("custom checks fail on %s:\n%v", tt.target, failures)
		}
		if diff := cmp.Diff(tt.checks, evaluated); diff != "" {
			t.Errorf("checks evaluated on %s (-want +got):\n%s", tt.target, diff)
		}
	}

	// The checks pass trivially on manifests without a workload, and GB-0011
	// cannot see whether a default-deny policy exists, because Trivy
	// evaluates each document alone. Both are checked here instead.
	objects := manifestObjects(t, filepath.Join(repoRoot, "deploy/k8s"))
	if !slices.ContainsFunc(objects, func(o string) bool { return strings.HasPrefix(o, "Deployment ") }) {
		t.Errorf("deploy/k8s has no Deployment, so the workload checks had nothing to check; found %v", objects)
	}
	if !slices.ContainsFunc(objects, func(o string) bool { return strings.HasPrefix(o, "NetworkPolicy default-deny") }) {
		t.Errorf("deploy/k8s has no NetworkPolicy named default-deny*; found %v", objects)
	}
}

// manifestObjects returns "Kind name" for every YAML document under dir.
func manifestObjects(t *testing.T, dir string) []string {
	t.Helper()
	var objects []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".yml") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		dec := yaml.NewDecoder(f)
		for {
			var doc struct {
				Kind     string
				Metadata struct{ Name string }
			}
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			objects = append(objects, doc.Kind+" "+doc.Metadata.Name)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return objects
}
