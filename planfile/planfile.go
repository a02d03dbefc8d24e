package planfile

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"

	"github.com/nhacviec/nhacviec/plan"
)

// DefaultTimezone is the time zone of a unit whose file names none.
const DefaultTimezone = "Asia/Ho_Chi_Minh"

// File is a validated plan file.
type File struct {
	Name        string // the name given to Parse, for messages
	Unit        Unit
	Plan        Plan
	Officials   []Official
	Departments []Department
	Areas       []Area
}

// Unit is the People's Committee the plan belongs to.
type Unit struct {
	Code     string
	Name     string
	Timezone string // an IANA time zone name
	Parent   string // code of the parent unit, "" for none
	Pos      Pos
}

// Location loads the unit's time zone (validated by Parse).
func (u Unit) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		return nil, fmt.Errorf("planfile: unit %s: %w", u.Code, err)
	}
	return loc, nil
}

// Plan is the annual plan itself.
type Plan struct {
	Code  string
	Title string
	Year  int
	Pos   Pos
}

// Official is a cán bộ, công chức of the unit.
type Official struct {
	Key      string
	Name     string
	Position string
	Roles    []plan.Role // never empty; [member] by default
	Email    string
	Language string // "", "vi" or "en"
	Pos      Pos
}

// Area is one of the reform areas (lĩnh vực) with its targets and tasks.
type Area struct {
	Code       string
	Name       string
	Supervisor string // official key of the chairman or vice-chairman in charge, "" for none
	Targets    []Target
	Tasks      []Task
	Pos        Pos
}

// Target is a measured goal (chỉ tiêu) read once per period of Every.
type Target struct {
	Key        string
	Text       string
	Measure    plan.Measure
	Goal       float64
	Comparator plan.Comparator // ">=" by default
	Owner      string          // official key
	Every      plan.Cadence    // monthly by default
	Kind       plan.TargetKind // level by default
	Due        plan.Date       // zero for none; a period key is its calendar period's last day
	Pos        Pos
}

// Rule returns what judging the target needs, for a plan of year.
func (t Target) Rule(year int) plan.TargetRule {
	return plan.TargetRule{Kind: t.Kind, Comparator: t.Comparator, Goal: t.Goal, Year: year, Due: t.Due}
}

// Task is a nhiệm vụ: one-off when Due is set, recurring when Every is.
//
// A one-off task's `due` is a date (Due), a period key such as 2026-Q1
// (DuePeriod, with Due the last day of that calendar period) or `ongoing`
// (Ongoing: thường xuyên, no deadline; Due is then the last day of the plan
// year and DuePeriod the plan year).
type Task struct {
	Key       string
	Title     string
	Lead      string   // the first lead: an official or department key
	Leads     []string // every lead in order (Lead first): official or department keys, each once
	Support   []string // official or department keys, none a lead, each once
	Due       plan.Date
	DuePeriod string // the period key written as due, "" for a date
	Ongoing   bool   // due: ongoing (thường xuyên)
	Every     plan.Cadence
	DueDay    int
	Start     plan.Date // recurring only; 1 January of the plan year by default
	Until     plan.Date // recurring only; 31 December of the plan year by default
	Note      string
	Pos       Pos
}

// Ongoing is how a plan file writes the deadline of an ongoing task
// (thường xuyên): `due: ongoing`.
const Ongoing = "ongoing"

// OneOff returns the single occurrence of a one-off task: keyed by its
// nominal due date, with its plan period (the period key written as due,
// the plan year of an ongoing task, "" for a dated task).
func (t Task) OneOff() plan.OccurrenceSpec {
	spec := plan.OneOff(t.Due)
	spec.Period = t.DuePeriod
	return spec
}

// Recurring reports whether the task comes round every period.
func (t Task) Recurring() bool { return t.Every != "" }

// Recurrence returns the schedule of a recurring task.
func (t Task) Recurrence() plan.Recurrence {
	return plan.Recurrence{Every: t.Every, DueDay: t.DueDay, Start: t.Start, End: t.Until}
}

// Official returns the official with the given key.
func (f *File) Official(key string) (Official, bool) {
	for _, o := range f.Officials {
		if o.Key == key {
			return o, true
		}
	}
	return Official{}, false
}

