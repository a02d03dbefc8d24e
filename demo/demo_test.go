package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
		t.Errorf("linked %d, unlinked %v; want 9 and [%s]", res.Linked, res.Unlinked, unlinkedKey)
	}
	transcript := out.String()
	for _, want := range []string{
		"Đã kết nối tài khoản Telegram", // /start CODE linked
		"Nhắc việc: còn 7 ngày đến hạn", // first reminder
		"»): 60%",                      // a progress reply
		"Đã ghi nhận tiến độ",          // its confirmation
		"[bấm ✅ Hoàn thành]",           // a button press
		"TỔNG HỢP BÁO CÁO tuần 1/2025", // the first weekly digest
		"Đề nghị báo cáo tiến độ tuần", // progress request
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
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
	for _, name := range []string{"transcript.txt", "digest-2025-Q1.txt", "digest-2025-Q1.json"} {
		if fi, err := os.Stat(filepath.Join(opts.Dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("file %s: %v", name, err)
		}
	}
}

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
