package bot

import (
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// onLeave handles /nghiphep (/leave):
//
//	/nghiphep                                       list current and future leaves
//	/nghiphep DD/MM/YYYY DD/MM/YYYY [STANDIN]       one's own leave
//	/nghiphep KEY DD/MM/YYYY DD/MM/YYYY [STANDIN]   another's (office, chairman)
//	/nghiphep huy [KEY]                             end or cancel the current or next leave
//
// The forms are told apart by the first word: a date, huy/hủy/cancel, or
// an official's key. Every refusal is a reply that changes nothing.
func (t *turn) onLeave(args string) error {
	words := strings.Fields(args)
	if len(words) == 0 {
		return t.listLeaves()
	}
	switch fold(words[0]) {
	case "huy", "cancel":
		if len(words) > 2 {
			return t.say("bot.leave.usage")
		}
		key := ""
		if len(words) == 2 {
			key = words[1]
		}
		return t.endLeave(key)
	case "help", "trogiup", "?":
		return t.say("bot.leave.usage")
	}
	key := ""
	if _, err := plan.ParseDayDate(words[0]); err != nil && !looksLikeDate(words[0]) {
		key, words = words[0], words[1:]
	}
	if len(words) < 2 || len(words) > 3 {
		return t.say("bot.leave.usage")
	}
	from, err := plan.ParseDayDate(words[0])
	if err != nil {
		return t.say("bot.leave.bad_date", words[0])
	}
	to, err := plan.ParseDayDate(words[1])
	if err != nil {
		return t.say("bot.leave.bad_date", words[1])
	}
	if to.Before(from) {
		return t.say("bot.leave.dates", message.FormatDate(to), message.FormatDate(from))
	}
	who, ok, err := t.leaveSubject(key)
	if err != nil || !ok {
		return err
	}
	in := store.LeaveInput{UnitID: who.UnitID, OfficialID: who.ID, From: from, To: to, CreatedBy: t.official.ID, Now: t.now}
	if len(words) == 3 {
		s, ok, err := t.unitOfficial(words[2])
		if err != nil || !ok {
			return err
		}
		in.StandinID = s.ID
	}
	l, err := store.CreateLeave(t.ctx, t.tx, in)
	if le := (*store.LeaveError)(nil); errors.As(err, &le) {
		return t.refuseLeave(le, who, words)
	}
	if err != nil {
		return err
	}
	if l.StandinName != nil {
		return t.say("bot.leave.recorded", l.OfficialName, message.FormatDate(l.From), message.FormatDate(l.To), *l.StandinName)
	}
	return t.say("bot.leave.recorded_alone", l.OfficialName, message.FormatDate(l.From), message.FormatDate(l.To))
}

// looksLikeDate reports whether s was meant as a date (digits and
// separators), so that a wrong date is reported as such rather than as an
// unknown official.
func looksLikeDate(s string) bool {
	return strings.ContainsAny(s, "/") || (len(s) > 0 && s[0] >= '0' && s[0] <= '9' && strings.Count(s, "-") == 2)
}

// leaveSubject is the official whose leave is recorded or ended: the
// speaker (key empty or their own), or, for the office and the chairman
// only, the official key of their unit.
func (t *turn) leaveSubject(key string) (plan.Official, bool, error) {
	if key == "" || strings.EqualFold(key, t.official.Key) {
		return *t.official, true, nil
	}
	if !t.official.Manager() {
		return plan.Official{}, false, t.say("bot.leave.not_allowed")
	}
	return t.unitOfficial(key)
}

// unitOfficial is the active official key of the speaker's unit; a reply
// says so when there is none.
func (t *turn) unitOfficial(key string) (plan.Official, bool, error) {
	officials, err := store.ActiveOfficials(t.ctx, t.tx, t.official.UnitID)
	if err != nil {
		return plan.Official{}, false, err
	}
	for _, o := range officials {
		if strings.EqualFold(o.Key, key) {
			return o, true, nil
		}
	}
	return plan.Official{}, false, t.say("bot.leave.unknown_official", key)
}

// refuseLeave replies why a leave was refused.
func (t *turn) refuseLeave(le *store.LeaveError, who plan.Official, words []string) error {
	switch le.Reason {
	case store.LeaveOverlap:
		from, to := "", ""
		if le.Other != nil {
			from, to = message.FormatDate(le.Other.From), message.FormatDate(le.Other.To)
		}
		return t.say("bot.leave.overlap", who.Name, from, to)
	case store.LeaveStandinAbsent:
		return t.say("bot.leave.standin_on_leave", le.Other.OfficialName, message.FormatDate(le.Other.From), message.FormatDate(le.Other.To))
	case store.LeaveStandinSelf:
		return t.say("bot.leave.standin_self")
	case store.LeaveStandinUnit, store.LeaveStandinGone:
		return t.say("bot.leave.standin_unit")
	case store.LeaveBadDates:
		return t.say("bot.leave.dates", words[1], words[0])
	}
	return le
}

// endLeave ends the current leave of the subject (the speaker, or key for
// the office and the chairman) or cancels the next one.
func (t *turn) endLeave(key string) error {
	who, ok, err := t.leaveSubject(key)
	if err != nil || !ok {
		return err
	}
	today := t.today()
	l, cancelled, err := store.EndLeave(t.ctx, t.tx, who.ID, today, t.now)
	if errors.Is(err, store.ErrNotFound) {
		return t.say("bot.leave.none", who.Name)
	}
	if err != nil {
		return err
	}
	if cancelled {
		return t.say("bot.leave.cancelled", l.OfficialName, message.FormatDate(l.From), message.FormatDate(l.To))
	}
	return t.say("bot.leave.ended", l.OfficialName, message.FormatDate(l.From), message.FormatDate(today.AddDays(-1)))
}

// listLeaves replies with the unit's current and future leaves.
func (t *turn) listLeaves() error {
	leaves, err := store.LeavesFrom(t.ctx, t.tx, t.official.UnitID, t.today())
	if err != nil {
		return err
	}
	if len(leaves) == 0 {
		return t.say("bot.leave.list_none")
	}
	var b strings.Builder
	b.WriteString(t.p.T("bot.leave.list_header"))
	for _, l := range leaves {
		s := t.p.T("bot.leave.no_standin")
		if l.StandinName != nil {
			s = *l.StandinName
		}
		b.WriteString("\n" + tghtml.Escape(t.p.T("bot.leave.list_line", l.OfficialName, message.FormatDate(l.From), message.FormatDate(l.To), s)))
	}
	b.WriteString("\n\n" + t.p.T("bot.leave.usage"))
	return t.reply(b.String())
}

// coveredLeaves returns the leaves, covering today, for which the
// speaker is the stand-in.
func (t *turn) coveredLeaves() ([]store.Leave, error) {
	return store.CoveredBy(t.ctx, t.tx, t.official.ID, t.today())
}

// standsInFor reports whether the speaker is today the stand-in of an
// official who may update info.
func (t *turn) standsInFor(info store.ReportableOccurrence) (bool, error) {
	leaves, err := t.coveredLeaves()
	if err != nil {
		return false, err
	}
	for _, l := range leaves {
		if info.CanUpdate(l.OfficialID) {
			return true, nil
		}
	}
	return false, nil
}

// withCovered adds to occs, the speaker's own open occurrences, those of
// the officials they stand in for today, in due order, and returns by
// occurrence id the name of the official each added one is covered for.
func (t *turn) withCovered(occs []store.ReportableOccurrence) ([]store.ReportableOccurrence, map[int64]string, error) {
	leaves, err := t.coveredLeaves()
	if err != nil || len(leaves) == 0 {
		return occs, nil, err
	}
	seen := make(map[int64]bool, len(occs))
	for _, o := range occs {
		seen[o.ID] = true
	}
	onBehalf := make(map[int64]string)
	for _, l := range leaves {
		theirs, err := store.OfficialOccurrences(t.ctx, t.tx, l.OfficialID, plan.NewDate(9999, 12, 31), math.MaxInt32)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range theirs {
			if !seen[o.ID] {
				seen[o.ID] = true
				onBehalf[o.ID] = l.OfficialName
				occs = append(occs, o)
			}
		}
	}
	slices.SortStableFunc(occs, func(a, b store.ReportableOccurrence) int { return a.Due.Compare(b.Due) })
	return occs, onBehalf, nil
}