// The fields each mapping of a plan file may have.
var (
	rootFields     = []string{"unit", "plan", "officials", "departments", "areas"}
	unitFields     = []string{"code", "name", "timezone", "parent"}
	planFields     = []string{"code", "title", "year"}
	officialFields = []string{"key", "name", "position", "roles", "email", "language"}
	areaFields     = []string{"code", "name", "supervisor", "targets", "tasks"}
	targetFields   = []string{"key", "text", "measure", "goal", "comparator", "owner", "every", "kind", "due"}
	taskFields     = []string{"key", "title", "lead", "support", "due", "every", "due_day", "start", "until", "note"}
)

// Parse reads and validates the plan file data; name is used in messages.
// It returns either the File or, when anything is wrong, an Errors listing
// every mistake with its line and column.
func Parse(name string, data []byte) (*File, error) {
	d := &decoder{name: name}
	if !utf8.Valid(data) {
		// PostgreSQL would refuse the text at import, far from its line.
		d.errorf(invalidUTF8(data), "", "invalid UTF-8: save the file as UTF-8")
		return nil, d.errs
	}
	f := d.file(data)
	if len(d.errs) > 0 {
		sortErrors(d.errs)
		return nil, d.errs
	}
	return f, nil
}

// invalidUTF8 returns the position of the first byte of data that is not
// valid UTF-8.
func invalidUTF8(data []byte) Pos {
	pos := Pos{Line: 1, Col: 1}
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return pos
		}
		if r == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
		data = data[size:]
	}
	return pos
}

// seen remembers where each key of one kind was first defined.
type seen map[string]Pos

// check records key at pos, reporting a duplicate.
func (s seen) check(d *decoder, key string, pos Pos, field, kind string) {
	if key == "" {
		return
	}
	if first, dup := s[key]; dup {
		d.errorf(pos, field, "duplicate %s %q (first at line %d)", kind, key, first.Line)
		return
	}
	s[key] = pos
}

// file decodes the whole file.
func (d *decoder) file(data []byte) *File {
	body := d.parseYAML(data)
	if body == nil {
		return nil
	}
	root := d.mapping(body, "", rootFields)
	if root == nil {
		return nil
	}
	f := &File{Name: d.name}
	if n := d.require(root, "unit"); n != nil {
		f.Unit = d.unit(n)
	}
	if n := d.require(root, "plan"); n != nil {
		f.Plan = d.plan(n)
	}
	officials := seen{}
	d.roles = map[string][]plan.Role{}
	if n := d.require(root, "officials"); n != nil {
		items := d.nonEmptyList(root, "officials", n, "official")
		for i, item := range items {
			if o, ok := d.official(item, index("officials", i), officials); ok {
				f.Officials = append(f.Officials, o)
				d.roles[o.Key] = o.Roles
			}
		}
	}
	d.departments = seen{}
	d.leading = map[string]bool{}
	if n, _ := root.field("departments"); n != nil {
		memberOf := map[string]membership{}
		for i, item := range d.list(root, "departments") {
			if dep, ok := d.department(item, index("departments", i), officials, memberOf); ok {
				f.Departments = append(f.Departments, dep)
			}
		}
	}
	if n := d.require(root, "areas"); n != nil {
		areas, targets, tasks := seen{}, seen{}, seen{}
		for i, item := range d.nonEmptyList(root, "areas", n, "area") {
			a, ok := d.area(item, index("areas", i), f.Plan.Year, officials, areas, targets, tasks)
			if ok {
				f.Areas = append(f.Areas, a)
			}
		}
		for i, dep := range f.Departments {
			if dep.Key != "" && !d.leading[dep.Key] {
				d.errorf(dep.Pos, index("departments", i), "department %q leads no task: name it as a task's lead, or leave it out", dep.Key)
			}
		}
	}
	return f
}

// nonEmptyList decodes the list field name of m, whose value is n, and
// records a mistake when it is empty.
func (d *decoder) nonEmptyList(m *mapping, name string, n ast.Node, what string) []ast.Node {
	items := d.list(m, name)
	if seq, ok := unwrap(n).(*ast.SequenceNode); ok && len(seq.Values) == 0 {
		d.errorf(posOf(n), join(m.path, name), "list at least one %s", what)
	}
	return items
}

func (d *decoder) unit(n ast.Node) Unit {
	m := d.mapping(n, "unit", unitFields)
	if m == nil {
		return Unit{}
	}
	u := Unit{Pos: m.pos}
	u.Code, _ = d.key(m, "code", true)
	u.Name, _ = d.str(m, "name", true)
	var parentPos Pos
	u.Parent, parentPos = d.key(m, "parent", false)
	if u.Parent != "" && u.Parent == u.Code {
		d.errorf(parentPos, "unit.parent", "a unit cannot be its own parent")
	}
	u.Timezone = DefaultTimezone
	if tz, pos, ok := d.optional(m, "timezone"); ok {
		u.Timezone = tz
		switch _, err := time.LoadLocation(tz); {
		case tz == "" || tz == "Local":
			d.errorf(pos, "unit.timezone", "want an IANA time zone name such as %s", DefaultTimezone)
		case err != nil:
			d.errorf(pos, "unit.timezone", "unknown time zone %q: want an IANA name such as %s", tz, DefaultTimezone)
		}
	}
	return u
}

