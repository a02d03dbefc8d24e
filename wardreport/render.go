package wardreport

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/docx"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// The sizes, in points, of the parts of the document (Nghị định 30/2020,
// annex I): body 14; issuing body and tables 13; Quốc hiệu 12 (12-13); "Nơi nhận" 12
// and its list 11.
const (
	sizeBody   = 14
	sizeSmall  = 13
	sizeNation = 12
	sizeTo     = 12
	sizeToList = 11
	// textWidth is the A4 page's width between the margins, in mm.
	textWidth = 210 - 30 - 15
)

// maxRows caps the rows of one task table of an area; the rest are
// counted in a line after it (the workbook lists them all). Long tables
// still continue across pages with their header row repeated.
const maxRows = 200

// DOCX renders the report as a Word document in the language of pr.
func (r *Report) DOCX(pr *i18n.Printer) ([]byte, error) {
	w := &writer{pr: pr, r: r}
	p := r.Result.PeriodValue()
	w.doc = docx.New(docx.Options{
		Page:        docx.A4,
		Font:        "Times New Roman",
		Size:        sizeBody,
		Title:       pr.T("wr.file_title", periodName(p, pr), r.Result.UnitName()),
		Creator:     r.Result.UnitName(),
		Created:     r.AsOf,
		PageNumbers: true,
	})
	w.header()
	if r.Result.IsRollup() {
		w.rollupBody(r.Result.Rollup)
	} else {
		w.wardBody(r.Result.Unit)
	}
	w.footer()
	data, err := w.doc.Bytes()
	if err != nil {
		return nil, fmt.Errorf("wardreport: %s %s: %w", r.Unit.Code, p.Key, err)
	}
	return data, nil
}

type writer struct {
	pr  *i18n.Printer
	r   *Report
	doc *docx.Document
}

func (w *writer) t(key i18n.Key, args ...any) string { return w.pr.T(key, args...) }

// para writes a justified body paragraph with a first-line indent.
func (w *writer) para(s string) {
	w.doc.Paragraph(docx.Para{Runs: []docx.Run{{Text: s}}, Align: docx.Justify, FirstLine: 10, SpaceAfter: 6})
}

// heading writes a bold heading kept with what follows.
func (w *writer) heading(s string) {
	w.doc.Paragraph(docx.Para{Runs: []docx.Run{{Text: s, Bold: true}}, Align: docx.Justify, FirstLine: 10, SpaceBefore: 6, SpaceAfter: 6, KeepNext: true})
}

// sub writes an italic sub-heading kept with what follows.
func (w *writer) sub(s string) {
	w.doc.Paragraph(docx.Para{Runs: []docx.Run{{Text: s, Italic: true}}, Align: docx.Justify, FirstLine: 10, SpaceAfter: 3, KeepNext: true})
}

func (w *writer) blank() { w.para(w.t("wr.blank")) }

// header writes the two-column header (issuing body; Quốc hiệu and tiêu
// ngữ), the number, place and date, the kind and the subject line.
func (w *writer) header() {
	r := w.r
	upper := strings.ToUpper(parentLine(r.Parent, w.pr))
	body := strings.ToUpper(bodyName(r.Unit, w.pr))
	d := plan.DateOf(r.AsOf)
	day, month := fmt.Sprintf("%02d", d.Day), strconv.Itoa(int(d.Month))
	if d.Month <= 2 {
		month = "0" + month
	}
	var left []docx.Para
	// A unit reporting to no one that has wards (a province) issues in its
	// own name alone; a ward whose parent is unknown gets a blank to fill.
	if r.Parent != nil || !r.Result.IsRollup() {
		left = append(left, docx.Para{Runs: []docx.Run{{Text: upper, Size: sizeSmall}}, Align: docx.Center})
	}
	left = append(left, []docx.Para{
		{Runs: []docx.Run{{Text: body, Size: sizeSmall, Bold: true}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: "────────", Size: sizeSmall}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: w.t("wr.number"), Size: sizeSmall}}, Align: docx.Center, SpaceBefore: 6},
	}...)
	right := []docx.Para{
		{Runs: []docx.Run{{Text: w.t("wr.nation"), Size: sizeNation, Bold: true}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: w.t("wr.motto"), Size: sizeBody, Bold: true, Underline: true}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: " ", Size: sizeSmall}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: w.t("wr.place_date", place(r.Unit), day, month, d.Year), Italic: true}}, Align: docx.Center, SpaceBefore: 6},
	}
	w.doc.Table(docx.Table{Widths: []float64{70, textWidth - 70}, Rows: [][]docx.Cell{{{Paras: left}, {Paras: right}}}})
	p := r.Result.PeriodValue()
	w.doc.Paragraph(docx.Para{Runs: []docx.Run{{Text: w.t("wr.kind"), Bold: true}}, Align: docx.Center, SpaceBefore: 12})
	w.doc.Paragraph(docx.Para{Runs: []docx.Run{{Text: w.t("wr.subject", periodName(p, w.pr)), Bold: true}}, Align: docx.Center, SpaceAfter: 12})
	w.para(w.t("wr.intro", shortName(r.Unit, w.pr), periodName(p, w.pr),
		message.FormatDate(p.From), message.FormatDate(p.To), r.AsOf.Format("15:04")+" "+message.FormatDate(d)))
}

