package jobs_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestExtendedOccurrenceRemindedAgain: once an extension is approved, the
// occurrence is reminded before its new due date at the same offsets as
// before the old one, and escalated again when it becomes overdue against
// it: the dedupe keys name the due date, so the messages about the old
// date do not swallow those about the new one.
func TestExtendedOccurrenceRemindedAgain(t *testing.T) {
	e := newEnv(t, eachConfig())
	e.runUntil(at("2025-02-20 00:00"), at("2025-03-10 08:00"), nil)
	// An occurrence due Monday 17/3, reminded on 10/3 (seven days before).
	var occID int64
	var occKey string
	err := e.st.DB().QueryRow(`
		SELECT o.id, o.key FROM occurrences o
		WHERE o.due = '2025-03-17' AND o.done_at IS NULL
		  AND EXISTS (SELECT 1 FROM outbox b WHERE b.occurrence_id = o.id AND b.kind = 'reminder')
		ORDER BY o.id LIMIT 1`).Scan(&occID, &occKey)
	if err != nil {
		t.Fatalf("no occurrence due 17/3 reminded on 10/3: %v", err)
	}
	// Approved: due Monday 31/3, original kept.
	if _, err := e.st.DB().Exec(`UPDATE occurrences SET original_due = due, due = '2025-03-31' WHERE id = $1`, occID); err != nil {
		t.Fatal(err)
	}
	since := e.lastOutboxID()
	e.runUntil(at("2025-03-10 08:00"), at("2025-04-04 08:00"), nil)
	var reminded, escalated []string
	for _, m := range e.outboxAfter(since) {
		if !strings.HasPrefix(m.Key, fmt.Sprintf("remind:%d:", occID)) && !strings.HasPrefix(m.Key, fmt.Sprintf("escalate:%d:", occID)) {
			continue
		}
		switch m.Kind {
		case "reminder":
			reminded = append(reminded, m.Key)
		case "escalation":
			escalated = append(escalated, m.Key)
		}
	}
	// Sunday 30/3 is no working day: no reminder the day before.
	for _, days := range []int{7, 3, 0} {
		prefix := fmt.Sprintf("remind:%d:2025-03-31:%d:", occID, days)
		found := false
		for _, k := range reminded {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("no reminder %d days before the approved date (%s*): %v", days, prefix, reminded)
		}
	}
	for _, k := range reminded {
		if strings.Contains(k, ":2025-03-17:") {
			t.Errorf("a reminder about the old date after the extension: %s", k)
		}
	}
	if e.cfg.Reminders.EscalateAfterDays > 0 && len(escalated) == 0 {
		t.Errorf("%s not escalated when overdue against the approved date", occKey)
	}
}
