// Package xlsx reads and writes the Excel workbooks of nhacviec with
// github.com/xuri/excelize/v2: the plan template (ParsePlan, Template) and
// the digest workbook (Digest).
//
// # Plan template
//
// A plan workbook holds the same content as a plan file (package
// planfile), one sheet per part. Row 1 of each sheet is the header; each
// header names its field in parentheses after a Vietnamese label, for
// example "Mã (key)", and only the part in parentheses matters, so columns
// may be reordered. Empty rows are skipped; other sheets (such as the
// instructions sheet "Hướng dẫn") are ignored.
//
//	Đơn vị     key/value rows: column A "Trường (field)" names one of
//	           unit.code, unit.name, unit.timezone, unit.parent, plan.code,
//	           plan.title, plan.year; column B "Giá trị (value)" holds it.
//	Cán bộ     key, name, position, roles, email, language
//	Phòng ban  key, name, head, members (optional sheet: departments)
//	Lĩnh vực   code, name, supervisor
//	Chỉ tiêu   area, key, text, measure, goal, comparator, owner, every
//	Nhiệm vụ   area, key, title, lead, support, due, every, due_day, start,
//	           until, note
//
// roles, members, lead and support are comma-separated lists; a lead or
// support cell names officials (key or position) or departments (key or
// name, commas inside a name kept); head, members and supervisor name
// officials; dates are written
// YYYY-MM-DD (a cell formatted as a date is accepted too); area names the
// code of a row of "Lĩnh vực". Every other rule is the plan file's: the
// workbook is turned into the equivalent plan file and validated by
// planfile.Parse, and each mistake is reported by sheet and cell:
//
//	plan.xlsx: Nhiệm vụ!D7: lead: unknown official "tu-phapp"
//
// # Digest workbook
//
// Digest writes a period's digest as a workbook with four sheets: the
// summary (the four statuses per area, the totals and the on-time rate),
// the tasks (one line per occurrence: status, due date, lead, progress,
// days overdue), the targets (goal against the latest reading, met or not)
// and the officials who have not reported.
package xlsx
