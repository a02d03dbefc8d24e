package jobs

import (
	"context"
	"fmt"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// digest returns the job that compiles, for each unit, the digest of the
// period of kind that just closed before the run's instant (the previous
// period under periods.cutoff; for weeks the previous ISO week), judged as
// of the run's instant, and sends it to every linked chairman and office
// official, split under Telegram's limit. The dedupe key is
// digest:<unit>:<period>:<official>, with #1, #2... when split.
func (s *Scheduler) digest(kind plan.PeriodKind) func(context.Context, *runState) error {
	return func(ctx context.Context, r *runState) error {
		units, err := s.units(ctx)
		if err != nil {
			return err
		}
		for _, u := range units {
			day := plan.DateIn(r.at, u.loc)
			p := plan.PeriodContaining(kind, day, s.cutoff).Prev()
			officials, err := store.ActiveOfficials(ctx, r.tx, u.ID)
			if err != nil {
				return err
			}
			var d *report.Digest
			for _, o := range officials {
				if !o.Manager() {
					continue
				}
				if !o.Linked() {
					r.unlinked++
					continue
				}
				if d == nil {
					if d, err = report.Compile(ctx, s.st, u.Code, p, r.at); err != nil {
						return err
					}
				}
				parts := tghtml.Split(report.RenderTelegram(d, s.printer(o)), tghtml.MaxMessage)
				base := fmt.Sprintf("digest:%s:%s:%d", u.Code, p.Key, o.ID)
				for i, part := range parts {
					key := base
					if len(parts) > 1 {
						key = fmt.Sprintf("%s#%d", base, i+1)
					}
					err := r.send(ctx, store.OutMessage{
						UnitID:     int64p(u.ID),
						OfficialID: int64p(o.ID),
						ChatID:     *o.TelegramChatID,
						DedupeKey:  key,
						Kind:       "digest",
						Payload:    store.Payload{Text: part},
					})
					if err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
}
