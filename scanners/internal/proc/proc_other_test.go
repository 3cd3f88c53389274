//go:build !unix

package proc

// runPlatformHelper has no modes outside Unix, where the tests that need
// FIFOs and signals do not build.
func runPlatformHelper(string) int { return 2 }