// footer writes the closing sentence, the recipients and the signature.
func (w *writer) footer() {
	r := w.r
	p := r.Result.PeriodValue()
	w.para(w.t("wr.closing", periodName(p, w.pr), shortName(r.Unit, w.pr)))
	to := []docx.Para{{Runs: []docx.Run{{Text: w.t("wr.recipients"), Bold: true, Italic: true, Size: sizeTo}}}}
	var lines []string
	if r.Result.IsRollup() {
		lines = append(lines, w.t("wr.to.ministry"))
	} else {
		lines = append(lines, w.t("wr.to.parent", parentLine(r.Parent, w.pr)), w.t("wr.to.home"))
	}
	lines = append(lines, w.t("wr.to.leaders"), w.t("wr.to.archive"))
	for _, l := range lines {
		to = append(to, docx.Para{Runs: []docx.Run{{Text: l, Size: sizeToList}}})
	}
	name := r.Chairman
	if strings.TrimSpace(name) == "" {
		name = w.t("wr.blank")
	}
	sign := []docx.Para{
		{Runs: []docx.Run{{Text: w.t("wr.sign.on_behalf"), Bold: true}}, Align: docx.Center},
		{Runs: []docx.Run{{Text: w.t("wr.sign.chairman"), Bold: true}}, Align: docx.Center},
		{}, {}, {}, {},
		{Runs: []docx.Run{{Text: name, Bold: true}}, Align: docx.Center},
	}
	w.doc.Paragraph(docx.Para{SpaceAfter: 6})
	w.doc.Table(docx.Table{Widths: []float64{80, textWidth - 80}, Rows: [][]docx.Cell{{{Paras: to}, {Paras: sign}}}})
}

// wardBody writes the five sections of a ward's report.
func (w *writer) wardBody(d *report.Digest) {
	r := w.r
	t := d.Totals
	carried := 0
	for _, l := range d.Tasks {
		if l.CarriedOver {
			carried++
		}
	}
	areas := 0
	for _, a := range d.ByArea {
		if a.Totals.Total > 0 {
			areas++
		}
	}
	w.heading(w.t("wr.s1"))
	w.para(w.t("wr.s1.tasks", t.Total, areas, carried))
	a := r.Activity
	w.para(w.t("wr.s1.messages", a.Reminders, a.Requests, a.Answered, a.Reports, a.Reporters, a.Escalations))

	w.heading(w.t("wr.s2"))
	if t.Total == 0 {
		w.para(w.t("wr.s2.empty"))
	} else {
		w.sub(w.t("wr.s2.summary"))
		w.areaTable(d)
		for i, area := range d.ByArea {
			w.area(i+1, area, d)
		}
	}

	w.heading(w.t("wr.s3"))
	w.sub(w.t("wr.s3.results"))
	w.rate(t, d.Previous, d.Change)
	w.reported(d)
	for _, k := range []i18n.Key{"wr.s3.strengths", "wr.s3.limits", "wr.s3.causes"} {
		w.sub(w.t(k))
		w.blank()
	}

	w.heading(w.t("wr.s4"))
	w.next(d)

	w.heading(w.t("wr.s5"))
	w.blank()
}

