package xlsx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/planfile"
)

// The sheets of the plan template.
const (
	SheetGuide     = "Hướng dẫn"
	SheetUnit      = "Đơn vị"
	SheetOfficials = "Cán bộ"
	// SheetDepartments is optional: a workbook without it has no
	// departments.
	SheetDepartments = "Phòng ban"
	SheetAreas       = "Lĩnh vực"
	SheetTargets     = "Chỉ tiêu"
	SheetTasks       = "Nhiệm vụ"
)

// column is one column of a template sheet: its field and its header label.
type column struct {
	field string
	label string
	width float64
}

// header is the text of the column's header cell: "Mã (key)".
func (c column) header() string { return c.label + " (" + c.field + ")" }

// sheetDef describes one list sheet of the template.
type sheetDef struct {
	name     string
	columns  []column
	optional bool // a workbook may leave the sheet out
}

// The list sheets, in the order they are read and written.
var (
	officialsSheet = sheetDef{SheetOfficials, []column{
		{"key", "Mã", 16},
		{"name", "Họ và tên", 36},
		{"position", "Chức vụ", 44},
		{"roles", "Vai trò", 16},
		{"email", "Thư điện tử", 28},
		{"language", "Ngôn ngữ", 12},
	}, false}
	departmentsSheet = sheetDef{SheetDepartments, []column{
		{"key", "Mã", 16},
		{"name", "Tên phòng, ban", 44},
		{"head", "Trưởng phòng, ban", 20},
		{"members", "Thành viên", 40},
	}, true}
	areasSheet = sheetDef{SheetAreas, []column{
		{"code", "Mã", 10},
		{"name", "Tên lĩnh vực", 60},
		{"supervisor", "Lãnh đạo phụ trách", 20},
	}, false}
	targetsSheet = sheetDef{SheetTargets, []column{
		{"area", "Lĩnh vực", 10},
		{"key", "Mã", 22},
		{"text", "Nội dung chỉ tiêu", 60},
		{"measure", "Đơn vị đo", 12},
		{"goal", "Mục tiêu", 10},
		{"comparator", "So sánh", 10},
		{"owner", "Người báo cáo", 16},
		{"every", "Kỳ báo cáo", 14},
		{"kind", "Loại chỉ tiêu", 16},
		{"due", "Hạn đạt", 12},
	}, false}
	tasksSheet = sheetDef{SheetTasks, []column{
		{"area", "Lĩnh vực", 10},
		{"key", "Mã", 22},
		{"title", "Tên nhiệm vụ", 60},
		{"lead", "Chủ trì", 16},
		{"support", "Phối hợp", 24},
		{"due", "Hạn", 12},
		{"every", "Định kỳ", 12},
		{"due_day", "Ngày hạn trong kỳ", 10},
		{"start", "Bắt đầu", 12},
		{"until", "Kết thúc", 12},
		{"note", "Ghi chú", 40},
	}, false}
)

// unitRow is one key/value row of the "Đơn vị" sheet.
type unitRow struct {
	field string
	label string
	note  string
}

// unitRows are the rows of the "Đơn vị" sheet.
var unitRows = []unitRow{
	{"unit.code", "Mã đơn vị", "chữ thường a-z, số và dấu gạch ngang, ví dụ pdp"},
	{"unit.name", "Tên đơn vị", ""},
	{"unit.timezone", "Múi giờ", "mặc định " + planfile.DefaultTimezone},
	{"unit.parent", "Đơn vị cấp trên", "mã đơn vị cấp trên mà đơn vị báo cáo lên (ví dụ UBND tỉnh), để trống nếu không có"},
	{"plan.code", "Số hiệu kế hoạch", ""},
	{"plan.title", "Tên kế hoạch", ""},
	{"plan.year", "Năm", ""},
}

// Columns of the "Đơn vị" sheet.
var unitColumns = []column{
	{"field", "Trường", 34},
	{"value", "Giá trị", 70},
	{"note", "Ghi chú", 60},
}

