// Package trivy runs Trivy's filesystem scan (`trivy fs`) as a subprocess
// and converts its JSON report into a finding.Run.
//
// Trivy runs as a separate binary, not as a library: Trivy v0.74.0 needs
// GOEXPERIMENT=jsonv2 to build, and linking it would make every build of
// secscan carry that experiment and a very large binary.
//
// # Which binary
//
// The first of these that exists runs:
//
//  1. Config.Binary (the --trivy flag); a configured path that does not
//     exist is an error rather than a fall-through;
//  2. the file named by $SECSCAN_TRIVY, which the Makefile exports;
//  3. trivy on PATH;
//  4. <user cache dir>/secscan/bin/trivy-v0.74.0, where `make trivy` builds
//     PinnedVersion from tools/trivy.mod.
//
// Without any, Scan returns a *finding.NotRunError whose Fix is to run
// `make trivy`. A Trivy of another version runs too, with a note.
//
// # What it scans
//
// One `trivy fs` runs over the repository root with three scanners. The
// vuln scanner finds known vulnerabilities in lock files and installed
// packages. The misconfig scanner checks Dockerfiles, Kubernetes manifests,
// Helm charts, Terraform and the other formats that Trivy supports. The
// secret scanner looks for credentials in any file. Config.Scanners can
// run fewer of them, Config.Severities limits the severities reported
// (--severity), and Config.CheckDirs adds custom Rego checks
// (--config-check, with --check-namespaces from Config.CheckNamespaces).
// The scan leaves out DefaultSkipDirs (testdata directories,
// whose fixtures hold planted problems, and reports/) and every
// Target.Exclude glob. The globs go to Trivy's --skip-dirs and --skip-files,
// and the results are filtered by path as well, with the same glob library
// (doublestar) that Trivy uses. A glob also matches every path below a
// directory it matches.
//
// Telemetry and the version check are off in every scan. An offline scan
// also skips all downloads (--skip-db-update, --skip-java-db-update,
// --skip-check-update, --skip-vex-repo-update, --offline-scan), so it reads
// only the cache and the checks built into the binary. Trivy then logs
// "Falling back to embedded checks" as an error although the embedded
// checks run; that line is not reported.
//
// # The vulnerability database
//
// The database lives in <cache>/db (trivy.db and metadata.json), where the
// cache is Config.CacheDir, else $TRIVY_CACHE_DIR, else Trivy's default
// <user cache dir>/trivy. It is always passed with --cache-dir. Before an
// offline scan the adapter checks for both files and the schema version.
// Without a usable database, or when Trivy fails to download or open one,
// the scan runs with the misconfig and secret scanners only. A warning
// notification then reads "vulnerability scanning did not run: no Trivy
// database in DIR" and gives the fix: run once online, or copy a Trivy
// database into the cache as Trivy's air-gapped guide describes. The run
// stays ok for the scanners that ran. Its "scanners" property lists them,
// and "vulnerabilityDB" records the database's dates.
//
// # Rules, levels and severity
//
// Each vulnerability id (CVE-..., GHSA-...) is a rule, and so is each
// misconfiguration check id (such as DS-0002; the help links to the
// check's page on Aqua's vulnerability database) and each secret rule id.
// Rule text comes from the advisory, check or secret rule, never from one
// finding's message; descriptions are cut to 1,024 characters.
//
//	Trivy severity   SARIF level   security-severity
//	CRITICAL         error         9.5
//	HIGH             error         8.0
//	MEDIUM           warning       5.5
//	LOW              note          2.0
//	UNKNOWN          note          4.0
//
// A vulnerability's security-severity is its CVSS v3 base score when it has
// one, taken from NVD first, then GitHub's advisory database, then the
// source of Trivy's severity label; otherwise the value above. UNKNOWN
// means nobody rated the vulnerability yet, so it gets the lowest medium
// value rather than a low one. Tags are "security", the category
// (vulnerability, misconfiguration, secret), the misconfiguration type, and
// a vulnerability's CWE ids as external/cwe/cwe-N, at most 20.
//
// # Paths and identity
//
// Trivy's paths are relative to the scanned root, which is the repository
// root, so they are repository paths. A vulnerability is placed in the
// file that defines its package (the package's own file when Trivy names
// one, else the lock file at the line Trivy records). A result whose
// target is not a file in the repository (an image name, a package type,
// a remote module) is left out and counted in a warning notification; no
// result gets an empty or remote URI.
//
// Result keys, which the fingerprint uses across line moves: package name
// and version, vulnerability id and file for a vulnerability; check id,
// resource and message for a misconfiguration; rule id and title for a
// secret. Secret results never carry the matched text, not even Trivy's
// masked copy.
//
// # Limitations
//
//   - Trivy always skips .git, and directories named proc, sys and dev at
//     the top of the scanned tree (pkg/fanal/walker/walk.go in v0.74.0), so
//     a repository's top-level dev/ is never scanned.
//   - Trivy reads trivy.yaml and .trivyignore from the repository root, and
//     TRIVY_* environment variables, as it does when run by hand. The flags
//     above take precedence over both.
//   - Offline, Trivy identifies jar files without Maven lookups, and
//     without a Java database (<cache>/java-db) it skips them silently, so
//     their vulnerabilities go unreported.
//   - Misconfigurations found in a remote Terraform module have no file in
//     the repository and are left out.
//   - Each analysis gets the context's remaining time as Trivy's --timeout,
//     or a day when the context has none.
package trivy
