package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestQuarter replays the whole default quarter and checks that the
// product did what the demo claims: officials linked, reminders answered,
// the late official finished late, the silent one never, and the
// chairman's quarterly digest agrees with itself and with the files.
func TestQuarter(t *testing.T) {
	if testing.Short() {
		t.Log("short mode: replaying three weeks only")
	}
	var out bytes.Buffer
	opts := Options{Out: &out, Dir: t.TempDir(), DatabaseURL: storetest.URL(t)}
	if testing.Short() {
		opts.To = time.Date(2025, 1, 20, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, tail(out.String(), 40))
	}
	// Every message went out at the simulated instant it was decided: the
	// replay waited for delivery and replies before moving the clock.
	st, err := store.Open(context.Background(), opts.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var late int
	if err := st.DB().Get(&late, `SELECT count(*) FROM outbox WHERE status <> 'sent' OR sent_at <> created_at`); err != nil {
		t.Fatal(err)
	}
	if late != 0 {
		t.Errorf("%d messages were not delivered at the instant they were decided", late)
	}
	if res.Linked != 9 || len(res.Unlinked) != 1 {
		t.Errorf("linked %d, unlinked %v; want 9 and [%s]", res.Linked, res.Unlinked, castOf("2025").unlinked)
	}
	transcript := out.String()
	for _, want := range []string{
		"Đã kết nối tài khoản Telegram", // /start CODE linked
		"Nhắc việc: còn 7 ngày đến hạn", // first reminder
		"»): 60%",                             // a progress reply
		"Đã ghi nhận tiến độ",                 // its confirmation
		"[bấm ✅ Hoàn thành]",                  // a button press
		"TỔNG HỢP BÁO CÁO tuần 1/2025",        // the first weekly digest
		"Đề nghị báo cáo tiến độ tuần",        // progress request
		"Nhắc việc hôm nay:",                  // a morning brief of several items
		"[bấm ⏰ 1 ngày]",                      // a snooze
		"(Zalo): ✅ Đã kết nối tài khoản Zalo", // the bare code linked on Zalo
		"(Zalo, về «",                         // a typed answer on Zalo
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	// The official on Zalo answered typed, recorded as from Zalo, and what
	// reached her was plain text.
	var fromZalo int
	if err := st.DB().Get(&fromZalo, `SELECT count(*) FROM progress_reports WHERE source = 'zalo'`); err != nil {
		t.Fatal(err)
	}
	if fromZalo == 0 {
		t.Error("no progress typed on Zalo was recorded")
	}
	if regexp.MustCompile(`\(Zalo\): [^\n]*</?(b|i|code|a)\b`).MatchString(transcript) {
		t.Error("a message to Zalo carries HTML tags")
	}
	// One extension asked and approved, one asked and rejected.
	var approved, rejected int
	for _, e := range res.Extensions {
		switch e.Status {
		case store.ExtensionApproved:
			approved++
			if e.DecidedDue == nil || !e.DecidedDue.After(e.CurrentDue) {
				t.Errorf("approved extension %+v without a later due date", e)
			}
		case store.ExtensionRejected:
			rejected++
		}
	}
	if approved != 1 || rejected != 1 || len(res.Extensions) != 2 {
		t.Errorf("extensions %+v: want one approved and one rejected", res.Extensions)
	}
	if !regexp.MustCompile(`\): (\d+ )?gia hạn \d{2}/\d{2}/\d{4} `).MatchString(transcript) {
		t.Errorf("transcript lacks an extension request")
	}
	for _, want := range []string{"Đề nghị gia hạn", "[bấm ✅ Đồng ý]", "[bấm ❌ Không đồng ý]", "đã đồng ý gia hạn", "không đồng ý gia hạn"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if !numberedReply.MatchString(transcript) {
		t.Errorf("transcript lacks a numbered reply to a brief")
	}
	if res.Replies == 0 || res.Sent < 50 {
		t.Errorf("sent %d, replies %d", res.Sent, res.Replies)
	}
	d := res.Digest
	if d == nil {
		t.Fatal("no digest")
	}
	if testing.Short() {
		return
	}
	// The default run ends on 15/3/2025 08:00 with the quarterly digest of
	// decree09 Q1.
	if d.Period.Key != "2025-Q1" || d.Period.From != plan.MustParseDate("2024-12-15") {
		t.Errorf("digest period %+v", d.Period)
	}
	for _, want := range []string{"TỔNG HỢP BÁO CÁO quý I/2025", "Nhiệm vụ quá hạn", "Chưa báo cáo trong kỳ"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	tot := d.Totals
	if tot.DoneOnTime == 0 || tot.DoneLate == 0 || tot.OpenOverdue == 0 {
		t.Errorf("totals %+v: want on-time, late and overdue tasks (prompt, late and silent officials)", tot)
	}
	var sum int
	for _, a := range d.ByArea {
		sum += a.Totals.Total
	}
	if sum != tot.Total {
		t.Errorf("areas add up to %d, totals say %d", sum, tot.Total)
	}
	if !contains(d.MissingReports, "tai-chinh") {
		t.Errorf("missing reports %v, want the silent tai-chinh", d.MissingReports)
	}
	if contains(d.MissingReports, "van-phong") {
		t.Errorf("missing reports %v name the prompt van-phong", d.MissingReports)
	}
	for _, name := range []string{"transcript.txt", "digest-2025-Q1.txt", "digest-2025-Q1.json", "report-2025-Q1.docx"} {
		if fi, err := os.Stat(filepath.Join(opts.Dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("file %s: %v", name, err)
		}
	}
	minPages := 10
	if testing.Short() {
		minPages = 3
	}
	checkInOffice(t, filepath.Join(opts.Dir, "report-2025-Q1.docx"), d, minPages)
}

// numberedReply matches a reply naming an item of a brief: "(trả lời
// «…»): 2: 60%".
var numberedReply = regexp.MustCompile(`»\): \d+: `)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestQuarter2026 replays the first quarter of the illustrative 2026 plan:
// nothing is reminded during Tết (14–22/2/2026), the tasks the plan gives
// "Quý I/2026" are in the Q1 digest although due after its cut-off, the
// "Thường xuyên" tasks are counted apart from the on-time rate, and the
// cumulative and external targets are judged by their kind.
func TestQuarter2026(t *testing.T) {
	var out bytes.Buffer
	opts := Options{Plan: "2026", Out: &out, Dir: t.TempDir(), DatabaseURL: storetest.URL(t)}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, tail(out.String(), 40))
	}
	st, err := store.Open(context.Background(), opts.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var tet int
	if err := st.DB().Get(&tet, `
		SELECT count(*) FROM outbox
		WHERE kind IN ('reminder', 'nag', 'escalation')
		  AND (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN '2026-02-14' AND '2026-02-22'`); err != nil {
		t.Fatal(err)
	}
	if tet != 0 {
		t.Errorf("%d reminders, nags or escalations were sent during Tết 2026", tet)
	}

	d := res.Digest
	if d == nil || d.Period.Key != "2026-Q1" {
		t.Fatalf("digest %+v, want 2026-Q1", d)
	}
	status := map[string]string{}
	for _, l := range d.Tasks {
		status[l.Key] = l.Status
	}
	for _, key := range []string{"the-che-ra-soat-van-ban", "bo-may-kien-toan-phong", "tai-chinh-cong-khai-du-toan"} {
		if status[key] != string(plan.OpenOnTime) {
			t.Errorf("Q1 digest: task %s (Quý I/2026, due 31/3) has status %q, want open_on_time", key, status[key])
		}
	}
	if d.Totals.Ongoing != 3 || status["tthc-cong-khai"] != string(plan.Ongoing) {
		t.Errorf("ongoing %d, tthc-cong-khai %q: want the 3 \"Thường xuyên\" tasks counted apart", d.Totals.Ongoing, status["tthc-cong-khai"])
	}
	judged := map[string]string{}
	for _, tg := range d.Targets {
		judged[tg.Key] = tg.Judgement
	}
	for key, want := range map[string]plan.Judgement{
		"tai-chinh-giai-ngan":         plan.JudgedBehind, // a late official reports 10% of a year's goal
		"cong-vu-boi-duong":           plan.JudgedBehind, // a partial one 10%
		"so-par-index":                plan.JudgedNoData, // measured by the province: not asked, not unmet
		"cong-vu-hoan-thanh-nhiem-vu": plan.JudgedNotDue, // year_end
		"tthc-dung-han":               plan.JudgedMet,
	} {
		if judged[key] != string(want) {
			t.Errorf("target %s judged %q, want %q", key, judged[key], want)
		}
	}
	if !strings.Contains(out.String(), "TỔNG HỢP BÁO CÁO quý I/2026") {
		t.Error("transcript lacks the Q1/2026 digest")
	}
	// The plan's four departments, in its order; the task both lead counts
	// for each.
	var deps []string
	for _, dep := range d.ByDepartment {
		deps = append(deps, dep.Key)
	}
	if want := []string{"vp", "phong-kt", "phong-vhxh", "trung-tam-hcc"}; !slices.Equal(deps, want) {
		t.Errorf("by_department %v, want %v", deps, want)
	}
	lead := map[string]string{}
	for _, l := range d.Tasks {
		lead[l.Key] = l.Lead
	}
	if lead["bo-may-kien-toan-phong"] != "vp" || lead["tthc-cong-khai"] != "trung-tam-hcc" || lead["the-che-ra-soat-van-ban"] != "tu-phap" {
		t.Errorf("digest leads %v: want the first lead's key, a department's or an official's", lead)
	}
	if !strings.Contains(out.String(), "Theo phòng, ban") {
		t.Error("transcript lacks the digest's section by department")
	}
}
