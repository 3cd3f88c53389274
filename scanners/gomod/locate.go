package gomod

import "golang.org/x/mod/modfile"

// Pseudo-module paths that govulncheck uses for the standard library and the
// go command.
const (
	StdlibModule    = "stdlib"
	ToolchainModule = "toolchain"
)

// Span is a region of a go.mod file. Lines and columns are 1-based, columns
// count runes, and EndColumn is the column after the last character.
type Span struct {
	StartLine, StartColumn, EndLine, EndColumn int
}

// Locate returns the directive of f that brings modulePath into the build:
//   - for StdlibModule and ToolchainModule, the toolchain directive, else the
//     go directive;
//   - else the require directive of modulePath, direct or indirect;
//   - else a replace directive whose old or new path is modulePath, which is
//     how govulncheck names a module that a replace directive substitutes;
//   - else the module directive.
//
// It returns line 1 when f has none of these.
func Locate(f *modfile.File, modulePath string) Span {
	if modulePath == StdlibModule || modulePath == ToolchainModule {
		switch {
		case f.Toolchain != nil:
			return span(f.Toolchain.Syntax)
		case f.Go != nil:
			return span(f.Go.Syntax)
		}
	}
	for _, r := range f.Require {
		if r.Mod.Path == modulePath {
			return span(r.Syntax)
		}
	}
	for _, r := range f.Replace {
		if r.Old.Path == modulePath || r.New.Path == modulePath {
			return span(r.Syntax)
		}
	}
	if f.Module != nil {
		return span(f.Module.Syntax)
	}
	return Span{StartLine: 1}
}

func span(l *modfile.Line) Span {
	if l == nil {
		return Span{StartLine: 1}
	}
	return Span{
		StartLine:   l.Start.Line,
		StartColumn: l.Start.LineRune,
		EndLine:     l.End.Line,
		EndColumn:   l.End.LineRune,
	}
}
