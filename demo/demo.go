// Package demo replays a quarter of the example plan through the real
// product: a managed PostgreSQL, the importer, the scheduler, the outbox
// delivery worker and the bot, talking HTTP to an in-process fake Telegram
// Bot API (package telegramtest). Only the clock (a fake one, moved from one
// scheduled instant to the next) and the Telegram endpoint differ from
// `nhacviec serve`. Simulated officials answer the bot as real ones would:
// some on time, some late, one never.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/wardreport"
	"github.com/nhacviec/nhacviec/xlsx"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// Options configure a demo run. The zero value replays the seed's 2025
// plan from 1 January to 15 March 2025 08:00 (the quarterly digest) into
// ./demo-output.
type Options struct {
	// Plan names the example plan replayed (examples.Lookup): "2025"
	// (default, the seed's) or "2026" (an illustrative post-reform ward);
	// the default replay runs from 1 January to 15 March 08:00 of its year.
	Plan string
	// Out receives the transcript as it happens.
	Out io.Writer
	// Dir receives the files: transcript, digest text and JSON.
	Dir string
	// From and To bound the replay; zero means the defaults above.
	From, To time.Time
	// DatabaseURL uses an existing database instead of a managed
	// PostgreSQL in a temporary folder (tests pass a fresh one).
	DatabaseURL string
	// Language of the messages: vi (default) or en.
	Language string
	// Verbose prints every message whole instead of its first lines.
	Verbose bool
	// Log receives the product's own logs; nil discards them.
	Log *slog.Logger
}

// Result sums up a run.
type Result struct {
	Sent     int            // messages the bot sent
	ByKind   map[string]int // outbox messages delivered by kind
	Replies  int            // updates the simulated officials sent
	Digest   *report.Digest // the chairman's quarterly digest as of To
	Files    []string       // files written
	Linked   int            // officials linked through /start
	Unlinked []string       // officials left unlinked on purpose
	// Extensions are the extension requests asked during the replay, with
	// their decisions: one approved, one rejected.
	Extensions []store.ExtensionRequest
}

// persona is how a simulated official behaves.
type persona int

const (
	prompt  persona = iota // answers every reminder and finishes on time
	late                   // ignores reminders, finishes once nagged
	partial                // reports some progress, never finishes
	never                  // never answers
)

// cast is how the officials of an example plan behave: some late, one
// partial, one who never answers, one never linked, one who answers the
// weekly progress request; the others are prompt.
type cast struct {
	personas map[string]persona
	unlinked string
	progress string
	// zalo is the official linked on Zalo rather than Telegram: the
	// brief, the replies and the confirmations in plain text, typed.
	zalo string
}

// casts are the casts of the example plans, by examples.Example name.
func castOf(example string) cast {
	if example == "2026" {
		return cast{
			personas: map[string]persona{"kinh-te": late, "noi-vu": partial, "tai-chinh": never},
			unlinked: "vhxh",
			progress: "van-phong",
			zalo:     "tu-phap",
		}
	}
	return cast{
		personas: map[string]persona{"vhxh-thong-tin": late, "dia-chinh-xd": partial, "tai-chinh": never},
		unlinked: "dai-truyen-thanh",
		progress: "vhxh-lao-dong",
		zalo:     "tu-phap",
	}
}

// persona is the behaviour of the official key; prompt by default.
func (c cast) persona(key string) persona { return c.personas[key] }

