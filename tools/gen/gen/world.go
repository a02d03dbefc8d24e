package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
)

// template is what every generated unit is made of: the example plan of
// the seed (officials, areas, targets and task titles) plus the extra
// positions and weekly duties a ward of twenty officials has.
type template struct {
	officials []officialTmpl
	areas     []planfile.Area
	targets   []targetTmpl
	oneOffs   []taskTmpl // titles of the seed's tasks, reused as one-off and monthly work
	weekly    []taskTmpl
}

type officialTmpl struct {
	key      string
	position string
	roles    []string
}

type targetTmpl struct {
	area int // index in areas
	t    planfile.Target
}

type taskTmpl struct {
	area    int
	key     string
	title   string
	lead    string
	support []string
}

// extraOfficials completes the seed's ten positions to the twenty officials
// of a typical ward.
var extraOfficials = []officialTmpl{
	{key: "pho-chu-tich", position: "Phó Chủ tịch UBND phường", roles: []string{"member"}},
	{key: "pho-chu-tich-2", position: "Phó Chủ tịch UBND phường", roles: []string{"member"}},
	{key: "van-phong-2", position: "Công chức Văn phòng - Thống kê (phụ trách một cửa)", roles: []string{"office"}},
	{key: "cong-an", position: "Trưởng Công an phường", roles: []string{"member"}},
	{key: "quan-su", position: "Chỉ huy trưởng Ban Chỉ huy Quân sự phường", roles: []string{"member"}},
	{key: "tu-phap-2", position: "Công chức Tư pháp - Hộ tịch (phụ trách chứng thực)", roles: []string{"member"}},
	{key: "tai-chinh-2", position: "Công chức Tài chính - Kế toán (phụ trách thu ngân sách)", roles: []string{"member"}},
	{key: "dia-chinh-moi-truong", position: "Công chức Địa chính - Môi trường", roles: []string{"member"}},
	{key: "mot-cua", position: "Công chức Bộ phận Tiếp nhận và Trả kết quả", roles: []string{"member"}},
	{key: "tram-y-te", position: "Trạm trưởng Trạm Y tế phường", roles: []string{"member"}},
}

// weeklyDuties are the weekly recurring work of a ward: the seed's "hàng
// tuần ... có tổng hợp báo cáo kết quả theo dõi về Chủ tịch".
var weeklyDuties = []taskTmpl{
	{area: 1, key: "bao-cao-tuan-cchc", title: "Tổng hợp báo cáo kết quả theo dõi CCHC hàng tuần về Chủ tịch UBND phường", lead: "van-phong"},
	{area: 1, key: "theo-doi-ho-so-tthc", title: "Theo dõi, đôn đốc giải quyết hồ sơ TTHC đúng hạn tại Bộ phận Một cửa", lead: "mot-cua", support: []string{"van-phong"}},
	{area: 1, key: "cap-nhat-mot-cua-dien-tu", title: "Cập nhật hồ sơ TTHC trên Hệ thống thông tin một cửa điện tử", lead: "van-phong-2"},
	{area: 1, key: "tiep-nhan-phan-anh-tuan", title: "Tổng hợp phản ánh, kiến nghị của người dân về quy định hành chính trong tuần", lead: "van-phong", support: []string{"dai-truyen-thanh"}},
	{area: 0, key: "kiem-tra-van-ban-tuan", title: "Kiểm tra văn bản QPPL, quyết định của UBND phường ban hành trong tuần", lead: "tu-phap"},
	{area: 3, key: "ky-luat-ky-cuong-tuan", title: "Theo dõi việc chấp hành kỷ luật, kỷ cương hành chính của cán bộ, công chức", lead: "pho-chu-tich", support: []string{"van-phong"}},
	{area: 5, key: "van-ban-dien-tu-tuan", title: "Theo dõi tỷ lệ văn bản điện tử, chữ ký số trên môi trường mạng", lead: "van-phong-2"},
	{area: 4, key: "thu-ngan-sach-tuan", title: "Báo cáo tiến độ thu ngân sách, thanh toán trực tuyến phí, lệ phí TTHC", lead: "tai-chinh", support: []string{"tai-chinh-2"}},
	{area: 2, key: "chung-thuc-tuan", title: "Tổng hợp kết quả chứng thực, đăng ký hộ tịch trong tuần", lead: "tu-phap-2", support: []string{"tu-phap"}},
	{area: 1, key: "tuyen-truyen-tuan", title: "Phát sóng chuyên mục tuyên truyền CCHC trên Đài truyền thanh phường", lead: "dai-truyen-thanh", support: []string{"vhxh-thong-tin"}},
}

