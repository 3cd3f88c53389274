package trivy

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/guestbook-secscan/guestbook/scanners/internal/proc"
)

// capture reruns the real Trivy binary to rewrite the captured reports in
// testdata/ that the parser tests read:
//
//	go test ./scanners/trivy -run TestCapture -capture
var capture = flag.Bool("capture", false, "rerun trivy to rewrite the captured reports in testdata/")

// captures are the reports kept in testdata/, each the output of one
// offline `trivy fs` with the adapter's own arguments.
var captures = []struct {
	name     string // file name in testdata/
	root     string // directory scanned, relative to this package
	scanners []string
	database bool // use the fixture vulnerability database
}{
	{"planted-offline", "../testdata/planted", []string{scannerMisconfig, scannerSecret}, false},
	{"planted-vuln", "../testdata/planted", []string{scannerVuln, scannerMisconfig, scannerSecret}, true},
	{"oddpaths", "testdata/oddpaths", []string{scannerMisconfig, scannerSecret}, false},
	{"clean", "testdata/clean", []string{scannerVuln, scannerMisconfig, scannerSecret}, true},
	{"no-database", "testdata/clean", []string{scannerVuln, scannerMisconfig, scannerSecret}, false},
}

func TestCapture(t *testing.T) {
	if !*capture {
		t.Skip("run with -capture to rewrite the captured reports")
	}
	bin := requireTrivy(t)
	for _, c := range captures {
		t.Run(c.name, func(t *testing.T) {
			root, err := filepath.Abs(c.root)
			if err != nil {
				t.Fatal(err)
			}
			cache := t.TempDir()
			if c.database {
				cache = fixtureCache(t)
			}
			out := filepath.Join(t.TempDir(), "report.json")
			args := fsArgs(fsOptions{
				CacheDir: cache, Output: out, Scanners: c.scanners, Offline: true,
				Skips: DefaultSkipDirs, Timeout: integrationTimeout,
			})
			ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
			defer cancel()
			res, err := proc.Cmd{Dir: root, Name: bin, Args: args}.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}

			if res.ExitCode != 0 {
				// A failing run is kept as its exit status and standard error.
				text := fmt.Sprintf("exit status %d\n%s", res.ExitCode, res.Stderr)
				writeTestdata(t, c.name+".stderr.txt", []byte(text))
				return
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			writeTestdata(t, c.name+".json", data)
		})
	}
}

func writeTestdata(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote testdata/%s", name)
}
