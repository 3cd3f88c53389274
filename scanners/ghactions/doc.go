// Package ghactions connects secscan to GitHub Actions: it detects a
// workflow run from the environment, appends the scan summary to the job
// summary, turns the most severe findings into annotations, and folds each
// scanner's log into a collapsible group.
//
// Everything here writes GitHub's workflow command syntax or files that the
// runner reads, and nothing calls GitHub's API, so the package needs no token
// and works the same on github.com and GitHub Enterprise Server.
//
// # Limits that GitHub applies
//
//   - A step summary ($GITHUB_STEP_SUMMARY) may contain at most 1 MiB. The
//     runner drops a larger one and shows an error. AppendSummary cuts the
//     Markdown at a line boundary to fit, counting what the file already
//     contains, and ends it with a note on how many lines it left out.
//   - A step shows at most 10 error, 10 warning and 10 notice annotations.
//     Annotations keeps the most severe findings of each type and reserves
//     the tenth notice for a count of the findings it left out.
//   - Workflow command values are escaped as the runner unescapes them. In
//     the message, % CR LF become %25 %0D %0A. Property values also turn
//     : and , into %3A and %2C.
//
// # Severity to annotation type
//
// A finding's severity band, as GitHub code scanning shows it, decides its
// type: critical and high become errors, medium becomes a warning, and low
// or none becomes a notice. The band comes from the rule's
// security-severity when it has one, else from the result's level (see
// finding.Run.SeverityOf), so the annotations agree with the alerts.
//
// # Untrusted text
//
// Finding messages and tool logs contain text from the scanned repository.
// Escaping keeps a message on one command line, and WriteGroup pauses
// command processing (::stop-commands::) around a log, so that neither can
// start a workflow command of its own.
package ghactions
