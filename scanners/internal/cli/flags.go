package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// toolNames are the values --tools accepts, in report order.
var toolNames = []string{"gosec", "govulncheck", "trivy", "hadolint"}

// scanFlags are the options of "secscan scan".
type scanFlags struct {
	out            string
	tools          []string
	timeout        time.Duration
	govulndb       string
	vulndbMaxAge   int
	offline        bool
	trivyCacheDir  string
	trivyBinary    string
	hadolintBinary string
	policyFile     string
	baseline       string
	keepSuppressed bool
	progress       string
	root           string // the PATH argument, made absolute
}

func parseScanFlags(args []string, env Env) (*scanFlags, error) {
	f := &scanFlags{}
	fs := flag.NewFlagSet("secscan scan", flag.ContinueOnError)
	fs.StringVar(&f.out, "out", "reports", "folder for the reports; created if missing")
	tools := fs.String("tools", strings.Join(toolNames, ","), "comma-separated scanners to run")
	f.timeout = 15 * time.Minute
	fs.Func("timeout", "time limit for each scanner, such as 90s or 10m (default 15m)", func(value string) error {
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("invalid duration %q; use a number with a unit, such as 90s or 10m", value)
		}
		f.timeout = d
		return nil
	})
	fs.StringVar(&f.govulndb, "govulndb", "", "Go vulnerability database: a URL or a folder made by \"secscan vulndb sync\"\n(default: the public database when reachable, else the synced copy)")
	fs.IntVar(&f.vulndbMaxAge, "vulndb-max-age", 7, "warn when a vulnerability database is older than this many days")
	fs.BoolVar(&f.offline, "offline", envBool(env, "SECSCAN_OFFLINE"), "never touch the network: use local databases and built-in checks only\n(default from SECSCAN_OFFLINE)")
	fs.StringVar(&f.trivyCacheDir, "trivy-cache-dir", "", "Trivy's cache folder, holding its vulnerability database (default: Trivy's own)")
	fs.StringVar(&f.trivyBinary, "trivy", "", "path of the trivy binary (default: $SECSCAN_TRIVY, trivy on PATH, then the one \"make trivy\" builds)")
	fs.StringVar(&f.hadolintBinary, "hadolint", "", "path of the hadolint binary (default: $SECSCAN_HADOLINT, hadolint on PATH, then a container)")
	fs.StringVar(&f.policyFile, "policy", "", "policy file (default: policies/secscan.yaml under PATH when it exists)")
	fs.StringVar(&f.baseline, "baseline", "", "SARIF file of an earlier scan; marks each result new, unchanged or absent")
	fs.BoolVar(&f.keepSuppressed, "keep-suppressed", false, "keep suppressed results in secscan.sarif, marked as suppressed")
	fs.StringVar(&f.progress, "progress", "auto", "progress output: auto, live or plain")
	// The flag package's own output is discarded, so that a bad flag gets
	// one line that names it, and -h the whole list.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(env.Stderr)
			fmt.Fprint(env.Stderr, "Usage: secscan scan [flags] PATH\n\nFlags:\n")
			fs.PrintDefaults()
			return nil, err
		}
		return nil, usageErrorf("%v; run \"secscan scan -h\" for the flags", err)
	}

	if fs.NArg() != 1 {
		return nil, usageErrorf("scan takes exactly one PATH, got %d arguments; pass the repository folder, such as .", fs.NArg())
	}
	var err error
	if f.tools, err = parseTools(*tools); err != nil {
		return nil, err
	}
	if f.timeout <= 0 {
		return nil, usageErrorf("invalid --timeout %s; use a positive duration such as 10m", f.timeout)
	}
	if f.vulndbMaxAge < 1 {
		return nil, usageErrorf("invalid --vulndb-max-age %d; use a number of days of at least 1", f.vulndbMaxAge)
	}
	if !slices.Contains([]string{"auto", "live", "plain"}, f.progress) {
		return nil, usageErrorf("invalid --progress %q; use auto, live or plain", f.progress)
	}
	if f.root, err = checkRoot(fs.Arg(0)); err != nil {
		return nil, err
	}
	return f, nil
}

func parseTools(list string) ([]string, error) {
	var tools []string
	for _, name := range strings.Split(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if !slices.Contains(toolNames, name) {
			return nil, usageErrorf("invalid --tools entry %q; use a comma-separated list of %s", name, strings.Join(toolNames, ", "))
		}
		if !slices.Contains(tools, name) {
			tools = append(tools, name)
		}
	}
	if len(tools) == 0 {
		return nil, usageErrorf("--tools is empty; name at least one of %s", strings.Join(toolNames, ", "))
	}
	// Keep the report order fixed whatever order the user wrote.
	slices.SortFunc(tools, func(a, b string) int { return slices.Index(toolNames, a) - slices.Index(toolNames, b) })
	return tools, nil
}

// checkRoot returns the absolute path of the folder to scan, or an error
// that names the value and the folder to pass instead.
func checkRoot(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", usageErrorf("invalid path %q: %v", path, err)
	}
	info, err := os.Stat(abs)
	switch {
	case os.IsNotExist(err):
		return "", usageErrorf("path %s does not exist; pass the repository's root folder", path)
	case err != nil:
		return "", usageErrorf("cannot read path %s: %v; check its permissions", path, err)
	case !info.IsDir():
		return "", usageErrorf("path %s is a file; pass the repository's root folder", path)
	}
	if _, err := os.ReadDir(abs); err != nil {
		return "", usageErrorf("cannot list folder %s: %v; check its permissions", path, err)
	}
	return abs, nil
}

func envBool(env Env, name string) bool {
	switch strings.ToLower(env.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// version returns secscan's module version, or "devel" in a source build.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "devel"
	}
	return info.Main.Version
}
