package http

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
)

// BenchmarkLoopback measures GET / and GET /healthz over real loopback TCP,
// with and without the middleware (request id, security headers, panic
// recovery, request log, body limit), against a database of 50 entries.
// Sixteen client goroutines share b.N requests. It reports requests a
// second, which depend on what else the machine runs, and the CPU time of
// the process (server and client together) per request, which depends much
// less on it.
func BenchmarkLoopback(b *testing.B) {
	s := newTestServer(b)
	for i := range guestbook.PageSize {
		e := &guestbook.Entry{Name: "Ann", Message: fmt.Sprintf("message %d", i), InstanceID: "test-1"}
		if err := s.cfg.Entries.CreateEntry(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}

	for _, path := range []string{"/", "/healthz"} {
		b.Run("path="+path+"/middleware=on", func(b *testing.B) { benchmarkLoopback(b, s.Server, path) })
		b.Run("path="+path+"/middleware=off", func(b *testing.B) { benchmarkLoopback(b, s.routes(), path) })
	}
}

func benchmarkLoopback(b *testing.B, h http.Handler, path string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	const clients = 16
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()

	b.ResetTimer()
	start, cpuStart := time.Now(), processCPUTime(b)
	runConcurrently(b, clients, func() error {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	cpu := processCPUTime(b) - cpuStart
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
}

// processCPUTime returns the user and system CPU time this process has used.
func processCPUTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// BenchmarkPostEntries64 measures POST /entries through the whole handler,
// without the network, with 64 goroutines writing at once. Every request
// must get 303, because a "database is locked" error would be a 500.
func BenchmarkPostEntries64(b *testing.B) {
	s := newTestServer(b)
	form := "name=Ann&message=" + url.QueryEscape(strings.Repeat("m", 200))

	b.ResetTimer()
	start := time.Now()
	runConcurrently(b, 64, func() error {
		r := httptest.NewRequest(http.MethodPost, "/entries", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusSeeOther {
			return fmt.Errorf("status %d", rec.Code)
		}
		return nil
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
}

// runConcurrently runs do b.N times in total from n goroutines and stops at
// the first error.
func runConcurrently(b *testing.B, n int, do func() error) {
	var wg sync.WaitGroup
	var once sync.Once
	for w := range n {
		count := b.N / n
		if w < b.N%n {
			count++
		}
		wg.Go(func() {
			for range count {
				if err := do(); err != nil {
					once.Do(func() { b.Error(err) })
					return
				}
			}
		})
	}
	wg.Wait()
}
