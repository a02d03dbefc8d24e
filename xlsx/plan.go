package xlsx

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
)

// Error is one mistake in a plan workbook, located by sheet and cell.
type Error struct {
	File  string // the name given to ParsePlan
	Sheet string // "" when the mistake is about the whole workbook
	Cell  string // "D7"; "" when the mistake is about the whole sheet
	Field string // the column's field, e.g. lead; may be empty
	Msg   string
}

// Error formats the mistake as file: sheet!cell: field: message.
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Sheet != "" {
		b.WriteString(e.Sheet)
		if e.Cell != "" {
			b.WriteString("!" + e.Cell)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every mistake found in a plan workbook, in sheet, row and
// column order. ParsePlan returns it as its error; it is never empty when
// returned.
type Errors []Error

// Error joins the mistakes, one a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sheetOrder orders the mistakes by sheet.
var sheetOrder = []string{"", SheetUnit, SheetOfficials, SheetDepartments, SheetAreas, SheetTargets, SheetTasks}

// ParsePlan reads the plan workbook data (see the package documentation)
// and validates it as planfile.Parse validates a plan file; name is used in
// messages. It returns either the File or, when anything is wrong, an
// Errors listing every mistake by sheet and cell.
func ParsePlan(name string, data []byte) (*planfile.File, error) {
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, Errors{{File: name, Msg: fmt.Sprintf("not an Excel workbook (.xlsx): %v", err)}}
	}
	defer wb.Close()
	c := &converter{name: name, wb: wb}
	yml := c.convert()
	if len(c.errs) == 0 {
		f, err := planfile.Parse(name, yml)
		if err == nil {
			return f, nil
		}
		var perrs planfile.Errors
		if !errors.As(err, &perrs) {
			return nil, fmt.Errorf("xlsx: %s: %w", name, err)
		}
		for _, pe := range perrs {
			c.errs = append(c.errs, c.locate(pe))
		}
	}
	slices.SortStableFunc(c.errs, func(a, b Error) int {
		if v := cmp.Compare(slices.Index(sheetOrder, a.Sheet), slices.Index(sheetOrder, b.Sheet)); v != 0 {
			return v
		}
		ar, ac := cellOrder(a.Cell)
		br, bc := cellOrder(b.Cell)
		if v := cmp.Compare(ar, br); v != 0 {
			return v
		}
		return cmp.Compare(ac, bc)
	})
	return nil, c.errs
}

// cellOrder returns the row and column of a cell name, zeros when empty.
func cellOrder(cell string) (row, col int) {
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return 0, 0
	}
	return row, col
}

// record is where the values of one mapping of the equivalent plan file
// come from: a row of a sheet, with the column of each field.
type record struct {
	sheet string
	row   int
	cols  map[string]int // field → 1-based column
}

// cell returns the name of the cell of field in the record's row, or of its
// first column when the sheet has no such column.
func (r *record) cell(field string) string {
	col, ok := r.cols[field]
	if !ok {
		col = 1
		if c, ok := r.cols["key"]; ok {
			col = c
		}
	}
	name, err := excelize.CoordinatesToCellName(col, r.row)
	if err != nil {
		return ""
	}
	return name
}

// converter turns a workbook into the text of the equivalent plan file,
// remembering where each line comes from.
type converter struct {
	name  string
	wb    *excelize.File
	errs  Errors
	yaml  bytes.Buffer
	lines []*record // lines[i] is the source of line i+1 of yaml

	unitCells map[string]string // unit.code → B2
	planYear  int               // plan.year when it is a number, else 0
}

