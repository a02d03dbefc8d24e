package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// orgPlan is a ward working through departments: task a is led by the
// department kt (head tp-kt, member cv-kt), supported by the partner
// cong-an and the department vp, in area 1 supervised by the
// vice-chairman pct; task b has two leads, the official tu-phap and kt;
// task c, in area 2 without a supervisor, is led by tu-phap alone.
const orgPlan = `unit: {code: hoa-an, name: "UBND phường Hòa An", timezone: Asia/Ho_Chi_Minh}
plan: {code: KH-2025, title: "Kế hoạch CCHC năm 2025", year: 2025}
officials:
  - {key: chu-tich, name: "Chủ tịch", roles: [chairman]}
  - {key: pct, name: "Phó Chủ tịch", roles: [vice_chairman]}
  - {key: chanh-vp, name: "Chánh Văn phòng", roles: [office]}
  - {key: cv-vp, name: "Chuyên viên Văn phòng"}
  - {key: tp-kt, name: "Trưởng phòng Kinh tế"}
  - {key: cv-kt, name: "Chuyên viên Kinh tế"}
  - {key: tu-phap, name: "Công chức Tư pháp"}
  - {key: cong-an, name: "Công an phường", roles: [partner]}
departments:
  - {key: vp, name: "Văn phòng HĐND và UBND", head: chanh-vp, members: [cv-vp]}
  - {key: kt, name: "Phòng Kinh tế", head: tp-kt, members: [cv-kt]}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    supervisor: pct
    tasks:
      - {key: a, title: "Nhiệm vụ A", lead: kt, support: [cong-an, vp], due: 2025-03-10}
      - {key: b, title: "Nhiệm vụ B", lead: [tu-phap, kt], due: 2025-03-14}
  - code: "2"
    name: "Cải cách tổ chức bộ máy"
    tasks:
      - {key: c, title: "Nhiệm vụ C", lead: tu-phap, due: 2025-03-10}
      - {key: d, title: "Nhiệm vụ D", lead: vp, due: 2025-06-30}
`

func newOrgEnv(t *testing.T) *env {
	t.Helper()
	return newOrgEnvWith(t, eachConfig())
}

// newOrgEnvWith is newOrgEnv with the configuration cfg.
func newOrgEnvWith(t *testing.T, cfg config.Config) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	f, err := planfile.Parse("org.yaml", []byte(orgPlan))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Source: "test", Now: at("2024-12-31 09:00"), Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	linkAll(t, st, "")
	clk := clock.NewFake(at("2025-03-01 00:00"))
	s, err := jobs.New(st, cfg, clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, clk: clk, cfg: cfg, s: s}
}

// sent returns, for task, the officials each message of kind went to, in
// order.
func sentTo(ms []msg, task, kind string) []string {
	var out []string
	for _, m := range ms {
		if m.Task == task && m.Kind == kind {
			out = append(out, m.Official)
		}
	}
	return out
}

