package hadolint

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
	"github.com/guestbook-secscan/guestbook/scanners/internal/pathfilter"
	"github.com/guestbook-secscan/guestbook/scanners/internal/proc"
	"github.com/guestbook-secscan/guestbook/scanners/runner"
)

// InformationURI is the project page written into the SARIF run.
const InformationURI = "https://github.com/hadolint/hadolint"

// ConfigPath is the default hadolint configuration, relative to the
// repository root, passed with --config when the file exists.
const ConfigPath = "policies/hadolint.yaml"

// containerRoot is the mount point of the repository in the container.
const containerRoot = "/repo"

// versionTimeout bounds `hadolint --version`.
const versionTimeout = 30 * time.Second

// maxStdout bounds hadolint's JSON output; a report that large is treated
// as unparsable rather than read into memory without end.
const maxStdout = 32 << 20

// maxDroppedExamples bounds how many dropped results a notification names.
const maxDroppedExamples = 5

// Config configures the hadolint adapter. The zero value is usable.
type Config struct {
	// Binary is the hadolint executable. Empty means $SECSCAN_HADOLINT,
	// then hadolint on PATH, then a container.
	Binary string

	// Engine is the container engine executable. Empty means docker, then
	// podman.
	Engine string

	// Image is the hadolint image for the container engine. Empty means
	// DefaultImage.
	Image string

	// ConfigFile is the hadolint configuration, relative to the repository
	// root, passed with --config. Empty means ConfigPath when that file
	// exists, else none.
	ConfigFile string

	// SkipDirs replaces DefaultSkipDirs when not nil.
	SkipDirs []string

	// Logger receives debug messages about the commands run. Nil discards
	// them.
	Logger *slog.Logger
}

// Scanner runs hadolint over the Dockerfiles of a repository.
type Scanner struct {
	cfg Config
	log *slog.Logger
}

var _ runner.Scanner = (*Scanner)(nil)

// New returns a hadolint scanner.
func New(cfg Config) *Scanner {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.SkipDirs == nil {
		cfg.SkipDirs = DefaultSkipDirs
	}
	return &Scanner{cfg: cfg, log: log}
}

// Name returns the SARIF driver name, "hadolint".
func (s *Scanner) Name() string { return finding.ToolHadolint }

// Scan lints every Dockerfile under t.Root with one hadolint process.
func (s *Scanner) Scan(ctx context.Context, t runner.Target) (*finding.Run, error) {
	exclude := pathfilter.New(append(slices.Clone(s.cfg.SkipDirs), t.Exclude...))
	if err := exclude.Validate(); err != nil {
		return nil, err
	}
	configFile, err := s.configFile(t.Root)
	if err != nil {
		return nil, err
	}
	files, err := findDockerfiles(t.Root, exclude)
	if err != nil {
		return nil, fmt.Errorf("searching %s for Dockerfiles: %w", t.Root, err)
	}

	run := &finding.Run{
		Tool:           finding.ToolHadolint,
		InformationURI: InformationURI,
		Rules:          []finding.Rule{},
		Results:        []finding.Result{},
		Invocation:     finding.Invocation{Status: finding.StatusOK},
		Properties:     map[string]any{"files": files},
	}
	if len(files) == 0 {
		run.Properties["files"] = []string{}
		run.Notify(finding.LevelNote, "no Dockerfiles found; hadolint was not started")
		return run, nil
	}

	exe, err := locate(ctx, s.cfg, t.Offline)
	if err != nil {
		return nil, err
	}

	if exe.container() && strings.ContainsRune(t.Root, ':') {
		// The -v mount syntax separates its fields with colons.
		return nil, &finding.NotRunError{
			Reason: fmt.Sprintf("the repository path %q contains a colon, which a container mount cannot take", t.Root),
			Fix:    "install hadolint on PATH, or scan from a path without a colon",
		}
	}
	p := s.command(exe, files, configFile, t.Root, t.Offline)
	run.Invocation.CommandLine = proc.CommandLine(p.Name, p.Args)
	if exe.container() {
		run.Properties["image"] = exe.Image
		run.Properties["engine"] = filepath.Base(exe.Engine)
	}
	if configFile != "" {
		run.Properties["config"] = configFile
	}
	s.log.DebugContext(ctx, "running hadolint", "dir", t.Root, "command", run.Invocation.CommandLine)

	res, runErr := p.Run(ctx)
	run.Invocation.ExitCode = res.ExitCode
	s.log.DebugContext(ctx, "hadolint finished", "exit", res.ExitCode)

	if ctx.Err() == nil {
		run.Version = s.version(ctx, exe, t.Offline)
		if run.Version == "" {
			run.Notify(finding.LevelNote, "the hadolint version could not be read")
		}
	}

	if err := s.collect(run, res, runErr, exe, files); err != nil {
		run.Invocation.Status = finding.StatusFailed
		return run, err
	}
	return run, nil
}

