package chart_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// digest builds a digest by hand: the chart needs no database.
func digest(t *testing.T) *report.Digest {
	t.Helper()
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	d := report.NewDigest("pdp", "UBND phường Phan Đình Phùng", p, time.Date(2025, 3, 15, 8, 0, 0, 0, time.UTC))
	areas := []struct {
		code, name string
		t          plan.Totals
	}{
		{"1", "Cải cách thể chế", plan.Totals{DoneOnTime: 6, DoneLate: 1, OpenOnTime: 2, OpenOverdue: 1}},
		{"2", "Cải cách thủ tục hành chính", plan.Totals{DoneOnTime: 9, DoneLate: 2, OpenOnTime: 4, OpenOverdue: 3}},
		{"3", "Cải cách tổ chức bộ máy", plan.Totals{DoneOnTime: 2, OpenOnTime: 1}},
		{"4", "Cải cách chế độ công vụ", plan.Totals{DoneLate: 1, OpenOverdue: 4}},
		{"5", "Cải cách tài chính công", plan.Totals{DoneOnTime: 3}},
		{"6", "Xây dựng chính quyền điện tử, chính quyền số", plan.Totals{DoneOnTime: 5, DoneLate: 1, OpenOnTime: 3, OpenOverdue: 2}},
	}
	for _, a := range areas {
		d.ByArea = append(d.ByArea, report.AreaLine{Code: a.code, Name: a.name, Totals: report.NewTotals(a.t)})
	}
	return d
}

func history() []report.HistoryPoint {
	return []report.HistoryPoint{
		{Key: "2024-Q3", Totals: report.NewTotals(plan.Totals{})},
		{Key: "2024-Q4", Totals: report.NewTotals(plan.Totals{DoneOnTime: 20, DoneLate: 5, OpenOverdue: 5})},
		{Key: "2025-Q1", Totals: report.NewTotals(plan.Totals{DoneOnTime: 25, DoneLate: 5, OpenOverdue: 10, OpenOnTime: 10})},
	}
}

func TestDigest(t *testing.T) {
	tests := []struct {
		name    string
		lang    i18n.Lang
		digest  func(t *testing.T) *report.Digest
		history []report.HistoryPoint
	}{
		{"vietnamese", i18n.VI, digest, history()},
		{"english", i18n.EN, digest, history()},
		{"empty digest, no history", i18n.VI, func(t *testing.T) *report.Digest {
			d := digest(t)
			d.ByArea = nil
			return d
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := chart.Digest(tt.digest(t), tt.history, i18n.New(tt.lang))
			if err != nil {
				t.Fatal(err)
			}
			if out := os.Getenv("CHART_OUT"); out != "" && tt.lang == i18n.VI && tt.history != nil {
				if err := os.WriteFile(out, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			b := img.Bounds()
			if b.Dx() != chart.Width || b.Dy() != chart.Height {
				t.Errorf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), chart.Width, chart.Height)
			}
			if len(data) > 1<<20 {
				t.Errorf("PNG of %d bytes, want under 1 MiB", len(data))
			}
			colors := distinctColors(img)
			if colors < 8 {
				t.Errorf("only %d distinct colours: the chart looks blank", colors)
			}
			if tt.digest(t).ByArea != nil {
				// The status colours are drawn.
				for _, c := range [][3]uint32{{0x2e, 0x7d, 0x32}, {0xd3, 0x2f, 0x2f}} {
					if !hasColor(img, c) {
						t.Errorf("colour %x not drawn", c)
					}
				}
			}
		})
	}
}

func distinctColors(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

func hasColor(img image.Image, c [3]uint32) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == c[0] && g>>8 == c[1] && bl>>8 == c[2] {
				return true
			}
		}
	}
	return false
}
