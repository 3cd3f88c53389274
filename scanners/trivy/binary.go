package trivy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/proc"
)

// PinnedVersion is the Trivy release that `make trivy` builds from
// tools/trivy.mod. A test keeps the two equal.
const PinnedVersion = "v0.74.0"

// EnvBinary names the environment variable that points at a Trivy binary.
// The Makefile exports it with the path that `make trivy` builds.
const EnvBinary = "SECSCAN_TRIVY"

// buildFix is the Fix of the NotRunError returned when no binary is found.
const buildFix = "run `make trivy` to build the pinned Trivy, or install trivy on PATH"

// LocateBinary returns the Trivy executable to run, trying in order: the
// configured path, $SECSCAN_TRIVY, trivy on PATH, and the cache path that
// `make trivy` writes. A configured path that does not exist is an error,
// because the user named that file. A stale $SECSCAN_TRIVY falls through,
// because the Makefile exports it even before the build.
func LocateBinary(configured string) (string, error) {
	if configured != "" {
		if err := proc.CheckExecutable(configured); err != nil {
			return "", &finding.NotRunError{
				Reason: fmt.Sprintf("trivy binary %q: %v", configured, err),
				Fix:    "pass the path of an executable trivy to --trivy, or " + buildFix,
			}
		}
		return configured, nil
	}

	if env := os.Getenv(EnvBinary); env != "" && proc.CheckExecutable(env) == nil {
		return env, nil
	}
	if path, err := exec.LookPath("trivy"); err == nil {
		return path, nil
	}
	if cached, err := cachedBinaryPath(); err == nil && proc.CheckExecutable(cached) == nil {
		return cached, nil
	}

	cached, _ := cachedBinaryPath()
	return "", &finding.NotRunError{
		Reason: fmt.Sprintf("no trivy binary: --trivy not set, $%s unset or not executable, "+
			"no trivy on PATH and none at %s", EnvBinary, cached),
		Fix: buildFix,
	}
}

// cachedBinaryPath returns <user cache dir>/secscan/bin/trivy-<PinnedVersion>,
// where `make trivy` puts the binary when SECSCAN_CACHE is not overridden.
func cachedBinaryPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "secscan", "bin", "trivy-"+PinnedVersion), nil
}

// versionTimeout bounds `trivy --version`, which reads no files but the
// binary itself.
const versionTimeout = 30 * time.Second

// queryVersion runs `trivy --version --format json` and returns the version
// without a leading "v".
func queryVersion(ctx context.Context, binary string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	res, err := proc.Cmd{Name: binary, Args: []string{"--version", "--format", "json"}}.Run(ctx)
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("trivy --version exited with status %d: %s", res.ExitCode, proc.LastLines(res.Stderr, 3))
	}
	var out struct {
		Version string `json:"Version"`
	}
	if err := json.Unmarshal(res.Stdout, &out); err != nil {
		return "", fmt.Errorf("parsing trivy --version output: %w", err)
	}
	if out.Version == "" {
		return "", errors.New("trivy --version output has no Version")
	}
	return strings.TrimPrefix(out.Version, "v"), nil
}
