package xlsx

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// label is a text of the digest workbook in both languages.
type label struct{ vi, en string }

// in returns the label in the printer's language.
func (l label) in(pr *i18n.Printer) string {
	if pr.Lang() == i18n.EN {
		return l.en
	}
	return l.vi
}

// The sheet names of the digest workbook.
var (
	sheetSummary = label{"Tổng hợp", "Summary"}
	sheetTasks   = label{"Nhiệm vụ", "Tasks"}
	sheetTargets = label{"Chỉ tiêu", "Targets"}
	sheetMissing = label{"Chưa báo cáo", "Missing reports"}
)

// DigestSheets returns the names of the digest workbook's sheets in the
// language of pr: summary, tasks, targets and missing reports.
func DigestSheets(pr *i18n.Printer) (summary, tasks, targets, missing string) {
	return sheetSummary.in(pr), sheetTasks.in(pr), sheetTargets.in(pr), sheetMissing.in(pr)
}

// The column headers of the digest workbook.
var (
	hArea       = label{"Lĩnh vực", "Area"}
	hAreaName   = label{"Tên lĩnh vực", "Area name"}
	hTotal      = label{"Tổng số", "Total"}
	hRate       = label{"Tỷ lệ đúng hạn", "On-time rate"}
	hTotalRow   = label{"Tổng cộng", "Total"}
	hTask       = label{"Mã nhiệm vụ", "Task"}
	hOccurrence = label{"Kỳ", "Occurrence"}
	hTitle      = label{"Tên nhiệm vụ", "Title"}
	hLead       = label{"Chủ trì", "Lead"}
	hDue        = label{"Hạn", "Due"}
	hStatus     = label{"Trạng thái", "Status"}
	hProgress   = label{"Tiến độ (%)", "Progress (%)"}
	hOverdue    = label{"Số ngày quá hạn", "Days overdue"}
	hCarried    = label{"Chuyển từ kỳ trước", "Carried over"}
	hLastReport = label{"Báo cáo gần nhất", "Last report"}
	hTarget     = label{"Mã chỉ tiêu", "Target"}
	hText       = label{"Nội dung", "Text"}
	hOwner      = label{"Người báo cáo", "Owner"}
	hMeasure    = label{"Đơn vị đo", "Measure"}
	hComparator = label{"So sánh", "Comparator"}
	hGoal       = label{"Mục tiêu", "Goal"}
	hActual     = label{"Kết quả", "Actual"}
	hPeriod     = label{"Kỳ số liệu", "Reading period"}
	hMet        = label{"Đạt", "Met"}
	hOfficial   = label{"Mã cán bộ", "Official"}
	hName       = label{"Họ và tên", "Name"}
	hNoneMissed = label{"Tất cả cán bộ, công chức đã báo cáo trong kỳ.", "Every official reported this period."}
	yes         = label{"Có", "Yes"}
	no          = label{"Không", "No"}
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
	w.tasks(d)
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
func (w *digestWriter) headerRow(sheet string, r int, cols []label, widths []float64) {
	values := make([]any, len(cols))
	for i, c := range cols {
		values[i] = c.in(w.pr)
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(w.wb.SetColWidth(sheet, name, name, widths[i]))
	}
	w.row(sheet, r, values...)
	w.check(w.wb.SetCellStyle(sheet, cell(1, r), cell(len(cols), r), w.header))
	w.check(w.wb.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: r, TopLeftCell: cell(1, r+1), ActivePane: "bottomLeft"}))
}

// statusName is the status's name, as in the text digest.
func (w *digestWriter) statusName(s plan.Status) string {
	return w.pr.T(i18n.Key("status." + string(s)))
}

