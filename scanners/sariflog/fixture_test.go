package sariflog

import (
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

var (
	start = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	end   = start.Add(3 * time.Second)
)

// sampleRuns returns the four tools' runs as the adapters produce them
// after the fingerprint package ran.
func sampleRuns() []*finding.Run {
	return []*finding.Run{
		{
			Tool:           finding.ToolTrivy,
			Version:        "0.74.0",
			InformationURI: "https://trivy.dev/",
			Rules: []finding.Rule{{
				ID:               "DS002",
				Name:             "RootUser",
				ShortDescription: "Image user should not be 'root'",
				FullDescription:  "Running containers with 'root' user can lead to a container escape situation.",
				HelpText:         "Add 'USER <non root user name>' line to the Dockerfile",
				HelpURI:          "https://avd.aquasec.com/misconfig/ds002",
				Level:            finding.LevelError,
				SecuritySeverity: 8.0,
				Precision:        finding.PrecisionVeryHigh,
				Tags:             []string{"misconfiguration", "dockerfile", "security", "HIGH"},
			}},
			Results: []finding.Result{{
				RuleID:      "DS002",
				Level:       finding.LevelError,
				Message:     "Specify at least 1 USER command in Dockerfile with non-root user as argument",
				Location:    finding.Location{Path: "app/Dockerfile", StartLine: 1, EndLine: 1},
				LineHash:    "6e8f0d5ac1c7a1c2:1",
				Fingerprint: "0c3a5e0f1b2d4c6e8a9b7d5f3e1c2a4b",
			}},
			Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: end,
				CommandLine: "trivy fs --format json --scanners misconfig,secret ."},
			Properties: map[string]any{"db.updatedAt": "2025-03-01T00:00:00Z"},
		},
		{
			Tool:           finding.ToolGosec,
			Version:        "2.30.0",
			InformationURI: "https://github.com/securego/gosec",
			Rules: []finding.Rule{
				{
					ID: "G401", Name: "WeakCryptoHash",
					ShortDescription: "Use of weak cryptographic primitive",
					HelpMarkdown:     "MD5 is broken. Use SHA-256. See [CWE-328](https://cwe.mitre.org/data/definitions/328.html).",
					Level:            finding.LevelWarning, SecuritySeverity: 5.5, Precision: finding.PrecisionHigh,
					Tags: []string{"security", "external/cwe/cwe-328"},
				},
				{
					ID: "G104", Name: "UncheckedError",
					ShortDescription: "Errors unhandled",
					Level:            finding.LevelNote, SecuritySeverity: 2.0, Precision: finding.PrecisionHigh,
					Tags: []string{"security", "external/cwe/cwe-703"},
				},
			},
			Results: []finding.Result{
				{
					RuleID: "G401", Level: finding.LevelWarning, Message: "Use of weak cryptographic primitive",
					Location:    finding.Location{Path: "app/store.go", StartLine: 42, StartColumn: 7, EndLine: 42, EndColumn: 16},
					LineHash:    "a1b2c3d4e5f60718:1",
					Fingerprint: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
				},
				{
					RuleID: "G104", Level: finding.LevelNote, Message: "Errors unhandled",
					Location:     finding.Location{Path: "app/main.go", StartLine: 12, StartColumn: 2},
					Suppressions: []finding.Suppression{{Kind: "inSource", Justification: "#nosec G104 -- best effort close"}},
					Fingerprint:  "00112233445566778899aabbccddeeff",
				},
			},
			Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: end},
		},
		{
			Tool:           finding.ToolGovulncheck,
			Version:        "v1.9.0",
			InformationURI: "https://pkg.go.dev/golang.org/x/vuln/cmd/govulncheck",
			Rules: []finding.Rule{{
				ID: "GO-2021-0113", Name: "GO-2021-0113",
				ShortDescription: "Out-of-bounds read in golang.org/x/text/language",
				FullDescription:  "Due to improper index calculation, an incorrectly formatted language tag can cause Parse to panic.",
				HelpURI:          "https://pkg.go.dev/vuln/GO-2021-0113",
				Level:            finding.LevelError, SecuritySeverity: 7.5, Precision: finding.PrecisionVeryHigh,
				Tags: []string{"security", "vulnerability", "CVE-2021-38561", "GHSA-ppp9-7jff-5vj2", "CVE-2021-38561"},
			}},
			Results: []finding.Result{{
				RuleID: "GO-2021-0113", Level: finding.LevelError,
				Message:  "Your code calls language.Parse of golang.org/x/text v0.3.5, which has GO-2021-0113; fixed in v0.3.7.",
				Location: finding.Location{Path: "app/go.mod", StartLine: 5},
				Key:      "golang.org/x/text",
				CodeFlows: []finding.CodeFlow{{
					Message: "call stack from main to language.Parse",
					Steps: []finding.Step{
						{Location: finding.Location{Path: "app/main.go", StartLine: 20, StartColumn: 14}, Message: "main.main"},
						{Location: finding.Location{Path: "app/i18n.go", StartLine: 8, StartColumn: 2}, Message: "main.parseTag"},
						{Message: "golang.org/x/text/language.Parse"},
					},
				}},
				Fingerprint: "ffeeddccbbaa99887766554433221100",
				Properties:  map[string]any{"module": "golang.org/x/text", "fixedVersion": "v0.3.7"},
			}},
			Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: end},
			Properties: map[string]any{"db": "file:///var/cache/vulndb", "scanMode": "source"},
		},
		{
			Tool:           finding.ToolHadolint,
			InformationURI: "https://github.com/hadolint/hadolint",
			Invocation: finding.Invocation{
				Status: finding.StatusNotRun,
				Notifications: []finding.Notification{{
					Level:   finding.LevelError,
					Message: "no hadolint binary on PATH and no docker or podman; install hadolint or a container engine",
				}},
			},
		},
	}
}

