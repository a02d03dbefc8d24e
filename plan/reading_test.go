package plan

import (
	"strings"
	"testing"
)

func TestParseReadingValue(t *testing.T) {
	for _, c := range []struct {
		in      string
		measure Measure
		kind    TargetKind
		want    float64
	}{
		{"95", MeasurePercent, KindLevel, 95},
		{"95%", MeasurePercent, KindLevel, 95},
		{" 96,5 % ", MeasurePercent, KindLevel, 96.5},
		{"96.5", MeasurePercent, KindLevel, 96.5},
		{"1.234", MeasurePercent, KindLevel, 1.234},
		{"105%", MeasurePercent, KindCumulative, 105},
		{"1.234", MeasureCount, KindLevel, 1234},
		{"1,234", MeasureCount, KindLevel, 1234},
		{"1.234,5", MeasureCount, KindCumulative, 1234.5},
		{"1,234.5", MeasureCount, KindLevel, 1234.5},
		{"1.234.567", MeasureCount, KindLevel, 1234567},
		{"12,5", MeasureCount, KindLevel, 12.5},
		{"86", MeasureCount, KindExternal, 86},
		{"có", MeasureYesNo, KindLevel, 1},
		{"Không", MeasureYesNo, KindYearEnd, 0},
	} {
		got, err := ParseReadingValue(c.in, c.measure, c.kind)
		if err != nil || got != c.want {
			t.Errorf("ParseReadingValue(%q, %s, %s) = %v, %v; want %v", c.in, c.measure, c.kind, got, err, c.want)
		}
	}
	for _, c := range []struct {
		in      string
		measure Measure
		want    string
	}{
		{"abc", MeasurePercent, "is not a number"},
		{"", MeasureCount, "is not a number"},
		{"95%", MeasureCount, "without %"},
		{"-3", MeasureCount, "cannot be negative"},
		{"120%", MeasurePercent, "lies in 0..100"},
		{"1.23.4", MeasureCount, "grouped by three digits"},
		{"1,2,3.4,5", MeasureCount, "two decimal separators"},
		{"NaN", MeasureCount, "is not a number"},
		{"1e9", MeasureCount, "is not a number"},
		{"có lẽ", MeasureYesNo, "có or không"},
	} {
		_, err := ParseReadingValue(c.in, c.measure, KindLevel)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseReadingValue(%q, %s): %v, want an error saying %q", c.in, c.measure, err, c.want)
		}
	}
}