// Run replays the quarter and writes the transcript to opts.Out.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Dir == "" {
		opts.Dir = "demo-output"
	}
	example, err := examples.Lookup(opts.Plan)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	ict := time.FixedZone("ICT", 7*3600)
	if opts.From.IsZero() {
		opts.From = time.Date(example.Year, 1, 1, 0, 0, 0, 0, ict)
	}
	if opts.To.IsZero() {
		opts.To = time.Date(example.Year, 3, 15, 8, 0, 0, 0, ict)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	tmp, err := os.MkdirTemp("", "nhacviec-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(tmp)

	clk := clock.NewFake(opts.From)
	fake := telegramtest.New(telegramtest.WithClock(clk), telegramtest.WithMaxPollTimeout(50*time.Millisecond))
	defer fake.Close()
	zl := zalotest.New(zalotest.WithClock(clk), zalotest.WithMaxPollTimeout(50*time.Millisecond))
	defer zl.Close()

	cfg := config.Default()
	cfg.Database.URL = opts.DatabaseURL
	cfg.Database.DataDir = filepath.Join(tmp, "data")
	cfg.Telegram.Token = fake.Token()
	cfg.Telegram.APIURL = fake.URL()
	cfg.Zalo.Token = zl.Token()
	cfg.Zalo.APIURL = zl.URL()
	cfg.Zalo.Mode = "polling"
	if opts.Language != "" {
		cfg.Language = opts.Language
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(opts.Out, "nhacviec demo: starting PostgreSQL and the fake Telegram and Zalo Bot APIs…\n")
	a, err := app.Open(ctx, cfg, opts.Log, clk, app.Ephemeral())
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer a.Close()

	d := &run{opts: opts, example: example, cast: castOf(example.Name), app: a, clk: clk, fake: fake, zalo: zl,
		names: make(map[int64]string), officials: make(map[int64]plan.Official), res: &Result{ByKind: make(map[string]int)},
		zaloUsers: make(map[int64]string), zaloChats: make(map[string]int64), zaloAnswered: make(map[int64]int64)}
	transcript, err := os.Create(filepath.Join(opts.Dir, "transcript.txt"))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer transcript.Close()
	d.full = transcript
	d.res.Files = append(d.res.Files, transcript.Name())

	if err := d.importPlan(ctx); err != nil {
		return nil, err
	}
	srv, err := server.New(ctx, a, server.Options{
		Stdout: opts.Out,
		// Same code, quicker limits: the fake server does not throttle and
		// the replay must not wait a real second between two messages.
		Worker:     &delivery.Options{RatePerSecond: 1000, PerChatInterval: time.Millisecond, Language: a.Printer.Lang()},
		ZaloWorker: &delivery.Options{RatePerSecond: 1000, PerChatInterval: time.Millisecond, Language: a.Printer.Lang()},
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.RunDelivery(runCtx) }()
	defer func() {
		stop()
		<-done
	}()

	if err := d.link(ctx); err != nil {
		return nil, err
	}
	if err := d.replay(ctx, srv); err != nil {
		return nil, err
	}
	if err := d.finish(ctx); err != nil {
		return nil, err
	}
	return d.res, nil
}

// run is the state of one demo.
type run struct {
	opts      Options
	example   examples.Example
	cast      cast
	app       *app.App
	clk       *clock.Fake
	fake      *telegramtest.Server
	zalo      *zalotest.Server
	unit      string
	names     map[int64]string // chat id → official name
	officials map[int64]plan.Official
	seen      int // messages of fake.Sent() already printed
	// zaloUsers and zaloChats map the Zalo official's chat (surrogate)
	// to the platform's user id and back; zaloSeen counts the Zalo
	// messages printed, zaloAnswered the last message answered per chat.
	zaloUsers    map[int64]string
	zaloChats    map[string]int64
	zaloSeen     int
	zaloAnswered map[int64]int64
	// zaloEvents are the ids of the Zalo events sent and not yet seen
	// processed.
	zaloEvents []string
	full       io.Writer
	res        *Result
	day        plan.Date
	// verdicts are the approver's decisions on the extension requests the
	// late and the partial official ask once each, by occurrence id.
	verdicts map[int64]bool
}

func (d *run) printf(format string, args ...any) {
	fmt.Fprintf(d.opts.Out, format, args...)
	fmt.Fprintf(d.full, format, args...)
}

func (d *run) importPlan(ctx context.Context) error {
	f, err := planfile.Parse(d.example.File, d.example.Data())
	if err != nil {
		return fmt.Errorf("demo: example plan: %w", err)
	}
	sum, err := d.app.Store.ImportPlan(ctx, f, store.ImportOptions{
		Source: d.example.File, Now: d.clk.Now(), Calendar: d.app.Calendar,
	})
	if err != nil {
		return fmt.Errorf("demo: import: %w", err)
	}
	d.unit = f.Unit.Code
	d.printf("Imported %s — %s\n%s\n\n", f.Unit.Name, f.Plan.Title, sum.String())
	return nil
}

// link issues an invite to every official but one and has each send
// "/start CODE" from a Telegram account of their own.
func (d *run) link(ctx context.Context) error {
	list, err := d.app.Store.Officials(ctx, d.unit)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.printf("Linking officials to Telegram (nhacviec invite, then /start CODE), one to Zalo (the code alone):\n")
	for i, o := range list {
		if o.Key == d.cast.unlinked {
			d.res.Unlinked = append(d.res.Unlinked, o.Key)
			d.printf("  %-16s %s — not linked (shows how unlinked officials are counted)\n", o.Key, o.Name)
			continue
		}
		if o.Key == d.cast.zalo {
			if err := d.linkZalo(ctx, o); err != nil {
				return err
			}
			continue
		}
		user := int64(100001 + i)
		d.fake.SetUser(models.User{ID: user, FirstName: o.Name, Username: "cb_" + strings.ReplaceAll(o.Key, "-", "_"), LanguageCode: "vi"})
		code, err := store.NewInviteCode()
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		now := d.clk.Now()
		if err := d.app.Store.IssueInvite(ctx, o.ID, code, now, now.Add(d.app.Cfg.Reminders.InviteTTL)); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		d.fake.SendCommand(user, user, "start", code)
		d.names[user] = o.Name
		o.TelegramChatID = &user
		d.officials[user] = o
		d.res.Linked++
	}
	if err := d.settle(ctx); err != nil {
		return err
	}
	for _, m := range d.newMessages() {
		d.printf("  → %s: %s\n", d.names[m.ChatID], firstLine(m.Plain()))
	}
	for _, m := range d.newZaloMessages() {
		d.printf("  → %s (Zalo): %s\n", d.names[d.zaloChats[m.ChatID]], firstLine(m.Text))
	}
	d.printf("\n")
	return nil
}

// linkZalo has o send the bare invite code to the Zalo bot in private.
func (d *run) linkZalo(ctx context.Context, o plan.Official) error {
	code, err := store.NewInviteCode()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	now := d.clk.Now()
	if err := d.app.Store.IssueInvite(ctx, o.ID, code, now, now.Add(d.app.Cfg.Reminders.InviteTTL)); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	user := "zl-" + o.Key
	d.zaloEvents = append(d.zaloEvents, d.zalo.SendText(user, code))
	if err := d.settle(ctx); err != nil {
		return err
	}
	linked, err := d.app.Store.OfficialByKey(ctx, d.unit, o.Key)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if !linked.Linked() {
		return fmt.Errorf("demo: %s did not link on Zalo", o.Key)
	}
	chat := *linked.TelegramChatID
	d.names[chat] = o.Name
	d.officials[chat] = linked
	d.zaloUsers[chat], d.zaloChats[user] = user, chat
	d.res.Linked++
	return nil
}

// newZaloMessages returns the Zalo messages sent since the last call.
func (d *run) newZaloMessages() []zalotest.Sent {
	all := d.zalo.Sent()
	msgs := all[d.zaloSeen:]
	d.zaloSeen = len(all)
	d.res.Sent += len(msgs)
	return msgs
}

// showZalo prints Zalo messages like show.
func (d *run) showZalo(msgs []zalotest.Sent) {
	for _, m := range msgs {
		d.printMessage(time.UnixMilli(m.Date), d.names[d.zaloChats[m.ChatID]]+" (Zalo)", m.Text)
	}
}

// answerZalo has the Zalo official answer the last message that named
// tasks, typed, as a Zalo user does (no reply-to, no buttons): "2: 60%",
// "1 xong".
func (d *run) answerZalo(ctx context.Context, at time.Time) error {
	var acts []action
	for chat, user := range d.zaloUsers {
		row, err := store.LastTaskMessage(ctx, d.app.Store, chat)
		if err != nil || row.ID == d.zaloAnswered[chat] || (row.Kind != "reminder" && row.Kind != "nag") {
			continue
		}
		d.zaloAnswered[chat] = row.ID
		o := d.officials[chat]
		ids, numbered := []int64{}, false
		if row.OccurrenceID != nil {
			ids = append(ids, *row.OccurrenceID)
		} else if pl, err := row.Payload(); err == nil && len(pl.Refs) > 1 {
			ids, numbered = pl.Refs, true
		}
		day := plan.DateIn(at, d.app.Loc)
		for i, id := range ids {
			occ, err := store.ReportableOccurrenceByID(ctx, d.app.Store, id)
			if err != nil || occ.LeadID != o.ID || occ.Done() {
				continue
			}
			n := 0
			if numbered {
				n = i + 1
			}
			// No buttons on Zalo: decide falls back to typing.
			a, ok := decide(d.cast.persona(o.Key), day.DaysUntil(occ.Due), n, telegramtest.SentMessage{ChatID: chat})
			if !ok || a.text == "" {
				continue
			}
			acts = append(acts, action{chat: chat, zalo: user, text: a.text, about: occ.TaskTitle})
		}
	}
	return d.perform(ctx, at.Add(25*time.Minute), acts)
}

// replay moves the clock through every scheduled instant, runs the jobs due
// then, delivers, and lets the officials answer.
func (d *run) replay(ctx context.Context, srv *server.Server) error {
	sched := srv.Scheduler()
	var instants []time.Time
	for _, f := range sched.Fires(d.opts.From, d.opts.To) {
		if len(instants) == 0 || !instants[len(instants)-1].Equal(f.At) {
			instants = append(instants, f.At)
		}
	}
	d.printf("Replaying %s – %s: %d scheduled instants\n", d.opts.From.Format("02/01/2006"), d.opts.To.Format("02/01/2006 15:04"), len(instants))
	for _, at := range instants {
		d.clk.Set(at)
		if _, err := sched.RunAt(ctx, at); err != nil {
			return fmt.Errorf("demo: jobs at %s: %w", at.Format(time.RFC3339), err)
		}
		if err := d.settle(ctx); err != nil {
			return err
		}
		msgs := d.newMessages()
		d.show(msgs)
		d.showZalo(d.newZaloMessages())
		if err := d.answer(ctx, at, msgs); err != nil {
			return err
		}
		if err := d.answerZalo(ctx, at); err != nil {
			return err
		}
		if err := d.chairman(ctx, at); err != nil {
			return err
		}
	}
	return nil
}

// settle waits until the outbox has nothing left to send and the fake
// server has no unconfirmed update.
func (d *run) settle(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		// Updates first: once the bot has confirmed them, their replies are
		// committed to the outbox, so the count read next includes them.
		updates := d.fake.Pending()
		for len(d.zaloEvents) > 0 {
			done, err := d.app.Store.UpdateProcessed(ctx, zalo.UpdateID("m:"+d.zaloEvents[0]))
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if !done {
				break
			}
			d.zaloEvents = d.zaloEvents[1:]
		}
		updates += len(d.zaloEvents)
		c, err := d.app.Store.OutboxCounts(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if updates == 0 && c.Pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: delivery did not settle: %d messages pending, %d updates unconfirmed", c.Pending, updates)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// newMessages returns the messages sent since the last call.
func (d *run) newMessages() []telegramtest.SentMessage {
	all := d.fake.Sent()
	msgs := all[d.seen:]
	d.seen = len(all)
	d.res.Sent += len(msgs)
	return msgs
}

// show prints messages under a heading per day.
func (d *run) show(msgs []telegramtest.SentMessage) {
	for _, m := range msgs {
		d.printMessage(m.Date, d.names[m.ChatID], m.Plain())
	}
}

// printMessage prints one message sent at to name, under a heading when
// it opens a new day: its first lines on the output, whole in the
// transcript.
func (d *run) printMessage(at time.Time, name, text string) {
	at = at.In(d.app.Loc)
	if day := plan.DateOf(at); day != d.day {
		d.day = day
		d.printf("\n── %s %s ──\n", weekday(at.Weekday()), at.Format("02/01/2006"))
	}
	fmt.Fprintf(d.opts.Out, "%s → %s: %s\n", at.Format("15:04"), name, d.summary(text))
	fmt.Fprintf(d.full, "%s → %s:\n%s\n", at.Format("15:04"), name, indent(text))
}

func (d *run) summary(text string) string {
	if d.opts.Verbose {
		return "\n" + indent(text)
	}
	return firstLines(text, 2, 160)
}

// action is one thing a simulated official does.
type action struct {
	chat  int64
	reply int64  // message replied to or whose button is pressed
	text  string // text of the reply or command
	press string // callback data of a button pressed instead
	label string // what the pressed button says, for the transcript
	about string // what the message answered is about, for the transcript
	zalo  string // the Zalo user typing text, "" on Telegram
}

// answer decides, for each message just delivered, what its recipient does.
func (d *run) answer(ctx context.Context, at time.Time, msgs []telegramtest.SentMessage) error {
	var acts []action
	for _, m := range msgs {
		o, ok := d.officials[m.ChatID]
		if !ok {
			continue
		}
		row, err := store.OutboxByMessage(ctx, d.app.Store, m.ChatID, m.MessageID)
		if err != nil {
			continue // a reply of the bot, not a scheduled message
		}
		p := d.cast.persona(o.Key)
		switch row.Kind {
		case "reminder", "nag":
			// A reminder about one occurrence, or a morning brief listing
			// several by number (reminders.style brief).
			ids, numbered := []int64{}, false
			if row.OccurrenceID != nil {
				ids = append(ids, *row.OccurrenceID)
			} else if pl, err := row.Payload(); err == nil && len(pl.Refs) > 1 {
				ids, numbered = pl.Refs, true
			}
			day := plan.DateIn(m.Date, d.app.Loc)
			for i, id := range ids {
				occ, err := store.ReportableOccurrenceByID(ctx, d.app.Store, id)
				if err != nil || occ.LeadID != o.ID || occ.Done() {
					continue // supporters leave the answering to the lead
				}
				n := 0
				if numbered {
					n = i + 1
				}
				if a, ok := d.askExtension(p, day.DaysUntil(occ.Due), n, occ, m); ok {
					acts = append(acts, a)
					continue
				}
				if a, ok := decide(p, day.DaysUntil(occ.Due), n, m); ok {
					a.about = occ.TaskTitle
					acts = append(acts, a)
				}
			}
		case "reading_request":
			if row.TargetID == nil || p == never {
				continue
			}
			t, err := store.TargetByID(ctx, d.app.Store, *row.TargetID)
			if err != nil {
				continue
			}
			acts = append(acts, action{chat: m.ChatID, reply: m.MessageID, text: readingFor(t, p), about: t.Text})
		case "progress_request":
			if p == prompt && o.Key == d.cast.progress {
				acts = append(acts, action{chat: m.ChatID, reply: m.MessageID, text: "1: 70%", about: "đề nghị báo cáo tiến độ"})
			}
		}
	}
	return d.perform(ctx, at.Add(20*time.Minute), acts)
}

// decide is a persona's answer to a reminder (days before the due date)
// or a nag (days negative) about item n of a brief (0: the message is
// about one occurrence): a reply, numbered in a brief, or a button pressed.
func decide(p persona, days, n int, m telegramtest.SentMessage) (action, bool) {
	reply := func(text string) (action, bool) {
		if n > 0 {
			text = strconv.Itoa(n) + ": " + text
		}
		return action{chat: m.ChatID, reply: m.MessageID, text: text}, true
	}
	button := func(vi, en, label string) (action, bool) {
		for _, name := range []string{vi, en} {
			if b, ok := m.Button(name); ok && name != "" {
				return action{chat: m.ChatID, reply: m.MessageID, press: b.CallbackData, label: label}, true
			}
		}
		return action{}, false
	}
	switch p {
	case prompt:
		switch {
		case days >= 7:
			return reply("30% đang triển khai")
		case days == 3:
			return reply("60%")
		case days == 1 || days == 0:
			if n > 0 {
				if a, ok := button(fmt.Sprintf("✅ %d", n), "", "✅ Hoàn thành"); ok {
					return a, true
				}
			} else if a, ok := button("Hoàn thành", "Done", "✅ Hoàn thành"); ok {
				return a, true
			}
			return reply("xong")
		}
	case late:
		if days < 0 {
			return reply("hoàn thành")
		}
		if days == 3 {
			// Busy this week: the next reminder can wait a working day.
			if n > 0 {
				return button(fmt.Sprintf("⏰ %d: 1 ngày", n), fmt.Sprintf("⏰ %d: 1 day", n), "⏰ 1 ngày")
			}
			return button("⏰ 1 ngày", "Snooze 1 day", "⏰ 1 ngày")
		}
	case partial:
		if days == 3 {
			return reply("40% đang chờ ý kiến các bộ phận")
		}
		if days < 0 && m.Date.Weekday() == time.Monday {
			return reply("80% đã trình lãnh đạo ký")
		}
	}
	return action{}, false
}

// readingFor is the value an owner reports for a target: the goal when
// the owner is prompt, a little short of it otherwise; for a cumulative
// target a year-to-date total, a quarter of the goal (on track in the
// first quarter) or a tenth (behind).
func readingFor(t plan.Target, p persona) string {
	if t.Kind == plan.KindCumulative {
		share := 0.25
		if p != prompt {
			share = 0.1
		}
		return strconv.FormatFloat(math.Round(t.Goal*share*10)/10, 'f', -1, 64)
	}
	switch t.Measure {
	case string(plan.MeasureYesNo):
		if p == prompt {
			return "có"
		}
		return "không"
	case string(plan.MeasurePercent):
		v := t.Goal
		if p != prompt {
			v -= 7.5
		}
		return strconv.FormatFloat(v, 'f', -1, 64) + "%"
	}
	v := t.Goal
	if p != prompt {
		v--
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// chairman has the Chairman use a few commands during the quarter.
func (d *run) chairman(ctx context.Context, at time.Time) error {
	local := at.In(d.app.Loc)
	var cmd string
	switch {
	case local.Month() == time.February && local.Day() == 10 && local.Hour() == 8 && local.Minute() == 0:
		cmd = "quahan"
	case local.Month() == time.March && local.Day() == 3 && local.Hour() == 8 && local.Minute() == 0:
		cmd = "chuabaocao"
	default:
		return nil
	}
	for chat, o := range d.officials {
		if o.HasRole(plan.RoleChairman) {
			return d.perform(ctx, at.Add(45*time.Minute), []action{{chat: chat, text: "/" + cmd}})
		}
	}
	return nil
}

// perform sends the officials' actions as Telegram updates at instant at,
// waits until the bot has handled them, and shows the bot's answers.
func (d *run) perform(ctx context.Context, at time.Time, acts []action) error {
	if len(acts) == 0 {
		return nil
	}
	d.clk.Set(at)
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].chat < acts[j].chat })
	for _, a := range acts {
		name := d.names[a.chat]
		switch {
		case a.zalo != "":
			d.zaloEvents = append(d.zaloEvents, d.zalo.SendText(a.zalo, a.text))
			d.printf("%s ← %s (Zalo, về %s): %s\n", at.In(d.app.Loc).Format("15:04"), name, quote(a.about), a.text)
		case a.press != "":
			d.fake.PressButton(a.chat, a.chat, a.reply, a.press)
			d.printf("%s ← %s: [bấm %s] %s\n", at.In(d.app.Loc).Format("15:04"), name, a.label, quote(a.about))
		case strings.HasPrefix(a.text, "/"):
			d.fake.SendCommand(a.chat, a.chat, strings.TrimPrefix(a.text, "/"), "")
			d.printf("%s ← %s: %s\n", at.In(d.app.Loc).Format("15:04"), name, a.text)
		default:
			d.fake.Reply(a.chat, a.chat, a.reply, a.text)
			d.printf("%s ← %s (trả lời %s): %s\n", at.In(d.app.Loc).Format("15:04"), name, quote(a.about), a.text)
		}
		d.res.Replies++
	}
	if err := d.settle(ctx); err != nil {
		return err
	}
	msgs := d.newMessages()
	d.show(msgs)
	d.showZalo(d.newZaloMessages())
	return d.decideExtensions(ctx, at, msgs)
}

// askExtension has the late and the partial official each ask once, at a
// reminder a week or more before the due date, for two more weeks
// (gia hạn); the approver approves the first and rejects the second.
func (d *run) askExtension(p persona, days, n int, occ store.ReportableOccurrence, m telegramtest.SentMessage) (action, bool) {
	if (p != late && p != partial) || days < 7 {
		return action{}, false
	}
	if d.verdicts == nil {
		d.verdicts = make(map[int64]bool)
	}
	for id, approve := range d.verdicts {
		if id == occ.ID || approve == (p == late) {
			return action{}, false // one request each
		}
	}
	d.verdicts[occ.ID] = p == late
	reason := "chờ ý kiến thẩm định của phòng chuyên môn cấp trên"
	if p == partial {
		reason = "chưa bố trí được nhân lực"
	}
	text := "gia hạn " + message.FormatDate(occ.Due.AddDays(14)) + " " + reason
	if n > 0 {
		text = strconv.Itoa(n) + " " + text // an item of a brief
	}
	return action{chat: m.ChatID, reply: m.MessageID, about: occ.TaskTitle, text: text}, true
}

// decideExtensions has the approver press ✅ Đồng ý or ❌ Không đồng ý on
// the extension requests among msgs, five minutes later.
func (d *run) decideExtensions(ctx context.Context, at time.Time, msgs []telegramtest.SentMessage) error {
	var acts []action
	for _, m := range msgs {
		row, err := store.OutboxByMessage(ctx, d.app.Store, m.ChatID, m.MessageID)
		if err != nil || row.Kind != "extension_request" || row.OccurrenceID == nil {
			continue
		}
		approve, ok := d.verdicts[*row.OccurrenceID]
		if !ok {
			continue
		}
		if len(m.Buttons) != 1 || len(m.Buttons[0]) != 2 {
			continue
		}
		b := m.Buttons[0][1] // ❌ Không đồng ý
		if approve {
			b = m.Buttons[0][0] // ✅ Đồng ý
		}
		acts = append(acts, action{chat: m.ChatID, reply: m.MessageID, press: b.CallbackData, label: b.Text, about: "đề nghị gia hạn"})
	}
	return d.perform(ctx, at.Add(5*time.Minute), acts)
}

// finish prints the chairman's quarterly digest and writes the files.
func (d *run) finish(ctx context.Context) error {
	loc := d.app.Loc
	// The quarter that closed last: on 15/3 under decree09, Q1 (15/12–14/3).
	end := plan.DateIn(d.opts.To, loc)
	p := plan.PeriodContaining(plan.Quarter, end, d.app.Cfg.Cutoff())
	if p.From == end {
		p = p.Prev()
	}
	unit, err := d.app.Store.UnitByCode(ctx, d.unit)
	if err != nil {
		return fmt.Errorf("demo: digest: %w", err)
	}
	res, err := report.Compile(ctx, d.app.Store, unit, p, d.opts.To, report.Options{History: 4})
	if err != nil {
		return fmt.Errorf("demo: digest: %w", err)
	}
	dg := res.Unit
	d.res.Digest = dg
	var asked []int64
	for id := range d.verdicts {
		asked = append(asked, id)
	}
	if d.res.Extensions, err = store.ExtensionRequestsOf(ctx, d.app.Store, asked); err != nil {
		return fmt.Errorf("demo: extensions: %w", err)
	}
	pr := i18n.New(d.app.Printer.Lang())
	text := message.DigestText(report.Result{Unit: dg}, pr)
	d.printf("\n══ Tổng hợp báo cáo %s gửi Chủ tịch (as of %s) ══\n\n%s\n", p.Key, d.opts.To.In(loc).Format("02/01/2006 15:04"), text)
	js, err := report.RenderJSON(dg)
	if err != nil {
		return fmt.Errorf("demo: digest: %w", err)
	}
	book, err := xlsx.Digest(dg, pr)
	if err != nil {
		return fmt.Errorf("demo: digest: %w", err)
	}
	png, err := chart.Digest(dg, res.History, pr)
	if err != nil {
		return fmt.Errorf("demo: digest: %w", err)
	}
	ward, err := wardreport.From(ctx, d.app.Store, unit, res, d.opts.To)
	if err != nil {
		return fmt.Errorf("demo: report: %w", err)
	}
	doc, err := ward.DOCX(pr)
	if err != nil {
		return fmt.Errorf("demo: report: %w", err)
	}
	for name, data := range map[string][]byte{
		"report-" + p.Key + ".docx": doc,
		"digest-" + p.Key + ".txt":  []byte(text),
		"digest-" + p.Key + ".json": append(js, '\n'),
		"digest-" + p.Key + ".xlsx": book,
		"digest-" + p.Key + ".png":  png,
	} {
		path := filepath.Join(d.opts.Dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		d.res.Files = append(d.res.Files, path)
	}
	rows, err := d.app.Store.OutboxCounts(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if rows.Dead > 0 {
		return errors.New("demo: some messages could not be delivered")
	}
	sort.Strings(d.res.Files)
	d.printf("\n%d messages delivered, %d answers from officials, %d officials linked, unlinked: %s\nFiles: %s\n",
		d.res.Sent, d.res.Replies, d.res.Linked, strings.Join(d.res.Unlinked, ", "), strings.Join(d.res.Files, ", "))
	return nil
}

// quote shortens a task title for the transcript: «Rà soát, đề xuất…».
func quote(s string) string {
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > 48 {
		s = string(r[:47]) + "…"
	}
	return "«" + s + "»"
}

func weekday(w time.Weekday) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[w]
}

func firstLine(s string) string { return firstLines(s, 1, 160) }

// firstLines joins the first n non-empty lines of s with " — ", cut to max
// runes.
func firstLines(s string, n, max int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			if len(out) == n {
				break
			}
		}
	}
	line := strings.Join(out, " — ")
	if r := []rune(line); len(r) > max {
		line = string(r[:max-1]) + "…"
	}
	return line
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
