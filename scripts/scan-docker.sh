#!/usr/bin/env bash
# Builds the guestbook image and scans it with Trivy and hadolint, writing
# reports/image-trivy.json, reports/image-trivy.sarif and
# reports/image-hadolint.sarif. These are separate from secscan's merged log.
#
# It runs in one of three modes and prints which one ran:
#   engine   docker or podman responds: build the image (or take IMAGE), scan it
#   tarball  IMAGE_TAR names an image tarball (docker save, podman save):
#            scan it, with or without an engine
#   rootfs   no engine responds: build the static guestbook binary into a
#            folder laid out like the image and scan that folder. This covers
#            the Go modules compiled into the binary, not the base image.
#
# Environment:
#   IMAGE             scan this local image in place of building one (engine mode)
#   IMAGE_TAR         scan this image tarball (tarball mode)
#   SECSCAN_TRIVY     the trivy binary; the Makefile sets it to the one "make trivy" builds
#   TRIVY_CACHE_DIR   Trivy's cache folder, which holds its databases (default: Trivy's own)
#   SECSCAN_OFFLINE   1 keeps Trivy off the network; it then scans for vulnerabilities
#                     only when its database is already in the cache
#   SECSCAN_HADOLINT  the hadolint binary (default: hadolint on PATH, else its container)
#   HADOLINT_IMAGE    the hadolint container image (default: v2.14.0, pinned by digest)
#   REPORTS           the reports folder (default: reports)
#
# Exit status: 0 when the scans ran, whatever they found; 1 when a build or
# a scanner failed; 2 on invalid input or a missing tool.
set -euo pipefail

