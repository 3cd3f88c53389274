package hadolint

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/proc"
)

// EnvBinary names the environment variable that points at a hadolint
// binary.
const EnvBinary = "SECSCAN_HADOLINT"

// DefaultImage is the hadolint image run when no binary is installed:
// release v2.14.0, the one the CI workflow and scripts/scan-docker.sh use,
// pinned by the digest of its multi-platform index so that a moved tag
// cannot change what runs.
//
// NOTE: the digest comes from public projects that pin this release, and
// several of them agree on it. It was not checked against the registry,
// because the machine this was written on has no route to it.
const DefaultImage = "docker.io/hadolint/hadolint:v2.14.0@sha256:27086352fd5e1907ea2b934eb1023f217c5ae087992eb59fde121dce9c9ff21e"

// engines are the container engines tried, in order.
var engines = []string{"docker", "podman"}

// engineCheckTimeout bounds each call that probes a container engine.
const engineCheckTimeout = 10 * time.Second

// installFix is the Fix of the NotRunError returned when hadolint cannot run.
const installFix = "install hadolint from https://github.com/hadolint/hadolint/releases and put it on PATH " +
	"(or set $" + EnvBinary + "), or start a Docker or Podman engine so that secscan can run the image " + DefaultImage

// executor is the means of running hadolint: a local binary, or an image
// in a container engine.
type executor struct {
	Binary string // the hadolint executable; empty in container mode
	Engine string // the docker or podman executable in container mode
	Image  string
}

func (e executor) container() bool { return e.Binary == "" }

// locate finds a way to run hadolint: the configured binary, $SECSCAN_HADOLINT,
// hadolint on PATH, then a container engine whose daemon responds. Offline,
// the image must already be present, because pulling it needs the network.
func locate(ctx context.Context, cfg Config, offline bool) (executor, error) {
	if cfg.Binary != "" {
		if err := proc.CheckExecutable(cfg.Binary); err != nil {
			return executor{}, &finding.NotRunError{
				Reason: fmt.Sprintf("hadolint binary %q: %v", cfg.Binary, err),
				Fix:    "pass the path of an executable hadolint, or " + installFix,
			}
		}
		return executor{Binary: cfg.Binary}, nil
	}
	if env := os.Getenv(EnvBinary); env != "" && proc.CheckExecutable(env) == nil {
		return executor{Binary: env}, nil
	}
	if p, err := exec.LookPath("hadolint"); err == nil {
		return executor{Binary: p}, nil
	}

	candidates := engines
	if cfg.Engine != "" {
		candidates = []string{cfg.Engine}
	}
	image := cfg.Image
	if image == "" {
		image = DefaultImage
	}
	var problems []string
	for _, name := range candidates {
		enginePath, err := exec.LookPath(name)
		if err != nil {
			problems = append(problems, name+" is not installed")
			continue
		}
		if err := probeEngine(ctx, enginePath); err != nil {
			problems = append(problems, fmt.Sprintf("%s is installed but its engine does not answer (%v)", name, err))
			continue
		}
		if offline && !imagePresent(ctx, enginePath, image) {
			return executor{}, &finding.NotRunError{
				Reason: fmt.Sprintf("no hadolint binary, and the image %s is not present in %s while the scan is offline", image, name),
				Fix:    fmt.Sprintf("run `%s pull %s` once while online, or install hadolint from https://github.com/hadolint/hadolint/releases", name, image),
			}
		}
		return executor{Engine: enginePath, Image: image}, nil
	}
	return executor{}, &finding.NotRunError{
		Reason: "no hadolint binary (--hadolint, $" + EnvBinary + ", PATH) and no container engine: " + strings.Join(problems, "; "),
		Fix:    installFix,
	}
}

// probeEngine runs `ENGINE info` to check that the engine runs. A docker CLI without
// a reachable daemon fails here ("Cannot connect to the Docker daemon")
// instead of at run time.
func probeEngine(ctx context.Context, engine string) error {
	ctx, cancel := context.WithTimeout(ctx, engineCheckTimeout)
	defer cancel()
	res, err := proc.Cmd{Name: engine, Args: []string{"info"}}.Run(ctx)
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		msg := proc.LastLines(res.Stderr, 1)
		if msg == "" {
			msg = fmt.Sprintf("`%s info` exited with status %d", engine, res.ExitCode)
		}
		return errors.New(msg)
	}
	return nil
}

// imagePresent reports whether the engine has image locally.
func imagePresent(ctx context.Context, engine, image string) bool {
	ctx, cancel := context.WithTimeout(ctx, engineCheckTimeout)
	defer cancel()
	res, err := proc.Cmd{Name: engine, Args: []string{"image", "inspect", image}}.Run(ctx)
	return err == nil && res.ExitCode == 0
}

// containerName returns a unique name for a hadolint container, so that a
// cancelled scan can remove the container it started.
func containerName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "secscan-hadolint-" + hex.EncodeToString(b)
}