func (c *converter) errorf(sheet, cell, field, format string, args ...any) {
	c.errs = append(c.errs, Error{File: c.name, Sheet: sheet, Cell: cell, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// line appends one line of YAML from the record src.
func (c *converter) line(src *record, format string, args ...any) {
	fmt.Fprintf(&c.yaml, format+"\n", args...)
	c.lines = append(c.lines, src)
}

// fieldPattern finds the field name in a header: "Mã (key)" → key.
var fieldPattern = regexp.MustCompile(`\(([a-z_.]+)\)\s*$`)

// headerField returns the field a header cell names.
func headerField(s string) string {
	s = strings.TrimSpace(s)
	if m := fieldPattern.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return strings.ToLower(s)
}

// row is one non-empty data row of a list sheet.
type row struct {
	rec    *record
	values map[string]string // field → trimmed cell text
}

// readSheet reads the list sheet def: its header and its non-empty rows.
// dates names the columns holding dates.
func (c *converter) readSheet(def sheetDef) []row {
	if idx, _ := c.wb.GetSheetIndex(def.name); idx < 0 {
		if def.optional {
			return nil
		}
		c.errorf("", "", "", "missing sheet %q (the template has %s, %s, %s, %s and %s)",
			def.name, SheetUnit, SheetOfficials, SheetAreas, SheetTargets, SheetTasks)
		return nil
	}
	rows, err := c.wb.GetRows(def.name, excelize.Options{RawCellValue: true})
	if err != nil {
		c.errorf(def.name, "", "", "cannot read the sheet: %v", err)
		return nil
	}
	if len(rows) == 0 {
		c.errorf(def.name, "A1", "", "missing header row")
		return nil
	}
	known := make(map[string]bool, len(def.columns))
	for _, col := range def.columns {
		known[col.field] = true
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f := headerField(h)
		switch {
		case !known[f]:
			names := make([]string, len(def.columns))
			for j, col := range def.columns {
				names[j] = col.field
			}
			c.errorf(def.name, cell, "", "unknown column %q (known: %s)", h, strings.Join(names, ", "))
		case cols[f] != 0:
			first, _ := excelize.ColumnNumberToName(cols[f])
			c.errorf(def.name, cell, "", "column %s repeated (first in column %s)", f, first)
		default:
			cols[f] = i + 1
		}
	}
	var out []row
	for i, cells := range rows[1:] {
		r := row{rec: &record{sheet: def.name, row: i + 2, cols: cols}, values: map[string]string{}}
		for f, col := range cols {
			if col-1 < len(cells) {
				if v := strings.TrimSpace(cells[col-1]); v != "" {
					r.values[f] = v
				}
			}
		}
		if len(r.values) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// convert reads the workbook and returns the equivalent plan file.
func (c *converter) convert() []byte {
	c.unit()
	officials := c.readSheet(officialsSheet)
	departments := c.readSheet(departmentsSheet)
	areas := c.readSheet(areasSheet)
	targets := c.readSheet(targetsSheet)
	tasks := c.readSheet(tasksSheet)

	headOf := func(sheet string) *record { return &record{sheet: sheet, row: 1, cols: map[string]int{}} }
	if len(officials) == 0 {
		c.line(headOf(SheetOfficials), "officials: []")
	} else {
		c.line(headOf(SheetOfficials), "officials:")
	}
	for _, r := range officials {
		c.mapping(r, "  ", []field{
			{name: "key"}, {name: "name"}, {name: "position"}, {name: "roles", kind: listField},
			{name: "email"}, {name: "language"},
		})
	}

	refs := c.people(officials, departments)
	if len(departments) > 0 {
		c.line(headOf(SheetDepartments), "departments:")
	}
	for _, r := range departments {
		c.mapping(r, "  ", []field{{name: "key"}, {name: "name"}, {name: "head"}, {name: "members", kind: listField}})
	}
	for _, r := range areas {
		c.resolveCell(r, "supervisor", refs, false)
	}

	// Targets and tasks go under their area, in the order of their sheets.
	codes := map[string]bool{}
	for _, a := range areas {
		codes[a.values["code"]] = true
	}
	byArea := func(rows []row) map[string][]row {
		m := map[string][]row{}
		for _, r := range rows {
			code, ok := r.values["area"]
			switch {
			case !ok:
				c.errorf(r.rec.sheet, r.rec.cell("area"), "area", "missing the code of the area (a row of %s)", SheetAreas)
			case !codes[code]:
				c.errorf(r.rec.sheet, r.rec.cell("area"), "area", "unknown area %q (not in %s)", code, SheetAreas)
			default:
				m[code] = append(m[code], r)
			}
		}
		return m
	}
	c.targetNumbers(targets)
	c.taskWords(tasks, refs)
	targetsOf, tasksOf := byArea(targets), byArea(tasks)
	if len(areas) == 0 {
		c.line(headOf(SheetAreas), "areas: []")
	} else {
		c.line(headOf(SheetAreas), "areas:")
	}
	for _, a := range areas {
		c.mapping(a, "  ", []field{{name: "code"}, {name: "name"}, {name: "supervisor"}})
		if ts := targetsOf[a.values["code"]]; len(ts) > 0 {
			c.line(a.rec, "    targets:")
			for _, t := range ts {
				targetKindCell(t)
				c.mapping(t, "      ", []field{
					{name: "key"}, {name: "text"}, {name: "measure"}, {name: "goal", kind: numberField},
					{name: "comparator"}, {name: "owner"}, {name: "every"},
					{name: "kind"}, {name: "due", kind: dateField},
				})
			}
		}
		if ts := tasksOf[a.values["code"]]; len(ts) > 0 {
			c.line(a.rec, "    tasks:")
			for _, t := range ts {
				c.mapping(t, "      ", []field{
					{name: "key"}, {name: "title"}, {name: "lead", kind: listField}, {name: "support", kind: listField},
					{name: "due"}, {name: "every"}, {name: "due_day", kind: numberField},
					{name: "start", kind: dateField}, {name: "until", kind: dateField}, {name: "note"},
				})
			}
		}
	}
	return c.yaml.Bytes()
}

// fieldKind tells how a cell's text becomes a YAML value.
type fieldKind int

const (
	textField   fieldKind = iota // a quoted string
	numberField                  // a number when the text is one, else a string (a mistake planfile reports)
	dateField                    // YYYY-MM-DD, or an Excel date serial number turned into one
	listField                    // comma-separated strings
)

// field is one field of a mapping written from a row.
type field struct {
	name string
	kind fieldKind
}

// mapping writes the row r as one item of a YAML list, one field a line.
func (c *converter) mapping(r row, indent string, fields []field) {
	first := true
	for _, f := range fields {
		v, ok := r.values[f.name]
		if !ok {
			continue
		}
		prefix := indent + "  "
		if first {
			prefix = indent + "- "
			first = false
		}
		c.line(r.rec, "%s%s: %s", prefix, f.name, value(v, f.kind))
	}
}

// value renders a cell's text as a YAML value of the given kind.
func value(v string, kind fieldKind) string {
	switch kind {
	case numberField:
		if _, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "xXnN_") {
			return v
		}
	case dateField:
		if serial, err := strconv.ParseFloat(v, 64); err == nil && serial > 0 && serial < 2958466 {
			if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
				return quote(t.Format("2006-01-02"))
			}
		}
	case listField:
		parts := splitList(v)
		for i, p := range parts {
			parts[i] = quote(p)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return quote(v)
}

// quote returns s as a YAML double-quoted string (JSON's escapes are
// YAML's).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""`
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// unit reads the key/value sheet "Đơn vị" and writes the unit and plan
// mappings.
func (c *converter) unit() {
	c.unitCells = map[string]string{}
	values := map[string]string{}
	recs := map[string]*record{}
	sheetRec := &record{sheet: SheetUnit, row: 1, cols: map[string]int{}}
	if idx, _ := c.wb.GetSheetIndex(SheetUnit); idx < 0 {
		c.errorf("", "", "", "missing sheet %q (the template has %s, %s, %s, %s and %s)",
			SheetUnit, SheetUnit, SheetOfficials, SheetAreas, SheetTargets, SheetTasks)
	} else if rows, err := c.wb.GetRows(SheetUnit, excelize.Options{RawCellValue: true}); err != nil {
		c.errorf(SheetUnit, "", "", "cannot read the sheet: %v", err)
	} else {
		known := map[string]bool{}
		for _, r := range unitRows {
			known[r.field] = true
		}
		for i, cells := range rows {
			if i == 0 || len(cells) == 0 || strings.TrimSpace(cells[0]) == "" {
				continue
			}
			n := i + 1
			f := headerField(cells[0])
			switch {
			case !known[f]:
				c.errorf(SheetUnit, "A"+strconv.Itoa(n), "", "unknown field %q (known: unit.code, unit.name, unit.timezone, unit.parent, plan.code, plan.title, plan.year)", cells[0])
				continue
			case recs[f] != nil:
				c.errorf(SheetUnit, "A"+strconv.Itoa(n), "", "field %s repeated (first in row %d)", f, recs[f].row)
				continue
			}
			recs[f] = &record{sheet: SheetUnit, row: n, cols: map[string]int{strings.SplitN(f, ".", 2)[1]: 2}}
			c.unitCells[f] = "B" + strconv.Itoa(n)
			if len(cells) > 1 && strings.TrimSpace(cells[1]) != "" {
				values[f] = strings.TrimSpace(cells[1])
			}
			if f == "plan.year" {
				c.planYear, _ = strconv.Atoi(values[f])
			}
		}
	}
	for _, part := range []string{"unit", "plan"} {
		c.line(sheetRec, "%s:", part)
		empty := true
		for _, r := range unitRows {
			prefix, name, _ := strings.Cut(r.field, ".")
			v, ok := values[r.field]
			if prefix != part || !ok {
				continue
			}
			kind := textField
			if r.field == "plan.year" {
				kind = numberField
			}
			c.line(recs[r.field], "  %s: %s", name, value(v, kind))
			empty = false
		}
		if empty {
			c.line(sheetRec, "  {}")
		}
	}
}

// firstAt finds the line of a first definition in a message about a
// duplicate: "(first at line 12)".
// "(first at line 12)", or to another definition: "(line 12)".
var firstAt = regexp.MustCompile(`\((first at )?line (\d+)\)`)

// locate turns a mistake in the equivalent plan file into one in the
// workbook.
func (c *converter) locate(pe planfile.Error) Error {
	e := Error{File: c.name, Msg: firstAt.ReplaceAllStringFunc(pe.Msg, func(s string) string {
		m := firstAt.FindStringSubmatch(s)
		n, err := strconv.Atoi(m[2])
		if err != nil || n < 1 || n > len(c.lines) {
			return s
		}
		if m[1] == "" {
			return fmt.Sprintf("(sheet %s, row %d)", c.lines[n-1].sheet, c.lines[n-1].row)
		}
		return fmt.Sprintf("(first in row %d)", c.lines[n-1].row)
	})}
	// The field is the last part of the path, without its index:
	// areas[1].tasks[3].support[0] → support.
	path := pe.Field
	if i := strings.LastIndex(path, "."); i >= 0 {
		path = path[i+1:]
	}
	name, _, _ := strings.Cut(path, "[")
	switch {
	case strings.HasPrefix(pe.Field, "unit.") || strings.HasPrefix(pe.Field, "plan."):
		e.Sheet, e.Field = SheetUnit, pe.Field
		e.Cell = c.unitCells[pe.Field]
		return e
	case pe.Field == "unit" || pe.Field == "plan":
		e.Sheet = SheetUnit
		return e
	}
	if pe.Line < 1 || pe.Line > len(c.lines) {
		return e
	}
	rec := c.lines[pe.Line-1]
	e.Sheet = rec.sheet
	if rec.row == 1 {
		// A sheet without rows ("list at least one official").
		return e
	}
	if _, ok := rec.cols[name]; ok {
		e.Field = name
	}
	e.Cell = rec.cell(name)
	return e
}

// targetNumbers reads the goals of the targets as the cells show them: 80
// for 80% typed in a percent-formatted cell (stored as 0.8), 95 for "95%"
// typed as text.
func (c *converter) targetNumbers(targets []row) {
	for _, r := range targets {
		v, ok := r.values["goal"]
		if !ok {
			continue
		}
		if n, ok := CellNumber(v, PercentCell(c.wb, r.rec.sheet, r.rec.cell("goal"))); ok {
			r.values["goal"] = n
		}
	}
}

// taskWords turns what offices type in the tasks sheet into plan-file
// values: deadline phrases in Hạn and Định kỳ ("Quý I/2026", "Thường
// xuyên", "Hàng tháng, trước ngày 15"), positions in Chủ trì and Phối hợp
// ("Chủ tịch"), several officials in one Phối hợp cell. What it cannot read
// is a mistake located by its cell.
func (c *converter) taskWords(tasks []row, refs people) {
	for _, r := range tasks {
		c.taskDeadline(r)
		c.resolveCell(r, "lead", refs, true)
		c.resolveCell(r, "support", refs, true)
	}
}

// people is what a cell naming officials or departments may name: the
// officials of the officials sheet and the departments of the departments
// sheet.
type people struct {
	officials   []official
	departments []department
}

// people reads the officials and departments sheets' rows for resolving
// cells, and resolves the head and members cells of the departments.
func (c *converter) people(officialRows, departmentRows []row) people {
	var p people
	for _, o := range officialRows {
		p.officials = append(p.officials, official{key: o.values["key"], position: o.values["position"], roles: o.values["roles"]})
	}
	for _, d := range departmentRows {
		p.departments = append(p.departments, department{key: d.values["key"], name: d.values["name"]})
	}
	officialsOnly := people{officials: p.officials}
	for _, d := range departmentRows {
		c.resolveCell(d, "head", officialsOnly, false)
		c.resolveCell(d, "members", officialsOnly, true)
	}
	return p
}

// resolveCell turns the names in the cell field of r (official keys or
// positions, department keys or names; several when list) into keys.
func (c *converter) resolveCell(r row, field string, refs people, list bool) {
	v, ok := r.values[field]
	if !ok {
		return
	}
	names := []string{v}
	if list {
		names = refs.splitNames(v)
	}
	var keys []string
	for _, name := range names {
		key, err := refs.resolve(name)
		if err != nil {
			c.errorf(r.rec.sheet, r.rec.cell(field), field, "%v", err)
			continue
		}
		keys = append(keys, key)
	}
	r.values[field] = strings.Join(keys, ", ")
	if len(keys) == 0 {
		delete(r.values, field)
	}
}

// taskDeadline reads the Hạn (due), Định kỳ (every) and Ngày hạn trong kỳ
// (due_day) cells of a task row as phrases and writes back plan-file
// values. A cadence without a day is due on Friday (weekly) or on the last
// day of the period.
func (c *converter) taskDeadline(r row) {
	var d deadline
	for _, f := range []string{"due", "every"} {
		v, ok := r.values[f]
		if !ok {
			continue
		}
		if serial, err := strconv.ParseFloat(v, 64); err == nil && len(v) != 4 && serial > 0 && serial < 2958466 {
			// An Excel date serial number.
			if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
				v = t.Format("2006-01-02")
			}
		}
		got, err := parseDeadline(v, c.planYear)
		if err != nil {
			c.errorf(r.rec.sheet, r.rec.cell(f), f, "%v", err)
			return
		}
		if got.due != "" {
			if d.due != "" && d.due != got.due {
				c.errorf(r.rec.sheet, r.rec.cell(f), f, "deadline %s here and %s in Hạn: write one", got.due, d.due)
				return
			}
			d.due = got.due
		}
		if got.every != "" {
			if d.every != "" && d.every != got.every {
				c.errorf(r.rec.sheet, r.rec.cell(f), f, "cadence %s here and %s in Hạn: write one", got.every, d.every)
				return
			}
			d.every = got.every
		}
		if got.dueDay != 0 {
			d.dueDay = got.dueDay
		}
		delete(r.values, f)
	}
	if d.due != "" && d.every != "" {
		c.errorf(r.rec.sheet, r.rec.cell("due"), "due", "a deadline (%s) and a cadence (%s): a task is one-off (Hạn) or recurring (Định kỳ), not both", d.due, d.every)
		return
	}
	if d.due != "" {
		r.values["due"] = d.due
	}
	if d.every != "" {
		r.values["every"] = string(d.every)
	}
	if d.dueDay != 0 {
		if v, ok := r.values["due_day"]; ok && v != strconv.Itoa(d.dueDay) {
			c.errorf(r.rec.sheet, r.rec.cell("due_day"), "due_day", "due day %s here and %d in the deadline phrase: write one", v, d.dueDay)
			return
		}
		if d.every == "" {
			c.errorf(r.rec.sheet, r.rec.cell("due"), "due", "a due day (ngày %d) needs a cadence: write e.g. \"Hàng tháng, trước ngày 15\"", d.dueDay)
			return
		}
		r.values["due_day"] = strconv.Itoa(d.dueDay)
	}
	if _, ok := r.values["due_day"]; !ok && d.every != "" {
		if d.every == plan.Weekly {
			r.values["due_day"] = "5"
		} else {
			r.values["due_day"] = "-1"
		}
	}
}
