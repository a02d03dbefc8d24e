package jobs

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// The morning brief (reminders.style: brief). The fan-out builds every
// message of its batches as before (routing.go, leave.go): one per
// occurrence and recipient, each described by a fanItem. briefs then
// groups them per batch (a unit's day) and recipient: each official gets
// at most one reminder message (the brief) and one escalation message per
// run, under the dedupe keys "brief:<unit>:<day>:<official>" and
// "brief-escalate:<unit>:<day>:<official>", so that a fan-out replayed
// after a crash enqueues nothing twice.

// briefButtonItems is how many items of a brief get a row of buttons
// (✅ and two snoozes): Telegram takes at most 100 buttons a keyboard.
const briefButtonItems = 30

// fanItem describes one message the fan-out built, for the brief.
type fanItem struct {
	to         plan.Official // who the message goes to
	occ        int64
	partner    bool                   // a partner's reminder: once per occurrence
	kind       string                 // of a reminder or nag: "reminder" or "nag"
	head       string                 // the stand-in's heading line (Telegram HTML), "" for none
	assign     [][]store.Button       // an unassigned head's assignment buttons
	options    []message.AssignOption // the same officials, for a channel without buttons
	escalation bool
	supervisor bool // an escalation worded for the area's supervisor
	team       message.BriefItem
	esc        message.EscalationItem
}

// brief reports whether reminder runs send briefs (reminders.style).
func (s *Scheduler) brief() bool { return s.cfg.Reminders.Style != config.StyleEach }

// snoozeBook is, by a batch's unit and day, the snoozes holding that day:
// by occurrence, then official, the date they hold until.
type snoozeBook map[unitDay]map[int64]map[int64]plan.Date

// readSnoozes reads, with one statement, the snoozes of the batches'
// occurrences that hold on their days.
func readSnoozes(ctx context.Context, tx *store.Tx, batches []store.RemindBatch) (snoozeBook, error) {
	type occDay struct {
		occ int64
		day plan.Date
	}
	unitOf := make(map[occDay]int64)
	var occs []int64
	var days []plan.Date
	for _, b := range batches {
		for _, d := range b.Decisions {
			k := occDay{d.OccurrenceID, b.Day}
			if _, ok := unitOf[k]; !ok {
				unitOf[k] = b.UnitID
				occs, days = append(occs, d.OccurrenceID), append(days, b.Day)
			}
		}
	}
	rows, err := store.SnoozedOn(ctx, tx, occs, days)
	if err != nil {
		return nil, err
	}
	book := make(snoozeBook)
	for _, r := range rows {
		k := unitDay{unitOf[occDay{r.OccurrenceID, r.Day}], r.Day}
		if book[k] == nil {
			book[k] = make(map[int64]map[int64]plan.Date)
		}
		if book[k][r.OccurrenceID] == nil {
			book[k][r.OccurrenceID] = make(map[int64]plan.Date)
		}
		book[k][r.OccurrenceID][r.OfficialID] = r.Until
	}
	return book, nil
}

