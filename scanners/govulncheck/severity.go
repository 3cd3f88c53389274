package govulncheck

import "github.com/guestbook-secscan/guestbook/scanners/finding"

// reachability is how far a scanned module's code reaches a vulnerability.
type reachability int

const (
	// required: a package of the vulnerable module is in the build, but
	// none of the vulnerable packages.
	required reachability = iota + 1
	// imported: a vulnerable package is imported, but no vulnerable
	// function is called.
	imported
	// called: a call stack reaches a vulnerable function.
	called
)

func (r reachability) String() string {
	switch r {
	case called:
		return "called"
	case imported:
		return "imported"
	case required:
		return "required"
	}
	return "unknown"
}

// reachabilityOf returns the level of a finding from its first frame: a
// function means a call stack, a package an import, else a module.
func reachabilityOf(f *vulnFinding) reachability {
	switch top := f.Trace[0]; {
	case top.Function != "":
		return called
	case top.Package != "":
		return imported
	}
	return required
}

// rating is the presentation of a govulncheck result in SARIF.
type rating struct {
	Level     finding.Level
	Score     float64 // GitHub security-severity, 0.0 to 10.0
	Precision string
}

// Scan levels of govulncheck's -scan flag.
const (
	levelSymbol  = "symbol"
	levelPackage = "package"
	levelModule  = "module"
)

// rate maps the scan level and the reachability of a result to a rating.
// The Go vulnerability database gives no severity or CVSS score, so
// reachability alone decides. At symbol level, a called vulnerability is an
// error of high severity (8.0), an imported one a warning of medium
// severity (5.5) and a merely required one a note of low severity (2.0).
// A lower scan level cannot rule out the deeper reachability, so the deepest
// level it checks counts as possibly called: an error of high severity.
// Precision follows the reachability that was established.
func rate(level string, r reachability) rating {
	deepest := called
	switch level {
	case levelPackage:
		deepest = imported
	case levelModule:
		deepest = required
	}

	rt := rating{Level: finding.LevelNote, Score: 2.0}
	switch deepest - r {
	case 0:
		rt = rating{Level: finding.LevelError, Score: 8.0}
	case 1:
		rt = rating{Level: finding.LevelWarning, Score: 5.5}
	}

	switch r {
	case called:
		rt.Precision = finding.PrecisionHigh
	case imported:
		rt.Precision = finding.PrecisionMedium
	default:
		rt.Precision = finding.PrecisionLow
	}
	return rt
}
