package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// calendarResult is what computing calendars and re-dating cost.
type calendarResult struct {
	Year        time.Duration // one year's holidays computed from scratch (median over 2000–2100)
	Fingerprint time.Duration // a fresh calendar's fingerprint (101 years computed)
	Open        int64         // open occurrences re-dated over
	Redate      time.Duration // switching the calendar: every open occurrence re-dated
	Moved       int64         // occurrences whose due date moved
	Writes      int           // single-row writes made on the same rows meanwhile
	WriteMax    time.Duration // the longest of them: how long serve's own writes waited
}

// measureCalendarYear times VietnamDays for each year 2000–2100 and a
// fresh calendar's fingerprint.
func measureCalendarYear() calendarResult {
	var res calendarResult
	monToFri := [8]bool{1: true, 2: true, 3: true, 4: true, 5: true}
	times := make([]time.Duration, 0, 101)
	for y := 2000; y <= 2100; y++ {
		t0 := time.Now()
		plan.VietnamDays(y, monToFri)
		times = append(times, time.Since(t0))
	}
	res.Year = median(times)
	t0 := time.Now()
	cal, err := plan.BuildCalendar(plan.CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: plan.RulesVietnam})
	if err == nil {
		cal.Fingerprint()
	}
	res.Fingerprint = time.Since(t0)
	return res
}

// measureRedate fills st (a fresh database) with a small generated world
// and n open occurrences nominally due on the days of 2026 in turn, dated
// without holidays, then switches the calendar to the Vietnamese rules and
// times the re-dating. Meanwhile one goroutine keeps writing single
// occurrence rows, as the bot and the reminder run do, and records how long
// each write took: re-dating in batches must never hold them up for long.
func measureRedate(ctx context.Context, st *store.Store, n int, res *calendarResult) error {
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 5}); err != nil {
		return err
	}
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	if _, err := st.DB().ExecContext(ctx, `
		INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
		SELECT (SELECT min(id) FROM tasks), 'redate-' || g, d, d, $2, $2
		FROM generate_series(1, $1) AS g,
		     LATERAL (SELECT DATE '2026-01-01' + (g % 365) AS d) AS x`, n, now); err != nil {
		return fmt.Errorf("seed occurrences: %w", err)
	}
	if _, err := st.DB().ExecContext(ctx, `ANALYZE occurrences`); err != nil {
		return err
	}
	none, err := plan.BuildCalendar(plan.CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: plan.RulesNone})
	if err != nil {
		return err
	}
	vn, err := plan.BuildCalendar(plan.CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: plan.RulesVietnam})
	if err != nil {
		return err
	}
	if _, err := st.RedateOccurrences(ctx, none, now); err != nil {
		return err
	}
	if err := st.DB().GetContext(ctx, &res.Open, `SELECT count(*) FROM occurrences WHERE done_at IS NULL AND archived_at IS NULL`); err != nil {
		return err
	}
	var ids []int64
	if err := st.DB().SelectContext(ctx, &ids, `
		SELECT id FROM occurrences WHERE done_at IS NULL AND key LIKE 'redate-%' ORDER BY random() LIMIT 200`); err != nil {
		return err
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			t0 := time.Now()
			if _, err := st.DB().ExecContext(ctx, `UPDATE occurrences SET last_report_at = $2 WHERE id = $1`, ids[i%len(ids)], now); err != nil {
				writeErr = err
				return
			}
			d := time.Since(t0)
			res.Writes++
			res.WriteMax = max(res.WriteMax, d)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	t0 := time.Now()
	r, err := st.RedateOccurrences(ctx, vn, now)
	res.Redate = time.Since(t0)
	close(stop)
	wg.Wait()
	if err != nil {
		return err
	}
	if writeErr != nil {
		return writeErr
	}
	res.Moved = r.Redated
	return nil
}
