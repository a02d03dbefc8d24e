package bot

import (
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// snooze handles a press of "⏰ 1 ngày" or "⏰ 3 ngày" on a reminder or a
// brief item about info, by one who may update it: the presser's
// reminders and nags about it are left out of the next days working days
// (the unit's calendar) and come again on the working day after them, or
// on the due date when that is sooner (the due date's reminder always
// comes). An overdue occurrence's nags are snoozed once per official; a
// second press, or a press on the due date, changes nothing. The answer
// says until when.
func (t *turn) snooze(info store.ReportableOccurrence, days int) error {
	today := plan.DateIn(t.now, t.b.cfg.Location)
	until := t.b.cfg.Calendar.AddWorkdays(today, days+1)
	overdue := today.After(info.Due)
	if !overdue {
		if until.After(info.Due) {
			until = info.Due
		}
		if !until.After(today) {
			t.answerText(t.p.T("bot.snooze.due_day"))
			return nil
		}
	} else {
		had, ok, err := store.SnoozeOf(t.ctx, t.tx, info.ID, t.official.ID)
		if err != nil {
			return err
		}
		if ok && had.OverdueUsed {
			t.answerText(t.p.T("bot.snooze.overdue_once"))
			return nil
		}
	}
	err := store.SaveSnooze(t.ctx, t.tx, store.Snooze{
		OccurrenceID: info.ID, OfficialID: t.official.ID, Until: until, OverdueUsed: overdue,
	}, t.now)
	if err != nil {
		return err
	}
	t.answerText(t.p.T("bot.snooze.done", message.FormatDate(until)))
	return nil
}
