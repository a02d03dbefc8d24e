package bot_test

import (
	"context"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/nhacviec/nhacviec/telegram"
)

// TestUpdateCommitsAsOneTransaction: when the last step of an update fails
// (its reply, or the office's notice, cannot be enqueued), nothing of it
// commits: no progress, no chat limit taken, no failed code counted, no
// unreachable mark, no processed_updates row. Handled again, it applies
// once.
func TestUpdateCommitsAsOneTransaction(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:atomic")
	ctx := context.Background()
	// While fail_outbox holds a row, every outbox insert fails.
	_, err := h.st.DB().Exec(`
		CREATE TABLE fail_outbox (on_ boolean);
		CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF EXISTS (SELECT 1 FROM fail_outbox) THEN RAISE EXCEPTION 'injected failure'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION fail_outbox();`)
	if err != nil {
		t.Fatal(err)
	}
	failing := func(on bool) {
		t.Helper()
		q := `DELETE FROM fail_outbox`
		if on {
			q = `INSERT INTO fail_outbox VALUES (true)`
		}
		if _, err := h.st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := h.st.DB().Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	processed := func(id int64) bool {
		t.Helper()
		ok, err := h.st.UpdateProcessed(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	message := func(id int64, user int64, text string, replyTo int64) *models.Update {
		from := models.User{ID: user, FirstName: "A"}
		chat := models.Chat{ID: user, Type: models.ChatTypePrivate}
		m := &models.Message{ID: int(id % 100000), From: &from, Chat: chat, Text: text}
		if replyTo != 0 {
			m.ReplyToMessage = &models.Message{ID: int(replyTo), Chat: chat}
		}
		if len(text) > 0 && text[0] == '/' {
			m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(text)}}
			for i, r := range text {
				if r == ' ' {
					m.Entities[0].Length = i
					break
				}
			}
		}
		return &models.Update{ID: id, Message: m}
	}
	// handleFailing handles upd while the outbox refuses inserts, expecting
	// a failure, then again with the outbox working, expecting success.
	handleFailing := func(upd *models.Update, unchanged func(stage string)) {
		t.Helper()
		failing(true)
		if err := h.bot.HandleUpdate(ctx, telegram.ToUpdate(upd)); err == nil {
			t.Fatalf("update %d: handled while its effects could not be enqueued", upd.ID)
		}
		failing(false)
		if processed(upd.ID) {
			t.Errorf("update %d: recorded as processed after its transaction failed", upd.ID)
		}
		unchanged("after the failure")
		if err := h.bot.HandleUpdate(ctx, telegram.ToUpdate(upd)); err != nil {
			t.Fatalf("update %d handled again: %v", upd.ID, err)
		}
		if !processed(upd.ID) {
			t.Errorf("update %d: not recorded as processed", upd.ID)
		}
	}

	// A progress reply: progress, chat limit and reply commit together.
	progress := message(910001, memberUser, "40%", reminder.MessageID)
	handleFailing(progress, func(stage string) {
		if rs := h.reports(); len(rs) != 0 {
			t.Errorf("%s: %d progress reports, want 0", stage, len(rs))
		}
		if n := count(`SELECT count(*) FROM chat_limits WHERE chat_id = $1`, memberUser); n != 0 {
			t.Errorf("%s: %d chat_limits rows, want 0", stage, n)
		}
	})
	if rs := h.reports(); len(rs) != 1 || h.occurrenceNow().Percent != 40 {
		t.Errorf("after the retry: %d reports, %d%%; want 1 at 40%%", len(rs), h.occurrenceNow().Percent)
	}
	if n := count(`SELECT count(*) FROM chat_limits WHERE chat_id = $1`, memberUser); n != 1 {
		t.Errorf("after the retry: %d chat_limits rows, want 1", n)
	}
	if n := count(`SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'reply:910001:%'`); n != 1 {
		t.Errorf("after the retry: %d replies, want 1", n)
	}

	// A wrong invite code: the failed attempt counts only with its reply.
	const guesser = 3901
	start := message(910002, guesser, "/start SAI-MA", 0)
	handleFailing(start, func(stage string) {
		if n := count(`SELECT count(*) FROM link_attempts WHERE telegram_user_id = $1`, guesser); n != 0 {
			t.Errorf("%s: %d failed codes counted, want 0", stage, n)
		}
	})
	if n := count(`SELECT count(*) FROM link_attempts WHERE telegram_user_id = $1`, guesser); n != 1 {
		t.Errorf("after the retry: %d failed codes counted, want 1", n)
	}

	// The member blocking the bot: the mark and the office's notice
	// commit together.
	from := models.User{ID: memberUser, FirstName: "Tư pháp"}
	block := &models.Update{ID: 910003, MyChatMember: &models.ChatMemberUpdated{
		Chat:          models.Chat{ID: memberUser, Type: models.ChatTypePrivate},
		From:          from,
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{Status: models.ChatMemberTypeMember}},
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{Status: models.ChatMemberTypeBanned}},
	}}
	handleFailing(block, func(stage string) {
		if o, err := h.st.OfficialByChat(ctx, memberUser); err != nil || o.UnreachableAt != nil {
			t.Errorf("%s: member %+v, %v; want reachable", stage, o, err)
		}
	})
	if o, err := h.st.OfficialByChat(ctx, memberUser); err != nil || o.UnreachableAt == nil {
		t.Errorf("after the retry: member %+v, %v; want unreachable", o, err)
	}
	if n := count(`SELECT count(*) FROM outbox WHERE chat_id = $1 AND kind = 'notice'`, officeUser); n != 1 {
		t.Errorf("after the retry: %d notices to the office, want 1", n)
	}
}
