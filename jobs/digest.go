package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
	"github.com/nhacviec/nhacviec/wardreport"
	"github.com/nhacviec/nhacviec/xlsx"
)

// historyPeriods is how many periods, the digest's included, the chart's
// on-time rate line covers.
const historyPeriods = 6

// digest returns the job that compiles, for each unit, the digest of the
// period of kind that just closed before the run's instant (the previous
// period under periods.cutoff; for weeks the previous ISO week), judged as
// of the run's instant, and sends it to every linked chairman and office
// official, split under Telegram's limit. The dedupe key is
// digest:<unit>:<period>:<official>, with #1, #2... when split; the chart
// follows as a photo (#chart) and, for monthly and quarterly digests, the
// workbook as a document (#xlsx); monthly, quarterly, half-year and year
// digests then carry the unit's own periodic report (package wardreport,
// .docx, #docx), a parent unit's too. A unit with child units (a parent unit: a province, or any unit wards report to) gets
// the digest aggregated over them instead (report.Compile decides), under
// the same keys. When e-mail is configured, one e-mail per unit and period
// goes to the chairman and office officials with an address, plus
// email.digest_to: the text digest with the workbook and the report attached (dedupe key
// digest:<unit>:<period>).
//
// The job is prepared before its run is claimed, digestUnits units at a
// time: their digests are compiled (report.Compile, in its own read-only
// snapshot) and rendered, chart and workbook included, outside any
// transaction, then enqueued in one short transaction of their own, and
// dropped. The returned function runs in the claim's transaction and only
// records the counts. A crash cannot lose a digest and cannot send one
// twice: before the claim commits the run stays unclaimed, and the next
// catch-up prepares it again, the dedupe keys skipping what an earlier
// attempt enqueued; after it, every message is in the outbox. Holding
// every unit's rendered digest until the claim, as the job once did, took
// 1.3 GB at 3,300 units for a weekly digest (docs/BENCHMARKS.md). A
// concurrent claimant prepares in vain, enqueues nothing new and finds
// the run taken.
func (s *Scheduler) digest(kind plan.PeriodKind) func(context.Context, time.Time, time.Time) (func(context.Context, *runState) error, error) {
	return func(ctx context.Context, at, now time.Time) (func(context.Context, *runState) error, error) {
		units, err := s.units(ctx)
		if err != nil {
			return nil, err
		}
		var messages, unlinked int
		digests := make([]unitDigest, 0, digestUnits)
		for chunk := range slices.Chunk(units, digestUnits) {
			digests = digests[:0]
			for _, u := range chunk {
				day := plan.DateIn(at, u.loc)
				p := plan.PeriodContaining(kind, day, s.cutoff).Prev()
				d, err := s.composeDigest(ctx, u, p, at, now, kind == plan.Month || kind == plan.Quarter, kind != plan.Week)
				if err != nil {
					return nil, err
				}
				digests = append(digests, d)
				unlinked += d.unlinked
			}
			n, err := s.enqueueDigests(ctx, digests, now)
			if err != nil {
				return nil, err
			}
			messages += n
			clear(digests) // let the rendered files go before the next chunk's
		}
		return func(ctx context.Context, r *runState) error {
			r.messages += messages
			r.unlinked += unlinked
			return nil
		}, nil
	}
}

// digestUnits is how many units' digests a digest run renders before it
// enqueues them: a unit's rendered digest (texts, chart, workbook, report)
// is some hundreds of kilobytes.
const digestUnits = 20

