package xlsx

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
)

// PercentCell reports whether the cell of the workbook shows its number as
// a percentage: a built-in percent format (0% or 0.00%) or a custom format
// with a % outside quotes. Excel stores 80% typed in such a cell as 0.8.
func PercentCell(wb *excelize.File, sheet, cell string) bool {
	idx, err := wb.GetCellStyle(sheet, cell)
	if err != nil || idx <= 0 {
		return false
	}
	st, err := wb.GetStyle(idx)
	if err != nil || st == nil {
		return false
	}
	if st.NumFmt == 9 || st.NumFmt == 10 {
		return true
	}
	if st.CustomNumFmt == nil {
		return false
	}
	quoted := false
	for _, r := range *st.CustomNumFmt {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '%' && !quoted:
			return true
		}
	}
	return false
}

// CellNumber returns the number a cell shows, as text: the raw value of a
// cell times 100 when the cell is percent-formatted (0.8 shown as 80% is
// 80), a number typed as text with a trailing % ("95%", "95 %") without it,
// and any other number as it is. ok is false when the text is not a number.
func CellNumber(raw string, percentCell bool) (string, bool) {
	s := strings.TrimSpace(raw)
	typedPercent := strings.HasSuffix(s, "%")
	if typedPercent {
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "xXnN_") {
		return raw, false
	}
	if percentCell && !typedPercent {
		// Rounded to 10 significant digits: 0.95 × 100 is 94.99999999999999.
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v*100, 'g', 10, 64), 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64), true
}

// deadline is what a task's deadline cells say, in plan-file terms.
type deadline struct {
	due    string       // a date, a period key or planfile.Ongoing; "" for none
	every  plan.Cadence // "" for a one-off task
	dueDay int          // 0 when no day was written
}

// The phrases of a deadline cell, as the template's notes list them.
const deadlinePhrases = `"Hàng tuần", "Hàng tháng", "Hàng quý", "6 tháng", "Hàng năm", "Quý I/2026" (I–IV hoặc 1–4), ` +
	`"6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "Tháng 3/2026", "Năm 2026", "Trong năm 2026", "Thường xuyên", ` +
	`"trước ngày 15", "ngày 15", a date (2026-06-30 or 30/6/2026) or a period key (2026-Q1, 2026-H1, 2026-03, 2026)`

var (
	quarterPhrase = regexp.MustCompile(`^quý\s*(iv|i{1,3}|[1-4])(?:\s*(?:/|năm|-)\s*(\d{4}))?$`)
	halfPhrase    = regexp.MustCompile(`^6 tháng (đầu|cuối) năm(?:\s+(\d{4}))?$`)
	monthPhrase   = regexp.MustCompile(`^tháng\s*(\d{1,2})(?:\s*(?:/|năm|-)\s*(\d{4}))?$`)
	yearPhrase    = regexp.MustCompile(`^(?:trong\s+)?năm\s+(\d{4})$`)
	beforeDay     = regexp.MustCompile(`^(?:hạn\s+)?trước\s+ngày\s+(\d{1,2})$`)
	onDay         = regexp.MustCompile(`^(?:hạn\s+|vào\s+)?ngày\s+(\d{1,2})$`)
	slashDate     = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	dateShape     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	periodKey     = regexp.MustCompile(`^\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}|W\d{2}))?$`)
)

// cadences maps the cadence words offices write to the plan file's.
var cadences = map[string]plan.Cadence{
	"hàng tuần": plan.Weekly, "hằng tuần": plan.Weekly, "weekly": plan.Weekly,
	"hàng tháng": plan.Monthly, "hằng tháng": plan.Monthly, "monthly": plan.Monthly,
	"hàng quý": plan.Quarterly, "hằng quý": plan.Quarterly, "quarterly": plan.Quarterly,
	"6 tháng": plan.HalfYearly, "hàng 6 tháng": plan.HalfYearly, "hằng 6 tháng": plan.HalfYearly,
	"6 tháng một lần": plan.HalfYearly, "half-yearly": plan.HalfYearly,
	"hàng năm": plan.Yearly, "hằng năm": plan.Yearly, "yearly": plan.Yearly,
}

// romanQuarter maps a quarter as written to its number.
var romanQuarter = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

