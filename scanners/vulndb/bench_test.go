package vulndb

import (
	"context"
	"path/filepath"
	"testing"
)

// The benchmarks fetch pinnedVulndbVersion through the module proxy, so
// they need the proxy that GOPROXY names. Run them one iteration at a time:
//
//	go test -run '^$' -bench . -benchtime 1x ./scanners/vulndb
//
// BenchmarkSync/warm builds from the module cache; BenchmarkSync/cold uses
// an empty GOMODCACHE, so it includes the 25 MB download. BenchmarkScan
// compares govulncheck on testdata/textmod with the full synced database
// and with the three-entry testdata/handdb.

func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	// Fill the module cache, so that "warm" measures only the build.
	if _, err := Sync(ctx, SyncOptions{Dir: filepath.Join(b.TempDir(), "db"), Version: pinnedVulndbVersion}); err != nil {
		b.Fatal(err)
	}

	b.Run("warm", func(b *testing.B) {
		var res *SyncResult
		for b.Loop() {
			var err error
			res, err = Sync(ctx, SyncOptions{Dir: filepath.Join(b.TempDir(), "db"), Version: pinnedVulndbVersion})
			if err != nil {
				b.Fatal(err)
			}
		}
		reportDB(b, res)
	})

	b.Run("cold", func(b *testing.B) {
		var res *SyncResult
		for b.Loop() {
			env := []string{"GOMODCACHE=" + b.TempDir(), "GOFLAGS=-modcacherw"}
			var err error
			res, err = Sync(ctx, SyncOptions{Dir: filepath.Join(b.TempDir(), "db"), Version: pinnedVulndbVersion, Env: env})
			if err != nil {
				b.Fatal(err)
			}
		}
		reportDB(b, res)
	})

	b.Run("up-to-date", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "db")
		if _, err := Sync(ctx, SyncOptions{Dir: dir, Version: pinnedVulndbVersion}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			res, err := Sync(ctx, SyncOptions{Dir: dir, Version: pinnedVulndbVersion})
			if err != nil {
				b.Fatal(err)
			}
			if !res.UpToDate {
				b.Fatal("second Sync rebuilt the database")
			}
		}
	})
}

func reportDB(b *testing.B, res *SyncResult) {
	b.ReportMetric(float64(res.Size)/1e6, "MB")
	b.ReportMetric(float64(res.Entries), "entries")
}

func BenchmarkScan(b *testing.B) {
	res, err := Sync(context.Background(), SyncOptions{Dir: filepath.Join(b.TempDir(), "db"), Version: pinnedVulndbVersion})
	if err != nil {
		b.Fatal(err)
	}
	dbs := []struct{ name, url string }{
		{"synced", res.URL},
		{"handwritten", mustFileURL(b, testdataPath(b, "handdb"))},
	}
	for _, db := range dbs {
		b.Run(db.name, func(b *testing.B) {
			for b.Loop() {
				report := scanTextmod(b, db.url)
				if len(report.Called) == 0 {
					b.Fatal("scan found no called vulnerability")
				}
			}
		})
	}
}

func mustFileURL(b *testing.B, dir string) string {
	u, err := FileURL(dir)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
