package main

import (
	_ "embed"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// reportDoc is everything docs/BENCHMARKS.md says.
type reportDoc struct {
	Params  params
	Quick   bool
	Args    []string
	Machine machine
	Server  string
	Load0   string
	Load1   string
	Elapsed time.Duration

	GenFull  gen.Stats
	SizeFull string
	TickFull tickResult
	GenHist  [2]gen.Stats
	TickHist [2]tickResult
	Digest   digestResult
	Free     deliveryResult
	Limited  deliveryResult
	Serve    serveResult
	Calendar calendarResult
}

// machineInfo reads the CPU model, the cores and the memory from /proc.
func machineInfo() machine {
	m := machine{CPU: "?", Cores: runtime.NumCPU(), Memory: "?", Kernel: "?", Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
				m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// verdict is a figure held to a limit.
type verdict struct {
	what   string
	value  string
	limit  string
	ratio  float64 // value over limit, in the direction where <= 1 passes (or >= 1 when higherBetter)
	higher bool
}

func (v verdict) pass() bool {
	if v.higher {
		return v.ratio >= 1
	}
	return v.ratio <= 1
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// verdicts lists the figures against their limits.
func (r *reportDoc) verdicts() []verdict {
	tick := r.TickFull.Median()
	h1, h10 := r.TickHist[0].TotalMedian(), r.TickHist[1].TotalMedian()
	growth := float64(h10) / float64(h1)
	overhead := r.Free.Rate / r.Free.Bare
	vs := []verdict{
		{what: fmt.Sprintf("remind tick, %d units: the run's transaction, claim and decisions (median of %d)", r.Params.Units, len(r.TickFull.Times)),
			value: ms(tick), limit: "< 1 s", ratio: tick.Seconds() / 1},
		{what: fmt.Sprintf("remind tick with its fan-out, %d× history / 1× (%d units, median of %d)", r.Params.HistoryX, r.Params.HistUnits, len(r.TickHist[0].Times)),
			value: fmt.Sprintf("%.2f× (%s / %s)", growth, ms(h10), ms(h1)), limit: "< 1.5×", ratio: growth / 1.5},
		{what: "delivery without limits (max_in_flight 16) / bare insert-then-update loop",
			value: fmt.Sprintf("%.2f (%.0f/s / %.0f/s)", overhead, r.Free.Rate, r.Free.Bare), limit: "≥ 0.5",
			ratio: overhead / 0.5, higher: true},
		{what: "delivery with Telegram's limits (worker at 29/s): achieved rate / 30 per s",
			value: fmt.Sprintf("%.2f (%.2f/s)", r.Limited.Rate/30, r.Limited.Rate), limit: "≥ 0.95",
			ratio: r.Limited.Rate / 30 / 0.95, higher: true},
		{what: "delivery with Telegram's limits: 429 answers",
			value: fmt.Sprint(r.Limited.TooMany), limit: "0", ratio: boolRatio(r.Limited.TooMany == 0), higher: true},
		{what: "digest, one ward (compile + render, median)",
			value: ms(r.Digest.One), limit: "< 50 ms", ratio: r.Digest.One.Seconds() / 0.050},
		{what: fmt.Sprintf("digest, a parent unit of %d wards (CompileRollup)", r.Digest.TownSize),
			value: ms(r.Digest.Town), limit: "< 1 s", ratio: r.Digest.Town.Seconds() / 1},
		{what: "period report (.docx), one ward (wardreport.Compile + DOCX, median)",
			value: ms(r.Digest.Report), limit: "< 200 ms", ratio: r.Digest.Report.Seconds() / 0.200},
		{what: fmt.Sprintf("period report (.docx), a parent unit of %d wards", r.Digest.TownSize),
			value: ms(r.Digest.TownReport), limit: "< 2 s", ratio: r.Digest.TownReport.Seconds() / 2},
		{what: "calendar: one year's holidays computed (Vietnamese lunar calendar, median over 2000–2100)",
			value: ms(r.Calendar.Year), limit: "< 10 ms", ratio: r.Calendar.Year.Seconds() / 0.010},
		{what: fmt.Sprintf("calendar change: re-dating %d open occurrences (%d moved), batches of %d ids", r.Calendar.Open, r.Calendar.Moved, store.RedateBatch),
			value: ms(r.Calendar.Redate), limit: "< 30 s", ratio: r.Calendar.Redate.Seconds() / 30},
		{what: fmt.Sprintf("calendar change: longest single-row write on the same table meanwhile (%d writes)", r.Calendar.Writes),
			value: ms(r.Calendar.WriteMax), limit: "< 1 s", ratio: r.Calendar.WriteMax.Seconds() / 1},
	}
	return append(vs, r.Serve.verdicts(r.Params.Units)...)
}

// verdicts holds serve's memory to its limits: under 50 MiB idle, under
// 100 MiB during the morning (the burst after the catch-up, the morning's
// jobs, the delivery of what they enqueued).
func (s serveResult) verdicts(units int) []verdict {
	if s.Skipped != "" {
		return nil
	}
	mib := func(kb int64) float64 { return float64(kb) / 1024 }
	vs := []verdict{
		{what: fmt.Sprintf("`nhacviec serve`, %d units: VmRSS idle (15 s after start)", units),
			value: fmt.Sprintf("%.1f MiB", mib(s.IdleKB)), limit: "< 50 MiB", ratio: mib(s.IdleKB) / 50},
		{what: fmt.Sprintf("`nhacviec serve`: highest VmRSS under the burst (catch-up, %d messages enqueued at once)", s.Burst),
			value: fmt.Sprintf("%.1f MiB", mib(s.BurstKB)), limit: "< 100 MiB", ratio: mib(s.BurstKB) / 100},
	}
	for _, m := range s.Morning {
		vs = append(vs,
			verdict{what: fmt.Sprintf("the morning at %s: the jobs' process (`nhacviec tick`), highest RSS", m.At.Format("Mon 2006-01-02 15:04")),
				value: fmt.Sprintf("%.1f MiB", mib(m.TickKB)), limit: "< 100 MiB", ratio: mib(m.TickKB) / 100},
			verdict{what: fmt.Sprintf("the morning at %s: `nhacviec serve` delivering it, highest VmRSS", m.At.Format("Mon 2006-01-02 15:04")),
				value: fmt.Sprintf("%.1f MiB", mib(m.ServeKB)), limit: "< 100 MiB", ratio: mib(m.ServeKB) / 100})
	}
	return vs
}

func boolRatio(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// markdown renders the report.
func (r *reportDoc) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks\n\n")
	w("Written by `go run ./tools/bench%s` (`make bench`) on %s; the run took %s. ",
		argString(r.Args), time.Now().UTC().Format("2006-01-02 15:04 UTC"), r.Elapsed.Round(time.Second))
	w("Every figure below is measured in this run and divided by its limit: a ratio ≤ 1 passes a limit of the kind \"under\", ≥ 1 a limit of the kind \"at least\".\n\n")
	if r.Quick {
		w("**This is a `-quick` run (%d units): the figures are not the ones the limits are about.**\n\n", r.Params.Units)
	}

	w("## Machine\n\n")
	w("| | |\n|---|---|\n")
	w("| CPU | %s |\n| cores | %d |\n| memory | %s |\n| kernel | %s |\n| Go | %s |\n| PostgreSQL | %s |\n| server | %s |\n| load average (start, end) | %s; %s |\n\n",
		r.Machine.CPU, r.Machine.Cores, r.Machine.Memory, r.Machine.Kernel, r.Machine.Go, r.Machine.Postgres, r.Server, r.Load0, r.Load1)
	w("The machine is shared: the load average above counts other work that ran at the same time, and the times are wall-clock times under that load.\n\n")

	w("## Results\n\n")
	w("| figure | measured | limit | ratio | |\n|---|---|---|---|---|\n")
	for _, v := range r.verdicts() {
		mark := "pass"
		if !v.pass() {
			mark = "**miss**"
		}
		w("| %s | %s | %s | %.2f | %s |\n", v.what, v.value, v.limit, v.ratio, mark)
	}
	if r.TickFull.Messages > 0 {
		fan := r.TickFull.FanOutMedian()
		w("| remind fan-out, %d units: %d messages into the outbox after the run commits (median) | %s (%.0f µs a message; %.1f× the floor of %s for as many bare rows) | — | — | |\n",
			r.Params.Units, r.TickFull.Messages, ms(fan), float64(fan.Microseconds())/float64(r.TickFull.Messages),
			float64(fan)/float64(max(1, r.TickFull.Floor)), ms(r.TickFull.Floor))
	}
	w("| memory of `nhacviec serve`, %d units | %s | — | — | |\n\n", r.Params.Units, r.serveValue())

	w("## Data\n\n")
	w("Generated by `tools/gen` (`go run ./tools/gen -units N -history Y -url URL`), deterministic (seed 1), as the history stands on %s:\n\n",
		gen.DefaultAsOf().Format("2006-01-02 15:04 MST"))
	w("| database | rows | generated in |\n|---|---|---|\n")
	w("| bench_full: %d units, 1 year (%s) | %s | %s |\n", r.Params.Units, r.SizeFull, r.GenFull.String(), r.GenFull.Elapsed.Round(time.Second))
	for i, years := range []int{1, r.Params.HistoryX} {
		w("| bench_hist%d: %d units, %d year(s) | %s | %s |\n", years, r.Params.HistUnits, years, r.GenHist[i].String(), r.GenHist[i].Elapsed.Round(time.Second))
	}
	w("\nEach ward has 20 officials (a chairman, two office officials, members; one never linked to Telegram), the 6 areas of the seed, 10 targets with a reading per period, and 60 tasks a year: 10 weekly, 15 monthly, 5 quarterly and 30 one-off. Occurrences are materialized through the next period of their cadence; 80%% of them are done on time, 18%% up to 12 days late, 2%% 20–60 days late, each with one to three progress reports before the final one. The outbox holds, as sent, one reminder per occurrence, the escalations and the weekly digests. Earlier plan years are complete, so more history adds rows but no open occurrence. Towns (thị xã) of 100 wards are units without a plan.\n\n")

	w("## Remind tick\n\n")
	w("`jobs.Scheduler.RunAt` at %s (a working Friday), the remind job only, undone and repeated %d times. The run's transaction claims the run, reads the open occurrences due by D+7 and writes its decisions, one remind batch per unit; after it commits, the fan-out turns the batches into outbox messages, 200 units a transaction, one transaction at a time (`jobs.Scheduler.FanOut`; see docs/ARCHITECTURE.md).\n\n", tickInstant().Format(time.RFC3339), len(r.TickFull.Times))
	w("| database | run (decisions) | fan-out | remind batches | messages enqueued | unlinked recipients | open occurrences due by D+7 | rows examined (pg_stat_user_tables, run and fan-out) |\n|---|---|---|---|---|---|---|---|\n")
	row := func(name string, t tickResult) {
		var runs, fans []string
		for i, d := range t.Times {
			runs = append(runs, ms(d))
			fans = append(fans, ms(t.FanOuts[i]))
		}
		w("| %s | %s | %s | %d | %d | %d | %d | %d |\n", name, strings.Join(runs, ", "), strings.Join(fans, ", "),
			t.Batches, t.Messages, t.Unlinked, t.OpenDue, t.RowsExamined)
	}
	row("bench_full", r.TickFull)
	row("bench_hist1", r.TickHist[0])
	row(fmt.Sprintf("bench_hist%d", r.Params.HistoryX), r.TickHist[1])
	if r.TickFull.Messages > 0 {
		fan := r.TickFull.FanOutMedian()
		w("\nOn bench_full the run's transaction costs %.0f µs per unit. The fan-out costs %.0f µs per message; the floor measured on the same server, one `INSERT … SELECT FROM generate_series` of %d rows into a logged table with a primary key and a unique text key, took %s (%.0f µs a row). Telegram accepts 30 messages a second from a bot, so delivering these %d messages takes %s: the fan-out is %.4f of that.\n",
			float64(r.TickFull.Median().Microseconds())/float64(r.Params.Units),
			float64(fan.Microseconds())/float64(r.TickFull.Messages),
			r.TickFull.Messages, ms(r.TickFull.Floor), float64(r.TickFull.Floor.Microseconds())/float64(r.TickFull.Messages),
			r.TickFull.Messages, (time.Duration(r.TickFull.Messages) * time.Second / 30).Round(time.Second),
			fan.Seconds()/(float64(r.TickFull.Messages)/30))
	}
	w("\nThe decision's query (`store.OpenDueThrough`), `EXPLAIN (ANALYZE, BUFFERS)` on bench_full:\n\n```\n%s\n```\n\n", r.TickFull.Explain)

	w("## Delivery\n\n")
	w("`delivery.Lane` → `telegram.Sender` → go-telegram/bot → `telegramtest` over HTTP on 127.0.0.1, on bench_full (whose outbox already holds the history).\n\n")
	w("- Without limits: %d messages to %d chats, each enqueued in its own transaction while the worker runs, until all are marked sent: %s, **%.0f messages/s**. The floor on the same server, a bare `INSERT … RETURNING id` then `UPDATE … SET status = 'sent'` per row, one statement per round trip: %d rows at **%.0f rows/s**.\n",
		r.Free.Messages, max(1, r.Free.Messages/3), r.Free.Elapsed.Round(time.Millisecond), r.Free.Rate, r.Free.BareCount, r.Free.Bare)
	w("- With Telegram's limits (the fake answers 429 beyond 30/s overall or 1/s per chat; the worker set to telegram.rate_per_second 29 and 1 s per chat): %d messages to %d chats, all pending at the start: %s; between the first and the last accepted send **%.2f messages/s**; 429 answers: %d; rows retried: %d.\n\n",
		r.Limited.Messages, max(1, r.Limited.Messages/2), r.Limited.Elapsed.Round(time.Millisecond), r.Limited.Rate, r.Limited.TooMany, r.Limited.Retried)

	w("## Digests\n\n")
	w("`report.Compile` then `message.DigestTelegram`, quarterly digest (decree09 quarter containing the tick) as of the tick. One ward (%d task lines): median of %d runs %s. The town digest of the first town's %d wards (`report.Compile` of the town, which reads the town's and its wards' rows with six set queries in one snapshot and builds each ward's digest with the code that builds a ward's own, then the Telegram rendering): %s.\n\n",
		r.Digest.Tasks, r.Digest.Reps, ms(r.Digest.One), r.Digest.TownSize, ms(r.Digest.Town))
	w("The period report (`wardreport.Compile`: the digest, the next period's digest and the ward's activity; then the .docx): one ward, median of %d runs %s; the town of %d wards %s.\n\n",
		r.Digest.ReportReps, ms(r.Digest.Report), r.Digest.TownSize, ms(r.Digest.TownReport))

	w("## Memory\n\n%s", r.Serve.markdown())

	w("## Commands\n\n```\nmake bench                          # go run ./tools/bench: the full run, writes this file\ngo run ./tools/bench -quick         # 100 units, a few minutes\ngo run ./tools/bench -country       # the country's morning, a bot per province, then one bot (its section)\ngo run ./tools/bench -url postgres://…/postgres   # on an existing server (or TEST_DATABASE_URL)\ngo run ./tools/bench -serve-only -reuse -profiles DIR -url postgres://…/postgres   # serve's memory alone, with heap profiles\ngo run ./tools/gen -units 3300 -url postgres://…/nhacviec   # the data alone\ngo test -run '^$' -bench . ./jobs ./report ./delivery ./wardreport   # the testing.B benchmarks\n```\n\n")
	w("## Findings\n\n%s", findings)
	return b.String()
}

// markdown is the Memory section's text.
func (s serveResult) markdown() string {
	if s.Skipped != "" {
		return fmt.Sprintf("Not measured: %s.\n\n", s.Skipped)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "`nhacviec serve` built from ./cmd/nhacviec, on bench_full, Telegram API pointed at the fake server. VmRSS 15 s after start (start-up and catch-up done): **%.1f MiB**. Then %d messages enqueued at once: highest VmRSS sampled every 100 ms over 20 s: **%.1f MiB** (%d messages delivered meanwhile, the catch-up's reminders first; %d pending at the end). The catch-up (the missed runs of the last 24 hours of the wall clock, a year after the generated history: materializing a year of occurrences and reminding a year of overdue ones for every unit) was still running on both cores; it finished %s later, and then serve delivered **%.1f messages/s** over 10 s (Telegram's ceiling: 30).\n\n",
		float64(s.IdleKB)/1024, s.Burst, float64(s.BurstKB)/1024, s.Delivered, s.Pending,
		s.FanOutLeft.Round(time.Second), s.RateAfter)
	prof := func(what, file string, t heapTop) {
		if file == "" {
			return
		}
		fmt.Fprintf(&b, "Heap profile %s (`/debug/pprof/heap` with `NHACVIEC_PPROF=1`, as of the last collection), `go tool pprof -top`:\n\n```\n# -sample_index=inuse_space\n%s\n\n# -sample_index=alloc_space (since start)\n%s\n```\n\n", what, t.Inuse, t.Alloc)
	}
	prof("idle", s.IdleProfile, s.IdleTop)
	prof(fmt.Sprintf("at the burst's highest VmRSS (%.1f MiB when taken)", float64(s.PeakProfileKB)/1024), s.PeakProfile, s.PeakTop)
	if len(s.Morning) > 0 {
		fmt.Fprintf(&b, "The morning, after that: `nhacviec tick --at` on the same database, at each instant below, the code serve's scheduler runs then, while serve delivers what it enqueues; the tick process's highest RSS (getrusage) and serve's highest VmRSS during the tick and the 20 s after.\n\n")
		fmt.Fprintf(&b, "| instant | tick | took | tick's highest RSS | serve's highest VmRSS |\n|---|---|---|---|---|\n")
		for _, m := range s.Morning {
			sum := m.Summary
			if m.Err != "" {
				sum += " (" + m.Err + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %.1f MiB | %.1f MiB |\n", m.At.Format(time.RFC3339), strings.ReplaceAll(sum, "|", "/"),
				m.Took.Round(time.Second), float64(m.TickKB)/1024, float64(m.ServeKB)/1024)
		}
		b.WriteString("\n")
		prof(fmt.Sprintf("of serve at its highest VmRSS during the morning (%.1f MiB when taken)", float64(s.MorningProfileKB)/1024), s.MorningProfile, s.MorningTop)
	}
	return b.String()
}

func (r *reportDoc) serveValue() string {
	if r.Serve.Skipped != "" {
		return "not measured (see Memory)"
	}
	return fmt.Sprintf("idle %.1f MiB, burst %.1f MiB", float64(r.Serve.IdleKB)/1024, float64(r.Serve.BurstKB)/1024)
}

func argString(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return " " + strings.Join(args, " ")
}

// findings is the analysis of the figures: what they are made of and what
// to change where a limit is missed. It is about the structure of the code
// (round trips, rows read), which does not depend on the machine's load;
// keep it in findings.md, next to this file, when the code changes.
//
//go:embed findings.md
var findings string
