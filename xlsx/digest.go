package xlsx

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// The sheet names of the digest workbook.
const (
	sheetSummary = "workbook.sheet.summary"
	sheetTasks   = "workbook.sheet.tasks"
	sheetTargets = "workbook.sheet.targets"
	sheetMissing = "workbook.sheet.missing"
	// sheetDepartments is written only for a unit with departments.
	sheetDepartments = "workbook.sheet.departments"
)

// DepartmentSheet returns the name of the digest workbook's sheet by
// department in the language of pr.
func DepartmentSheet(pr *i18n.Printer) string { return pr.T(sheetDepartments) }

// DigestSheets returns the names of the digest workbook's sheets in the
// language of pr: summary, tasks, targets and missing reports.
func DigestSheets(pr *i18n.Printer) (summary, tasks, targets, missing string) {
	return pr.T(sheetSummary), pr.T(sheetTasks), pr.T(sheetTargets), pr.T(sheetMissing)
}

// The column headers of the digest workbook.
const (
	hArea       = "workbook.col.area"
	hAreaName   = "workbook.col.area_name"
	hDepartment = "workbook.col.department"
	hDepName    = "workbook.col.department_name"
	hAssignee   = "workbook.col.assignee"
	// hOriginalDue heads the plan's due date of an extended task.
	hOriginalDue = "xlsx.ext.original_due"
	hTotal       = "workbook.col.total"
	hRate        = "workbook.col.rate"
	hTotalRow    = "workbook.col.total_row"
	hTask        = "workbook.col.task"
	hOccurrence  = "workbook.col.occurrence"
	hTitle       = "workbook.col.title"
	hLead        = "workbook.col.lead"
	hDue         = "workbook.col.due"
	hStatus      = "workbook.col.status"
	hProgress    = "workbook.col.progress"
	hOverdue     = "workbook.col.overdue"
	hCarried     = "workbook.col.carried"
	hLastReport  = "workbook.col.last_report"
	hTarget      = "workbook.col.target"
	hText        = "workbook.col.text"
	hOwner       = "workbook.col.owner"
	hMeasure     = "workbook.col.measure"
	hComparator  = "workbook.col.comparator"
	hGoal        = "workbook.col.goal"
	hActual      = "workbook.col.actual"
	hPeriod      = "workbook.col.period"
	hMet         = "workbook.col.met"
	hKind        = "workbook.col.kind"
	hJudgement   = "workbook.col.judgement"
	hRateNone    = "workbook.rate_none"
	hOfficial    = "workbook.col.official"
	hName        = "workbook.col.name"
	hNoneMissed  = "workbook.col.none_missed"
	yes          = "workbook.yes"
	no           = "workbook.no"
)

// statuses are the four statuses in the order of the columns.
var statuses = []plan.Status{plan.DoneOnTime, plan.DoneLate, plan.OpenOnTime, plan.OpenOverdue}

// Digest writes the digest d as an .xlsx workbook in the language of pr.
// Counts, rates (as fractions formatted as percentages), progress, goals
// and readings are numeric cells; due dates are date cells.
func Digest(d *report.Digest, pr *i18n.Printer) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	w := &digestWriter{wb: wb, pr: pr}
	w.setup()
	w.summary(d)
	w.departments(d)
	w.tasks(d)
	w.extensions(d)
	w.targets(d)
	w.missing(d)
	if w.err != nil {
		return nil, fmt.Errorf("xlsx: digest %s %s: %w", d.Unit, d.Period.Key, w.err)
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	return buf.Bytes(), nil
}

// digestWriter writes the sheets of a digest workbook, keeping the first
// error.
type digestWriter struct {
	wb  *excelize.File
	pr  *i18n.Printer
	err error

	title, header, bold, percent, boldPercent, date, wrap int // style ids
}

func (w *digestWriter) check(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

func (w *digestWriter) style(s *excelize.Style) int {
	id, err := w.wb.NewStyle(s)
	w.check(err)
	return id
}

// setup makes the styles.
func (w *digestWriter) setup() {
	dateFmt := "dd/mm/yyyy"
	w.title = w.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	w.header = w.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	w.bold = w.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	w.percent = w.style(&excelize.Style{NumFmt: 10}) // 0.00%
	w.boldPercent = w.style(&excelize.Style{NumFmt: 10, Font: &excelize.Font{Bold: true}})
	w.date = w.style(&excelize.Style{CustomNumFmt: &dateFmt})
	w.wrap = w.style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
}

// cell returns the name of the cell at column col, row r (1-based).
func cell(col, r int) string {
	name, _ := excelize.CoordinatesToCellName(col, r)
	return name
}

// row writes values from column 1 of row r.
func (w *digestWriter) row(sheet string, r int, values ...any) {
	w.check(w.wb.SetSheetRow(sheet, cell(1, r), &values))
}

// headerRow writes a header row r with column widths.
func (w *digestWriter) headerRow(sheet string, r int, cols []i18n.Key, widths []float64) {
	values := make([]any, len(cols))
	for i, c := range cols {
		values[i] = w.pr.T(c)
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(w.wb.SetColWidth(sheet, name, name, widths[i]))
	}
	w.row(sheet, r, values...)
	w.check(w.wb.SetCellStyle(sheet, cell(1, r), cell(len(cols), r), w.header))
	w.check(w.wb.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: r, TopLeftCell: cell(1, r+1), ActivePane: "bottomLeft"}))
}

