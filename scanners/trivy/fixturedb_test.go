package trivy

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
)

// fixtureAdvisories is a vulnerability database of one advisory, in the
// bucket layout of github.com/aquasecurity/trivy-db. The pip bucket of the
// GitHub advisory database lists the werkzeug versions that CVE-2019-14806
// affects, data-source names that bucket's source, and vulnerability
// contains the CVE's details as NVD and GitHub publish them.
const fixtureAdvisories = `
- bucket: "pip::GitHub Security Advisory Pip"
  pairs:
    - bucket: werkzeug
      pairs:
        - key: CVE-2019-14806
          value:
            PatchedVersions: ["0.15.3"]
            VulnerableVersions: ["< 0.15.3"]
- bucket: data-source
  pairs:
    - key: "pip::GitHub Security Advisory Pip"
      value:
        ID: ghsa
        Name: GitHub Security Advisory Pip
        URL: https://github.com/advisories?query=type%3Areviewed+ecosystem%3Apip
- bucket: vulnerability
  pairs:
    - key: CVE-2019-14806
      value:
        Title: "python-werkzeug: insufficient debugger PIN randomness vulnerability"
        Description: "Pallets Werkzeug before 0.15.3, when used with Docker, has insufficient debugger PIN randomness because Docker containers share the same machine id."
        Severity: HIGH
        CweIDs: [CWE-331]
        VendorSeverity:
          ghsa: 3
          nvd: 3
        CVSS:
          nvd:
            V2Score: 5.0
            V2Vector: AV:N/AC:L/Au:N/C:P/I:N/A:N
            V3Score: 7.5
            V3Vector: CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N
        References:
          - https://github.com/advisories/GHSA-gq9m-qvpx-68hc
          - https://nvd.nist.gov/vuln/detail/CVE-2019-14806
        PublishedDate: 2019-08-09T15:15:00Z
        LastModifiedDate: 2019-09-11T00:15:00Z
`

// fixtureCache returns a Trivy cache directory whose db/ holds a database
// built from fixtureAdvisories with Trivy's public database packages:
// bolt-fixtures loads the YAML into db/trivy.db, and trivy-db's metadata
// client writes db/metadata.json with the schema version that Trivy reads.
func fixtureCache(t *testing.T) string {
	t.Helper()
	cache := t.TempDir()
	dbDir := filepath.Join(cache, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		t.Fatal(err)
	}

	yamlPath := filepath.Join(t.TempDir(), "advisories.yaml")
	if err := os.WriteFile(yamlPath, []byte(fixtureAdvisories), 0o644); err != nil {
		t.Fatal(err)
	}
	loader, err := fixtures.New(trivydb.Path(dbDir), []string{yamlPath})
	if err != nil {
		t.Fatalf("opening the fixture database: %v", err)
	}
	if err := loader.Load(); err != nil {
		t.Fatalf("loading the fixture database: %v", err)
	}
	if err := loader.Close(); err != nil {
		t.Fatal(err)
	}

	now := time.Now().UTC()
	meta := metadata.Metadata{
		Version:      trivydb.SchemaVersion,
		NextUpdate:   now.Add(24 * time.Hour),
		UpdatedAt:    now,
		DownloadedAt: now,
	}
	if err := metadata.NewClient(dbDir).Update(meta); err != nil {
		t.Fatalf("writing the fixture database metadata: %v", err)
	}
	return cache
}

func TestFixtureCacheIsUsable(t *testing.T) {
	cache := fixtureCache(t)
	meta, err := checkDatabase(cache)
	if err != nil {
		t.Fatalf("checkDatabase(fixture cache): %v", err)
	}
	if meta.Version != dbSchemaVersion {
		t.Errorf("fixture schema version = %d, want %d", meta.Version, dbSchemaVersion)
	}
}