// command returns the hadolint process for files. The files go on the
// command line as relative paths with a ./ prefix, so that a name starting
// with a dash is not read as an option. They never go on standard input,
// where hadolint names every file "-".
func (s *Scanner) command(exe executor, files []string, configFile, root string, offline bool) proc.Cmd {
	args := []string{"--format", "json", "--no-fail", "--no-color"}
	if configFile != "" {
		args = append(args, "--config", "./"+configFile)
	}
	for _, f := range files {
		args = append(args, "./"+f)
	}
	if !exe.container() {
		return proc.Cmd{Dir: root, Name: exe.Binary, Args: args, MaxStdout: maxStdout}
	}

	name := containerName()
	engineArgs := []string{"run", "--rm", "--name", name}
	if offline {
		engineArgs = append(engineArgs, "--pull", "never")
	}
	engineArgs = append(engineArgs,
		"--network", "none",
		"--read-only",
		"-v", root+":"+containerRoot+":ro",
		"-w", containerRoot,
		exe.Image, "hadolint",
	)
	return proc.Cmd{
		Dir:       root,
		Name:      exe.Engine,
		Args:      append(engineArgs, args...),
		MaxStdout: maxStdout,
		// Killing the engine's client leaves the container running, so a
		// cancelled scan removes it by name.
		Cancel: func() error {
			ctx, cancel := context.WithTimeout(context.Background(), engineCheckTimeout)
			defer cancel()
			_, err := proc.Cmd{Name: exe.Engine, Args: []string{"rm", "-f", name}}.Run(ctx)
			return err
		},
	}
}

// configFile returns the configuration to pass to hadolint as a
// slash-separated path relative to root, or "" for none. A configured file
// must exist inside the repository, which is all that the container mounts.
func (s *Scanner) configFile(root string) (string, error) {
	name := s.cfg.ConfigFile
	if name == "" {
		if info, err := os.Stat(filepath.Join(root, filepath.FromSlash(ConfigPath))); err == nil && info.Mode().IsRegular() {
			return ConfigPath, nil
		}
		return "", nil
	}
	native := filepath.Clean(filepath.FromSlash(name))
	if filepath.IsAbs(native) || !filepath.IsLocal(native) {
		return "", fmt.Errorf("hadolint configuration %q must be a path inside the repository, such as %s", name, ConfigPath)
	}
	info, err := os.Stat(filepath.Join(root, native))
	if err != nil || !info.Mode().IsRegular() {
		return "", fmt.Errorf("hadolint configuration %q is not a file in %s", name, root)
	}
	return filepath.ToSlash(native), nil
}

// collect turns the process result into the run's results. With --no-fail
// hadolint exits 0 after linting. Exit status 1 with a well-formed report
// and an empty standard error is also success, because that is how
// hadolint reports problems when --no-fail is not honoured. Anything else
// is a failure, reported with whatever parsed.
func (s *Scanner) collect(run *finding.Run, res proc.Result, runErr error, exe executor, files []string) error {
	if runErr != nil {
		run.Notify(finding.LevelError, "hadolint did not finish: %v", runErr)
		return runErr
	}

	items, parseErr := parseOutput(res.Stdout)
	if res.StdoutTruncated && parseErr == nil {
		parseErr = fmt.Errorf("hadolint output exceeds %d bytes", maxStdout)
	}
	s.addResults(run, items, exe, files)

	stderr := strings.TrimSpace(res.Stderr)
	switch {
	case res.ExitCode == 0 && parseErr == nil:
		if stderr != "" {
			run.Notify(finding.LevelWarning, "hadolint: %s", proc.LastLines(stderr, 3))
		}
		return nil
	case res.ExitCode == 1 && parseErr == nil && stderr == "":
		return nil
	}

	detail := proc.LastLines(stderr, 5)
	if detail == "" && parseErr != nil {
		detail = parseErr.Error()
	}
	if exe.container() && res.ExitCode >= 125 {
		// 125: the engine failed (image pull, mount); 126, 127: the
		// command in the image could not run.
		run.Notify(finding.LevelError, "the container engine could not run hadolint (exit status %d): %s", res.ExitCode, detail)
		return fmt.Errorf("running hadolint in %s: exit status %d: %s", filepath.Base(exe.Engine), res.ExitCode, proc.LastLines(detail, 1))
	}
	run.Notify(finding.LevelError, "hadolint exited with status %d: %s", res.ExitCode, detail)
	if parseErr != nil && res.ExitCode == 0 {
		return parseErr
	}
	return fmt.Errorf("hadolint exited with status %d: %s", res.ExitCode, proc.LastLines(detail, 1))
}

