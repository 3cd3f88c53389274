// Package gomod finds the Go modules of a repository and returns the
// environment in which the Go scanners load each one. It also contains the
// other helpers that both Go scanners use: go.mod line locations, UTF-16
// columns ([Columns]) and the version of a module linked into the binary
// ([LinkedVersion]).
//
// [Find] walks the repository the way the go command walks "./...": it skips
// directories named vendor or testdata and directories whose names start with
// "." or "_", and it skips directories that match an exclude glob. Every
// go.mod file it meets is a module, including modules nested inside another
// module.
//
// # Workspaces
//
// The go command looks for a go.work file in the working directory and its
// parents. When it finds one that does not list the module being loaded, it
// fails with "directory is outside modules listed in go.work". That happens
// when a repository with a go.work contains a module that the workspace does
// not use, or when the scanned folder sits below a checkout that has its own
// go.work. So Find records, for each module, the nearest go.work between the
// module directory and the scanned root, and [Module.Env] sets GOWORK to it
// when that go.work lists the module, and GOWORK=off otherwise. A go.work
// above the scanned root never counts, so a scan gives the same result
// whether or not the repository is checked out inside another workspace.
//
// # Offline
//
// The go command downloads missing modules and toolchains while it loads
// packages. With offline set, Module.Env sets GOPROXY=off (unless every
// GOPROXY entry is a file:// URL or "off"), GOSUMDB=off and GOTOOLCHAIN=local,
// so loading uses only the module cache and fails with a clear error where a
// module is missing. Modules are then checked against go.sum only.
//
// # Excludes
//
// Exclude globs are those of the policy/glob package: slash-separated,
// relative to the scanned root, matched per path element with "**" for any
// number of elements, and a glob that matches a directory excludes everything
// under it. See [Excluded].
//
// # go.mod locations
//
// [Locate] returns the line of a go.mod file that brings a module into the
// build: the require directive of that module (direct or indirect), else a
// replace directive that names it, else the module directive. For the
// standard library ("stdlib") and the go command ("toolchain") it returns the
// toolchain directive, else the go directive.
package gomod
