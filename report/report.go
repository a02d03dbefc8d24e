// Package report compiles the periodic digest for the Chairman (tổng hợp
// báo cáo) and renders it as JSON; package message writes it as plain
// text and Telegram HTML.
//
// A period's digest covers every occurrence due inside the period plus
// every earlier one still open at the period's start (carried over), each
// judged as of the digest's "as of" instant with plan.StatusAt: an
// occurrence done after that instant counts as open.
//
// The JSON form is the external contract the README documents; its extensions:
//
//   - "unit_name": the unit's name.
//   - totals carry "total" (the number of occurrences counted).
//   - tasks[] carry "lead_name", "days_overdue" (calendar days past the due
//     date as of the digest, 0 unless open_overdue), "carried_over" (due
//     before the period and still open at its start) and "done_at".
//   - targets[] carry "text", "measure", "area", "owner", "every" and, when
//     there is a reading, "period" (the reading's period key) and
//     "reported_at"; "kind" and "judgement" as the contract says, "due"
//     (the target's deadline, when it has one) and, for a cumulative
//     target judged before its deadline, "expected" (the goal pro-rated to
//     the elapsed part of the year).
//   - by_official[] entries carry "name" as the contract says; officials appear
//     chairman first, then vice-chairmen, office, members, by key. They
//     count the occurrences of the tasks whose accountable official
//     (tasks.lead_id: the first lead, or the head of the first lead
//     department) they are.
//   - by_department[]: {key, name, totals} for every department of the
//     unit, in the plan file's order; an occurrence counts for each
//     department leading its task.
//   - tasks[].lead is the key of the task's first lead, an official's or a
//     department's; "lead_name" its name; tasks[].assignee the key of the
//     member the department's head assigned the task to, or null.
//   - missing_reports: the officials who lead, own a target or are assigned
//     a task and did not report; partners are never in it.
//   - "previous": {"key", "from", "to", "totals"}, the totals of the previous
//     period of the same kind judged as of its end (or the digest's "as of"
//     when earlier), and "change": the difference of each count and of the
//     on-time rate from the previous period to this one.
package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// Digest is the compiled summary of one unit for one period.
type Digest struct {
	Unit           string           `json:"unit"`
	UnitName       string           `json:"unit_name"`
	Period         Period           `json:"period"`
	AsOf           string           `json:"as_of"`
	Totals         Totals           `json:"totals"`
	ByArea         []AreaLine       `json:"by_area"`
	ByDepartment   []DepartmentLine `json:"by_department"`
	ByOfficial     []OfficialLine   `json:"by_official"`
	Tasks          []TaskLine       `json:"tasks"`
	Targets        []TargetLine     `json:"targets"`
	MissingReports []string         `json:"missing_reports"`
	Previous       *Previous        `json:"previous,omitempty"`
	Change         *Change          `json:"change,omitempty"`
	// Extensions are the extension requests (gia hạn) of the digest's
	// occurrences, with their decisions, in task order: the workbook's
	// "Gia hạn" sheet. Not in the JSON, which marks an extended task by
	// its original_due.
	Extensions []ExtensionLine `json:"-"`

	// period and asOf keep the typed values behind Period and AsOf
	// (PeriodValue, AsOfTime).
	period plan.Period
	asOf   time.Time
}

// ExtensionLine is one extension request of a digest's task.
type ExtensionLine struct {
	TaskKey    string
	Title      string
	Occurrence string
	store.ExtensionRequest
}

// Extended returns the task lines extended by an approved request, in
// task order.
func (d *Digest) Extended() []TaskLine {
	var out []TaskLine
	for _, t := range d.Tasks {
		if t.OriginalDue != nil {
			out = append(out, t)
		}
	}
	return out
}

// Period is a digest's period as written in JSON.
type Period struct {
	Key  string    `json:"key"`
	From plan.Date `json:"from"`
	To   plan.Date `json:"to"`
}

// Totals counts occurrences by status, with the on-time rate.
type Totals struct {
	plan.Totals
	OnTimeRate float64 `json:"on_time_rate"`
	Total      int     `json:"total"`
}

// newTotals completes t with its rate and total.
func newTotals(t plan.Totals) Totals {
	return Totals{Totals: t, OnTimeRate: t.OnTimeRate(), Total: t.Total()}
}

// AreaLine is the totals of one reform area (lĩnh vực).
type AreaLine struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Totals Totals `json:"totals"`
}

