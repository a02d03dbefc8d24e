package jobs_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/store"
)

// TestBriefToZaloSaysWhatToType: officials linked on Zalo get briefs whose
// last line says what to type rather than which button to press, and
// reminders about one task with a hint (store.Payload.Hint) in place of
// their buttons; the same run to Telegram chats carries no hint.
func TestBriefToZaloSaysWhatToType(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, config.Default())
	e.runUntil(at("2025-02-20 00:00"), reminderInstant.Add(-1), nil)
	if _, err := e.st.DB().Exec(`UPDATE officials SET telegram_chat_id = telegram_chat_id + $1, telegram_user_id = telegram_user_id + $1
		WHERE telegram_chat_id IS NOT NULL AND id % 2 = 0`, store.ZaloChatBase); err != nil {
		t.Fatal(err)
	}
	since := e.lastOutboxID()
	e.clk.Set(reminderInstant)
	if _, err := e.s.RunAt(ctx, reminderInstant); err != nil {
		t.Fatal(err)
	}
	rows, err := e.st.DB().Queryx(`SELECT channel, kind, payload FROM outbox WHERE id > $1 AND kind IN ('reminder', 'nag') ORDER BY id`, since)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var briefs, singles, telegram int
	for rows.Next() {
		var ch, kind string
		var raw []byte
		if err := rows.Scan(&ch, &kind, &raw); err != nil {
			t.Fatal(err)
		}
		var p store.Payload
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		switch {
		case ch != store.ChannelZalo:
			telegram++
			if p.Hint != "" || strings.Contains(p.Text, "2 hoãn") {
				t.Errorf("a Telegram %s carries what to type: %q / %q", kind, p.Hint, p.Text)
			}
		case len(p.Refs) > 1:
			briefs++
			if !strings.Contains(p.Text, "2 hoãn") || strings.Contains(p.Text, "bấm") {
				t.Errorf("Zalo brief: %q", p.Text)
			}
		case len(p.Buttons) > 0:
			singles++
			if !strings.Contains(p.Hint, "gia hạn DD/MM/YYYY") || !strings.Contains(p.Hint, "hoãn 3") {
				t.Errorf("Zalo reminder hint: %q", p.Hint)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if briefs == 0 || telegram == 0 {
		t.Fatalf("%d Zalo briefs, %d single Zalo reminders, %d Telegram messages: the run must reach both", briefs, singles, telegram)
	}
}
