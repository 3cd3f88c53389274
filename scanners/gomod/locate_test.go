package gomod

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/modfile"
)

const blockGoMod = `module example.org/app

go 1.24.2

require example.org/single v1.0.0

require (
	example.org/direct v1.2.3
	example.org/indirect v0.1.0 // indirect
)

replace example.org/old => example.org/fork v1.0.1

replace example.org/local => ../local
`

func TestLocate(t *testing.T) {
	withToolchain := blockGoMod + "\ntoolchain go1.26.8\n"
	tests := []struct {
		name   string
		gomod  string
		module string
		want   Span
	}{
		{"single-line require", blockGoMod, "example.org/single", Span{5, 1, 5, 34}},
		{"require in block", blockGoMod, "example.org/direct", Span{8, 2, 8, 27}},
		{"indirect require", blockGoMod, "example.org/indirect", Span{9, 2, 9, 29}},
		{"replaced old path", blockGoMod, "example.org/old", Span{12, 1, 12, 51}},
		{"replacement module path", blockGoMod, "example.org/fork", Span{12, 1, 12, 51}},
		{"replacement directory", blockGoMod, "../local", Span{14, 1, 14, 38}},
		{"module not listed", blockGoMod, "example.org/transitive", Span{1, 1, 1, 23}},
		{"stdlib without toolchain", blockGoMod, StdlibModule, Span{3, 1, 3, 10}},
		{"stdlib with toolchain", withToolchain, StdlibModule, Span{16, 1, 16, 19}},
		{"toolchain module", withToolchain, ToolchainModule, Span{16, 1, 16, 19}},
		{"stdlib without go line", "module example.org/bare\n", StdlibModule, Span{1, 1, 1, 24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := modfile.Parse("go.mod", []byte(tt.gomod), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, Locate(f, tt.module)); diff != "" {
				t.Errorf("Locate(%q) mismatch (-want +got):\n%s", tt.module, diff)
			}
		})
	}
}

func TestLocateEmptyFile(t *testing.T) {
	f, err := modfile.ParseLax("go.mod", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Locate(f, "example.org/x"), (Span{StartLine: 1}); got != want {
		t.Errorf("Locate(empty) = %+v, want %+v", got, want)
	}
}