// guideLines is the text of the instructions sheet.
var guideLines = []string{
	"MẪU KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH — nhập bằng lệnh: nhacviec import kehoach.xlsx",
	"",
	"Mỗi trang tính là một phần của kế hoạch; dòng 1 là tiêu đề cột, tên trường trong ngoặc đơn (ví dụ \"Mã (key)\") là phần được đọc.",
	"Đơn vị: thông tin đơn vị và kế hoạch, mỗi dòng một trường.",
	"Cán bộ: mã (key), họ tên, chức vụ, vai trò (chairman = chủ tịch, vice_chairman = phó chủ tịch, office = văn phòng, member = thành viên, partner = cơ quan phối hợp ngoài UBND như Công an phường, Ủy ban MTTQ; nhiều vai trò cách nhau bằng dấu phẩy), thư điện tử, ngôn ngữ (vi hoặc en).",
	"Phòng ban (tuỳ chọn): mã (key, khác mọi mã cán bộ), tên phòng, ban, trưởng phòng, ban (mã cán bộ hoặc chức vụ), thành viên (nhiều mã cán bộ hoặc chức vụ); mỗi cán bộ thuộc một phòng, ban; mỗi phòng, ban phải chủ trì ít nhất một nhiệm vụ.",
	"    Nhiệm vụ của phòng, ban được nhắc trưởng phòng, ban cho đến khi trưởng phòng giao cho một thành viên.",
	"Lĩnh vực: mã và tên các lĩnh vực cải cách hành chính; lãnh đạo phụ trách (tuỳ chọn): chủ tịch hoặc một phó chủ tịch, nhận báo cáo quá hạn của lĩnh vực thay chủ tịch.",
	"Chỉ tiêu: lĩnh vực (mã), mã chỉ tiêu, nội dung, đơn vị đo (percent, count, yesno), mục tiêu, so sánh (>=, <=, =, >, <), người báo cáo (mã cán bộ), kỳ báo cáo (weekly, monthly, quarterly, half-yearly, yearly).",
	"    loại chỉ tiêu (tuỳ chọn): theo kỳ (level, mặc định), lũy kế (cumulative: số cộng dồn từ đầu năm, đánh giá theo tiến độ), cuối năm (year_end: chỉ đánh giá khi hết năm), cấp trên đánh giá (external: do cấp trên đo, như PAR INDEX, SIPAS; không nhắc người báo cáo); hạn đạt (tuỳ chọn): một ngày (YYYY-MM-DD) hoặc một kỳ (2026-Q2, 2026-H1, 2026-06, 2026).",
	"    Mục tiêu phần trăm: gõ 95, \"95%\" hoặc 95% trong ô định dạng phần trăm — đều là 95.",
	"Nhiệm vụ: lĩnh vực (mã), mã nhiệm vụ, tên, chủ trì (mã cán bộ, chức vụ như \"Chủ tịch\", mã hoặc tên phòng, ban; nhiều đơn vị cùng chủ trì thì cách nhau bằng dấu phẩy), phối hợp (nhiều cán bộ hoặc phòng, ban, cách nhau bằng dấu phẩy, chấm phẩy hoặc xuống dòng). Cơ quan phối hợp (partner) không chủ trì.",
	"    Chức vụ phải chỉ đúng một cán bộ (cột Chức vụ của trang Cán bộ); nếu nhiều người cùng chức vụ, ghi mã cán bộ.",
	"    Nhiệm vụ một lần — hạn: một ngày (2026-06-30 hoặc 30/6/2026), \"Quý I/2026\" (I–IV hoặc 1–4), \"6 tháng đầu năm 2026\", \"6 tháng cuối năm 2026\",",
	"    \"Tháng 3/2026\", \"Năm 2026\", \"Trong năm 2026\" (hạn là ngày cuối của kỳ, lùi sang ngày làm việc kế tiếp), hoặc \"Thường xuyên\" (không có hạn; chủ trì báo cáo hằng tháng).",
	"    Nhiệm vụ định kỳ — định kỳ: \"Hàng tuần\", \"Hàng tháng\", \"Hàng quý\", \"6 tháng\", \"Hàng năm\" (hoặc weekly, monthly, quarterly, half-yearly, yearly),",
	"    kèm ngày hạn: \"Hàng tháng, trước ngày 15\" (hạn ngày 14) hoặc \"ngày 5\", hay cột ngày hạn trong kỳ (thứ 1–7 với hàng tuần; ngày của tháng cuối kỳ, số âm đếm từ cuối tháng).",
	"    Không ghi ngày: hàng tuần hạn thứ Sáu, các kỳ khác hạn ngày cuối kỳ. Bắt đầu, kết thúc (tuỳ chọn; mặc định hết năm kế hoạch).",
	"Mã (key) gồm chữ thường a-z, số và dấu gạch ngang. Khi có lỗi, không có gì được ghi và mỗi lỗi được báo kèm trang tính và ô, ví dụ: Nhiệm vụ!D7.",
}

// Template writes the plan template filled with f (nil: empty) as an
// .xlsx workbook.
func Template(f *planfile.File) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	if err := wb.SetSheetName("Sheet1", SheetGuide); err != nil {
		return nil, fmt.Errorf("xlsx: template: %w", err)
	}
	w := &sheetWriter{wb: wb}
	w.guide()
	w.unit(f)
	var officials, departments, areas, targets, tasks [][]any
	if f != nil {
		for _, o := range f.Officials {
			roles := make([]string, len(o.Roles))
			for i, r := range o.Roles {
				roles[i] = string(r)
			}
			officials = append(officials, []any{o.Key, o.Name, o.Position, strings.Join(roles, ", "), o.Email, o.Language})
		}
		for _, d := range f.Departments {
			departments = append(departments, []any{d.Key, d.Name, d.Head, strings.Join(d.Members[min(1, len(d.Members)):], ", ")})
		}
		for _, a := range f.Areas {
			areas = append(areas, []any{a.Code, a.Name, a.Supervisor})
			for _, t := range a.Targets {
				targets = append(targets, []any{a.Code, t.Key, t.Text, string(t.Measure), t.Goal, string(t.Comparator), t.Owner, string(t.Every),
					string(t.Kind), dateText(t.Due.String(), t.Due.IsZero())})
			}
			for _, t := range a.Tasks {
				leads := t.Leads
				if len(leads) == 0 {
					leads = []string{t.Lead}
				}
				row := []any{a.Code, t.Key, t.Title, strings.Join(leads, ", "), strings.Join(t.Support, ", ")}
				if t.Recurring() {
					row = append(row, "", string(t.Every), t.DueDay, dateText(t.Start.String(), t.Start.IsZero()), dateText(t.Until.String(), t.Until.IsZero()))
				} else {
					due := t.Due.String()
					switch {
					case t.Ongoing:
						due = "Thường xuyên"
					case t.DuePeriod != "":
						due = t.DuePeriod
					}
					row = append(row, due, "", "", "", "")
				}
				tasks = append(tasks, append(row, t.Note))
			}
		}
	}
	w.list(officialsSheet, officials)
	w.list(departmentsSheet, departments)
	w.list(areasSheet, areas)
	w.list(targetsSheet, targets)
	w.list(tasksSheet, tasks)
	if w.err != nil {
		return nil, fmt.Errorf("xlsx: template: %w", w.err)
	}
	wb.SetActiveSheet(0)
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: template: %w", err)
	}
	return buf.Bytes(), nil
}

