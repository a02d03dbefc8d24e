package mail

import (
	"context"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
)

// Sender sends the outbox's e-mail rows through an SMTPSender: the
// channel.Sender of channel.Email. An e-mail has no chat; its payload
// carries the recipients, subject, plain-text body, attachments and the key
// its Message-ID is derived from.
type Sender struct {
	smtp *SMTPSender
	from string
	clk  clock.Clock
}

// NewSender returns a Sender sending from address from (email.from)
// through smtp; clk dates the messages.
func NewSender(smtp *SMTPSender, from string, clk clock.Clock) *Sender {
	return &Sender{smtp: smtp, from: from, clk: clk}
}

// Channel is channel.Email.
func (s *Sender) Channel() channel.Name { return channel.Email }

// Limits are e-mail's: plain text of any length with attachments, and no
// pacing.
func (s *Sender) Limits() channel.Limits {
	return channel.Limits{MaxText: 1 << 20, MaxCaption: 1 << 20, Photos: true, Documents: true}
}

// Probe succeeds: SMTP has no cheap "are you there" that tells a server
// down from a message it refuses, so every failed send counts as an attempt
// and the backoff (LaneOptions) spans the outage.
func (s *Sender) Probe(ctx context.Context) error { return nil }

// Send delivers the e-mail p in one SMTP session; chat is ignored. A
// PermanentError is reported as channel.ErrRejected; other errors are
// transient. An e-mail has no message id.
func (s *Sender) Send(ctx context.Context, chat int64, p store.Payload) (channel.Receipt, error) {
	m := Message{
		From:        s.from,
		To:          p.To,
		Subject:     p.Subject,
		Text:        p.Text,
		Attachments: p.Attachments,
		Date:        s.clk.Now(),
		MessageID:   MessageID(p.MessageKey, s.from),
	}
	if err := s.smtp.Send(ctx, m); err != nil {
		if IsPermanent(err) {
			return channel.Receipt{}, &rejected{err: err}
		}
		return channel.Receipt{}, err
	}
	return channel.Receipt{}, nil
}

// rejected is a PermanentError as channel.ErrRejected; its text is err's.
type rejected struct{ err error }

func (e *rejected) Error() string   { return e.err.Error() }
func (e *rejected) Unwrap() []error { return []error{channel.ErrRejected, e.err} }

// LaneOptions fills the zero fields of o with the e-mail lane's defaults: 8
// attempts, backoff from 1 min doubling up to 2 h, 10 rows a claim, 2 min a
// send, a poll every 5 s.
func LaneOptions(o delivery.Options) delivery.Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = time.Minute
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 2 * time.Hour
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 2 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	return o
}
