package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// TestLeaveEndToEnd runs the reminder job into the running bot and
// delivery worker over the fake Bot API. The harness's task is due Monday
// 30/6/2025, led by tu-phap and supported by van-phong; its 7-day
// reminder is decided on Monday 23/6. tu-phap is on leave 23/6–24/6 with
// tai-chinh standing in: tai-chinh receives the reminder marked "Thay đồng
// chí …" and replies with progress, which counts. van-phong is on leave
// the same days without a stand-in: nothing reaches van-phong until
// Wednesday 25/6, the first working day back, when the held reminder
// arrives (due in 5 days).
func TestLeaveEndToEnd(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, l := range []store.LeaveInput{
		{UnitID: h.unit, OfficialID: h.member, StandinID: h.outsider},
		{UnitID: h.unit, OfficialID: h.office},
	} {
		l.From, l.To, l.Now = plan.MustParseDate("2025-06-23"), plan.MustParseDate("2025-06-24"), t0
		if err := h.st.Tx(ctx, func(tx *store.Tx) error { _, err := store.CreateLeave(ctx, tx, l); return err }); err != nil {
			t.Fatal(err)
		}
	}
	sched, err := jobs.New(h.st, eachConfig(), h.clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	run := func(s string) {
		t.Helper()
		when, err := time.ParseInLocation("2006-01-02 15:04", s, ict)
		if err != nil {
			t.Fatal(err)
		}
		h.clk.Set(when)
		if _, err := sched.RunAt(ctx, when); err != nil {
			t.Fatal(err)
		}
		h.settled()
	}
	officeBefore, memberBefore := len(h.srv.SentTo(officeUser)), len(h.srv.SentTo(memberUser))

	run("2025-06-23 08:00")
	got := h.srv.SentTo(outsideUser)
	if len(got) != 1 {
		t.Fatalf("the stand-in got %d messages, want 1", len(got))
	}
	m := got[0]
	if text := m.Plain(); !strings.HasPrefix(text, "Thay đồng chí Công chức Tư pháp - Hộ tịch (nghỉ phép đến 24/06/2025)") ||
		!strings.Contains(text, taskTitle) || !strings.Contains(text, "còn 7 ngày") || len(m.Buttons) == 0 {
		t.Fatalf("the stand-in's reminder: %q, buttons %v", text, m.Buttons)
	}
	if n, k := len(h.srv.SentTo(officeUser)), len(h.srv.SentTo(memberUser)); n != officeBefore || k != memberBefore {
		t.Fatalf("officials on leave got messages: office %d, lead %d", n-officeBefore, k-memberBefore)
	}
	h.marked(m)
	h.srv.Reply(outsideUser, outsideUser, m.MessageID, "40% đang tổng hợp")
	if reply := h.nextTo(outsideUser, 2).Plain(); !strings.Contains(reply, "40%") {
		t.Fatalf("confirmation to the stand-in: %q", reply)
	}
	if o := h.occurrenceNow(); o.Percent != 40 {
		t.Fatalf("percent %d after the stand-in's report", o.Percent)
	}

	run("2025-06-24 08:00") // no reminder is due that day
	if n := len(h.srv.SentTo(officeUser)); n != officeBefore {
		t.Fatalf("van-phong got %d messages during the leave", n-officeBefore)
	}
	run("2025-06-25 08:00")
	back := h.srv.SentTo(officeUser)[officeBefore:]
	if len(back) != 1 || !strings.Contains(back[0].Plain(), "còn 5 ngày") || !strings.Contains(back[0].Plain(), taskTitle) ||
		strings.Contains(back[0].Plain(), "Thay đồng chí") {
		var texts []string
		for _, b := range back {
			texts = append(texts, b.Plain())
		}
		t.Fatalf("van-phong back on 25/6 got %q, want the held reminder", texts)
	}
	if n := len(h.srv.SentTo(memberUser)); n != memberBefore {
		t.Errorf("the lead got %d messages: what was sent to the stand-in is not held too", n-memberBefore)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// eachConfig is the default configuration with reminders.style each: one
// message per occurrence, as the tests written before the morning brief
// expect.
func eachConfig() config.Config {
	c := config.Default()
	c.Reminders.Style = config.StyleEach
	return c
}
