package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var hcm = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses a local instant in Asia/Ho_Chi_Minh: "2025-03-15 08:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture inserts rows directly, so the digest is tested against hand-made
// data only.
type fixture struct {
	t     testing.TB
	st    *store.Store
	unit  int64
	plan  int64
	ids   map[string]int64 // official, area, task, occurrence and target keys
	stamp time.Time
}

func (f *fixture) exec(query string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.st.DB().QueryRowContext(context.Background(), query, args...).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func newFixture(t testing.TB) *fixture {
	f := &fixture{t: t, st: storetest.New(t), ids: map[string]int64{}, stamp: at("2024-12-01 00:00")}
	f.unit = f.exec(`INSERT INTO units (code, name, timezone, created_at, updated_at)
		VALUES ('pdp', 'UBND phường Phan Đình Phùng', 'Asia/Ho_Chi_Minh', $1, $1) RETURNING id`, f.stamp)
	f.plan = f.exec(`INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
		VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2) RETURNING id`, f.unit, f.stamp)
	return f
}

func (f *fixture) official(key, name, role string) {
	f.ids[key] = f.exec(`INSERT INTO officials (unit_id, key, name, roles, created_at, updated_at)
		VALUES ($1, $2, $3, ARRAY[$4], $5, $5) RETURNING id`, f.unit, key, name, role, f.stamp)
}

func (f *fixture) area(code, name string, pos int) {
	f.ids["area:"+code] = f.exec(`INSERT INTO areas (plan_id, code, name, position)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.plan, code, name, pos)
}

// task inserts a one-off task and its occurrence; doneAt may be "".
func (f *fixture) task(key, title, area, lead, due, doneAt string, percent int) {
	d := plan.MustParseDate(due)
	tid := f.exec(`INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		f.plan, f.ids["area:"+area], key, title, f.ids[lead], d, f.stamp)
	var done *time.Time
	if doneAt != "" {
		v := at(doneAt)
		done = &v
		percent = 100
	}
	f.ids[key] = f.exec(`INSERT INTO occurrences (task_id, key, nominal_due, due, percent, done_at, created_at, updated_at)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $6) RETURNING id`, tid, d.String(), d, percent, done, f.stamp)
}

// progress appends a progress report and updates the occurrence as the bot
// does.
func (f *fixture) progress(task, official, when string, percent int, done bool, note string) {
	f.exec(`INSERT INTO progress_reports (occurrence_id, official_id, percent, done, note, source, reported_at)
		VALUES ($1, $2, $3, $4, $5, 'cli', $6) RETURNING id`,
		f.ids[task], f.ids[official], percent, done, note, at(when))
	f.exec(`UPDATE occurrences SET last_report_at = $2 WHERE id = $1 RETURNING id`, f.ids[task], at(when))
}

func (f *fixture) target(key, text, area, measure string, goal float64, cmp, owner string, pos int) {
	f.ids[key] = f.exec(`INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, position, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'monthly', $9, $10, $10) RETURNING id`,
		f.plan, f.ids["area:"+area], key, text, measure, goal, cmp, f.ids[owner], pos, f.stamp)
}

func (f *fixture) reading(target, official, period, when string, value float64) {
	f.exec(`INSERT INTO target_readings (target_id, period_key, value, official_id, source, reported_at)
		VALUES ($1, $2, $3, $4, 'cli', $5) RETURNING id`, f.ids[target], period, value, f.ids[official], at(when))
}

// quarterFixture is the hand-computed plan of the digest tests; the
// comments give each occurrence's fate.
func quarterFixture(t testing.TB) *fixture {
	f := newFixture(t)
	f.official("chu-tich", "Vương Văn Toàn", "chairman")
	f.official("van-phong", "Công chức Văn phòng - Thống kê", "office")
	f.official("tai-chinh", "Công chức Tài chính - Kế toán", "member")
	f.official("tu-phap", "Công chức Tư pháp - Hộ tịch", "member")
	f.official("vhxh", "Công chức Văn hóa - xã hội", "member") // leads nothing, owns nothing

	f.area("1", "Cải cách thể chế", 1)
	f.area("2", "Cải cách thủ tục hành chính", 2)
	f.area("6", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", 6) // empty

	// Area 1, lead tu-phap.
	f.task("a-ontime", "Rà soát văn bản quy phạm pháp luật", "1", "tu-phap", "2025-01-20", "2025-01-18 10:00", 0)
	f.task("b-late", "Kiểm tra việc thi hành văn bản", "1", "tu-phap", "2025-02-10", "2025-02-12 09:00", 0)
	f.task("h-done-after", "Tuyên truyền phổ biến pháp luật", "1", "tu-phap", "2025-03-01", "2025-03-16 09:00", 0)
	// Area 2.
	f.task("c-open", "Rà soát TTHC <đợt 1> & báo cáo", "2", "van-phong", "2025-03-14", "", 0)
	f.task("d-carry", "Công khai TTHC tại bộ phận một cửa", "2", "tai-chinh", "2024-12-10", "", 0)
	f.task("e-carry-done", "Cập nhật cơ sở dữ liệu TTHC", "2", "tai-chinh", "2024-12-01", "2025-01-05 15:00", 0)
	f.task("f-prev-done", "Báo cáo kiểm soát TTHC quý IV", "2", "van-phong", "2024-12-05", "2024-12-10 16:00", 0)
	f.task("g-future", "Khảo sát mức độ hài lòng", "2", "van-phong", "2025-03-20", "", 0)

	f.progress("a-ontime", "tu-phap", "2025-01-18 10:00", 100, true, "")
	f.progress("d-carry", "tai-chinh", "2024-12-01 09:00", 10, false, "bắt đầu")
	f.progress("d-carry", "tai-chinh", "2025-03-15 07:00", 30, false, "đang chờ số liệu")
	f.exec(`UPDATE occurrences SET percent = 30 WHERE id = $1 RETURNING id`, f.ids["d-carry"])
	f.progress("h-done-after", "tu-phap", "2025-03-05 10:00", 50, false, "")
	f.progress("h-done-after", "tu-phap", "2025-03-16 09:00", 100, true, "")

	f.target("ngan-sach", "Số khoản chi sai quy định", "1", "count", 5, "<=", "tai-chinh", 1)
	f.target("tthc-dung-han", "100% hồ sơ TTHC được trả kết quả đúng hạn", "2", "percent", 100, ">=", "van-phong", 1)
	f.target("trang-tin", "Xây dựng Trang thông tin điện tử phường", "6", "yesno", 1, "=", "van-phong", 1)
	f.reading("tthc-dung-han", "van-phong", "2025-02", "2025-02-14 10:00", 100)
	f.reading("tthc-dung-han", "van-phong", "2025-03", "2025-03-10 10:00", 96.5)
	f.reading("trang-tin", "van-phong", "2025-01", "2025-01-10 10:00", 1)
	f.reading("ngan-sach", "tai-chinh", "2025-03", "2025-03-20 10:00", 3)
	return f
}

func tot(dot, dl, oot, oo int, rate float64) report.Totals {
	t := plan.Totals{DoneOnTime: dot, DoneLate: dl, OpenOnTime: oot, OpenOverdue: oo}
	return report.Totals{Totals: t, OnTimeRate: rate, Total: dot + dl + oot + oo}
}

func fp(v float64) *float64 { return &v }

type taskWant struct {
	key, status string
	progress    int
	lastReport  *string
	daysOverdue int
	carried     bool
}

func sp(s string) *string { return &s }

func TestCompile(t *testing.T) {
	f := quarterFixture(t)
	ctx := context.Background()

	tests := []struct {
		name       string
		period     string
		cutoff     plan.Cutoff
		asOf       time.Time
		from, to   string
		totals     report.Totals
		areas      []report.Totals // areas 1, 2, 6
		officials  map[string]report.Totals
		reported   map[string]bool
		missing    []string
		tasks      []taskWant
		actual     map[string]*float64
		met        map[string]bool
		prevKey    string
		prevTotals report.Totals
	}{
		{
			name: "decree09 Q1 as of 15/3 08:00", period: "2025-Q1", cutoff: plan.CutoffDecree09,
			asOf: at("2025-03-15 08:00"), from: "2024-12-15", to: "2025-03-14",
			// A on time; B, E late; C, D, H overdue (H is done only after asOf).
			totals: tot(1, 2, 0, 3, 0.1667),
			areas:  []report.Totals{tot(1, 1, 0, 1, 0.3333), tot(0, 1, 0, 2, 0), tot(0, 0, 0, 0, 0)},
			officials: map[string]report.Totals{
				"van-phong": tot(0, 0, 0, 1, 0),
				"tai-chinh": tot(0, 1, 0, 1, 0),
				"tu-phap":   tot(1, 1, 0, 1, 0.3333),
			},
			// tai-chinh reported before the period and after its end only.
			reported: map[string]bool{"van-phong": true, "tai-chinh": false, "tu-phap": true},
			missing:  []string{"tai-chinh"},
			tasks: []taskWant{
				{key: "a-ontime", status: "done_on_time", progress: 100, lastReport: sp("100%")},
				{key: "b-late", status: "done_late", progress: 100},
				{key: "h-done-after", status: "open_overdue", progress: 50, lastReport: sp("50%"), daysOverdue: 14},
				{key: "c-open", status: "open_overdue", progress: 0, daysOverdue: 1},
				{key: "d-carry", status: "open_overdue", progress: 30, lastReport: sp("30% — đang chờ số liệu"), daysOverdue: 95, carried: true},
				{key: "e-carry-done", status: "done_late", progress: 100, carried: true},
			},
			actual:  map[string]*float64{"ngan-sach": nil, "tthc-dung-han": fp(96.5), "trang-tin": fp(1)},
			met:     map[string]bool{"ngan-sach": false, "tthc-dung-han": false, "trang-tin": true},
			prevKey: "2024-Q4",
			// As of 15/12/2024 00:00: D and E open overdue, F done late.
			prevTotals: tot(0, 1, 0, 2, 0),
		},
		{
			name: "decree09 Q1 mid-period as of 1/3 12:00", period: "2025-Q1", cutoff: plan.CutoffDecree09,
			asOf: at("2025-03-01 12:00"), from: "2024-12-15", to: "2025-03-14",
			totals: tot(1, 2, 2, 1, 0.25),
			areas:  []report.Totals{tot(1, 1, 1, 0, 0.5), tot(0, 1, 1, 1, 0), tot(0, 0, 0, 0, 0)},
			officials: map[string]report.Totals{
				"van-phong": tot(0, 0, 1, 0, 0),
				"tai-chinh": tot(0, 1, 0, 1, 0),
				"tu-phap":   tot(1, 1, 1, 0, 0.5),
			},
			reported: map[string]bool{"van-phong": true, "tai-chinh": false, "tu-phap": true},
			missing:  []string{"tai-chinh"},
			tasks: []taskWant{
				{key: "a-ontime", status: "done_on_time", progress: 100, lastReport: sp("100%")},
				{key: "b-late", status: "done_late", progress: 100},
				{key: "h-done-after", status: "open_on_time", progress: 0},
				{key: "c-open", status: "open_on_time", progress: 0},
				{key: "d-carry", status: "open_overdue", progress: 10, lastReport: sp("10% — bắt đầu"), daysOverdue: 81, carried: true},
				{key: "e-carry-done", status: "done_late", progress: 100, carried: true},
			},
			actual:     map[string]*float64{"ngan-sach": nil, "tthc-dung-han": fp(100), "trang-tin": fp(1)},
			met:        map[string]bool{"ngan-sach": false, "tthc-dung-han": true, "trang-tin": true},
			prevKey:    "2024-Q4",
			prevTotals: tot(0, 1, 0, 2, 0),
		},
		{
			name: "calendar Q1 as of 1/4 08:00", period: "2025-Q1", cutoff: plan.CutoffCalendar,
			asOf: at("2025-04-01 08:00"), from: "2025-01-01", to: "2025-03-31",
			// A on time; B, H, E late; C, G, D overdue; F done before 1/1.
			totals: tot(1, 3, 0, 3, 0.1429),
			areas:  []report.Totals{tot(1, 2, 0, 0, 0.3333), tot(0, 1, 0, 3, 0), tot(0, 0, 0, 0, 0)},
			officials: map[string]report.Totals{
				"van-phong": tot(0, 0, 0, 2, 0),
				"tai-chinh": tot(0, 1, 0, 1, 0),
				"tu-phap":   tot(1, 2, 0, 0, 0.3333),
			},
			reported: map[string]bool{"van-phong": true, "tai-chinh": true, "tu-phap": true},
			missing:  []string{},
			tasks: []taskWant{
				{key: "a-ontime", status: "done_on_time", progress: 100, lastReport: sp("100%")},
				{key: "b-late", status: "done_late", progress: 100},
				{key: "h-done-after", status: "done_late", progress: 100, lastReport: sp("100%")},
				{key: "c-open", status: "open_overdue", progress: 0, daysOverdue: 18},
				{key: "d-carry", status: "open_overdue", progress: 30, lastReport: sp("30% — đang chờ số liệu"), daysOverdue: 112, carried: true},
				{key: "e-carry-done", status: "done_late", progress: 100, carried: true},
				{key: "g-future", status: "open_overdue", progress: 0, daysOverdue: 12},
			},
			actual:  map[string]*float64{"ngan-sach": fp(3), "tthc-dung-han": fp(96.5), "trang-tin": fp(1)},
			met:     map[string]bool{"ngan-sach": true, "tthc-dung-han": false, "trang-tin": true},
			prevKey: "2024-Q4",
			// 2024-Q4 calendar, as of 1/1 00:00: D, E, F all due in it; D
			// and E open (overdue), F done late.
			prevTotals: tot(0, 1, 0, 2, 0),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.ParsePeriod(tc.period, tc.cutoff)
			if err != nil {
				t.Fatal(err)
			}
			d, err := compileWard(ctx, f.st, "pdp", p, tc.asOf)
			if err != nil {
				t.Fatal(err)
			}
			if d.Period.From.String() != tc.from || d.Period.To.String() != tc.to {
				t.Errorf("period = %s..%s, want %s..%s", d.Period.From, d.Period.To, tc.from, tc.to)
			}
			if d.AsOf != tc.asOf.Format(time.RFC3339) {
				t.Errorf("as_of = %s", d.AsOf)
			}
			if d.Totals != tc.totals {
				t.Errorf("totals = %+v, want %+v", d.Totals, tc.totals)
			}
			if len(d.ByArea) != 3 {
				t.Fatalf("by_area has %d areas, want 3: %+v", len(d.ByArea), d.ByArea)
			}
			for i, code := range []string{"1", "2", "6"} {
				if d.ByArea[i].Code != code || d.ByArea[i].Totals != tc.areas[i] {
					t.Errorf("by_area[%d] = %s %+v, want %s %+v", i, d.ByArea[i].Code, d.ByArea[i].Totals, code, tc.areas[i])
				}
			}
			var keys []string
			for _, o := range d.ByOfficial {
				keys = append(keys, o.Key)
				if want, ok := tc.officials[o.Key]; !ok || o.Totals != want {
					t.Errorf("by_official %s = %+v, want %+v", o.Key, o.Totals, want)
				}
				if o.Reported != tc.reported[o.Key] {
					t.Errorf("by_official %s reported = %v, want %v", o.Key, o.Reported, tc.reported[o.Key])
				}
			}
			// Office first, then members by key; the chairman and vhxh
			// neither lead nor own anything.
			if want := []string{"van-phong", "tai-chinh", "tu-phap"}; !reflect.DeepEqual(keys, want) {
				t.Errorf("by_official = %v, want %v", keys, want)
			}
			if !reflect.DeepEqual(d.MissingReports, tc.missing) {
				t.Errorf("missing_reports = %v, want %v", d.MissingReports, tc.missing)
			}
			got := map[string]report.TaskLine{}
			for _, tl := range d.Tasks {
				got[tl.Key] = tl
			}
			if len(d.Tasks) != len(tc.tasks) {
				t.Errorf("%d tasks, want %d: %v", len(d.Tasks), len(tc.tasks), keysOf(d.Tasks))
			}
			for _, w := range tc.tasks {
				tl, ok := got[w.key]
				if !ok {
					t.Errorf("task %s missing", w.key)
					continue
				}
				if tl.Status != w.status || tl.Progress != w.progress || tl.DaysOverdue != w.daysOverdue || tl.CarriedOver != w.carried {
					t.Errorf("task %s = %s %d%% overdue %d carried %v, want %s %d%% overdue %d carried %v",
						w.key, tl.Status, tl.Progress, tl.DaysOverdue, tl.CarriedOver, w.status, w.progress, w.daysOverdue, w.carried)
				}
				if !reflect.DeepEqual(tl.LastReport, w.lastReport) {
					t.Errorf("task %s last_report = %v, want %v", w.key, deref(tl.LastReport), deref(w.lastReport))
				}
			}
			for _, tg := range d.Targets {
				if !reflect.DeepEqual(tg.Actual, tc.actual[tg.Key]) || tg.Met != tc.met[tg.Key] {
					t.Errorf("target %s actual %v met %v, want %v %v", tg.Key, tg.Actual, tg.Met, tc.actual[tg.Key], tc.met[tg.Key])
				}
			}
			if d.Previous == nil || d.Previous.Key != tc.prevKey || d.Previous.Totals != tc.prevTotals {
				t.Errorf("previous = %+v, want %s %+v", d.Previous, tc.prevKey, tc.prevTotals)
			} else if d.Change.OnTimeRate != tc.totals.OnTimeRate-tc.prevTotals.OnTimeRate ||
				d.Change.OpenOverdue != tc.totals.OpenOverdue-tc.prevTotals.OpenOverdue {
				t.Errorf("change = %+v", d.Change)
			}
		})
	}
}

func keysOf(lines []report.TaskLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Key)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestDigestJSON checks the exact shape of the digest JSON contract (README).
func TestDigestJSON(t *testing.T) {
	f := quarterFixture(t)
	p, _ := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	d, err := compileWard(context.Background(), f.st, "pdp", p, at("2025-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := report.RenderJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"unit", "period", "as_of", "totals", "by_area", "by_official", "tasks", "targets", "missing_reports"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if m["unit"] != "pdp" || m["as_of"] != "2025-03-15T08:00:00+07:00" {
		t.Errorf("unit, as_of = %v, %v", m["unit"], m["as_of"])
	}
	wantPeriod := map[string]any{"key": "2025-Q1", "from": "2024-12-15", "to": "2025-03-14"}
	if !reflect.DeepEqual(m["period"], wantPeriod) {
		t.Errorf("period = %v", m["period"])
	}
	totals := m["totals"].(map[string]any)
	for k, v := range map[string]float64{"done_on_time": 1, "done_late": 2, "open_on_time": 0, "open_overdue": 3, "on_time_rate": 0.1667} {
		if totals[k] != v {
			t.Errorf("totals.%s = %v, want %v", k, totals[k], v)
		}
	}
	area := m["by_area"].([]any)[2].(map[string]any)
	if area["code"] != "6" || area["name"] == "" || area["totals"].(map[string]any)["on_time_rate"] != 0.0 {
		t.Errorf("by_area[2] = %v", area)
	}
	off := m["by_official"].([]any)[1].(map[string]any)
	if off["key"] != "tai-chinh" || off["reported"] != false || off["name"] != "Công chức Tài chính - Kế toán" {
		t.Errorf("by_official[1] = %v", off)
	}
	var c map[string]any
	for _, x := range m["tasks"].([]any) {
		if x.(map[string]any)["key"] == "c-open" {
			c = x.(map[string]any)
		}
	}
	wantTask := map[string]any{"key": "c-open", "occurrence": "2025-03-14", "title": "Rà soát TTHC <đợt 1> & báo cáo",
		"area": "2", "lead": "van-phong", "due": "2025-03-14", "status": "open_overdue", "progress": 0.0, "last_report": nil}
	for k, v := range wantTask {
		if got, ok := c[k]; !ok || got != v {
			t.Errorf("tasks[c-open].%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	tg := m["targets"].([]any)[0].(map[string]any)
	if tg["key"] != "ngan-sach" || tg["actual"] != nil || tg["met"] != false || tg["comparator"] != "<=" || tg["goal"] != 5.0 ||
		tg["kind"] != "level" || tg["judgement"] != "no_data" {
		t.Errorf("targets[0] = %v", tg)
	}
	if !reflect.DeepEqual(m["missing_reports"], []any{"tai-chinh"}) {
		t.Errorf("missing_reports = %v", m["missing_reports"])
	}
}

func TestRender(t *testing.T) {
	f := quarterFixture(t)
	p, _ := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	d, err := compileWard(context.Background(), f.st, "pdp", p, at("2025-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	vi := i18n.New(i18n.VI)
	text := message.DigestText(report.Result{Unit: d}, vi)
	for _, want := range []string{
		"TỔNG HỢP BÁO CÁO quý I/2025 (15/12/2024 – 14/03/2025)",
		"UBND phường Phan Đình Phùng — số liệu đến 08:00 15/03/2025",
		"Tổng số: 6 nhiệm vụ",
		"Hoàn thành đúng hạn: 1",
		"Hoàn thành quá hạn: 2",
		"Đang thực hiện trong hạn: 0",
		"Đang thực hiện quá hạn: 3",
		"Tỷ lệ hoàn thành đúng hạn: 16,7%",
		"So với kỳ trước (2024-Q4: 0%): +16,7 điểm",
		"Nhiệm vụ quá hạn (3):",
		"1. Công khai TTHC tại bộ phận một cửa — chủ trì: Công chức Tài chính - Kế toán; quá hạn 95 ngày; tiến độ 30%",
		"3. Rà soát TTHC <đợt 1> & báo cáo — chủ trì: Công chức Văn phòng - Thống kê; quá hạn 1 ngày; tiến độ 0%",
		// A target without a reading is counted, not listed as unmet.
		"Chỉ tiêu chưa đạt, chậm tiến độ (1):",
		"- 100% hồ sơ TTHC được trả kết quả đúng hạn: 96,5% (mục tiêu ≥ 100%)",
		"Các chỉ tiêu khác: 1 đạt, 1 chưa có số liệu.",
		"Chưa báo cáo trong kỳ (1):\n- Công chức Tài chính - Kế toán",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// The numbers come before the names.
	if strings.Index(text, "Tỷ lệ") > strings.Index(text, "Nhiệm vụ quá hạn") {
		t.Error("rate after the overdue list")
	}

	html := message.DigestTelegram(report.Result{Unit: d}, vi)
	if !strings.Contains(html, "Rà soát TTHC &lt;đợt 1&gt; &amp; báo cáo") || strings.Contains(html, "<đợt") {
		t.Errorf("telegram text not escaped:\n%s", html)
	}
	if !strings.Contains(html, "<b>Tỷ lệ hoàn thành đúng hạn: 16,7%</b>") {
		t.Errorf("telegram text lacks the bold rate:\n%s", html)
	}

	en := message.DigestText(report.Result{Unit: d}, i18n.New(i18n.EN))
	if !strings.Contains(en, "On-time rate: 16.7%") || !strings.Contains(en, "Q1 2025") {
		t.Errorf("english text:\n%s", en)
	}
}

func TestOverdue(t *testing.T) {
	f := quarterFixture(t)
	lines, err := overdue(f, at("2025-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	// D (95 days) then C (1 day); H is done, G not yet due.
	if len(lines) != 2 || lines[0].Key != "d-carry" || lines[0].DaysOverdue != 95 || lines[1].Key != "c-open" || lines[1].DaysOverdue != 1 {
		t.Fatalf("overdue = %+v", lines)
	}
	if lines[0].Lead != "tai-chinh" || lines[0].Progress != 30 || deref(lines[0].LastReport) != "30% — đang chờ số liệu" {
		t.Errorf("overdue[0] = %+v", lines[0])
	}
}

// BenchmarkCompile compiles the yearly digest of one unit with a year of
// weekly occurrences of twenty tasks, each with progress reports.
func BenchmarkCompile(b *testing.B) {
	f := newFixture(b)
	f.official("chu-tich", "Vương Văn Toàn", "chairman")
	f.official("van-phong", "Công chức Văn phòng - Thống kê", "office")
	f.area("2", "Cải cách thủ tục hành chính", 2)
	ctx := context.Background()
	_, err := f.st.DB().ExecContext(ctx, `
		WITH t AS (
			INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
			SELECT $1, $2, 'bao-cao-' || i, 'Báo cáo tuần số ' || i, $3, 'weekly', 5, '2025-01-01', $4, $4
			FROM generate_series(1, 20) i
			RETURNING id
		), o AS (
			INSERT INTO occurrences (task_id, key, nominal_due, due, percent, done_at, created_at, updated_at)
			SELECT t.id, 'W' || w, d, d, CASE WHEN w % 3 = 0 THEN 100 ELSE 40 END,
			       CASE WHEN w % 3 = 0 THEN d + interval '10 hours' END, $4, $4
			FROM t, generate_series(1, 52) w, LATERAL (SELECT date '2025-01-03' + (w - 1) * 7 AS d) x
			RETURNING id, due
		)
		INSERT INTO progress_reports (occurrence_id, official_id, percent, note, source, reported_at)
		SELECT o.id, $3, 40, 'đang thực hiện', 'cli', o.due - interval '1 day'
		FROM o`, f.plan, f.ids["area:2"], f.ids["van-phong"], f.stamp)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := plan.ParsePeriod("2025", plan.CutoffCalendar)
	asOf := at("2026-01-01 08:00")
	b.ResetTimer()
	for b.Loop() {
		d, err := compileWard(ctx, f.st, "pdp", p, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Tasks) != 20*52 {
			b.Fatalf("%d tasks", len(d.Tasks))
		}
	}
}

// compileWard compiles, with report.Compile, the digest of the unit code,
// which must have no wards.
func compileWard(ctx context.Context, st *store.Store, code string, p plan.Period, asOf time.Time) (*report.Digest, error) {
	res, err := compileCode(ctx, st, code, p, asOf, report.Options{})
	if err != nil {
		return nil, err
	}
	if res.IsRollup() {
		return nil, fmt.Errorf("%s compiled as a town", code)
	}
	return res.Unit, nil
}

// compileRollup compiles, with report.Compile, the digest of the unit code,
// which must have wards.
func compileRollup(ctx context.Context, st *store.Store, code string, p plan.Period, asOf time.Time) (*report.RollupDigest, error) {
	res, err := compileCode(ctx, st, code, p, asOf, report.Options{})
	if err != nil {
		return nil, err
	}
	if !res.IsRollup() {
		return nil, fmt.Errorf("%s compiled as a ward", code)
	}
	return res.Rollup, nil
}

// compileCode is report.Compile of the unit code.
func compileCode(ctx context.Context, st *store.Store, code string, p plan.Period, asOf time.Time, opts report.Options) (report.Result, error) {
	unit, err := st.UnitByCode(ctx, code)
	if err != nil {
		return report.Result{}, err
	}
	return report.Compile(ctx, st, unit, p, asOf, opts)
}

// overdue is report.Overdue of the fixture's unit.
func overdue(f *fixture, asOf time.Time) ([]report.TaskLine, error) {
	unit, err := f.st.UnitByCode(context.Background(), "pdp")
	if err != nil {
		return nil, err
	}
	return report.Overdue(context.Background(), f.st, unit, asOf)
}
