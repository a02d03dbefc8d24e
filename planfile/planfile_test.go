package planfile

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
)

// base is a small valid plan file. The tests replace or add lines, so the
// line numbers below matter:
//
//	1 unit            8 area code
//	2 plan            9 area name
//	3 officials      10 targets
//	4 chu-tich       11 target tthc-dung-han
//	5 van-phong      12 tasks
//	6 tu-phap        13 task ra-soat-tthc (one-off)
//	7 areas          14 task bao-cao-tuan (recurring)
const base = `unit: {code: pdp, name: "UBND phường Phan Đình Phùng", timezone: Asia/Ho_Chi_Minh}
plan: {code: KH-CCHC-2025, title: "Kế hoạch cải cách hành chính năm 2025", year: 2025}
officials:
  - {key: chu-tich, name: "Vương Văn Toàn", position: "Chủ tịch UBND phường", roles: [chairman]}
  - {key: van-phong, name: "Công chức Văn phòng - Thống kê", roles: [office]}
  - {key: tu-phap, name: "Công chức Tư pháp - Hộ tịch"}
areas:
  - code: "2"
    name: "Cải cách thủ tục hành chính"
    targets:
      - {key: tthc-dung-han, text: "100% số hồ sơ TTHC được trả kết quả đúng hạn", measure: percent, goal: 100, owner: van-phong}
    tasks:
      - {key: ra-soat-tthc, title: "Rà soát, đơn giản hóa các TTHC", lead: tu-phap, support: [van-phong], due: 2025-06-30}
      - {key: bao-cao-tuan, title: "Tổng hợp báo cáo tuần", lead: van-phong, every: weekly, due_day: 5}
`

// edit returns base with line n (1-based) replaced by the given lines.
func edit(n int, lines ...string) string {
	all := strings.Split(strings.TrimSuffix(base, "\n"), "\n")
	out := append([]string{}, all[:n-1]...)
	out = append(out, lines...)
	out = append(out, all[n:]...)
	return strings.Join(out, "\n") + "\n"
}

// appendLines returns base with lines added at its end.
func appendLines(lines ...string) string {
	return base + strings.Join(lines, "\n") + "\n"
}

