package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// deliveryFixture is a unit with a chairman, an office official, a member
// who leads a task the office supports, one occurrence and a target.
type deliveryFixture struct {
	unit                     int64
	chairman, office, member int64
	outsider                 int64
	task, occurrence, target int64
	chairChat, officeChat    int64
	memberChat, outsiderChat int64
}

// t0 is the instant the fixtures are written at.
var t0 = time.Date(2025, 3, 10, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func newDeliveryFixture(t *testing.T, st *store.Store) deliveryFixture {
	t.Helper()
	ctx := context.Background()
	f := deliveryFixture{chairChat: 1001, officeChat: 1002, memberChat: 1003, outsiderChat: 1004}
	err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		q := func(dst *int64, query string, args ...any) {
			if err := tx.GetContext(ctx, dst, query, args...); err != nil {
				t.Fatalf("fixture %q: %v", query, err)
			}
		}
		q(&f.unit, `INSERT INTO units (code, name, created_at, updated_at)
			VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1) RETURNING id`, t0)
		official := func(key, name, role string, chat int64) int64 {
			var id int64
			q(&id, `INSERT INTO officials (unit_id, key, name, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
				VALUES ($1, $2, $3, ARRAY[$4], $5, $5, $6, $6, $6) RETURNING id`, f.unit, key, name, role, chat, t0)
			return id
		}
		f.chairman = official("chu-tich", "Vương Văn Toàn", "chairman", f.chairChat)
		f.office = official("van-phong", "Công chức Văn phòng - Thống kê", "office", f.officeChat)
		f.member = official("tu-phap", "Công chức Tư pháp - Hộ tịch", "member", f.memberChat)
		f.outsider = official("tai-chinh", "Công chức Tài chính - Kế toán", "member", f.outsiderChat)
		var planID, area int64
		q(&planID, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
			VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2) RETURNING id`, f.unit, t0)
		q(&area, `INSERT INTO areas (plan_id, code, name) VALUES ($1, '2', 'Cải cách thủ tục hành chính') RETURNING id`, planID)
		q(&f.task, `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'ra-soat-tthc', 'Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC', $3, '2025-06-30', $4, $4) RETURNING id`,
			planID, area, f.member, t0)
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_supporters (task_id, official_id) VALUES ($1, $2)`, f.task, f.office); err != nil {
			t.Fatalf("fixture supporter: %v", err)
		}
		q(&f.occurrence, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-06-30', '2025-06-30', '2025-06-30', $2, $2) RETURNING id`, f.task, t0)
		q(&f.target, `INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, created_at, updated_at)
			VALUES ($1, $2, 'tthc-dung-han', '100% hồ sơ TTHC được trả kết quả đúng và trước hạn', 'percent', 100, '>=', $3, 'monthly', $4, $4)
			RETURNING id`, planID, area, f.office, t0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func enqueue(t *testing.T, st *store.Store, m store.OutMessage) {
	t.Helper()
	if _, err := store.Enqueue(context.Background(), st, m); err != nil {
		t.Fatal(err)
	}
}

func TestClaimOutboxOnePerChatAndLease(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for i, chat := range []int64{10, 10, 20, 30} {
		enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "k" + string(rune('a'+i)), Kind: "notice",
			Payload: store.Payload{Text: "xin chào"}, NotBefore: t0})
	}
	enqueue(t, st, store.OutMessage{ChatID: 40, DedupeKey: "later", Kind: "notice",
		Payload: store.Payload{Text: "sau"}, NotBefore: t0.Add(time.Hour)})

	rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, t0, time.Minute, 10, []int64{30})
	if err != nil {
		t.Fatal(err)
	}
	var chats []int64
	for _, r := range rows {
		chats = append(chats, r.ChatID)
		if r.Attempts != 1 || !r.NextAttemptAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("row %d: attempts %d, next %v; want 1, %v", r.ID, r.Attempts, r.NextAttemptAt, t0.Add(time.Minute))
		}
	}
	if len(chats) != 2 || chats[0] != 10 || chats[1] != 20 {
		t.Fatalf("claimed chats %v, want [10 20] (one per chat, busy 30 skipped, future 40 not due)", chats)
	}
	// Leased rows are not claimed again before the lease ends, and the
	// second message to chat 10 waits for the first: per-chat order.
	rows, err = st.ClaimOutbox(ctx, store.ChannelTelegram, t0.Add(30*time.Second), time.Minute, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ChatID != 30 {
		t.Fatalf("second claim = %+v, want only chat 30", rows)
	}
	// After the leases the first messages come back, still one per chat.
	rows, err = st.ClaimOutbox(ctx, store.ChannelTelegram, t0.Add(2*time.Minute), time.Minute, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].DedupeKey != "ka" {
		t.Fatalf("claim after lease: %+v, want 3 rows starting with chat 10's first message", rows)
	}
	if err := st.MarkOutboxSent(ctx, rows[0].ID, 1, t0); err != nil {
		t.Fatal(err)
	}
	rows, err = st.ClaimOutbox(ctx, store.ChannelTelegram, t0.Add(2*time.Minute), time.Minute, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].DedupeKey != "kb" {
		t.Fatalf("after the first was sent: %+v, want chat 10's second message", rows)
	}
}

