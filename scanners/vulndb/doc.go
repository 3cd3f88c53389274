// Package vulndb chooses and maintains the Go vulnerability database that
// secscan's govulncheck scan reads, including on machines that reach a Go
// module proxy but neither vuln.go.dev nor any other host.
//
// # Design
//
// The Go vulnerability database is also published as the Go module
// golang.org/x/vulndb, whose data/osv directory holds every advisory as an
// OSV file: a flat directory with no index, whose "modified" times are all
// zero. Sync fetches that module with the go command: go list -m resolves
// a query such as "latest", and go mod download fetches the version. The
// user's GOPROXY, GONOSUMDB, GOPRIVATE, GOFLAGS and proxy credentials thus
// apply as they do to any other module. Sync runs the go command in an empty
// temporary directory with GOWORK=off and -mod=mod in place of any other
// -mod flag. It then writes a database in the layout that govulncheck
// reads from a file:// URL, described at
// https://go.dev/security/vuln/database#api.
//
// Sync builds into a temporary directory next to the target and installs
// it by rename, so a failed or interrupted sync never leaves a partial
// database in place. A stamp file records the module version, and a
// second sync of the same version that finds a complete database does no
// work. SyncOptions.ModuleDir builds from a module directory or zip on
// disk instead, for machines that receive the module by other means and
// for tests.
//
// Choose picks the database for one scan. The --govulndb flag comes first:
// a URL, or a directory that must hold index/db.json. Else, online, it is
// the public database at https://vuln.go.dev when a GET of its
// index/db.json.gz succeeds within the probe timeout, three seconds by
// default (govulncheck v1.9.0 reads the .json.gz endpoints over HTTP).
// Else it is the local database, synced first when it is missing.
// Offline, Choose sends no request and runs no go command. The Source it
// returns carries the database's URL, kind, modified time and module
// version, notes for the user, and the SARIF run properties.
//
// # Layout written
//
//	index/db.json        {"modified": T}
//	index/modules.json   [{"path": M, "vulns": [{"id", "modified", "fixed"}]}], sorted by path, then id
//	index/vulns.json     [{"id", "modified", "aliases"}], sorted by id
//	ID/<id>.json         one OSV entry, every field of the module's file kept
//	secscan-vulndb.json  the stamp: module version, entry count, skipped files
//
// T is the commit time of the module version: the Time that the go command
// reports, else the time in the pseudo-version. Since the module's OSV
// files have zero modified times, Sync sets each entry's modified time to
// T when it is zero, in ID/<id>.json and in both indexes. govulncheck
// v1.9.0 accepts zero times, but it reports db.json's time as the
// database's date, and the "modified" of each index entry would otherwise
// be zero. The "fixed" field is the latest fixed version that no later
// introduction supersedes, computed as govulncheck's own indexer does.
//
// Sync leaves out, and lists in SyncResult.Skipped, every OSV file that
// would mislead govulncheck or fail the scan: JSON that does not decode
// into govulncheck v1.9.0's OSV types (a truncated file, a malformed time,
// an unknown review_status), an id that does not match the file name or is
// not a safe file name, an entry without affected modules, and an affected
// module without a SEMVER range or with a malformed range. govulncheck
// treats a module without SEMVER ranges as affected at every version. Sync
// fails when no entry is usable.
//
// # Limitations
//
//   - The local database is as new as the golang.org/x/vulndb version that
//     was synced. Choose syncs only when the database is missing, so
//     `secscan vulndb sync` keeps it current, and Source.Stale reports
//     whether it is older than a given age.
//   - The module's data/osv is taken as flat: files in subdirectories are
//     ignored.
//   - Between the two renames that replace an existing database, for the
//     time of one rename call, the directory does not exist; a scan that
//     opens it at that moment fails. Two syncs into the same directory at
//     once both build, and the one that installs last wins, or one fails
//     with a rename error and the database stays complete.
//   - Files are not synced to stable storage before the rename; after a
//     power loss the stamp can outlive entry contents on some file
//     systems. Verify checks that every entry file exists, not its
//     content.
//   - A sync interrupted before the rename leaves a temporary directory
//     named .<dir>.new-*; the next sync removes those older than an hour.
//   - The probe of the public database checks only index/db.json.gz. A
//     server that answers it but fails later requests makes the scan
//     fail rather than fall back to the local database.
package vulndb
