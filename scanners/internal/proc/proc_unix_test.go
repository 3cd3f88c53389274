//go:build unix

package proc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// fifoEnv names the environment variable with the path of the FIFO that
// the "block" helper opens to signal the test that it has started.
const fifoEnv = "PROC_TEST_FIFO"

func runPlatformHelper(mode string) int {
	switch mode {
	case "block":
		// Opening the FIFO for writing blocks until the test opens it for
		// reading, so the test's open returns once the child is running.
		f, err := os.OpenFile(os.Getenv(fifoEnv), os.O_WRONLY, 0)
		if err != nil {
			return 1
		}
		defer f.Close()
		time.Sleep(time.Hour) // until killed
		return 0
	case "selfkill":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Hour) // until the signal arrives
		return 0
	}
	return 2
}

func TestRunCancelRunsHookAndKills(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "started")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(fifoEnv, fifo)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Blocks until the child opens the FIFO for writing.
		if f, err := os.Open(fifo); err == nil {
			f.Close()
		}
		cancel()
	}()

	hookRan := false
	cmd := helperCmd(t, "block")
	cmd.Cancel = func() error {
		hookRan = true
		return nil
	}
	res, err := cmd.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", err)
	}
	if !hookRan {
		t.Error("Cancel did not run when the context ended")
	}
	if res.ExitCode != -1 {
		t.Errorf("ExitCode = %d, want -1 for a killed process", res.ExitCode)
	}
}

func TestRunKilledBySignal(t *testing.T) {
	res, err := helperCmd(t, "selfkill").Run(context.Background())
	if err == nil {
		t.Error("Run error = nil for a process killed by a signal")
	}
	if res.ExitCode != -1 {
		t.Errorf("ExitCode = %d, want -1", res.ExitCode)
	}
}