// parseDeadline reads one deadline cell: one or more phrases separated by
// commas, semicolons or line breaks ("Hàng tháng, trước ngày 15"). year is
// the plan year, for phrases that leave it out ("Quý I"); 0 when unknown.
func parseDeadline(s string, year int) (deadline, error) {
	var d deadline
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
	if len(parts) == 0 {
		return d, nil
	}
	setDue := func(v string) error {
		if d.due != "" && d.due != v {
			return fmt.Errorf("two deadlines in one cell (%s and %s): write one", d.due, v)
		}
		d.due = v
		return nil
	}
	yearOf := func(m string) (int, error) {
		if m != "" {
			return strconv.Atoi(m)
		}
		if year == 0 {
			return 0, fmt.Errorf("no year: write it, e.g. \"Quý I/2026\", or fill plan.year")
		}
		return year, nil
	}
	for _, part := range parts {
		raw := strings.TrimSpace(part)
		p := strings.ToLower(strings.Join(strings.Fields(raw), " "))
		if p == "" {
			continue
		}
		if c, ok := cadences[p]; ok {
			if d.every != "" && d.every != c {
				return d, fmt.Errorf("two cadences in one cell (%s and %s): write one", d.every, c)
			}
			d.every = c
			continue
		}
		var err error
		switch {
		case p == "thường xuyên" || p == planfile.Ongoing:
			err = setDue(planfile.Ongoing)
		case periodKey.MatchString(raw):
			err = setDue(raw)
		case dateShape.MatchString(raw):
			err = setDue(raw) // the plan file's check rejects an impossible one
		case slashDate.MatchString(p):
			m := slashDate.FindStringSubmatch(p)
			day, _ := strconv.Atoi(m[1])
			month, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			t := time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
			if t.Day() != day || int(t.Month()) != month {
				return d, fmt.Errorf("impossible date %q", raw)
			}
			err = setDue(t.Format("2006-01-02"))
		case quarterPhrase.MatchString(p):
			m := quarterPhrase.FindStringSubmatch(p)
			var y int
			if y, err = yearOf(m[2]); err == nil {
				err = setDue(fmt.Sprintf("%04d-Q%d", y, romanQuarter[m[1]]))
			}
		case halfPhrase.MatchString(p):
			m := halfPhrase.FindStringSubmatch(p)
			h := 1
			if m[1] == "cuối" {
				h = 2
			}
			var y int
			if y, err = yearOf(m[2]); err == nil {
				err = setDue(fmt.Sprintf("%04d-H%d", y, h))
			}
		case monthPhrase.MatchString(p):
			m := monthPhrase.FindStringSubmatch(p)
			month, _ := strconv.Atoi(m[1])
			if month < 1 || month > 12 {
				return d, fmt.Errorf("month %d does not exist: write 1..12", month)
			}
			var y int
			if y, err = yearOf(m[2]); err == nil {
				err = setDue(fmt.Sprintf("%04d-%02d", y, month))
			}
		case yearPhrase.MatchString(p):
			err = setDue(yearPhrase.FindStringSubmatch(p)[1])
		case beforeDay.MatchString(p) || onDay.MatchString(p):
			day, before := 0, beforeDay.MatchString(p)
			if before {
				day, _ = strconv.Atoi(beforeDay.FindStringSubmatch(p)[1])
				day-- // "trước ngày 15": due on the 14th
			} else {
				day, _ = strconv.Atoi(onDay.FindStringSubmatch(p)[1])
			}
			if day < 1 || day > 31 {
				return d, fmt.Errorf("%q names no day of the month: write \"trước ngày 15\" (due on the 14th) or \"ngày 15\"", raw)
			}
			if d.dueDay != 0 && d.dueDay != day {
				return d, fmt.Errorf("two due days in one cell: write one")
			}
			d.dueDay = day
		default:
			return d, fmt.Errorf("cannot read %q: write one of %s", raw, deadlinePhrases)
		}
		if err != nil {
			return d, err
		}
	}
	if d.due != "" && d.every != "" {
		return d, fmt.Errorf("%q is both a deadline and a cadence: a task is one-off (Hạn) or recurring (Định kỳ), not both", s)
	}
	return d, nil
}

// official is what a lead or support cell may name: an official's key,
// position and roles, from the officials sheet.
type official struct {
	key      string
	position string
	roles    string
}

