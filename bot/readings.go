package bot

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// reportState is the chat state of a /baocao conversation.
type reportState struct {
	Step     string  `json:"step"` // "choose" a target, then "value"
	Targets  []int64 `json:"targets,omitempty"`
	TargetID int64   `json:"target_id,omitempty"`
	Period   string  `json:"period,omitempty"`
}

// The steps of a /baocao conversation.
const (
	stepChoose = "choose"
	stepValue  = "value"
)

// targetPeriod is the period a reading of t made now is for: the period of
// the target's cadence containing today.
func (t *turn) targetPeriod(target plan.Target) plan.Period {
	return plan.PeriodContaining(plan.Cadence(target.Every).Kind(), t.today(), t.b.cfg.Cutoff)
}

// onReport starts /baocao: list the targets the official owns with their
// current period and latest reading, and ask which one to report.
func (t *turn) onReport() error {
	targets, err := store.OwnedTargets(t.ctx, t.tx, t.official.ID)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return t.say("bot.report_none")
	}
	owned := make([]message.OwnedTarget, 0, len(targets))
	ids := make([]int64, 0, len(targets))
	for _, tg := range targets {
		readings, err := store.Readings(t.ctx, t.tx, tg.ID)
		if err != nil {
			return err
		}
		ot := message.OwnedTarget{
			Text:       tg.Text,
			Goal:       tg.Goal,
			Comparator: string(tg.Comparator),
			Measure:    tg.Measure,
			PeriodKey:  t.targetPeriod(tg).Key,
		}
		if n := len(readings); n > 0 {
			ot.Latest = &message.Reading{Value: readings[n-1].Value, PeriodKey: readings[n-1].PeriodKey}
		}
		owned = append(owned, ot)
		ids = append(ids, tg.ID)
	}
	if err := store.SetChatState(t.ctx, t.tx, t.chatID, reportState{Step: stepChoose, Targets: ids}, t.now); err != nil {
		return err
	}
	return t.reply(message.ChooseTarget(t.p, owned))
}

// hint says what a reading of measure looks like.
func (t *turn) hint(measure string) string {
	return t.p.T(i18n.Key("bot.report_hint_" + measure))
}

// continueReport takes the next answer of a /baocao conversation in
// progress. It reports false when there is none.
func (t *turn) continueReport(text string) (bool, error) {
	var st reportState
	ok, err := store.ChatState(t.ctx, t.tx, t.chatID, t.now.Add(-chatStateTTL), &st)
	if err != nil || !ok {
		return false, err
	}
	switch st.Step {
	case stepChoose:
		n, ok := atoi(text)
		if !ok || n > len(st.Targets) {
			return true, t.reply(t.p.T("bot.report_bad_choice", len(st.Targets)))
		}
		tg, err := store.TargetByID(t.ctx, t.tx, st.Targets[n-1])
		if err != nil {
			return true, err
		}
		p := t.targetPeriod(tg)
		next := reportState{Step: stepValue, TargetID: tg.ID, Period: p.Key}
		if err := store.SetChatState(t.ctx, t.tx, t.chatID, next, t.now); err != nil {
			return true, err
		}
		id := tg.ID
		return true, t.send(store.Payload{
			Text:    message.Say(t.p, "bot.report_ask_value", tg.Text, message.PeriodLabel(p, t.p), message.HTML(t.hint(tg.Measure))),
			ReplyTo: t.messageID,
		}, nil, &id)
	case stepValue:
		tg, err := store.TargetByID(t.ctx, t.tx, st.TargetID)
		if err != nil {
			return true, err
		}
		p, err := plan.ParsePeriod(st.Period, t.b.cfg.Cutoff)
		if err != nil {
			p = t.targetPeriod(tg)
		}
		done, err := t.recordReading(tg, p, text)
		if err != nil || !done {
			return true, err
		}
		return true, store.ClearChatState(t.ctx, t.tx, t.chatID)
	}
	return false, store.ClearChatState(t.ctx, t.tx, t.chatID)
}

// onReadingReply records a reply to a message asking for a target reading:
// a reading request of the scheduler (dedupe key
// "reading:<target>:<period>:<owner>", whose period it is) or the question
// of /baocao (the target's current period).
func (t *turn) onReadingReply(row store.OutboxRow, text string) error {
	tg, err := store.TargetByID(t.ctx, t.tx, *row.TargetID)
	if err != nil {
		return err
	}
	p := t.targetPeriod(tg)
	if parts := strings.Split(row.DedupeKey, ":"); len(parts) >= 3 && parts[0] == "reading" {
		if rp, err := plan.ParsePeriod(parts[2], t.b.cfg.Cutoff); err == nil {
			p = rp
		}
	}
	_, err = t.recordReading(tg, p, text)
	if err != nil {
		return err
	}
	return store.ClearChatState(t.ctx, t.tx, t.chatID)
}

// recordReading checks that the speaker owns the target, reads the value
// and records it for period p, replying in every case. It reports whether
// a reading was recorded.
func (t *turn) recordReading(tg plan.Target, p plan.Period, text string) (bool, error) {
	if tg.OwnerID != t.official.ID {
		return false, t.say("bot.reading_not_owner", tg.Text)
	}
	v, ok := parseReading(text, tg.Measure, tg.Kind)
	if !ok {
		return false, t.reply(t.p.T("bot.report_bad_value", t.hint(tg.Measure)))
	}
	_, err := store.RecordReading(t.ctx, t.tx, store.ReadingInput{
		TargetID:   tg.ID,
		PeriodKey:  p.Key,
		Value:      v,
		OfficialID: t.official.ID,
		Source:     t.source(),
		ChatID:     t.chatID,
		MessageID:  t.messageID,
		UpdateID:   t.upd.ID,
		Bot:        t.b.cfg.Name,
		Now:        t.now,
	})
	if err != nil {
		return false, err
	}
	// The confirmation judges the reading as the digest of p will: a
	// cumulative total by its pro-rated goal, a year-end figure not before
	// the year ends.
	pl, err := store.PlanByID(t.ctx, t.tx, tg.PlanID)
	if err != nil {
		return false, err
	}
	rule := plan.TargetRule{Kind: tg.Kind, Comparator: tg.Comparator, Goal: tg.Goal, Year: pl.Year, Due: tg.Due}
	known := p.To
	if today := t.today(); today.Before(known) {
		known = today
	}
	j := rule.Judge(&v, plan.CalendarEnd(p), known)
	id := tg.ID
	return true, t.send(store.Payload{
		Text:    message.ReadingRecorded(t.p, tg.Text, tg.Goal, string(tg.Comparator), tg.Measure, p, v, j),
		ReplyTo: t.messageID,
	}, nil, &id)
}