// notes are what officials write with their progress, in the seed's words.
var notes = []string{
	"Đang tổng hợp số liệu",
	"Đã xây dựng dự thảo, chờ ý kiến phối hợp",
	"Đã trình lãnh đạo ký ban hành",
	"Đã gửi báo cáo về Văn phòng - Thống kê",
	"Đang rà soát hồ sơ",
	"Đã niêm yết công khai tại trụ sở",
	"Chờ số liệu của Bộ phận Một cửa",
	"Đã cập nhật lên Cổng dịch vụ công",
	"",
	"",
}

var (
	surnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Vương", "Trương"}
	middles  = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Thu", "Xuân", "Công", "Hoài"}
	givens   = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Toàn", "Trang", "Tuấn", "Việt", "Yến"}
	places   = []string{"Phan Đình Phùng", "Hòa Bình", "Tân Lập", "Quang Trung", "Trưng Vương", "Đồng Tâm", "Hương Sơn", "Phú Xá", "Cam Giá", "Túc Duyên", "Hoàng Văn Thụ", "Gia Sàng", "Tân Thịnh", "Quyết Thắng", "Thịnh Đán", "Phúc Hà", "Tích Lương", "Trung Thành", "Lương Sơn", "Đồng Bẩm"}
	towns    = []string{"Mỹ Hòa", "Phổ Yên", "Sông Công", "Hương Trà", "Điện Bàn", "Ninh Hòa", "Quảng Yên", "Đông Triều", "Kinh Môn", "Từ Sơn"}
)

// loadTemplate reads the example plan of the seed and arranges it for the
// generator.
func loadTemplate() (*template, error) {
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		return nil, fmt.Errorf("gen: example plan: %w", err)
	}
	t := &template{areas: f.Areas, weekly: weeklyDuties}
	for _, o := range f.Officials {
		roles := make([]string, len(o.Roles))
		for i, r := range o.Roles {
			roles[i] = string(r)
		}
		t.officials = append(t.officials, officialTmpl{key: o.Key, position: o.Position, roles: roles})
	}
	t.officials = append(t.officials, extraOfficials...)
	for ai, a := range f.Areas {
		for _, tg := range a.Targets {
			t.targets = append(t.targets, targetTmpl{area: ai, t: tg})
		}
		for _, tk := range a.Tasks {
			t.oneOffs = append(t.oneOffs, taskTmpl{area: ai, key: tk.Key, title: tk.Title, lead: tk.Lead, support: tk.Support})
		}
	}
	if len(t.areas) == 0 || len(t.targets) == 0 || len(t.oneOffs) == 0 {
		return nil, fmt.Errorf("gen: example plan has no areas, targets or tasks")
	}
	return t, nil
}

// ids hands out primary keys, continuing after the largest existing one.
type ids struct {
	unit, official, department, plan, area, target, reading, task, occurrence, report, outbox int64
}

// departmentTmpl is one of the four departments of a generated ward: its
// head and members by official key.
type departmentTmpl struct {
	key, name string
	head      string
	members   []string
}

