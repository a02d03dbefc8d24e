package chart_test

import (
	"bytes"
	"testing"

	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/report"
)

// TestDigestTargetsLine: a digest with targets gets a line counting them
// by judgement under its heading; without targets the chart has none.
func TestDigestTargetsLine(t *testing.T) {
	pr := i18n.New(i18n.VI)
	plain, err := chart.Digest(digest(t), history(), pr)
	if err != nil {
		t.Fatal(err)
	}
	d := digest(t)
	d.Targets = []report.TargetLine{
		{Key: "thu-ngan-sach", Kind: "cumulative", Judgement: "on_track"},
		{Key: "giai-ngan", Kind: "cumulative", Judgement: "behind"},
		{Key: "par-index", Kind: "external", Judgement: "no_data"},
	}
	with, err := chart.Digest(d, history(), pr)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(plain, with) {
		t.Error("the chart of a digest with targets is the chart without them")
	}
}
