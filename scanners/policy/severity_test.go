package policy

import (
	"strings"
	"testing"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestRateSecuritySeverityBands(t *testing.T) {
	tests := []struct {
		score float64
		want  finding.Severity
	}{
		{10.0, finding.SeverityCritical},
		{9.0, finding.SeverityCritical},
		{8.9, finding.SeverityHigh},
		{7.0, finding.SeverityHigh},
		{6.9, finding.SeverityMedium},
		{4.0, finding.SeverityMedium},
		{3.9, finding.SeverityLow},
		{0.1, finding.SeverityLow},
		{0.05, finding.SeverityNone},
	}
	for _, tt := range tests {
		run := &finding.Run{Rules: []finding.Rule{{ID: "R1", SecuritySeverity: tt.score, Level: finding.LevelNote}}}
		// The level must not matter when the rule has a score.
		got := Rate(run, &finding.Result{RuleID: "R1", Level: finding.LevelError})
		if got.Severity != tt.want || got.Score != tt.score || got.Level != "" {
			t.Errorf("Rate with security-severity %v = %+v, want severity %v from the score", tt.score, got, tt.want)
		}
	}
}

func TestRateLevelFallback(t *testing.T) {
	tests := []struct {
		name        string
		resultLevel finding.Level
		ruleLevel   finding.Level
		score       float64
		want        finding.Severity
		wantLevel   finding.Level
	}{
		{"error", finding.LevelError, "", 0, finding.SeverityHigh, finding.LevelError},
		{"warning", finding.LevelWarning, "", 0, finding.SeverityMedium, finding.LevelWarning},
		{"note", finding.LevelNote, "", 0, finding.SeverityLow, finding.LevelNote},
		{"none", finding.LevelNone, "", 0, finding.SeverityNone, finding.LevelNone},
		{"rule default level", "", finding.LevelError, 0, finding.SeverityHigh, finding.LevelError},
		{"SARIF default warning", "", "", 0, finding.SeverityMedium, finding.LevelWarning},
		{"result level wins over rule level", finding.LevelNote, finding.LevelError, 0, finding.SeverityLow, finding.LevelNote},
		{"zero score counts as missing", finding.LevelError, "", 0.0, finding.SeverityHigh, finding.LevelError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &finding.Run{Rules: []finding.Rule{{ID: "R1", Level: tt.ruleLevel, SecuritySeverity: tt.score}}}
			got := Rate(run, &finding.Result{RuleID: "R1", Level: tt.resultLevel})
			if got.Severity != tt.want || got.Level != tt.wantLevel {
				t.Errorf("Rate = %+v, want severity %v from level %q", got, tt.want, tt.wantLevel)
			}
		})
	}

	// A result whose rule is not in the run is rated by its level.
	got := Rate(&finding.Run{}, &finding.Result{RuleID: "missing", Level: finding.LevelError})
	if got.Severity != finding.SeverityHigh {
		t.Errorf("Rate without a rule = %+v, want high", got)
	}
}

func TestRatingBasis(t *testing.T) {
	if got := (Rating{Severity: finding.SeverityHigh, Score: 7.5}).Basis(); got != "security-severity 7.5" {
		t.Errorf("Basis = %q", got)
	}
	if got := (Rating{Severity: finding.SeverityHigh, Level: finding.LevelError}).Basis(); got != "level error" {
		t.Errorf("Basis = %q", got)
	}
}

func TestSeverityFails(t *testing.T) {
	tests := []struct {
		severity, threshold finding.Severity
		want                bool
	}{
		{finding.SeverityHigh, finding.SeverityHigh, true},
		{finding.SeverityCritical, finding.SeverityHigh, true},
		{finding.SeverityMedium, finding.SeverityHigh, false},
		{finding.SeverityCritical, finding.SeverityNone, false},
		{finding.SeverityNone, finding.SeverityLow, false},
		{finding.SeverityLow, finding.SeverityLow, true},
	}
	for _, tt := range tests {
		if got := fails(tt.severity, tt.threshold); got != tt.want {
			t.Errorf("fails(%v, %v) = %v, want %v", tt.severity, tt.threshold, got, tt.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for _, name := range []string{"critical", "HIGH", "Medium", "low", "none"} {
		s, err := ParseSeverity(name)
		if err != nil {
			t.Errorf("ParseSeverity(%q) = %v", name, err)
			continue
		}
		if s.String() != strings.ToLower(name) {
			t.Errorf("ParseSeverity(%q).String() = %q", name, s)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) = nil error")
	}
}

func TestRateCappedByLevel(t *testing.T) {
	// govulncheck gives an advisory the score of its most severe result:
	// here one module calls the vulnerable function and another only
	// requires the module, which is a note.
	run := okRun(finding.ToolGovulncheck, []finding.Rule{scored("GO-2026-0001", 8.0)})
	called := finding.Result{RuleID: "GO-2026-0001", Level: finding.LevelError}
	required := finding.Result{RuleID: "GO-2026-0001", Level: finding.LevelNote}

	if got := Rate(run, &called); got.Severity != finding.SeverityHigh || got.Basis() != "security-severity 8" {
		t.Errorf("Rate(called) = %v (%s), want high (security-severity 8)", got.Severity, got.Basis())
	}
	got := Rate(run, &required)
	if got.Severity != finding.SeverityLow {
		t.Errorf("Rate(required).Severity = %v, want low", got.Severity)
	}
	if want := "security-severity 8, capped by level note"; got.Basis() != want {
		t.Errorf("Rate(required).Basis() = %q, want %q", got.Basis(), want)
	}
}