// departments are the four departments of every generated ward (Nghị định
// 150/2025/NĐ-CP); the chairman, the vice-chairmen, the police and the
// military command belong to none.
var departments = []departmentTmpl{
	{key: "vp", name: "Văn phòng HĐND và UBND", head: "van-phong", members: []string{"tu-phap", "tu-phap-2"}},
	{key: "kt", name: "Phòng Kinh tế, Hạ tầng và Đô thị", head: "tai-chinh",
		members: []string{"tai-chinh-2", "dia-chinh-xd", "dia-chinh-nn", "dia-chinh-moi-truong"}},
	{key: "vhxh", name: "Phòng Văn hóa - Xã hội", head: "vhxh-thong-tin",
		members: []string{"vhxh-lao-dong", "dai-truyen-thanh", "nha-truong", "tram-y-te"}},
	{key: "hcc", name: "Trung tâm Phục vụ hành chính công", head: "mot-cua", members: []string{"van-phong-2"}},
}

// department is a generated department of a unit.
type department struct {
	id   int64
	head *official
}

// chunk is the rows of a few units, copied in one transaction.
type chunk struct {
	rows   map[string][][]any
	counts Stats
}

func newChunk() *chunk { return &chunk{rows: make(map[string][][]any)} }

func (c *chunk) add(table string, row ...any) { c.rows[table] = append(c.rows[table], row) }

// columns lists, in foreign-key order, the tables the generator fills and
// the columns it sets.
var columns = []struct {
	table string
	cols  []string
}{
	{"units", []string{"id", "code", "name", "parent_id", "timezone", "created_at", "updated_at"}},
	{"officials", []string{"id", "unit_id", "key", "name", "position", "roles", "language", "telegram_user_id",
		"telegram_chat_id", "linked_at", "created_at", "updated_at"}},
	{"departments", []string{"id", "unit_id", "key", "name", "head_id", "position", "created_at", "updated_at"}},
	{"department_members", []string{"unit_id", "department_id", "official_id", "joined_at"}},
	{"plans", []string{"id", "unit_id", "code", "title", "year", "source", "created_at", "updated_at"}},
	{"areas", []string{"id", "plan_id", "code", "name", "position"}},
	{"targets", []string{"id", "plan_id", "area_id", "key", "text", "measure", "goal", "comparator", "owner_id",
		"every", "position", "created_at", "updated_at"}},
	{"target_readings", []string{"id", "target_id", "period_key", "value", "official_id", "note", "source", "reported_at"}},
	{"tasks", []string{"id", "plan_id", "area_id", "key", "title", "lead_id", "due", "every", "due_day",
		"start_date", "end_date", "position", "created_at", "updated_at", "assignee_id", "assigned_by", "assigned_at"}},
	{"task_leads", []string{"task_id", "position", "official_id", "department_id"}},
	{"task_supporters", []string{"task_id", "official_id"}},
	{"occurrences", []string{"id", "task_id", "unit_id", "key", "nominal_due", "due", "percent", "done_at", "done_by",
		"last_report_at", "escalated_at", "created_at", "updated_at"}},
	{"progress_reports", []string{"id", "occurrence_id", "official_id", "percent", "done", "note", "source",
		"telegram_chat_id", "reported_at"}},
	{"outbox", []string{"id", "unit_id", "official_id", "chat_id", "dedupe_key", "kind", "occurrence_id",
		"payload", "status", "attempts", "next_attempt_at", "telegram_message_id", "created_at", "sent_at"}},
}

// builder generates units one after another, deterministically.
type builder struct {
	opts Options
	tmpl *template
	cal  *plan.Calendar
	loc  *time.Location
	asOf time.Time
	day  plan.Date // the local date of asOf
	next ids
}

// official is a generated official of a unit.
type official struct {
	id      int64
	key     string
	chat    *int64
	manager bool
	msgs    int64       // Telegram message ids sent to the chat
	dep     *department // the official's department, nil for none
}

