package hadolint

import (
	"regexp"
	"strings"
	"testing"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestKnownRules(t *testing.T) {
	codePattern := regexp.MustCompile(`^(DL[0-9]{4}|SC[0-9]{4})$`)
	for code, info := range knownRules {
		if !codePattern.MatchString(code) {
			t.Errorf("code %q is not a DLnnnn or SCnnnn code", code)
		}
		if strings.HasPrefix(code, "DL") {
			if _, ok := levelScores[info.Level]; !ok {
				t.Errorf("%s: level %q is not a hadolint level", code, info.Level)
			}
		} else if info.Level != "" {
			t.Errorf("%s: ShellCheck rules take their level from the result, got %q", code, info.Level)
		}
		if info.Text == "" || len(info.Text) > 1024 {
			t.Errorf("%s: text has %d bytes, want 1 to 1024", code, len(info.Text))
		}
	}
}

func TestRuleForKnownDL(t *testing.T) {
	r := ruleFor("DL3020", lvInfo)
	if r.Level != finding.LevelError {
		t.Errorf("level = %q, want the table's error, not the result's", r.Level)
	}
	if r.SecuritySeverity != 5.5 {
		t.Errorf("security-severity = %v, want 5.5", r.SecuritySeverity)
	}
	if r.HelpURI != "https://github.com/hadolint/hadolint/wiki/DL3020" {
		t.Errorf("help URI = %q", r.HelpURI)
	}
	if !strings.Contains(r.HelpMarkdown, "(https://github.com/hadolint/hadolint/wiki/DL3020)") {
		t.Errorf("help markdown lacks the rule link: %q", r.HelpMarkdown)
	}
	if r.ShortDescription != knownRules["DL3020"].Text {
		t.Errorf("short description = %q, want the table's text", r.ShortDescription)
	}
}

func TestRuleForSecurityWeakness(t *testing.T) {
	if got := ruleFor("DL3002", lvWarning).SecuritySeverity; got != scoreSecurityWeakness {
		t.Errorf("DL3002 security-severity = %v, want %v", got, scoreSecurityWeakness)
	}
}

func TestRuleForShellCheck(t *testing.T) {
	tests := []struct {
		code, level string
		wantLevel   finding.Level
		wantScore   float64
		wantText    string
	}{
		{"SC2086", lvInfo, finding.LevelNote, 2.0, knownRules["SC2086"].Text},
		{"SC2046", lvWarning, finding.LevelWarning, 4.0, knownRules["SC2046"].Text},
		{"SC9999", lvStyle, finding.LevelNote, 1.0, "Dockerfile problem found by ShellCheck rule SC9999"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			r := ruleFor(tt.code, tt.level)
			if r.Level != tt.wantLevel {
				t.Errorf("level = %q, want %q", r.Level, tt.wantLevel)
			}
			if r.SecuritySeverity != tt.wantScore {
				t.Errorf("security-severity = %v, want %v", r.SecuritySeverity, tt.wantScore)
			}
			if !strings.HasPrefix(r.ShortDescription, tt.wantText) {
				t.Errorf("short description = %q, want it to start with %q", r.ShortDescription, tt.wantText)
			}
			if want := "https://www.shellcheck.net/wiki/" + tt.code; r.HelpURI != want {
				t.Errorf("help URI = %q, want %q", r.HelpURI, want)
			}
		})
	}
}

func TestRuleForUnknownDL(t *testing.T) {
	r := ruleFor("DL9999", lvError)
	if r.Level != finding.LevelError || r.SecuritySeverity != 5.5 {
		t.Errorf("level, security-severity = %q, %v; want error, 5.5", r.Level, r.SecuritySeverity)
	}
	if !strings.Contains(r.ShortDescription, "hadolint rule DL9999") {
		t.Errorf("short description = %q, want generic text naming the rule", r.ShortDescription)
	}
}

func TestSarifLevel(t *testing.T) {
	tests := map[string]finding.Level{
		lvError: finding.LevelError, lvWarning: finding.LevelWarning,
		lvInfo: finding.LevelNote, lvStyle: finding.LevelNote, lvIgnore: finding.LevelNote, "": finding.LevelNote,
	}
	for in, want := range tests {
		if got := sarifLevel(in); got != want {
			t.Errorf("sarifLevel(%q) = %q, want %q", in, got, want)
		}
	}
}