// roleWords maps the words of a position to the role they name.
var roleWords = map[string]plan.Role{
	"chủ tịch":     plan.RoleChairman,
	"phó chủ tịch": plan.RoleViceChairman,
	"văn phòng":    plan.RoleOffice,
}

// department is what a lead or support cell may name of a department: its
// key or its name.
type department struct {
	key  string
	name string
}

// splitNames splits a cell naming several officials or departments at
// commas, semicolons and line breaks, keeping whole a department's name that
// holds a comma ("Phòng Kinh tế, Hạ tầng và Đô thị").
func (p people) splitNames(v string) []string {
	parts := splitList(v)
	var out []string
	for i := 0; i < len(parts); {
		j := len(parts)
		for ; j > i+1; j-- {
			if p.departmentNamed(strings.Join(parts[i:j], ", ")) {
				break
			}
		}
		out = append(out, strings.Join(parts[i:j], ", "))
		i = j
	}
	return out
}

// nameWords normalises a name for comparison: lower case, single spaces,
// no space before a comma.
func nameWords(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(s), " ")), " ,", ",")
}

// departmentNamed reports whether v is the name of one of the departments.
func (p people) departmentNamed(v string) bool {
	words := nameWords(v)
	for _, d := range p.departments {
		if d.name != "" && nameWords(d.name) == words {
			return true
		}
	}
	return false
}

// resolve returns the key a cell's name stands for: a department's key or
// name (letter case and spacing aside), else what resolveOfficial finds.
func (p people) resolve(v string) (string, error) {
	words := nameWords(v)
	for _, d := range p.departments {
		if d.key == v || (d.name != "" && nameWords(d.name) == words) {
			return d.key, nil
		}
	}
	key, err := resolveOfficial(v, p.officials)
	var none noMatchError
	if errors.As(err, &none) && len(p.departments) > 0 {
		return "", fmt.Errorf("%q is neither an official's key or position (sheet %s, column Chức vụ) nor a department's key or name (sheet %s): write the key", v, SheetOfficials, SheetDepartments)
	}
	return key, err
}

// noMatchError says that a cell's words name no official.
type noMatchError struct{ v string }

func (e noMatchError) Error() string {
	return fmt.Sprintf("%q is neither an official's key nor the position of one (sheet %s, column Chức vụ): write the key", e.v, SheetOfficials)
}

// resolveOfficial returns the key of the official a lead or support cell
// names: a key as it is, else a position ("Chủ tịch", "Phó Chủ tịch",
// "Công chức Tư pháp - Hộ tịch") that exactly one official holds — the
// position starts with the words — or, failing that, a role word ("Chủ
// tịch": the chairman). It returns an error when the words name no official
// or several.
func resolveOfficial(v string, officials []official) (string, error) {
	for _, o := range officials {
		if o.key == v {
			return v, nil
		}
	}
	words := strings.ToLower(strings.Join(strings.Fields(v), " "))
	var match []string
	for _, o := range officials {
		pos := strings.ToLower(strings.Join(strings.Fields(o.position), " "))
		if pos != "" && startsWithWords(pos, words) {
			match = append(match, o.key)
		}
	}
	if len(match) == 0 {
		if role, ok := roleWords[words]; ok {
			for _, o := range officials {
				if slices.Contains(splitList(o.roles), string(role)) {
					match = append(match, o.key)
				}
			}
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		if planfileKey.MatchString(v) {
			return v, nil // an unknown key: the plan file's check names it
		}
		return "", noMatchError{v}
	}
	return "", fmt.Errorf("%q is the position of several officials (%s): write the key of one", v, strings.Join(match, ", "))
}

// startsWithWords reports whether s begins with the whole words w: "chủ
// tịch ubnd phường" begins with "chủ tịch", "phó chủ tịch" does not, nor
// does "chủ tịchx".
func startsWithWords(s, w string) bool {
	if !strings.HasPrefix(s, w) {
		return false
	}
	rest := s[len(w):]
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// planfileKey is the form of a key in a plan file.
var planfileKey = regexp.MustCompile(`^[a-z0-9-]+$`)

// splitList splits a cell holding several values: commas, semicolons or
// line breaks between them.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
