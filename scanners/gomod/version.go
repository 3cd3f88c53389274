package gomod

import (
	"runtime/debug"
	"strings"
)

// LinkedVersion returns the version, without the leading "v", of module path
// as linked into the running binary, or fallback when the build information
// does not list it. A replaced module reports the replacement's version.
// Test binaries carry no dependency list, so tests always get fallback.
func LinkedVersion(path, fallback string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fallback
	}
	return depVersion(info.Deps, path, fallback)
}

func depVersion(deps []*debug.Module, path, fallback string) string {
	for _, d := range deps {
		if d.Path != path {
			continue
		}
		v := d.Version
		if d.Replace != nil && d.Replace.Version != "" {
			v = d.Replace.Version
		}
		if v == "" || v == "(devel)" {
			return fallback
		}
		return strings.TrimPrefix(v, "v")
	}
	return fallback
}
