package vulndb

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseEntryRejects(t *testing.T) {
	valid := osvEntry("GO-2025-0001", "example.com/a", "1.2.0")
	tests := []struct {
		name   string
		file   string
		data   string
		reason string
	}{
		{"truncated", "GO-2025-0001.json", valid[:len(valid)/2], "invalid OSV JSON"},
		{"array", "GO-2025-0001.json", `[1, 2]`, "invalid OSV JSON"},
		{"bad time", "GO-2025-0001.json", strings.Replace(valid, `"2025-06-01T00:00:00Z"`, `"June 2025"`, 1), "invalid OSV JSON"},
		{"bad review status", "GO-2025-0001.json", strings.Replace(valid, `"REVIEWED"`, `"MAYBE"`, 1), "review_status"},
		{"missing id", "GO-2025-0001.json", strings.Replace(valid, `"id": "GO-2025-0001"`, `"id": ""`, 1), "missing id"},
		{"path in id", "GO-2025-0001.json", strings.Replace(valid, `"id": "GO-2025-0001"`, `"id": "../GO-2025-0001"`, 1), "invalid id"},
		{"name mismatch", "GO-2025-0009.json", valid, "does not match id"},
		{"no affected", "GO-2025-0001.json", `{"id": "GO-2025-0001", "modified": "0001-01-01T00:00:00Z"}`, "no affected modules"},
		{"empty affected", "GO-2025-0001.json", `{"id": "GO-2025-0001", "affected": []}`, "no affected modules"},
		{"no module name", "GO-2025-0001.json", strings.Replace(valid, `"name": "example.com/a"`, `"name": ""`, 1), "without a name"},
		{"no ranges", "GO-2025-0001.json", `{"id": "GO-2025-0001", "affected": [{"package": {"name": "example.com/a"}}]}`, "has no version ranges"},
		{"no semver range", "GO-2025-0001.json", strings.Replace(valid, `"SEMVER"`, `"GIT"`, 1), "has no SEMVER range"},
		{"bad fixed", "GO-2025-0001.json", strings.Replace(valid, `"fixed": "1.2.0"`, `"fixed": "one"`, 1), `invalid fixed version "one"`},
		{"bad introduced", "GO-2025-0001.json", strings.Replace(valid, `"introduced": "0"`, `"introduced": "x"`, 1), `invalid introduced version "x"`},
		{"no introduced", "GO-2025-0001.json", strings.Replace(valid, `{"introduced": "0"}, `, ``, 1), "without an introduced event"},
		{"empty event", "GO-2025-0001.json", strings.Replace(valid, `{"introduced": "0"}`, `{}`, 1), "neither introduced nor fixed"},
		{"both in event", "GO-2025-0001.json", strings.Replace(valid, `{"introduced": "0"}`, `{"introduced": "0", "fixed": "1.0.0"}`, 1), "both introduced and fixed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, err := parseEntry(tt.file, []byte(tt.data), time.Now())
			if !errors.Is(err, errSkip) {
				t.Fatalf("parseEntry error = %v, want a skip", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("parseEntry error = %q, want it to contain %q", err, tt.reason)
			}
			if out != nil {
				t.Errorf("parseEntry returned output %s for a skipped entry", out)
			}
		})
	}
}

func TestParseEntrySetsZeroModified(t *testing.T) {
	modTime := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	data := osvEntry("GO-2025-0001", "example.com/a", "1.2.0")

	e, out, err := parseEntry("GO-2025-0001.json", []byte(data), modTime)
	if err != nil {
		t.Fatal(err)
	}
	if !e.Modified.Equal(modTime) {
		t.Errorf("entry modified = %v, want %v", e.Modified, modTime)
	}

	var got, want map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(data), &want); err != nil {
		t.Fatal(err)
	}
	want["modified"] = "2026-03-04T05:06:07Z"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rewritten entry mismatch (-want +got):\n%s", diff)
	}
}

func TestParseEntryKeepsModified(t *testing.T) {
	data := strings.Replace(osvEntry("GO-2025-0001", "example.com/a", "1.2.0"),
		`"modified": "0001-01-01T00:00:00Z"`, `"modified": "2024-01-02T03:04:05Z"`, 1)
	e, out, err := parseEntry("GO-2025-0001.json", []byte(data), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if !e.Modified.Equal(want) {
		t.Errorf("entry modified = %v, want %v", e.Modified, want)
	}
	if !strings.Contains(string(out), `"modified":"2024-01-02T03:04:05Z"`) {
		t.Errorf("rewritten entry %s lost its modified time", out)
	}
}

func TestNonSupersededFix(t *testing.T) {
	semver := func(events ...rangeEvent) osvRange { return osvRange{Type: "SEMVER", Events: events} }
	in := func(v string) rangeEvent { return rangeEvent{Introduced: v} }
	fix := func(v string) rangeEvent { return rangeEvent{Fixed: v} }
	tests := []struct {
		name   string
		ranges []osvRange
		want   string
	}{
		{"one fix", []osvRange{semver(in("0"), fix("0.3.7"))}, "0.3.7"},
		{"latest of two", []osvRange{semver(in("0"), fix("1.2.3"), in("1.3.0"), fix("1.3.4"))}, "1.3.4"},
		{"reintroduced", []osvRange{semver(in("0"), fix("1.2.3"), in("1.5.0"))}, ""},
		{"no fix", []osvRange{semver(in("0"))}, ""},
		{"prerelease", []osvRange{semver(in("0"), fix("1.0.0-rc.2"))}, "1.0.0-rc.2"},
		{"other type ignored", []osvRange{{Type: "GIT", Events: []rangeEvent{fix("9.9.9")}}, semver(in("0"), fix("1.0.0"))}, "1.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nonSupersededFix(tt.ranges); got != tt.want {
				t.Errorf("nonSupersededFix = %q, want %q", got, tt.want)
			}
		})
	}
}
