// Package policy decides whether a scan fails the build, and explains why.
//
// secscan keeps two things apart: the report, which contains every result
// the scanners found, and the verdict, which a policy file derives from
// them. Nothing here removes a result from the full report. The package
// only marks results (suppressions, baseline states) and returns a Verdict
// that names, for each failure, the result, its rule, its severity and the
// line of the policy file that made it fail.
//
// The pipeline, in order:
//
//	p, err := policy.Load(root, policy.DefaultFile)  // or policy.Default()
//	... run the scanners with p's per-tool settings and p.ExcludeFor(tool) ...
//	policy.ApplyExclude(p, runs)         // drop results in excluded paths
//	fingerprint.Annotate(root, runs)     // fill LineHash and Fingerprint
//	v := policy.Evaluate(p, runs, policy.Options{Now: now, Baseline: b})
//	... write the full SARIF log from runs, and the upload file from
//	    policy.ForUpload(runs, keepSuppressed) ...
//	os.Exit(v.ExitCode)
//
// Policy files are decoded through yaml.Node rather than into structs, so
// that every error and every setting carries its line number. Load reports
// all problems of a file at once, as Errors.
//
// Severity follows GitHub code scanning: the rule's security-severity in
// GitHub's bands, else the result's level (see Rate). The full schema, the
// glob syntax and the exit codes are in the text of SchemaDoc, which
// `secscan policy explain` prints.
package policy

import _ "embed"

// SchemaDoc documents the policy file, the severity bands, the glob syntax,
// suppressions, baselines and exit codes, in Markdown. It is the README's
// policy section.
//
//go:embed schema.md
var SchemaDoc string

// ExitCodesHelp documents the exit codes of `secscan scan`, for its help
// text.
const ExitCodesHelp = `Exit codes:
  0  no result fails the policy and every required scanner ran
  1  at least one result fails the policy
  2  usage or configuration error: invalid flags, policy or baseline file
  3  a required scanner did not run, or any scanner started and failed (takes precedence over 1)`
