// Package hadolint runs hadolint, the Dockerfile linter, over the
// Dockerfiles of a repository and converts its JSON output into a
// finding.Run.
//
// # Which Dockerfiles
//
// Every regular file named Dockerfile, Containerfile, NAME.Dockerfile,
// Dockerfile.NAME or Containerfile.NAME, except *.dockerignore files. The
// search skips .git, .hg, .svn and node_modules, the directories in
// DefaultSkipDirs (testdata directories, whose Dockerfiles are fixtures,
// and reports/) and the Target.Exclude globs. Symbolic links are not
// followed. With no Dockerfile the run is ok and empty, with a note.
//
// # How hadolint runs
//
// The first of these that exists runs hadolint:
//
//  1. Config.Binary;
//  2. the file named by $SECSCAN_HADOLINT;
//  3. hadolint on PATH;
//  4. DefaultImage (hadolint v2.14.0, pinned by digest) in docker or podman,
//     with the repository mounted read-only at /repo, no network, a
//     read-only root filesystem, and the container removed when the scan
//     ends or is cancelled.
//
// A container engine counts only when `ENGINE info` succeeds: a docker CLI
// without a daemon is reported as such, not found failing at run time.
// Offline, the image must already be present. When nothing can run
// hadolint, Scan returns a *finding.NotRunError whose Fix explains how to
// install it.
//
// One process lints all files, passed by path relative to the root (never
// on standard input, where hadolint names the file "-"). Config.ConfigFile,
// or else policies/hadolint.yaml when it exists, is passed with --config.
// Without either, hadolint looks for its own configuration, such as
// .hadolint.yaml in the repository root. hadolint runs with --no-fail, so exit status 0 means it
// ran; exit status 1 with a well-formed report and nothing on standard
// error is accepted too. Any other status, output that is not hadolint's
// JSON, or a timeout fails the run, which keeps the results parsed so far.
//
// # Rules and severity
//
// hadolint's output has only a code and a message per finding, so the rule
// text comes from a table in this package (rules.go), written from
// hadolint's README and rule sources: every DL rule with a one-line
// description and its default level, and the common ShellCheck (SC) rules.
// Other codes get generic text. Help links go to
// https://github.com/hadolint/hadolint/wiki/DLxxxx and
// https://www.shellcheck.net/wiki/SCxxxx.
//
//	hadolint level   SARIF level   security-severity
//	error            error         5.5 (medium)
//	warning          warning       4.0 (medium)
//	info             note          2.0 (low)
//	style            note          1.0 (low)
//
// hadolint's levels rate build correctness and style, not exploitability:
// its errors include "MAINTAINER is deprecated". So the scale tops out at
// medium, and only rules that find a security weakness score 7.0 (high):
// DL3002 (the image runs as root), DL3026 (a base image from a registry
// that is not allowed) and DL3064 (a secret in ARG or ENV, which stays in
// the image). A ShellCheck rule's default level is the level of its first
// result. Each result keeps hadolint's own level, including a level
// changed by configuration, in its hadolintLevel property.
//
// Results have no Key: the fingerprint then uses the text of the flagged
// instruction, which identifies a Dockerfile finding across line moves.
//
// # Limitations
//
//   - The rule table describes hadolint up to the rules in its source
//     tree when it was written; a newer hadolint's new codes get generic
//     text until the table is updated.
//   - A rule's security-severity cannot follow a level override in the
//     hadolint configuration; the result's level does.
//   - The image digest could not be verified from the machine this was
//     written on; see DefaultImage.
//   - A repository path that contains a colon cannot be mounted with -v;
//     such a scan needs a hadolint binary.
//   - On SELinux hosts the engine may refuse to read the mounted
//     repository unless its files are labelled for containers; secscan
//     does not relabel them (a :z mount would change the repository's
//     labels).
//   - The first containerised scan on a machine pulls the image, which
//     needs the network.
package hadolint