// rate writes the on-time rate and its change from the previous period.
func (w *writer) rate(t report.Totals, prev *report.Previous, change *report.Change) {
	if !report.Judged(t) {
		w.para(w.t("wr.s3.rate_none"))
		return
	}
	s := w.t("wr.s3.rate", message.FormatRate(t.OnTimeRate, w.pr))
	if prev != nil && change != nil && report.Judged(prev.Totals) {
		s += " " + w.t("wr.s3.change", periodName(plan.Period{Kind: w.r.Result.PeriodValue().Kind, Key: prev.Key}, w.pr),
			message.FormatRate(prev.Totals.OnTimeRate, w.pr), message.FormatPoints(change.OnTimeRate, w.pr))
	}
	w.para(s)
}

// reported writes who of the officials with tasks reported.
func (w *writer) reported(d *report.Digest) {
	var names []string
	expected := 0
	for _, o := range d.ByOfficial {
		missing := slices.Contains(d.MissingReports, o.Key)
		if o.Reported || missing {
			expected++
		}
		if missing {
			names = append(names, o.Name)
		}
	}
	if expected == 0 {
		return
	}
	w.para(w.t("wr.s3.reported", expected-len(names), expected))
	if len(names) > 0 {
		w.para(w.t("wr.s3.missing", strings.Join(names, ", ")))
	}
}

// statusHead returns the header cells of the status columns; ongoing
// adds the "Thường xuyên" column.
func (w *writer) statusHead(ongoing bool) []string {
	h := []string{w.t("wr.col.on_time"), w.t("wr.col.late"), w.t("wr.col.open"), w.t("wr.col.overdue")}
	if ongoing {
		h = append(h, w.t("wr.col.ongoing"))
	}
	return append(h, w.t("wr.col.total"))
}

// statusCells returns the cells of t under the columns of statusHead.
func statusCells(t report.Totals, ongoing bool) []string {
	c := []string{strconv.Itoa(t.DoneOnTime), strconv.Itoa(t.DoneLate), strconv.Itoa(t.OpenOnTime), strconv.Itoa(t.OpenOverdue)}
	if ongoing {
		c = append(c, strconv.Itoa(t.Ongoing))
	}
	return append(c, strconv.Itoa(t.Total))
}

// areaTable writes the table of the statuses by area with its total row.
func (w *writer) areaTable(d *report.Digest) {
	ongoing := d.Totals.Ongoing > 0
	head := append([]string{w.t("wr.col.no"), w.t("wr.col.area")}, w.statusHead(ongoing)...)
	num := len(head) - 2
	numW := 18.0
	if ongoing {
		numW = 16
	}
	widths := []float64{11, textWidth - 11 - numW*float64(num)}
	for range num {
		widths = append(widths, numW)
	}
	rows := [][]docx.Cell{w.headRow(head)}
	for i, a := range d.ByArea {
		rows = append(rows, w.row(append([]string{strconv.Itoa(i + 1), a.Name}, statusCells(a.Totals, ongoing)...), false))
	}
	rows = append(rows, w.row(append([]string{"", w.t("wr.total_row")}, statusCells(d.Totals, ongoing)...), true))
	w.doc.Table(docx.Table{Widths: widths, Rows: rows, HeaderRows: 1, Borders: true})
}

// headRow is a table's header row: bold, centred.
func (w *writer) headRow(cells []string) []docx.Cell {
	row := make([]docx.Cell, len(cells))
	for i, c := range cells {
		row[i] = docx.TextCell(c, docx.Center, true, sizeSmall)
	}
	return row
}

// row is a table row: the first column centred, the second left, the
// others centred; bold for a total row.
func (w *writer) row(cells []string, bold bool) []docx.Cell {
	row := make([]docx.Cell, len(cells))
	for i, c := range cells {
		align := docx.Center
		if i == 1 {
			align = docx.Left
		}
		row[i] = docx.TextCell(c, align, bold, sizeSmall)
	}
	return row
}

