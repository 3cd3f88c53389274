package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestForUpload(t *testing.T) {
	open := result("G104", "a.go", 1, "open")
	external := result("G104", "b.go", 2, "external")
	external.Suppressions = []finding.Suppression{{Kind: KindExternal, Justification: "r (o)"}}
	inSource := result("G104", "c.go", 3, "in-source")
	inSource.Suppressions = []finding.Suppression{{Kind: KindInSource}}
	absent := result("G104", "d.go", 4, "absent")
	absent.BaselineState = BaselineAbsent
	run := okRun(finding.ToolGosec, []finding.Rule{scored("G104", 3)}, open, external, inSource, absent)
	runs := []*finding.Run{run}

	fingerprints := func(runs []*finding.Run) []string {
		var out []string
		for _, r := range runs[0].Results {
			out = append(out, r.Fingerprint)
		}
		return out
	}

	if diff := cmp.Diff([]string{"open"}, fingerprints(ForUpload(runs, false))); diff != "" {
		t.Errorf("ForUpload without suppressed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"open", "external", "in-source"}, fingerprints(ForUpload(runs, true))); diff != "" {
		t.Errorf("ForUpload with suppressed (-want +got):\n%s", diff)
	}
	// The full report keeps every result.
	if len(run.Results) != 4 {
		t.Errorf("ForUpload changed the input: %d results, want 4", len(run.Results))
	}
}

func TestApplyExclude(t *testing.T) {
	p := mustParse(t, `version: 1
exclude: ["**/testdata/**"]
tools:
  trivy:
    exclude: ["deploy/dev/**"]
`)
	gosecRun := okRun(finding.ToolGosec, nil,
		result("G104", "app/main.go", 1, "kept"),
		result("G104", "app/testdata/bad.go", 1, "dropped"),
		result("G104", "deploy/dev/tool.go", 1, "kept for gosec"),
		result("G104", "", 0, "no path"))
	trivyRun := okRun(finding.ToolTrivy, nil,
		result("KSV001", "deploy/dev/pod.yaml", 1, "dropped for Trivy"),
		result("KSV001", "deploy/k8s/pod.yaml", 1, "kept"))
	hadolintRun := okRun(finding.ToolHadolint, nil, result("DL3007", "Dockerfile", 1, "kept"))

	removed := ApplyExclude(p, []*finding.Run{gosecRun, trivyRun, hadolintRun})
	if removed != 2 {
		t.Errorf("ApplyExclude removed %d, want 2", removed)
	}

	var kept []string
	for _, run := range []*finding.Run{gosecRun, trivyRun, hadolintRun} {
		for _, r := range run.Results {
			kept = append(kept, run.Tool+" "+r.Fingerprint)
		}
	}
	wantKept := []string{"gosec kept", "gosec kept for gosec", "gosec no path", "Trivy kept", "hadolint kept"}
	if diff := cmp.Diff(wantKept, kept); diff != "" {
		t.Errorf("kept results (-want +got):\n%s", diff)
	}

	wantNote := []finding.Notification{{Level: finding.LevelNote, Message: "secscan left out 1 result in paths that the policy excludes (**/testdata/**, deploy/dev/**)"}}
	if diff := cmp.Diff(wantNote, trivyRun.Invocation.Notifications); diff != "" {
		t.Errorf("Trivy notifications (-want +got):\n%s", diff)
	}
	if len(hadolintRun.Invocation.Notifications) != 0 {
		t.Errorf("hadolint got notifications %+v, want none", hadolintRun.Invocation.Notifications)
	}
}
