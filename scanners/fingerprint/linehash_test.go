package fingerprint

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The vectors come from the test suite of src/fingerprints.ts in
// github/codeql-action.
func TestLineHashesVectors(t *testing.T) {
	lorem := strings.Repeat("Lorem ipsum dolor sit amet.\n", 10)
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{
			name:    "empty file",
			content: "",
			want:    []string{"c129715d7a2bc9a3:1"},
		},
		{
			name:    "leading spaces and tabs",
			content: " a\nb\n  \t\tc\n d",
			want: []string{
				"271789c17abda88f:1",
				"54703d4cd895b18:1",
				"180aee12dab6264:1",
				"a23a3dc5e078b07b:1",
			},
		},
		{
			name:    "short program",
			content: "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
			want: []string{
				"e54938cc54b302f1:1",
				"bb609acbe9138d60:1",
				"1131fd5871777f34:1",
				"5c482a0f8b35ea28:1",
				"54517377da7028d2:1",
				"2c644846cb18d53e:1",
				"f1b89f20de0d133:1",
				"c129715d7a2bc9a3:1",
			},
		},
		{
			name:    "repeated lines count occurrences",
			content: lorem,
			want: []string{
				"a7f2ff13bc495cf2:1",
				"a7f2ff13bc495cf2:2",
				"a7f2ff13bc495cf2:3",
				"a7f2ff13bc495cf2:4",
				"a7f2ff13bc495cf2:5",
				"a7f2ff13bc495cf2:6",
				"a7f2ff1481e87703:1",
				"a9cf91f7bbf1862b:1",
				"55ec222b86bcae53:1",
				"cc97dc7b1d7d8f7b:1",
				"c129715d7a2bc9a3:1",
			},
		},
		{
			name:    "CR LF line ends",
			content: strings.ReplaceAll(lorem, "\n", "\r\n"),
			want:    LineHashes([]byte(lorem)),
		},
		{
			name:    "CR line ends",
			content: strings.ReplaceAll(lorem, "\n", "\r"),
			want:    LineHashes([]byte(lorem)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LineHashes([]byte(tt.content))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LineHashes(%q) mismatch (-want +got):\n%s", tt.content, diff)
			}
		})
	}
}

func TestLineHashesLineCount(t *testing.T) {
	tests := []struct {
		content string
		want    int
	}{
		{"", 1},
		{"a", 1},
		{"a\n", 2},
		{"a\nb", 2},
		{"a\r\nb\r\n", 3},
		{"a\rb", 2},
		{"\n\n\n", 4},
		// A space between CR and LF ends the pair: two line ends.
		{"a\r \nb", 3},
		// A line longer than the window still gets exactly one hash.
		{strings.Repeat("x", 250) + "\n" + strings.Repeat("y", 3), 2},
	}
	for _, tt := range tests {
		if got := len(LineHashes([]byte(tt.content))); got != tt.want {
			t.Errorf("len(LineHashes(%.20q)) = %d, want %d", tt.content, got, tt.want)
		}
	}
}

func TestLineHashesIgnoresSpacesAndTabs(t *testing.T) {
	plain := LineHashes([]byte("if x {\nreturn\n}\n"))
	spaced := LineHashes([]byte("if x {\n\t\treturn  \n}   \n"))
	if diff := cmp.Diff(plain, spaced); diff != "" {
		t.Errorf("indentation changed the hashes (-plain +spaced):\n%s", diff)
	}
}

// A hash covers the 100 code units from the start of its line, so a change
// more than 100 code units further on leaves it alone, and a change inside
// them alters it.
func TestLineHashesWindow(t *testing.T) {
	base := strings.Repeat("a", 150)
	near := "b" + base[1:]
	far := base[:120] + "b" + base[121:]

	if LineHashes([]byte(base))[0] == LineHashes([]byte(near))[0] {
		t.Error("changing the first code unit kept the hash")
	}
	if LineHashes([]byte(base))[0] != LineHashes([]byte(far))[0] {
		t.Error("changing code unit 121 changed the hash")
	}
}

// Characters outside the Basic Multilingual Plane are two UTF-16 code
// units, so they shift the window by two.
func TestLineHashesSurrogatePairs(t *testing.T) {
	astral := LineHashes([]byte("\U0001F600" + strings.Repeat("a", 98) + "Z\n"))
	bmp := LineHashes([]byte("é" + strings.Repeat("a", 98) + "Z\n"))
	if astral[0] == bmp[0] {
		t.Fatal("different first characters gave the same hash")
	}
	// With two code units for U+1F600, "Z" is code unit 101 and falls out
	// of the window, so changing it leaves the hash alone.
	astralChanged := LineHashes([]byte("\U0001F600" + strings.Repeat("a", 98) + "Y\n"))
	if astral[0] != astralChanged[0] {
		t.Error("code unit 101 changed the hash: the character was not counted as a surrogate pair")
	}
	bmpChanged := LineHashes([]byte("é" + strings.Repeat("a", 98) + "Y\n"))
	if bmp[0] == bmpChanged[0] {
		t.Error("code unit 100 did not change the hash")
	}
}

func TestDecodeRune(t *testing.T) {
	tests := []struct {
		in       []byte
		wantRune rune
		wantSize int
	}{
		{[]byte("é"), 'é', 2},
		{[]byte("€"), '€', 3},
		{[]byte("\U0001F600"), 0x1F600, 4},
		// A truncated three-byte sequence is one maximal subpart: one U+FFFD.
		{[]byte{0xE2, 0x82, 'A'}, utf8.RuneError, 2},
		{[]byte{0xE2, 0x82}, utf8.RuneError, 2},
		{[]byte{0x80}, utf8.RuneError, 1},
		{[]byte{0xC0, 0xAF}, utf8.RuneError, 1}, // overlong lead byte
		{[]byte{0xE0, 0x80, 0x80}, utf8.RuneError, 1},
		{[]byte{0xED, 0xA0, 0x80}, utf8.RuneError, 1}, // encoded surrogate
		{[]byte{0xF4, 0x90, 0x80, 0x80}, utf8.RuneError, 1},
		{[]byte{0xF0, 0x9F, 0x98}, utf8.RuneError, 3},
		{[]byte{0xFF}, utf8.RuneError, 1},
	}
	for _, tt := range tests {
		r, size := decodeRune(tt.in)
		if r != tt.wantRune || size != tt.wantSize {
			t.Errorf("decodeRune(% x) = %U, %d, want %U, %d", tt.in, r, size, tt.wantRune, tt.wantSize)
		}
	}
}

// An invalid sequence is one U+FFFD however many bytes it has, so it hashes
// like the replacement character itself.
func TestLineHashesInvalidUTF8(t *testing.T) {
	invalid := LineHashes([]byte{'a', 0xE2, 0x82, 'b'})
	replaced := LineHashes([]byte("a\uFFFDb"))
	if diff := cmp.Diff(replaced, invalid); diff != "" {
		t.Errorf("invalid UTF-8 hashed differently from U+FFFD (-want +got):\n%s", diff)
	}
}

func BenchmarkLineHashes(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < 16<<20; i++ {
		buf.WriteString("\tif err := frobnicate(ctx, \"value\", i); err != nil { // naïve comment ✓\n")
		buf.WriteString("\t\treturn fmt.Errorf(\"frobnicating %d: %w\", i, err)\n\t}\n")
	}
	content := buf.Bytes()
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		LineHashes(content)
	}
}