# IMAGE_TAR is relative to the caller's folder, not to the repository root.
case "${IMAGE_TAR:-}" in
"" | /*) ;;
*) IMAGE_TAR=$PWD/$IMAGE_TAR ;;
esac
cd "$(dirname "$0")/.."

REPORTS=${REPORTS:-reports}
IMAGE=${IMAGE:-}
IMAGE_TAR=${IMAGE_TAR:-}
HADOLINT_IMAGE=${HADOLINT_IMAGE:-hadolint/hadolint:v2.14.0@sha256:27086352fd5e1907ea2b934eb1023f217c5ae087992eb59fde121dce9c9ff21e}
DOCKERFILE=Dockerfile

say() { printf 'scan-docker: %s\n' "$*" >&2; }
fail() {
	local status=$1
	shift
	say "$*"
	exit "$status"
}

# is_true reports whether $1 is a true value as secscan reads SECSCAN_OFFLINE.
# (It spells out the cases because macOS still ships bash 3.2, without ${1,,}.)
is_true() {
	case "$1" in
	1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn]) return 0 ;;
	esac
	return 1
}

# find_trivy prints the trivy binary to use.
find_trivy() {
	if [ -n "${SECSCAN_TRIVY:-}" ]; then
		[ -x "$SECSCAN_TRIVY" ] || fail 2 "SECSCAN_TRIVY=$SECSCAN_TRIVY is not an executable file; run \"make trivy\" to build it"
		printf '%s\n' "$SECSCAN_TRIVY"
	elif command -v trivy >/dev/null; then
		command -v trivy
	else
		fail 2 "no trivy binary: SECSCAN_TRIVY is not set and trivy is not on PATH; run \"make scan-docker\", which builds it"
	fi
}

# find_engine prints docker or podman when its "info" command succeeds,
# and explains on standard error why each candidate does not.
find_engine() {
	local engine reason
	for engine in docker podman; do
		if ! command -v "$engine" >/dev/null; then
			say "$engine: not installed"
			continue
		fi
		if reason=$("$engine" info 2>&1 >/dev/null); then
			printf '%s\n' "$engine"
			return 0
		fi
		say "$engine: installed, but \"$engine info\" failed: $(printf '%s\n' "$reason" | grep -v '^[[:space:]]*$' | tail -n 1)"
	done
	return 1
}

# trivy_db_present reports whether Trivy's vulnerability database is in
# its cache folder.
trivy_db_present() {
	local dir=${TRIVY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trivy}
	[ -s "$dir/db/trivy.db" ] && [ -s "$dir/db/metadata.json" ]
}

# run_trivy runs "trivy KIND ARGS..." with the shared flags, writes the
# JSON report (with every package found, so it lists the binary's modules
# even when no vulnerability database is at hand), converts it to SARIF and
# prints a table. KIND is image or rootfs.
run_trivy() {
	local kind=$1
	shift
	local scanners=vuln,secret
	local flags=(--format json --output "$REPORTS/image-trivy.json" --list-all-pkgs --exit-code 0)
	if [ -n "${TRIVY_CACHE_DIR:-}" ]; then
		flags+=(--cache-dir "$TRIVY_CACHE_DIR")
	fi
	if is_true "${SECSCAN_OFFLINE:-}"; then
		flags+=(--skip-db-update --skip-java-db-update --skip-check-update --offline-scan
			--disable-telemetry --skip-version-check)
		if ! trivy_db_present; then
			say "vulnerability scan skipped: SECSCAN_OFFLINE is set and Trivy's cache has no vulnerability database; run once with network access, or unset SECSCAN_OFFLINE"
			scanners=secret
		fi
	fi
	flags+=(--scanners "$scanners")
	if [ "$kind" = image ]; then
		# The image configuration: its user, ports and build history.
		flags+=(--image-config-scanners "misconfig,secret")
		scanners+=,misconfig
	fi

	say "running: trivy $kind ${flags[*]} $*"
	"$TRIVY" "$kind" "${flags[@]}" "$@" || fail 1 "trivy $kind failed; its messages are above"
	"$TRIVY" convert --format sarif --output "$REPORTS/image-trivy.sarif" "$REPORTS/image-trivy.json" ||
		fail 1 "trivy convert failed on $REPORTS/image-trivy.json"
	"$TRIVY" convert --format table --scanners "$scanners" "$REPORTS/image-trivy.json" ||
		fail 1 "trivy convert failed on $REPORTS/image-trivy.json"
}

# run_hadolint lints the Dockerfile with a hadolint binary, else through
# ENGINE when one responds, else says why it did not run.
run_hadolint() {
	local engine=$1 binary=${SECSCAN_HADOLINT:-}
	local args=(--no-fail --format sarif "$DOCKERFILE")
	if [ ! -f "$DOCKERFILE" ]; then
		say "hadolint skipped: no $DOCKERFILE at the repository root"
		return 0
	fi
	if [ -z "$binary" ] && command -v hadolint >/dev/null; then
		binary=$(command -v hadolint)
	fi

	if [ -n "$binary" ]; then
		say "running: $binary ${args[*]}"
		"$binary" "${args[@]}" >"$REPORTS/image-hadolint.sarif" || fail 1 "hadolint failed"
	elif [ -n "$engine" ]; then
		say "running: $engine run $HADOLINT_IMAGE hadolint ${args[*]}"
		"$engine" run --rm -v "$PWD:/repo:ro" -w /repo "$HADOLINT_IMAGE" hadolint "${args[@]}" \
			>"$REPORTS/image-hadolint.sarif" || fail 1 "hadolint in $HADOLINT_IMAGE failed"
	else
		say "hadolint skipped: no hadolint binary (set SECSCAN_HADOLINT or put hadolint on PATH) and no container engine for its image"
		return 0
	fi
	say "hadolint wrote $REPORTS/image-hadolint.sarif"
}

scan_engine() {
	local engine=$1
	if [ -z "$IMAGE" ]; then
		[ -f "$DOCKERFILE" ] || fail 2 "no $DOCKERFILE at the repository root to build the image from; pass IMAGE=NAME to scan an existing image"
		IMAGE=guestbook:scan
		say "building $IMAGE from $DOCKERFILE with $engine"
		"$engine" build -t "$IMAGE" -f "$DOCKERFILE" . || fail 1 "$engine build failed; its messages are above"
	fi

	if [ "$engine" = docker ]; then
		run_trivy image --image-src docker "$IMAGE"
		return
	fi
	# Trivy reads podman images only through podman's API socket, which is
	# often not running, so hand it a saved copy instead.
	local tar="$workdir/image.tar"
	"$engine" save -o "$tar" "$IMAGE" || fail 1 "$engine save $IMAGE failed"
	run_trivy image --input "$tar"
}

scan_rootfs() {
	local rootfs="$workdir/rootfs"
	mkdir -p "$rootfs/usr/local/bin"
	# The same build and path as in the Dockerfile's final stage.
	say "building the static guestbook binary into $rootfs/usr/local/bin"
	(cd app && GOWORK=off CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$rootfs/usr/local/bin/guestbook" ./cmd/guestbook) ||
		fail 1 "building app/cmd/guestbook failed; its messages are above"
	run_trivy rootfs "$rootfs"
}

main() {
	if [ -n "$IMAGE_TAR" ] && [ ! -f "$IMAGE_TAR" ]; then
		fail 2 "IMAGE_TAR=$IMAGE_TAR is not a file; pass the path of a tarball from docker save or podman save"
	fi
	TRIVY=$(find_trivy)
	mkdir -p "$REPORTS"
	# A report left by an earlier run must not pass for one of this run.
	rm -f "$REPORTS/image-trivy.json" "$REPORTS/image-trivy.sarif" "$REPORTS/image-hadolint.sarif"
	workdir=$(mktemp -d)
	trap 'rm -rf "$workdir"' EXIT

	local engine=""
	engine=$(find_engine) || engine=""

	if [ -n "$IMAGE_TAR" ]; then
		say "mode: tarball ($IMAGE_TAR)"
		run_trivy image --input "$IMAGE_TAR"
	elif [ -n "$engine" ]; then
		say "mode: engine ($engine)"
		scan_engine "$engine"
	else
		[ -z "$IMAGE" ] || fail 2 "IMAGE=$IMAGE needs a container engine, and none responds; save the image elsewhere and pass IMAGE_TAR=FILE"
		say "no container engine responds, so the image cannot be built here"
		say "without one, pass IMAGE_TAR=FILE to scan a saved image; now scanning the guestbook binary as a root filesystem"
		say "mode: rootfs"
		scan_rootfs
	fi

	run_hadolint "$engine"
	say "reports: $REPORTS/image-trivy.json, $REPORTS/image-trivy.sarif$([ -s "$REPORTS/image-hadolint.sarif" ] && printf ', %s' "$REPORTS/image-hadolint.sarif")"
}

main "$@"