// edgeCaseRuns returns runs that exercise every repair Build makes.
func edgeCaseRuns() []*finding.Run {
	long := strings.Repeat("A very long description. ", 60) // 1,500 characters
	return []*finding.Run{
		{
			Tool:    finding.ToolTrivy,
			Version: "0.74.0",
			Rules: []finding.Rule{
				{ID: "AVD-LONG", Name: strings.Repeat("n", 300), ShortDescription: long, FullDescription: long,
					Level: "critical", SecuritySeverity: 12, Tags: []string{"b", "a", "b", " ", "External/CWE/CWE-79"}},
				{ID: "AVD-EMPTY"},
				{ID: "AVD-EMPTY", ShortDescription: "second description of a duplicate"},
			},
			Results: []finding.Result{
				{RuleID: "AVD-LONG", Level: "fatal", Message: "", Location: finding.Location{Path: "./docs/read me.md", StartLine: 0, StartColumn: -3, EndLine: -1}},
				{RuleID: "AVD-EMPTY", Message: "odd path", Location: finding.Location{Path: "C:weird/100%#1?.go", StartLine: 3, StartColumn: 9, EndLine: 3, EndColumn: 2}},
				{RuleID: "AVD-EMPTY", Message: "unicode path", Location: finding.Location{Path: "docs/naïve ✓.md", StartLine: 2}},
				{RuleID: "AVD-EMPTY", Message: "image finding without a file", Location: finding.Location{}},
				{RuleID: "AVD-MISSING", Level: finding.LevelNote, Message: "rule not described", Location: finding.Location{Path: "a.go", StartLine: 1}},
				{RuleID: "", Message: "no rule id", Location: finding.Location{Path: "b.go", StartLine: 1},
					Suppressions: []finding.Suppression{{Kind: "policy"}}, BaselineState: "sideways",
					Properties: map[string]any{"ok": 1, "bad": func() {}}},
			},
			Invocation: finding.Invocation{Status: finding.StatusFailed, ExitCode: 2, Start: start, End: end,
				Notifications: []finding.Notification{{Level: "", Message: "trivy exited with status 2"}, {Level: finding.LevelNote, Message: "  "}}},
		},
		{
			Tool:       finding.ToolGosec,
			Version:    "dev",
			Invocation: finding.Invocation{Status: finding.StatusOK, Start: start, End: end},
		},
	}
}