// TestClaimOutboxRepliesFirst: during a backlog of scheduled messages, a
// reply is claimed first, also before the scheduled messages already
// pending for its own chat; scheduled messages keep their order.
func TestClaimOutboxRepliesFirst(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for i, chat := range []int64{10, 20, 30, 10} {
		enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "nag" + string(rune('a'+i)), Kind: "nag",
			Payload: store.Payload{Text: "Nhắc việc quá hạn"}, NotBefore: t0})
	}
	for _, chat := range []int64{40, 10} {
		enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "reply-" + string(rune('0'+chat/10)), Kind: "reply",
			Payload: store.Payload{Text: "✅ Đã ghi nhận tiến độ 60%"}, NotBefore: t0.Add(time.Minute)})
	}
	claim := func(now time.Time, limit int) []string {
		t.Helper()
		rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, now, time.Minute, limit, nil)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range rows {
			keys = append(keys, r.DedupeKey)
			if err := st.MarkOutboxSent(ctx, r.ID, r.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		return keys
	}
	if got := claim(t0.Add(time.Minute), 2); !slices.Equal(got, []string{"reply-4", "reply-1"}) {
		t.Errorf("first claim = %v, want the two replies (chat 40's, then chat 10's ahead of its nags)", got)
	}
	if got := claim(t0.Add(time.Minute), 10); !slices.Equal(got, []string{"naga", "nagb", "nagc"}) {
		t.Errorf("second claim = %v, want the first nag of each chat in order", got)
	}
	if got := claim(t0.Add(time.Minute), 10); !slices.Equal(got, []string{"nagd"}) {
		t.Errorf("third claim = %v, want chat 10's second nag", got)
	}
	next, ok, err := st.NextOutboxDue(ctx)
	if err != nil || ok {
		t.Errorf("NextOutboxDue after all sent = %v, %v, %v; want none", next, ok, err)
	}
}

