#!/usr/bin/env bash
# make bench: prints, from one run on this machine,
#   1. the wall time of a full secscan scan of this repository,
#   2. the wall time of the four tools' own command-line programs, at the
#      versions secscan links or runs, run one after another on the same tree,
#   3. the time and peak memory to merge and write 100,000 synthetic results.
# Both scans read the same local Go vulnerability database and run Trivy
# offline, so neither waits on the network and both see the same data.
set -euo pipefail
cd "$(dirname "$0")/.."

trivy=${SECSCAN_TRIVY:?set SECSCAN_TRIVY to the trivy binary, or run this through make bench}
db=${SECSCAN_VULNDB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/secscan/govulndb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "bench: building secscan and the gosec and govulncheck commands (not timed)"
go build -o "$tmp/secscan" ./scanners/cmd/secscan
GOWORK=off go build -modfile=tools/scanners.mod -o "$tmp/gosec" github.com/securego/gosec/v2/cmd/gosec
GOWORK=off go build -modfile=tools/scanners.mod -o "$tmp/govulncheck" golang.org/x/vuln/cmd/govulncheck
"$tmp/secscan" vulndb sync --dir "$db" >/dev/null

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "bench: secscan scan (all four scanners, concurrently)"
start=$(now)
status=0
"$tmp/secscan" scan --out "$tmp/reports" --offline --govulndb "$db" --progress plain . \
	>"$tmp/secscan.log" 2>&1 || status=$?
secscan_s=$(elapsed "$start" "$(now)")
if [ "$status" -ge 2 ]; then
	cat "$tmp/secscan.log" >&2
	echo "bench: secscan scan exited with status $status" >&2
	exit 1
fi

# The Go modules of the tree, as secscan finds them: testdata and vendor
# folders are left out.
modules=$(git ls-files '*go.mod' | grep -v -e '/testdata/' -e '^vendor/' | xargs -n1 dirname)

echo "bench: the tools' own commands, one after another"
start=$(now)
for m in $modules; do
	(cd "$m" && "$tmp/gosec" -quiet -no-fail -fmt=json -out="$tmp/gosec-$(echo "$m" | tr / _).json" ./... >/dev/null)
done
gosec_end=$(now)
for m in $modules; do
	(cd "$m" && "$tmp/govulncheck" -db "file://$db" -json ./... >"$tmp/govulncheck-$(echo "$m" | tr / _).json")
done
govulncheck_end=$(now)
# Without a vulnerability database an offline Trivy refuses the vuln
# scanner, so, like secscan, it then runs only the other two.
trivy_scanners=misconfig,secret
if [ -f "${TRIVY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trivy}/db/trivy.db" ]; then
	trivy_scanners=vuln,misconfig,secret
fi
"$trivy" fs --quiet --format json --output "$tmp/trivy.json" --scanners "$trivy_scanners" \
	--disable-telemetry --skip-version-check --skip-db-update --skip-java-db-update --skip-check-update \
	--offline-scan --skip-dirs '**/testdata' --skip-dirs reports \
	--config-check policies/trivy --check-namespaces user .
trivy_end=$(now)
hadolint_note="not available on this machine, not timed"
if command -v hadolint >/dev/null; then
	git ls-files '*Dockerfile*' | grep -v /testdata/ | xargs hadolint --format json >/dev/null 2>&1 || true
	hadolint_note="timed"
fi
sequential_s=$(elapsed "$start" "$(now)")

echo
echo "Full scan of this repository ($(nproc) cores)"
echo "  secscan scan, concurrent:        ${secscan_s} s"
echo "  tools one after another:         ${sequential_s} s" \
	"(gosec $(elapsed "$start" "$gosec_end") s, govulncheck $(elapsed "$gosec_end" "$govulncheck_end") s," \
	"trivy $(elapsed "$govulncheck_end" "$trivy_end") s, hadolint $hadolint_note)"
echo "  ratio (target at most 0.70):     $(awk -v a="$secscan_s" -v b="$sequential_s" \
	'BEGIN { r = a / b; printf "%.2f, %s", r, (r <= 0.70 ? "met" : "MISSED: a single run; run make bench again on an idle machine") }')"
echo
echo "Merging and writing 100,000 synthetic results (targets: 1 s, 300 MB; ns/op is wall time)"
echo "  one merge in a fresh process (its peak-RSS-MB is the peak of one merge, input included):"
one=$(go test -run '^$' -bench 'BenchmarkWrite100k' -benchtime 1x -count=1 ./scanners/sariflog/ | grep -E '^Benchmark')
echo "$one"
echo "$one" | awk '{
	for (i = 1; i < NF; i++) {
		if ($(i + 1) == "ns/op") seconds = $i / 1e9
		if ($(i + 1) == "peak-RSS-MB") mb = $i
	}
	printf "  %.2f s (target 1 s: %s), %.0f MB (target 300 MB: %s)\n", seconds, (seconds <= 1 ? "met" : "MISSED"), mb, (mb <= 300 ? "met" : "MISSED")
}'
echo "  five merges (time per merge; the peak includes garbage of earlier merges):"
go test -run '^$' -bench 'BenchmarkWrite100k' -benchtime 5x -count=1 ./scanners/sariflog/ | grep -E '^Benchmark'
