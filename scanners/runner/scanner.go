package runner

import (
	"context"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// Target is the scope of one scan: the repository and the paths to leave out.
type Target struct {
	// Root is the absolute, cleaned path of the repository to scan. Every
	// Location in a returned Run is relative to it.
	Root string

	// Exclude holds slash-separated path globs, relative to Root, that no
	// scanner reports on. vendor/ and testdata/ directories are always
	// skipped by the Go scanners.
	Exclude []string

	// Offline forbids network access: scanners use only local databases
	// and built-in checks.
	Offline bool
}

// Scanner runs one security tool over a Target.
//
// Scan returns the tool's results as a Run. On failure it returns an error
// and, where it has them, the partial results in a non-nil Run; the runner
// keeps both. A scanner that cannot start at all returns a
// *finding.NotRunError. Scan must return soon after ctx is done.
type Scanner interface {
	Name() string // one of the finding.Tool constants
	Scan(ctx context.Context, t Target) (*finding.Run, error)
}
