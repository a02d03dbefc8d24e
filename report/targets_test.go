package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// kindTarget inserts a target of kind (and due, "" for none).
func (f *fixture) kindTarget(key, text, measure string, goal float64, cmp, kind, due string) {
	f.target(key, text, "1", measure, goal, cmp, "tai-chinh", len(f.ids))
	var d any
	if due != "" {
		d = due
	}
	f.exec(`UPDATE targets SET kind = $2, due = $3 WHERE id = $1 RETURNING id`, f.ids[key], kind, d)
}

// targetsFixture is a 2025 plan whose targets are of every kind: the
// cases of a real plan judged in Q1 and at the year's end.
func targetsFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.official("chu-tich", "Vương Văn Toàn", "chairman")
	f.official("tai-chinh", "Công chức Tài chính - Kế toán", "member")
	f.area("1", "Cải cách tài chính công", 1)
	// Budget collected: a year goal read as a year-to-date total.
	f.kindTarget("thu-ngan-sach", "Thu ngân sách đạt 100% dự toán", "percent", 100, ">=", "cumulative", "")
	f.kindTarget("giai-ngan", "Giải ngân 100% vốn đầu tư công", "percent", 100, ">=", "cumulative", "")
	// Measured by the province once a year.
	f.kindTarget("par-index", "Chỉ số PAR INDEX ≥ 85 điểm", "count", 85, ">=", "external", "")
	f.kindTarget("so-hoa", "Số hóa 100% hồ sơ lưu trữ", "percent", 100, ">=", "year_end", "")
	f.kindTarget("ky-so", "100% văn bản ký số", "percent", 100, ">=", "level", "2025-06-30")
	f.reading("thu-ngan-sach", "tai-chinh", "2025-03", "2025-03-31 10:00", 25)
	f.reading("giai-ngan", "tai-chinh", "2025-03", "2025-03-31 10:00", 8)
	f.reading("so-hoa", "tai-chinh", "2025-03", "2025-03-31 10:00", 40)
	f.reading("ky-so", "tai-chinh", "2025-03", "2025-03-31 10:00", 70)
	return f
}

func judgements(d *report.Digest) map[string]string {
	out := make(map[string]string)
	for _, tg := range d.Targets {
		out[tg.Key] = tg.Judgement
		if tg.Met != (tg.Judgement == "met") {
			panic(fmt.Sprintf("%s: met %v with judgement %s", tg.Key, tg.Met, tg.Judgement))
		}
	}
	return out
}

