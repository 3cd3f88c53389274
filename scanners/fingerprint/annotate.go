package fingerprint

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Key is the partial fingerprint key under which the SARIF writer stores
// finding.Result.Fingerprint. The version changes whenever the fingerprint
// computation does, so that GitHub never compares values of two schemes.
const Key = "secscan/v1"

// DefaultMaxFileSize is the largest file Annotate reads when
// Annotator.MaxFileSize is zero. Results in larger files get no LineHash,
// so GitHub computes it during the upload.
const DefaultMaxFileSize = 32 << 20

// fingerprintHexLength is the length of a Fingerprint: 128 bits of SHA-256.
const fingerprintHexLength = 32

// Annotator fills the fingerprints of results. The zero value is ready to use.
type Annotator struct {
	// MaxFileSize is the largest file, in bytes, that is read; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// Logger receives one debug record per file that could not be read. Nil
	// discards them.
	Logger *slog.Logger
}

// Annotate fills Result.LineHash and Result.Fingerprint with a zero Annotator.
func Annotate(root string, runs []*finding.Run) error {
	var a Annotator
	return a.Annotate(root, runs)
}

// Annotate sets Result.LineHash and Result.Fingerprint of every result in
// runs, overwriting earlier values. root is the repository that the result
// paths are relative to.
//
// LineHash is GitHub's primaryLocationLineHash of the result's StartLine
// (line 1 when StartLine is 0, as the SARIF writer writes it). It stays
// empty when the file is missing, is not a regular file inside root, is
// larger than MaxFileSize, or has no such line: GitHub then computes the
// value itself if it can read the file.
//
// Fingerprint does not depend on the line number. It is the first 32 hex
// digits of a SHA-256 over the tool, the rule id, the path, an identity and
// an occurrence index. The identity is Result.Key, or else the flagged line
// with runs of white space collapsed, or else (when the line cannot be
// read) the message. The occurrence index numbers results with the same
// tool, rule, path and identity in line order, so two identical lines in a
// file get distinct fingerprints that survive code moving around them.
//
// Each file is read once, and only one file is held in memory at a time.
// Annotate returns an error only when root cannot be opened.
func (a *Annotator) Annotate(root string, runs []*finding.Run) error {
	repo, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("opening repository root: %w", err)
	}
	defer repo.Close()

	byPath := make(map[string][]*finding.Result)
	results := make([]annotated, 0)
	for runIndex, run := range runs {
		if run == nil {
			continue
		}
		for i := range run.Results {
			res := &run.Results[i]
			byPath[res.Location.Path] = append(byPath[res.Location.Path], res)
			results = append(results, annotated{tool: run.Tool, run: runIndex, index: i, result: res})
		}
	}

	identities := make(map[*finding.Result]string, len(results))
	for _, path := range slices.Sorted(maps.Keys(byPath)) {
		a.annotateFile(repo, path, byPath[path], identities)
	}

	for i := range results {
		results[i].identity = identities[results[i].result]
	}
	assignFingerprints(results)
	return nil
}

// annotated is one result with what its fingerprint needs.
type annotated struct {
	tool       string
	run, index int // position in the input, the last tie-breaker
	identity   string
	result     *finding.Result
}

// annotateFile sets the line hashes of the results in one file and records
// the identity of each.
func (a *Annotator) annotateFile(repo *os.Root, path string, results []*finding.Result, identities map[*finding.Result]string) {
	var file *fileLines
	if path != "" {
		content, err := a.readFile(repo, path)
		if err != nil {
			a.logger().Debug("fingerprint: file not read", "path", path, "err", err)
		} else {
			file = newFileLines(content)
		}
	}

	for _, res := range results {
		line := max(res.Location.StartLine, 1)
		res.LineHash = file.hash(line)

		switch {
		case res.Key != "":
			identities[res] = "key\x00" + res.Key
		case file.has(line):
			identities[res] = "line\x00" + normalizeSpace(file.text(line))
		default:
			identities[res] = "message\x00" + normalizeSpace(res.Message)
		}
	}
}

// readFile reads path, a slash-separated path relative to the repository,
// through repo, which rejects any path that resolves outside it.
func (a *Annotator) readFile(repo *os.Root, path string) ([]byte, error) {
	name := filepath.FromSlash(path)
	if !filepath.IsLocal(name) {
		return nil, fmt.Errorf("path %q is not inside the repository", path)
	}

	f, err := repo.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	limit := a.maxFileSize()
	if info.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, above the limit of %d", path, info.Size(), limit)
	}

	// The file may grow between Stat and reading: never read past the limit.
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) > limit {
		return nil, fmt.Errorf("%s grew above the limit of %d bytes while read", path, limit)
	}
	return content, nil
}

func (a *Annotator) maxFileSize() int64 {
	if a.MaxFileSize > 0 {
		return a.MaxFileSize
	}
	return DefaultMaxFileSize
}

func (a *Annotator) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// fileLines is one file's content with its line hashes. A nil *fileLines is
// a file that could not be read: it has no lines.
type fileLines struct {
	content []byte
	hashes  []string
	starts  []int // byte offset of each line; computed on first use
}

func newFileLines(content []byte) *fileLines {
	return &fileLines{content: content, hashes: LineHashes(content)}
}

func (f *fileLines) has(line int) bool {
	return f != nil && line >= 1 && line <= len(f.hashes)
}

func (f *fileLines) hash(line int) string {
	if !f.has(line) {
		return ""
	}
	return f.hashes[line-1]
}

// text returns line (1-based) without its line end. Lines end at LF, CR LF
// or a lone CR, as in LineHashes, so both agree on line numbers.
func (f *fileLines) text(line int) []byte {
	if f.starts == nil {
		f.starts = lineStarts(f.content)
	}
	start := f.starts[line-1]
	end := len(f.content)
	if line < len(f.starts) {
		end = f.starts[line]
	}
	return trimLineEnd(f.content[start:end])
}

func lineStarts(content []byte) []int {
	starts := []int{0}
	for i := 0; i < len(content); i++ {
		switch content[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(content) && content[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return starts
}

func trimLineEnd(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// normalizeSpace collapses runs of Unicode white space into one space and
// trims both ends, so re-indenting a line keeps its fingerprint.
func normalizeSpace[T string | []byte](s T) string {
	return strings.Join(strings.Fields(string(s)), " ")
}

// assignFingerprints numbers results with equal identities in line order
// and sets their fingerprints.
func assignFingerprints(results []annotated) {
	type group struct{ tool, rule, path, identity string }
	groups := make(map[group][]annotated)
	for _, r := range results {
		g := group{r.tool, r.result.RuleID, r.result.Location.Path, r.identity}
		groups[g] = append(groups[g], r)
	}

	for g, members := range groups {
		slices.SortFunc(members, func(x, y annotated) int {
			return cmp.Or(
				cmp.Compare(x.result.Location.StartLine, y.result.Location.StartLine),
				cmp.Compare(x.result.Location.StartColumn, y.result.Location.StartColumn),
				cmp.Compare(x.run, y.run),
				cmp.Compare(x.index, y.index),
			)
		})
		for i, m := range members {
			m.result.Fingerprint = computeFingerprint(g.tool, g.rule, g.path, g.identity, i+1)
		}
	}
}

// computeFingerprint hashes the fields length-prefixed, so that no two
// different field lists give the same input.
func computeFingerprint(tool, rule, path, identity string, occurrence int) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, field := range []string{Key, tool, rule, path, identity, strconv.Itoa(occurrence)} {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(field)))])
		io.WriteString(h, field)
	}
	return hex.EncodeToString(h.Sum(nil))[:fingerprintHexLength]
}
