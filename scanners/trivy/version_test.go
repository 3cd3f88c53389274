package trivy

import (
	"os"
	"path/filepath"
	"testing"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"golang.org/x/mod/modfile"
)

func TestPinnedVersionMatchesModfile(t *testing.T) {
	path := filepath.Join("..", "..", "tools", "trivy.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, r := range f.Require {
		if r.Mod.Path == "github.com/aquasecurity/trivy" {
			got = r.Mod.Version
		}
	}
	if got != PinnedVersion {
		t.Errorf("tools/trivy.mod requires trivy %q, PinnedVersion is %q", got, PinnedVersion)
	}
}

func TestDBSchemaVersionMatchesTrivyDB(t *testing.T) {
	if dbSchemaVersion != trivydb.SchemaVersion {
		t.Errorf("dbSchemaVersion = %d, trivy-db's SchemaVersion = %d", dbSchemaVersion, trivydb.SchemaVersion)
	}
}
