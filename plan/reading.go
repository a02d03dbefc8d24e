package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseReadingValue reads a target reading typed by the office for a
// target measured by m, of kind k:
//
//   - yes/no: "có", "yes", "1", "đạt" (1) or "không", "no", "0" (0);
//   - percent: a number with an optional "%" ("95", "95%", "96,5%");
//     between 0 and 100, except for a cumulative total, which may exceed
//     its goal ("105%");
//   - count: a number, without "%".
//
// A number has one decimal separator, a comma or a point ("96,5",
// "96.5"); thousands may be grouped by the other mark, the Vietnamese way
// ("1.234,5") or the English way ("1,234.5"), in groups of three digits. A
// lone separator followed by exactly three digits groups thousands in a
// count ("1.234" is 1234) and is a decimal point in a percent ("1.234" is
// 1.234). The error says what was wrong and what to type.
func ParseReadingValue(s string, m Measure, k TargetKind) (float64, error) {
	t := strings.TrimSpace(s)
	if m == MeasureYesNo {
		switch strings.ToLower(t) {
		case "có", "co", "yes", "y", "đạt", "dat", "1", "true":
			return 1, nil
		case "không", "khong", "no", "n", "chưa", "chua", "0", "false":
			return 0, nil
		}
		return 0, fmt.Errorf("value %q: a yes/no target takes có or không (yes or no, 1 or 0)", s)
	}
	percent := strings.HasSuffix(t, "%")
	if percent {
		if m != MeasurePercent {
			return 0, fmt.Errorf("value %q: a count target takes a plain number, without %%", s)
		}
		t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("value %q: a reading cannot be negative", s)
	}
	v, err := parseNumber(t, m)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number: %w", s, err)
	}
	switch {
	case v < 0:
		return 0, fmt.Errorf("value %q: a reading cannot be negative", s)
	case m == MeasurePercent && v > 100 && k != KindCumulative:
		return 0, fmt.Errorf("value %q: a percent lies in 0..100 (only a cumulative total may exceed it)", s)
	}
	return v, nil
}

// parseNumber reads a decimal number written with a comma or a point, with
// thousands optionally grouped by the other mark.
func parseNumber(t string, m Measure) (float64, error) {
	const want = "write it like 96,5 or 96.5 or 1.234,5"
	if t == "" {
		return 0, fmt.Errorf("empty: %s", want)
	}
	commas, dots := strings.Count(t, ","), strings.Count(t, ".")
	var grouping, decimal string
	switch {
	case commas > 0 && dots > 0:
		if strings.LastIndex(t, ",") > strings.LastIndex(t, ".") {
			grouping, decimal = ".", ","
		} else {
			grouping, decimal = ",", "."
		}
		if strings.Count(t, decimal) > 1 {
			return 0, fmt.Errorf("two decimal separators: %s", want)
		}
	case commas > 1:
		grouping = ","
	case dots > 1:
		grouping = "."
	case commas+dots == 1:
		sep := ","
		if dots == 1 {
			sep = "."
		}
		i := strings.Index(t, sep)
		if m == MeasureCount && len(t)-i-1 == 3 {
			grouping = sep
		} else {
			decimal = sep
		}
	}
	intPart, frac := t, ""
	if decimal != "" {
		i := strings.Index(t, decimal)
		intPart, frac = t[:i], t[i+1:]
	}
	if grouping != "" {
		groups := strings.Split(intPart, grouping)
		for i, g := range groups {
			if (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return 0, fmt.Errorf("thousands are grouped by three digits: %s", want)
			}
		}
		intPart = strings.Join(groups, "")
	}
	num := intPart
	if frac != "" {
		num += "." + frac
	}
	for _, r := range num {
		if (r < '0' || r > '9') && r != '.' {
			return 0, fmt.Errorf("unexpected %q: %s", r, want)
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s", want)
	}
	return v, nil
}
