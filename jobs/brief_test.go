package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
)

// TestBriefReplay: with reminders.style brief, the run at reminderInstant
// sends each official at most one reminder message and one escalation
// message, listing every item (the same occurrences the style each
// reaches them about); a fan-out replayed over its own messages, or after
// a crash lost them, enqueues exactly one brief per official, and a second
// run the same day nothing.
func TestBriefReplay(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, config.Default())
	e.runUntil(at("2025-02-20 00:00"), reminderInstant.Add(-1), nil)
	since := e.lastOutboxID()
	e.clk.Set(reminderInstant)
	if _, err := e.s.RunAt(ctx, reminderInstant); err != nil {
		t.Fatal(err)
	}
	got := e.outboxAfter(since)
	if len(got) == 0 {
		t.Fatal("the brief run enqueued nothing")
	}
	type slot struct {
		official   string
		escalation bool
	}
	seen := make(map[slot]int)
	several := 0
	for _, m := range got {
		s := slot{m.Official, m.Kind == "escalation"}
		seen[s]++
		if seen[s] > 1 {
			t.Errorf("%s got a second %s message: %s", m.Official, m.Kind, m.Key)
		}
		if !strings.HasPrefix(m.Key, "brief:") && !strings.HasPrefix(m.Key, "brief-escalate:") {
			t.Errorf("dedupe key %q is not a brief's", m.Key)
		}
		if m.Refs > 1 {
			several++
		}
	}
	if several == 0 {
		t.Errorf("no brief lists several items: %v", keys(got))
	}
	want := keys(got)

	// The batches fanned out again over their own messages: nothing new.
	if _, err := e.st.DB().Exec(`UPDATE remind_batches SET fanned_out_at = NULL WHERE run_at = $1`, reminderInstant); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.FanOut(ctx); err != nil {
		t.Fatal(err)
	}
	if k := keys(e.outboxAfter(since)); !slices.Equal(k, want) {
		t.Errorf("a replayed fan-out enqueued\n%v\nwant\n%v", k, want)
	}
	// A crash lost the fan-out's transaction: the same briefs.
	e.undoFanOut(since)
	if _, err := e.s.FanOut(ctx); err != nil {
		t.Fatal(err)
	}
	if k := keys(e.outboxAfter(since)); !slices.Equal(k, want) {
		t.Errorf("after a crash the fan-out enqueued\n%v\nwant\n%v", k, want)
	}
	// The same day again: nothing.
	rep, err := e.s.RunAt(ctx, reminderInstant)
	if err != nil || rep.Runs[0].Status != jobs.StatusTaken {
		t.Errorf("second run: %v, %v", rep, err)
	}
}

// TestBriefPartnerOnce replays 1–20 March 2025 of orgPlan with briefs: the
// partner's one reminder (task a, 7 days before) comes in a brief, once;
// no official gets two reminder messages, nor two escalation messages, on
// one day.
func TestBriefPartnerOnce(t *testing.T) {
	e := newOrgEnvWith(t, config.Default())
	e.runUntil(at("2025-03-01 00:00"), at("2025-03-20 23:59"), nil)
	all := e.outbox()
	partner := filter(all, func(m msg) bool { return m.Official == "cong-an" })
	if len(partner) != 1 || !strings.Contains(partner[0].Text, "Nhiệm vụ A") {
		t.Fatalf("the partner received %d messages, want one about task a: %+v", len(partner), partner)
	}
	type slot struct {
		official, day string
		escalation    bool
	}
	seen := make(map[slot]string)
	for _, m := range all {
		if m.Kind != "reminder" && m.Kind != "nag" && m.Kind != "escalation" {
			continue
		}
		s := slot{m.Official, m.Created.In(hcm).Format(time.DateOnly), m.Kind == "escalation"}
		if k, ok := seen[s]; ok {
			t.Errorf("%s got two messages on %s: %s and %s", m.Official, s.day, k, m.Key)
		}
		seen[s] = m.Key
	}
}
