package vulndb

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// PublicURL is the public Go vulnerability database.
const PublicURL = "https://vuln.go.dev"

// DefaultProbeTimeout bounds the request that checks whether the public
// database is reachable.
const DefaultProbeTimeout = 3 * time.Second

// DefaultMaxAge is the age past which Source.Stale reports a database as
// stale.
const DefaultMaxAge = 7 * 24 * time.Hour

// Errors that Choose's errors wrap, so that a caller can tell a wrong
// --govulndb value (a usage error) from a missing database (a scanner that
// cannot run).
var (
	ErrInvalidFlag = errors.New("invalid --govulndb value")
	ErrNoDatabase  = errors.New("no Go vulnerability database available")
)

// classifiedError is an error that also matches one of the sentinel errors
// above, without adding the sentinel's text to its message.
type classifiedError struct {
	kind error
	err  error
}

func classify(kind, err error) error { return &classifiedError{kind: kind, err: err} }

func (e *classifiedError) Error() string   { return e.err.Error() }
func (e *classifiedError) Unwrap() []error { return []error{e.kind, e.err} }

// Kind is the origin of a Source.
type Kind string

const (
	KindPublic Kind = "public" // the public database, PublicURL by default
	KindLocal  Kind = "local"  // the local database that Sync maintains
	KindFlag   Kind = "flag"   // a URL or directory the user gave
)

// Source is the database that a govulncheck scan uses.
type Source struct {
	URL  string // https://... or file:///..., for govulncheck's -db flag
	Kind Kind
	Dir  string // the local directory for a file:// URL, else ""

	// Modified is the database's "modified" time from index/db.json, or
	// zero when it could not be read.
	Modified time.Time

	// Version is the golang.org/x/vulndb version that a local database was
	// built from, or "".
	Version string

	// Notes tell the user which database was chosen and why, one sentence
	// each, for the scan's notifications.
	Notes []string
}

// ChooseOptions configures Choose.
type ChooseOptions struct {
	// Flag is the --govulndb value: an http(s) or file URL, or a directory.
	// "" means choose automatically.
	Flag string

	// Offline forbids network access: no probe of the public database and
	// no sync through the module proxy.
	Offline bool

	// PublicURL is the public database; "" means PublicURL. Tests point it
	// at a local server.
	PublicURL string

	// ProbeTimeout bounds the probe of the public database; 0 means
	// DefaultProbeTimeout.
	ProbeTimeout time.Duration

	// HTTPClient sends the probe; nil means a client with the
	// environment's proxy settings.
	HTTPClient *http.Client

	// Sync sets the local database directory (Sync.Dir, default
	// DefaultDir()) and how Choose builds it when it is missing.
	Sync SyncOptions
}

// Choose picks the database for a govulncheck scan:
//
//  1. the Flag, when set: a URL is used as is and a directory must hold
//     index/db.json;
//  2. else, when online, the public database if a GET of
//     index/db.json.gz succeeds within the probe timeout (govulncheck
//     v1.9.0 reads the .json.gz endpoints over HTTP);
//  3. else the local database in Sync.Dir, built first with Sync when it
//     is missing and Offline is false.
//
// With Offline set it sends no request and runs no go command. Its errors
// wrap ErrInvalidFlag or ErrNoDatabase.
func Choose(ctx context.Context, opts ChooseOptions) (*Source, error) {
	if opts.Flag != "" {
		return chooseFlag(ctx, opts)
	}

	var notes []string
	if !opts.Offline {
		public := opts.publicURL()
		modified, err := probe(ctx, opts, public)
		if err == nil {
			src := &Source{URL: public, Kind: KindPublic, Modified: modified}
			src.Notes = append(notes, "using the public Go vulnerability database "+src.String())
			return src, nil
		}
		notes = append(notes, fmt.Sprintf("the public Go vulnerability database %s is not reachable: %v", public, err))
	}
	return chooseLocal(ctx, opts, notes)
}

func (o *ChooseOptions) publicURL() string {
	if o.PublicURL == "" {
		return PublicURL
	}
	return strings.TrimRight(o.PublicURL, "/")
}

func chooseFlag(ctx context.Context, opts ChooseOptions) (*Source, error) {
	flag := opts.Flag
	if strings.Contains(flag, "://") {
		u, err := url.Parse(flag)
		if err != nil {
			return nil, classify(ErrInvalidFlag, fmt.Errorf("invalid --govulndb URL %q: %v; pass an https:// or file:// URL or a directory", flag, err))
		}
		switch u.Scheme {
		case "http", "https":
			return chooseFlagURL(ctx, opts, strings.TrimRight(flag, "/"))
		case "file":
			dir, err := fileURLPath(u)
			if err != nil {
				return nil, classify(ErrInvalidFlag, fmt.Errorf("invalid --govulndb URL %q: %v; pass file:///absolute/dir", flag, err))
			}
			flag = dir
		default:
			return nil, classify(ErrInvalidFlag, fmt.Errorf("invalid --govulndb URL %q: unsupported scheme %q; pass an https:// or file:// URL or a directory", flag, u.Scheme))
		}
	}

	db, err := Open(flag)
	if err != nil {
		return nil, classify(ErrInvalidFlag, fmt.Errorf("--govulndb %s is not a Go vulnerability database: %v; build one with `secscan vulndb sync --dir %s`", flag, err, flag))
	}
	src := &Source{URL: db.URL, Kind: KindFlag, Dir: db.Dir, Modified: db.Modified, Version: db.Version}
	src.Notes = []string{"using the Go vulnerability database from --govulndb: " + src.String()}
	return src, nil
}

