package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	worker "github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/tghtml"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The huge plan: 5,000 tasks in 12 areas, 4,880 of them due on 30/6,
// led by the member "tu-phap" or one of 40 others, each involving
// tu-phap (as lead or supporter). The run is Tuesday 15/4/2025 08:00, when
// the reminders job and the monthly digest (month 15/3–14/4 under
// decree09) both fire.
const (
	hugeTasks    = 5000
	hugeAreas    = 12
	hugeOthers   = 40  // members other than the three linked officials
	hugeOverdue  = 60  // tasks 0..59: due 3/3–14/4, overdue at the run
	hugeIn3Days  = 30  // tasks 60..89: due Friday 18/4
	hugeIn7Days  = 30  // tasks 90..119: due Tuesday 22/4
	hugeMonster  = 100 // a task whose title alone is longer than a Telegram message
	hugeChairman = 2001
	hugeOffice   = 2002
	hugeLead     = 2003
)

var hugeRun = time.Date(2025, 4, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// hugeTask is one generated task, as written to the plan file.
type hugeTask struct {
	key, title, area, lead string
	support                []string
	due                    plan.Date
	position               int // 1-based, in file order (areas, then tasks)
}

// hugePlan is the generated plan file and what it holds.
type hugePlan struct {
	yaml      []byte
	tasks     []*hugeTask // by generation index
	areaNames map[string]string
	names     map[string]string // official key → name
	targets   []string          // target texts
	owners    []string          // target owners
}

// generateHugePlan writes the plan: long Vietnamese titles with
// diacritics and characters that are markup in Telegram HTML (< > &).
func generateHugePlan() *hugePlan {
	p := &hugePlan{areaNames: map[string]string{}, names: map[string]string{}}
	p.names["chu-tich"] = "Vương Văn Toàn"
	p.names["van-phong"] = "Nguyễn Thị Thu Hà — Công chức Văn phòng - Thống kê"
	p.names["tu-phap"] = "Trần Quốc Bảo — Công chức Tư pháp - Hộ tịch"
	var others []string
	for k := range hugeOthers {
		key := fmt.Sprintf("cb-%02d", k+1)
		others = append(others, key)
		p.names[key] = fmt.Sprintf("Lê Thị Phương Thảo %02d — Công chức Văn hóa - Xã hội <Tổ CCHC & Bộ phận một cửa số %d>", k+1, k%7+1)
	}
	// Working days from 3/3 to 14/4 (7/4 is Giỗ Tổ Hùng Vương).
	var overdueDays []plan.Date
	for d := plan.NewDate(2025, 3, 3); !d.After(plan.NewDate(2025, 4, 14)); d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d != plan.NewDate(2025, 4, 7) {
			overdueDays = append(overdueDays, d)
		}
	}
	byArea := make([][]*hugeTask, hugeAreas)
	for i := range hugeTasks {
		t := &hugeTask{key: fmt.Sprintf("nv-%04d", i), area: strconv.Itoa(i%hugeAreas + 1)}
		t.title = fmt.Sprintf("Nhiệm vụ số %04d: Rà soát, đề xuất cắt giảm, đơn giản hóa thủ tục hành chính <nhóm %d> & cập nhật "+
			"kết quả giải quyết hồ sơ trên Cổng Dịch vụ công quốc gia; bảo đảm tỷ lệ hồ sơ đúng hạn > 98%% theo Kế hoạch số %d/KH-UBND "+
			"ngày 15/01/2025 của Ủy ban nhân dân phường về cải cách hành chính", i, i%9+1, 100+i%50)
		if i == hugeMonster {
			t.title = "Nhiệm vụ đặc biệt dài: " + strings.Repeat("Tổ chức rà soát, đánh giá <đầy đủ> & toàn diện việc thực hiện nhiệm vụ cải cách hành chính. ", 70)
		}
		switch {
		case i%4 == 0 || (i >= hugeOverdue+hugeIn3Days+hugeIn7Days && i%10 != 1):
			// The lead leads a quarter of the tasks with deadlines soon
			// and most of the rest (fewer supporter rows: a quicker import).
			t.lead = "tu-phap"
		case i%10 == 3:
			t.lead, t.support = others[i%hugeOthers], []string{"tu-phap", "van-phong"}
		default:
			t.lead, t.support = others[i%hugeOthers], []string{"tu-phap"}
		}
		switch {
		case i < hugeOverdue:
			t.due = overdueDays[i%len(overdueDays)]
		case i < hugeOverdue+hugeIn3Days:
			t.due = plan.NewDate(2025, 4, 18)
		case i < hugeOverdue+hugeIn3Days+hugeIn7Days:
			t.due = plan.NewDate(2025, 4, 22)
		default:
			t.due = plan.NewDate(2025, 6, 30) // most of the plan: one day
		}
		p.tasks = append(p.tasks, t)
		byArea[i%hugeAreas] = append(byArea[i%hugeAreas], t)
	}

	var b strings.Builder
	b.WriteString("unit: {code: pdp, name: \"UBND phường Phan Đình Phùng\", timezone: Asia/Ho_Chi_Minh}\n")
	b.WriteString("plan: {code: KH-CCHC-2025, title: \"Kế hoạch cải cách hành chính năm 2025 (5.000 nhiệm vụ)\", year: 2025}\n")
	b.WriteString("officials:\n")
	fmt.Fprintf(&b, "  - {key: chu-tich, name: %q, position: \"Chủ tịch UBND phường\", roles: [chairman]}\n", p.names["chu-tich"])
	fmt.Fprintf(&b, "  - {key: van-phong, name: %q, roles: [office]}\n", p.names["van-phong"])
	fmt.Fprintf(&b, "  - {key: tu-phap, name: %q}\n", p.names["tu-phap"])
	for _, key := range others {
		fmt.Fprintf(&b, "  - {key: %s, name: %q}\n", key, p.names[key])
	}
	b.WriteString("areas:\n")
	position := 0
	for a, tasks := range byArea {
		code := strconv.Itoa(a + 1)
		p.areaNames[code] = fmt.Sprintf("Lĩnh vực %d: Cải cách thủ tục hành chính & hiện đại hóa nền hành chính <khối %d> gắn với chuyển đổi số, "+
			"xây dựng chính quyền số phục vụ người dân và doanh nghiệp", a+1, a+1)
		fmt.Fprintf(&b, "  - code: %q\n    name: %q\n", code, p.areaNames[code])
		if a == 0 {
			b.WriteString("    targets:\n")
			for k := range 3 {
				text := fmt.Sprintf("Chỉ tiêu %d: 100%% hồ sơ thủ tục hành chính <cấp phường> được tiếp nhận & giải quyết đúng hạn, "+
					"công khai kết quả trên Cổng Dịch vụ công; tỷ lệ hài lòng > 95%%", k+1)
				owner := others[k]
				p.targets, p.owners = append(p.targets, text), append(p.owners, owner)
				fmt.Fprintf(&b, "      - {key: chi-tieu-%d, text: %q, measure: percent, goal: 100, owner: %s, every: monthly}\n", k+1, text, owner)
			}
		}
		b.WriteString("    tasks:\n")
		for _, t := range tasks {
			position++
			t.position = position
			support := ""
			if len(t.support) > 0 {
				support = ", support: [" + strings.Join(t.support, ", ") + "]"
			}
			fmt.Fprintf(&b, "      - {key: %s, title: %q, lead: %s%s, due: %s}\n", t.key, t.title, t.lead, support, t.due)
		}
	}
	p.yaml = []byte(b.String())
	return p
}

