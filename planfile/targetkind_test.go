package planfile

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
)

// TestParseTargetKinds: kind and due are read; level and no due by default;
// a period key as due is its calendar period's last day.
func TestParseTargetKinds(t *testing.T) {
	src := edit(11,
		`      - {key: tthc-dung-han, text: "100% số hồ sơ TTHC được trả kết quả đúng hạn", measure: percent, goal: 100, owner: van-phong}`,
		`      - {key: thu-ngan-sach, text: "Thu ngân sách đạt 100% dự toán", measure: percent, goal: 100, owner: van-phong, kind: cumulative, every: quarterly}`,
		`      - {key: par-index, text: "Chỉ số PAR INDEX ≥ 85", measure: count, goal: 85, owner: van-phong, kind: external, every: yearly}`,
		`      - {key: so-hoa, text: "Số hóa 100% hồ sơ", measure: percent, goal: 100, owner: van-phong, kind: year_end}`,
		`      - {key: dvc-truc-tuyen, text: "80% hồ sơ trực tuyến", measure: percent, goal: 80, owner: van-phong, due: 2025-Q2}`,
		`      - {key: ky-so, text: "Ký số", measure: yesno, goal: yes, owner: van-phong, due: 2025-09-15}`,
	)
	f, err := Parse("kinds.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		kind plan.TargetKind
		due  string
	}{
		"tthc-dung-han":  {plan.KindLevel, "0001-01-01"},
		"thu-ngan-sach":  {plan.KindCumulative, "0001-01-01"},
		"par-index":      {plan.KindExternal, "0001-01-01"},
		"so-hoa":         {plan.KindYearEnd, "0001-01-01"},
		"dvc-truc-tuyen": {plan.KindLevel, "2025-06-30"},
		"ky-so":          {plan.KindLevel, "2025-09-15"},
	}
	got := 0
	for _, tg := range f.Areas[0].Targets {
		w, ok := want[tg.Key]
		if !ok {
			t.Fatalf("unexpected target %s", tg.Key)
		}
		got++
		due := "0001-01-01"
		if !tg.Due.IsZero() {
			due = tg.Due.String()
		}
		if tg.Kind != w.kind || due != w.due {
			t.Errorf("%s: kind %q due %s, want %q %s", tg.Key, tg.Kind, due, w.kind, w.due)
		}
	}
	if got != len(want) {
		t.Errorf("%d targets, want %d", got, len(want))
	}
}

// TestParseTargetKindBadInput: an unknown kind, a kind that makes no sense
// with its comparator or measure, and an unreadable or too early due are
// located errors saying what to write instead.
func TestParseTargetKindBadInput(t *testing.T) {
	for _, c := range []struct {
		name, line, want string
	}{
		{"unknown kind", `kind: yearly`, `kinds.yaml:11:137: areas[0].targets[0].kind: unknown kind "yearly": want level, cumulative, year_end or external`},
		{"cumulative ceiling", `kind: cumulative, comparator: "<="`, `areas[0].targets[0].comparator: a cumulative target's year-to-date total only grows toward its goal, so comparator "<=" makes no sense: write comparator: ">="`},
		{"cumulative equal", `kind: cumulative, comparator: "="`, `kind: level for a ceiling or an exact value`},
		{"due phrase", `due: "Quý II"`, `areas[0].targets[0].due: due "Quý II" is neither a date (2026-06-30) nor a period key`},
		{"due impossible", `due: 2025-02-30`, `is neither a date`},
		{"due before the year", `due: 2024-Q4`, `due 2024-Q4 is before the plan year 2025`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := edit(11, `      - {key: tthc-dung-han, text: "100% số hồ sơ TTHC được trả kết quả đúng hạn", measure: percent, goal: 100, owner: van-phong, `+c.line+`}`)
			_, err := Parse("kinds.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
	src := edit(11, `      - {key: ky-so, text: "Ký số", measure: yesno, goal: yes, owner: van-phong, kind: cumulative}`)
	_, err := Parse("kinds.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "areas[0].targets[0].kind: a yes/no target cannot be cumulative: write kind: level") {
		t.Fatalf("yes/no cumulative: err = %v", err)
	}
}
