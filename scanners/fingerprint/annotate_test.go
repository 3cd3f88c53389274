package fingerprint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// writeFiles creates files under a new temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func gosecRun(results ...finding.Result) *finding.Run {
	return &finding.Run{Tool: finding.ToolGosec, Results: results}
}

func result(rule, path string, line int) finding.Result {
	return finding.Result{
		RuleID:   rule,
		Message:  "problem",
		Location: finding.Location{Path: path, StartLine: line},
	}
}

func annotateOne(t *testing.T, files map[string]string, r finding.Result) finding.Result {
	t.Helper()
	root := writeFiles(t, files)
	run := gosecRun(r)
	if err := Annotate(root, []*finding.Run{run}); err != nil {
		t.Fatalf("Annotate: %v", err)
	}
	return run.Results[0]
}

func TestAnnotateLineHash(t *testing.T) {
	content := "package main\n\nfunc main() {\n\tos.Exit(1)\n}\n"
	got := annotateOne(t, map[string]string{"cmd/main.go": content}, result("G104", "cmd/main.go", 4))

	want := LineHashes([]byte(content))[3]
	if got.LineHash != want {
		t.Errorf("LineHash = %q, want %q", got.LineHash, want)
	}
	if len(got.Fingerprint) != fingerprintHexLength {
		t.Errorf("Fingerprint = %q, want %d hex digits", got.Fingerprint, fingerprintHexLength)
	}
}

func TestAnnotateLineZeroIsLineOne(t *testing.T) {
	content := "module example.org/m\n\ngo 1.22\n"
	got := annotateOne(t, map[string]string{"go.mod": content}, result("GO-2024-0001", "go.mod", 0))

	if want := LineHashes([]byte(content))[0]; got.LineHash != want {
		t.Errorf("LineHash = %q, want the hash of line 1 %q", got.LineHash, want)
	}
}

func TestAnnotateNoLineHash(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.go"), []byte("package secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		line int
	}{
		{"missing file", "nope.go", 1},
		{"line past the end", "a.go", 50},
		{"directory", "dir", 1},
		{"parent directory", "../secret.go", 1},
		{"absolute path", filepath.ToSlash(filepath.Join(outside, "secret.go")), 1},
		{"symbolic link out of root", "link.go", 1},
		{"image name", "library/alpine", 1},
		{"no path", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeFiles(t, map[string]string{"a.go": "package a\n", "dir/b.go": "package b\n"})
			if err := os.Symlink(filepath.Join(outside, "secret.go"), filepath.Join(root, "link.go")); err != nil {
				t.Fatal(err)
			}
			run := gosecRun(result("G101", tt.path, tt.line))
			if err := Annotate(root, []*finding.Run{run}); err != nil {
				t.Fatalf("Annotate: %v", err)
			}

			got := run.Results[0]
			if got.LineHash != "" {
				t.Errorf("LineHash = %q, want empty", got.LineHash)
			}
			if got.Fingerprint == "" {
				t.Error("Fingerprint is empty, want one derived from the message")
			}
		})
	}
}

func TestAnnotateSymlinkInsideRoot(t *testing.T) {
	content := "package a\n\nvar x = 1\n"
	root := writeFiles(t, map[string]string{"a.go": content})
	if err := os.Symlink("a.go", filepath.Join(root, "alias.go")); err != nil {
		t.Fatal(err)
	}
	run := gosecRun(result("G101", "alias.go", 3))
	if err := Annotate(root, []*finding.Run{run}); err != nil {
		t.Fatalf("Annotate: %v", err)
	}
	if want := LineHashes([]byte(content))[2]; run.Results[0].LineHash != want {
		t.Errorf("LineHash = %q, want %q", run.Results[0].LineHash, want)
	}
}

func TestAnnotateMaxFileSize(t *testing.T) {
	root := writeFiles(t, map[string]string{"big.go": strings.Repeat("x", 100) + "\n"})
	run := gosecRun(result("G101", "big.go", 1))
	a := Annotator{MaxFileSize: 50}
	if err := a.Annotate(root, []*finding.Run{run}); err != nil {
		t.Fatalf("Annotate: %v", err)
	}
	if run.Results[0].LineHash != "" {
		t.Errorf("LineHash = %q for a file above MaxFileSize, want empty", run.Results[0].LineHash)
	}
}

func TestAnnotateMissingRoot(t *testing.T) {
	err := Annotate(filepath.Join(t.TempDir(), "absent"), []*finding.Run{gosecRun(result("G101", "a.go", 1))})
	if err == nil {
		t.Fatal("Annotate with a missing root returned nil, want an error")
	}
}

