package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/guestbook-secscan/guestbook/scanners/policy"
	"github.com/guestbook-secscan/guestbook/scanners/validate"
	"github.com/guestbook-secscan/guestbook/scanners/vulndb"
)

// runValidate is "secscan validate FILE...".
func runValidate(args []string, env Env) error {
	fs := flag.NewFlagSet("secscan validate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: secscan validate FILE...\n\n"+
			"Checks SARIF files against the SARIF 2.1.0 schema and the rules GitHub code\n"+
			"scanning enforces on upload. Exit status: 0 no errors, 1 errors found,\n"+
			"2 a file could not be read.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: ExitUsage}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErrorf("validate needs at least one SARIF file, such as reports/secscan.sarif")
	}
	status, err := validate.CheckFiles(env.Stdout, fs.Args())
	if err != nil {
		return &exitError{code: ExitUsage, msg: err.Error()}
	}
	switch status {
	case validate.StatusOK:
		return nil
	case validate.StatusErrors:
		return &exitError{code: ExitPolicyFailed}
	default:
		return &exitError{code: ExitUsage}
	}
}

// runVulndb is "secscan vulndb sync".
func runVulndb(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "sync" {
		return usageErrorf("usage: secscan vulndb sync [--version V] [--dir DIR]")
	}
	fs := flag.NewFlagSet("secscan vulndb sync", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	version := fs.String("version", "", "golang.org/x/vulndb version to copy (default: the newest the module proxy lists)")
	dir := fs.String("dir", env.Getenv("SECSCAN_VULNDB_DIR"), "database folder (default: $SECSCAN_VULNDB_DIR, else secscan/govulndb in the user cache folder)")
	module := fs.String("module", "", "read a golang.org/x/vulndb module already extracted in this folder instead of downloading it")
	force := fs.Bool("force", false, "rebuild the database even when it already holds that version")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: ExitUsage}
	}
	if fs.NArg() != 0 {
		return usageErrorf("vulndb sync takes no arguments, got %q; use --dir for the database folder", fs.Args())
	}

	res, err := vulndb.Sync(ctx, vulndb.SyncOptions{
		Dir:       *dir,
		Version:   *version,
		ModuleDir: *module,
		Force:     *force,
		Progress:  env.Stderr,
	})
	if err != nil {
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("syncing the Go vulnerability database: %v", err)}
	}
	fmt.Fprintln(env.Stdout, res.URL)
	return nil
}

// runPolicy is "secscan policy explain [FILE]".
func runPolicy(args []string, env Env) error {
	if len(args) == 0 || args[0] != "explain" || len(args) > 2 {
		return usageErrorf("usage: secscan policy explain [FILE]")
	}
	fmt.Fprintln(env.Stdout, policy.SchemaDoc)
	if len(args) == 1 {
		if _, err := os.Stat(policy.DefaultFile); err != nil {
			return nil
		}
		args = append(args, policy.DefaultFile)
	}
	p, err := policy.Load(".", args[1])
	if errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("policy file %s not found", args[1])
	}
	if err != nil {
		return &exitError{code: ExitUsage, msg: err.Error()}
	}
	fmt.Fprintf(env.Stdout, "\nThe policy in %s:\n", args[1])
	for _, line := range p.Describe() {
		fmt.Fprintf(env.Stdout, "  %s\n", line)
	}
	return nil
}