// addResults converts items into rules and results. An item whose file is
// not one of files (such as "-" for standard input) is left out and named
// in a warning notification.
func (s *Scanner) addResults(run *finding.Run, items []item, exe executor, files []string) {
	var dropped []string
	for _, it := range items {
		rel := reportedPath(it.File, exe.container())
		if !slices.Contains(files, rel) {
			dropped = append(dropped, fmt.Sprintf("%s at %q line %d", it.Code, it.File, it.Line))
			continue
		}
		if run.Rule(it.Code) == nil {
			run.Rules = append(run.Rules, ruleFor(it.Code, it.Level))
		}
		loc := finding.Location{Path: rel, StartLine: max(it.Line, 0)}
		if it.Column > 0 {
			loc.StartColumn = it.Column
		}
		run.Results = append(run.Results, finding.Result{
			RuleID:   it.Code,
			Level:    sarifLevel(it.Level),
			Message:  strings.TrimSpace(it.Message),
			Location: loc,
			// No Key: the text of the flagged instruction, which the
			// fingerprint uses when Key is empty, identifies a Dockerfile
			// finding better than anything in hadolint's output.
			Properties: map[string]any{"hadolintLevel": it.Level},
		})
	}
	slices.SortFunc(run.Rules, func(a, b finding.Rule) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(run.Results, func(a, b finding.Result) int {
		return cmp.Or(
			strings.Compare(a.Location.Path, b.Location.Path),
			cmp.Compare(a.Location.StartLine, b.Location.StartLine),
		)
	})
	if n := len(dropped); n > 0 {
		run.Notify(finding.LevelWarning, "%d hadolint results name no scanned Dockerfile and were left out: %s",
			n, strings.Join(dropped[:min(n, maxDroppedExamples)], "; "))
	}
}

// reportedPath turns the file name in hadolint's output back into a
// root-relative path: it removes the ./ prefix that the command line added
// and, in a container, the mount point.
func reportedPath(file string, container bool) string {
	file = filepath.ToSlash(file)
	if container {
		if rest, ok := strings.CutPrefix(file, containerRoot+"/"); ok {
			file = rest
		}
	}
	if file == "" || file == "-" {
		return file
	}
	return strings.TrimPrefix(path.Clean(file), "./")
}

// versionPattern finds the version in `hadolint --version` output such as
// "Haskell Dockerfile Linter 2.12.0".
var versionPattern = regexp.MustCompile(`v?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)`)

// version returns hadolint's version without a leading "v", or "" when it
// cannot be read.
func (s *Scanner) version(ctx context.Context, exe executor, offline bool) string {
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	p := proc.Cmd{Name: exe.Binary, Args: []string{"--version"}}
	if exe.container() {
		args := []string{"run", "--rm"}
		if offline {
			args = append(args, "--pull", "never")
		}
		p = proc.Cmd{Name: exe.Engine, Args: append(args, "--network", "none", exe.Image, "hadolint", "--version")}
	}
	res, err := p.Run(ctx)
	if err != nil || res.ExitCode != 0 {
		s.log.DebugContext(ctx, "hadolint --version failed", "exit", res.ExitCode, "error", err)
		return ""
	}
	m := versionPattern.FindStringSubmatch(string(res.Stdout))
	if m == nil {
		return ""
	}
	return m[1]
}
