package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// helperEnv names the environment variable that makes the test binary act
// as the child process of a test instead of running the tests.
const helperEnv = "PROC_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// runHelper is the child process: it acts as mode selects and returns its
// exit status.
func runHelper(mode string) int {
	switch mode {
	case "exit3":
		fmt.Fprint(os.Stdout, "partial report")
		fmt.Fprint(os.Stderr, "warning: first\nerror: last\n")
		return 3
	case "flood":
		// 1 MiB on each stream, written as numbered lines so that a test can
		// check which part was kept.
		for i := range 1 << 14 {
			fmt.Fprintf(os.Stdout, "out %058d\n", i)
			fmt.Fprintf(os.Stderr, "err %058d\n", i)
		}
		return 0
	case "pwd":
		dir, err := os.Getwd()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprint(os.Stdout, dir)
		return 0
	}
	return runPlatformHelper(mode)
}

// helperCmd returns a Cmd that runs this test binary as the child process
// in mode.
func helperCmd(t *testing.T, mode string) Cmd {
	t.Helper()
	t.Setenv(helperEnv, mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Cmd{Name: exe}
}

func TestRunNonZeroExitIsNotError(t *testing.T) {
	res, err := helperCmd(t, "exit3").Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitCode != 3 {
		t.Errorf("ExitCode = %d, want 3", res.ExitCode)
	}
	if got := string(res.Stdout); got != "partial report" {
		t.Errorf("Stdout = %q, want %q", got, "partial report")
	}
	if res.StdoutTruncated {
		t.Error("StdoutTruncated = true for a short output")
	}
	if want := "warning: first\nerror: last\n"; res.Stderr != want {
		t.Errorf("Stderr = %q, want %q", res.Stderr, want)
	}
}

func TestRunBoundsOutput(t *testing.T) {
	cmd := helperCmd(t, "flood")
	cmd.MaxStdout = 1000
	res, err := cmd.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitCode != 0 {
		t.Errorf("ExitCode = %d, want 0", res.ExitCode)
	}

	if len(res.Stdout) != 1000 || !res.StdoutTruncated {
		t.Errorf("len(Stdout) = %d, StdoutTruncated = %v; want 1000 and true", len(res.Stdout), res.StdoutTruncated)
	}
	if first := fmt.Sprintf("out %058d\n", 0); !bytes.HasPrefix(res.Stdout, []byte(first)) {
		t.Errorf("Stdout starts with %q, want the first line %q", res.Stdout[:len(first)], first)
	}

	const marker = "[earlier output dropped]\n"
	if !strings.HasPrefix(res.Stderr, marker) {
		t.Errorf("Stderr starts with %q, want the marker %q", res.Stderr[:len(marker)], marker)
	}
	if got := len(res.Stderr) - len(marker); got != MaxStderr {
		t.Errorf("Stderr keeps %d bytes, want MaxStderr = %d", got, MaxStderr)
	}
	if last := fmt.Sprintf("err %058d\n", 1<<14-1); !strings.HasSuffix(res.Stderr, last) {
		t.Errorf("Stderr does not end with the last line %q", last)
	}
}

func TestRunDefaultMaxStdout(t *testing.T) {
	res, err := helperCmd(t, "flood").Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Stdout) != DefaultMaxStdout || !res.StdoutTruncated {
		t.Errorf("len(Stdout) = %d, StdoutTruncated = %v; want %d and true", len(res.Stdout), res.StdoutTruncated, DefaultMaxStdout)
	}
}

func TestRunDir(t *testing.T) {
	dir := t.TempDir()
	cmd := helperCmd(t, "pwd")
	cmd.Dir = dir
	res, err := cmd.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.Stat(string(res.Stdout))
	if err != nil {
		t.Fatalf("the child's working directory %q: %v", res.Stdout, err)
	}
	if !os.SameFile(got, want) {
		t.Errorf("the child ran in %q, want %q", res.Stdout, dir)
	}
}

func TestRunMissingExecutable(t *testing.T) {
	res, err := Cmd{Name: "secscan-proc-test-no-such-command"}.Run(context.Background())
	if !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("Run error = %v, want exec.ErrNotFound", err)
	}
	if res.ExitCode != -1 {
		t.Errorf("ExitCode = %d, want -1", res.ExitCode)
	}
}

func TestRunContextDoneBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := helperCmd(t, "exit3").Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", err)
	}
	if res.ExitCode != -1 {
		t.Errorf("ExitCode = %d, want -1", res.ExitCode)
	}
}