// enqueueDigests enqueues the rendered digests in one transaction, with
// now as the messages' NotBefore, and returns how many Telegram messages
// were new (those of an earlier, interrupted attempt are kept as they are).
func (s *Scheduler) enqueueDigests(ctx context.Context, digests []unitDigest, now time.Time) (int, error) {
	var n int
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		n = 0
		for _, d := range digests {
			for _, m := range d.messages {
				m.NotBefore = now
				ok, err := store.Enqueue(ctx, tx, m)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			if d.email != nil {
				if _, err := store.EnqueueEmail(ctx, tx, *d.email); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue digests: %w", err)
	}
	return n, nil
}

// unitDigest is the rendered digest of one unit, ready to enqueue.
type unitDigest struct {
	messages []store.OutMessage  // Telegram, in sending order
	email    *store.EmailMessage // nil when no e-mail goes out
	unlinked int                 // managers left out for having no linked chat
}

// composeDigest compiles the digest of unit u for period p judged as of at
// and renders it for u's managers, by Telegram in each one's language and,
// when configured, by e-mail, with now as the messages' NotBefore. A unit
// with nobody to send to is not compiled.
func (s *Scheduler) composeDigest(ctx context.Context, u unitZone, p plan.Period, at, now time.Time, workbook, wardReport bool) (unitDigest, error) {
	var out unitDigest
	officials, err := store.ActiveOfficials(ctx, s.st, u.ID)
	if err != nil {
		return out, err
	}
	var linked []plan.Official
	var mailTo []string
	for _, o := range officials {
		if !o.Manager() {
			continue
		}
		if o.Email != "" {
			mailTo = append(mailTo, o.Email)
		}
		if !o.Linked() {
			out.unlinked++
			continue
		}
		linked = append(linked, o)
	}
	mail := s.cfg.Email.Enabled()
	if mail {
		mailTo = append(mailTo, s.cfg.Email.DigestTo...)
	}
	if len(linked) == 0 && (!mail || len(mailTo) == 0) {
		return out, nil
	}
	res, err := report.Compile(ctx, s.st, u.Unit, p, at, report.Options{History: historyPeriods})
	if err != nil {
		return out, err
	}
	c := &digestFiles{res: res, unit: u.Code, period: p.Key, workbook: workbook}
	if wardReport {
		if c.report, err = wardreport.From(ctx, s.st, u.Unit, res, at); err != nil {
			return out, err
		}
	}

	for _, o := range linked {
		pr := s.printer(o)
		parts := tghtml.Messages(message.DigestTelegram(res, pr))
		base := fmt.Sprintf("digest:%s:%s:%d", u.Code, p.Key, o.ID)
		msg := func(key string, payload store.Payload) store.OutMessage {
			return store.OutMessage{
				UnitID:     int64p(u.ID),
				OfficialID: int64p(o.ID),
				ChatID:     *o.TelegramChatID,
				DedupeKey:  key,
				Kind:       "digest",
				Payload:    payload,
			}
		}
		for i, part := range parts {
			key := base
			if len(parts) > 1 {
				key = fmt.Sprintf("%s#%d", base, i+1)
			}
			out.messages = append(out.messages, msg(key, store.Payload{Text: part}))
		}
		files, err := c.attachments(pr)
		if err != nil {
			return out, err
		}
		caption := message.DigestCaption(pr, res.PeriodValue(), res.UnitName())
		for _, f := range files {
			suffix, text := "#chart", caption
			switch {
			case strings.HasSuffix(f.Filename, ".docx"):
				suffix, text = "#docx", message.ReportCaption(pr, res.PeriodValue(), res.UnitName())
			case f.Kind == "document":
				suffix = "#xlsx"
			}
			out.messages = append(out.messages, msg(base+suffix, store.Payload{Text: tghtml.Escape(text), Attachment: &f}))
		}
	}
	if !mail || len(mailTo) == 0 {
		return out, nil
	}
	pr := s.printers[s.lang]
	files, err := c.attachments(pr)
	if err != nil {
		return out, err
	}
	var docs []store.Attachment
	for _, f := range files {
		if f.Kind == "document" {
			docs = append(docs, f)
		}
	}
	out.email = &store.EmailMessage{
		UnitID:      int64p(u.ID),
		DedupeKey:   fmt.Sprintf("digest:%s:%s", u.Code, p.Key),
		To:          dedupe(mailTo),
		Subject:     message.DigestCaption(pr, res.PeriodValue(), res.UnitName()),
		Text:        message.DigestText(res, pr),
		Attachments: docs,
		NotBefore:   now,
	}
	return out, nil
}

// dedupe returns the addresses without repeats, in order.
func dedupe(addrs []string) []string {
	seen := make(map[string]bool, len(addrs))
	var out []string
	for _, a := range addrs {
		k := strings.ToLower(strings.TrimSpace(a))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}

// fileName is the name of a digest's attachment: tong-hop-pdp-2025-Q1.png.
func fileName(unit, period, ext string) string {
	return "tong-hop-" + unit + "-" + period + "." + ext
}

// digestFiles renders the files sent after a digest's text, once per
// language: a ward's chart and, when asked for, its workbook; then, when
// report is set, the unit's own periodic report (.docx), a parent unit's
// too.
type digestFiles struct {
	res      report.Result
	unit     string
	period   string
	workbook bool
	report   *wardreport.Report

	files map[i18n.Lang][]store.Attachment
}

func (c *digestFiles) attachments(pr *i18n.Printer) ([]store.Attachment, error) {
	if files, ok := c.files[pr.Lang()]; ok {
		return files, nil
	}
	var files []store.Attachment
	if !c.res.IsRollup() {
		png, err := chart.Digest(c.res.Unit, c.res.History, pr)
		if err != nil {
			return nil, err
		}
		files = append(files, store.Attachment{Kind: "photo", Filename: fileName(c.unit, c.period, "png"), Data: png})
	}
	if c.workbook && !c.res.IsRollup() {
		book, err := xlsx.Digest(c.res.Unit, pr)
		if err != nil {
			return nil, err
		}
		files = append(files, store.Attachment{Kind: "document", Filename: fileName(c.unit, c.period, "xlsx"), Data: book})
	}
	if c.report != nil {
		doc, err := c.report.DOCX(pr)
		if err != nil {
			return nil, err
		}
		files = append(files, store.Attachment{Kind: "document", Filename: wardreport.FileName(c.unit, c.period), Data: doc})
	}
	if c.files == nil {
		c.files = map[i18n.Lang][]store.Attachment{}
	}
	c.files[pr.Lang()] = files
	return files, nil
}