func TestOutboxOutcomes(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for i, k := range []string{"sent", "retry", "slow", "dead"} {
		enqueue(t, st, store.OutMessage{ChatID: int64(i+1) * 100, DedupeKey: k, Kind: "notice",
			Payload: store.Payload{Text: k}, NotBefore: t0})
	}
	rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, t0, time.Minute, 10, nil)
	if err != nil || len(rows) != 4 {
		t.Fatalf("claim: %d rows, %v", len(rows), err)
	}
	byKey := map[string]store.OutboxRow{}
	for _, r := range rows {
		byKey[r.DedupeKey] = r
	}
	if err := st.MarkOutboxSent(ctx, byKey["sent"].ID, 77, t0); err != nil {
		t.Fatal(err)
	}
	if err := st.RetryOutbox(ctx, byKey["retry"].ID, t0.Add(5*time.Second), "502 Bad Gateway", true); err != nil {
		t.Fatal(err)
	}
	if err := st.RetryOutbox(ctx, byKey["slow"].ID, t0.Add(3*time.Second), "429", false); err != nil {
		t.Fatal(err)
	}
	if err := st.KillOutbox(ctx, byKey["dead"].ID, "400 Bad Request: chat not found"); err != nil {
		t.Fatal(err)
	}
	all, err := st.OutboxRows(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status   string
		attempts int
		lastErr  string
	}{
		"sent":  {store.OutboxSent, 1, ""},
		"retry": {store.OutboxPending, 1, "502 Bad Gateway"},
		"slow":  {store.OutboxPending, 0, "429"},
		"dead":  {store.OutboxDead, 1, "400 Bad Request: chat not found"},
	}
	for _, r := range all {
		w := want[r.DedupeKey]
		if r.Status != w.status || r.Attempts != w.attempts || r.LastError != w.lastErr {
			t.Errorf("%s: status %s attempts %d error %q; want %s %d %q", r.DedupeKey, r.Status, r.Attempts, r.LastError, w.status, w.attempts, w.lastErr)
		}
	}
	got, err := store.OutboxByMessage(ctx, st, byKey["sent"].ChatID, 77)
	if err != nil || got.ID != byKey["sent"].ID {
		t.Fatalf("OutboxByMessage = %+v, %v; want row %d", got, err, byKey["sent"].ID)
	}
	if _, err := store.OutboxByMessage(ctx, st, byKey["sent"].ChatID+1, 77); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("OutboxByMessage in another chat: %v, want ErrNotFound", err)
	}
	next, ok, err := st.NextOutboxDue(ctx)
	if err != nil || !ok || !next.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("NextOutboxDue = %v, %v, %v; want %v", next, ok, err, t0.Add(3*time.Second))
	}
	// A row already sent is not touched by a late outcome.
	if err := st.KillOutbox(ctx, byKey["sent"].ID, "late"); err != nil {
		t.Fatal(err)
	}
	r, _ := store.OutboxByMessage(ctx, st, byKey["sent"].ChatID, 77)
	if r.Status != store.OutboxSent {
		t.Fatalf("sent row became %s", r.Status)
	}
}

func TestMarkUnreachableNotifiesOfficeOnce(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	f := newDeliveryFixture(t, st)
	notice := func(to, who plan.Official) store.Payload {
		return store.Payload{Text: "không liên lạc được " + who.Key}
	}
	for i := 0; i < 2; i++ {
		who, err := st.MarkUnreachable(ctx, 0, f.memberChat, "403 Forbidden", t0.Add(time.Duration(i)*time.Minute), notice)
		if err != nil {
			t.Fatal(err)
		}
		if who.ID != f.member || who.UnreachableAt == nil {
			t.Fatalf("marked %+v, want member %d unreachable", who, f.member)
		}
	}
	notices, err := st.OutboxRows(ctx, "notice")
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || notices[0].ChatID != f.officeChat {
		t.Fatalf("notices %+v, want exactly one to the office chat %d", notices, f.officeChat)
	}
	if _, err := st.MarkUnreachable(ctx, 0, 999999, "403", t0, notice); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown chat: %v, want ErrNotFound", err)
	}
	// Unblocking ends the episode; blocking again tells the office again.
	if err := st.MarkReachable(ctx, st, f.memberChat, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkUnreachable(ctx, 0, f.memberChat, "403", t0.Add(2*time.Hour), notice); err != nil {
		t.Fatal(err)
	}
	notices, _ = st.OutboxRows(ctx, "notice")
	if len(notices) != 2 {
		t.Fatalf("%d notices after a second episode, want 2", len(notices))
	}
}

