//go:build linux

package sariflog

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkWrite100k merges 100,000 results of four tools and 500 rules
// into one log and writes it. Besides time and allocations it reports
// cpu-s/op, the user and system CPU time of all threads per operation,
// which varies less than wall time on a shared machine. It also reports
// peak-RSS-MB, the peak resident set of the test process with the input
// and the test binary. Later iterations add the garbage of earlier ones,
// so measure the peak of one merge in a process of its own:
//
//	go test -run '^$' -bench BenchmarkWrite100k -benchtime 1x ./scanners/sariflog/
func BenchmarkWrite100k(b *testing.B) {
	runs := syntheticRuns(1, 100_000, 500)
	path := filepath.Join(b.TempDir(), "secscan.sarif")
	cpuBefore := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		report, err := Build(runs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteFile(path, report); err != nil {
			b.Fatal(err)
		}
	}

	b.ReportMetric((cpuTime()-cpuBefore).Seconds()/float64(b.N), "cpu-s/op")
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err == nil {
		b.ReportMetric(float64(usage.Maxrss)/1024, "peak-RSS-MB") // Maxrss is in KiB on Linux
	}
}

// cpuTime returns the user and system CPU time of the process.
func cpuTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
