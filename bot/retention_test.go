package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// TestReplyToSweptReminder: a reply to a reminder that retention has
// deleted gets a helpful answer (use /viec and its numbers), and changes
// nothing.
func TestReplyToSweptReminder(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:swept")

	// A hundred days later (the fake Bot API dates its messages by the
	// wall clock), the reminder was swept.
	h.clk.Set(time.Now().AddDate(0, 0, 100))
	rep, err := h.st.Sweep(context.Background(), store.RetentionPolicy{OutboxSent: 90 * 24 * time.Hour}, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted[store.SweptOutboxSent] != 1 {
		t.Fatalf("sweep deleted %v, want the reminder", rep.Deleted)
	}
	h.srv.Reply(memberUser, memberUser, reminder.MessageID, "60%")
	got := h.nextTo(memberUser, 2).Plain()
	if !strings.Contains(got, "đã cũ") || !strings.Contains(got, "/viec") || !strings.Contains(got, "2: 60%") {
		t.Errorf("answer to a reply to a swept reminder: %q", got)
	}
	if o := h.occurrenceNow(); o.Percent != 0 {
		t.Errorf("percent %d after a reply to a swept reminder, want 0", o.Percent)
	}
	if rs := h.reports(); len(rs) != 0 {
		t.Errorf("%d progress reports, want none", len(rs))
	}
}