func (d *decoder) plan(n ast.Node) Plan {
	m := d.mapping(n, "plan", planFields)
	if m == nil {
		return Plan{}
	}
	p := Plan{Pos: m.pos}
	var pos Pos
	p.Code, pos = d.str(m, "code", true)
	if strings.ContainsAny(p.Code, " \t\n") {
		d.errorf(pos, "plan.code", "must not contain spaces")
	}
	p.Title, _ = d.str(m, "title", true)
	year, pos, ok := d.integer(m, "year", true)
	if ok {
		if year < 2000 || year > 2100 {
			d.errorf(pos, "plan.year", "year %d is out of range 2000..2100", year)
		} else {
			p.Year = year
		}
	}
	return p
}

func (d *decoder) official(n ast.Node, path string, officials seen) (Official, bool) {
	m := d.mapping(n, path, officialFields)
	if m == nil {
		return Official{}, false
	}
	o := Official{Pos: m.pos}
	key, pos := d.key(m, "key", true)
	officials.check(d, key, pos, join(path, "key"), "official key")
	o.Key = key
	o.Name, _ = d.str(m, "name", true)
	o.Position, _ = d.str(m, "position", false)

	if m.has("roles") {
		items := d.list(m, "roles")
		if items != nil && len(items) == 0 {
			_, kpos := m.field("roles")
			d.errorf(kpos, join(path, "roles"), "list at least one role (%s) or leave the field out", plan.RoleNames)
		}
		for i, item := range items {
			field := index(join(path, "roles"), i)
			s, ok := d.text(item, field)
			if !ok {
				continue
			}
			r := plan.Role(s)
			switch {
			case !r.Valid():
				d.errorf(posOf(item), field, "unknown role %q: want %s", s, plan.RoleNames)
			case containsRole(o.Roles, r):
				d.errorf(posOf(item), field, "role %q listed twice", s)
			default:
				o.Roles = append(o.Roles, r)
			}
		}
	}
	if len(o.Roles) == 0 {
		o.Roles = []plan.Role{plan.RoleMember}
	}

	email, pos := d.str(m, "email", false)
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			d.errorf(pos, join(path, "email"), "invalid e-mail address %q", email)
		}
	}
	o.Email = email
	lang, pos := d.str(m, "language", false)
	if lang != "" && lang != "vi" && lang != "en" {
		d.errorf(pos, join(path, "language"), "unknown language %q: want vi or en", lang)
	}
	o.Language = lang
	return o, true
}

func containsRole(roles []plan.Role, r plan.Role) bool {
	for _, have := range roles {
		if have == r {
			return true
		}
	}
	return false
}

func (d *decoder) area(n ast.Node, path string, year int, officials, areas, targets, tasks seen) (Area, bool) {
	m := d.mapping(n, path, areaFields)
	if m == nil {
		return Area{}, false
	}
	a := Area{Pos: m.pos}
	code, pos := d.key(m, "code", true)
	areas.check(d, code, pos, join(path, "code"), "area code")
	a.Code = code
	a.Name, _ = d.str(m, "name", true)
	a.Supervisor = d.supervisor(m, officials)
	for i, item := range d.list(m, "targets") {
		if t, ok := d.target(item, index(join(path, "targets"), i), year, officials, targets); ok {
			a.Targets = append(a.Targets, t)
		}
	}
	for i, item := range d.list(m, "tasks") {
		if t, ok := d.task(item, index(join(path, "tasks"), i), year, officials, tasks); ok {
			a.Tasks = append(a.Tasks, t)
		}
	}
	return a, true
}

// officialRef decodes a field naming an official and checks that the
// official is defined.
func (d *decoder) officialRef(m *mapping, name string, required bool, officials seen) string {
	key, pos := d.str(m, name, required)
	if key != "" {
		if _, ok := officials[key]; !ok {
			d.errorf(pos, join(m.path, name), "unknown official %q", key)
		}
	}
	return key
}

