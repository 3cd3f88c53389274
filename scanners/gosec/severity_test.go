package gosec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/securego/gosec/v2/issue"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

func TestRate(t *testing.T) {
	tests := []struct {
		severity, confidence issue.Score
		want                 rating
	}{
		{issue.High, issue.High, rating{finding.LevelError, 8.0, finding.PrecisionHigh}},
		{issue.High, issue.Medium, rating{finding.LevelError, 7.5, finding.PrecisionMedium}},
		{issue.High, issue.Low, rating{finding.LevelWarning, 6.5, finding.PrecisionLow}},
		{issue.Medium, issue.High, rating{finding.LevelWarning, 5.5, finding.PrecisionHigh}},
		{issue.Medium, issue.Medium, rating{finding.LevelWarning, 5.0, finding.PrecisionMedium}},
		{issue.Medium, issue.Low, rating{finding.LevelWarning, 4.0, finding.PrecisionLow}},
		{issue.Low, issue.High, rating{finding.LevelNote, 3.0, finding.PrecisionHigh}},
		{issue.Low, issue.Medium, rating{finding.LevelNote, 2.5, finding.PrecisionMedium}},
		{issue.Low, issue.Low, rating{finding.LevelNote, 1.5, finding.PrecisionLow}},
		{issue.Score(7), issue.High, rating{finding.LevelWarning, 5.5, finding.PrecisionHigh}},
		{issue.High, issue.Score(-1), rating{finding.LevelError, 7.5, finding.PrecisionMedium}},
	}
	for _, tt := range tests {
		got := rate(tt.severity, tt.confidence)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("rate(%v, %v) mismatch (-want +got):\n%s", tt.severity, tt.confidence, diff)
		}
	}
}