func TestMigrateChat(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	f := newDeliveryFixture(t, st)
	member := f.member
	enqueue(t, st, store.OutMessage{OfficialID: &member, ChatID: f.memberChat, DedupeKey: "a", Kind: "reminder", Payload: store.Payload{Text: "a"}, NotBefore: t0})
	enqueue(t, st, store.OutMessage{OfficialID: &member, ChatID: f.memberChat, DedupeKey: "b", Kind: "reminder", Payload: store.Payload{Text: "b"}, NotBefore: t0})
	rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, t0, time.Minute, 1, nil)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v %v", rows, err)
	}
	const newChat = -1001234567890
	if err := st.MigrateChat(ctx, rows[0].ID, f.memberChat, newChat, t0); err != nil {
		t.Fatal(err)
	}
	o, err := st.OfficialByChat(ctx, newChat)
	if err != nil || o.ID != f.member {
		t.Fatalf("official of the new chat: %+v, %v", o, err)
	}
	rows, err = st.ClaimOutbox(ctx, store.ChannelTelegram, t0, time.Minute, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ChatID != newChat || rows[0].DedupeKey != "a" || rows[0].Attempts != 1 {
		t.Fatalf("after migration claimed %+v; want row a in the new chat, due now, attempt not counted", rows)
	}
}

func TestRecordProgress(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	f := newDeliveryFixture(t, st)
	pct := func(v int) *int { return &v }
	steps := []struct {
		name        string
		in          store.ProgressInput
		wantPercent int
		wantDone    bool
		wantDup     bool
		wantWasDone bool
	}{
		{"percent", store.ProgressInput{Percent: pct(60), Note: "đã dự thảo", UpdateID: 1}, 60, false, false, false},
		{"same update again", store.ProgressInput{Percent: pct(90), UpdateID: 1}, 60, false, true, false},
		{"note only keeps percent", store.ProgressInput{Note: "chờ ý kiến", UpdateID: 2}, 60, false, false, false},
		{"done", store.ProgressInput{Done: true, UpdateID: 3}, 100, true, false, false},
		{"percent after done is history only", store.ProgressInput{Percent: pct(20), UpdateID: 4}, 100, true, false, true},
		{"evidence after done", store.ProgressInput{EvidenceKind: store.EvidencePhoto, EvidenceFile: "AgAD", UpdateID: 5}, 100, true, false, true},
	}
	for i, s := range steps {
		in := s.in
		in.OccurrenceID, in.OfficialID, in.Source = f.occurrence, f.member, store.SourceTelegram
		in.ChatID, in.MessageID, in.Now = f.memberChat, int64(100+i), t0.Add(time.Duration(i)*time.Hour)
		var res store.ProgressResult
		err := st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = store.RecordProgress(ctx, tx, in)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		o := res.Occurrence
		if o.Percent != s.wantPercent || o.Done() != s.wantDone || res.Duplicate != s.wantDup || res.WasDone != s.wantWasDone {
			t.Errorf("%s: percent %d done %v dup %v wasDone %v; want %d %v %v %v", s.name,
				o.Percent, o.Done(), res.Duplicate, res.WasDone, s.wantPercent, s.wantDone, s.wantDup, s.wantWasDone)
		}
	}
	o, err := store.ReportableOccurrenceByID(ctx, st, f.occurrence)
	if err != nil {
		t.Fatal(err)
	}
	if o.DoneAt == nil || !o.DoneAt.Equal(t0.Add(3*time.Hour)) || o.DoneBy == nil || *o.DoneBy != f.member {
		t.Fatalf("done_at %v done_by %v; want %v by %d", o.DoneAt, o.DoneBy, t0.Add(3*time.Hour), f.member)
	}
	if !o.CanUpdate(f.member) || !o.CanUpdate(f.office) || o.CanUpdate(f.chairman) || o.CanUpdate(f.outsider) {
		t.Fatalf("CanUpdate wrong: supporters %v lead %d", o.SupporterIDs, o.LeadID)
	}
	if o.TaskTitle != "Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC" {
		t.Fatalf("task title %q", o.TaskTitle)
	}
	reports, err := store.ProgressReports(ctx, st, f.occurrence)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 5 {
		t.Fatalf("%d reports, want 5 (the duplicate update is not recorded)", len(reports))
	}
	if reports[0].Note != "đã dự thảo" || *reports[0].Percent != 60 || reports[2].Percent == nil || *reports[2].Percent != 100 || !reports[2].Done {
		t.Fatalf("history wrong: %+v", reports)
	}
	if reports[4].EvidenceKind != store.EvidencePhoto || reports[4].EvidenceFileID != "AgAD" {
		t.Fatalf("evidence not kept: %+v", reports[4])
	}
}

