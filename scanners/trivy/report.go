package trivy

import (
	"encoding/json"
	"fmt"
)

// The types below mirror the parts of Trivy's JSON report (schema version 2,
// types.Report in github.com/aquasecurity/trivy/pkg/types at v0.74.0) that the
// adapter reads. Fields that can hold a secret (a secret finding's Match and
// Code, a misconfiguration's code lines) are left out on purpose, so the
// decoder drops them.

type report struct {
	SchemaVersion int         `json:"SchemaVersion"`
	Trivy         trivyInfo   `json:"Trivy"`
	Results       []reportRes `json:"Results"`
}

type trivyInfo struct {
	Version string `json:"Version"`
}

type reportRes struct {
	Target            string          `json:"Target"`
	Class             string          `json:"Class"`
	Type              string          `json:"Type"`
	Packages          []pkg           `json:"Packages"`
	Vulnerabilities   []vulnerability `json:"Vulnerabilities"`
	Misconfigurations []misconfig     `json:"Misconfigurations"`
	Secrets           []secret        `json:"Secrets"`
}

type pkg struct {
	ID         string        `json:"ID"`
	Name       string        `json:"Name"`
	Version    string        `json:"Version"`
	Identifier pkgIdentifier `json:"Identifier"`
	FilePath   string        `json:"FilePath"`
	Locations  []location    `json:"Locations"`
}

type pkgIdentifier struct {
	PURL string `json:"PURL"`
	UID  string `json:"UID"`
}

type location struct {
	StartLine int `json:"StartLine"`
	EndLine   int `json:"EndLine"`
}

type vulnerability struct {
	VulnerabilityID  string                `json:"VulnerabilityID"`
	PkgID            string                `json:"PkgID"`
	PkgName          string                `json:"PkgName"`
	PkgPath          string                `json:"PkgPath"`
	PkgIdentifier    pkgIdentifier         `json:"PkgIdentifier"`
	InstalledVersion string                `json:"InstalledVersion"`
	FixedVersion     string                `json:"FixedVersion"`
	Status           string                `json:"Status"`
	SeveritySource   string                `json:"SeveritySource"`
	PrimaryURL       string                `json:"PrimaryURL"`
	Title            string                `json:"Title"`
	Description      string                `json:"Description"`
	Severity         string                `json:"Severity"`
	CweIDs           []string              `json:"CweIDs"`
	CVSS             map[string]cvssScores `json:"CVSS"`
	References       []string              `json:"References"`
}

type cvssScores struct {
	V3Score  float64 `json:"V3Score"`
	V3Vector string  `json:"V3Vector"`
}

type misconfig struct {
	Type          string        `json:"Type"`
	ID            string        `json:"ID"`
	AVDID         string        `json:"AVDID"`
	Title         string        `json:"Title"`
	Description   string        `json:"Description"`
	Message       string        `json:"Message"`
	Resolution    string        `json:"Resolution"`
	Severity      string        `json:"Severity"`
	PrimaryURL    string        `json:"PrimaryURL"`
	References    []string      `json:"References"`
	Status        string        `json:"Status"`
	CauseMetadata causeMetadata `json:"CauseMetadata"`
}

type causeMetadata struct {
	Resource  string `json:"Resource"`
	Provider  string `json:"Provider"`
	Service   string `json:"Service"`
	StartLine int    `json:"StartLine"`
	EndLine   int    `json:"EndLine"`
}

type secret struct {
	RuleID    string `json:"RuleID"`
	Category  string `json:"Category"`
	Severity  string `json:"Severity"`
	Title     string `json:"Title"`
	StartLine int    `json:"StartLine"`
	EndLine   int    `json:"EndLine"`
}

// reportSchemaVersion is the JSON report schema that the types above follow.
const reportSchemaVersion = 2

// parseReport decodes a Trivy JSON report.
func parseReport(data []byte) (*report, error) {
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("parsing trivy JSON report: %w", err)
	}
	if r.SchemaVersion != reportSchemaVersion {
		return nil, fmt.Errorf("trivy JSON report has schema version %d, want %d", r.SchemaVersion, reportSchemaVersion)
	}
	return &r, nil
}
