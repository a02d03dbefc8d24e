package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tghtml"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var hcm = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses a local instant in Asia/Ho_Chi_Minh: "2025-03-15 08:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestNewValidatesSpecs(t *testing.T) {
	tests := []struct {
		name string
		edit func(*config.Config)
		want string // substring of the error; "" for none
	}{
		{"defaults", func(*config.Config) {}, ""},
		{"bad spec", func(c *config.Config) { c.Schedule.Reminders = "0 8 * *" }, "schedule.reminders"},
		{"bad field", func(c *config.Config) { c.Schedule.DigestWeekly = "61 7 * * 1" }, "schedule.digest_weekly"},
		{"time zone prefix", func(c *config.Config) { c.Schedule.DigestMonthly = "CRON_TZ=UTC 0 8 15 * *" }, "time zone prefix"},
		{"empty required", func(c *config.Config) { c.Schedule.ProgressRequest = "" }, "schedule.progress_request"},
		{"empty optional disables", func(c *config.Config) { c.Schedule.TargetReadings = "" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := eachConfig()
			tc.edit(&cfg)
			s, err := jobs.New(nil, cfg, clock.NewFake(at("2025-01-01 00:00")), quietLog())
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tc.name == "empty optional disables" && slices.Contains(s.Jobs(), jobs.JobTargetReadings) {
					t.Error("target_readings enabled with an empty spec")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestFires(t *testing.T) {
	s, err := jobs.New(nil, eachConfig(), clock.NewFake(at("2025-01-01 00:00")), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2025-03-10 and Saturday 2025-03-15 in Asia/Ho_Chi_Minh.
	got := s.Fires(at("2025-03-09 23:59"), at("2025-03-10 23:59"))
	want := []jobs.Fire{
		{jobs.JobMaterialize, at("2025-03-10 00:05")},
		{jobs.JobRetention, at("2025-03-10 03:20")},
		{jobs.JobDigestWeekly, at("2025-03-10 07:30")},
		{jobs.JobRemind, at("2025-03-10 08:00")},
		{jobs.JobTargetReadings, at("2025-03-10 09:00")},
	}
	if !equalFires(got, want) {
		t.Errorf("fires on 10/3 = %v, want %v", got, want)
	}
	got = s.Fires(at("2025-03-14 23:59"), at("2025-03-15 23:59"))
	want = []jobs.Fire{
		{jobs.JobMaterialize, at("2025-03-15 00:05")},
		{jobs.JobRetention, at("2025-03-15 03:20")},
		{jobs.JobDigestMonthly, at("2025-03-15 08:00")},
		{jobs.JobDigestQuarterly, at("2025-03-15 08:00")},
		{jobs.JobTargetReadings, at("2025-03-15 09:00")},
	}
	if !equalFires(got, want) {
		t.Errorf("fires on 15/3 = %v, want %v", got, want)
	}
	// The instants are read in schedule.timezone whatever the zone of the
	// arguments: 08:00 in Hanoi is 01:00 UTC.
	if n := s.Next(at("2025-03-10 07:45").UTC()); !n.Equal(at("2025-03-10 08:00")) {
		t.Errorf("Next = %v", n)
	}
}

func equalFires(a, b []jobs.Fire) bool {
	return slices.EqualFunc(a, b, func(x, y jobs.Fire) bool { return x.Job == y.Job && x.At.Equal(y.At) })
}

// env is a store with the example plan imported and its officials linked,
// and a scheduler on a fake clock.
type env struct {
	t   *testing.T
	st  *store.Store
	clk *clock.Fake
	cfg config.Config
	s   *jobs.Scheduler
}

// unlinkedOfficial is the one official of the example plan left without a
// Telegram chat.
const unlinkedOfficial = "nha-truong"

func newEnv(t *testing.T, cfg config.Config) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		t.Fatal(err)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Source: "test", Now: at("2024-12-31 09:00"), Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	linkAll(t, st, unlinkedOfficial)
	clk := clock.NewFake(at("2025-01-01 00:00"))
	s, err := jobs.New(st, cfg, clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, clk: clk, cfg: cfg, s: s}
}

// linkAll links every official but the one keyed except to a Telegram chat
// whose id is 1000 plus the official's id.
func linkAll(t *testing.T, st *store.Store, except string) {
	t.Helper()
	_, err := st.DB().Exec(`
		UPDATE officials SET telegram_chat_id = 1000 + id, telegram_user_id = 1000 + id,
		       linked_at = '2024-12-31T09:00:00+07:00'
		WHERE key <> $1`, except)
	if err != nil {
		t.Fatal(err)
	}
}

// runUntil runs every fire instant in (from, to] through RunAt with the
// clock set to the instant, calling before(at) first.
func (e *env) runUntil(from, to time.Time, before func(time.Time)) []jobs.Report {
	e.t.Helper()
	var reps []jobs.Report
	var last time.Time
	for _, f := range e.s.Fires(from, to) {
		if f.At.Equal(last) {
			continue // RunAt runs every job of the minute
		}
		last = f.At
		if before != nil {
			before(f.At)
		}
		e.clk.Set(f.At)
		rep, err := e.s.RunAt(context.Background(), f.At)
		if err != nil {
			e.t.Fatalf("RunAt %s: %v", f.At, err)
		}
		reps = append(reps, rep)
	}
	return reps
}

// msg is an outbox row as the tests see it.
type msg struct {
	ID       int       `db:"id"`
	Kind     string    `db:"kind"`
	Key      string    `db:"dedupe_key"`
	Official string    `db:"official"`
	Task     string    `db:"task"`
	Occ      string    `db:"occ"`
	Created  time.Time `db:"created_at"`
	Text     string    `db:"text"`
	Buttons  int       `db:"buttons"`
	Refs     int       `db:"refs"`
}

func (e *env) outbox() []msg {
	e.t.Helper()
	var out []msg
	err := e.st.DB().Select(&out, `
		SELECT b.id, b.kind, b.dedupe_key, COALESCE(f.key, '') AS official, COALESCE(t.key, '') AS task,
		       COALESCE(o.key, '') AS occ, b.created_at, b.payload->>'text' AS text,
		       COALESCE(jsonb_array_length(b.payload->'buttons'), 0) AS buttons,
		       COALESCE(jsonb_array_length(b.payload->'refs'), 0) AS refs
		FROM outbox b
		LEFT JOIN officials f ON f.id = b.official_id
		LEFT JOIN occurrences o ON o.id = b.occurrence_id
		LEFT JOIN tasks t ON t.id = o.task_id
		ORDER BY b.id`)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range out {
		out[i].Created = out[i].Created.In(hcm)
	}
	return out
}

func filter(ms []msg, keep func(msg) bool) []msg {
	var out []msg
	for _, m := range ms {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

func stamp(m msg) string { return m.Created.Format("2006-01-02 15:04") }

// TestQuarter replays the first quarter of 2025 of the example plan: every
// instant a spec fires from 1/1 to 31/3, through RunAt.
func TestQuarter(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()

	// chuyen-muc-cchc (due 31/3) is done on 20/3, before any reminder.
	doneChuyenMuc := false
	reps := e.runUntil(at("2024-12-31 23:59"), at("2025-03-31 23:59"), func(now time.Time) {
		if !doneChuyenMuc && !now.Before(at("2025-03-20 10:00")) {
			doneChuyenMuc = true
			_, err := e.st.DB().ExecContext(ctx, `
				UPDATE occurrences SET percent = 100, done_at = '2025-03-20T10:00:00+07:00'
				WHERE task_id = (SELECT id FROM tasks WHERE key = 'chuyen-muc-cchc')`)
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	all := e.outbox()
	if len(all) == 0 {
		t.Fatal("no messages at all")
	}

	t.Run("reminders 7/3/1/0 days before", func(t *testing.T) {
		// ke-hoach-ra-soat-tthc: due Friday 28/2, lead van-phong, support tu-phap.
		got := filter(all, func(m msg) bool { return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "reminder" })
		var lines []string
		for _, m := range got {
			lines = append(lines, stamp(m)+" "+m.Official)
			if m.Buttons != 2 || !strings.Contains(m.Text, "Hạn: 28/02/2025") || !strings.Contains(m.Text, "Xây dựng Kế hoạch rà soát") {
				t.Errorf("reminder %s: buttons %d, text %q", m.Key, m.Buttons, m.Text)
			}
		}
		want := []string{
			"2025-02-21 08:00 van-phong", "2025-02-21 08:00 tu-phap",
			"2025-02-25 08:00 van-phong", "2025-02-25 08:00 tu-phap",
			"2025-02-27 08:00 van-phong", "2025-02-27 08:00 tu-phap",
			"2025-02-28 08:00 van-phong", "2025-02-28 08:00 tu-phap",
		}
		if !slices.Equal(lines, want) {
			t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		lead := filter(got, func(m msg) bool { return m.Official == "van-phong" })
		if !strings.Contains(lead[0].Text, "còn 7 ngày") || !strings.Contains(lead[3].Text, "hôm nay là hạn") ||
			!strings.Contains(lead[0].Text, "chủ trì") {
			t.Errorf("reminder texts: %q ... %q", lead[0].Text, lead[3].Text)
		}
	})

	t.Run("weekly task of the Tết week", func(t *testing.T) {
		// Due Friday 31/1 (Tết), rolled to Monday 3/2: the 7- and 3-day
		// reminders fall on Tết, the 1-day one on Sunday: only day 0 remains.
		got := filter(all, func(m msg) bool { return m.Task == "bao-cao-tuan" && m.Occ == "2025-W05" && m.Kind == "reminder" })
		if len(got) != 1 || stamp(got[0]) != "2025-02-03 08:00" || got[0].Official != "van-phong" {
			t.Errorf("W05 reminders = %+v", got)
		}
	})

	t.Run("nothing but digests on Tết and weekends", func(t *testing.T) {
		for _, m := range all {
			d := plan.DateOf(m.Created)
			tet := !d.Before(plan.MustParseDate("2025-01-27")) && !d.After(plan.MustParseDate("2025-01-31"))
			weekend := d.ISOWeekday() >= 6
			if (tet || weekend) && m.Kind != "digest" {
				t.Errorf("%s %s to %s on %s", m.Kind, m.Key, m.Official, stamp(m))
			}
		}
	})

	t.Run("nags on working days while overdue", func(t *testing.T) {
		got := filter(all, func(m msg) bool {
			return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "nag" && m.Official == "van-phong"
		})
		var days []string
		for _, m := range got {
			days = append(days, m.Created.Format("02/01"))
		}
		// Every working day of March (1/3 and 2/3 are a weekend).
		var want []string
		for d := plan.MustParseDate("2025-03-03"); !d.After(plan.MustParseDate("2025-03-31")); d = d.AddDays(1) {
			if d.ISOWeekday() <= 5 {
				want = append(want, fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)))
			}
		}
		if !slices.Equal(days, want) {
			t.Errorf("nags on %v, want %v", days, want)
		}
		if len(got) > 0 && !strings.Contains(got[0].Text, "quá hạn 3 ngày") {
			t.Errorf("first nag text: %q", got[0].Text)
		}
	})

	t.Run("one escalation per overdue occurrence", func(t *testing.T) {
		got := filter(all, func(m msg) bool { return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "escalation" })
		var lines []string
		for _, m := range got {
			lines = append(lines, stamp(m)+" "+m.Official)
		}
		// 3 working days overdue on Wednesday 5/3.
		want := []string{"2025-03-05 08:00 chu-tich", "2025-03-05 08:00 van-phong"}
		if !slices.Equal(lines, want) {
			t.Errorf("escalations = %v, want %v", lines, want)
		}
		if len(got) > 0 && (!strings.Contains(got[0].Text, "chưa có báo cáo") || !strings.Contains(got[0].Text, "Chủ trì: Công chức Văn phòng - Thống kê")) {
			t.Errorf("escalation text: %q", got[0].Text)
		}
		// Every escalation of the quarter goes to exactly the chairman and
		// the office, once per occurrence.
		per := map[string][]string{}
		for _, m := range filter(all, func(m msg) bool { return m.Kind == "escalation" }) {
			per[m.Task+"/"+m.Occ] = append(per[m.Task+"/"+m.Occ], m.Official)
		}
		for occ, to := range per {
			if !slices.Equal(to, []string{"chu-tich", "van-phong"}) {
				t.Errorf("escalation of %s to %v", occ, to)
			}
		}
	})

	t.Run("done before its reminders", func(t *testing.T) {
		if got := filter(all, func(m msg) bool { return m.Task == "chuyen-muc-cchc" }); len(got) != 0 {
			t.Errorf("messages about a done task: %+v", got)
		}
	})

	t.Run("unlinked officials", func(t *testing.T) {
		if got := filter(all, func(m msg) bool { return m.Official == unlinkedOfficial }); len(got) != 0 {
			t.Errorf("messages to an unlinked official: %d", len(got))
		}
		unlinked := 0
		for _, r := range reps {
			unlinked += r.Unlinked()
		}
		if unlinked == 0 {
			t.Error("no unlinked recipient counted")
		}
	})

	t.Run("digests", func(t *testing.T) {
		type sent struct{ when, period, to string }
		var got []sent
		for _, m := range filter(all, func(m msg) bool { return m.Kind == "digest" }) {
			parts := strings.Split(strings.SplitN(m.Key, "#", 2)[0], ":")
			s := sent{stamp(m), parts[2], m.Official}
			if len(got) == 0 || got[len(got)-1] != s {
				got = append(got, s) // parts of one split digest count once
			}
		}
		var want []sent
		add := func(when, period string) {
			want = append(want, sent{when, period, "chu-tich"}, sent{when, period, "van-phong"})
		}
		monday := at("2025-01-06 07:30")
		for w := 0; w < 13; w++ {
			day := monday.AddDate(0, 0, 7*w)
			// The weekly digest is of the ISO week that ended the day before.
			add(day.Format("2006-01-02 15:04"), plan.PeriodContaining(plan.Week, plan.DateOf(day).AddDays(-1), plan.CutoffDecree09).Key)
			switch day.Format("01-02") {
			case "01-13":
				add("2025-01-15 08:00", "2025-01")
			case "02-10":
				add("2025-02-15 08:00", "2025-02")
			case "03-10":
				add("2025-03-15 08:00", "2025-03")
				add("2025-03-15 08:00", "2025-Q1")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("digests =\n%v\nwant\n%v", got, want)
		}
		q := filter(all, func(m msg) bool { return strings.HasPrefix(m.Key, "digest:pdp:2025-Q1:") })
		if len(q) == 0 || !strings.Contains(q[0].Text, "TỔNG HỢP BÁO CÁO quý I/2025 (15/12/2024 – 14/03/2025)") {
			t.Errorf("quarterly digest: %+v", q)
		}
		for _, m := range q {
			if n := tghtml.Len(m.Text); n > tghtml.MaxMessage {
				t.Errorf("digest part %s has %d characters", m.Key, n)
			}
		}
	})

	t.Run("digest attachments", func(t *testing.T) {
		var rows []struct {
			Key      string `db:"dedupe_key"`
			Kind     string `db:"kind"`
			Filename string `db:"filename"`
			Caption  string `db:"caption"`
			Size     int    `db:"size"`
		}
		err := e.st.DB().Select(&rows, `
			SELECT dedupe_key, payload->'attachment'->>'kind' AS kind, payload->'attachment'->>'filename' AS filename,
			       payload->>'text' AS caption, length(payload->'attachment'->>'data') AS size
			FROM outbox WHERE payload ? 'attachment' AND payload->'attachment' <> 'null' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rows {
			if r.Size < 1000 {
				t.Errorf("%s: attachment of %d bytes (base64)", r.Key, r.Size)
			}
			parts := strings.Split(r.Key, ":")
			got[parts[2]+" "+strings.SplitN(parts[3], "#", 2)[1]] = r.Kind + " " + r.Filename
			caption := "TỔNG HỢP BÁO CÁO"
			if strings.HasSuffix(r.Key, "#docx") {
				caption = "📄 Dự thảo báo cáo CCHC"
			}
			if r.Key == "" || !strings.HasPrefix(r.Caption, caption) {
				t.Errorf("%s: caption %q", r.Key, r.Caption)
			}
		}
		want := map[string]string{
			"2025-W10 chart": "photo tong-hop-pdp-2025-W10.png",
			"2025-02 chart":  "photo tong-hop-pdp-2025-02.png",
			"2025-02 xlsx":   "document tong-hop-pdp-2025-02.xlsx",
			"2025-Q1 chart":  "photo tong-hop-pdp-2025-Q1.png",
			"2025-Q1 xlsx":   "document tong-hop-pdp-2025-Q1.xlsx",
			"2025-02 docx":   "document bao-cao-cchc-pdp-2025-02.docx",
			"2025-Q1 docx":   "document bao-cao-cchc-pdp-2025-Q1.docx",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("attachment %s = %q, want %q", k, got[k], v)
			}
		}
		if v, ok := got["2025-W10 xlsx"]; ok {
			t.Errorf("weekly digest carries a workbook: %s", v)
		}
		if v, ok := got["2025-W10 docx"]; ok {
			t.Errorf("weekly digest carries the period report: %s", v)
		}
		// Two managers, 13 weekly, 3 monthly and 1 quarterly digests: a
		// chart each, a workbook and the period report for the monthly and
		// quarterly ones.
		if want := 2 * (13 + 3 + 1 + 3 + 1 + 3 + 1); len(rows) != want {
			t.Errorf("%d attachments, want %d", len(rows), want)
		}
	})

	t.Run("progress requests", func(t *testing.T) {
		got := filter(all, func(m msg) bool {
			return m.Kind == "progress_request" && m.Official == "van-phong" && strings.HasPrefix(m.Key, "progress:2025-W10:")
		})
		if len(got) != 1 || stamp(got[0]) != "2025-03-07 14:00" || got[0].Refs == 0 ||
			!strings.Contains(got[0].Text, "Đề nghị báo cáo tiến độ tuần 10/2025") || !strings.Contains(got[0].Text, "\n1. ") ||
			!strings.Contains(got[0].Text, fmt.Sprintf("\n%d. ", got[0].Refs)) || strings.Contains(got[0].Text, fmt.Sprintf("\n%d. ", got[0].Refs+1)) {
			t.Errorf("W10 progress request to van-phong: %+v", got)
		}
		// Friday 31/1 is Tết: no request that week.
		if got := filter(all, func(m msg) bool { return strings.HasPrefix(m.Key, "progress:2025-W05:") }); len(got) != 0 {
			t.Errorf("progress requests in the Tết week: %d", len(got))
		}
	})

	t.Run("target readings", func(t *testing.T) {
		// Monthly targets (decree09) close on the 14th: asked on 14/1, 14/2
		// and 14/3 (all working days) at 09:00, once each.
		got := filter(all, func(m msg) bool {
			return m.Kind == "reading_request" && m.Official == "tu-phap" && strings.Contains(m.Text, "100% các Quyết định của UBND phường")
		})
		var when []string
		for _, m := range got {
			when = append(when, stamp(m))
		}
		want := []string{"2025-01-14 09:00", "2025-02-14 09:00", "2025-03-14 09:00"}
		if !slices.Equal(when, want) {
			t.Errorf("reading requests at %v, want %v", when, want)
		}
	})

	t.Run("idempotent", func(t *testing.T) {
		before := len(e.outbox())
		for _, when := range []string{"2025-03-05 08:00", "2025-03-15 08:00", "2025-03-10 07:30", "2025-03-14 09:00"} {
			rep, err := e.s.RunAt(ctx, at(when))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Runs {
				if r.Status != jobs.StatusTaken {
					t.Errorf("second run of %s at %s: %s", r.Job, when, r.Status)
				}
			}
		}
		if after := len(e.outbox()); after != before {
			t.Errorf("outbox grew from %d to %d", before, after)
		}
	})
}

// TestConcurrentRunAt runs the same instant from four goroutines and from
// two schedulers on separate connection pools: every run is done once and
// every message enqueued once.
func TestConcurrentRunAt(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()
	e.runUntil(at("2025-02-20 00:00"), at("2025-03-04 23:59"), nil)
	before := len(e.outbox())

	other, err := store.Open(ctx, e.st.URL()) // the same database, another pool
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s2, err := jobs.New(other, e.cfg, e.clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}

	instant := at("2025-03-05 08:00") // reminders, nags and escalations
	var wg sync.WaitGroup
	reps := make([]jobs.Report, 6)
	errs := make([]error, 6)
	for i := range reps {
		s := e.s
		if i%2 == 1 {
			s = s2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = s.RunAt(ctx, instant)
		}()
	}
	wg.Wait()
	done, enqueued := 0, 0
	for i, rep := range reps {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, r := range rep.Runs {
			if r.Job != jobs.JobRemind {
				t.Errorf("unexpected job %s", r.Job)
			}
			if r.Status == jobs.StatusDone {
				done++
			}
		}
		enqueued += rep.Enqueued()
	}
	if done != 1 {
		t.Errorf("remind done %d times, want once", done)
	}
	got := e.outbox()[before:]
	if enqueued == 0 || len(got) != enqueued {
		t.Errorf("enqueued %d, outbox grew by %d", enqueued, len(got))
	}
	esc := filter(got, func(m msg) bool { return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "escalation" })
	if len(esc) != 2 {
		t.Errorf("escalations = %d, want 2", len(esc))
	}
	var n int
	if err := e.st.DB().Get(&n, `SELECT count(*) FROM job_runs WHERE job = 'remind' AND scheduled_at = $1 AND status = 'done'`, instant); err != nil || n != 1 {
		t.Errorf("job_runs rows = %d (%v)", n, err)
	}
}

// TestCatchUpAfterOutage stops the scheduler from Monday 10/3 07:00 to
// Tuesday 11/3 13:00 (30 hours), then starts Run: the missed weekly digest
// runs, of the two missed reminder runs only Tuesday's does, and the loop
// goes on by the fake clock.
func TestCatchUpAfterOutage(t *testing.T) {
	cfg := eachConfig()
	cfg.Schedule.CatchUp = 48 * time.Hour
	e := newEnv(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.runUntil(at("2025-02-20 00:00"), at("2025-03-10 07:00"), nil)

	e.clk.Set(at("2025-03-11 13:00"))
	stop := at("2025-03-12 09:30")
	after := func(d time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		if e.clk.Now().Add(d).After(stop) {
			cancel()
			return ch
		}
		e.clk.Advance(d)
		ch <- e.clk.Now()
		return ch
	}
	s, err := jobs.New(e.st, cfg, e.clk, quietLog(), jobs.WithAfter(after))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}

	runs, err := e.st.JobRuns(context.Background(), at("2025-03-10 07:01"), at("2025-03-12 23:59"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.ScheduledAt.In(hcm).Format("02/01 15:04")+" "+r.Job+" "+r.Status)
	}
	want := []string{
		"10/03 07:30 digest_weekly done",
		"10/03 08:00 remind skipped",
		"10/03 09:00 target_readings done",
		"11/03 00:05 materialize done",
		"11/03 03:20 retention done",
		"11/03 08:00 remind done",
		"11/03 09:00 target_readings done",
		"12/03 00:05 materialize done",
		"12/03 03:20 retention done",
		"12/03 08:00 remind done",
		"12/03 09:00 target_readings done",
	}
	if !slices.Equal(got, want) {
		t.Errorf("job runs =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all := e.outbox()
	if n := len(filter(all, func(m msg) bool { return strings.HasPrefix(m.Key, "digest:pdp:2025-W10:") })); n < 2 {
		t.Errorf("weekly digest of W10 not caught up: %d messages", n)
	}
	nags := filter(all, func(m msg) bool {
		return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "nag" && m.Official == "van-phong"
	})
	var days []string
	for _, m := range nags {
		days = append(days, strings.Split(m.Key, ":")[2])
	}
	// 10/3 was skipped: its run gave way to 11/3's, sent at 13:00.
	want = []string{"2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07", "2025-03-11", "2025-03-12"}
	if !slices.Equal(days, want) {
		t.Errorf("nags of %v, want %v", days, want)
	}
	if m := nags[len(nags)-2]; stamp(m) != "2025-03-11 13:00" {
		t.Errorf("caught-up nag created at %s", stamp(m))
	}
}

// eachConfig is the default configuration with reminders.style each: one
// message per occurrence, as the tests written before the morning brief
// expect.
func eachConfig() config.Config {
	c := config.Default()
	c.Reminders.Style = config.StyleEach
	return c
}
