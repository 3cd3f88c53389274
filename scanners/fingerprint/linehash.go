package fingerprint

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The constants of GitHub's line hash, as in src/fingerprints.ts of
// github/codeql-action.
const (
	windowSize = 100   // code units hashed per line
	hashBase   = 37    // multiplier of the polynomial hash
	sentinel   = 65535 // code unit fed once after the input
)

// basePower is hashBase^windowSize mod 2^64: the weight of the code unit
// that leaves the window.
var basePower = func() uint64 {
	p := uint64(1)
	for range windowSize {
		p *= hashBase
	}
	return p
}()

// LineHashes returns GitHub's primaryLocationLineHash for every line of
// content: element i belongs to line i+1.
//
// Each value is the rolling hash of the 100 UTF-16 code units that start at
// the line, skipping spaces and tabs and reading CR LF and a lone CR as LF.
// It is written in lower-case hex without padding, followed by ":" and the
// number of times that hex value has occurred so far in the file. A
// trailing line end starts one more,
// empty, line, so an empty file has one line. Bytes that are not valid
// UTF-8 count as U+FFFD, one per maximal invalid subsequence, as the
// WHATWG Encoding Standard decodes them, and a byte order mark counts as
// the code unit U+FEFF.
//
// NOTE: the action reads files with Node.js's UTF-8 decoder. The handling
// of invalid UTF-8 and of a byte order mark follows the standard that
// decoder implements but was not compared with Node.js itself; the test
// vectors are all valid UTF-8 without one.
func LineHashes(content []byte) []string {
	return formatHashes(lineHashValues(content))
}

// formatHashes formats raw line hashes with their occurrence counts.
func formatHashes(values []uint64) []string {
	out := make([]string, len(values))
	seen := make(map[uint64]int, len(values))
	buf := make([]byte, 0, 32)
	for i, v := range values {
		seen[v]++
		buf = strconv.AppendUint(buf[:0], v, 16)
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(seen[v]), 10)
		out[i] = string(buf)
	}
	return out
}

// lineHashValues returns the raw 64-bit hash of every line, without the
// occurrence count.
func lineHashValues(content []byte) []uint64 {
	h := lineHasher{lineStart: true}
	h.out = make([]uint64, 0, len(content)/32+1)

	var units [4096]uint16
	for len(content) > 0 {
		n, consumed := decodeUnits(content, units[:])
		h.add(units[:n])
		content = content[consumed:]
	}
	h.add([]uint16{sentinel})

	// Flush: push zeros through the window so that every line that started
	// in the last 100 code units has its hash emitted.
	for range windowSize {
		if h.lines[h.index] != 0 {
			h.out = append(h.out, h.hash)
			h.lines[h.index] = 0
		}
		h.roll(0)
	}
	return h.out
}

// decodeUnits decodes UTF-8 from content into UTF-16 code units in dst,
// and returns how many units it wrote and how many bytes it read. It stops
// early rather than split a surrogate pair over two calls.
func decodeUnits(content []byte, dst []uint16) (n, consumed int) {
	for consumed < len(content) && n < len(dst)-1 {
		b := content[consumed]
		if b < utf8.RuneSelf {
			dst[n] = uint16(b)
			n++
			consumed++
			continue
		}
		r, size := decodeRune(content[consumed:])
		consumed += size
		if r > 0xFFFF {
			hi, lo := utf16.EncodeRune(r)
			dst[n], dst[n+1] = uint16(hi), uint16(lo) // #nosec G115 -- EncodeRune returns surrogates, which are below 0x10000
			n += 2
			continue
		}
		dst[n] = uint16(r) // #nosec G115 -- r is at most 0xFFFF here
		n++
	}
	return n, consumed
}

// lineHasher is the state of the rolling hash over one file.
type lineHasher struct {
	window [windowSize]uint64
	// lines holds, per window slot, the 1-based number of the line whose
	// first code unit sits in that slot, or 0.
	lines     [windowSize]int
	hash      uint64
	index     int
	line      int
	lineStart bool
	prevCR    bool
	out       []uint64
}

// add feeds code units. It keeps the state in local variables for the
// loop and stores it back at the end.
func (h *lineHasher) add(units []uint16) {
	hash, index, line, lineStart, prevCR, out := h.hash, h.index, h.line, h.lineStart, h.prevCR, h.out
	for _, unit := range units {
		c := uint64(unit)
		// Spaces and tabs are skipped, and so is the LF of a CR LF pair.
		// Any skipped code unit ends a CR LF pair, so "\r \n" is two line
		// ends.
		if c == ' ' || c == '\t' || (prevCR && c == '\n') {
			prevCR = false
			continue
		}
		prevCR = c == '\r'
		if prevCR {
			c = '\n'
		}

		// The slot about to be overwritten held the first code unit of a
		// line 100 code units ago: the window now covers that line's
		// block. Lines are emitted in order, so out[n-1] is line n.
		if h.lines[index] != 0 {
			out = append(out, hash)
			h.lines[index] = 0
		}
		if lineStart {
			lineStart = false
			line++
			h.lines[index] = line
		}
		if c == '\n' {
			lineStart = true
		}

		// All arithmetic wraps modulo 2^64, as the action's 64-bit Long
		// values do.
		hash = hashBase*hash + c - basePower*h.window[index]
		h.window[index] = c
		index++
		if index == windowSize {
			index = 0
		}
	}
	h.hash, h.index, h.line, h.lineStart, h.prevCR, h.out = hash, index, line, lineStart, prevCR, out
}

// roll moves the window one code unit forward.
func (h *lineHasher) roll(c uint64) {
	h.hash = hashBase*h.hash + c - basePower*h.window[h.index]
	h.window[h.index] = c
	h.index++
	if h.index == windowSize {
		h.index = 0
	}
}

// decodeRune decodes the UTF-8 sequence at the start of p, which is not
// ASCII. For invalid input it returns utf8.RuneError and the length of the
// maximal subpart of a valid sequence (at least 1), as the WHATWG Encoding
// Standard's decoder does. utf8.DecodeRune differs: it consumes one byte
// per error, which would give more code units.
func decodeRune(p []byte) (rune, int) {
	b0 := p[0]
	lower, upper := byte(0x80), byte(0xBF)
	var need int
	var r rune
	switch {
	case b0 >= 0xC2 && b0 <= 0xDF:
		need, r = 1, rune(b0&0x1F)
	case b0 >= 0xE0 && b0 <= 0xEF:
		need, r = 2, rune(b0&0x0F)
		if b0 == 0xE0 {
			lower = 0xA0 // overlong
		}
		if b0 == 0xED {
			upper = 0x9F // surrogates
		}
	case b0 >= 0xF0 && b0 <= 0xF4:
		need, r = 3, rune(b0&0x07)
		if b0 == 0xF0 {
			lower = 0x90 // overlong
		}
		if b0 == 0xF4 {
			upper = 0x8F // above U+10FFFF
		}
	default:
		return utf8.RuneError, 1
	}

	for k := 1; k <= need; k++ {
		if k >= len(p) || p[k] < lower || p[k] > upper {
			return utf8.RuneError, k
		}
		lower, upper = 0x80, 0xBF
		r = r<<6 | rune(p[k]&0x3F)
	}
	return r, need + 1
}