func (d *decoder) target(n ast.Node, path string, year int, officials, targets seen) (Target, bool) {
	m := d.mapping(n, path, targetFields)
	if m == nil {
		return Target{}, false
	}
	t := Target{Pos: m.pos}
	key, pos := d.key(m, "key", true)
	targets.check(d, key, pos, join(path, "key"), "target key")
	t.Key = key
	t.Text, _ = d.str(m, "text", true)

	measure, pos := d.str(m, "measure", true)
	t.Measure = plan.Measure(measure)
	if measure != "" && !t.Measure.Valid() {
		d.errorf(pos, join(path, "measure"), "unknown measure %q: want percent, count or yesno", measure)
	}
	if g := d.require(m, "goal"); g != nil {
		t.Goal = d.goal(g, join(path, "goal"), t.Measure)
	}

	t.Comparator = plan.CmpGE
	if cmp, pos, ok := d.optional(m, "comparator"); ok {
		t.Comparator = plan.Comparator(cmp)
		if !t.Comparator.Valid() {
			d.errorf(pos, join(path, "comparator"), "unknown comparator %q: want >=, <=, =, > or < (quoted)", cmp)
		}
	}
	t.Owner = d.officialRef(m, "owner", true, officials)

	t.Every = plan.Monthly
	if every, pos, ok := d.optional(m, "every"); ok {
		t.Every = plan.Cadence(every)
		if !t.Every.Valid() {
			d.errorf(pos, join(path, "every"), "unknown cadence %q: want weekly, monthly, quarterly, half-yearly or yearly", every)
		}
	}
	d.targetKind(m, &t, year)
	return t, true
}

// targetKind decodes a target's kind and due, and checks that the kind
// makes sense with its comparator and measure.
func (d *decoder) targetKind(m *mapping, t *Target, year int) {
	t.Kind = plan.KindLevel
	kind, kindPos, hasKind := d.optional(m, "kind")
	if hasKind {
		t.Kind = plan.TargetKind(kind)
		if !t.Kind.Valid() {
			d.errorf(kindPos, join(m.path, "kind"), "unknown kind %q: want level, cumulative, year_end or external", kind)
			return
		}
	}
	if err := t.Kind.CheckRule(t.Comparator, t.Measure); err != nil && t.Comparator.Valid() && t.Measure.Valid() {
		pos, field := kindPos, join(m.path, "kind")
		if !hasKind {
			pos, field = m.pos, m.path
		}
		if _, cmpPos := m.field("comparator"); m.has("comparator") && t.Measure != plan.MeasureYesNo {
			pos, field = cmpPos, join(m.path, "comparator")
		}
		d.errorf(pos, field, "%v", err)
	}
	due, duePos, ok := d.optional(m, "due")
	if !ok {
		return
	}
	date, err := plan.ParseTargetDue(due)
	if err != nil {
		d.errorf(duePos, join(m.path, "due"), "%v", err)
		return
	}
	if year != 0 && date.Year < year {
		d.errorf(duePos, join(m.path, "due"), "due %s is before the plan year %d: write a date or period key in %d or later", due, year, year)
		return
	}
	t.Due = date
}

// goal decodes a target's goal according to its measure.
func (d *decoder) goal(n ast.Node, field string, measure plan.Measure) float64 {
	pos := posOf(n)
	if measure == plan.MeasureYesNo {
		switch v := unwrap(n).(type) {
		case *ast.BoolNode:
			if v.Value {
				return 1
			}
			return 0
		case *ast.StringNode:
			switch strings.ToLower(v.Value) {
			case "yes", "true":
				return 1
			case "no", "false":
				return 0
			}
			d.errorf(pos, field, "a yes/no goal is 1 or 0 (yes or no), found %q", v.Value)
			return 0
		}
	}
	g, ok := d.number(n, field)
	if !ok {
		return 0
	}
	switch measure {
	case plan.MeasurePercent:
		if g < 0 || g > 100 {
			d.errorf(pos, field, "a percent goal lies in 0..100, found %g", g)
		}
	case plan.MeasureYesNo:
		if g != 0 && g != 1 {
			d.errorf(pos, field, "a yes/no goal is 1 or 0 (yes or no), found %g", g)
		}
	case plan.MeasureCount:
		if g < 0 {
			d.errorf(pos, field, "a count goal cannot be negative, found %g", g)
		}
	}
	return g
}

