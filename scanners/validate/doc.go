// Package validate checks a SARIF file against what GitHub code scanning
// accepts, for `secscan validate` and for the tests of the SARIF writer.
//
// Three layers read an uploaded file, and Validate reports a Problem for
// the rules of each:
//
//   - The upload-sarif action of github/codeql-action parses the JSON and
//     validates it against the SARIF 2.1.0 schema, which is embedded here. It
//     reports `uri` and `uri-reference` format errors as warnings only, and so
//     does Validate. It also rejects a run whose `results` is missing or null
//     and two runs with the same tool identity and category.
//   - GitHub's server rejects a result without a location, a physical
//     location or a URI. It also rejects a URI that Go's net/url cannot
//     parse or whose scheme is not `file`, a `security-severity` that is
//     not a number, and anything above the Max constants of this package.
//   - Other properties are accepted but lose information, such as a rule
//     without `security-severity`, a driver named CodeQL or more than 20
//     tags. Validate reports those as warnings.
//
// Problem paths are JSONPath-like: $.runs[0].results[3].locations[0].
//
// NOTE: GitHub documents its limits and error messages, not how its
// server counts characters or which encoding its size limit measures.
// Validate counts lengths in UTF-16 code units, which is never fewer than
// code points, and measures the gzip size of the compact JSON that the
// upload-sarif action sends.
package validate
