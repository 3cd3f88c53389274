package trivy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestLevelOf(t *testing.T) {
	tests := map[string]finding.Level{
		"CRITICAL": finding.LevelError,
		"HIGH":     finding.LevelError,
		"high":     finding.LevelError,
		"MEDIUM":   finding.LevelWarning,
		"LOW":      finding.LevelNote,
		"UNKNOWN":  finding.LevelNote,
		"":         finding.LevelNote,
	}
	for in, want := range tests {
		if got := levelOf(in); got != want {
			t.Errorf("levelOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabelScore(t *testing.T) {
	tests := map[string]float64{
		"CRITICAL": 9.5, "HIGH": 8.0, "MEDIUM": 5.5, "LOW": 2.0, "UNKNOWN": 4.0, "": 4.0, "bogus": 4.0,
	}
	for in, want := range tests {
		if got := labelScore(in); got != want {
			t.Errorf("labelScore(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestVulnerabilityScore(t *testing.T) {
	tests := []struct {
		name       string
		v          vulnerability
		wantScore  float64
		wantSource string
	}{
		{
			name: "nvd first",
			v: vulnerability{Severity: "HIGH", SeveritySource: "ghsa", CVSS: map[string]cvssScores{
				"ghsa": {V3Score: 8.1}, "nvd": {V3Score: 7.5}, "redhat": {V3Score: 5.9},
			}},
			wantScore: 7.5, wantSource: "nvd",
		},
		{
			name: "ghsa without nvd",
			v: vulnerability{Severity: "HIGH", SeveritySource: "redhat", CVSS: map[string]cvssScores{
				"ghsa": {V3Score: 8.1}, "redhat": {V3Score: 5.9},
			}},
			wantScore: 8.1, wantSource: "ghsa",
		},
		{
			name: "severity source",
			v: vulnerability{Severity: "MEDIUM", SeveritySource: "redhat", CVSS: map[string]cvssScores{
				"redhat": {V3Score: 5.9}, "ubuntu": {V3Score: 9.9},
			}},
			wantScore: 5.9, wantSource: "redhat",
		},
		{
			name:      "other vendors only",
			v:         vulnerability{Severity: "LOW", CVSS: map[string]cvssScores{"ubuntu": {V3Score: 9.9}}},
			wantScore: 2.0, wantSource: "severity",
		},
		{
			name:      "v2 only",
			v:         vulnerability{Severity: "CRITICAL", CVSS: map[string]cvssScores{"nvd": {}}},
			wantScore: 9.5, wantSource: "severity",
		},
		{
			name:      "out of range",
			v:         vulnerability{Severity: "UNKNOWN", CVSS: map[string]cvssScores{"nvd": {V3Score: 11}}},
			wantScore: 4.0, wantSource: "severity",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, source := vulnerabilityScore(tt.v)
			if score != tt.wantScore || source != tt.wantSource {
				t.Errorf("vulnerabilityScore = %v, %q; want %v, %q", score, source, tt.wantScore, tt.wantSource)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdefgh", 5, "abcd…"},
		{"trailing space", "abc defgh", 5, "abc…"},
		{"multibyte", "ééééé", 4, "ééé…"},
		// U+1F600 takes two UTF-16 code units and must not be split.
		{"surrogate pair", "a\U0001F600\U0001F600", 4, "a\U0001F600…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf16Len(got); n > tt.max {
				t.Errorf("truncate(%q, %d) has %d UTF-16 code units", tt.in, tt.max, n)
			}
		})
	}
}

func TestTruncateLongDescription(t *testing.T) {
	got := truncate(strings.Repeat("word ", 400), maxDescription)
	if n := utf16Len(got); n > maxDescription {
		t.Errorf("truncated description has %d UTF-16 code units, want at most %d", n, maxDescription)
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("truncated description %q does not end in an ellipsis", got[len(got)-10:])
	}
}

func TestRuleTags(t *testing.T) {
	got := ruleTags("vulnerability", []string{"CWE-79", "cwe-79", "CWE-352", "NVD-CWE-Other", "CWE-", "CWE-1x", " CWE-20 "})
	want := []string{"security", "vulnerability", "external/cwe/cwe-79", "external/cwe/cwe-352", "external/cwe/cwe-20"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ruleTags (-want +got):\n%s", diff)
	}
}

func TestRuleTagsLimit(t *testing.T) {
	var cwes []string
	for i := range 40 {
		cwes = append(cwes, "CWE-"+strings.Repeat("1", i+1))
	}
	if got := ruleTags("vulnerability", cwes); len(got) != maxTags {
		t.Errorf("ruleTags gave %d tags, want %d", len(got), maxTags)
	}
}

func TestPascalCase(t *testing.T) {
	tests := map[string]string{
		"Image user should not be 'root'": "ImageUserShouldNotBeRoot",
		"AWS Access Key ID":               "AWSAccessKeyID",
		"':latest' tag used":              "LatestTagUsed",
		"":                                "",
	}
	for in, want := range tests {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := pascalCase(strings.Repeat("word ", 100)); len(got) > 255 {
		t.Errorf("pascalCase of a long title has %d bytes, want at most 255", len(got))
	}
}