// unit generates unit number i (from 0) under the town townID.
func (b *builder) unit(c *chunk, i int, townID int64) {
	rng := rand.New(rand.NewPCG(b.opts.Seed, uint64(i)+1))
	created := b.firstDay().In(b.loc).Add(-30 * 24 * time.Hour)
	kind, codeKind := "phường", "phuong"
	if i%3 == 2 {
		kind, codeKind = "xã", "xa"
	}
	b.next.unit++
	unitID := b.next.unit
	place := places[i%len(places)]
	if i >= len(places) {
		place = fmt.Sprintf("%s %d", place, i/len(places)+1)
	}
	unitName := fmt.Sprintf("UBND %s %s", kind, place)
	code := fmt.Sprintf("%s%s-%04d", b.opts.CodePrefix, codeKind, i+1)
	c.add("units", unitID, code, unitName, nullID(townID), b.loc.String(), created, created)
	c.counts.Units++

	// Officials: the seed's ten positions and ten more; nineteen of twenty
	// have linked Telegram.
	byKey := make(map[string]*official, len(b.tmpl.officials))
	var all []*official
	for j, ot := range b.tmpl.officials {
		b.next.official++
		o := &official{id: b.next.official, key: ot.key}
		name := fmt.Sprintf("%s %s %s", surnames[rng.IntN(len(surnames))], middles[rng.IntN(len(middles))], givens[rng.IntN(len(givens))])
		var linked any
		var chat any
		if j != len(b.tmpl.officials)-1 { // the last one never linked
			id := b.opts.ChatBase + int64(i)*100 + int64(j) + 1
			o.chat = &id
			chat, linked = id, created.Add(time.Duration(j+1)*time.Hour)
		}
		for _, r := range ot.roles {
			if plan.Role(r).Manager() {
				o.manager = true
			}
		}
		position := strings.ReplaceAll(ot.position, "phường", kind)
		c.add("officials", o.id, unitID, ot.key, name, position, pq.StringArray(ot.roles), "", chat, chat, linked, created, created)
		c.counts.Officials++
		byKey[ot.key] = o
		all = append(all, o)
	}
	members := all[2:] // not the chairman nor the first office official
	b.departments(c, unitID, created, byKey)

	for y := b.opts.Year - b.opts.History + 1; y <= b.opts.Year; y++ {
		b.planYear(c, rng, unitID, code, unitName, kind, y, byKey, members)
	}
	var managers []*official
	for _, o := range all {
		if o.manager {
			managers = append(managers, o)
		}
	}
	b.digests(c, unitID, code, managers)
}

// departments generates the unit's four departments and their members.
func (b *builder) departments(c *chunk, unitID int64, created time.Time, byKey map[string]*official) {
	for i, dt := range departments {
		head := byKey[dt.head]
		if head == nil {
			continue
		}
		b.next.department++
		d := &department{id: b.next.department, head: head}
		c.add("departments", d.id, unitID, dt.key, dt.name, head.id, i, created, created)
		for _, k := range append([]string{dt.head}, dt.members...) {
			if o := byKey[k]; o != nil && o.dep == nil {
				o.dep = d
				c.add("department_members", unitID, d.id, o.id, created)
			}
		}
		c.counts.Departments++
	}
}

// firstDay is 1 January of the first generated year.
func (b *builder) firstDay() plan.Date {
	return plan.NewDate(b.opts.Year-b.opts.History+1, time.January, 1)
}