// area writes an area's part of section II.
func (w *writer) area(n int, a report.AreaLine, d *report.Digest) {
	t := a.Totals
	w.heading(w.t("wr.s2.area", n, a.Name))
	w.para(w.t("wr.s2.area_totals", t.DoneOnTime, t.DoneLate, t.OpenOnTime, t.OpenOverdue, t.Total))
	var done, overdue []report.TaskLine
	for _, l := range d.Tasks {
		if l.Area != a.Code {
			continue
		}
		switch plan.Status(l.Status) {
		case plan.DoneOnTime, plan.DoneLate:
			done = append(done, l)
		case plan.OpenOverdue:
			overdue = append(overdue, l)
		}
	}
	slices.SortStableFunc(overdue, func(x, y report.TaskLine) int { return y.DaysOverdue - x.DaysOverdue })
	w.sub(w.t("wr.s2.done"))
	w.tasks(done, []string{w.t("wr.col.no"), w.t("wr.col.task"), w.t("wr.col.lead"), w.t("wr.col.due"), w.t("wr.col.done")},
		[]float64{11, 66, 36, 26, 26}, func(l report.TaskLine) []string {
			when := ""
			if l.DoneAt != nil {
				when = message.FormatDate(plan.DateOf(l.DoneAt.In(w.r.AsOf.Location())))
			}
			key := i18n.Key("wr.done_on_time")
			if plan.Status(l.Status) == plan.DoneLate {
				key = "wr.done_late"
			}
			return []string{w.lead(l), message.FormatDate(l.Due), w.t(key, when)}
		})
	w.sub(w.t("wr.s2.overdue"))
	w.tasks(overdue, []string{w.t("wr.col.no"), w.t("wr.col.task"), w.t("wr.col.lead"), w.t("wr.col.due"), w.t("wr.col.days"), w.t("wr.col.progress")},
		[]float64{11, 58, 34, 26, 18, 18}, func(l report.TaskLine) []string {
			return []string{w.lead(l), message.FormatDate(l.Due), strconv.Itoa(l.DaysOverdue), strconv.Itoa(l.Progress) + "%"}
		})
	var extended []report.TaskLine
	for _, l := range d.Extended() {
		if l.Area == a.Code {
			extended = append(extended, l)
		}
	}
	w.sub(w.t("wr.s2.extended"))
	w.tasks(extended, []string{w.t("wr.col.no"), w.t("wr.col.task"), w.t("wr.col.lead"), w.t("wr.col.original"), w.t("wr.col.extended")},
		[]float64{11, 66, 36, 26, 26}, func(l report.TaskLine) []string {
			return []string{w.lead(l), message.FormatDate(*l.OriginalDue), message.FormatDate(l.Due)}
		})
	var targets []report.TargetLine
	for _, tl := range d.Targets {
		if tl.Area == a.Code {
			targets = append(targets, tl)
		}
	}
	if len(targets) > 0 {
		w.sub(w.t("wr.s2.targets"))
		rows := [][]docx.Cell{w.headRow([]string{w.t("wr.col.no"), w.t("wr.col.target"), w.t("wr.col.goal"), w.t("wr.col.actual"), w.t("wr.col.judgement")})}
		for i, tl := range targets {
			actual := w.t("wr.blank")
			if tl.Actual != nil {
				actual = message.FormatValue(*tl.Actual, tl.Measure, w.pr)
				if tl.Period != "" {
					actual += " (" + tl.Period + ")"
				}
			}
			rows = append(rows, w.row([]string{strconv.Itoa(i + 1), tl.Text,
				message.GoalText(tl.Goal, tl.Comparator, tl.Measure, w.pr), actual, w.pr.T(i18n.Key("judgement." + tl.Judgement))}, false))
		}
		w.doc.Table(docx.Table{Widths: []float64{11, 72, 28, 30, 24}, Rows: rows, HeaderRows: 1, Borders: true})
	}
}

// lead names a task line's lead, with the member it is assigned to.
func (w *writer) lead(l report.TaskLine) string {
	s := l.LeadName
	if l.AssigneeName != "" {
		s += w.t("wr.assignee", l.AssigneeName)
	}
	return s
}