// hugeHarness is the server of `nhacviec serve` (delivery worker and bot)
// against the fake Bot API, with the huge plan imported and three
// officials linked.
type hugeHarness struct {
	t    *testing.T
	ctx  context.Context
	app  *app.App
	srv  *server.Server
	tg   *telegramtest.Server
	plan *hugePlan
	pr   *i18n.Printer

	officials map[string]plan.Official // by key
	chats     map[string]int64         // linked official key → chat
}

func newHugeHarness(t *testing.T) *hugeHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clk := clock.NewFake(hugeRun)
	tg := telegramtest.New(telegramtest.WithClock(clk), telegramtest.WithMaxPollTimeout(100*time.Millisecond))
	t.Cleanup(tg.Close)

	cfg := config.Default()
	// One message per occurrence: the test follows each one.
	cfg.Reminders.Style = config.StyleEach
	cfg.Telegram.Token = tg.Token()
	cfg.Telegram.APIURL = tg.URL()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, err := cfg.Location()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		t.Fatal(err)
	}
	a := &app.App{
		Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clk,
		Store: storetest.New(t), Loc: loc, Calendar: cal, Printer: i18n.New(i18n.VI),
	}
	h := &hugeHarness{t: t, ctx: ctx, app: a, tg: tg, plan: generateHugePlan(), pr: i18n.New(i18n.VI),
		officials: map[string]plan.Official{}, chats: map[string]int64{}}

	// The real importer, from the plan file's bytes.
	f, err := planfile.Parse("kehoach-5000.yaml", h.plan.yaml)
	if err != nil {
		t.Fatalf("parse the generated plan: %v", err)
	}
	sum, err := a.Store.ImportPlan(ctx, f, store.ImportOptions{Source: "kehoach-5000.yaml", Now: clk.Now(), Calendar: cal})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if sum.Tasks.Created != hugeTasks {
		t.Fatalf("import created %d tasks, want %d:\n%s", sum.Tasks.Created, hugeTasks, sum)
	}

	h.srv, err = server.New(ctx, a, server.Options{
		PollTimeout: 100 * time.Millisecond,
		// serve's code with the fake's pace: no real second between two
		// messages to one chat.
		Worker: &worker.Options{RatePerSecond: 10000, PerChatInterval: time.Millisecond, PollInterval: 50 * time.Millisecond, Language: i18n.VI},
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.srv.RunDelivery(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})

	// invite, then /start CODE from each official's own Telegram account.
	list, err := a.Store.Officials(ctx, "pdp")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		h.officials[o.Key] = o
	}
	for key, user := range map[string]int64{"chu-tich": hugeChairman, "van-phong": hugeOffice, "tu-phap": hugeLead} {
		tg.SetUser(models.User{ID: user, FirstName: h.plan.names[key], LanguageCode: "vi"})
		code, err := store.NewInviteCode()
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Store.IssueInvite(ctx, h.officials[key].ID, code, clk.Now(), clk.Now().Add(cfg.Reminders.InviteTTL)); err != nil {
			t.Fatal(err)
		}
		tg.SendCommand(user, user, "start", code)
		h.chats[key] = user
	}
	h.settle()
	return h
}