// briefs turns the messages msgs (of batches, batchOf[i] the batch of
// msgs[i], items[i] what it is about) into the briefs: per batch and
// recipient, one reminder message listing every reminder and nag, and one
// escalation message listing every escalation. A group of one keeps its
// message (with the snooze buttons on a reminder). A partner's item joins
// only the first time the partner is reminded of the occurrence. It
// returns the messages and their batches.
func (s *Scheduler) briefs(ctx context.Context, tx *store.Tx, batches []store.RemindBatch, msgs []store.OutMessage,
	batchOf []int, items []fanItem, signer *callback.Signer) ([]store.OutMessage, []int, error) {
	var pairs []store.PartnerPair
	for _, it := range items {
		if it.partner {
			pairs = append(pairs, store.PartnerPair{OccurrenceID: it.occ, OfficialID: it.to.ID})
		}
	}
	claimed, err := store.ClaimPartnerReminders(ctx, tx, pairs, s.clk.Now())
	if err != nil {
		return nil, nil, err
	}
	type key struct {
		batch      int
		official   int64
		escalation bool
	}
	var order []key
	groups := make(map[key][]int)
	for i, it := range items {
		if it.partner && !claimed[store.PartnerPair{OccurrenceID: it.occ, OfficialID: it.to.ID}] {
			continue
		}
		k := key{batchOf[i], it.to.ID, it.escalation}
		// One item per occurrence for a recipient (a lead standing in
		// for a supporter of their own task): the first.
		if slices.ContainsFunc(groups[k], func(j int) bool { return items[j].occ == it.occ }) {
			continue
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	out := make([]store.OutMessage, 0, len(order))
	outBatch := make([]int, 0, len(order))
	for _, k := range order {
		idx := groups[k]
		b := batches[k.batch]
		first := msgs[idx[0]]
		to := items[idx[0]].to
		pr := s.printer(to)
		var m store.OutMessage
		switch {
		case len(idx) == 1 && k.escalation:
			m = first
		case len(idx) == 1:
			// The reminder or nag as style each writes it, with the
			// snooze buttons.
			it := items[idx[0]]
			text := message.ReminderTo(pr, it.team.Task, it.team.Days, it.team.As)
			if it.kind == "nag" {
				text = message.NagTo(pr, it.team.Task, it.team.Overdue, it.team.As)
			}
			m = first
			m.Payload.Text = it.head + text
			m.Payload.Buttons = append(append(it.assign, callback.Keyboard(signer, pr, it.occ, first.ChatID)...),
				callback.SnoozeRow(signer, pr, it.occ, first.ChatID))
			m.Payload.Hint = message.HintFor(first.ChatID, message.ReminderHint(pr, it.options))
		case k.escalation:
			list := make([]message.EscalationItem, len(idx))
			supervisor := true
			for j, i := range idx {
				list[j], supervisor = items[i].esc, supervisor && items[i].supervisor
			}
			text, shown := message.EscalationBrief(pr, list, supervisor, 0)
			m = store.OutMessage{UnitID: first.UnitID, OfficialID: first.OfficialID, ChatID: first.ChatID,
				Kind: "escalation", Payload: store.Payload{Text: text, Refs: refs(items, idx[:shown])}}
		default:
			// Most urgent first: overdue, due today, due soon, each as the
			// unit lists its occurrences.
			slices.SortStableFunc(idx, func(x, y int) int {
				return cmp.Compare(items[x].team.Group(), items[y].team.Group())
			})
			list := make([]message.BriefItem, len(idx))
			for j, i := range idx {
				list[j] = items[i].team
			}
			// On a channel without buttons (Zalo) the brief's last line
			// says what to type, and the hint how to assign the items a
			// head may assign.
			render := message.Brief
			if store.ChatChannel(first.ChatID) == store.ChannelZalo {
				render = message.TypedBrief
			}
			text, shown := render(pr, list, 0)
			var rows [][]store.Button
			for j, i := range idx[:min(shown, briefButtonItems)] {
				rows = append(rows, callback.BriefRow(signer, pr, j+1, items[i].occ, first.ChatID))
			}
			var hints []string
			for j, i := range idx[:shown] {
				if len(items[i].options) > 0 {
					hints = append(hints, message.AssignHint(pr, j+1, items[i].options))
				}
			}
			kind := "reminder"
			if list[0].Group() == message.BriefOverdue {
				kind = "nag"
			}
			m = store.OutMessage{UnitID: first.UnitID, OfficialID: first.OfficialID, ChatID: first.ChatID,
				Kind: kind, Payload: store.Payload{Text: text, Buttons: rows, Refs: refs(items, idx[:shown]), Hint: message.HintFor(first.ChatID, strings.Join(hints, "\n"))}}
		}
		prefix := "brief"
		if k.escalation {
			prefix = "brief-escalate"
		}
		m.DedupeKey = fmt.Sprintf("%s:%d:%s:%d", prefix, b.UnitID, b.Day, to.ID)
		m.NotBefore = first.NotBefore
		out, outBatch = append(out, m), append(outBatch, k.batch)
	}
	return out, outBatch, nil
}

// refs are the occurrence ids of items idx, in order.
func refs(items []fanItem, idx []int) []int64 {
	out := make([]int64, len(idx))
	for j, i := range idx {
		out[j] = items[i].occ
	}
	return out
}
