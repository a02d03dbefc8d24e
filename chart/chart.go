// Package chart draws the PNG chart sent with every digest: the four
// statuses of the period's occurrences per reform area as stacked bars, and
// the on-time rate across recent periods as a line. Text is set in the
// embedded DejaVu Sans, which has every Vietnamese letter (see
// fonts/LICENSE).
package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/color"
	"math"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// The size of the chart, in pixels at 96 dpi.
const (
	Width  = 1000
	Height = 900
	dpi    = 96
)

// typeface is the name the embedded font is registered under.
const typeface = "DejaVu Sans"

const (
	barsTitle = "chart.bars_title"
	barsY     = "chart.bars_y"
	barsX     = "chart.bars_x"
	depTitle  = "chart.departments_title"
	depX      = "chart.departments_x"
	rateTitle = "chart.rate_title"
	rateY     = "chart.rate_y"
	rateX     = "chart.rate_x"
)

// statuses are the four statuses from the bottom of a bar up, with their
// colours.
var statuses = []struct {
	status plan.Status
	color  color.RGBA
}{
	{plan.DoneOnTime, color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}},
	{plan.DoneLate, color.RGBA{R: 0xf9, G: 0xa8, B: 0x25, A: 0xff}},
	{plan.OpenOnTime, color.RGBA{R: 0x42, G: 0x85, B: 0xf4, A: 0xff}},
	{plan.OpenOverdue, color.RGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}},
}

// Digest draws the chart of the digest d in the language of pr: the
// statuses per area of d, per department when the unit has departments
// (a panel between the two others), and the on-time rate of the periods of history
// (oldest first, usually report.Result.History ending with d's period). It
// returns the PNG's bytes.
func Digest(d *report.Digest, history []report.HistoryPoint, pr *i18n.Printer) ([]byte, error) {
	fonts, err := newFonts()
	if err != nil {
		return nil, err
	}
	bars, err := areaBars(d, pr, fonts)
	if err != nil {
		return nil, fmt.Errorf("chart: digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	panels := [][]*plot.Plot{{bars}}
	if len(d.ByDepartment) > 0 {
		deps, err := departmentBars(d, pr, fonts)
		if err != nil {
			return nil, fmt.Errorf("chart: digest %s %s: %w", d.Unit, d.Period.Key, err)
		}
		panels = append(panels, []*plot.Plot{deps})
	}
	rates, err := rateLine(history, pr, fonts)
	if err != nil {
		return nil, fmt.Errorf("chart: digest %s %s: %w", d.Unit, d.Period.Key, err)
	}

	img := vgimg.NewWith(vgimg.UseWH(Width*vg.Inch/dpi, Height*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	// A heading over both panels: the unit and the period.
	head := fonts.style(15, draw.XCenter, draw.YTop)
	top := dc.Max.Y - vg.Points(10)
	dc.FillText(head, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: top},
		d.UnitName+" — "+message.PeriodLabel(d.PeriodValue(), pr))
	dc.Max.Y = top - head.Height(d.UnitName) - vg.Points(6)
	if len(d.Targets) > 0 {
		// The targets by judgement: "Chỉ tiêu (9): 3 đạt, 1 chậm tiến độ, …".
		sub := fonts.style(12, draw.XCenter, draw.YTop)
		line := message.TargetJudgementsText(d, pr)
		dc.FillText(sub, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y}, line)
		dc.Max.Y -= sub.Height(line) + vg.Points(4)
	}

	panels = append(panels, []*plot.Plot{rates})
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(10), PadRight: vg.Points(14), PadY: vg.Points(24)}
	canvases := plot.Align(panels, tiles, dc)
	for i, row := range panels {
		row[0].Draw(canvases[i][0])
	}

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: digest %s %s: encode PNG: %w", d.Unit, d.Period.Key, err)
	}
	return buf.Bytes(), nil
}

// fonts is the embedded typeface with its text handler.
type fonts struct {
	handler text.Handler
}

// newFonts parses the embedded font into a cache of its own (the plot
// package's default cache is left alone).
func newFonts() (fonts, error) {
	f, err := opentype.Parse(dejaVuSans)
	if err != nil {
		return fonts{}, fmt.Errorf("chart: parse embedded font: %w", err)
	}
	cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: typeface}, Face: f}})
	return fonts{handler: text.Plain{Fonts: cache}}, nil
}

// style returns a text style of the embedded font.
func (f fonts) style(size vg.Length, x draw.XAlignment, y draw.YAlignment) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.Font{Typeface: typeface, Size: size},
		XAlign:  x,
		YAlign:  y,
		Handler: f.handler,
	}
}