// tasks writes a table of task lines: number, title, then cells(l); "None"
// for no line, at most maxRows lines and a line counting the rest.
func (w *writer) tasks(lines []report.TaskLine, head []string, widths []float64, cells func(report.TaskLine) []string) {
	if len(lines) == 0 {
		w.para(w.t("wr.none"))
		return
	}
	rows := [][]docx.Cell{w.headRow(head)}
	for i, l := range lines {
		if i == maxRows {
			break
		}
		rows = append(rows, w.row(append([]string{strconv.Itoa(i + 1), l.Title}, cells(l)...), false))
	}
	w.doc.Table(docx.Table{Widths: widths, Rows: rows, HeaderRows: 1, Borders: true})
	if len(lines) > maxRows {
		w.para(w.t("wr.s2.more", len(lines)-maxRows))
	}
}

// next writes section IV: the tasks the plan has due in the next period.
func (w *writer) next(d *report.Digest) {
	n := w.r.Next
	var due []report.TaskLine
	var np plan.Period
	if n != nil {
		np = n.PeriodValue()
		for _, l := range n.Tasks {
			if !l.CarriedOver && np.Contains(l.Due) {
				due = append(due, l)
			}
		}
	} else {
		np = d.PeriodValue().Next()
	}
	if len(due) == 0 {
		w.para(w.t("wr.s4.none", periodName(np, w.pr)))
	} else {
		w.para(w.t("wr.s4.due", periodName(np, w.pr), len(due)))
		areaName := map[string]string{}
		for _, a := range d.ByArea {
			areaName[a.Code] = a.Name
		}
		if n != nil {
			for _, a := range n.ByArea {
				areaName[a.Code] = a.Name
			}
		}
		slices.SortStableFunc(due, func(x, y report.TaskLine) int { return x.Due.Compare(y.Due) })
		w.tasks(due, []string{w.t("wr.col.no"), w.t("wr.col.task"), w.t("wr.col.area"), w.t("wr.col.lead"), w.t("wr.col.due")},
			[]float64{11, 64, 30, 34, 26}, func(l report.TaskLine) []string {
				return []string{areaName[l.Area], w.lead(l), message.FormatDate(l.Due)}
			})
	}
	if d.Totals.OpenOverdue > 0 {
		w.para(w.t("wr.s4.overdue", d.Totals.OpenOverdue))
	}
}

// rollupBody writes a parent unit's report: its wards worst first.
func (w *writer) rollupBody(d *report.RollupDigest) {
	t := d.Totals
	w.heading(w.t("wr.s1"))
	w.para(w.t("wr.s1.units", len(d.ByUnit), t.Total))

	w.heading(w.t("wr.s2.units"))
	if t.Total == 0 && len(d.ByUnit) == 0 {
		w.para(w.t("wr.s2.empty"))
	} else {
		w.sub(w.t("wr.s2.units_head"))
		head := []string{w.t("wr.col.no"), w.t("wr.col.unit"), w.t("wr.col.on_time"), w.t("wr.col.late"), w.t("wr.col.open"),
			w.t("wr.col.overdue"), w.t("wr.col.total"), w.t("wr.col.rate"), w.t("wr.col.missing")}
		rows := [][]docx.Cell{w.headRow(head)}
		rateOf := func(t report.Totals) string {
			if !report.Judged(t) {
				return "–"
			}
			return message.FormatRate(t.OnTimeRate, w.pr)
		}
		missing := 0
		for i, u := range d.ByUnit {
			missing += u.MissingReports
			rows = append(rows, w.row([]string{strconv.Itoa(i + 1), u.Name, strconv.Itoa(u.Totals.DoneOnTime), strconv.Itoa(u.Totals.DoneLate),
				strconv.Itoa(u.Totals.OpenOnTime), strconv.Itoa(u.Totals.OpenOverdue), strconv.Itoa(u.Totals.Total), rateOf(u.Totals), strconv.Itoa(u.MissingReports)}, false))
		}
		rows = append(rows, w.row([]string{"", w.t("wr.total_row"), strconv.Itoa(t.DoneOnTime), strconv.Itoa(t.DoneLate),
			strconv.Itoa(t.OpenOnTime), strconv.Itoa(t.OpenOverdue), strconv.Itoa(t.Total), rateOf(t), strconv.Itoa(missing)}, true))
		w.doc.Table(docx.Table{Widths: []float64{11, 46, 15, 15, 15, 15, 15, 17, 16}, Rows: rows, HeaderRows: 1, Borders: true})
	}

	w.heading(w.t("wr.s3"))
	w.sub(w.t("wr.s3.results"))
	w.rate(t, nil, nil)
	late := 0
	for _, u := range d.ByUnit {
		if u.Overdue > 0 {
			late++
		}
	}
	if len(d.ByUnit) > 0 {
		w.para(w.t("wr.s3.units_late", late, len(d.ByUnit)))
	}
	for _, k := range []i18n.Key{"wr.s3.strengths", "wr.s3.limits", "wr.s3.causes"} {
		w.sub(w.t(k))
		w.blank()
	}
	w.heading(w.t("wr.s4"))
	w.blank()
	w.heading(w.t("wr.s5"))
	w.blank()
}