// planYear generates the plan of year y of one unit with its history up
// to asOf.
func (b *builder) planYear(c *chunk, rng *rand.Rand, unitID int64, unitCode, unitName, kind string, y int,
	byKey map[string]*official, members []*official) {
	jan1 := plan.NewDate(y, time.January, 1)
	dec31 := plan.NewDate(y, time.December, 31)
	created := jan1.In(b.loc).Add(-10 * 24 * time.Hour)
	b.next.plan++
	planID := b.next.plan
	title := fmt.Sprintf("Kế hoạch cải cách hành chính nhà nước %s năm %d", strings.TrimPrefix(unitName, "UBND "), y)
	c.add("plans", planID, unitID, fmt.Sprintf("KH-CCHC-%d", y), title, y, "generator", created, created)
	c.counts.Plans++

	areaIDs := make([]int64, len(b.tmpl.areas))
	for ai, a := range b.tmpl.areas {
		b.next.area++
		areaIDs[ai] = b.next.area
		c.add("areas", areaIDs[ai], planID, a.Code, a.Name, ai)
		c.counts.Areas++
	}

	// Ten targets, a window over the seed's, with their readings.
	start := rng.IntN(len(b.tmpl.targets))
	for k := 0; k < b.opts.TargetsPerUnit; k++ {
		tt := b.tmpl.targets[(start+k)%len(b.tmpl.targets)]
		owner := byKey[tt.t.Owner]
		if owner == nil {
			owner = members[rng.IntN(len(members))]
		}
		b.next.target++
		targetID := b.next.target
		goal := tt.t.Goal
		c.add("targets", targetID, planID, areaIDs[tt.area], tt.t.Key, tt.t.Text, string(tt.t.Measure), goal,
			string(tt.t.Comparator), owner.id, string(tt.t.Every), k, created, created)
		c.counts.Targets++
		b.readings(c, rng, targetID, owner, tt.t, y)
	}

	// Tasks: weekly duties, monthly and quarterly ones, and one-offs.
	used := make(map[string]bool)
	key := func(k string) string {
		out := k
		for n := 2; used[out]; n++ {
			out = fmt.Sprintf("%s-%d", k, n)
		}
		used[out] = true
		return out
	}
	pos := 0
	addTask := func(tt taskTmpl, every plan.Cadence, dueDay int, due plan.Date) {
		lead := byKey[tt.lead]
		if lead == nil {
			lead = members[rng.IntN(len(members))]
		}
		var team []*official
		team = append(team, lead)
		for _, s := range tt.support {
			if o := byKey[s]; o != nil && o != lead {
				team = append(team, o)
			}
		}
		if rng.IntN(4) == 0 { // a quarter of the tasks get one more supporter
			if o := members[rng.IntN(len(members))]; o != lead && !contains(team, o) {
				team = append(team, o)
			}
		}
		b.next.task++
		taskID := b.next.task
		pos++
		title := strings.ReplaceAll(tt.title, "phường", kind)
		// Half of the tasks are led by the lead's department (its head is
		// accountable, tasks.lead_id); half of those are assigned to the
		// official who does the work, when that is not the head. (A task
		// whose supporters include the head stays with its official.)
		accountable := lead
		var assignee, assignedBy, assignedAt any
		if dep := lead.dep; dep != nil && pos%2 == 0 && !contains(team[1:], dep.head) {
			accountable = dep.head
			c.add("task_leads", taskID, 1, nil, dep.id)
			if pos%4 == 0 && lead != dep.head {
				assignee, assignedBy, assignedAt = lead.id, dep.head.id, created
			}
			c.counts.DepartmentTasks++
		} else {
			c.add("task_leads", taskID, 1, lead.id, nil)
		}
		var specs []plan.OccurrenceSpec
		if every == "" {
			c.add("tasks", taskID, planID, areaIDs[tt.area], key(tt.key), title, accountable.id, due, nil, nil, nil, nil, pos,
				created, created, assignee, assignedBy, assignedAt)
			specs = []plan.OccurrenceSpec{{Key: due.String(), NominalDue: due}}
		} else {
			c.add("tasks", taskID, planID, areaIDs[tt.area], key(tt.key), title, accountable.id, nil, string(every), dueDay,
				jan1, dec31, pos, created, created, assignee, assignedBy, assignedAt)
			rec := plan.Recurrence{Every: every, DueDay: dueDay, Start: jan1, End: dec31}
			// Materialized as the materialize job does: through the next
			// period of the cadence.
			until := plan.PeriodContaining(every.Kind(), b.day, plan.CutoffCalendar).Next().To
			specs = rec.Occurrences(jan1, minDate(dec31, until))
		}
		c.counts.Tasks++
		for _, s := range team[1:] {
			c.add("task_supporters", taskID, s.id)
			c.counts.Supporters++
		}
		for _, s := range specs {
			b.occurrence(c, rng, unitID, unitCode, taskID, title, s, team, byKey)
		}
	}
	for k := 0; k < b.opts.WeeklyTasks; k++ {
		tt := b.tmpl.weekly[k%len(b.tmpl.weekly)]
		addTask(tt, plan.Weekly, 1+(k%5), plan.Date{})
	}
	monthlyDays := []int{10, 10, 25, -1, 5}
	for k := 0; k < b.opts.MonthlyTasks; k++ {
		tt := b.tmpl.oneOffs[(k*7)%len(b.tmpl.oneOffs)]
		addTask(tt, plan.Monthly, monthlyDays[k%len(monthlyDays)], plan.Date{})
	}
	for k := 0; k < b.opts.QuarterlyTasks; k++ {
		tt := b.tmpl.oneOffs[(k*11+3)%len(b.tmpl.oneOffs)]
		addTask(tt, plan.Quarterly, 10, plan.Date{})
	}
	for k := 0; k < b.opts.OneOffTasks; k++ {
		tt := b.tmpl.oneOffs[(k+start)%len(b.tmpl.oneOffs)]
		// Spread over the year, on month ends and mid-months.
		m := time.Month(1 + rng.IntN(12))
		d := 15
		if rng.IntN(2) == 0 {
			d = plan.DaysIn(y, m)
		}
		addTask(tt, "", 0, plan.NewDate(y, m, d))
	}
}