func (d *decoder) task(n ast.Node, path string, year int, officials, tasks seen) (Task, bool) {
	m := d.mapping(n, path, taskFields)
	if m == nil {
		return Task{}, false
	}
	t := Task{Pos: m.pos}
	key, pos := d.key(m, "key", true)
	tasks.check(d, key, pos, join(path, "key"), "task key")
	t.Key = key
	t.Title, _ = d.str(m, "title", true)
	t.Leads = d.leads(m, officials)
	if len(t.Leads) > 0 {
		t.Lead = t.Leads[0]
	}
	t.Support = d.support(m, t.Leads, officials)
	t.Note, _ = d.str(m, "note", false)

	hasDue, hasEvery := m.has("due"), m.has("every")
	switch {
	case hasDue && hasEvery:
		_, pos := m.field("every")
		d.errorf(pos, join(path, "every"), "a task is either one-off (due) or recurring (every, due_day), not both")
		d.due(m, &t, year)
	case hasDue:
		d.due(m, &t, year)
		for _, name := range []string{"due_day", "start", "until"} {
			if m.has(name) {
				_, pos := m.field(name)
				d.errorf(pos, join(path, name), "only a recurring task (with every) has %s; this task has due", name)
			}
		}
	case hasEvery:
		d.recurrence(m, &t, year)
	default:
		for _, name := range []string{"due_day", "start", "until"} {
			if m.has(name) {
				_, pos := m.field(name)
				d.errorf(pos, join(path, name), "%s needs every (a recurring task)", name)
			}
		}
		d.errorf(m.pos, path, "missing due (a one-off task) or every and due_day (a recurring task)")
	}
	return t, true
}

// recurrence decodes every, due_day, start and until of a recurring task.
func (d *decoder) recurrence(m *mapping, t *Task, year int) {
	every, everyPos, ok := d.optional(m, "every")
	t.Every = plan.Cadence(every)
	if ok && !t.Every.Valid() {
		d.errorf(everyPos, join(m.path, "every"), "unknown cadence %q: want weekly, monthly, quarterly, half-yearly or yearly", every)
	}
	dueDay, dayPos, ok := d.integer(m, "due_day", true)
	if ok {
		t.DueDay = dueDay
		if t.Every.Valid() {
			r := plan.Recurrence{Every: t.Every, DueDay: dueDay}
			if err := r.Validate(); err != nil {
				d.errorf(dayPos, join(m.path, "due_day"), "%v", err)
			}
		}
	}
	start, _, ok := d.date(m, "start", false)
	switch {
	case ok:
		t.Start = start
	case !m.has("start") && year != 0:
		t.Start = plan.NewDate(year, time.January, 1)
	}
	until, untilPos, ok := d.date(m, "until", false)
	switch {
	case ok:
		t.Until = until
		if !t.Start.IsZero() && until.Before(t.Start) {
			d.errorf(untilPos, join(m.path, "until"), "until %s is before start %s", until, t.Start)
		}
	case !m.has("until") && year != 0:
		// A recurring task ends with its plan year: a 2025 plan's weekly
		// report produces no 2026 occurrences.
		t.Until = plan.NewDate(year, time.December, 31)
		if !t.Start.IsZero() && t.Until.Before(t.Start) {
			_, pos := m.field("start")
			d.errorf(pos, join(m.path, "start"), "start %s is after the end of the plan year %d: add until, or start within the plan year", t.Start, year)
		}
	}
}

// due decodes a one-off task's due: a date (2026-06-30), a period key
// (2026-Q1, 2026-H1, 2026-03, 2026, 2026-W07: the last day of that calendar
// period) or ongoing (thường xuyên: no deadline, the plan year as its
// period).
func (d *decoder) due(m *mapping, t *Task, year int) {
	s, pos := d.str(m, "due", true)
	if s == "" {
		return
	}
	field := join(m.path, "due")
	if s == Ongoing {
		if year == 0 {
			return // plan.year is missing or wrong: reported there
		}
		t.Ongoing = true
		t.DuePeriod = fmt.Sprintf("%04d", year)
		t.Due = plan.NewDate(year, time.December, 31)
		return
	}
	if v, err := plan.ParseDate(s); err == nil {
		t.Due = v
		return
	}
	p, err := plan.PeriodDue(s)
	if err != nil {
		if len(s) == len(plan.DateLayout) && s[4] == '-' && s[7] == '-' {
			d.errorf(pos, field, "impossible date %q: want YYYY-MM-DD, a real calendar date", s)
			return
		}
		d.errorf(pos, field, "impossible date %q: want YYYY-MM-DD (a real calendar date), a period key (2026-Q1, 2026-H1, 2026-03, 2026) or ongoing (thường xuyên)", s)
		return
	}
	t.DuePeriod = p.Key
	t.Due = p.To
}
