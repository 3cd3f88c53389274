// Command textmod is a fixture for the vulndb tests: it requires
// golang.org/x/text v0.3.5 and calls language.Parse (GO-2021-0113, fixed in
// v0.3.7) and language.ParseAcceptLanguage (GO-2021-0113 and GO-2022-1059,
// fixed in v0.3.8).
package main

import (
	"fmt"
	"os"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse(os.Args[1])
	fmt.Println(tag, err)

	tags, _, err := language.ParseAcceptLanguage(os.Args[2])
	fmt.Println(tags, err)
}