// newPlot returns a plot whose every text uses the embedded font.
func (f fonts) newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.TextHandler = f.handler
	p.Title.Text = title
	p.Title.TextStyle = f.style(14, draw.XCenter, draw.YTop)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = f.style(12, draw.XCenter, draw.YBottom)
		xa, ya := a.Tick.Label.XAlign, a.Tick.Label.YAlign
		a.Tick.Label = f.style(11, xa, ya)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	// The legend computes its layout from text styles aligned left and
	// bottom (the zero alignments).
	p.Legend.TextStyle = f.style(11, draw.XLeft, draw.YBottom)
	p.Legend.Padding = vg.Points(3)
	return p
}

// areaBars draws the statuses per area as stacked bars.
func areaBars(d *report.Digest, pr *i18n.Printer, fonts fonts) (*plot.Plot, error) {
	names := make([]string, len(d.ByArea))
	totals := make([]report.Totals, len(d.ByArea))
	for i, a := range d.ByArea {
		names[i], totals[i] = a.Code, a.Totals
	}
	return statusBars(fonts.newPlot(pr.T(barsTitle), pr.T(barsX), pr.T(barsY)), names, totals, pr)
}

// departmentBars draws the statuses per department (by key) as stacked
// bars.
func departmentBars(d *report.Digest, pr *i18n.Printer, fonts fonts) (*plot.Plot, error) {
	names := make([]string, len(d.ByDepartment))
	totals := make([]report.Totals, len(d.ByDepartment))
	for i, dep := range d.ByDepartment {
		names[i], totals[i] = dep.Key, dep.Totals
	}
	return statusBars(fonts.newPlot(pr.T(depTitle), pr.T(depX), pr.T(barsY)), names, totals, pr)
}

// statusBars draws on p the four statuses of totals, one stacked bar per
// name.
func statusBars(p *plot.Plot, names []string, totals []report.Totals, pr *i18n.Printer) (*plot.Plot, error) {
	if len(names) == 0 {
		names = []string{"—"}
	}
	width := vg.Points(math.Min(60, 600/float64(len(names))))
	var below *plotter.BarChart
	maxTotal := 0
	for _, s := range statuses {
		values := make(plotter.Values, len(names))
		for i, t := range totals {
			values[i] = float64(count(t, s.status))
			maxTotal = max(maxTotal, t.Total)
		}
		bars, err := plotter.NewBarChart(values, width)
		if err != nil {
			return nil, err
		}
		bars.Color = s.color
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		p.Legend.Add(message.StatusName(pr, s.status), bars)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(4)
	p.Y.Min = 0
	// Room above the tallest bar for the legend.
	p.Y.Max = math.Max(4, float64(maxTotal)*1.45)
	p.Y.Tick.Marker = integerTicks{}
	p.Add(plotter.NewGrid())
	return p, nil
}

// count returns the count of status s in t.
func count(t report.Totals, s plan.Status) int {
	switch s {
	case plan.DoneOnTime:
		return t.DoneOnTime
	case plan.DoneLate:
		return t.DoneLate
	case plan.OpenOnTime:
		return t.OpenOnTime
	case plan.OpenOverdue:
		return t.OpenOverdue
	}
	return 0
}

// rateLine draws the on-time rate of each period of history, in percent,
// leaving out the periods with nothing due.
func rateLine(history []report.HistoryPoint, pr *i18n.Printer, fonts fonts) (*plot.Plot, error) {
	p := fonts.newPlot(pr.T(rateTitle), pr.T(rateX), pr.T(rateY))
	keys := make([]string, len(history))
	var pts plotter.XYs
	for i, h := range history {
		keys[i] = h.Key
		t := h.Totals
		if t.DoneOnTime+t.DoneLate+t.OpenOverdue == 0 {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(i), Y: math.Round(t.OnTimeRate*1000) / 10})
	}
	if len(keys) == 0 {
		keys = []string{"—"}
	}
	p.NominalX(keys...)
	p.X.Min, p.X.Max = -0.5, float64(len(keys))-0.5
	p.Y.Min, p.Y.Max = 0, 110
	p.Y.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "0"}, {Value: 25, Label: "25"}, {Value: 50, Label: "50"},
		{Value: 75, Label: "75"}, {Value: 100, Label: "100"},
	}
	p.Add(plotter.NewGrid())
	if len(pts) > 0 {
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color = statuses[0].color
		line.Width = vg.Points(2)
		points.Color = statuses[0].color
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(4)
		p.Add(line, points)
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: rateLabels(pts, pr)})
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i] = fonts.style(11, draw.XCenter, draw.YBottom)
		}
		labels.Offset = vg.Point{Y: vg.Points(6)}
		p.Add(labels)
	}
	return p, nil
}

// rateLabels formats each point's rate: "81,1%".
func rateLabels(pts plotter.XYs, pr *i18n.Printer) []string {
	out := make([]string, len(pts))
	for i, pt := range pts {
		out[i] = message.FormatRate(pt.Y/100, pr)
	}
	return out
}

// integerTicks marks whole numbers only, at a step that gives at most
// about eight ticks.
type integerTicks struct{}

// Ticks returns the ticks between min and max.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := math.Max(1, math.Ceil((hi-lo)/8))
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%d", int(v))})
	}
	return ticks
}
