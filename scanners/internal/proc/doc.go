// Package proc runs the external tools of the scanner adapters (Trivy,
// hadolint and the container engines) as subprocesses.
//
// Cmd.Run runs one command under a context and waits for it. It keeps a
// bounded copy of each output stream, so that a tool that writes without
// end cannot exhaust memory. Of standard output it keeps the start, where a
// report begins. Of standard error it keeps the end, where a failing tool
// writes its final error. A non-zero exit status is not an error: Run returns it in
// Result.ExitCode and leaves its meaning to the adapter, because each tool
// gives its statuses different meanings. Run returns an error only when
// the process could not start, was killed, or its context ended.
//
// When the context ends, Run runs Cmd.Cancel, if set, and kills the
// process. It then waits at most WaitDelay for the output pipes to close,
// which a child of the process may hold open.
//
// The package also holds the helpers that the adapters share around a run:
// CheckExecutable for locating a binary, CommandLine for the invocation
// record, and LastLines for quoting standard error in a message.
package proc