// DepartmentLine is the totals of the occurrences of the tasks one
// department (phòng, ban) leads.
type DepartmentLine struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Totals Totals `json:"totals"`
}

// OfficialLine is the totals of the occurrences an official leads, and
// whether the official reported within the period.
type OfficialLine struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Totals   Totals `json:"totals"`
	Reported bool   `json:"reported"`
}

// TaskLine is one occurrence of a task in a digest or an overdue list.
type TaskLine struct {
	Key        string    `json:"key"`
	Occurrence string    `json:"occurrence"`
	Title      string    `json:"title"`
	Area       string    `json:"area"`
	Lead       string    `json:"lead"`
	Due        plan.Date `json:"due"`
	// OriginalDue is the plan's due date of a task extended by an approved
	// request (Due is the approved date it is judged against); absent
	// when not extended.
	OriginalDue *plan.Date `json:"original_due,omitempty"`
	Status      string     `json:"status"`
	Progress    int        `json:"progress"`
	LastReport  *string    `json:"last_report"`
	LeadName    string     `json:"lead_name"`
	// Assignee is the key of the member a lead department's head assigned
	// the task to, nil when unassigned; AssigneeName is their name.
	Assignee     *string    `json:"assignee"`
	AssigneeName string     `json:"-"`
	DaysOverdue  int        `json:"days_overdue"`
	CarriedOver  bool       `json:"carried_over"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	// Support lists the keys of the supporting officials; only Overdue
	// fills it.
	Support []string `json:"support,omitempty"`
	// OccurrenceID is the occurrence's row id, for bot replies.
	OccurrenceID int64 `json:"-"`
}

// TargetLine is one target with its latest reading.
type TargetLine struct {
	Key        string     `json:"key"`
	Goal       float64    `json:"goal"`
	Comparator string     `json:"comparator"`
	Actual     *float64   `json:"actual"`
	Met        bool       `json:"met"`
	Text       string     `json:"text"`
	Measure    string     `json:"measure"`
	Area       string     `json:"area"`
	Owner      string     `json:"owner"`
	Every      string     `json:"every"`
	Period     string     `json:"period,omitempty"`
	ReportedAt *time.Time `json:"reported_at,omitempty"`
	// Kind and Judgement: see judgeTarget.
	Kind      string     `json:"kind"`
	Judgement string     `json:"judgement"`
	Due       *plan.Date `json:"due,omitempty"`
	Expected  *float64   `json:"expected,omitempty"`
}

// Previous is the previous period's totals, for "change since the previous
// period".
type Previous struct {
	Key    string    `json:"key"`
	From   plan.Date `json:"from"`
	To     plan.Date `json:"to"`
	Totals Totals    `json:"totals"`
}

// Change is this period's totals minus the previous period's.
type Change struct {
	DoneOnTime  int     `json:"done_on_time"`
	DoneLate    int     `json:"done_late"`
	OpenOnTime  int     `json:"open_on_time"`
	OpenOverdue int     `json:"open_overdue"`
	Ongoing     int     `json:"ongoing"`
	OnTimeRate  float64 `json:"on_time_rate"`
}

// PeriodValue returns the digest's period.
func (d *Digest) PeriodValue() plan.Period { return d.period }

// AsOfTime returns the instant the digest was judged at, in the unit's zone.
func (d *Digest) AsOfTime() time.Time { return d.asOf }

// Overdue returns the open-and-overdue task lines of the digest, most
// overdue first.
func (d *Digest) Overdue() []TaskLine {
	var out []TaskLine
	for _, t := range d.Tasks {
		if t.Status == string(plan.OpenOverdue) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b TaskLine) int { return b.DaysOverdue - a.DaysOverdue })
	return out
}

// digestInput is what the digest of one unit is built from: the unit's rows
// for one period, as known at the "as of" instant.
type digestInput struct {
	unit    plan.Unit
	loc     *time.Location // the unit's zone
	asOf    time.Time      // in loc
	areas   []plan.Area    // of the unit's plan for the period's year
	targets []store.DigestTarget
	occs    []store.DigestOccurrence
	// extensions are the extension requests of occs, by occurrence id
	// (shared by the inputs of several units).
	extensions map[int64][]store.ExtensionRequest
	officials  []plan.Official // archived ones included
	// departments are the unit's departments that are not archived;
	// departmentLeads the departments leading each task, by task id (shared
	// by the inputs of several units).
	departments     []plan.Department
	departmentLeads map[int64][]store.DepartmentLead
	// reported holds the officials who reported within their own unit's
	// period up to asOf; it may be shared by the inputs of several units.
	reported map[int64]bool
}

// loadDigests reads, through q (inside store.DigestRead), in six queries
// whatever the number of units, what the digests of the units for the
// period p judged as of asOf are built from (see buildDigest): the plans
// of p's year, their areas and targets with the latest readings, the
// occurrences with their latest reports, the officials and who of them
// reported. Each unit's zone (asOf's zone when the unit has none) places
// its period. The inputs come in the order of units.
func loadDigests(ctx context.Context, q store.Reader, units []plan.Unit, p plan.Period, asOf time.Time) ([]*digestInput, error) {
	inputs := make([]*digestInput, len(units))
	ids := make([]int64, len(units))
	scopes := make([]store.DigestScope, len(units))
	for i, u := range units {
		loc := u.Location(asOf.Location())
		in := &digestInput{unit: u, loc: loc, asOf: asOf.In(loc)}
		until := p.End(loc)
		if in.asOf.Before(until) {
			until = in.asOf
		}
		inputs[i] = in
		ids[i] = u.ID
		scopes[i] = store.DigestScope{UnitID: u.ID, Start: p.Start(loc), Until: until}
	}
	if len(units) == 0 {
		return inputs, nil
	}

	plans, err := store.PlansFor(ctx, q, ids, p.To.Year)
	if err != nil {
		return nil, err
	}
	planIDs := make([]int64, 0, len(plans))
	for _, u := range units {
		if pl, ok := plans[u.ID]; ok {
			planIDs = append(planIDs, pl.ID)
		}
	}
	areas, err := store.PlanAreasOf(ctx, q, planIDs)
	if err != nil {
		return nil, err
	}
	targets, err := store.DigestTargetsOf(ctx, q, planIDs, asOf)
	if err != nil {
		return nil, err
	}
	occs, err := store.DigestOccurrencesOf(ctx, q, scopes, p, asOf)
	if err != nil {
		return nil, err
	}
	var occIDs []int64
	for _, list := range occs {
		for _, o := range list {
			occIDs = append(occIDs, o.ID)
		}
	}
	requests, err := store.ExtensionRequestsOf(ctx, q, occIDs)
	if err != nil {
		return nil, err
	}
	extensions := make(map[int64][]store.ExtensionRequest)
	for _, r := range requests {
		extensions[r.OccurrenceID] = append(extensions[r.OccurrenceID], r)
	}
	reported, err := store.ReportedOfficialsOf(ctx, q, scopes)
	if err != nil {
		return nil, err
	}
	officials, err := store.OfficialsOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	departments, err := store.DepartmentsIn(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	departmentLeads, err := store.DepartmentLeadsOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, in := range inputs {
		if pl, ok := plans[in.unit.ID]; ok {
			in.areas = areas[pl.ID]
			in.targets = targets[pl.ID]
		}
		in.occs = occs[in.unit.ID]
		in.extensions = extensions
		in.officials = officials[in.unit.ID]
		in.departments = departments[in.unit.ID]
		in.departmentLeads = departmentLeads
		in.reported = reported
	}
	return inputs, nil
}

// buildDigest builds the digest of in's unit for the period p from its
// rows: each occurrence judged as of in.asOf (statuses, totals by area and
// by lead, task lines), the targets, and the officials who lead or own
// something with whether they reported. Previous and Change stay empty.
func buildDigest(in *digestInput, p plan.Period) *Digest {
	unit, loc, asOf := in.unit, in.loc, in.asOf
	d := &Digest{
		Unit:           unit.Code,
		UnitName:       unit.Name,
		Period:         Period{Key: p.Key, From: p.From, To: p.To},
		AsOf:           asOf.Format(time.RFC3339),
		ByArea:         []AreaLine{},
		ByDepartment:   []DepartmentLine{},
		ByOfficial:     []OfficialLine{},
		Tasks:          []TaskLine{},
		Targets:        []TargetLine{},
		MissingReports: []string{},
		period:         p,
		asOf:           asOf,
	}
	byDepartment := make(map[int64]*plan.Totals, len(in.departments))
	departmentOf := make(map[int64]plan.Department, len(in.departments))
	for _, dep := range in.departments {
		byDepartment[dep.ID] = &plan.Totals{}
		departmentOf[dep.ID] = dep
	}
	assignees := make(map[int64]bool)

	var total plan.Totals
	byArea := make(map[string]*plan.Totals)
	areaOrder := make([]AreaLine, 0, len(in.areas))
	for _, a := range in.areas {
		byArea[a.Code] = &plan.Totals{}
		areaOrder = append(areaOrder, AreaLine{Code: a.Code, Name: a.Name})
	}
	byLead := make(map[int64]*plan.Totals)
	for _, o := range in.occs {
		status := plan.OccurrenceStatus(o.Ongoing, o.Due, o.DoneAt, asOf, loc)
		extended := 0
		if o.OriginalDue != nil {
			extended = 1
		}
		total.Add(status)
		total.Extended += extended
		at, ok := byArea[o.AreaCode]
		if !ok {
			at = &plan.Totals{}
			byArea[o.AreaCode] = at
			areaOrder = append(areaOrder, AreaLine{Code: o.AreaCode, Name: o.AreaName})
		}
		at.Add(status)
		at.Extended += extended
		lt, ok := byLead[o.LeadID]
		if !ok {
			lt = &plan.Totals{}
			byLead[o.LeadID] = lt
		}
		lt.Add(status)
		lt.Extended += extended
		line := taskLine(o, status, p.From, asOf, loc)
		for _, l := range in.departmentLeads[o.TaskID] {
			dep, ok := departmentOf[l.DepartmentID]
			if !ok {
				continue
			}
			byDepartment[dep.ID].Add(status)
			byDepartment[dep.ID].Extended += extended
			if l.Position == 1 {
				// The first lead is a department: the line names it, not
				// its head.
				line.Lead, line.LeadName = dep.Key, dep.Name
			}
		}
		if o.AssigneeID != nil {
			assignees[*o.AssigneeID] = true
		}
		d.Tasks = append(d.Tasks, line)
		for _, r := range in.extensions[o.ID] {
			if r.RequestedAt.After(asOf) {
				continue // asked after the digest's instant
			}
			d.Extensions = append(d.Extensions, ExtensionLine{TaskKey: o.TaskKey, Title: o.TaskTitle, Occurrence: o.Key, ExtensionRequest: r})
		}
	}
	d.Totals = newTotals(total)
	for _, a := range areaOrder {
		a.Totals = newTotals(*byArea[a.Code])
		d.ByArea = append(d.ByArea, a)
	}
	for _, dep := range in.departments {
		d.ByDepartment = append(d.ByDepartment, DepartmentLine{Key: dep.Key, Name: dep.Name, Totals: newTotals(*byDepartment[dep.ID])})
	}

	owners := make(map[int64]bool)
	for _, t := range in.targets {
		if plan.TargetKind(t.Kind).Asked() {
			owners[t.OwnerID] = true // an external target is not asked of its owner
		}
		line := TargetLine{
			Key:        t.Key,
			Goal:       t.Goal,
			Comparator: t.Comparator,
			Actual:     t.Actual,
			Text:       t.Text,
			Measure:    t.Measure,
			Area:       t.AreaCode,
			Owner:      t.OwnerKey,
			Every:      t.Every,
			ReportedAt: t.ActualAt,
		}
		if t.ActualPeriod != nil {
			line.Period = *t.ActualPeriod
		}
		judgeTarget(&line, t, p, asOf)
		d.Targets = append(d.Targets, line)
	}

	for _, o := range in.officials {
		lt, leads := byLead[o.ID]
		if !leads && !owners[o.ID] && !assignees[o.ID] {
			continue
		}
		line := OfficialLine{Key: o.Key, Name: o.Name, Reported: in.reported[o.ID]}
		if leads {
			line.Totals = newTotals(*lt)
		} else {
			line.Totals = newTotals(plan.Totals{})
		}
		d.ByOfficial = append(d.ByOfficial, line)
		if !line.Reported && !o.Partner() {
			d.MissingReports = append(d.MissingReports, o.Key)
		}
	}
	return d
}

// setPrevious fills d.Previous and d.Change with prev, the totals of the
// period before d's.
func setPrevious(d *Digest, prev HistoryPoint, p plan.Period) {
	pt := prev.Totals
	d.Previous = &Previous{Key: p.Key, From: p.From, To: p.To, Totals: pt}
	d.Change = &Change{
		DoneOnTime:  d.Totals.DoneOnTime - pt.DoneOnTime,
		DoneLate:    d.Totals.DoneLate - pt.DoneLate,
		OpenOnTime:  d.Totals.OpenOnTime - pt.OpenOnTime,
		OpenOverdue: d.Totals.OpenOverdue - pt.OpenOverdue,
		Ongoing:     d.Totals.Ongoing - pt.Ongoing,
		OnTimeRate:  math.Round((d.Totals.OnTimeRate-pt.OnTimeRate)*1e4) / 1e4,
	}
}

// taskLine describes the occurrence o, judged status as of asOf, in a
// digest of the period starting on from.
func taskLine(o store.DigestOccurrence, status plan.Status, from plan.Date, asOf time.Time, loc *time.Location) TaskLine {
	line := TaskLine{
		Key:          o.TaskKey,
		Occurrence:   o.Key,
		Title:        o.TaskTitle,
		Area:         o.AreaCode,
		Lead:         o.LeadKey,
		Due:          o.Due,
		OriginalDue:  o.OriginalDue,
		Status:       string(status),
		Progress:     o.Progress,
		LeadName:     o.LeadName,
		CarriedOver:  o.Due.Before(from),
		OccurrenceID: o.ID,
		LastReport:   lastReportText(o.LastNote, o.LastPercent, o.LastDone),
		Assignee:     o.AssigneeKey,
	}
	if o.AssigneeName != nil {
		line.AssigneeName = *o.AssigneeName
	}
	switch status {
	case plan.DoneOnTime, plan.DoneLate:
		line.Progress = 100
		line.DoneAt = o.DoneAt
	case plan.OpenOverdue:
		line.DaysOverdue = plan.DaysOverdue(o.Due, asOf, loc)
	}
	if line.Progress == 100 && (status == plan.OpenOnTime || status == plan.OpenOverdue) {
		// Done after asOf without a dated report: as of asOf it was not.
		line.Progress = 0
		if o.LastPercent != nil && *o.LastPercent < 100 {
			line.Progress = *o.LastPercent
		}
	}
	return line
}

// lastReportText renders the latest progress report as "60% — note",
// "60%", "100%" or the note alone; nil when there is none.
func lastReportText(note *string, percent *int, done *bool) *string {
	if note == nil && percent == nil && done == nil {
		return nil
	}
	var s string
	switch {
	case percent != nil:
		s = strconv.Itoa(*percent) + "%"
	case done != nil && *done:
		s = "100%"
	}
	if note != nil && *note != "" {
		if s != "" {
			s += " — "
		}
		s += *note
	}
	return &s
}

// Overdue returns the occurrences of the unit open and overdue as of asOf
// (due before asOf's date in the unit's zone), most overdue first, with
// their supporting officials.
func Overdue(ctx context.Context, st *store.Store, unit plan.Unit, asOf time.Time) ([]TaskLine, error) {
	unitCode := unit.Code
	loc := unit.Location(asOf.Location())
	today := plan.DateIn(asOf, loc)
	occs, err := store.OpenOccurrences(ctx, st, unit.ID, today.AddDays(-1))
	if err != nil {
		return nil, fmt.Errorf("report: overdue of %s: %w", unitCode, err)
	}
	officials, err := st.Officials(ctx, unit.Code)
	if err != nil {
		return nil, fmt.Errorf("report: overdue of %s: %w", unitCode, err)
	}
	keys := make(map[int64]string, len(officials))
	for _, o := range officials {
		keys[o.ID] = o.Key
	}
	lines := make([]TaskLine, 0, len(occs))
	for _, o := range occs {
		line := TaskLine{
			Key:          o.TaskKey,
			Occurrence:   o.Key,
			Title:        o.TaskTitle,
			Area:         o.AreaCode,
			Lead:         o.LeadKey,
			Due:          o.Due,
			Status:       string(plan.OpenOverdue),
			Progress:     o.Percent,
			LeadName:     o.LeadName,
			DaysOverdue:  plan.DaysOverdue(o.Due, asOf, loc),
			OccurrenceID: o.ID,
			LastReport:   lastReportText(o.LastNote, o.LastPercent, nil),
		}
		for _, id := range o.SupporterIDs {
			line.Support = append(line.Support, keys[id])
		}
		lines = append(lines, line)
	}
	return lines, nil
}
