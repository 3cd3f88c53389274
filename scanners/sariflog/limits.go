package sariflog

import (
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"slices"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// moreSevere orders results most severe first: by their rule's security
// severity, then their level, then the deterministic order.
func moreSevere(a, b *entry) int {
	return cmp.Or(
		cmp.Compare(b.rule.severity, a.rule.severity),
		cmp.Compare(levelRank(b.level), levelRank(a.level)),
		cmp.Compare(a.pos, b.pos),
	)
}

// applyRuleLimit keeps at most Limits.RulesPerRun rules. Rules without
// results go first; then the least severe rules go with their results.
func (b *runBuilder) applyRuleLimit() {
	excess := len(b.rules) - b.limits.RulesPerRun
	if excess <= 0 {
		return
	}

	used := make(map[*ruleInfo]int, len(b.rules))
	for _, e := range b.entries {
		used[e.rule]++
	}
	ranked := slices.Clone(b.rules)
	slices.SortStableFunc(ranked, func(x, y *ruleInfo) int {
		return cmp.Or(
			cmp.Compare(min(used[x], 1), min(used[y], 1)), // unused first
			cmp.Compare(x.severity, y.severity),
			cmp.Compare(levelRank(x.level), levelRank(y.level)),
		)
	})
	drop := make(map[*ruleInfo]bool, excess)
	for _, r := range ranked[:excess] {
		drop[r] = true
		b.notes.resultsOfDropped += used[r]
	}
	b.notes.rulesOverLimit += excess

	b.rules = slices.DeleteFunc(b.rules, func(r *ruleInfo) bool { return drop[r] })
	b.entries = slices.DeleteFunc(b.entries, func(e *entry) bool { return drop[e.rule] })
}

// applyResultLimit keeps the Limits.ResultsPerRun most severe results, in
// the deterministic order.
func (b *runBuilder) applyResultLimit() {
	excess := len(b.entries) - b.limits.ResultsPerRun
	if excess <= 0 {
		return
	}
	ranked := slices.Clone(b.entries)
	slices.SortFunc(ranked, moreSevere)
	for _, e := range ranked[len(ranked)-excess:] {
		e.dropped = true
	}
	b.notes.resultsOverLimit += excess
	b.removeDropped()
}

func (b *runBuilder) removeDropped() {
	b.entries = slices.DeleteFunc(b.entries, func(e *entry) bool { return e.dropped })
}

// fitCompressedSize assembles the log and, while its gzip-compressed
// serialization is above Limits.CompressedBytes, drops the least severe
// results of the whole log and assembles it again.
func fitCompressedSize(builders []*runBuilder, limits Limits) (*sarif.Report, error) {
	for {
		report, err := assemble(builders)
		if err != nil {
			return nil, err
		}
		size, err := compressedSize(report, limits.CompressedBytes)
		if err != nil {
			return nil, err
		}
		if size <= limits.CompressedBytes {
			return report, nil
		}

		total := 0
		for _, b := range builders {
			total += len(b.entries)
		}
		if total == 0 {
			return nil, fmt.Errorf("the SARIF log is %d bytes compressed without any results, above the limit of %d: shorten the rules or run properties", size, limits.CompressedBytes)
		}

		// Drop results in proportion to the excess, with a margin, so that
		// a few rounds suffice.
		excess := float64(size-limits.CompressedBytes) / float64(size)
		dropCount := min(total, int(excess*float64(total)*1.1)+1)
		dropLeastSevere(builders, dropCount)
	}
}

// dropLeastSevere removes n results over all runs, least severe first.
func dropLeastSevere(builders []*runBuilder, n int) {
	type ranked struct {
		e   *entry
		run int
	}
	all := make([]ranked, 0)
	for i, b := range builders {
		for _, e := range b.entries {
			all = append(all, ranked{e, i})
		}
	}
	slices.SortFunc(all, func(x, y ranked) int {
		// Least severe first; among equals, later runs and later results.
		return cmp.Or(-moreSevereAcrossRuns(x.e, y.e), cmp.Compare(y.run, x.run), cmp.Compare(y.e.pos, x.e.pos))
	})
	for _, r := range all[:n] {
		r.e.dropped = true
		builders[r.run].notes.resultsForSize++
	}
	for _, b := range builders {
		b.removeDropped()
	}
}

// moreSevereAcrossRuns is moreSevere without the position, which only
// orders results within one run.
func moreSevereAcrossRuns(a, b *entry) int {
	return cmp.Or(
		cmp.Compare(b.rule.severity, a.rule.severity),
		cmp.Compare(levelRank(b.level), levelRank(a.level)),
	)
}

// compressedSize returns the gzip-compressed size of the log serialized
// without indentation, which is what the upload-sarif action sends: it
// parses the file and serializes it again with JSON.stringify. It
// compresses at gzip.BestSpeed first, which is fast and gives a larger
// size than the default level that the action uses, and measures at
// gzip.DefaultCompression only when that estimate is above limit.
func compressedSize(r *sarif.Report, limit int64) (int64, error) {
	fast, err := gzipSize(r, gzip.BestSpeed)
	if err != nil || fast <= limit {
		return fast, err
	}
	return gzipSize(r, gzip.DefaultCompression)
}

// gzipSize returns the size of the compact log compressed at level. The
// encoder and the compressor run in two goroutines, so that compression
// overlaps with encoding on a machine with two cores or more.
func gzipSize(r *sarif.Report, level int) (int64, error) {
	var n countingWriter
	zw, err := gzip.NewWriterLevel(&n, level)
	if err != nil {
		return 0, err
	}
	async := newAsyncWriter(zw)
	encodeErr := encodeReport(async, r, false)
	writeErr := async.Close()
	closeErr := zw.Close()
	if err := cmp.Or(encodeErr, writeErr, closeErr); err != nil {
		return 0, fmt.Errorf("measuring the compressed size: %w", err)
	}
	return int64(n), nil
}

// asyncWriter passes copies of what it is given to w in another goroutine.
// Close waits for that goroutine and returns the first error of w.
type asyncWriter struct {
	pending chan []byte
	free    chan []byte
	done    chan error
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{
		pending: make(chan []byte, 2),
		// At most pending's capacity plus two buffers exist: one being
		// written to w and one being filled.
		free: make(chan []byte, 4),
		done: make(chan error, 1),
	}
	go func() {
		var err error
		for p := range a.pending {
			if err == nil {
				_, err = w.Write(p)
			}
			select {
			case a.free <- p[:0]:
			default:
			}
		}
		a.done <- err
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	var buf []byte
	select {
	case buf = <-a.free:
	default:
	}
	a.pending <- append(buf, p...)
	return len(p), nil
}

// Close waits for the pending writes. Call it once, after the last Write:
// a second call panics.
func (a *asyncWriter) Close() error {
	close(a.pending)
	return <-a.done
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
