package trivy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// dbSchemaVersion is the schema of the vulnerability database that Trivy
// v0.74.0 reads (db.SchemaVersion in github.com/aquasecurity/trivy-db at the
// version that Trivy pins). A test keeps the two equal.
const dbSchemaVersion = 2

// EnvCacheDir is Trivy's own variable for its cache directory, honoured
// when Config.CacheDir is empty.
const EnvCacheDir = "TRIVY_CACHE_DIR"

// dbMetadata is the content of <cache>/db/metadata.json.
type dbMetadata struct {
	Version      int       `json:"Version"`
	NextUpdate   time.Time `json:"NextUpdate"`
	UpdatedAt    time.Time `json:"UpdatedAt"`
	DownloadedAt time.Time `json:"DownloadedAt"`
}

// resolveCacheDir returns the cache directory that Trivy will use: the
// configured one, else $TRIVY_CACHE_DIR, else Trivy's default
// <user cache dir>/trivy. The adapter always passes the result with
// --cache-dir so that the database it checks is the one Trivy opens.
func resolveCacheDir(configured string) (string, error) {
	if configured != "" {
		return filepath.Abs(configured)
	}
	if env := os.Getenv(EnvCacheDir); env != "" {
		return filepath.Abs(env)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory for trivy: %w; set --trivy-cache-dir", err)
	}
	return filepath.Join(dir, "trivy"), nil
}

// noDatabaseError means the cache holds no usable vulnerability database.
// Its text gives the reason.
type noDatabaseError struct{ reason string }

func (e *noDatabaseError) Error() string { return e.reason }

func noDatabase(format string, args ...any) error {
	return &noDatabaseError{reason: fmt.Sprintf(format, args...)}
}

// checkDatabase reports whether <cacheDir>/db holds a vulnerability
// database that Trivy can open without downloading, applying the same
// tests as Trivy's own check before a scan with --skip-db-update: both
// trivy.db and metadata.json exist, and the schema versions match.
func checkDatabase(cacheDir string) (dbMetadata, error) {
	dbDir := filepath.Join(cacheDir, "db")
	dbFile, metaFile := filepath.Join(dbDir, "trivy.db"), filepath.Join(dbDir, "metadata.json")
	if _, err := os.Stat(dbFile); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return dbMetadata{}, noDatabase("%s does not exist", dbFile)
		}
		return dbMetadata{}, noDatabase("%v", err)
	}

	data, err := os.ReadFile(metaFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return dbMetadata{}, noDatabase("%s does not exist", metaFile)
		}
		return dbMetadata{}, noDatabase("%v", err)
	}
	var meta dbMetadata
	if err := json.Unmarshal(data, &meta); err != nil {
		return dbMetadata{}, noDatabase("parsing %s: %v", metaFile, err)
	}
	if meta.Version != dbSchemaVersion {
		return meta, noDatabase("the database has schema version %d, Trivy %s reads version %d",
			meta.Version, PinnedVersion, dbSchemaVersion)
	}
	return meta, nil
}

// properties returns the database facts recorded in the run's properties.
func (m dbMetadata) properties() map[string]any {
	props := map[string]any{"schemaVersion": m.Version}
	if !m.UpdatedAt.IsZero() {
		props["updatedAt"] = m.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if !m.NextUpdate.IsZero() {
		props["nextUpdate"] = m.NextUpdate.UTC().Format(time.RFC3339)
	}
	if !m.DownloadedAt.IsZero() {
		props["downloadedAt"] = m.DownloadedAt.UTC().Format(time.RFC3339)
	}
	return props
}