// summary writes the summary sheet: a title, then one row per area with the
// four statuses, the total and the on-time rate, then the totals.
func (w *digestWriter) summary(d *report.Digest) {
	sheet := sheetSummary.in(w.pr)
	w.check(w.wb.SetSheetName("Sheet1", sheet))
	w.row(sheet, 1, w.pr.T("digest.title", report.PeriodLabel(d.PeriodValue(), w.pr)))
	w.check(w.wb.SetCellStyle(sheet, "A1", "A1", w.title))
	asOf := d.AsOfTime()
	w.row(sheet, 2, w.pr.T("digest.unit_as_of", d.UnitName, asOf.Format("15:04")+" "+report.FormatDate(plan.DateOf(asOf))))

	cols := []label{hArea, hAreaName}
	for _, s := range statuses {
		name := w.statusName(s)
		cols = append(cols, label{name, name})
	}
	cols = append(cols, hTotal, hRate)
	w.headerRow(sheet, 4, cols, []float64{10, 50, 14, 14, 14, 14, 10, 14})
	r := 5
	line := func(code, name string, t report.Totals) {
		w.row(sheet, r, code, name, t.DoneOnTime, t.DoneLate, t.OpenOnTime, t.OpenOverdue, t.Total, t.OnTimeRate)
		w.check(w.wb.SetCellStyle(sheet, cell(8, r), cell(8, r), w.percent))
		r++
	}
	for _, a := range d.ByArea {
		line(a.Code, a.Name, a.Totals)
	}
	line(hTotalRow.in(w.pr), "", d.Totals)
	w.check(w.wb.SetCellStyle(sheet, cell(1, r-1), cell(7, r-1), w.bold))
	w.check(w.wb.SetCellStyle(sheet, cell(8, r-1), cell(8, r-1), w.boldPercent))
}

// tasks writes one row per occurrence of the digest.
func (w *digestWriter) tasks(d *report.Digest) {
	sheet := sheetTasks.in(w.pr)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []label{hTask, hOccurrence, hTitle, hArea, hLead, hDue, hStatus, hProgress, hOverdue, hCarried, hLastReport},
		[]float64{22, 12, 60, 10, 30, 12, 24, 10, 10, 10, 40})
	for i, t := range d.Tasks {
		r := i + 2
		last := ""
		if t.LastReport != nil {
			last = *t.LastReport
		}
		carried := no.in(w.pr)
		if t.CarriedOver {
			carried = yes.in(w.pr)
		}
		due := time.Date(t.Due.Year, t.Due.Month, t.Due.Day, 0, 0, 0, 0, time.UTC)
		w.row(sheet, r, t.Key, t.Occurrence, t.Title, t.Area, t.LeadName, due,
			w.statusName(plan.Status(t.Status)), t.Progress, t.DaysOverdue, carried, last)
		w.check(w.wb.SetCellStyle(sheet, cell(6, r), cell(6, r), w.date))
		w.check(w.wb.SetCellStyle(sheet, cell(3, r), cell(3, r), w.wrap))
	}
	if len(d.Tasks) > 0 {
		w.check(w.wb.AutoFilter(sheet, "A1:"+cell(11, len(d.Tasks)+1), nil))
	}
}

// targets writes one row per target: goal against the latest reading.
func (w *digestWriter) targets(d *report.Digest) {
	sheet := sheetTargets.in(w.pr)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []label{hTarget, hText, hArea, hOwner, hMeasure, hComparator, hGoal, hActual, hPeriod, hMet},
		[]float64{22, 60, 10, 16, 10, 8, 10, 10, 12, 8})
	for i, t := range d.Targets {
		r := i + 2
		var actual any = ""
		if t.Actual != nil {
			actual = *t.Actual
		}
		met := no.in(w.pr)
		if t.Met {
			met = yes.in(w.pr)
		}
		w.row(sheet, r, t.Key, t.Text, t.Area, t.Owner, t.Measure, report.ComparatorSign(t.Comparator), t.Goal, actual, t.Period, met)
		w.check(w.wb.SetCellStyle(sheet, cell(2, r), cell(2, r), w.wrap))
	}
}

// missing writes the officials who did not report within the period.
func (w *digestWriter) missing(d *report.Digest) {
	sheet := sheetMissing.in(w.pr)
	_, err := w.wb.NewSheet(sheet)
	w.check(err)
	w.headerRow(sheet, 1, []label{hOfficial, hName}, []float64{20, 60})
	names := make(map[string]string, len(d.ByOfficial))
	for _, o := range d.ByOfficial {
		names[o.Key] = o.Name
	}
	for i, key := range d.MissingReports {
		w.row(sheet, i+2, key, names[key])
	}
	if len(d.MissingReports) == 0 {
		w.row(sheet, 2, hNoneMissed.in(w.pr))
	}
}
