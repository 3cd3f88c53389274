// Package gosec runs gosec (github.com/securego/gosec/v2) in-process over
// every Go module of a repository and converts its issues to secscan's
// finding model.
//
// # How it runs
//
// The scanner finds the modules with the gomod package, so it skips vendor,
// testdata, hidden and underscore directories and honours go.work files. For
// each module that has Go files it loads "./..." with golang.org/x/tools/go/packages,
// with the module directory as working directory and the environment from
// gomod.Module.Env (GOWORK set per module, and no network when the target is
// offline). It then runs every gosec rule (rules.Generate) and every analyzer
// (analyzers.Generate), including the SSA taint analyzers G701 to G710, on
// each package through gosec's Analyzer.CheckRules and CheckAnalyzers.
// Config.IncludeRules and ExcludeRules select rules as gosec's -include and
// -exclude flags do. A rule turned off is not loaded, so it reports nothing,
// not even suppressed results.
//
// gosec's own Process method is not used, because it loads packages with the
// process environment and cannot set GOWORK per module without changing the
// environment of every scanner that runs in the same process.
//
// Test files are not scanned, as with gosec's default. Results in files that
// match an exclude glob are dropped, and packages whose directory matches one
// are not analysed.
//
// # Failures
//
// gosec needs the go command and the module's dependencies: without them it
// reports nothing, or silently skips the taint analyzers. So every package
// load error, every error in gosec's report and every analyzer failure that
// gosec only writes to its log becomes an error notification, and the scan
// returns an error with the partial results. Without the go command on PATH
// the scan returns a finding.NotRunError.
//
// The scanner runs no separate "go mod download". While it loads packages,
// the go command fetches missing modules through GOPROXY, as "go build"
// would, unless the target is offline. An offline scan uses only the module
// cache, and a missing module is a load error.
//
// # Results
//
// Paths are made relative to the scanned root. Columns are converted from
// gosec's byte offsets to UTF-16 code units. The message is gosec's text for
// the single finding, never its code snippet, because the snippet contains
// the flagged line and so any hard-coded secret. A "#nosec" comment keeps
// the finding as a result with an inSource suppression and the text after
// "--" as justification. Result properties hold gosec's severity,
// confidence and CWE.
//
// Rules carry secscan's own name, descriptions and help for each gosec rule,
// with links to gosec's rule list at the running gosec version, the
// securego.io page where one exists, and the CWE entry. Tags are "security"
// and "external/cwe/cwe-N".
//
// # Severity
//
// Each result is rated from gosec's severity and confidence: a base score
// from the severity, lowered by the confidence, a level from the score, and
// the precision from the confidence.
//
//	gosec severity  confidence  security-severity  GitHub    level    precision
//	HIGH            HIGH        8.0                high      error    high
//	HIGH            MEDIUM      7.5                high      error    medium
//	HIGH            LOW         6.5                medium    warning  low
//	MEDIUM          HIGH        5.5                medium    warning  high
//	MEDIUM          MEDIUM      5.0                medium    warning  medium
//	MEDIUM          LOW         4.0                medium    warning  low
//	LOW             HIGH        3.0                low       note     high
//	LOW             MEDIUM      2.5                low       note     medium
//	LOW             LOW         1.5                low       note     low
//
// GitHub reads security-severity, level and precision from the rule, so a
// rule takes the rating of its most severe result in the run.
//
// The version is gosec's module version linked into the binary (v2.30.0 is
// reported as "2.30.0"), or the version required in go.mod when the binary
// has no build information, as in tests.
//
// # Limitations
//
//   - Packages the go command rejects, such as directories whose names are
//     not valid import path elements (a space or a non-ASCII letter), are
//     not analysed; their load errors fail the scan. The gosec command
//     scans them because it loads files one directory at a time.
//   - Cancellation: loading stops when the context ends, but gosec's
//     checks take no context. Scan then returns at once and abandons the
//     goroutine that runs the checks, which stops after the package it is
//     checking.
//   - G601 depends on the Go version gosec detects once per process, from
//     the go.mod in the working directory of the process, not from the
//     scanned module.
//   - gosec runs with its default configuration; rule options such as G101
//     patterns cannot be set.
//   - The go command may change go.mod or go.sum while loading when GOFLAGS
//     contains -mod=mod; the scanner does not override GOFLAGS.
package gosec
