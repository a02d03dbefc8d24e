package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/plan"
)

func TestCalendarJSON(t *testing.T) {
	c := newCLI(t)
	out := c.mustRun("calendar", "2027", "--format", "json")
	var got struct {
		Year int              `json:"year"`
		Days []map[string]any `json:"days"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Year != 2027 || len(got.Days) != 14 {
		t.Fatalf("year %d, %d days; want 2027 and 14 days:\n%s", got.Year, len(got.Days), out)
	}
	want := map[string]any{"date": "2027-02-08", "kind": "holiday", "name": "Tết Nguyên đán (mùng 3)", "source": "law"}
	found := false
	for _, d := range got.Days {
		if len(d) != 4 {
			t.Errorf("day %v: want exactly date, kind, name, source", d)
		}
		if d["date"] == want["date"] {
			found = true
			for k, v := range want {
				if d[k] != v {
					t.Errorf("2027-02-08 %s = %v, want %v", k, d[k], v)
				}
			}
		}
	}
	if !found {
		t.Errorf("no 2027-02-08 in:\n%s", out)
	}
	// 2026 as announced: the Saturday worked for Friday 2/1.
	out = c.mustRun("calendar", "--format", "json", "2026")
	if !strings.Contains(out, `"date": "2026-01-10",
      "kind": "makeup_workday",
      "name": "Làm bù cho ngày 2/1/2026",
      "source": "decision"`) {
		t.Errorf("2026 lacks the make-up Saturday 10/1:\n%s", out)
	}
}

func TestCalendarText(t *testing.T) {
	c := newCLI(t)
	code, out, stderr := c.run("calendar", "2027")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Calendar 2027 (calendar.rules: vietnam; no announced schedule ships for 2027: the statutory pattern)",
		"2027-02-08 Mon holiday law Tết Nguyên đán (mùng 3) Lunar New Year (day 3)",
		"2027-05-03 Mon holiday law Nghỉ bù Ngày Quốc tế Lao động (1/5)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "warning: calendar: the Government's schedule for 2027") {
		t.Errorf("no warning for 2027 on stderr: %q", stderr)
	}
	out = c.mustRun("calendar", "2026")
	if !strings.Contains(out, "with the Government's announced schedule") || !strings.Contains(out, "makeup_workday  decision (") {
		t.Errorf("2026 text:\n%s", out)
	}
	for _, bad := range [][]string{{"calendar"}, {"calendar", "năm 2027"}, {"calendar", "1700"}, {"calendar", "2027", "--format", "csv"}} {
		if code, _, stderr := c.run(bad...); code != 2 {
			t.Errorf("%v: exit %d, %q; want 2", bad, code, stderr)
		}
	}
	// rules none: the configured days only.
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, cfg, "calendar:\n  rules: none\n  holidays: [\"2027-02-08\"]\n")
	out = c.mustRun("calendar", "2027", "--format", "json", "--config", cfg)
	if !strings.Contains(out, `"source": "config"`) || strings.Contains(out, `"source": "law"`) {
		t.Errorf("rules none:\n%s", out)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// tetPlan is a 2026 plan with one task due on Monday 16 February 2026, the
// 29th of tháng Chạp: a day off of Tết Bính Ngọ.
const tetPlan = `unit: {code: tet, name: "UBND phường Thử", timezone: Asia/Ho_Chi_Minh}
plan: {code: KH-2026, title: "Kế hoạch thử năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch", position: "Chủ tịch UBND phường", roles: [chairman]}
  - {key: vp, name: "Văn phòng", position: "Công chức Văn phòng", roles: [office]}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    tasks:
      - {key: bao-cao-tet, title: "Báo cáo tình hình trước Tết", lead: vp, due: 2026-02-16}
`

// TestCalendarChangeRedatesOpenOccurrences: a 2026 plan imported under
// calendar.rules none keeps a task due on a Tết day; after switching to
// vietnam, the next import (of another plan) re-dates it past Tết, and the
// tick of 16/2/2026 08:00 sends it no reminder. Under none the same tick
// does: the test would fail if nothing were re-dated.
func TestCalendarChangeRedatesOpenOccurrences(t *testing.T) {
	dir := t.TempDir()
	planPath := filepath.Join(dir, "tet-2026.yaml")
	writeFile(t, planPath, tetPlan)
	none := filepath.Join(dir, "none.yaml")
	writeFile(t, none, "calendar:\n  rules: none\n")
	vietnam := filepath.Join(dir, "vietnam.yaml")
	writeFile(t, vietnam, "calendar:\n  rules: vietnam\n")
	const tet = "2026-02-16T08:00:00+07:00"

	setup := func(c *cli) {
		t.Helper()
		code, _, stderr := c.run("import", planPath, "--config", none)
		if code != 0 {
			t.Fatalf("import: %s", stderr)
		}
		if !strings.Contains(stderr, "calendar: rules is none and calendar.holidays lists no day of 2026") {
			t.Errorf("import under none: no warning for 2026:\n%s", stderr)
		}
		if _, err := c.store().DB().Exec(`UPDATE officials SET telegram_chat_id = id + 1000, telegram_user_id = id + 1000, linked_at = now()`); err != nil {
			t.Fatal(err)
		}
	}
	occurrence := func(c *cli) (id int64, due plan.Date) {
		t.Helper()
		if err := c.store().DB().QueryRow(`SELECT o.id, o.due FROM occurrences o JOIN tasks k ON k.id = o.task_id WHERE k.key = 'bao-cao-tet'`).Scan(&id, &due); err != nil {
			t.Fatal(err)
		}
		return id, due
	}
	reminders := func(c *cli, id int64) int {
		t.Helper()
		var n int
		if err := c.store().DB().QueryRow(`SELECT count(*) FROM outbox WHERE occurrence_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Control: under none, Tết is a working day and the task is due then.
	ctl := newCLI(t)
	setup(ctl)
	id, due := occurrence(ctl)
	if due.String() != "2026-02-16" {
		t.Fatalf("under none: due %s, want 2026-02-16", due)
	}
	ctl.mustRun("tick", "--at", tet, "--config", none)
	if reminders(ctl, id) == 0 {
		t.Fatal("control: under none the Tết tick sent no reminder, so the test below proves nothing")
	}

	c := newCLI(t)
	setup(c)
	// Switch to vietnam; the next import, of another plan, re-dates.
	code, _, stderr := c.run("import", examplePlan, "--config", vietnam)
	if code != 0 {
		t.Fatalf("import under vietnam: %s", stderr)
	}
	if !strings.Contains(stderr, "open occurrences re-dated") {
		t.Errorf("import did not say it re-dated:\n%s", stderr)
	}
	id, due = occurrence(c)
	if due.String() != "2026-02-23" {
		t.Errorf("after the switch: due %s, want 2026-02-23 (the first working day after Tết)", due)
	}
	c.mustRun("tick", "--at", tet, "--config", vietnam)
	if n := reminders(c, id); n != 0 {
		t.Errorf("the Tết tick enqueued %d message(s) for the task", n)
	}
	// Importing again with the same calendar re-dates nothing.
	code, _, stderr = c.run("import", examplePlan, "--config", vietnam)
	if code != 0 || strings.Contains(stderr, "re-dated") {
		t.Errorf("second import: exit %d, %s", code, stderr)
	}
}

func TestCheckConfigWarnsOfUnannouncedYear(t *testing.T) {
	c := newCLI(t)
	c.env["NHACVIEC_TELEGRAM_MODE"] = "console"
	out := c.mustRun("check-config")
	next := time.Now().Year() + 1
	if !strings.Contains(out, fmt.Sprintf("# warning: calendar: the Government's schedule for %d", next)) {
		t.Errorf("check-config does not warn of %d:\n%s", next, out)
	}
}

// TestServeStartRedates: a plan imported under rules none, then serve
// started under vietnam: before it serves, the open occurrence due on Tết
// is re-dated, and the log says so.
func TestServeStartRedates(t *testing.T) {
	dir := t.TempDir()
	planPath := filepath.Join(dir, "tet-2026.yaml")
	writeFile(t, planPath, tetPlan)
	none := filepath.Join(dir, "none.yaml")
	writeFile(t, none, "calendar:\n  rules: none\n")
	vietnam := filepath.Join(dir, "vietnam.yaml")
	writeFile(t, vietnam, "telegram:\n  mode: console\ncalendar:\n  rules: vietnam\n")
	c := newCLI(t)
	c.mustRun("import", planPath, "--config", none)
	st := c.store()
	due := func() string {
		var d plan.Date
		if err := st.DB().QueryRow(`SELECT due FROM occurrences`).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	if got := due(); got != "2026-02-16" {
		t.Fatalf("under none: due %s", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", vietnam}, &stdout, &stderr, func(k string) string { return c.env[k] })
	}()
	waitfor.Poll(t, "serve to re-date the Tết occurrence", func() bool { return due() == "2026-02-23" })
	waitfor.Poll(t, "serve to log the re-dating", func() bool { return strings.Contains(stderr.String(), "open occurrences re-dated") })
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "schedule for 2026") {
		t.Errorf("serve warned of 2026, whose schedule ships:\n%s", stderr.String())
	}
}