// dateText is s, or "" when the date is zero.
func dateText(s string, zero bool) string {
	if zero {
		return ""
	}
	return s
}

// sheetWriter writes sheets, keeping the first error.
type sheetWriter struct {
	wb     *excelize.File
	err    error
	header int // style id of header cells, 0 until made
	text   int // style id of text cells
}

func (w *sheetWriter) check(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

// styles makes the shared cell styles once.
func (w *sheetWriter) styles() {
	if w.header != 0 {
		return
	}
	var err error
	w.header, err = w.wb.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	w.check(err)
	w.text, err = w.wb.NewStyle(&excelize.Style{
		NumFmt:    49, // "@": text, so that codes and dates stay as typed
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	w.check(err)
}

// newSheet adds a sheet with the given header row, frozen.
func (w *sheetWriter) newSheet(name string, cols []column) {
	w.styles()
	_, err := w.wb.NewSheet(name)
	w.check(err)
	for i, c := range cols {
		cell, err := excelize.CoordinatesToCellName(i+1, 1)
		w.check(err)
		w.check(w.wb.SetCellStr(name, cell, c.header()))
		colName, err := excelize.ColumnNumberToName(i + 1)
		w.check(err)
		w.check(w.wb.SetColWidth(name, colName, colName, c.width))
	}
	last, err := excelize.CoordinatesToCellName(len(cols), 1)
	w.check(err)
	w.check(w.wb.SetCellStyle(name, "A1", last, w.header))
	w.check(w.wb.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
}

// guide writes the instructions sheet.
func (w *sheetWriter) guide() {
	w.check(w.wb.SetColWidth(SheetGuide, "A", "A", 160))
	for i, line := range guideLines {
		w.check(w.wb.SetCellStr(SheetGuide, "A"+strconv.Itoa(i+1), line))
	}
	style, err := w.wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	w.check(err)
	w.check(w.wb.SetCellStyle(SheetGuide, "A1", "A1", style))
}

// unit writes the "Đơn vị" sheet.
func (w *sheetWriter) unit(f *planfile.File) {
	w.newSheet(SheetUnit, unitColumns)
	values := map[string]any{}
	if f != nil {
		values = map[string]any{
			"unit.code":     f.Unit.Code,
			"unit.name":     f.Unit.Name,
			"unit.timezone": f.Unit.Timezone,
			"unit.parent":   f.Unit.Parent,
			"plan.code":     f.Plan.Code,
			"plan.title":    f.Plan.Title,
			"plan.year":     f.Plan.Year,
		}
	}
	for i, r := range unitRows {
		row := strconv.Itoa(i + 2)
		w.check(w.wb.SetCellStr(SheetUnit, "A"+row, r.label+" ("+r.field+")"))
		if v, ok := values[r.field]; ok && v != "" {
			w.check(w.wb.SetCellValue(SheetUnit, "B"+row, v))
		}
		w.check(w.wb.SetCellStr(SheetUnit, "C"+row, r.note))
	}
	w.check(w.wb.SetCellStyle(SheetUnit, "B2", "B"+strconv.Itoa(len(unitRows)), w.text))
}

// list writes a list sheet with its rows. Strings are written as text,
// numbers as numbers.
func (w *sheetWriter) list(def sheetDef, rows [][]any) {
	w.newSheet(def.name, def.columns)
	for i, row := range rows {
		for j, v := range row {
			cell, err := excelize.CoordinatesToCellName(j+1, i+2)
			w.check(err)
			switch v := v.(type) {
			case string:
				if v != "" {
					w.check(w.wb.SetCellStr(def.name, cell, v))
				}
			default:
				w.check(w.wb.SetCellValue(def.name, cell, v))
			}
		}
	}
	if len(rows) > 0 {
		last, err := excelize.CoordinatesToCellName(len(def.columns), len(rows)+1)
		w.check(err)
		w.check(w.wb.SetCellStyle(def.name, "A2", last, w.text))
	}
}