// summary writes the summary sheet: a title, then one row per area with the
// four statuses, the total and the on-time rate, then the totals.
func (w *digestWriter) summary(d *report.Digest) {
	sheet := w.pr.T(sheetSummary)
	w.check(w.wb.SetSheetName("Sheet1", sheet))
	w.row(sheet, 1, w.pr.T("digest.title", message.PeriodLabel(d.PeriodValue(), w.pr)))
	w.check(w.wb.SetCellStyle(sheet, "A1", "A1", w.title))
	asOf := d.AsOfTime()
	w.row(sheet, 2, w.pr.T("digest.unit_as_of", d.UnitName, asOf.Format("15:04")+" "+message.FormatDate(plan.DateOf(asOf))))

	cols := []i18n.Key{hArea, hAreaName}
	for _, s := range statuses {
		cols = append(cols, i18n.Key("status."+string(s)))
	}
	cols = append(cols, hTotal, hRate)
	w.headerRow(sheet, 4, cols, []float64{10, 50, 14, 14, 14, 14, 10, 22})
	r := 5
	line := func(code, name string, t report.Totals) {
		// Nothing due, nothing done: no rate, rather than a rate of 0.
		var rate any = w.pr.T(hRateNone)
		if report.Judged(t) {
			rate = t.OnTimeRate
		}
		w.row(sheet, r, code, name, t.DoneOnTime, t.DoneLate, t.OpenOnTime, t.OpenOverdue, t.Total, rate)
		w.check(w.wb.SetCellStyle(sheet, cell(8, r), cell(8, r), w.percent))
		r++
	}
	for _, a := range d.ByArea {
		line(a.Code, a.Name, a.Totals)
	}
	line(w.pr.T(hTotalRow), "", d.Totals)
	w.check(w.wb.SetCellStyle(sheet, cell(1, r-1), cell(7, r-1), w.bold))
	w.check(w.wb.SetCellStyle(sheet, cell(8, r-1), cell(8, r-1), w.boldPercent))
}

// departments writes, for a unit with departments, one row per department
// with the four statuses of the tasks it leads, the total and the on-time
// rate.
func (w *digestWriter) departments(d *report.Digest) {
	if len(d.ByDepartment) == 0 {
		return
	}
	sheet := w.pr.T(sheetDepartments)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	cols := []i18n.Key{hDepartment, hDepName}
	for _, s := range statuses {
		cols = append(cols, i18n.Key("status."+string(s)))
	}
	cols = append(cols, hTotal, hRate)
	w.headerRow(sheet, 1, cols, []float64{14, 50, 14, 14, 14, 14, 10, 22})
	for i, dep := range d.ByDepartment {
		r, t := i+2, dep.Totals
		var rate any = w.pr.T(hRateNone)
		if report.Judged(t) {
			rate = t.OnTimeRate
		}
		w.row(sheet, r, dep.Key, dep.Name, t.DoneOnTime, t.DoneLate, t.OpenOnTime, t.OpenOverdue, t.Total, rate)
		w.check(w.wb.SetCellStyle(sheet, cell(8, r), cell(8, r), w.percent))
	}
}

// tasks writes one row per occurrence of the digest.
func (w *digestWriter) tasks(d *report.Digest) {
	sheet := w.pr.T(sheetTasks)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []i18n.Key{hTask, hOccurrence, hTitle, hArea, hLead, hDue, hStatus, hProgress, hOverdue, hCarried, hLastReport, hAssignee, hOriginalDue},
		[]float64{22, 12, 60, 10, 30, 12, 24, 10, 10, 10, 40, 30, 14})
	for i, t := range d.Tasks {
		r := i + 2
		last := ""
		if t.LastReport != nil {
			last = *t.LastReport
		}
		carried := w.pr.T(no)
		if t.CarriedOver {
			carried = w.pr.T(yes)
		}
		due := time.Date(t.Due.Year, t.Due.Month, t.Due.Day, 0, 0, 0, 0, time.UTC)
		var original any = ""
		if t.OriginalDue != nil {
			original = dateCell(*t.OriginalDue)
		}
		w.row(sheet, r, t.Key, t.Occurrence, t.Title, t.Area, t.LeadName, due,
			message.StatusName(w.pr, plan.Status(t.Status)), t.Progress, t.DaysOverdue, carried, last, t.AssigneeName, original)
		w.check(w.wb.SetCellStyle(sheet, cell(6, r), cell(6, r), w.date))
		w.check(w.wb.SetCellStyle(sheet, cell(13, r), cell(13, r), w.date))
		w.check(w.wb.SetCellStyle(sheet, cell(3, r), cell(3, r), w.wrap))
	}
	if len(d.Tasks) > 0 {
		w.check(w.wb.AutoFilter(sheet, "A1:"+cell(13, len(d.Tasks)+1), nil))
	}
}

