// Package glob matches repository-relative, slash-separated paths against the
// path patterns of a secscan policy (exclude lists and suppression entries).
//
// A pattern is anchored at the repository root and split at "/" into
// segments. A segment is matched with path.Match, so "*" matches any run of
// characters other than "/", "?" matches one such character, "[a-z]" and
// "[^a-z]" match character classes, and "\" quotes the next character. A
// segment that is exactly "**" matches zero or more whole segments. A pattern
// that matches a directory also matches every path beneath it, so "vendor"
// and "vendor/**" are equivalent; a trailing "/" is allowed and ignored.
//
// Unlike .gitignore, a pattern without a slash is not matched against the
// base name at every depth: "*.pb.go" matches only files at the root, and
// "**/*.pb.go" matches them anywhere.
package glob

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Validate returns an error that names the problem when pattern is not a
// valid repository-relative glob.
func Validate(pattern string) error {
	if strings.TrimSpace(pattern) == "" {
		return errors.New("empty pattern")
	}
	if strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("pattern %q is absolute; write it relative to the repository root, without the leading /", pattern)
	}
	for _, segment := range segments(pattern) {
		switch {
		case segment == "":
			return fmt.Errorf("pattern %q has an empty path segment; remove the doubled /", pattern)
		case segment == "." || segment == "..":
			return fmt.Errorf("pattern %q contains %q; write it relative to the repository root without . or ..", pattern, segment)
		case segment != "**" && strings.Contains(segment, "**"):
			return fmt.Errorf("pattern %q uses ** inside the segment %q; ** must be a whole segment, as in a/**/b", pattern, segment)
		}
		if _, err := path.Match(segment, ""); err != nil {
			return fmt.Errorf("pattern %q: segment %q: %w", pattern, segment, err)
		}
	}
	return nil
}

// Match reports whether name, or a directory that contains it, matches
// pattern. name is a slash-separated path relative to the repository root. An
// invalid pattern matches nothing: check patterns with Validate first.
func Match(pattern, name string) bool {
	if Validate(pattern) != nil || name == "" {
		return false
	}
	pattern = strings.TrimSuffix(pattern, "/")
	return matchPrefix(strings.Split(pattern, "/"), strings.Split(strings.Trim(name, "/"), "/"))
}

// segments splits a pattern into its path segments, ignoring one trailing
// slash.
func segments(pattern string) []string {
	return strings.Split(strings.TrimSuffix(pattern, "/"), "/")
}

// matchPrefix reports whether the pattern segments match all of name or a
// leading run of its segments (a directory that contains name).
func matchPrefix(pattern, name []string) bool {
	if len(pattern) == 0 {
		return true
	}
	if pattern[0] == "**" {
		// "**" consumes zero or more segments of name.
		for skip := 0; skip <= len(name); skip++ {
			if matchPrefix(pattern[1:], name[skip:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, err := path.Match(pattern[0], name[0])
	if err != nil || !ok {
		return false
	}
	return matchPrefix(pattern[1:], name[1:])
}