// settle waits until the bot has confirmed every update, and then until
// the outbox has nothing pending: a confirmed update's replies are already
// in the outbox.
func (h *hugeHarness) settle() {
	h.t.Helper()
	h.tg.WaitFor(h.t, "the bot to confirm every update", func() bool { return h.tg.Pending() == 0 })
	storetest.WaitDelivered(h.t, h.app.Store)
}

// linked reports whether the official key has a chat.
func (h *hugeHarness) linked(key string) bool { _, ok := h.chats[key]; return ok }

// decision is one message a job must decide: a reminder, nag or escalation
// about a task, to an official.
type decision struct{ kind, task, official string }

// expectedDecisions computes, from the generated plan alone, what the
// reminders job must send at the run: reminders 7, 3, 1 and 0 days
// before, a nag every working day overdue, and the escalation to the
// chairman and the office once 3 working days overdue; only to linked
// officials.
func (h *hugeHarness) expectedDecisions() map[decision]bool {
	want := map[decision]bool{}
	day := plan.DateIn(hugeRun, h.app.Loc)
	for _, t := range h.plan.tasks {
		team := append([]string{t.lead}, t.support...)
		if until := day.DaysUntil(t.due); until >= 0 {
			if !slices.Contains([]int{7, 3, 1, 0}, until) {
				continue
			}
			for _, o := range team {
				if h.linked(o) {
					want[decision{"reminder", t.key, o}] = true
				}
			}
			continue
		}
		overdue := h.app.Calendar.WorkdaysBetween(t.due, day)
		for _, o := range team {
			if overdue > 0 && h.linked(o) {
				want[decision{"nag", t.key, o}] = true
			}
		}
		if overdue >= 3 {
			want[decision{"escalation", t.key, "chu-tich"}] = true
			want[decision{"escalation", t.key, "van-phong"}] = true
		}
	}
	return want
}