// TestDepartmentRouting replays 1–20 March 2025 of orgPlan: the head of
// kt is reminded of its unassigned task a with a button per member until
// it is assigned on 11 March, then the assignee is nagged; the partner is
// reminded once and never nagged nor escalated; the escalation of a goes
// to the area's supervisor and the office instead of the chairman, naming
// the head and the assignee; task c's goes to the managers as before;
// both leads of task b are reminded.
func TestDepartmentRouting(t *testing.T) {
	e := newOrgEnv(t)
	ctx := context.Background()
	ids := map[string]int64{}
	rows, err := e.st.DB().Query(`SELECT key, id FROM officials UNION ALL SELECT 'task-' || key, id FROM tasks`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		ids[k] = id
	}
	rows.Close()

	// Before the run of 11 March, the head assigns task a to cv-kt.
	var beforeAssign int
	e.runUntil(at("2025-03-01 00:00"), at("2025-03-20 23:59"), func(now time.Time) {
		if beforeAssign == 0 && !now.Before(at("2025-03-11 08:00")) {
			beforeAssign = len(e.outbox())
			err := e.st.Tx(ctx, func(tx *store.Tx) error {
				_, err := store.AssignTask(ctx, tx, ids["task-a"], ids["cv-kt"], ids["tp-kt"], now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	all := e.outbox()
	before, after := all[:beforeAssign], all[beforeAssign:]

	// Task a before its assignment: the head (with a button per member) and
	// the supporting department's head; the partner once.
	if got, want := sentTo(before, "a", "reminder"), []string{
		"tp-kt", "cong-an", "chanh-vp", // 3/3, 7 days before
		"tp-kt", "chanh-vp", // 3/7
		"tp-kt", "chanh-vp", // 3/10, due today
	}; !slices.Equal(got, want) {
		t.Errorf("reminders of a = %v, want %v", got, want)
	}
	for _, m := range before {
		if m.Task == "a" && m.Official == "tp-kt" {
			if !strings.Contains(m.Text, "chưa được giao") || !strings.Contains(m.Text, "giao MÃ_CÁN_BỘ") {
				t.Errorf("reminder to the head of unassigned a: %q", m.Text)
			}
			if m.Buttons != 3 { // the member's row, the progress steps, done
				t.Errorf("reminder to the head of a has %d button rows, want 3", m.Buttons)
			}
		}
		if m.Task == "a" && m.Official == "cong-an" && !strings.HasPrefix(m.Key, "partner:") {
			t.Errorf("partner's reminder key %q", m.Key)
		}
	}
	// After it: the assignee is nagged, the head no longer.
	nags := sentTo(after, "a", "nag")
	if len(nags) == 0 || slices.Contains(nags, "tp-kt") || !slices.Contains(nags, "cv-kt") {
		t.Errorf("nags of a after its assignment = %v, want cv-kt's and not the head's", nags)
	}
	if slices.Contains(sentTo(all, "a", "nag"), "cong-an") {
		t.Error("the partner was nagged")
	}
	for _, m := range after {
		if m.Task == "a" && m.Official == "cv-kt" && m.Kind == "nag" && !strings.Contains(m.Text, "được giao thực hiện") {
			t.Errorf("nag to the assignee: %q", m.Text)
		}
	}

	// Escalations: a (area 1) to its supervisor and the office, naming the
	// head and the assignee; c (area 2) to every manager.
	esc := sentTo(all, "a", "escalation")
	slices.Sort(esc)
	if want := []string{"chanh-vp", "pct"}; !slices.Equal(esc, want) {
		t.Errorf("escalation of a went to %v, want %v", esc, want)
	}
	for _, m := range all {
		if m.Task == "a" && m.Kind == "escalation" {
			if !strings.Contains(m.Text, "Trưởng phòng Kinh tế") || !strings.Contains(m.Text, "Chuyên viên Kinh tế") {
				t.Errorf("escalation of a does not name the head and the assignee: %q", m.Text)
			}
			if m.Official == "pct" && !strings.Contains(m.Text, "lãnh đạo phụ trách") {
				t.Errorf("escalation to the supervisor: %q", m.Text)
			}
		}
	}
	esc = sentTo(all, "c", "escalation")
	slices.Sort(esc)
	if want := []string{"chanh-vp", "chu-tich", "pct"}; !slices.Equal(esc, want) {
		t.Errorf("escalation of c went to %v, want %v", esc, want)
	}

	// Task b, two leads: both reminded at each reminder (assigned to
	// nobody, kt's head stands for kt).
	got := sentTo(all, "b", "reminder")
	if len(got) == 0 || len(got)%2 != 0 {
		t.Fatalf("reminders of b = %v", got)
	}
	for i := 0; i < len(got); i += 2 {
		pair := []string{got[i], got[i+1]}
		slices.Sort(pair)
		if !slices.Equal(pair, []string{"tp-kt", "tu-phap"}) {
			t.Errorf("reminders of b = %v, want tu-phap and tp-kt each time", got)
			break
		}
	}
	// The partner received one message in all.
	if got := filter(all, func(m msg) bool { return m.Official == "cong-an" }); len(got) != 1 {
		t.Errorf("the partner received %d messages, want 1: %+v", len(got), got)
	}
}