// occurrence generates one occurrence with its progress reports and the
// messages sent about it, as they stand at asOf.
func (b *builder) occurrence(c *chunk, rng *rand.Rand, unitID int64, unitCode string, taskID int64, title string,
	s plan.OccurrenceSpec, team []*official, byKey map[string]*official) {
	due := b.cal.Roll(s.NominalDue)
	deadline := plan.Deadline(due, b.loc)
	lead := team[0]
	// When the work gets done: 80% on time, 18% late by up to twelve
	// days, 2% very late.
	var doneAt time.Time
	switch u := rng.Float64(); {
	case u < 0.80:
		doneAt = deadline.Add(-time.Duration(rng.IntN(5*24*60)+60) * time.Minute)
	case u < 0.98:
		doneAt = deadline.Add(time.Duration(rng.IntN(12*24*60)+60) * time.Minute)
	default:
		doneAt = deadline.Add(time.Duration(rng.IntN(40*24*60)+20*24*60) * time.Minute)
	}
	// Progress reports before the work is done: one to three.
	n := 1 + rng.IntN(3)
	type rep struct {
		at      time.Time
		percent int
		done    bool
		by      *official
	}
	reps := make([]rep, n+1)
	reps[n] = rep{at: doneAt, percent: 100, done: true, by: lead}
	for k := n - 1; k >= 0; k-- {
		at := reps[k+1].at.Add(-time.Duration(24+rng.IntN(72)) * time.Hour)
		reps[k] = rep{at: at, percent: 100 * (k + 1) / (n + 1) / 10 * 10, by: team[rng.IntN(len(team))]}
	}

	b.next.occurrence++
	occID := b.next.occurrence
	created := s.NominalDue.In(b.loc).Add(-40 * 24 * time.Hour)
	if f := b.firstDay().In(b.loc); created.Before(f) {
		created = f
	}
	percent, updated := 0, created
	var doneCol, doneBy, lastReport any
	for _, r := range reps {
		if r.at.After(b.asOf) {
			break
		}
		b.next.report++
		note := notes[rng.IntN(len(notes))]
		if r.done {
			note = "Đã hoàn thành"
		}
		var chat any
		if r.by.chat != nil {
			chat = *r.by.chat
		}
		c.add("progress_reports", b.next.report, occID, r.by.id, r.percent, r.done, note, "generator", chat, r.at)
		c.counts.Reports++
		percent, updated, lastReport = r.percent, r.at, r.at
		if r.done {
			doneCol, doneBy = r.at, r.by.id
		}
	}
	if created.After(updated) {
		updated = created
	}
	// Sent history: the reminder the day before the due date to the lead,
	// and the escalation to the chairman and the office officials once the
	// occurrence was three working days overdue (recorded on the
	// occurrence, as the remind job does).
	var escalatedAt any
	escalateDay := b.cal.AddWorkdays(due, 3)
	escalateAt := escalateDay.In(b.loc).Add(8 * time.Hour)
	escalate := escalateAt.Before(doneAt) && !escalateAt.After(b.asOf)
	if escalate {
		escalatedAt = escalateAt
	}
	c.add("occurrences", occID, taskID, unitID, s.Key, s.NominalDue, due, percent, doneCol, doneBy, lastReport, escalatedAt, created, updated)
	c.counts.Occurrences++

	remindAt := due.AddDays(-1).In(b.loc).Add(8 * time.Hour)
	if lead.chat != nil && !remindAt.After(b.asOf) {
		b.sent(c, unitID, lead, fmt.Sprintf("remind:%d:1:%d", occID, lead.id), "reminder", &occID,
			fmt.Sprintf("<b>Nhắc việc: còn 1 ngày đến hạn</b>\nNhiệm vụ: %s\nHạn: %s", escape(title), formatDate(due)), remindAt)
	}
	if escalate {
		for _, k := range []string{"chu-tich", "van-phong", "van-phong-2"} {
			o := byKey[k]
			if o == nil || o.chat == nil {
				continue
			}
			b.sent(c, unitID, o, fmt.Sprintf("escalate:%d:%d", occID, o.id), "escalation", &occID,
				fmt.Sprintf("<b>Nhiệm vụ quá hạn</b>\nNhiệm vụ: %s\nHạn: %s", escape(title), formatDate(due)), escalateAt)
		}
	}
}

