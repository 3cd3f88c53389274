// Package fingerprint computes the two fingerprints that secscan writes into
// every SARIF result.
//
// LineHashes reproduces GitHub's primaryLocationLineHash, the partial
// fingerprint that the upload-sarif action of github/codeql-action computes
// for each result whose file it can read. The action keeps a value that is
// already present, so a wrong value here would replace GitHub's own. This
// package therefore implements the algorithm exactly, including how it
// decodes the file (UTF-8 read as UTF-16 code units) and how it treats
// line ends.
//
// Annotate fills finding.Result.LineHash with that value and
// finding.Result.Fingerprint with secscan's own fingerprint, which stays the
// same when a finding moves to another line. The SARIF writer stores the
// second one under the partial fingerprint key "secscan/v1" (Key).
//
// Annotate reads each file once through an os.Root, so a result path that
// leaves the repository (through "..", an absolute path or a symbolic link)
// is never read.
package fingerprint
