package govulncheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// dbModified is the modification time the test databases declare.
var dbModified = time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)

// writeDB writes a vulnerability database in the layout govulncheck reads
// from a file:// URL (index/db.json, index/modules.json, index/vulns.json
// and ID/<id>.json) to dir, from the OSV entries in testdata/osv named by
// ids. It returns dir.
func writeDB(t *testing.T, dir string, ids ...string) string {
	t.Helper()
	type moduleVuln struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	type moduleMeta struct {
		Path  string       `json:"path"`
		Vulns []moduleVuln `json:"vulns"`
	}
	type vulnMeta struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Aliases  []string  `json:"aliases,omitempty"`
	}

	modules := map[string]*moduleMeta{}
	var vulns []vulnMeta
	for _, id := range ids {
		data, err := os.ReadFile(filepath.Join("testdata", "osv", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatalf("decoding %s: %v", id, err)
		}
		// The entries of golang.org/x/vulndb have zeroed modified times.
		raw["modified"] = dbModified.Format(time.RFC3339)
		writeJSON(t, filepath.Join(dir, "ID", id+".json"), raw)

		var e osvEntry
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		vulns = append(vulns, vulnMeta{ID: id, Modified: dbModified, Aliases: e.Aliases})
		for _, a := range e.Affected {
			m := modules[a.Module.Path]
			if m == nil {
				m = &moduleMeta{Path: a.Module.Path}
				modules[a.Module.Path] = m
			}
			fixed := ""
			for _, r := range a.Ranges {
				for _, ev := range r.Events {
					if ev.Fixed != "" {
						fixed = ev.Fixed
					}
				}
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: id, Modified: dbModified, Fixed: fixed})
		}
	}

	var index []*moduleMeta
	for _, m := range modules {
		index = append(index, m)
	}
	sort.Slice(index, func(i, j int) bool { return index[i].Path < index[j].Path })
	writeJSON(t, filepath.Join(dir, "index", "db.json"), map[string]any{"modified": dbModified})
	writeJSON(t, filepath.Join(dir, "index", "modules.json"), index)
	writeJSON(t, filepath.Join(dir, "index", "vulns.json"), vulns)
	return dir
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