// readings generates the readings of a target for every period of its
// cadence that ended before asOf in year y.
func (b *builder) readings(c *chunk, rng *rand.Rand, targetID int64, owner *official, t planfile.Target, y int) {
	kind := t.Every.Kind()
	for p := plan.PeriodContaining(kind, plan.NewDate(y, time.January, 1), plan.CutoffDecree09); p.To.Year <= y; p = p.Next() {
		at := p.To.AddDays(1 + rng.IntN(3)).In(b.loc).Add(9 * time.Hour)
		if at.After(b.asOf) {
			return
		}
		var v float64
		switch t.Measure {
		case plan.MeasureYesNo:
			v = float64(rng.IntN(2))
		case plan.MeasurePercent:
			v = min(100, t.Goal-5+float64(rng.IntN(11)))
		default:
			v = float64(rng.IntN(int(t.Goal*2) + 2))
		}
		b.next.reading++
		c.add("target_readings", b.next.reading, targetID, p.Key, v, owner.id, "", "generator", at)
		c.counts.Readings++
	}
}

// sent adds a delivered outbox row.
func (b *builder) sent(c *chunk, unitID int64, to *official, key, kind string, occID *int64, text string, at time.Time) {
	payload, _ := json.Marshal(store.Payload{Text: text})
	b.next.outbox++
	to.msgs++
	var occ any
	if occID != nil {
		occ = *occID
	}
	c.add("outbox", b.next.outbox, unitID, to.id, *to.chat, key, kind, occ, string(payload), "sent", 1, at,
		to.msgs, at, at.Add(time.Duration(200+len(key)*13)*time.Millisecond))
	c.counts.Outbox++
}

// digests adds the weekly digests sent to the managers of a unit.
func (b *builder) digests(c *chunk, unitID int64, unitCode string, managers []*official) {
	for p := plan.PeriodContaining(plan.Week, b.firstDay(), plan.CutoffCalendar); ; p = p.Next() {
		at := p.To.AddDays(1).In(b.loc).Add(7*time.Hour + 30*time.Minute)
		if at.After(b.asOf) {
			return
		}
		for _, o := range managers {
			if o.chat == nil {
				continue
			}
			b.sent(c, unitID, o, fmt.Sprintf("digest:%s:%s:%d", unitCode, p.Key, o.id), "digest", nil,
				fmt.Sprintf("<b>Tổng hợp báo cáo tuần %s</b>", p.Key), at)
		}
	}
}

func contains(list []*official, o *official) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

func minDate(a, b plan.Date) plan.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// escape escapes text for Telegram HTML.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// formatDate writes d the Vietnamese way, dd/mm/yyyy.
func formatDate(d plan.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}
