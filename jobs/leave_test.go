package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// The example plan's ke-hoach-ra-soat-tthc is due Friday 28/2/2025, led
// by van-phong and supported by tu-phap: reminders on 21/2 (7 days),
// 25/2 (3), 27/2 (1), 28/2 (0); nags from Monday 3/3; the escalation to
// chu-tich and van-phong on Wednesday 5/3.
const leaveTask = "ke-hoach-ra-soat-tthc"

// official returns the official key of the example unit.
func (e *env) official(key string) plan.Official {
	e.t.Helper()
	o, err := e.st.OfficialByKey(context.Background(), "pdp", key)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// leave records a leave of key from from to to (YYYY-MM-DD), with the
// stand-in standin ("" for none).
func (e *env) leave(key, from, to, standin string) {
	e.t.Helper()
	o := e.official(key)
	in := store.LeaveInput{UnitID: o.UnitID, OfficialID: o.ID, From: plan.MustParseDate(from), To: plan.MustParseDate(to),
		Now: at("2025-02-01 09:00")}
	if standin != "" {
		in.StandinID = e.official(standin).ID
	}
	if err := e.st.Tx(context.Background(), func(tx *store.Tx) error {
		_, err := store.CreateLeave(context.Background(), tx, in)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
}

// lines is "YYYY-MM-DD HH:MM official kind" of each message about task.
func lines(ms []msg, task string) []string {
	var out []string
	for _, m := range ms {
		if m.Task == task {
			out = append(out, stamp(m)+" "+m.Official+" "+m.Kind)
		}
	}
	return out
}

// held counts the held messages, pending and released.
func (e *env) held() (pending, released int) {
	e.t.Helper()
	err := e.st.DB().QueryRow(`SELECT count(*) FILTER (WHERE released_at IS NULL), count(*) FILTER (WHERE released_at IS NOT NULL)
		FROM held_reminders`).Scan(&pending, &released)
	if err != nil {
		e.t.Fatal(err)
	}
	return pending, released
}

// TestLeaveStandIn: during tu-phap's leave with a stand-in, the reminder
// meant for tu-phap goes to the stand-in, marked as on their behalf,
// with the task's buttons; tu-phap gets nothing until back.
func TestLeaveStandIn(t *testing.T) {
	e := newEnv(t, eachConfig())
	e.leave("tu-phap", "2025-02-24", "2025-02-26", "tai-chinh")
	e.runUntil(at("2025-02-19 23:59"), at("2025-02-28 23:59"), nil)
	got := lines(filter(e.outbox(), func(m msg) bool { return m.Kind == "reminder" }), leaveTask)
	want := []string{
		"2025-02-21 08:00 van-phong reminder", "2025-02-21 08:00 tu-phap reminder",
		"2025-02-25 08:00 van-phong reminder", "2025-02-25 08:00 tai-chinh reminder",
		"2025-02-27 08:00 van-phong reminder", "2025-02-27 08:00 tu-phap reminder",
		"2025-02-28 08:00 van-phong reminder", "2025-02-28 08:00 tu-phap reminder",
	}
	if !slices.Equal(got, want) {
		t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tuPhap := e.official("tu-phap")
	for _, m := range e.outbox() {
		if m.Official != "tai-chinh" || m.Task != leaveTask {
			continue
		}
		if !strings.HasPrefix(m.Text, "<i>Thay đồng chí Công chức Tư pháp - Hộ tịch (nghỉ phép đến 26/02/2025)</i>\n") ||
			!strings.Contains(m.Text, "còn 3 ngày") || m.Buttons == 0 ||
			!strings.HasSuffix(m.Key, fmt.Sprintf(":for:%d", tuPhap.ID)) {
			t.Errorf("reminder to the stand-in: key %s, %d buttons, text %q", m.Key, m.Buttons, m.Text)
		}
	}
	if p, r := e.held(); p+r != 0 {
		t.Errorf("held %d/%d with a stand-in", p, r)
	}
}

// TestLeaveHeldUntilBack: tu-phap on leave Thursday 20/2 and Friday 21/2
// without a stand-in: the 7-day reminder of 21/2 is held over the weekend
// and sent on Monday 24/2, the first working day back, as the task stands
// then (due in 4 days). Running that instant again sends nothing new.
func TestLeaveHeldUntilBack(t *testing.T) {
	e := newEnv(t, eachConfig())
	e.leave("tu-phap", "2025-02-20", "2025-02-21", "")
	e.runUntil(at("2025-02-19 23:59"), at("2025-02-23 23:59"), nil)
	if got := lines(filter(e.outbox(), func(m msg) bool { return m.Official == "tu-phap" }), leaveTask); len(got) != 0 {
		t.Errorf("tu-phap got during the leave: %v", got)
	}
	heldBefore, _ := e.held()
	if heldBefore == 0 {
		t.Fatal("nothing held")
	}
	e.runUntil(at("2025-02-23 23:59"), at("2025-02-24 23:59"), nil)
	got := filter(e.outbox(), func(m msg) bool { return m.Official == "tu-phap" && m.Task == leaveTask })
	if len(got) != 1 || stamp(got[0]) != "2025-02-24 08:00" || got[0].Kind != "reminder" ||
		!strings.Contains(got[0].Text, "còn 4 ngày") || strings.Contains(got[0].Text, "Thay đồng chí") {
		t.Fatalf("after the leave tu-phap got %+v", got)
	}
	if p, r := e.held(); p != 0 || r != heldBefore {
		t.Errorf("held pending %d, released %d; want 0, %d", p, r, heldBefore)
	}
	before := len(e.outbox())
	rep, err := e.s.RunAt(context.Background(), at("2025-02-24 08:00"))
	if err != nil || rep.Enqueued() != 0 || len(e.outbox()) != before {
		t.Errorf("running 24/2 08:00 again: %v, %d enqueued", err, rep.Enqueued())
	}
}

// TestLeaveBackToBack: held reminders of a leave survive a second leave
// that follows it at once. tu-phap is away 20/2–21/2 and 24/2–25/2, both
// without a stand-in: the 7- and 3-day reminders wait until Wednesday
// 26/2 and arrive once. van-phong, the lead, is away 28/2–3/3 and 4/3:
// the due-day reminder and the nags of 3/3 and 4/3 are held, and on 5/3
// one nag reaches van-phong (today's, the held one folded into it).
func TestLeaveBackToBack(t *testing.T) {
	e := newEnv(t, eachConfig())
	e.leave("tu-phap", "2025-02-20", "2025-02-21", "")
	e.leave("tu-phap", "2025-02-24", "2025-02-25", "")
	e.leave("van-phong", "2025-02-28", "2025-03-03", "")
	e.leave("van-phong", "2025-03-04", "2025-03-04", "")
	e.runUntil(at("2025-02-19 23:59"), at("2025-03-05 23:59"), nil)
	all := e.outbox()
	team := filter(all, func(m msg) bool {
		return (m.Official == "tu-phap" || m.Official == "van-phong") && m.Kind != "escalation"
	})
	got := lines(team, leaveTask)
	want := []string{
		"2025-02-21 08:00 van-phong reminder",
		"2025-02-25 08:00 van-phong reminder",
		"2025-02-26 08:00 tu-phap reminder", // held since 21/2, through both leaves
		"2025-02-27 08:00 van-phong reminder", "2025-02-27 08:00 tu-phap reminder",
		"2025-02-28 08:00 tu-phap reminder",
		"2025-03-03 08:00 tu-phap nag",
		"2025-03-04 08:00 tu-phap nag",
		"2025-03-05 08:00 van-phong nag", "2025-03-05 08:00 tu-phap nag",
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, m := range team {
		if m.Task == leaveTask && m.Official == "tu-phap" && stamp(m) == "2025-02-26 08:00" && !strings.Contains(m.Text, "còn 2 ngày") {
			t.Errorf("catch-up reminder: %q", m.Text)
		}
	}
	if p, _ := e.held(); p != 0 {
		var left []string
		_ = e.st.DB().Select(&left, `SELECT o.key || ' ' || h.kind || ' ' || h.occurrence_id FROM held_reminders h JOIN officials o ON o.id = h.official_id WHERE h.released_at IS NULL`)
		// Only what is still held for someone away today may remain.
		for _, l := range left {
			t.Errorf("still held after both leaves: %s", l)
		}
	}
}

// TestLeaveChairmanEscalation: the escalation of 5/3 meant for an absent
// chairman goes to their stand-in (marked), else to a vice-chairman
// present, else waits for the chairman's return.
// addViceChairman adds a linked vice-chairman, key pct, to the chairman's
// unit.
func addViceChairman(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.st.DB().Exec(`
		INSERT INTO officials (unit_id, key, name, roles, telegram_chat_id, telegram_user_id, linked_at, created_at, updated_at)
		SELECT unit_id, 'pct', 'Phó Chủ tịch', '{vice_chairman}', 990001, 990001, now(), now(), now()
		FROM officials WHERE key = 'chu-tich'`); err != nil {
		t.Fatal(err)
	}
}

func TestLeaveChairmanEscalation(t *testing.T) {
	escalations := func(e *env) []string {
		return lines(filter(e.outbox(), func(m msg) bool { return m.Kind == "escalation" }), leaveTask)
	}
	t.Run("stand-in", func(t *testing.T) {
		e := newEnv(t, eachConfig())
		e.leave("chu-tich", "2025-03-05", "2025-03-07", "dia-chinh-xd")
		e.runUntil(at("2025-03-04 23:59"), at("2025-03-05 23:59"), nil)
		got := escalations(e)
		want := []string{"2025-03-05 08:00 dia-chinh-xd escalation", "2025-03-05 08:00 van-phong escalation"}
		if !slices.Equal(got, want) {
			t.Fatalf("escalations = %v, want %v", got, want)
		}
		for _, m := range e.outbox() {
			if m.Official == "dia-chinh-xd" && m.Kind == "escalation" && m.Task == leaveTask &&
				!strings.HasPrefix(m.Text, "<i>Thay đồng chí Vương Văn Toàn (nghỉ phép đến 07/03/2025)</i>") {
				t.Errorf("escalation to the stand-in: %q", m.Text)
			}
		}
	})
	t.Run("vice-chairman", func(t *testing.T) {
		e := newEnv(t, eachConfig())
		addViceChairman(t, e)
		e.leave("chu-tich", "2025-03-05", "2025-03-07", "")
		e.runUntil(at("2025-03-04 23:59"), at("2025-03-05 23:59"), nil)
		got := escalations(e)
		want := []string{"2025-03-05 08:00 pct escalation", "2025-03-05 08:00 van-phong escalation"}
		if !slices.Equal(got, want) {
			t.Fatalf("escalations = %v, want %v", got, want)
		}
		// The vice-chairman on leave too: the escalation waits.
		if p, _ := e.held(); p != 0 {
			t.Errorf("%d held with a vice-chairman present", p)
		}
	})
	t.Run("supervisor on leave", func(t *testing.T) {
		e := newEnv(t, eachConfig())
		// A vice-chairman supervises the task's area: its escalations go
		// to them and the office instead of the chairman.
		addViceChairman(t, e)
		if _, err := e.st.DB().Exec(`
			UPDATE areas SET supervisor_id = (SELECT id FROM officials WHERE key = 'pct')
			WHERE id = (SELECT area_id FROM tasks WHERE key = $1)`, leaveTask); err != nil {
			t.Fatal(err)
		}
		// The supervisor on leave without a stand-in: the chairman present
		// covers the escalation.
		e.leave("pct", "2025-03-05", "2025-03-07", "")
		e.runUntil(at("2025-03-04 23:59"), at("2025-03-05 23:59"), nil)
		got := escalations(e)
		want := []string{"2025-03-05 08:00 chu-tich escalation", "2025-03-05 08:00 van-phong escalation"}
		if !slices.Equal(got, want) {
			t.Fatalf("escalations = %v, want %v", got, want)
		}
		if p, _ := e.held(); p != 0 {
			t.Errorf("%d held with the chairman present", p)
		}
	})
	t.Run("held until back", func(t *testing.T) {
		e := newEnv(t, eachConfig())
		e.leave("chu-tich", "2025-03-05", "2025-03-06", "")
		e.runUntil(at("2025-03-04 23:59"), at("2025-03-06 23:59"), nil)
		got := escalations(e)
		if want := []string{"2025-03-05 08:00 van-phong escalation"}; !slices.Equal(got, want) {
			t.Fatalf("escalations during the leave = %v, want %v", got, want)
		}
		e.runUntil(at("2025-03-06 23:59"), at("2025-03-07 23:59"), nil)
		got = escalations(e)
		want := []string{"2025-03-05 08:00 van-phong escalation", "2025-03-07 08:00 chu-tich escalation"}
		if !slices.Equal(got, want) {
			t.Errorf("escalations = %v, want %v", got, want)
		}
	})
}
