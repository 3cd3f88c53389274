package govulncheck

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultDB is the public Go vulnerability database.
const DefaultDB = "https://vuln.go.dev"

// DatabaseURL returns the database URL that govulncheck accepts for db: an
// http, https or file URL is returned unchanged, a directory becomes a
// file:// URL of its absolute path, and "" becomes DefaultDB. govulncheck
// itself rejects plain paths.
func DatabaseURL(db string) (string, error) {
	db = strings.TrimSpace(db)
	if db == "" {
		return DefaultDB, nil
	}
	if strings.Contains(db, "://") {
		u, err := url.Parse(db)
		if err != nil {
			// url.Error repeats the whole URL, password included.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return "", fmt.Errorf("invalid vulnerability database URL %q: %w", redact(db), err)
		}
		switch u.Scheme {
		case "http", "https":
			if u.Host == "" {
				return "", fmt.Errorf("invalid vulnerability database URL %q: no host", redact(db))
			}
			return db, nil
		case "file":
			if (u.Host != "" && u.Host != "localhost") || u.Path == "" || !filepath.IsAbs(filepath.FromSlash(u.Path)) {
				return "", fmt.Errorf("invalid vulnerability database URL %q: a file URL needs an absolute path and no host, as in file:///srv/vulndb", db)
			}
			return db, nil
		}
		return "", fmt.Errorf("invalid vulnerability database URL %q: use https://, http:// or file://, or a directory", redact(db))
	}

	abs, err := filepath.Abs(db)
	if err != nil {
		return "", fmt.Errorf("resolving vulnerability database directory %q: %w", db, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("vulnerability database directory %q: %w; pass a URL or a directory written by secscan vulndb sync", db, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("vulnerability database %q is not a directory; pass a URL or a directory written by secscan vulndb sync", db)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// isRemote reports whether a database URL reaches the network.
func isRemote(dbURL string) bool {
	return !strings.HasPrefix(dbURL, "file:")
}

// userinfo matches the user and password part of a URL.
var userinfo = regexp.MustCompile(`//[^/@]*:[^/@]*@`)

// redact hides the password of a URL, for messages and reports. A URL that
// does not parse has anything between "//" and "@" replaced.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfo.ReplaceAllString(raw, "//xxxxx@")
	}
	if u.User == nil {
		return raw
	}
	return u.Redacted()
}
