// Command tools is the second module of the planted workspace. It imports
// the vulnerable golang.org/x/text/language package without calling any of
// its vulnerable functions, and runs a command built from its arguments.
package main

import (
	"fmt"
	"os"
	"os/exec"

	"golang.org/x/text/language"
)

func main() {
	fmt.Println(language.English.String())
	if len(os.Args) < 2 {
		return
	}
	out, err := exec.Command("sh", "-c", os.Args[1]).Output() // plant: G204 G702
	if err != nil {
		os.Exit(1)
	}
	fmt.Println(string(out))
}