func chooseFlagURL(ctx context.Context, opts ChooseOptions, u string) (*Source, error) {
	if opts.Offline {
		return nil, classify(ErrInvalidFlag, fmt.Errorf("--govulndb %s needs the network, but --offline is set; pass a local database directory instead", u))
	}
	src := &Source{URL: u, Kind: KindFlag}
	modified, err := probe(ctx, opts, u)
	if err != nil {
		// govulncheck reports its own error if the database is unusable;
		// the date is only informative.
		src.Notes = append(src.Notes, fmt.Sprintf("reading the modified time of %s: %v", u, err))
	}
	src.Modified = modified
	src.Notes = append(src.Notes, "using the Go vulnerability database from --govulndb: "+src.String())
	return src, nil
}

func chooseLocal(ctx context.Context, opts ChooseOptions, notes []string) (*Source, error) {
	dir := opts.Sync.Dir
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, classify(ErrNoDatabase, err)
		}
		dir = d
	}

	db, openErr := Open(dir)
	if openErr != nil {
		if opts.Offline {
			return nil, classify(ErrNoDatabase, fmt.Errorf("offline, and no local Go vulnerability database in %s (%v); run `secscan vulndb sync` while online, or pass --govulndb with a database directory", dir, openErr))
		}
		notes = append(notes, fmt.Sprintf("no local Go vulnerability database in %s; building it from %s with the go command", dir, ModulePath))
		syncOpts := opts.Sync
		syncOpts.Dir = dir
		if _, err := Sync(ctx, syncOpts); err != nil {
			return nil, classify(ErrNoDatabase, fmt.Errorf("%s; syncing the local Go vulnerability database: %w", strings.Join(notes, "; "), err))
		}
		var err error
		if db, err = Open(dir); err != nil {
			return nil, classify(ErrNoDatabase, err)
		}
	}

	src := &Source{URL: db.URL, Kind: KindLocal, Dir: db.Dir, Modified: db.Modified, Version: db.Version}
	src.Notes = append(notes, "using the local Go vulnerability database "+src.String())
	return src, nil
}

// probe fetches index/db.json.gz from the database at base and returns its
// modified time.
func probe(ctx context.Context, opts ChooseOptions, base string) (time.Time, error) {
	timeout := opts.ProbeTimeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/"+dbIndexFile+".gz", nil)
	if err != nil {
		return time.Time{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return time.Time{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return time.Time{}, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}

	zr, err := gzip.NewReader(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return time.Time{}, fmt.Errorf("GET %s: %w", req.URL, err)
	}
	var meta dbMeta
	if err := json.NewDecoder(io.LimitReader(zr, 1<<20)).Decode(&meta); err != nil {
		return time.Time{}, fmt.Errorf("GET %s: decoding: %w", req.URL, err)
	}
	if meta.Modified.IsZero() {
		return time.Time{}, fmt.Errorf("GET %s: no modified time", req.URL)
	}
	return meta.Modified, nil
}

// fileURLPath returns the local path of a file:// URL.
func fileURLPath(u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL with host %q", u.Host)
	}
	if u.Path == "" {
		return "", errors.New("file URL without a path")
	}
	p := u.Path
	if filepath.Separator == '\\' {
		p = strings.TrimPrefix(p, "/") // file:///C:/dir
	}
	return filepath.FromSlash(p), nil
}

// String names the database, its module version and its modified time in
// one phrase, for notifications and the summary.
func (s *Source) String() string {
	var b strings.Builder
	b.WriteString(s.URL)
	var details []string
	if s.Version != "" {
		details = append(details, ModulePath+"@"+s.Version)
	}
	if s.Modified.IsZero() {
		details = append(details, "modified time unknown")
	} else {
		details = append(details, "modified "+s.Modified.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	return b.String()
}

// Age returns how long before now the database was modified, or 0 when
// its modified time is unknown.
func (s *Source) Age(now time.Time) time.Duration {
	if s.Modified.IsZero() {
		return 0
	}
	return now.Sub(s.Modified)
}

// Stale reports whether the database was modified more than maxAge before
// now; maxAge <= 0 means DefaultMaxAge. A database whose modified time is
// unknown is not reported as stale.
func (s *Source) Stale(now time.Time, maxAge time.Duration) bool {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return !s.Modified.IsZero() && s.Age(now) > maxAge
}

// StaleWarning returns a one-sentence warning when Stale reports true, else
// "".
func (s *Source) StaleWarning(now time.Time, maxAge time.Duration) string {
	if !s.Stale(now, maxAge) {
		return ""
	}
	days := int(s.Age(now).Hours() / 24)
	msg := fmt.Sprintf("the Go vulnerability database %s was last modified %d days ago, on %s; advisories published since then are not reported",
		s.URL, days, s.Modified.UTC().Format(time.DateOnly))
	if s.Kind == KindLocal {
		msg += "; run `secscan vulndb sync` to update it"
	}
	return msg
}

// Property keys that Properties sets, for the SARIF run's property bag.
const (
	PropSource   = "govulndb.source"
	PropKind     = "govulndb.kind"
	PropModified = "govulndb.modified"
	PropVersion  = "govulndb.version"
)

// Properties returns the database's URL, kind, modified time (RFC 3339,
// UTC) and module version, for the SARIF run's property bag. Unknown
// values are left out.
func (s *Source) Properties() map[string]any {
	p := map[string]any{
		PropSource: s.URL,
		PropKind:   string(s.Kind),
	}
	if !s.Modified.IsZero() {
		p[PropModified] = s.Modified.UTC().Format(time.RFC3339)
	}
	if s.Version != "" {
		p[PropVersion] = s.Version
	}
	return p
}
