package gosec

import (
	"github.com/securego/gosec/v2/issue"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// rating is the presentation of one gosec finding in SARIF.
type rating struct {
	Level     finding.Level
	Score     float64 // GitHub security-severity, 0.0 to 10.0
	Precision string
}

// rate maps gosec's severity and confidence to a rating. The score is a base
// from the severity (HIGH 8.0, MEDIUM 5.5, LOW 3.0) lowered by the
// confidence (HIGH by 0, MEDIUM by 0.5, LOW by 1.5). The level follows the
// score: 7.0 and above is error, 4.0 and above warning, lower scores note.
// The precision follows the confidence. A score that gosec does not define
// counts as MEDIUM.
func rate(severity, confidence issue.Score) rating {
	base := map[issue.Score]float64{issue.High: 8.0, issue.Medium: 5.5, issue.Low: 3.0}
	penalty := map[issue.Score]float64{issue.High: 0, issue.Medium: 0.5, issue.Low: 1.5}
	precision := map[issue.Score]string{
		issue.High:   finding.PrecisionHigh,
		issue.Medium: finding.PrecisionMedium,
		issue.Low:    finding.PrecisionLow,
	}
	if _, ok := base[severity]; !ok {
		severity = issue.Medium
	}
	if _, ok := penalty[confidence]; !ok {
		confidence = issue.Medium
	}

	r := rating{Score: base[severity] - penalty[confidence], Precision: precision[confidence]}
	switch {
	case r.Score >= 7.0:
		r.Level = finding.LevelError
	case r.Score >= 4.0:
		r.Level = finding.LevelWarning
	default:
		r.Level = finding.LevelNote
	}
	return r
}