// delivery is an outbox row with the Telegram messages it became.
type delivery struct {
	row   store.OutboxRow
	text  string // the payload's text (HTML)
	parts []telegramtest.SentMessage
}

// deliveries checks the outbox against what the fake Bot API recorded:
// every row sent, none dead or pending; every sendMessage, sendPhoto and
// sendDocument answered 200; every message valid HTML and at most 4096
// UTF-16 units (1024 for a caption); and every message belonging to one
// row, whose text it carries whole: a row's parts are the messages of its
// chat after the previous row's, up to its own, and their text, joined,
// is the row's text (Telegram-style splitting only drops whitespace).
func (h *hugeHarness) deliveries() []delivery {
	t := h.t
	t.Helper()
	if c, err := h.app.Store.OutboxCounts(h.ctx); err != nil || c.Dead != 0 || c.Pending != 0 {
		t.Fatalf("outbox %+v, %v: want everything sent, nothing dead or pending", c, err)
	}
	for _, call := range h.tg.CallLog() {
		switch call.Method {
		case "sendMessage", "sendPhoto", "sendDocument":
			if call.StatusCode != 200 {
				t.Errorf("%s to %d answered %d: Telegram would have refused it", call.Method, call.ChatID, call.StatusCode)
			}
		}
	}
	for _, m := range h.tg.Sent() {
		limit := tghtml.MaxMessage
		if m.Method != "sendMessage" {
			limit = 1024
		}
		if n := tghtml.Len(m.Text); n > limit {
			t.Errorf("%s %d to %d is %d characters long, over %d", m.Method, m.MessageID, m.ChatID, n, limit)
		}
		if err := tghtml.Validate(m.Text); err != nil {
			t.Errorf("%s %d to %d is not valid Telegram HTML: %v", m.Method, m.MessageID, m.ChatID, err)
		}
	}

	rows, err := h.app.Store.OutboxRows(h.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	byChat := map[int64][]store.OutboxRow{}
	for _, r := range rows {
		if r.Status != store.OutboxSent || r.TelegramMessageID == nil {
			t.Fatalf("outbox row %d (%s) is %s with no Telegram message", r.ID, r.DedupeKey, r.Status)
		}
		byChat[r.ChatID] = append(byChat[r.ChatID], r)
	}
	var out []delivery
	for chat, rows := range byChat {
		sort.Slice(rows, func(i, j int) bool { return *rows[i].TelegramMessageID < *rows[j].TelegramMessageID })
		sent := h.tg.SentTo(chat)
		k := 0
		for _, r := range rows {
			p, err := r.Payload()
			if err != nil {
				t.Fatal(err)
			}
			d := delivery{row: r, text: p.Text}
			for k < len(sent) && sent[k].MessageID <= *r.TelegramMessageID {
				d.parts = append(d.parts, sent[k])
				k++
			}
			if len(d.parts) == 0 || d.parts[len(d.parts)-1].MessageID != *r.TelegramMessageID {
				t.Fatalf("outbox row %d (%s): message %d not recorded in chat %d", r.ID, r.DedupeKey, *r.TelegramMessageID, chat)
			}
			var got []string
			for _, m := range d.parts {
				got = append(got, m.Plain())
			}
			if norm(strings.Join(got, " ")) != norm(tghtml.StripTags(p.Text)) {
				t.Errorf("outbox row %s: the %d message(s) delivered do not carry its text whole", r.DedupeKey, len(d.parts))
			}
			out = append(out, d)
		}
		if k != len(sent) {
			t.Errorf("chat %d: %d message(s) that no outbox row accounts for", chat, len(sent)-k)
		}
	}
	return out
}

// norm collapses white space.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// plainLines returns the non-blank lines of messages, trimmed, in order.
func plainLines(msgs []telegramtest.SentMessage) []string {
	var lines []string
	for _, m := range msgs {
		for _, l := range strings.Split(m.Plain(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// TestHugePlanEndToEnd imports a plan of 5,000 tasks through the real
// importer, links the chairman, the office official and a lead through the
// fake Bot API, runs the jobs of Tuesday 15/4/2025 08:00 (the reminders
// and the monthly digest) and delivers through the real worker and
// go-telegram/bot. Every message must be one Telegram accepts, carry its
// outbox row's text whole, and the decisions and the digest must be
// complete; then the lead's /viec and /quahan.
func TestHugePlanEndToEnd(t *testing.T) {
	h := newHugeHarness(t)
	ctx := h.ctx

	rep, err := h.srv.Scheduler().RunAt(ctx, hugeRun)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for _, r := range rep.Runs {
		ran[r.Job] = true
	}
	if !ran[jobs.JobRemind] || !ran[jobs.JobDigestMonthly] {
		t.Fatalf("jobs at %s:\n%s want the reminders and the monthly digest", hugeRun, rep)
	}
	h.settle()
	all := h.deliveries()

	// The decisions: exactly those the plan calls for, each naming its task.
	occTask := map[int64]string{}
	rows, err := h.app.Store.DB().QueryContext(ctx, `SELECT o.id, t.key FROM occurrences o JOIN tasks t ON t.id = o.task_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		occTask[id] = key
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	keyOf := map[int64]string{}
	for key, o := range h.officials {
		keyOf[o.ID] = key
	}
	titles := map[string]string{}
	for _, task := range h.plan.tasks {
		titles[task.key] = task.title
	}
	got := map[decision]bool{}
	var split, long []delivery
	for _, d := range all {
		r := d.row
		switch r.Kind {
		case "reminder", "nag", "escalation":
		default:
			continue
		}
		if r.OccurrenceID == nil || r.OfficialID == nil {
			t.Errorf("%s %s: no occurrence or official", r.Kind, r.DedupeKey)
			continue
		}
		task := occTask[*r.OccurrenceID]
		dec := decision{r.Kind, task, keyOf[*r.OfficialID]}
		if got[dec] {
			t.Errorf("%v decided twice", dec)
		}
		got[dec] = true
		var plain []string
		for _, m := range d.parts {
			plain = append(plain, m.Plain())
		}
		title := titles[task]
		if r := []rune(title); len(r) > 1000 {
			// Cut (with "…") to keep the reminder one message.
			title = string(r[:900])
			long = append(long, d)
		}
		if !strings.Contains(norm(strings.Join(plain, " ")), norm(title)) {
			t.Errorf("%s %s: the delivered message lacks the task's title", r.Kind, r.DedupeKey)
		}
		if r.Kind != "escalation" {
			if last := d.parts[len(d.parts)-1]; len(last.Buttons) == 0 {
				t.Errorf("%s %s: no progress buttons on its last message", r.Kind, r.DedupeKey)
			}
		}
		if len(d.parts) > 1 {
			split = append(split, d)
		}
	}
	want := h.expectedDecisions()
	for dec := range want {
		if !got[dec] {
			t.Errorf("missing: %v", dec)
		}
	}
	for dec := range got {
		if !want[dec] {
			t.Errorf("unexpected: %v", dec)
		}
	}
	for _, d := range split {
		t.Errorf("%s %s: split over %d messages; a reply to any but the last would not be understood",
			d.row.Kind, d.row.DedupeKey, len(d.parts))
	}
	if len(long) == 0 {
		t.Fatalf("no reminder about the task whose title exceeds 4096 characters")
	}
	// A reply to the reminder about the task with the longest title
	// reaches the task.
	var d delivery
	for _, l := range long {
		if l.row.Kind != "escalation" {
			d = l
			break
		}
	}
	if len(d.parts) == 0 {
		t.Fatalf("no reminder or nag about the task whose title exceeds 4096 characters")
	}
	chat := d.row.ChatID
	before := len(h.tg.SentTo(chat))
	h.tg.Reply(chat, chat, d.parts[len(d.parts)-1].MessageID, "50%")
	h.settle()
	answer := strings.Join(plainLines(h.tg.SentTo(chat)[before:]), " ")
	if !strings.HasPrefix(answer, "✅") || !strings.Contains(answer, "50%") {
		t.Errorf("reply \"50%%\" to the reminder of the longest title: answered %.200q, want progress recorded", answer)
	}
	t.Logf("%d reminders, nags and escalations; %d messages in all", len(got), len(h.tg.Sent()))

	for _, key := range []string{"chu-tich", "van-phong"} {
		h.checkDigest(all, key)
	}
	h.checkTasks()
	h.checkOverdue()
}

// checkDigest checks the monthly digest the manager key received: split
// in order over several messages, each under the limit, and holding every
// line the digest of this plan must list.
func (h *hugeHarness) checkDigest(all []delivery, key string) {
	t := h.t
	t.Helper()
	o := h.officials[key]
	base := fmt.Sprintf("digest:pdp:2025-04:%d", o.ID)
	var parts []delivery
	attachments := 0
	for _, d := range all {
		switch k := d.row.DedupeKey; {
		case strings.HasPrefix(k, base+"#") && (strings.HasSuffix(k, "#chart") || strings.HasSuffix(k, "#xlsx") || strings.HasSuffix(k, "#docx")):
			attachments++
		case strings.HasPrefix(k, base+"#"):
			parts = append(parts, d)
		case k == base:
			t.Fatalf("%s: the digest went as one message, want it split", key)
		}
	}
	if len(parts) < 2 {
		t.Fatalf("%s: digest in %d part(s), want it split over several", key, len(parts))
	}
	if attachments != 3 {
		t.Errorf("%s: %d attachments after the digest, want the chart, the workbook and the period report", key, attachments)
	}
	sort.Slice(parts, func(i, j int) bool { return partNo(parts[i].row.DedupeKey) < partNo(parts[j].row.DedupeKey) })
	var msgs []telegramtest.SentMessage
	for i, p := range parts {
		if n := partNo(p.row.DedupeKey); n != i+1 {
			t.Fatalf("%s: digest parts numbered %d at %d", key, n, i+1)
		}
		if i > 0 && *p.row.TelegramMessageID <= *parts[i-1].row.TelegramMessageID {
			t.Errorf("%s: digest part %d arrived before part %d", key, i+1, i)
		}
		if len(p.parts) != 1 {
			t.Errorf("%s: digest part %d became %d messages, want it to fit one", key, i+1, len(p.parts))
		}
		msgs = append(msgs, p.parts...)
	}
	lines := plainLines(msgs)
	has := map[string]bool{}
	for _, l := range lines {
		has[l] = true
	}
	pr := h.pr
	mustHave := func(what, line string) {
		t.Helper()
		if !has[line] {
			t.Errorf("%s: digest lacks %s: %q", key, what, line)
		}
	}
	if !strings.HasPrefix(lines[0], pr.T("digest.title", "")) {
		t.Errorf("%s: digest starts with %q", key, lines[0])
	}

	// Every overdue task is counted; the 20 most overdue are listed, in
	// order, and the rest counted.
	day := plan.DateIn(hugeRun, h.app.Loc)
	var overdue []*hugeTask
	for _, task := range h.plan.tasks {
		if task.due.Before(day) {
			overdue = append(overdue, task)
		}
	}
	mustHave("the overdue count", pr.T("digest.overdue_head", len(overdue)))
	mustHave("the count of overdue tasks not listed", pr.T("digest.more", len(overdue)-20))
	listed := map[int]int{} // position in the list → days overdue
	least := 1 << 30
	for _, task := range overdue {
		days := plan.DaysOverdue(task.due, hugeRun, h.app.Loc)
		for n := 1; n <= 20; n++ {
			if has[pr.T("digest.overdue_item", n, message.Shorten(task.title, 120), h.plan.names[task.lead], days, 0)] {
				if _, dup := listed[n]; dup {
					t.Errorf("%s: overdue item %d listed twice", key, n)
				}
				listed[n] = days
				least = min(least, days)
			}
		}
	}
	if len(listed) != 20 {
		t.Errorf("%s: %d overdue tasks listed, want 20", key, len(listed))
	}
	for n := 2; n <= 20; n++ {
		if listed[n] > listed[n-1] {
			t.Errorf("%s: overdue item %d is more overdue than item %d", key, n, n-1)
		}
	}
	moreOverdue := 0
	for _, task := range overdue {
		if plan.DaysOverdue(task.due, hugeRun, h.app.Loc) > least {
			moreOverdue++
		}
	}
	if moreOverdue > 20 {
		t.Errorf("%s: %d tasks more overdue than the least overdue listed", key, moreOverdue)
	}

	// Targets without a reading are counted, not listed as unmet; every
	// official who did not report, every area.
	n := len(h.plan.targets)
	mustHave("the targets without data counted", pr.T("targets.summary", n, pr.T("targets.count", n, pr.T("judgement.no_data"))))
	for _, text := range h.plan.targets {
		if line := pr.T("digest.target_item", message.Shorten(text, 120), pr.T("digest.target_none"), "≥ 100%"); has[line] {
			t.Errorf("%s: a target without data listed as unmet: %q", key, line)
		}
	}
	missing := map[string]bool{}
	for _, task := range overdue {
		missing[task.lead] = true
	}
	for _, owner := range h.plan.owners {
		missing[owner] = true
	}
	mustHave("the missing reports count", pr.T("digest.missing_head", len(missing)))
	for k := range missing {
		mustHave("an official who did not report", "- "+h.plan.names[k])
	}
	perArea := map[string]int{}
	for _, task := range overdue {
		perArea[task.area]++
	}
	for a := 1; a <= hugeAreas; a++ {
		code := strconv.Itoa(a)
		mustHave("an area", pr.T("digest.area_item", code, h.plan.areaNames[code], 0, perArea[code], 0))
	}
}

// partNo is N of a dedupe key ending in #N.
func partNo(key string) int {
	n, _ := strconv.Atoi(key[strings.LastIndexByte(key, '#')+1:])
	return n
}

// command has the lead send /name and returns the bot's answer: the
// messages the lead's chat received after it.
func (h *hugeHarness) command(name string) []telegramtest.SentMessage {
	h.t.Helper()
	chat := h.chats["tu-phap"]
	before := len(h.tg.SentTo(chat))
	h.tg.SendCommand(chat, chat, name, "")
	h.settle()
	answer := h.tg.SentTo(chat)[before:]
	if len(answer) == 0 {
		h.t.Fatalf("/%s: no answer", name)
	}
	for _, m := range answer {
		if n := tghtml.Len(m.Text); n > tghtml.MaxMessage {
			h.t.Errorf("/%s: a message of %d characters", name, n)
		}
	}
	return answer
}

// checkList checks the answer to /viec or /quahan: one message (a reply
// "N: 60%" maps back to the message it replies to), whose header counts
// every task, listing the first tasks in order under their numbers, and
// ending with a note counting those not listed.
func (h *hugeHarness) checkList(name string, answer []telegramtest.SentMessage, header string, want []*hugeTask, line func(n int, task *hugeTask) string) {
	t := h.t
	t.Helper()
	if len(answer) != 1 {
		t.Fatalf("/%s: answered in %d messages, want one that a numbered reply can answer", name, len(answer))
	}
	lines := plainLines(answer)
	if lines[0] != header {
		t.Errorf("/%s: header %q, want %q", name, lines[0], header)
	}
	n := 0
	for n < len(want) && 1+n < len(lines) && lines[1+n] == line(n+1, want[n]) {
		n++
	}
	if n == 0 || n > 20 {
		t.Fatalf("/%s: %d tasks listed in order, want 1 to 20; line 2: %q, want %q", name, n, lines[1], line(1, want[0]))
	}
	if note := h.pr.T("bot.tasks_more", len(want)-n); 1+n >= len(lines) || lines[1+n] != note {
		t.Errorf("/%s: after %d tasks, %q; want the note %q", name, n, lines[min(1+n, len(lines)-1)], note)
	}
}

// checkTasks: /viec for the lead of 5,000 open tasks.
func (h *hugeHarness) checkTasks() {
	answer := h.command("viec")
	tasks := slices.Clone(h.plan.tasks)
	sort.SliceStable(tasks, func(i, j int) bool {
		if c := tasks[i].due.Compare(tasks[j].due); c != 0 {
			return c < 0
		}
		return tasks[i].position < tasks[j].position
	})
	day := plan.DateIn(hugeRun, h.app.Loc)
	h.checkList("viec", answer, tghtml.StripTags(h.pr.T("bot.tasks_header", hugeTasks)), tasks, func(n int, task *hugeTask) string {
		status := h.pr.T("status.open_on_time")
		if task.due.Before(day) {
			status = h.pr.T("status.open_overdue")
		}
		return h.pr.T("bot.tasks_line", n, message.Shorten(task.title, 120), message.FormatDate(task.due), 0, status)
	})
}

// checkOverdue: /quahan for the lead of 200 overdue tasks, then a
// numbered reply to the list records progress on the task it names.
func (h *hugeHarness) checkOverdue() {
	t := h.t
	answer := h.command("quahan")
	day := plan.DateIn(hugeRun, h.app.Loc)
	var overdue []*hugeTask
	for _, task := range h.plan.tasks {
		if task.due.Before(day) {
			overdue = append(overdue, task)
		}
	}
	sort.SliceStable(overdue, func(i, j int) bool {
		if c := overdue[i].due.Compare(overdue[j].due); c != 0 {
			return c < 0
		}
		return overdue[i].position < overdue[j].position
	})
	h.checkList("quahan", answer, tghtml.StripTags(h.pr.T("bot.overdue_header_mine", len(overdue))), overdue, func(n int, task *hugeTask) string {
		return h.pr.T("bot.overdue_line", n, message.Shorten(task.title, 120), h.plan.names[task.lead],
			message.FormatDate(task.due), plan.DaysOverdue(task.due, hugeRun, h.app.Loc), 0)
	})

	chat := h.chats["tu-phap"]
	before := len(h.tg.SentTo(chat))
	h.tg.Reply(chat, chat, answer[0].MessageID, "2: 40%")
	h.settle()
	confirm := h.tg.SentTo(chat)[before:]
	if len(confirm) != 1 || !strings.Contains(confirm[0].Plain(), string([]rune(overdue[1].title)[:40])) || !strings.Contains(confirm[0].Plain(), "40%") {
		t.Errorf("reply \"2: 40%%\" to the /quahan list: answered %v, want progress recorded on %s", plainLines(confirm), overdue[1].key)
	}
	var percent int
	err := h.app.Store.DB().GetContext(h.ctx, &percent, `
		SELECT o.percent FROM occurrences o JOIN tasks t ON t.id = o.task_id WHERE t.key = $1`, overdue[1].key)
	if err != nil || percent != 40 {
		t.Errorf("%s at %d%% (%v), want 40%%", overdue[1].key, percent, err)
	}
}
