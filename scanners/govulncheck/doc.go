// Package govulncheck runs govulncheck (golang.org/x/vuln/scan) in-process
// over every Go module of a repository and converts its findings to
// secscan's finding model.
//
// # How it runs
//
// The scanner finds the modules with the gomod package, so it skips vendor,
// testdata, hidden and underscore directories and honours go.work files. For
// each module that has Go files it runs the equivalent of
//
//	govulncheck -C <module dir> -db <database> -scan symbol -json ./...
//
// through scan.Command, with the environment from gomod.Module.Env (GOWORK
// set per module, and no module downloads when the target is offline). The
// scan is in source mode. Config.ScanLevel can lower the scan level to
// package or module; at module level the package pattern is left out,
// because govulncheck rejects it there. govulncheck exits with status 0 in
// JSON mode even when it finds vulnerabilities, so only an error from Wait
// means that it failed.
//
// The database is a URL or a local directory (see [DatabaseURL]); the
// default is the public database, https://vuln.go.dev. An offline scan
// accepts only a file:// database.
//
// The scanner runs no separate "go mod download". While govulncheck loads
// packages, the go command fetches missing modules through GOPROXY, unless
// the target is offline. An offline scan uses only the module cache, and a
// missing module fails the module's scan.
//
// # Results
//
// The JSON output is a stream of objects: a config, an SBOM, the OSV entries
// of every advisory that affects a module in the build, and findings at
// module, package and symbol level. The scanner keeps, for each advisory and
// vulnerable module, the findings at the deepest level reached, and reports
// one result for each advisory, vulnerable module and scanned module.
//
// A result sits on the line of the scanned module's go.mod that brings the
// vulnerable module in: its require directive (direct or indirect), else a
// replace directive that names it, else the module directive. Standard
// library results sit on the toolchain directive, else the go directive.
// The result key is the vulnerable module path and the advisory id, so the
// fingerprint does not change when go.mod lines move.
//
// Result properties: module, foundVersion, fixedVersion, aliases,
// reachability ("called", "imported" or "required"), and symbols (called)
// or packages (imported).
//
// The call stacks of a called advisory become code flows from the entry
// point of the scanned module to the call that leads to the vulnerable
// function. Only frames in repository files become steps; the flow message
// counts the frames left out. At most 5 flows of at most 50 steps are kept
// per result, far below GitHub's limit of 10,000 thread-flow locations, and
// a note reports when flows were dropped.
//
// Each advisory is a rule: id and name are the Go advisory id (GO-YYYY-NNNN),
// the short description is the OSV summary, the full description the OSV
// details cut to 1,024 characters, and the help lists the affected versions
// and packages with links to https://pkg.go.dev/vuln/<id>, the CVE and GHSA
// aliases and the OSV references. Tags are "security" and the aliases.
//
// The driver is always named "govulncheck" with the version of x/vuln linked
// into the binary (v1.9.0 is reported as "1.9.0"), because govulncheck run
// in-process names itself after the running binary.
//
// # Severity
//
// The Go vulnerability database has no CVSS score or severity, so the
// rating comes from reachability alone. Called means that a call stack
// reaches a vulnerable function. Imported means that a vulnerable package is
// imported but none of its vulnerable functions is called. Required means
// that a package of the vulnerable module is in the build, but none of its
// vulnerable packages.
//
//	scan level  reachability  level    security-severity  GitHub  precision
//	symbol      called        error    8.0                high    high
//	symbol      imported      warning  5.5                medium  medium
//	symbol      required      note     2.0                low     low
//	package     imported      error    8.0                high    medium
//	package     required      warning  5.5                medium  low
//	module      required      error    8.0                high    low
//
// A scan below symbol level cannot rule out that the code calls the
// vulnerable functions, so the deepest reachability it checks rates as an
// error, and the message says which checks the scan level skipped.
//
// GitHub reads security-severity, level and precision from the rule, so a
// rule takes the rating of its most reachable result in the run.
//
// # Limitations
//
//   - Source mode only: binaries are not scanned.
//   - govulncheck needs the go command on PATH; without it the scan does
//     not run. It also needs every dependency in the module cache or
//     reachable through GOPROXY; a package load error fails the module.
//   - Standard library results depend on the Go toolchain on PATH, which
//     govulncheck takes as the standard library version.
//   - A result for a module that only a go.work brings in, or that the
//     go.mod lists nowhere, sits on the module directive.
//   - Code flows only show frames in the repository; calls through the
//     standard library or dependencies appear as "calls" in the step
//     messages.
//   - Cancellation: govulncheck loads packages without the context. Scan
//     returns at once when the context ends and abandons the goroutine
//     that waits for govulncheck.
//   - Test files are not scanned (govulncheck's default).
package govulncheck