// dateCell is d as a date cell's value.
func dateCell(d plan.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// extensions writes, when the digest's tasks have extension requests, the
// sheet "Gia hạn": one row per request with its decision and who made it.
func (w *digestWriter) extensions(d *report.Digest) {
	if len(d.Extensions) == 0 {
		return
	}
	sheet := w.pr.T("xlsx.ext.sheet")
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []i18n.Key{"xlsx.ext.task", "xlsx.ext.period", hTitle, "xlsx.ext.requester", "xlsx.ext.asked",
		"xlsx.ext.from", "xlsx.ext.to", "xlsx.ext.reason", "xlsx.ext.status", "xlsx.ext.decider", "xlsx.ext.decided", "xlsx.ext.new_due"},
		[]float64{22, 12, 50, 30, 18, 12, 12, 40, 22, 30, 18, 12})
	stamp := "dd/mm/yyyy hh:mm"
	stampStyle := w.style(&excelize.Style{CustomNumFmt: &stamp})
	local := func(t time.Time) time.Time {
		t = t.In(d.AsOfTime().Location())
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	}
	for i, e := range d.Extensions {
		r := i + 2
		var decider, decided, newDue any = "", "", ""
		if e.DecidedByName != nil {
			decider = *e.DecidedByName
		}
		if e.DecidedAt != nil {
			decided = local(*e.DecidedAt)
		}
		if e.DecidedDue != nil {
			newDue = dateCell(*e.DecidedDue)
		}
		w.row(sheet, r, e.TaskKey, e.Occurrence, e.Title, e.RequesterName, local(e.RequestedAt),
			dateCell(e.CurrentDue), dateCell(e.RequestedDue), e.Reason, message.ExtensionStatus(w.pr, e.Status),
			decider, decided, newDue)
		w.check(w.wb.SetCellStyle(sheet, cell(5, r), cell(5, r), stampStyle))
		w.check(w.wb.SetCellStyle(sheet, cell(6, r), cell(7, r), w.date))
		w.check(w.wb.SetCellStyle(sheet, cell(11, r), cell(11, r), stampStyle))
		w.check(w.wb.SetCellStyle(sheet, cell(12, r), cell(12, r), w.date))
		w.check(w.wb.SetCellStyle(sheet, cell(3, r), cell(3, r), w.wrap))
	}
}

// targets writes one row per target: goal against the latest reading.
func (w *digestWriter) targets(d *report.Digest) {
	sheet := w.pr.T(sheetTargets)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []i18n.Key{hTarget, hText, hArea, hOwner, hMeasure, hComparator, hGoal, hActual, hPeriod, hMet, hKind, hJudgement},
		[]float64{22, 60, 10, 16, 10, 8, 10, 10, 12, 8, 16, 20})
	for i, t := range d.Targets {
		r := i + 2
		var actual any = ""
		if t.Actual != nil {
			actual = *t.Actual
		}
		met := w.pr.T(no)
		if t.Met {
			met = w.pr.T(yes)
		}
		w.row(sheet, r, t.Key, t.Text, t.Area, t.Owner, t.Measure, message.ComparatorSign(t.Comparator), t.Goal, actual, t.Period, met,
			message.TargetKindLabel(t.Kind, w.pr), message.JudgementLabel(plan.Judgement(t.Judgement), w.pr))
		w.check(w.wb.SetCellStyle(sheet, cell(2, r), cell(2, r), w.wrap))
	}
}

// missing writes the officials who did not report within the period.
func (w *digestWriter) missing(d *report.Digest) {
	sheet := w.pr.T(sheetMissing)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []i18n.Key{hOfficial, hName}, []float64{20, 60})
	names := make(map[string]string, len(d.ByOfficial))
	for _, o := range d.ByOfficial {
		names[o.Key] = o.Name
	}
	for i, key := range d.MissingReports {
		w.row(sheet, i+2, key, names[key])
	}
	if len(d.MissingReports) == 0 {
		w.row(sheet, 2, w.pr.T(hNoneMissed))
	}
}