func TestOfficialOccurrencesAndTargets(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	f := newDeliveryFixture(t, st)
	through := plan.NewDate(2025, 12, 31)
	for _, tc := range []struct {
		official int64
		want     int
	}{{f.member, 1}, {f.office, 1}, {f.chairman, 0}, {f.outsider, 0}} {
		occs, err := store.OfficialOccurrences(ctx, st, tc.official, through, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(occs) != tc.want {
			t.Errorf("official %d: %d occurrences, want %d", tc.official, len(occs), tc.want)
		}
	}
	occs, _ := store.OfficialOccurrences(ctx, st, f.member, plan.NewDate(2025, 6, 29), 50)
	if len(occs) != 0 {
		t.Errorf("through before the due date: %d occurrences, want 0", len(occs))
	}
	targets, err := store.OwnedTargets(ctx, st, f.office)
	if err != nil || len(targets) != 1 || targets[0].ID != f.target {
		t.Fatalf("OwnedTargets = %+v, %v", targets, err)
	}
	in := store.ReadingInput{TargetID: f.target, PeriodKey: "2025-03", Value: 96.5, OfficialID: f.office,
		Source: store.SourceTelegram, ChatID: f.officeChat, MessageID: 5, UpdateID: 42, Now: t0}
	for i, want := range []bool{true, false} {
		ok, err := store.RecordReading(ctx, st, in)
		if err != nil || ok != want {
			t.Fatalf("RecordReading #%d = %v, %v; want %v", i, ok, err, want)
		}
	}
	rs, err := store.Readings(ctx, st, f.target)
	if err != nil || len(rs) != 1 || rs[0].Value != 96.5 || rs[0].PeriodKey != "2025-03" {
		t.Fatalf("Readings = %+v, %v", rs, err)
	}
}

func TestUpdatesAndChatState(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	off, err := st.UpdateOffset(ctx, t0)
	if err != nil || off != 0 {
		t.Fatalf("offset on an empty table = %d, %v; want 0", off, err)
	}
	for _, tc := range []struct {
		id   int64
		at   time.Time
		want bool
	}{{500, t0.Add(-30 * 24 * time.Hour), true}, {7, t0, true}, {8, t0, true}, {7, t0, false}} {
		ok, err := store.MarkUpdateProcessed(ctx, st, tc.id, tc.at)
		if err != nil || ok != tc.want {
			t.Fatalf("MarkUpdateProcessed(%d) = %v, %v; want %v", tc.id, ok, err, tc.want)
		}
	}
	// The month-old update 500 is outside the reuse window: ids restart.
	off, err = st.UpdateOffset(ctx, t0)
	if err != nil || off != 9 {
		t.Fatalf("offset = %d, %v; want 9", off, err)
	}
	if done, _ := st.UpdateProcessed(ctx, 8); !done {
		t.Fatal("update 8 not processed")
	}

	type state struct {
		Step    string  `json:"step"`
		Targets []int64 `json:"targets"`
	}
	var got state
	if ok, err := store.ChatState(ctx, st, 1, t0.Add(-time.Hour), &got); ok || err != nil {
		t.Fatalf("ChatState on nothing = %v, %v", ok, err)
	}
	if err := store.SetChatState(ctx, st, 1, state{"choose", []int64{3, 4}}, t0); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.ChatState(ctx, st, 1, t0.Add(-time.Hour), &got); !ok || err != nil || got.Step != "choose" || len(got.Targets) != 2 {
		t.Fatalf("ChatState = %v, %v, %+v", ok, err, got)
	}
	if ok, _ := store.ChatState(ctx, st, 1, t0.Add(time.Minute), &got); ok {
		t.Fatal("stale state returned")
	}
	if err := store.ClearChatState(ctx, st, 1); err != nil {
		t.Fatal(err)
	}
	if ok, _ := store.ChatState(ctx, st, 1, t0.Add(-time.Hour), &got); ok {
		t.Fatal("state survived ClearChatState")
	}
}