// fingerprintAt annotates a file and returns the fingerprint of the result
// at line.
func fingerprintAt(t *testing.T, content string, r finding.Result) string {
	t.Helper()
	return annotateOne(t, map[string]string{"app/db.go": content}, r).Fingerprint
}

func TestFingerprintSurvivesMove(t *testing.T) {
	before := "package db\n\nfunc q() {\n\tdb.Query(\"SELECT \" + name)\n}\n"
	after := "package db\n" + strings.Repeat("// padding\n", 10) + "\nfunc q() {\n\t\tdb.Query(\"SELECT \"   + name)\n}\n"

	fpBefore := fingerprintAt(t, before, result("G202", "app/db.go", 4))
	fpAfter := fingerprintAt(t, after, result("G202", "app/db.go", 14))
	if fpBefore != fpAfter {
		t.Errorf("fingerprint changed after moving the line down ten lines: %s, then %s", fpBefore, fpAfter)
	}
}

func TestFingerprintChangedLine(t *testing.T) {
	before := "package db\n\nfunc q() {\n\tdb.Query(\"SELECT \" + name)\n}\n"
	after := "package db\n\nfunc q() {\n\tdb.Query(\"DELETE \" + name)\n}\n"

	if fingerprintAt(t, before, result("G202", "app/db.go", 4)) == fingerprintAt(t, after, result("G202", "app/db.go", 4)) {
		t.Error("fingerprint kept after the flagged line changed")
	}
}

func TestFingerprintIdenticalLines(t *testing.T) {
	content := "package db\n\nvar a = md5.New()\nvar b = 1\nvar a = md5.New()\n"
	root := writeFiles(t, map[string]string{"app/db.go": content})
	run := gosecRun(result("G401", "app/db.go", 5), result("G401", "app/db.go", 3))
	if err := Annotate(root, []*finding.Run{run}); err != nil {
		t.Fatalf("Annotate: %v", err)
	}

	first, second := run.Results[1].Fingerprint, run.Results[0].Fingerprint
	if first == second {
		t.Fatalf("two identical lines got the same fingerprint %s", first)
	}

	// The occurrence index follows line order, not input order: the first
	// of the two lines keeps its fingerprint when found alone.
	alone := fingerprintAt(t, content, result("G401", "app/db.go", 3))
	if alone != first {
		t.Errorf("fingerprint of the first occurrence = %s alone, %s with a second one", alone, first)
	}
}

func TestFingerprintUsesKey(t *testing.T) {
	content := "module example.org/m\n\nrequire golang.org/x/text v0.3.0\n"
	withKey := result("GO-2021-0113", "go.mod", 1)
	withKey.Key = "golang.org/x/text"

	movedKey := withKey
	movedKey.Location.StartLine = 3

	if fingerprintAt(t, content, withKey) != fingerprintAt(t, content, movedKey) {
		t.Error("results with the same Key on different lines got different fingerprints")
	}

	otherKey := withKey
	otherKey.Key = "golang.org/x/net"
	if fingerprintAt(t, content, withKey) == fingerprintAt(t, content, otherKey) {
		t.Error("results with different Keys got the same fingerprint")
	}
}

func TestFingerprintDependsOnIdentityFields(t *testing.T) {
	content := "package db\n\nvar a = md5.New()\n"
	base := fingerprintAt(t, content, result("G401", "app/db.go", 3))

	if got := fingerprintAt(t, content, result("G501", "app/db.go", 3)); got == base {
		t.Error("a different rule gave the same fingerprint")
	}

	root := writeFiles(t, map[string]string{"app/db.go": content})
	trivy := &finding.Run{Tool: finding.ToolTrivy, Results: []finding.Result{result("G401", "app/db.go", 3)}}
	if err := Annotate(root, []*finding.Run{trivy}); err != nil {
		t.Fatal(err)
	}
	if trivy.Results[0].Fingerprint == base {
		t.Error("a different tool gave the same fingerprint")
	}
}

func TestLineText(t *testing.T) {
	f := newFileLines([]byte("one\r\ntwo\rthree\nfour"))
	want := []string{"one", "two", "three", "four"}
	for i, w := range want {
		if got := string(f.text(i + 1)); got != w {
			t.Errorf("text(%d) = %q, want %q", i+1, got, w)
		}
	}
	if len(f.hashes) != len(want) {
		t.Errorf("%d line hashes for %d lines", len(f.hashes), len(want))
	}
}
