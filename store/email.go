package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/lib/pq"
)

// EmailChannel is the LISTEN/NOTIFY channel signalled whenever an e-mail is
// enqueued; the notification is delivered when the enqueuing transaction
// commits.
const EmailChannel = "nhacviec_email"

// EmailMessage is an e-mail decided by a job (a digest copy with its
// workbook), to be delivered by the mail worker.
type EmailMessage struct {
	UnitID      *int64
	DedupeKey   string // unique: the same decision twice enqueues once
	To          []string
	Subject     string
	Text        string // plain-text body
	Attachments []Attachment
	NotBefore   time.Time // first delivery attempt; the decision's "now"
}

// EnqueueEmail inserts m into the e-mail outbox through wr (a transaction,
// so that the e-mail commits with the decision that caused it). It reports
// false when an e-mail with the same dedupe key already exists, which is
// not an error.
func EnqueueEmail(ctx context.Context, wr Writer, m EmailMessage) (bool, error) {
	q := wr.execer()
	if m.DedupeKey == "" {
		return false, fmt.Errorf("store: enqueue e-mail %q: empty dedupe key", m.Subject)
	}
	if len(m.To) == 0 {
		return false, fmt.Errorf("store: enqueue e-mail %s: no recipients", m.DedupeKey)
	}
	attachments := m.Attachments
	if attachments == nil {
		attachments = []Attachment{}
	}
	raw, err := json.Marshal(attachments)
	if err != nil {
		return false, fmt.Errorf("store: enqueue e-mail %s: encode attachments: %w", m.DedupeKey, err)
	}
	res, err := q.ExecContext(ctx, `
		INSERT INTO email_outbox (unit_id, dedupe_key, recipients, subject, body, attachments,
		                          next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.UnitID, m.DedupeKey, pq.Array(m.To), m.Subject, m.Text, raw, m.NotBefore)
	if err != nil {
		return false, fmt.Errorf("store: enqueue e-mail %s: %w", m.DedupeKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: enqueue e-mail %s: %w", m.DedupeKey, err)
	}
	if n == 0 {
		return false, nil
	}
	if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, '')`, EmailChannel); err != nil {
		return false, fmt.Errorf("store: enqueue e-mail %s: notify: %w", m.DedupeKey, err)
	}
	return true, nil
}

// EmailRow is a stored outgoing e-mail.
type EmailRow struct {
	ID             int64          `db:"id"`
	UnitID         *int64         `db:"unit_id"`
	DedupeKey      string         `db:"dedupe_key"`
	To             pq.StringArray `db:"recipients"`
	Subject        string         `db:"subject"`
	Text           string         `db:"body"`
	RawAttachments []byte         `db:"attachments"`
	Status         string         `db:"status"`
	Attempts       int            `db:"attempts"`
	NextAttemptAt  time.Time      `db:"next_attempt_at"`
	LastError      string         `db:"last_error"`
	CreatedAt      time.Time      `db:"created_at"`
	SentAt         *time.Time     `db:"sent_at"`
}

// emailColumns is the explicit column list matching EmailRow.
const emailColumns = `id, unit_id, dedupe_key, recipients, subject, body, attachments, status,
	attempts, next_attempt_at, last_error, created_at, sent_at`

// Attachments decodes the row's attachments.
func (r EmailRow) Attachments() ([]Attachment, error) {
	var a []Attachment
	if err := json.Unmarshal(r.RawAttachments, &a); err != nil {
		return nil, fmt.Errorf("store: e-mail %d: decode attachments: %w", r.ID, err)
	}
	return a, nil
}

// ClaimEmails leases up to limit pending e-mails due at now for delivery.
// Like the Telegram claim, it is one statement (leaseStatement): each
// claimed row's next_attempt_at moves to now+lease and its attempts grow
// by one, committed before ClaimEmails returns; a worker that dies after
// claiming leaves the row to be claimed again when the lease expires.
func (s *Store) ClaimEmails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]EmailRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	var claimed []EmailRow
	err := s.db.SelectContext(ctx, &claimed, leaseStatement(emailQueue, "$3", `
			SELECT id
			FROM email_outbox
			WHERE status = 'pending' AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id
			LIMIT $2
			FOR UPDATE SKIP LOCKED`, emailColumns), now, limit, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("store: claim e-mails: %w", err)
	}
	sort.Slice(claimed, func(i, j int) bool { return claimed[i].ID < claimed[j].ID })
	return claimed, nil
}

// MarkEmailSent records that e-mail id was handed to the SMTP server at now.
func (s *Store) MarkEmailSent(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE email_outbox
		SET status = 'sent', sent_at = $2, last_error = ''
		WHERE id = $1 AND status = 'pending'`, id, now)
	if err != nil {
		return fmt.Errorf("store: mark e-mail %d sent: %w", id, err)
	}
	return nil
}

// RetryEmail puts e-mail id back to be attempted at next, keeping errText
// as its last error.
func (s *Store) RetryEmail(ctx context.Context, id int64, next time.Time, errText string) error {
	if err := s.retryRow(ctx, emailQueue, id, next, errText, true); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// KillEmail marks e-mail id dead: it will not be attempted again; errText
// is kept as its last error.
func (s *Store) KillEmail(ctx context.Context, id int64, errText string) error {
	if err := killRow(ctx, s.db, emailQueue, id, errText); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// EmailRows returns every e-mail outbox row, oldest first, for tests and
// diagnostics.
func (s *Store) EmailRows(ctx context.Context) ([]EmailRow, error) {
	var rows []EmailRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+emailColumns+`
		FROM email_outbox
		ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: e-mail rows: %w", err)
	}
	return rows, nil
}

// EmailCounts counts e-mail outbox rows by status.
func (s *Store) EmailCounts(ctx context.Context) (OutboxCounts, error) {
	c, err := s.countRows(ctx, emailQueue)
	if err != nil {
		return OutboxCounts{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}
