package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
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
// workbook as a document (#xlsx). A unit with child units (a town) gets
// the digest aggregated over them instead, under the same keys. When
// e-mail is configured, one e-mail per unit and period goes to the
// chairman and office officials with an address, plus email.digest_to:
// the text digest with the workbook attached (dedupe key
// digest:<unit>:<period>).
func (s *Scheduler) digest(kind plan.PeriodKind) func(context.Context, *runState) error {
	return func(ctx context.Context, r *runState) error {
		units, err := s.units(ctx)
		if err != nil {
			return err
		}
		// A town is a unit some unit names as its parent.
		parents := make(map[int64]bool)
		for _, u := range units {
			if u.ParentID != nil {
				parents[*u.ParentID] = true
			}
		}
		for _, u := range units {
			day := plan.DateIn(r.at, u.loc)
			p := plan.PeriodContaining(kind, day, s.cutoff).Prev()
			var c composer
			if parents[u.ID] {
				c = &townComposer{s: s, code: u.Code, p: p, asOf: r.at}
			} else {
				c = &unitComposer{s: s, code: u.Code, p: p, asOf: r.at, workbook: kind == plan.Month || kind == plan.Quarter}
			}
			if err := s.sendDigest(ctx, r, u, p, c); err != nil {
				return err
			}
		}
		return nil
	}
}

// composer compiles one digest once and renders it per language.
type composer interface {
	// telegram returns the digest in Telegram HTML.
	telegram(ctx context.Context, pr *i18n.Printer) (string, error)
	// text returns the digest as plain text, for e-mail.
	text(ctx context.Context, pr *i18n.Printer) (string, error)
	// attachments returns the files sent after the text: the chart, and
	// the workbook when the digest has one.
	attachments(ctx context.Context, pr *i18n.Printer) ([]store.Attachment, error)
	// caption returns the short text that goes with the attachments.
	caption(ctx context.Context, pr *i18n.Printer) (string, error)
}

// sendDigest sends the digest c of unit u for period p to its managers by
// Telegram and, when configured, by e-mail.
func (s *Scheduler) sendDigest(ctx context.Context, r *runState, u unitZone, p plan.Period, c composer) error {
	officials, err := store.ActiveOfficials(ctx, r.tx, u.ID)
	if err != nil {
		return err
	}
	var mailTo []string
	for _, o := range officials {
		if !o.Manager() {
			continue
		}
		if o.Email != "" {
			mailTo = append(mailTo, o.Email)
		}
		if !o.Linked() {
			r.unlinked++
			continue
		}
		pr := s.printer(o)
		html, err := c.telegram(ctx, pr)
		if err != nil {
			return err
		}
		parts := tghtml.Split(html, tghtml.MaxMessage)
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
			if err := r.send(ctx, msg(key, store.Payload{Text: part})); err != nil {
				return err
			}
		}
		files, err := c.attachments(ctx, pr)
		if err != nil {
			return err
		}
		caption, err := c.caption(ctx, pr)
		if err != nil {
			return err
		}
		for _, f := range files {
			suffix := "#chart"
			if f.Kind == "document" {
				suffix = "#xlsx"
			}
			if err := r.send(ctx, msg(base+suffix, store.Payload{Text: tghtml.Escape(caption), Attachment: &f})); err != nil {
				return err
			}
		}
	}
	if !s.cfg.Email.Enabled() {
		return nil
	}
	mailTo = append(mailTo, s.cfg.Email.DigestTo...)
	if len(mailTo) == 0 {
		return nil
	}
	pr := s.printers[s.lang]
	body, err := c.text(ctx, pr)
	if err != nil {
		return err
	}
	subject, err := c.caption(ctx, pr)
	if err != nil {
		return err
	}
	files, err := c.attachments(ctx, pr)
	if err != nil {
		return err
	}
	var docs []store.Attachment
	for _, f := range files {
		if f.Kind == "document" {
			docs = append(docs, f)
		}
	}
	_, err = store.EnqueueEmail(ctx, r.tx, store.EmailMessage{
		UnitID:      int64p(u.ID),
		DedupeKey:   fmt.Sprintf("digest:%s:%s", u.Code, p.Key),
		To:          dedupe(mailTo),
		Subject:     subject,
		Text:        body,
		Attachments: docs,
		NotBefore:   r.now,
	})
	return err
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

// unitComposer renders the digest of one unit, compiled on first use.
type unitComposer struct {
	s        *Scheduler
	code     string
	p        plan.Period
	asOf     time.Time
	workbook bool // attach the XLSX workbook

	d       *report.Digest
	history []report.HistoryPoint
	files   map[i18n.Lang][]store.Attachment
}

func (c *unitComposer) compile(ctx context.Context) (*report.Digest, error) {
	if c.d != nil {
		return c.d, nil
	}
	d, err := report.Compile(ctx, c.s.st, c.code, c.p, c.asOf)
	if err != nil {
		return nil, err
	}
	c.d = d
	return d, nil
}

func (c *unitComposer) telegram(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return report.RenderTelegram(d, pr), nil
}

func (c *unitComposer) text(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return report.RenderText(d, pr), nil
}

func (c *unitComposer) caption(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return pr.T("digest.title", report.PeriodLabel(d.PeriodValue(), pr)) + " — " + d.UnitName, nil
}

func (c *unitComposer) attachments(ctx context.Context, pr *i18n.Printer) ([]store.Attachment, error) {
	if files, ok := c.files[pr.Lang()]; ok {
		return files, nil
	}
	d, err := c.compile(ctx)
	if err != nil {
		return nil, err
	}
	if c.history == nil {
		if c.history, err = report.History(ctx, c.s.st, c.code, c.p, historyPeriods, c.asOf); err != nil {
			return nil, err
		}
	}
	png, err := chart.Digest(d, c.history, pr)
	if err != nil {
		return nil, err
	}
	files := []store.Attachment{{Kind: "photo", Filename: fileName(c.code, c.p.Key, "png"), Data: png}}
	if c.workbook {
		book, err := xlsx.Digest(d, pr)
		if err != nil {
			return nil, err
		}
		files = append(files, store.Attachment{Kind: "document", Filename: fileName(c.code, c.p.Key, "xlsx"), Data: book})
	}
	if c.files == nil {
		c.files = map[i18n.Lang][]store.Attachment{}
	}
	c.files[pr.Lang()] = files
	return files, nil
}

// townComposer renders the digest of a town aggregated over its wards. It
// has no attachments.
type townComposer struct {
	s    *Scheduler
	code string
	p    plan.Period
	asOf time.Time

	d *report.TownDigest
}

func (c *townComposer) compile(ctx context.Context) (*report.TownDigest, error) {
	if c.d != nil {
		return c.d, nil
	}
	d, err := report.CompileTown(ctx, c.s.st, c.code, c.p, c.asOf)
	if err != nil {
		return nil, err
	}
	c.d = d
	return d, nil
}

func (c *townComposer) telegram(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return report.RenderTownTelegram(d, pr), nil
}

func (c *townComposer) text(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return report.RenderTownText(d, pr), nil
}

func (c *townComposer) caption(ctx context.Context, pr *i18n.Printer) (string, error) {
	d, err := c.compile(ctx)
	if err != nil {
		return "", err
	}
	return pr.T("digest.title", report.PeriodLabel(d.PeriodValue(), pr)) + " — " + d.UnitName, nil
}

func (c *townComposer) attachments(context.Context, *i18n.Printer) ([]store.Attachment, error) {
	return nil, nil
}
