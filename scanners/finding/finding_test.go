package finding

import (
	"errors"
	"fmt"
	"testing"
)

func TestSeverityFromScore(t *testing.T) {
	tests := []struct {
		score float64
		want  Severity
	}{
		{10.0, SeverityCritical},
		{9.0, SeverityCritical},
		{8.9, SeverityHigh},
		{7.0, SeverityHigh},
		{6.9, SeverityMedium},
		{4.0, SeverityMedium},
		{3.9, SeverityLow},
		{0.1, SeverityLow},
		{0.05, SeverityNone},
		{0, SeverityNone},
	}
	for _, tt := range tests {
		if got := SeverityFromScore(tt.score); got != tt.want {
			t.Errorf("SeverityFromScore(%v) = %v, want %v", tt.score, got, tt.want)
		}
	}
}

func TestSeverityOf(t *testing.T) {
	run := &Run{Rules: []Rule{
		{ID: "SCORED", SecuritySeverity: 9.5, Level: LevelNote},
		{ID: "UNSCORED-ERROR", Level: LevelError},
		{ID: "UNSCORED"},
	}}
	tests := []struct {
		rule  string
		level Level
		want  Severity
	}{
		{"SCORED", LevelError, SeverityCritical},   // the score decides
		{"SCORED", "", SeverityCritical},           // an unset level caps nothing
		{"SCORED", LevelWarning, SeverityMedium},   // a warning is at most medium
		{"SCORED", LevelNote, SeverityLow},         // a note is at most low
		{"UNSCORED-ERROR", LevelNote, SeverityLow}, // the result's level wins over the rule's
		{"UNSCORED-ERROR", "", SeverityHigh},       // the rule's default level
		{"UNSCORED", "", SeverityMedium},           // SARIF's default level, warning
		{"MISSING", LevelError, SeverityHigh},      // a rule the run lacks
		{"UNSCORED", LevelNone, SeverityNone},
	}
	for _, tt := range tests {
		res := &Result{RuleID: tt.rule, Level: tt.level}
		if got := run.SeverityOf(res); got != tt.want {
			t.Errorf("SeverityOf(%s, level %q) = %v, want %v", tt.rule, tt.level, got, tt.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for s := SeverityNone; s <= SeverityCritical; s++ {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v, want %v", s.String(), got, err, s)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) succeeded, want an error")
	}
}

func TestNotRunError(t *testing.T) {
	err := fmt.Errorf("hadolint: %w", &NotRunError{Reason: "no binary", Fix: "install it"})
	if !IsNotRun(err) {
		t.Errorf("IsNotRun(%v) = false, want true", err)
	}
	if got, want := err.Error(), "hadolint: no binary; install it"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if IsNotRun(errors.New("exit status 1")) {
		t.Error("IsNotRun(plain error) = true, want false")
	}
}
