package hadolint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOutput(t *testing.T) {
	tests := []struct {
		file      string
		wantCodes []string
		wantFiles []string
		wantErr   string
	}{
		{
			file:      "findings.json",
			wantCodes: []string{"DL3007", "DL4000", "DL3018", "DL3019", "DL3003", "DL4006", "DL3059", "DL3020", "DL3000", "DL3025"},
			wantFiles: []string{"./Dockerfile"},
		},
		{file: "no-findings.json"},
		{file: "parse-error.json", wantCodes: []string{"DL1000"}, wantFiles: []string{"./broken/Dockerfile"}},
		{
			file:      "per-file-arrays.json",
			wantCodes: []string{"DL3006", "SC2086"},
			wantFiles: []string{"./a/Dockerfile", "./b/Containerfile"},
		},
		{
			file:      "odd-paths.json",
			wantCodes: []string{"DL3002", "SC9999", "DL3008"},
			wantFiles: []string{"./dir with space/Dockerfile", "./ünïcødé/app.Dockerfile", "-"},
		},
		{file: "garbage.txt", wantErr: "parsing hadolint JSON output"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			items, err := parseOutput(data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseOutput error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseOutput: %v", err)
			}
			var codes, files []string
			for _, it := range items {
				codes = append(codes, it.Code)
				if len(files) == 0 || files[len(files)-1] != it.File {
					files = append(files, it.File)
				}
			}
			if diff := cmp.Diff(tt.wantCodes, codes); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFiles, files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOutputItemFields(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "parse-error.json"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := parseOutput(data)
	if err != nil {
		t.Fatal(err)
	}
	want := item{File: "./broken/Dockerfile", Line: 2, Column: 1, Level: "error", Code: "DL1000"}
	got := items[0]
	got.Message = ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item (-want +got):\n%s", diff)
	}
	if !strings.Contains(items[0].Message, "unexpected 'R'") {
		t.Errorf("message = %q, want the parser's message", items[0].Message)
	}
}

func TestParseOutputRejects(t *testing.T) {
	tests := map[string]string{
		"empty":          "",
		"blank":          "  \n",
		"object":         `{"code":"DL3000"}`,
		"item sans code": `[{"file":"./Dockerfile","line":1}]`,
		"truncated":      `[{"code":"DL3000","file":"./Dockerfile"`,
	}
	for name, out := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parseOutput([]byte(out)); err == nil {
				t.Errorf("parseOutput(%q) = nil error, want an error", out)
			}
		})
	}
}

func TestParseOutputKeepsItemsBeforeError(t *testing.T) {
	out := `[{"code":"DL3000","file":"./Dockerfile","line":8,"column":1,"level":"error","message":"Use absolute WORKDIR"}]` + "\nnot json"
	items, err := parseOutput([]byte(out))
	if err == nil {
		t.Fatal("parseOutput = nil error, want an error for the trailing text")
	}
	if len(items) != 1 || items[0].Code != "DL3000" {
		t.Errorf("items = %+v, want the DL3000 item decoded before the error", items)
	}
}