func TestParseValid(t *testing.T) {
	f, err := Parse("plan.yaml", []byte(base))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &File{
		Name: "plan.yaml",
		Unit: Unit{Code: "pdp", Name: "UBND phường Phan Đình Phùng", Timezone: "Asia/Ho_Chi_Minh", Pos: Pos{1, 7}},
		Plan: Plan{Code: "KH-CCHC-2025", Title: "Kế hoạch cải cách hành chính năm 2025", Year: 2025, Pos: Pos{2, 7}},
		Officials: []Official{
			{Key: "chu-tich", Name: "Vương Văn Toàn", Position: "Chủ tịch UBND phường", Roles: []plan.Role{plan.RoleChairman}, Pos: Pos{4, 5}},
			{Key: "van-phong", Name: "Công chức Văn phòng - Thống kê", Roles: []plan.Role{plan.RoleOffice}, Pos: Pos{5, 5}},
			{Key: "tu-phap", Name: "Công chức Tư pháp - Hộ tịch", Roles: []plan.Role{plan.RoleMember}, Pos: Pos{6, 5}},
		},
		Areas: []Area{{
			Code: "2", Name: "Cải cách thủ tục hành chính", Pos: Pos{8, 5},
			Targets: []Target{{
				Key: "tthc-dung-han", Text: "100% số hồ sơ TTHC được trả kết quả đúng hạn",
				Measure: plan.MeasurePercent, Goal: 100, Comparator: plan.CmpGE,
				Owner: "van-phong", Every: plan.Monthly, Kind: plan.KindLevel, Pos: Pos{11, 9},
			}},
			Tasks: []Task{
				{
					Key: "ra-soat-tthc", Title: "Rà soát, đơn giản hóa các TTHC", Lead: "tu-phap", Leads: []string{"tu-phap"},
					Support: []string{"van-phong"}, Due: plan.MustParseDate("2025-06-30"), Pos: Pos{13, 9},
				},
				{
					Key: "bao-cao-tuan", Title: "Tổng hợp báo cáo tuần", Lead: "van-phong", Leads: []string{"van-phong"},
					Every: plan.Weekly, DueDay: 5, Start: plan.MustParseDate("2025-01-01"), Until: plan.MustParseDate("2025-12-31"), Pos: Pos{14, 9},
				},
			},
		}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", f, want)
	}
	if f.Areas[0].Tasks[0].Recurring() || !f.Areas[0].Tasks[1].Recurring() {
		t.Errorf("Recurring: one-off and recurring tasks confused")
	}
	r := f.Areas[0].Tasks[1].Recurrence()
	if r != (plan.Recurrence{Every: plan.Weekly, DueDay: 5, Start: plan.MustParseDate("2025-01-01"), End: plan.MustParseDate("2025-12-31")}) {
		t.Errorf("Recurrence = %+v", r)
	}
}

func TestParseExtensionsAndVariants(t *testing.T) {
	src := `unit: {code: pdp, name: "UBND phường Phan Đình Phùng", parent: my-hoa}
plan: {code: KH-CCHC-2025, title: "Kế hoạch CCHC năm 2025", year: 2025}
officials:
  - key: van-phong
    name: "Công chức Văn phòng - Thống kê"
    roles: [office, member]
    email: vanphong@example.vn
    language: en
areas:
  - code: "6"
    name: "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    targets:
      - {key: web-a, text: "Trang thông tin điện tử", measure: yesno, goal: yes, owner: van-phong, every: quarterly}
      - {key: web-b, text: "b", measure: yesno, goal: no, owner: van-phong}
      - {key: web-c, text: "c", measure: yesno, goal: true, owner: van-phong}
      - {key: web-d, text: "d", measure: yesno, goal: 0, owner: van-phong}
      - {key: so-vb, text: "e", measure: count, goal: 12.5, comparator: "<=", owner: van-phong}
    tasks:
      - key: bao-cao-thang
        title: "Tổng hợp báo cáo tháng"
        lead: van-phong
        every: monthly
        due_day: -1
        start: 2025-02-01
        until: 2025-11-30
        note: "Nghị định 09/2019/NĐ-CP"
`
	f, err := Parse("plan.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.Unit.Parent != "my-hoa" || f.Unit.Timezone != DefaultTimezone {
		t.Errorf("unit = %+v, want parent my-hoa and the default time zone", f.Unit)
	}
	o := f.Officials[0]
	if o.Email != "vanphong@example.vn" || o.Language != "en" || !reflect.DeepEqual(o.Roles, []plan.Role{plan.RoleOffice, plan.RoleMember}) {
		t.Errorf("official = %+v", o)
	}
	var goals []float64
	for _, tg := range f.Areas[0].Targets {
		goals = append(goals, tg.Goal)
	}
	if want := []float64{1, 0, 1, 0, 12.5}; !reflect.DeepEqual(goals, want) {
		t.Errorf("goals = %v, want %v", goals, want)
	}
	if tg := f.Areas[0].Targets[4]; tg.Comparator != plan.CmpLE || tg.Every != plan.Monthly {
		t.Errorf("target = %+v, want comparator <= and every monthly", tg)
	}
	if tg := f.Areas[0].Targets[0]; tg.Every != plan.Quarterly || tg.Comparator != plan.CmpGE {
		t.Errorf("target = %+v, want every quarterly and comparator >=", tg)
	}
	task := f.Areas[0].Tasks[0]
	want := Task{
		Key: "bao-cao-thang", Title: "Tổng hợp báo cáo tháng", Lead: "van-phong", Leads: []string{"van-phong"},
		Every: plan.Monthly, DueDay: -1, Start: plan.MustParseDate("2025-02-01"),
		Until: plan.MustParseDate("2025-11-30"), Note: "Nghị định 09/2019/NĐ-CP", Pos: Pos{19, 9},
	}
	if !reflect.DeepEqual(task, want) {
		t.Errorf("task:\n got %+v\nwant %+v", task, want)
	}
	if _, err := f.Unit.Location(); err != nil {
		t.Errorf("Location: %v", err)
	}
	if _, ok := f.Official("van-phong"); !ok {
		t.Errorf("Official(van-phong) not found")
	}
}

// wantErr is one expected mistake: its line, field and a part of its
// message.
type wantErr struct {
	line  int
	field string
	msg   string
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []wantErr
	}{
		{"yaml syntax", edit(11, `      - {key: tthc-dung-han, text: "100%, measure: percent}`),
			// The unclosed quote runs on to the next line's first quote.
			[]wantErr{{13, "", "invalid YAML: ',' or '}' must be specified"}}},
		{"empty file", "# nothing here\n",
			[]wantErr{{1, "", "empty plan file"}}},
		{"two documents", base + "---\nunit: {code: x}\n",
			[]wantErr{{16, "", "one YAML document"}}},
		{"root is a list", "- unit\n- plan\n",
			[]wantErr{{1, "", "want a mapping"}}},

		{"no officials", "unit: {code: pdp, name: UBND}\nplan: {code: KH, title: KH, year: 2025}\nofficials: []\nareas: [{code: \"1\", name: A}]\n",
			[]wantErr{{3, "officials", "list at least one official"}}},
		{"no areas", base[:strings.Index(base, "areas:")] + "areas: []\n",
			[]wantErr{{7, "areas", "list at least one area"}}},
		{"unknown top-level field", appendLines("targets: []"),
			[]wantErr{{15, "targets", `unknown field "targets"`}}},
		{"unknown unit field", edit(1, `unit: {code: pdp, name: "UBND", tz: Asia/Ho_Chi_Minh}`),
			[]wantErr{{1, "unit.tz", `unknown field "tz"`}}},
		{"unknown official field", edit(6, `  - {key: tu-phap, name: "Tư pháp", phone: "0900"}`),
			[]wantErr{{6, "officials[2].phone", `unknown field "phone"`}}},
		{"unknown area field", edit(9, `    name: "Cải cách thủ tục hành chính"`, `    owner: van-phong`),
			[]wantErr{{10, "areas[0].owner", `unknown field "owner"`}}},
		{"unknown target field", edit(11, `      - {key: t, text: "x", measure: percent, goal: 100, owner: van-phong, unit: "%"}`),
			[]wantErr{{11, "areas[0].targets[0].unit", `unknown field "unit"`}}},
		{"unknown task field", edit(13, `      - {key: a, title: "A", lead: tu-phap, due: 2025-06-30, deadline: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].deadline", `unknown field "deadline"`}}},

		{"missing unit name", edit(1, `unit: {code: pdp}`),
			[]wantErr{{1, "unit.name", "missing required field"}}},
		{"missing plan", strings.Replace(base, "plan: {code: KH-CCHC-2025, title: \"Kế hoạch cải cách hành chính năm 2025\", year: 2025}\n", "", 1),
			[]wantErr{{1, "plan", "missing required field"}}},
		{"missing official key", edit(6, `  - {name: "Tư pháp"}`),
			[]wantErr{{6, "officials[2].key", "missing required field"}, {13, "areas[0].tasks[0].lead", `unknown official "tu-phap"`}}},
		{"missing task lead", edit(13, `      - {key: a, title: "A", due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].lead", "missing required field"}}},
		{"missing target goal", edit(11, `      - {key: t, text: "x", measure: percent, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "missing required field"}}},
		{"null title", edit(13, `      - {key: a, title: ~, lead: tu-phap, due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].title", "missing value"}}},
		{"blank name", edit(6, `  - {key: tu-phap, name: "  "}`),
			[]wantErr{{6, "officials[2].name", "must not be empty"}}},

		{"duplicate yaml key", edit(9, `    name: "Cải cách thủ tục hành chính"`, `    name: "Cải cách TTHC"`),
			[]wantErr{{10, "areas[0].name", `duplicate key "name" (first at line 9)`}}},
		{"duplicate official key", edit(6, `  - {key: van-phong, name: "Tư pháp"}`),
			[]wantErr{{6, "officials[2].key", `duplicate official key "van-phong" (first at line 5)`}, {13, "areas[0].tasks[0].lead", `unknown official "tu-phap"`}}},
		{"duplicate area code", appendLines(`  - {code: "2", name: "Cải cách TTHC"}`),
			[]wantErr{{15, "areas[1].code", `duplicate area code "2" (first at line 8)`}}},
		{"duplicate target key", edit(11, `      - {key: t, text: "x", measure: percent, goal: 100, owner: van-phong}`, `      - {key: t, text: "y", measure: percent, goal: 90, owner: van-phong}`),
			[]wantErr{{12, "areas[0].targets[1].key", `duplicate target key "t" (first at line 11)`}}},
		{"duplicate task key across areas", appendLines(`  - code: "3"`, `    name: "Cải cách tổ chức bộ máy"`, `    tasks:`, `      - {key: ra-soat-tthc, title: "B", lead: tu-phap, due: 2025-06-30}`),
			[]wantErr{{18, "areas[1].tasks[0].key", `duplicate task key "ra-soat-tthc" (first at line 13)`}}},

		{"bad official key", edit(6, `  - {key: Tu_Phap, name: "Tư pháp"}`),
			[]wantErr{{6, "officials[2].key", `invalid key "Tu_Phap"`}, {13, "areas[0].tasks[0].lead", `unknown official "tu-phap"`}}},
		{"bad task key", edit(13, `      - {key: "rà soát", title: "A", lead: tu-phap, due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].key", `invalid key "rà soát"`}}},
		{"bad unit code", edit(1, `unit: {code: PDP, name: "UBND"}`),
			[]wantErr{{1, "unit.code", `invalid key "PDP"`}}},

		{"unknown lead", edit(13, `      - {key: a, title: "A", lead: tu-phapp, due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].lead", `unknown official "tu-phapp"`}}},
		{"unknown supporter", edit(13, `      - {key: a, title: "A", lead: tu-phap, support: [van-phong, tai-chinh], due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].support[1]", `unknown official "tai-chinh"`}}},
		{"unknown owner", edit(11, `      - {key: t, text: "x", measure: percent, goal: 100, owner: nobody}`),
			[]wantErr{{11, "areas[0].targets[0].owner", `unknown official "nobody"`}}},
		{"supporter twice", edit(13, `      - key: a`, `        title: "A"`, `        lead: tu-phap`, `        support: [van-phong, chu-tich, van-phong]`, `        due: 2025-06-30`),
			[]wantErr{{16, "areas[0].tasks[0].support[2]", `official "van-phong" listed twice (first at line 16)`}}},
		{"supporter is the lead", edit(13, `      - {key: a, title: "A", lead: tu-phap, support: [tu-phap], due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].support[0]", `official "tu-phap" is the lead`}}},

		{"task neither one-off nor recurring", edit(13, `      - {key: a, title: "A", lead: tu-phap}`),
			[]wantErr{{13, "areas[0].tasks[0]", "missing due (a one-off task) or every and due_day"}}},
		{"task both one-off and recurring", edit(13, `      - {key: a, title: "A", lead: tu-phap, due: 2025-06-30, every: monthly, due_day: 10}`),
			[]wantErr{{13, "areas[0].tasks[0].every", "either one-off (due) or recurring"}}},
		{"due_day without every", edit(13, `      - {key: a, title: "A", lead: tu-phap, due_day: 10}`),
			[]wantErr{{13, "areas[0].tasks[0]", "missing due"}, {13, "areas[0].tasks[0].due_day", "due_day needs every"}}},
		{"due_day on a one-off task", edit(13, `      - {key: a, title: "A", lead: tu-phap, due: 2025-06-30, due_day: 10}`),
			[]wantErr{{13, "areas[0].tasks[0].due_day", "only a recurring task"}}},
		{"recurring without due_day", edit(14, `      - {key: b, title: "B", lead: van-phong, every: weekly}`),
			[]wantErr{{14, "areas[0].tasks[1].due_day", "missing required field"}}},
		{"bad task cadence", edit(14, `      - {key: b, title: "B", lead: van-phong, every: daily, due_day: 5}`),
			[]wantErr{{14, "areas[0].tasks[1].every", `unknown cadence "daily"`}}},
		{"bad target cadence", edit(11, `      - {key: t, text: "x", measure: percent, goal: 100, owner: van-phong, every: fortnightly}`),
			[]wantErr{{11, "areas[0].targets[0].every", `unknown cadence "fortnightly"`}}},
		{"weekly due_day out of range", edit(14, `      - {key: b, title: "B", lead: van-phong, every: weekly, due_day: 8}`),
			[]wantErr{{14, "areas[0].tasks[1].due_day", "invalid due_day 8"}}},
		{"monthly due_day zero", edit(14, `      - {key: b, title: "B", lead: van-phong, every: monthly, due_day: 0}`),
			[]wantErr{{14, "areas[0].tasks[1].due_day", "invalid due_day 0"}}},
		{"quarterly due_day 32", edit(14, `      - {key: b, title: "B", lead: van-phong, every: quarterly, due_day: 32}`),
			[]wantErr{{14, "areas[0].tasks[1].due_day", "invalid due_day 32"}}},
		{"due_day not a number", edit(14, `      - {key: b, title: "B", lead: van-phong, every: monthly, due_day: "10"}`),
			[]wantErr{{14, "areas[0].tasks[1].due_day", "want a whole number"}}},
		{"until before start", edit(14, `      - {key: b, title: "B", lead: van-phong, every: weekly, due_day: 5, start: 2025-03-01, until: 2025-02-01}`),
			[]wantErr{{14, "areas[0].tasks[1].until", "before start"}}},

		{"impossible due date", edit(13, `      - {key: a, title: "A", lead: tu-phap, due: 2025-02-30}`),
			[]wantErr{{13, "areas[0].tasks[0].due", `impossible date "2025-02-30"`}}},
		{"impossible start date", edit(14, `      - {key: b, title: "B", lead: van-phong, every: weekly, due_day: 5, start: 2025-13-01}`),
			[]wantErr{{14, "areas[0].tasks[1].start", `impossible date "2025-13-01"`}}},
		{"date in the wrong form", edit(13, `      - {key: a, title: "A", lead: tu-phap, due: 30/06/2025}`),
			[]wantErr{{13, "areas[0].tasks[0].due", `impossible date "30/06/2025"`}}},

		{"unknown role", edit(6, `  - {key: tu-phap, name: "Tư pháp", roles: [member, chu-tich]}`),
			[]wantErr{{6, "officials[2].roles[1]", `unknown role "chu-tich"`}}},
		{"role twice", edit(6, `  - {key: tu-phap, name: "Tư pháp", roles: [member, member]}`),
			[]wantErr{{6, "officials[2].roles[1]", `role "member" listed twice`}}},
		{"roles not a list", edit(6, `  - {key: tu-phap, name: "Tư pháp", roles: member}`),
			[]wantErr{{6, "officials[2].roles", "want a list"}}},
		{"empty roles", edit(6, `  - {key: tu-phap, name: "Tư pháp", roles: []}`),
			[]wantErr{{6, "officials[2].roles", "at least one role"}}},
		{"bad language", edit(6, `  - {key: tu-phap, name: "Tư pháp", language: fr}`),
			[]wantErr{{6, "officials[2].language", `unknown language "fr"`}}},
		{"bad email", edit(6, `  - {key: tu-phap, name: "Tư pháp", email: "tu phap"}`),
			[]wantErr{{6, "officials[2].email", "invalid e-mail address"}}},

		{"unknown measure", edit(11, `      - {key: t, text: "x", measure: percentage, goal: 100, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].measure", `unknown measure "percentage"`}}},
		{"unknown comparator", edit(11, `      - {key: t, text: "x", measure: percent, goal: 100, comparator: "=>", owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].comparator", `unknown comparator "=>"`}}},
		{"percent goal above 100", edit(11, `      - {key: t, text: "x", measure: percent, goal: 120, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "a percent goal lies in 0..100, found 120"}}},
		{"percent goal negative", edit(11, `      - {key: t, text: "x", measure: percent, goal: -5, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "a percent goal lies in 0..100, found -5"}}},
		{"yes/no goal 2", edit(11, `      - {key: t, text: "x", measure: yesno, goal: 2, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "a yes/no goal is 1 or 0"}}},
		{"yes/no goal maybe", edit(11, `      - {key: t, text: "x", measure: yesno, goal: maybe, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", `a yes/no goal is 1 or 0 (yes or no), found "maybe"`}}},
		{"percent goal as text", edit(11, `      - {key: t, text: "x", measure: percent, goal: "90%", owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "want a number"}}},
		{"count goal negative", edit(11, `      - {key: t, text: "x", measure: count, goal: -1, owner: van-phong}`),
			[]wantErr{{11, "areas[0].targets[0].goal", "cannot be negative"}}},

		{"bad time zone", edit(1, `unit: {code: pdp, name: "UBND", timezone: Asia/Hanoi_City}`),
			[]wantErr{{1, "unit.timezone", `unknown time zone "Asia/Hanoi_City"`}}},
		{"local time zone", edit(1, `unit: {code: pdp, name: "UBND", timezone: Local}`),
			[]wantErr{{1, "unit.timezone", "IANA time zone"}}},
		{"own parent", edit(1, `unit: {code: pdp, name: "UBND", parent: pdp}`),
			[]wantErr{{1, "unit.parent", "own parent"}}},
		{"year out of range", edit(2, `plan: {code: KH, title: "KH", year: 1975}`),
			[]wantErr{{2, "plan.year", "out of range"}}},
		{"year not a number", edit(2, `plan: {code: KH, title: "KH", year: "2025"}`),
			[]wantErr{{2, "plan.year", "want a whole number"}}},
		{"plan code with spaces", edit(2, `plan: {code: "KH CCHC", title: "KH", year: 2025}`),
			[]wantErr{{2, "plan.code", "spaces"}}},
		{"official not a mapping", edit(6, `  - tu-phap`),
			[]wantErr{{6, "officials[2]", "want a mapping"}, {13, "areas[0].tasks[0].lead", `unknown official "tu-phap"`}}},
		{"title is a list", edit(13, `      - {key: a, title: [A, B], lead: tu-phap, due: 2025-06-30}`),
			[]wantErr{{13, "areas[0].tasks[0].title", "want a string, found a list"}}},
		{"alias", edit(13, `      - {key: a, title: &t "A", lead: tu-phap, due: 2025-06-30}`, `      - {key: c, title: *t, lead: tu-phap, due: 2025-06-30}`),
			[]wantErr{{14, "areas[0].tasks[1].title", "aliases are not supported"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("plan.yaml", []byte(tt.src))
			if f != nil {
				t.Errorf("Parse returned a File along with errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v (%T), want Errors", err, err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, w := range tt.want {
				e := errs[i]
				if e.File != "plan.yaml" || e.Line != w.line || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d = %q\nwant line %d, field %q, message containing %q", i, e.Error(), w.line, w.field, w.msg)
				}
				if e.Line > 0 && e.Col < 1 {
					t.Errorf("error %d has no column: %q", i, e.Error())
				}
			}
		})
	}
}

func TestParseThreeMistakes(t *testing.T) {
	name := "../examples/bad/three-mistakes.yaml"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("three-mistakes.yaml", data)
	want := `three-mistakes.yaml:21:15: areas[0].tasks[0].lead: unknown official "tu-phapp"
three-mistakes.yaml:23:14: areas[0].tasks[0].due: impossible date "2025-02-30": want YYYY-MM-DD, a real calendar date
three-mistakes.yaml:29:9: areas[0].tasks[1].dueday: unknown field "dueday" (known: key, title, lead, support, due, every, due_day, start, until, note)`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error:\n%v\nwant:\n%s", err, want)
	}
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Errorf("want exactly 3 located errors, got %#v", err)
	}
}

func TestParseSyntaxErrorFile(t *testing.T) {
	data, err := os.ReadFile("../examples/bad/syntax.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("syntax.yaml", data)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	if e := errs[0]; e.Line != 9 || e.Col != 5 || !strings.HasPrefix(e.Msg, "invalid YAML: ") {
		t.Errorf("error = %q, want an invalid YAML error at 9:5", e.Error())
	}
}

func TestErrorsSortedByLine(t *testing.T) {
	// Cross-references are checked after the officials, but the errors
	// come out in file order.
	src := edit(13,
		`      - {key: a, title: "A", lead: nobody, due: 2025-06-30}`,
	)
	src = strings.Replace(src, `{key: tu-phap, name: "Công chức Tư pháp - Hộ tịch"}`, `{key: tu-phap, name: "Tư pháp", roles: [boss]}`, 1)
	src = strings.Replace(src, `timezone: Asia/Ho_Chi_Minh`, `timezone: Mars/Olympus`, 1)
	_, err := Parse("p.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse error = %v", err)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if want := []int{1, 6, 13}; !reflect.DeepEqual(lines, want) {
		t.Errorf("error lines = %v, want %v\n%v", lines, want, err)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "plan.yaml", Line: 41, Col: 9, Field: "areas[1].tasks[3].lead", Msg: `unknown official "tu-phapp"`},
			`plan.yaml:41:9: areas[1].tasks[3].lead: unknown official "tu-phapp"`},
		{Error{File: "plan.yaml", Line: 3, Col: 1, Msg: "invalid YAML: x"}, "plan.yaml:3:1: invalid YAML: x"},
		{Error{File: "plan.yaml", Msg: "unreadable"}, "plan.yaml: unreadable"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	es := Errors{tests[0].err, tests[1].err}
	if got, want := es.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
}

func TestDefaultStartFollowsPlanYear(t *testing.T) {
	src := strings.Replace(base, "year: 2025", "year: 2026", 1)
	f, err := Parse("plan.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Areas[0].Tasks[1].Start, plan.NewDate(2026, time.January, 1); got != want {
		t.Errorf("default start = %s, want %s", got, want)
	}
}
