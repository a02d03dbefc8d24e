package wardreport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/docx"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
	"github.com/nhacviec/nhacviec/wardreport"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// generated fills a database with units wards of one parent (tools/gen)
// and returns it with the codes of the parent and of its first ward.
func generated(t testing.TB, units int, o gen.Options) (*store.Store, string, string) {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	o.Units, o.TownSize = units, units
	if _, err := gen.Generate(ctx, st, o); err != nil {
		t.Fatal(err)
	}
	var parent, ward string
	if err := st.DB().GetContext(ctx, &parent, `SELECT p.code FROM units p WHERE EXISTS (SELECT 1 FROM units c WHERE c.parent_id = p.id) ORDER BY p.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().GetContext(ctx, &ward, `SELECT code FROM units WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return st, parent, ward
}

// build compiles the report of code for the quarter containing asOf and
// renders it in lang; it checks the package is valid.
func build(t testing.TB, st *store.Store, code string, p plan.Period, asOf time.Time, lang i18n.Lang) ([]byte, docx.Content) {
	t.Helper()
	ctx := context.Background()
	u, err := st.UnitByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := wardreport.Compile(ctx, st, u, p, asOf)
	if err != nil {
		t.Fatal(err)
	}
	data, err := r.DOCX(i18n.New(lang))
	if err != nil {
		t.Fatal(err)
	}
	if err := docx.Validate(data); err != nil {
		t.Fatal(err)
	}
	c, err := docx.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, c
}

func quarter(asOf time.Time) plan.Period {
	return plan.PeriodContaining(plan.Quarter, plan.DateIn(asOf, asOf.Location()), plan.CutoffDecree09)
}

// table returns the first table whose first row starts with head.
func table(t *testing.T, c docx.Content, head ...string) [][]string {
	t.Helper()
	for _, tb := range c.Tables {
		if len(tb) > 0 && len(tb[0]) >= len(head) && slices.Equal(tb[0][:len(head)], head) {
			return tb
		}
	}
	t.Fatalf("no table headed %q", head)
	return nil
}

func has(c docx.Content, s string) bool {
	for _, p := range c.Paragraphs {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestNumbersEqualDigestJSON compiles a ward's report and the digest JSON
// of the same period and instant and compares the report's table by area,
// its total row, its figures per area and its on-time rate with the JSON;
// then the parent unit's table of wards (worst first) and totals with the
// roll-up digest's JSON.
func TestNumbersEqualDigestJSON(t *testing.T) {
	ctx := context.Background()
	st, parent, ward := generated(t, 3, gen.Options{})
	asOf := gen.DefaultAsOf()
	p := quarter(asOf)
	vi := i18n.New(i18n.VI)

	u, err := st.UnitByCode(ctx, ward)
	if err != nil {
		t.Fatal(err)
	}
	res, err := report.Compile(ctx, st, u, p, asOf, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var d report.Digest
	if err := json.Unmarshal(js, &d); err != nil {
		t.Fatal(err)
	}
	if d.Totals.Total == 0 || len(d.ByArea) == 0 {
		t.Fatalf("the generated ward has nothing in %s", p.Key)
	}
	_, c := build(t, st, ward, p, asOf, i18n.VI)
	tb := table(t, c, "STT", "Lĩnh vực")
	cols := func(tt report.Totals) []string {
		out := []string{itoa(tt.DoneOnTime), itoa(tt.DoneLate), itoa(tt.OpenOnTime), itoa(tt.OpenOverdue)}
		if d.Totals.Ongoing > 0 {
			out = append(out, itoa(tt.Ongoing))
		}
		return append(out, itoa(tt.Total))
	}
	if len(tb) != len(d.ByArea)+2 {
		t.Fatalf("area table has %d rows, want %d areas + header + total", len(tb), len(d.ByArea))
	}
	for i, a := range d.ByArea {
		want := append([]string{itoa(i + 1), a.Name}, cols(a.Totals)...)
		if !slices.Equal(tb[i+1], want) {
			t.Errorf("area row %d = %q, JSON says %q", i+1, tb[i+1], want)
		}
		at := a.Totals
		line := vi.T("wr.s2.area_totals", at.DoneOnTime, at.DoneLate, at.OpenOnTime, at.OpenOverdue, at.Total)
		if !has(c, line) {
			t.Errorf("no line %q for area %s", line, a.Code)
		}
	}
	if want := append([]string{"", "Tổng cộng"}, cols(d.Totals)...); !slices.Equal(tb[len(tb)-1], want) {
		t.Errorf("total row = %q, JSON says %q", tb[len(tb)-1], want)
	}
	if rate := vi.T("wr.s3.rate", message.FormatRate(d.Totals.OnTimeRate, vi)); !has(c, rate) {
		t.Errorf("no rate line %q", rate)
	}
	if line := vi.T("wr.s1.tasks", d.Totals.Total, len(d.ByArea), countCarried(d)); !has(c, line) {
		t.Errorf("no line %q", line)
	}
	// The overdue tables list, all areas together, the JSON's overdue tasks.
	var overdue int
	for _, tb := range c.Tables {
		if len(tb) > 0 && len(tb[0]) > 4 && tb[0][4] == "Số ngày quá hạn" {
			overdue += len(tb) - 1
		}
	}
	if overdue != d.Totals.OpenOverdue {
		t.Errorf("overdue tables list %d tasks, JSON %d", overdue, d.Totals.OpenOverdue)
	}

	// The parent: its wards, worst first, and the totals.
	pu, err := st.UnitByCode(ctx, parent)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := report.Compile(ctx, st, pu, p, asOf, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pjs, err := pres.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var rd report.RollupDigest
	if err := json.Unmarshal(pjs, &rd); err != nil {
		t.Fatal(err)
	}
	_, pc := build(t, st, parent, p, asOf, i18n.VI)
	if head := pc.Tables[0][0][0]; !strings.HasPrefix(head, "ỦY BAN NHÂN DÂN ") {
		t.Errorf("a parent reporting to no one issues in its own name alone: %q", head)
	}
	ut := table(t, pc, "STT", "Đơn vị")
	if len(ut) != len(rd.ByUnit)+2 || len(rd.ByUnit) != 3 {
		t.Fatalf("ward table has %d rows for %d wards", len(ut), len(rd.ByUnit))
	}
	missing := 0
	for i, l := range rd.ByUnit {
		missing += l.MissingReports
		want := []string{itoa(i + 1), l.Name, itoa(l.Totals.DoneOnTime), itoa(l.Totals.DoneLate), itoa(l.Totals.OpenOnTime),
			itoa(l.Totals.OpenOverdue), itoa(l.Totals.Total), rate(l.Totals, vi), itoa(l.MissingReports)}
		if !slices.Equal(ut[i+1], want) {
			t.Errorf("ward row %d = %q, JSON says %q", i+1, ut[i+1], want)
		}
	}
	tt := rd.Totals
	want := []string{"", "Tổng cộng", itoa(tt.DoneOnTime), itoa(tt.DoneLate), itoa(tt.OpenOnTime), itoa(tt.OpenOverdue), itoa(tt.Total), rate(tt, vi), itoa(missing)}
	if !slices.Equal(ut[len(ut)-1], want) {
		t.Errorf("parent total row = %q, JSON says %q", ut[len(ut)-1], want)
	}
}

func rate(t report.Totals, pr *i18n.Printer) string {
	if !report.Judged(t) {
		return "–"
	}
	return message.FormatRate(t.OnTimeRate, pr)
}

func countCarried(d report.Digest) int {
	n := 0
	for _, l := range d.Tasks {
		if l.CarriedOver {
			n++
		}
	}
	return n
}

// TestLayout checks the parts Nghị định 30/2020 asks for: the header
// table without borders (parent over the issuing body in bold; Quốc hiệu
// bold, tiêu ngữ bold and underlined), the number, the italic place and
// date, "BÁO CÁO" bold and centred, the subject naming the period, the five
// sections, "Nơi nhận:" bold italic and the signature with the chairman's
// name; and the English version.
func TestLayout(t *testing.T) {
	ctx := context.Background()
	st, _, ward := generated(t, 2, gen.Options{})
	asOf := gen.DefaultAsOf()
	p := quarter(asOf) // 2025-Q4 under decree09
	data, c := build(t, st, ward, p, asOf, i18n.VI)
	doc, err := docx.Part(data, "word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := st.UnitByCode(ctx, ward)
	parent, err := store.UnitOf(ctx, st, *u.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	var chairman string
	if err := st.DB().GetContext(ctx, &chairman, `SELECT name FROM officials WHERE unit_id = $1 AND 'chairman' = ANY(roles) LIMIT 1`, u.ID); err != nil {
		t.Fatal(err)
	}
	head := c.Tables[0][0]
	if !strings.HasPrefix(head[0], strings.ToUpper(parent.Name)+"\n"+"ỦY BAN NHÂN DÂN ") || !strings.Contains(head[0], "Số: …/BC-UBND") {
		t.Errorf("issuing body cell = %q", head[0])
	}
	if !strings.HasPrefix(head[1], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc") ||
		!strings.Contains(head[1], ", ngày 14 tháng 11 năm 2025") {
		t.Errorf("Quốc hiệu cell = %q", head[1])
	}
	for _, re := range []string{
		`<w:tbl><w:tblPr>[^§]{0,80}<w:tblBorders><w:top w:val="nil"/>`,                                                       // the header table: no borders
		`<w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr><w:t xml:space="preserve">ỦY BAN NHÂN DÂN `,             // issuing body bold
		`<w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:t xml:space="preserve">CỘNG HÒA`,                     // Quốc hiệu bold
		`<w:b/><w:bCs/><w:u w:val="single"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr><w:t xml:space="preserve">Độc lập`, // tiêu ngữ bold underlined
		`<w:i/><w:iCs/></w:rPr><w:t xml:space="preserve">[^<]*, ngày 14 tháng 11 năm 2025`,                                   // place and date italic
		`<w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">BÁO CÁO</w:t>`,            // BÁO CÁO bold centred
		`<w:b/><w:bCs/><w:i/><w:iCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:t xml:space="preserve">Nơi nhận:`,      // Nơi nhận bold italic
		`<w:tblHeader/>`,
	} {
		if !regexp.MustCompile(re).Match(doc) {
			t.Errorf("document.xml does not match %s", re)
		}
	}
	for _, want := range []string{"Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025",
		"I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN THEO TỪNG LĨNH VỰC", "III. ĐÁNH GIÁ CHUNG",
		"IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ", "2. Ưu điểm", "[…]"} {
		if !has(c, want) {
			t.Errorf("no paragraph with %q", want)
		}
	}
	sign := c.Tables[len(c.Tables)-1][0]
	if !strings.HasPrefix(sign[0], "Nơi nhận:\n- "+parent.Name+";") || !strings.HasPrefix(sign[1], "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH") || !strings.HasSuffix(sign[1], chairman) {
		t.Errorf("signature block = %q", sign)
	}
	if !has(c, "Kỳ tới (quý I năm 2026), kế hoạch có ") {
		t.Error("section IV does not list the next quarter's tasks")
	}

	_, en := build(t, st, ward, p, asOf, i18n.EN)
	if !strings.HasPrefix(en.Tables[0][0][1], "SOCIALIST REPUBLIC OF VIETNAM") || !has(en, "REPORT") ||
		!has(en, "Results of the administrative reform work in quarter IV of 2025") || !has(en, "III. GENERAL ASSESSMENT") {
		t.Errorf("the English report: %q", en.Paragraphs[:6])
	}
}

// TestBadInput: a period with nothing due, a unit without a chairman,
// titles and names with markup, control characters or 5,000 characters,
// and a plan of 500 tasks give a valid document every time.
func TestBadInput(t *testing.T) {
	ctx := context.Background()
	st, parent, ward := generated(t, 2, gen.Options{OneOffTasks: 500})
	asOf := gen.DefaultAsOf()
	u, _ := st.UnitByCode(ctx, ward)

	// 500 one-off tasks: long tables, still valid, header rows repeated.
	data, c := build(t, st, ward, plan.Period{Kind: plan.Year, Key: "2025", From: plan.Date{Year: 2024, Month: 12, Day: 15}, To: plan.Date{Year: 2025, Month: 12, Day: 14}}, asOf, i18n.VI)
	areas := table(t, c, "STT", "Lĩnh vực")
	var tasks int
	if err := st.DB().GetContext(ctx, &tasks, `SELECT count(*) FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.unit_id = $1 AND p.year = 2025`, u.ID); err != nil {
		t.Fatal(err)
	}
	if total, _ := strconv.Atoi(areas[len(areas)-1][len(areas[0])-1]); tasks < 500 || total < 400 {
		t.Errorf("the year's report of a %d-task plan counts %d occurrences", tasks, total)
	}
	if n := bytes.Count(mustPart(t, data), []byte("<w:tblHeader/>")); n < 5 {
		t.Errorf("%d repeated header rows", n)
	}

	// Nothing due: a quarter years before the plan.
	future, err := plan.ParsePeriod("2019-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	_, c = build(t, st, ward, future, asOf, i18n.VI)
	if !has(c, "Trong kỳ không có nhiệm vụ đến hạn.") || !has(c, "Trong kỳ chưa có nhiệm vụ đến hạn để đánh giá tỷ lệ hoàn thành đúng hạn.") {
		t.Errorf("empty period: %q", c.Paragraphs)
	}
	_, c = build(t, st, parent, future, asOf, i18n.EN)
	if !has(c, "III. GENERAL ASSESSMENT") {
		t.Errorf("empty parent period: %q", c.Paragraphs)
	}

	// Hostile titles and names, and no chairman.
	long := string([]rune(strings.Repeat("Cải cách hành chính & <số> ", 186))[:5000])
	hostile := "<b>Đậm</b> & \"nháy\" ]]> \x01\x07\x1b[31m\u2028 \uFFFF"
	mustExec(t, st, `UPDATE tasks t SET title = CASE WHEN t.id % 2 = 0 THEN $1 ELSE $2 END FROM plans p WHERE p.id = t.plan_id AND p.unit_id = $3`, long, hostile, u.ID)
	mustExec(t, st, `UPDATE units SET name = $1 WHERE id = $2`, hostile, u.ID)
	mustExec(t, st, `UPDATE areas SET name = $1`, hostile)
	mustExec(t, st, `UPDATE officials SET roles = CASE WHEN 'chairman' = ANY(roles) THEN ARRAY['member'] ELSE roles END, name = $1 WHERE unit_id = $2`, hostile, u.ID)
	_, c = build(t, st, ward, quarter(asOf), asOf, i18n.VI)
	sign := c.Tables[len(c.Tables)-1][0][1]
	if !strings.HasSuffix(sign, "\n[…]") {
		t.Errorf("signature without a chairman = %q", sign)
	}
	var sawLong, sawHostile bool
	for _, tb := range c.Tables {
		for _, row := range tb {
			for _, cell := range row {
				sawLong = sawLong || cell == docx.Clean(long)
				sawHostile = sawHostile || cell == docx.Clean(hostile)
			}
		}
	}
	if !sawLong || !sawHostile {
		t.Errorf("long title kept %v, hostile title kept as text %v", sawLong, sawHostile)
	}
	_, c = build(t, st, parent, quarter(asOf), asOf, i18n.VI)
	if !has(c, "II. KẾT QUẢ THỰC HIỆN CỦA CÁC ĐƠN VỊ") {
		t.Errorf("parent report: %q", c.Paragraphs)
	}
}

func mustPart(t *testing.T, data []byte) []byte {
	t.Helper()
	b, err := docx.Part(data, "word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustExec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestExtendedTasks: section II lists, in the area of each, the tasks
// granted an extension with their original and approved due dates, as the
// digest has them.
func TestExtendedTasks(t *testing.T) {
	ctx := context.Background()
	st, _, ward := generated(t, 2, gen.Options{})
	asOf := gen.DefaultAsOf()
	p := quarter(asOf)
	// One occurrence of the ward due in the period, extended by a week.
	res, err := st.DB().ExecContext(ctx, `
		UPDATE occurrences SET original_due = due, due = due + 7
		WHERE id = (SELECT o.id FROM occurrences o JOIN units u ON u.id = o.unit_id
		            WHERE u.code = $1 AND o.due BETWEEN $2::date AND $3::date - 7 ORDER BY o.id LIMIT 1)`,
		ward, p.From.String(), p.To.String())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("extended %d occurrences, want 1", n)
	}
	u, err := st.UnitByCode(ctx, ward)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Compile(ctx, st, u, p, asOf, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ext := r.Unit.Extended()
	if len(ext) != 1 {
		t.Fatalf("the digest has %d extended tasks, want 1", len(ext))
	}
	l := ext[0]
	_, c := build(t, st, ward, p, asOf, i18n.VI)
	if !has(c, "c) Nhiệm vụ được gia hạn:") {
		t.Error("no heading of the extended tasks")
	}
	tb := table(t, c, "STT", "Nhiệm vụ", "Chủ trì", "Hạn ban đầu", "Gia hạn đến")
	if len(tb) != 2 {
		t.Fatalf("extended table: %q, want one row", tb)
	}
	want := []string{"1", l.Title, l.LeadName, message.FormatDate(*l.OriginalDue), message.FormatDate(l.Due)}
	if !slices.Equal(tb[1][:len(want)], want) {
		t.Errorf("extended row %q, want %q", tb[1], want)
	}
}
