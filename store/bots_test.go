package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// botsWorld is a country of units in a tree — a ministry, two provinces,
// a ward under each and a ward under the ministry — with an official linked
// on Telegram in each ward.
type botsWorld struct {
	st    *store.Store
	units map[string]int64 // by code
	chats map[string]int64 // the ward officials' chats, by unit code
	offs  map[string]int64 // the ward officials, by unit code
}

func newBotsWorld(t *testing.T) *botsWorld {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	w := &botsWorld{st: st, units: map[string]int64{}, chats: map[string]int64{}, offs: map[string]int64{}}
	add := func(code, parent string) {
		var parentID *int64
		if parent != "" {
			id := w.units[parent]
			parentID = &id
		}
		var id int64
		if err := st.DB().GetContext(ctx, &id, `
			INSERT INTO units (code, name, parent_id, created_at, updated_at) VALUES ($1, $1, $2, $3, $3) RETURNING id`,
			code, parentID, importNow); err != nil {
			t.Fatal(err)
		}
		w.units[code] = id
	}
	add("bo-noi-vu", "")
	add("ha-noi", "bo-noi-vu")
	add("hue", "bo-noi-vu")
	add("ba-dinh", "ha-noi")
	add("thuan-hoa", "hue")
	add("phuong-truc-thuoc", "bo-noi-vu")
	for i, code := range []string{"ba-dinh", "thuan-hoa", "phuong-truc-thuoc"} {
		chat := int64(1000 + i)
		var id int64
		if err := st.DB().GetContext(ctx, &id, `
			INSERT INTO officials (unit_id, key, name, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
			VALUES ($1, 'van-phong', 'Văn phòng ' || $2, '{office}', $3, $3, $4, $4, $4) RETURNING id`,
			w.units[code], code, chat, importNow); err != nil {
			t.Fatal(err)
		}
		w.chats[code], w.offs[code] = chat, id
	}
	return w
}

// unitBot returns the bot of the unit code.
func (w *botsWorld) unitBot(t *testing.T, code string) string {
	t.Helper()
	bot, err := store.UnitBot(context.Background(), w.st, w.units[code])
	if err != nil {
		t.Fatal(err)
	}
	return bot
}

