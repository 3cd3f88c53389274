// Package sariflog writes secscan's findings as one SARIF 2.1.0 log that
// GitHub code scanning accepts.
//
// Build turns the finding.Run of each tool into one SARIF run, built with
// github.com/owenrumney/go-sarif/v2:
//
//   - One run per tool, in a fixed order (gosec, govulncheck, Trivy,
//     hadolint, then any other tool by name), with automationDetails.id
//     "secscan/<tool>/", so every tool is its own analysis category. A run is
//     written even when its tool failed or did not run, with "results": []
//     and a notification that states it.
//   - Every rule has an id, a name, both descriptions, help text and
//     markdown, a default level and the properties GitHub reads: sorted
//     unique tags including "security", precision, and security-severity as
//     a number with one decimal written as a string. A result that names a
//     rule its tool did not describe gets a generic rule.
//   - Every result has one location with a repository-relative,
//     percent-encoded URI, a region whose line and column are at least 1,
//     and the partial fingerprints primaryLocationLineHash (GitHub's) and
//     "secscan/v1" (secscan's own), when the fingerprint package set them.
//   - ruleIndex is computed after the rules are sorted by id.
//
// Build enforces GitHub's limits before anything is written: runs per
// file, results and rules per run, thread-flow locations per result, tags,
// name and description lengths, and the gzip-compressed size of the log as
// the upload-sarif action sends it, without indentation. It reports every
// cut as a toolExecutionNotification of the run it affected. Where results
// must be dropped, the least severe go first.
//
// The output is deterministic: the same findings give a byte-identical file
// whatever their input order. Rules are sorted by id, results by path,
// line, column, rule id, message and fingerprint, and map keys by
// encoding/json. Times appear only in invocations.
//
// Write a log with Encode or WriteFile, not with go-sarif's own writers:
// go-sarif serializes unset suppression fields as null, which the schema
// rejects, and its WriteFile does not truncate an existing file. Encode
// streams the results, which are most of a log, field by field, and hands
// anything unusual to encoding/json; the output is byte for byte what
// encoding/json would write.
package sariflog