// periodName names p in a subject line: "quý I năm 2026", "6 tháng đầu
// năm 2026", "tháng 3 năm 2026".
func periodName(p plan.Period, pr *i18n.Printer) string {
	year, _ := strconv.Atoi(p.Key[:min(4, len(p.Key))])
	index := 0
	if i := strings.LastIndexAny(p.Key, "-WQH"); i >= 0 && i+1 < len(p.Key) {
		index, _ = strconv.Atoi(p.Key[i+1:])
	}
	switch p.Kind {
	case plan.Week:
		return pr.T("wr.period.week", index, year)
	case plan.Month:
		return pr.T("wr.period.month", index, year)
	case plan.Quarter:
		q := strconv.Itoa(index)
		if index >= 1 && index <= 4 {
			q = []string{"I", "II", "III", "IV"}[index-1]
		}
		return pr.T("wr.period.quarter", q, year)
	case plan.Half:
		if index == 2 {
			return pr.T("wr.period.h2", year)
		}
		return pr.T("wr.period.h1", year)
	case plan.Year:
		return pr.T("wr.period.year", year)
	}
	return p.Key
}

// shortName is the unit's name without the committee's: "phường Phan
// Đình Phùng".
func shortName(u plan.Unit, pr *i18n.Printer) string {
	return strings.TrimPrefix(bodyName(u, pr), pr.T("wr.committee")+" ")
}

// bodyName is the unit's name as an issuing body: "UBND phường Phan Đình
// Phùng" becomes "Ủy ban nhân dân phường Phan Đình Phùng". It always
// starts with the committee's name and a space.
func bodyName(u plan.Unit, pr *i18n.Printer) string {
	committee := pr.T("wr.committee")
	name := strings.TrimSpace(docx.Clean(u.Name))
	for _, prefix := range []string{"UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "} {
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			name = strings.TrimSpace(name[len(prefix):])
			break
		}
	}
	if name == "" {
		name = pr.T("wr.blank")
	}
	return committee + " " + name
}

// parentLine is the line above the issuing body: the parent unit's name
// ("UBND tỉnh Thái Nguyên"), or a blank to fill in.
func parentLine(parent *plan.Unit, pr *i18n.Printer) string {
	if parent == nil || strings.TrimSpace(parent.Name) == "" {
		return pr.T("wr.parent_unknown")
	}
	return parent.Name
}

// place is the place name of the date line: the unit's name without the
// committee and the kind of unit ("Phan Đình Phùng").
func place(u plan.Unit) string {
	name := strings.TrimSpace(docx.Clean(u.Name))
	for _, prefix := range []string{"UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "} {
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			name = strings.TrimSpace(name[len(prefix):])
			break
		}
	}
	for _, kind := range []string{"phường ", "xã ", "thị trấn ", "đặc khu ", "tỉnh ", "thành phố "} {
		if len(name) >= len(kind) && strings.EqualFold(name[:len(kind)], kind) {
			name = strings.TrimSpace(name[len(kind):])
			break
		}
	}
	if name == "" {
		return "[…]"
	}
	return name
}