// enqueue enqueues a reminder to the official of the ward code and returns
// the bot its row names.
func (w *botsWorld) enqueue(t *testing.T, code, key string) string {
	t.Helper()
	ctx := context.Background()
	off := w.offs[code]
	if _, err := store.Enqueue(ctx, w.st, store.OutMessage{
		OfficialID: &off, ChatID: w.chats[code], DedupeKey: key, Kind: "reminder",
		Payload: store.Payload{Text: key}, NotBefore: importNow,
	}); err != nil {
		t.Fatal(err)
	}
	var bot string
	if err := w.st.DB().GetContext(ctx, &bot, `SELECT bot FROM outbox WHERE dedupe_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return bot
}

func TestAssignUnitBotsNearestAncestor(t *testing.T) {
	ctx := context.Background()
	w := newBotsWorld(t)
	missing, changed, err := w.st.AssignUnitBots(ctx, map[string]string{
		"ha-noi": "hanoi", "hue": "mien-trung", "thuan-hoa": "thuan-hoa-bot", "khong-co": "hanoi",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(missing, []string{"khong-co"}) {
		t.Errorf("missing = %v, want [khong-co]", missing)
	}
	if changed != 4 {
		t.Errorf("changed = %d, want 4 (ha-noi, ba-dinh, hue, thuan-hoa)", changed)
	}
	for code, want := range map[string]string{
		"bo-noi-vu": store.DefaultBot, "ha-noi": "hanoi", "ba-dinh": "hanoi", "hue": "mien-trung",
		"thuan-hoa": "thuan-hoa-bot", "phuong-truc-thuoc": store.DefaultBot,
	} {
		if got := w.unitBot(t, code); got != want {
			t.Errorf("bot of %s = %q, want %q", code, got, want)
		}
	}
	// The same configuration again changes nothing; an empty one puts
	// every unit back on the default bot.
	if _, changed, err := w.st.AssignUnitBots(ctx, map[string]string{
		"ha-noi": "hanoi", "hue": "mien-trung", "thuan-hoa": "thuan-hoa-bot",
	}); err != nil || changed != 0 {
		t.Errorf("again: changed %d, %v; want 0", changed, err)
	}
	if _, changed, err := w.st.AssignUnitBots(ctx, nil); err != nil || changed != 4 {
		t.Errorf("none: changed %d, %v; want 4", changed, err)
	}
	if got := w.unitBot(t, "ba-dinh"); got != store.DefaultBot {
		t.Errorf("bot of ba-dinh without telegram.bots = %q", got)
	}
}

func TestBotRoutingAndMove(t *testing.T) {
	ctx := context.Background()
	w := newBotsWorld(t)
	now := importNow.Add(time.Hour)

	// Linked before any bot was configured: every row goes through the
	// default bot; an explicit bot wins (the bot answering a chat).
	if got := w.enqueue(t, "ba-dinh", "r1"); got != store.DefaultBot {
		t.Errorf("r1 bot = %q, want default", got)
	}
	if _, err := store.Enqueue(ctx, w.st, store.OutMessage{ChatID: 555, DedupeKey: "reply-1", Kind: "reply",
		Payload: store.Payload{Text: "x"}, NotBefore: importNow, Bot: "hanoi"}); err != nil {
		t.Fatal(err)
	}
	// Zalo and e-mail rows are the default bot's whatever they say.
	if _, err := store.EnqueueMany(ctx, w.st, []store.OutMessage{
		{ChatID: store.ZaloChatBase + 1, DedupeKey: "z1", Kind: "reminder", Payload: store.Payload{Text: "z"}, NotBefore: importNow},
		{ChatID: w.chats["ba-dinh"], DedupeKey: "m1", Kind: "reminder", Payload: store.Payload{Text: "m"}, NotBefore: importNow},
	}); err != nil {
		t.Fatal(err)
	}

	// Hà Nội gets its own bot. Bà Đình's official has not started it: the
	// official waits, and the messages still go through the default bot.
	if _, _, err := w.st.AssignUnitBots(ctx, map[string]string{"ha-noi": "hanoi"}); err != nil {
		t.Fatal(err)
	}
	moved, waiting, err := w.st.MoveToBot(ctx, "hanoi")
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 0 || len(waiting) != 1 || waiting[0].OfficialID != w.offs["ba-dinh"] ||
		waiting[0].From != store.DefaultBot || waiting[0].To != "hanoi" {
		t.Fatalf("MoveToBot before a start: moved %+v, waiting %+v", moved, waiting)
	}
	if got := w.enqueue(t, "ba-dinh", "r2"); got != store.DefaultBot {
		t.Errorf("r2 bot before the start = %q, want default", got)
	}
	claimed, err := w.st.ClaimBotOutbox(ctx, store.ChannelTelegram, "hanoi", now, time.Minute, 10, 10, nil)
	if err != nil || len(claimed) != 1 || claimed[0].DedupeKey != "reply-1" || claimed[0].Bot != "hanoi" {
		t.Fatalf("hanoi claims %+v, %v; want only reply-1", claimed, err)
	}

	// The official starts the Hà Nội bot: moved, with the pending rows.
	var movedNow bool
	if err := w.st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		movedNow, err = store.StartBot(ctx, tx, "hanoi", w.chats["ba-dinh"], now)
		return err
	}); err != nil || !movedNow {
		t.Fatalf("StartBot = %v, %v; want moved", movedNow, err)
	}
	var bots []string
	if err := w.st.DB().SelectContext(ctx, &bots, `SELECT bot FROM outbox WHERE dedupe_key IN ('r1', 'r2', 'm1') ORDER BY dedupe_key`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(bots, []string{"hanoi", "hanoi", "hanoi"}) {
		t.Errorf("bots of m1, r1, r2 after the start = %v, want hanoi", bots)
	}
	if got := w.enqueue(t, "ba-dinh", "r3"); got != "hanoi" {
		t.Errorf("r3 bot after the start = %q, want hanoi", got)
	}
	var zbot string
	if err := w.st.DB().GetContext(ctx, &zbot, `SELECT bot FROM outbox WHERE dedupe_key = 'z1'`); err != nil || zbot != store.DefaultBot {
		t.Errorf("Zalo row's bot = %q, %v", zbot, err)
	}
	// Starting again moves nothing.
	if err := w.st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		movedNow, err = store.StartBot(ctx, tx, "hanoi", w.chats["ba-dinh"], now)
		return err
	}); err != nil || movedNow {
		t.Errorf("StartBot again = %v, %v; want not moved", movedNow, err)
	}

	// Hà Nội's bot is retired and Hà Nội moves to a new one, which the
	// official started long ago: MoveToBot moves it at once. Before that,
	// the rows of the retired bot are reported, not lost.
	stranded, err := w.st.StrandedMessages(ctx, []string{store.DefaultBot, "hanoi-2"})
	if err != nil || len(stranded) != 1 || stranded[0].Bot != "hanoi" || stranded[0].Pending != 5 {
		t.Fatalf("stranded = %+v, %v; want 5 rows of hanoi (r1, r2, r3, m1, reply-1)", stranded, err)
	}
	if _, err := w.st.DB().ExecContext(ctx, `INSERT INTO bot_starts (bot, chat_id, started_at) VALUES ('hanoi-2', $1, $2)`,
		w.chats["ba-dinh"], importNow); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.st.AssignUnitBots(ctx, map[string]string{"ha-noi": "hanoi-2"}); err != nil {
		t.Fatal(err)
	}
	moved, waiting, err = w.st.MoveToBot(ctx, "hanoi-2")
	if err != nil || len(moved) != 1 || len(waiting) != 0 || moved[0].From != "hanoi" {
		t.Fatalf("MoveToBot(hanoi-2) = moved %+v, waiting %+v, %v", moved, waiting, err)
	}
	stranded, err = w.st.StrandedMessages(ctx, []string{store.DefaultBot, "hanoi-2"})
	if err != nil || len(stranded) != 1 || stranded[0].Pending != 1 {
		t.Errorf("stranded after the move = %+v, %v; want only the reply to the unlinked chat", stranded, err)
	}
}

func TestProcessedUpdatesPerBot(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	for _, bot := range []string{store.DefaultBot, "hanoi"} {
		fresh, err := store.MarkBotUpdateProcessed(ctx, st, bot, 41, importNow)
		if err != nil || !fresh {
			t.Fatalf("update 41 of %s: fresh %v, %v; want fresh (each bot numbers its own)", bot, fresh, err)
		}
	}
	if fresh, err := store.MarkBotUpdateProcessed(ctx, st, "hanoi", 41, importNow); err != nil || fresh {
		t.Errorf("update 41 of hanoi again: fresh %v, %v", fresh, err)
	}
	if _, err := store.MarkBotUpdateProcessed(ctx, st, "hanoi", 90, importNow); err != nil {
		t.Fatal(err)
	}
	if off, err := st.UpdateOffset(ctx, importNow); err != nil || off != 42 {
		t.Errorf("default bot's offset = %d, %v; want 42", off, err)
	}
	if off, err := st.BotUpdateOffset(ctx, "hanoi", importNow); err != nil || off != 91 {
		t.Errorf("hanoi's offset = %d, %v; want 91", off, err)
	}
}
