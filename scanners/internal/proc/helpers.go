package proc

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// CheckExecutable returns nil when path is a regular file with an execute
// bit set. On Windows, which has no execute bits, any regular file passes.
func CheckExecutable(path string) error {
	info, err := os.Stat(path) // #nosec G703 -- only stats the binary path that the user configured
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0 {
		return fs.ErrPermission
	}
	return nil
}

// CommandLine renders a command for the invocation record, quoting the
// arguments that contain spaces or shell metacharacters in POSIX shell
// single quotes.
func CommandLine(name string, args []string) string {
	parts := make([]string, 0, len(args)+1)
	for _, a := range append([]string{name}, args...) {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// LastLines returns up to n non-empty lines from the end of s, trimmed and
// joined by newlines, for error messages.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var tail []string
	for i := len(lines) - 1; i >= 0 && len(tail) < n; i-- {
		if line := strings.TrimSpace(lines[i]); line != "" {
			tail = append(tail, line)
		}
	}
	for i, j := 0, len(tail)-1; i < j; i, j = i+1, j-1 {
		tail[i], tail[j] = tail[j], tail[i]
	}
	return strings.Join(tail, "\n")
}
