package validate

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses of CheckFiles, for `secscan validate`.
const (
	StatusOK         = 0 // no file has errors; warnings may have been printed
	StatusErrors     = 1 // at least one file has an error
	StatusUnreadable = 2 // at least one file could not be read
)

// CheckFiles validates each file and prints its problems to w, one line
// each, grouped by file in the order given:
//
//	FILE: PATH: SEVERITY: MESSAGE
//
// followed by one summary line per file. It returns the highest status
// of all files: StatusUnreadable if a file could not be read, else
// StatusErrors if any file has an error, else StatusOK.
func CheckFiles(w io.Writer, files []string) (int, error) {
	status := StatusOK
	for _, name := range files {
		fileStatus, err := checkFile(w, name)
		if err != nil {
			return status, err
		}
		status = max(status, fileStatus)
	}
	return status, nil
}

// checkFile validates one file and returns its status and any error of
// writing to w.
func checkFile(w io.Writer, name string) (int, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		_, werr := fmt.Fprintf(w, "%s: cannot read: %v\n", name, err)
		return StatusUnreadable, werr
	}

	problems := Validate(data)
	if err := WriteProblems(w, name, problems); err != nil {
		return StatusOK, err
	}

	errors, warnings := count(problems)
	verdict := "GitHub code scanning should accept it"
	status := StatusOK
	if errors > 0 {
		verdict = "GitHub code scanning would reject it"
		status = StatusErrors
	}
	_, err = fmt.Fprintf(w, "%s: %s, %s: %s\n", name, plural(errors, "error"), plural(warnings, "warning"), verdict)
	return status, err
}

// WriteProblems prints problems as "FILE: PATH: SEVERITY: MESSAGE" lines.
func WriteProblems(w io.Writer, file string, problems []Problem) error {
	for _, p := range problems {
		if _, err := fmt.Fprintf(w, "%s: %s: %s: %s\n", file, p.Path, p.Severity, p.Message); err != nil {
			return err
		}
	}
	return nil
}

func count(problems []Problem) (errors, warnings int) {
	for _, p := range problems {
		if p.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// plural returns "1 error" or "N errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
