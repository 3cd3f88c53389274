package gomod

import (
	"os"
	"strings"
	"unicode/utf8"
)

// Columns converts the byte columns of go/token positions to UTF-16 code
// units, the unit that SARIF and GitHub use for columns. It reads each file
// once. The zero value is ready to use; a Columns is not safe for
// concurrent use.
type Columns struct {
	lines map[string][]string
}

// UTF16 returns the UTF-16 column of byte column col (both 1-based) on line
// of file. It returns col unchanged when the file or the line cannot be
// read.
func (c *Columns) UTF16(file string, line, col int) int {
	if c.lines == nil {
		c.lines = map[string][]string{}
	}
	lines, ok := c.lines[file]
	if !ok {
		data, err := os.ReadFile(file)
		if err == nil {
			lines = strings.Split(string(data), "\n")
		}
		c.lines[file] = lines
	}
	if line < 1 || line > len(lines) || col < 1 {
		return col
	}
	text := lines[line-1]
	if col-1 > len(text) {
		return col
	}
	return utf16Units(text[:col-1]) + 1
}

// utf16Units counts the UTF-16 code units of s. An invalid byte counts as
// one unit, as it becomes U+FFFD.
func utf16Units(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		s = s[size:]
	}
	return n
}