// TestTargetJudgements: in Q1 (decree09: readings known to 14 March, 20%
// of the year) a cumulative budget at 25% is on track and one at 8% behind, a year-end target and one due in June are not due, PAR
// INDEX without a reading has no data and is not unmet; the Q1 text lists
// only the one behind and counts the rest. At the year's end (the 2025
// digest, under decree09 too) they are judged against their whole goals.
func TestTargetJudgements(t *testing.T) {
	f := targetsFixture(t)
	ctx := context.Background()
	q1, _ := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	d, err := compileWard(ctx, f.st, "pdp", q1, at("2025-04-01 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"thu-ngan-sach": "on_track", "giai-ngan": "behind", "par-index": "no_data", "so-hoa": "not_due", "ky-so": "not_due"}
	if got := judgements(d); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Q1 judgements = %v, want %v", got, want)
	}
	for _, tg := range d.Targets {
		switch tg.Key {
		case "thu-ngan-sach":
			// Readings known to 14/3 (decree09 window): 73 of 365 days.
			if tg.Kind != "cumulative" || tg.Expected == nil || *tg.Expected != 20 {
				t.Errorf("thu-ngan-sach: kind %s expected %v, want cumulative 20", tg.Kind, tg.Expected)
			}
		case "ky-so":
			if tg.Due == nil || tg.Due.String() != "2025-06-30" {
				t.Errorf("ky-so: due %v", tg.Due)
			}
		}
	}
	unmet := d.UnmetTargets()
	if len(unmet) != 1 || unmet[0].Key != "giai-ngan" {
		t.Errorf("unmet = %v, want giai-ngan only", unmet)
	}
	text := message.DigestText(report.Result{Unit: d}, i18n.New(i18n.VI))
	for _, want := range []string{
		"Chỉ tiêu chưa đạt, chậm tiến độ (1):",
		"- Giải ngân 100% vốn đầu tư công: 8% (cần 20% theo tiến độ, mục tiêu ≥ 100%)",
		"Các chỉ tiêu khác: 1 đúng tiến độ, 2 chưa đến kỳ đánh giá, 1 chưa có số liệu.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Q1 text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "PAR INDEX") || strings.Contains(text, "Số hóa") {
		t.Errorf("Q1 text lists a target without data or not due:\n%s", text)
	}

	// The external index arrives; the year's digest judges everything.
	f.reading("par-index", "chu-tich", "2025", "2025-12-10 10:00", 86.5)
	f.reading("thu-ngan-sach", "tai-chinh", "2025-12", "2025-12-12 10:00", 101)
	year, _ := plan.ParsePeriod("2025", plan.CutoffDecree09)
	d, err = compileWard(ctx, f.st, "pdp", year, at("2025-12-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"thu-ngan-sach": "met", "giai-ngan": "not_met", "par-index": "met", "so-hoa": "not_met", "ky-so": "not_met"}
	if got := judgements(d); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("2025 judgements = %v, want %v", got, want)
	}
}

// TestWeeklyDigestNoDataTargets: a weekly digest of a plan whose 25
// targets have no reading yet lists none of them as unmet; it counts them.
func TestWeeklyDigestNoDataTargets(t *testing.T) {
	f := newFixture(t)
	f.official("van-phong", "Công chức Văn phòng - Thống kê", "office")
	f.area("1", "Cải cách thủ tục hành chính", 1)
	for i := range 25 {
		f.target(fmt.Sprintf("ct-%02d", i), fmt.Sprintf("Chỉ tiêu số %d", i), "1", "percent", 90, ">=", "van-phong", i)
	}
	w, _ := plan.ParsePeriod("2025-W07", plan.CutoffDecree09)
	d, err := compileWard(context.Background(), f.st, "pdp", w, at("2025-02-17 07:30"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.UnmetTargets()); n != 0 {
		t.Errorf("%d targets unmet, want 0", n)
	}
	for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
		text := message.DigestText(report.Result{Unit: d}, i18n.New(lang))
		want := map[i18n.Lang]string{i18n.VI: "Chỉ tiêu (25): 25 chưa có số liệu.", i18n.EN: "Targets (25): 25 no data."}[lang]
		if !strings.Contains(text, want) || strings.Contains(text, "Chỉ tiêu số") || strings.Contains(text, "not met") {
			t.Errorf("%s text: want %q and no target listed:\n%s", lang, want, text)
		}
	}
}

// TestTargetJudgementsText: the chart's line counts every judgement, the
// unmet ones included.
func TestTargetJudgementsText(t *testing.T) {
	f := targetsFixture(t)
	q1, _ := plan.ParsePeriod("2025-Q1", plan.CutoffCalendar)
	d, err := compileWard(context.Background(), f.st, "pdp", q1, at("2025-04-01 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range d.Targets {
		// Calendar cut-off, as of 1 April: 90 of 365 days.
		if tg.Key == "thu-ngan-sach" && (tg.Expected == nil || *tg.Expected != 24.66) {
			t.Errorf("thu-ngan-sach expected %v, want 24.66", tg.Expected)
		}
	}
	want := map[i18n.Lang]string{
		i18n.VI: "Chỉ tiêu (5): 1 đúng tiến độ, 1 chậm tiến độ, 2 chưa đến kỳ đánh giá, 1 chưa có số liệu.",
		i18n.EN: "Targets (5): 1 on track, 1 behind, 2 not due yet, 1 no data.",
	}
	for lang, w := range want {
		if got := message.TargetJudgementsText(d, i18n.New(lang)); got != w {
			t.Errorf("%s: %q, want %q", lang, got, w)
		}
	}
}

// TestExternalOwnerNotMissing: an official who owns only an external
// target (measured by others) and leads nothing is not expected to report,
// so is not listed as missing a report.
func TestExternalOwnerNotMissing(t *testing.T) {
	f := newFixture(t)
	f.official("chu-tich", "Vương Văn Toàn", "chairman")
	f.official("van-phong", "Công chức Văn phòng - Thống kê", "office")
	f.area("1", "Cải cách hành chính", 1)
	f.target("sipas", "Chỉ số SIPAS ≥ 85%", "1", "percent", 85, ">=", "chu-tich", 1)
	f.exec(`UPDATE targets SET kind = 'external' WHERE id = $1 RETURNING id`, f.ids["sipas"])
	f.target("tthc", "100% hồ sơ đúng hạn", "1", "percent", 100, ">=", "van-phong", 2)
	m, _ := plan.ParsePeriod("2025-03", plan.CutoffDecree09)
	d, err := compileWard(context.Background(), f.st, "pdp", m, at("2025-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(d.MissingReports) != "[van-phong]" {
		t.Errorf("missing reports = %v, want [van-phong] only", d.MissingReports)
	}
	for _, o := range d.ByOfficial {
		if o.Key == "chu-tich" {
			t.Errorf("the owner of the external target only is in by_official: %+v", o)
		}
	}
}
