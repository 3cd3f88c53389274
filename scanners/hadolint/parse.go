package hadolint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// item is one entry of hadolint's JSON output (`--format json`): an array
// of objects with file, line, column, level, code and message, as written
// by src/Hadolint/Formatter/Json.hs. Rule violations have column 1; a
// Dockerfile that does not parse yields one DL1000 item with the parser's
// position and message.
type item struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Level   string `json:"level"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// parseOutput decodes hadolint's JSON output. It accepts a sequence of
// arrays as well as one, since releases differ in whether several files
// give one array or one per file. The items decoded before an error are
// returned with it.
func parseOutput(data []byte) ([]item, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("hadolint wrote no JSON output")
	}
	var items []item
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var batch []item
		err := dec.Decode(&batch)
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return items, fmt.Errorf("parsing hadolint JSON output: %w (output starts %q)", err, prefix(data, 80))
		}
		for _, it := range batch {
			if it.Code == "" {
				return items, fmt.Errorf("parsing hadolint JSON output: an item has no code (output starts %q)", prefix(data, 80))
			}
			items = append(items, it)
		}
	}
}

func prefix(data []byte, n int) string {
	s := strings.TrimSpace(string(data))
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
