package zalo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
)

// SenderConfig configures a Sender; zero fields take the defaults.
type SenderConfig struct {
	// PerSecond is the send budget across all chats (config
	// zalo.rate_per_second); default 5. The platform documents a quota
	// (429) but no rate.
	PerSecond float64
	// ChatEvery is the least gap between two messages to one chat;
	// default 1 s.
	ChatEvery time.Duration
	// PartEvery is the wait between two parts of one message (and before
	// the photo that follows a text); default ChatEvery, negative none.
	PartEvery time.Duration
	// RetryAfter is how long a chat waits after a 429, which carries no
	// retry-after; default 60 s.
	RetryAfter time.Duration
	// Photos publishes a photo at a URL the platform can fetch (served by
	// serve under http.public_url); nil when there is none, and then a
	// photo is left out, the text saying so.
	Photos PhotoPublisher
	// Files publishes a document (a workbook, a report) at a URL that the
	// text then gives, with until when it answers; nil when there is
	// none, and then the text says where to get the file.
	Files FilePublisher
	// Language is the language of the lines the sender adds (the office's
	// default, config language); empty is Vietnamese.
	Language i18n.Lang
	// Location is the time zone of the instants those lines give (config
	// schedule.timezone); nil keeps the publisher's.
	Location *time.Location
}

// PhotoPublisher publishes a photo at an unguessable, expiring URL the
// platform fetches (sendPhoto takes a URL, not a file).
type PhotoPublisher interface {
	PhotoURL(ctx context.Context, a *store.Attachment) (string, error)
}

// FilePublisher publishes a document at an unguessable URL a person opens
// from the message, and says until when it answers (the platform sends no
// documents).
type FilePublisher interface {
	FileURL(ctx context.Context, a *store.Attachment) (url string, expires time.Time, err error)
}

// Sender delivers outbox payloads to Zalo (a channel.Sender): the
// payload's Telegram HTML as plain text (PlainText), split into numbered
// parts of at most MaxText characters (Parts), sent in order; a photo by
// URL. Buttons and reply-to are dropped (the platform has neither; Limits
// says so): the payload's Hint says what to type instead. A document goes
// as a link, or as a line saying where to get it. Its errors are the
// channel's kinds (Classify).
type Sender struct {
	api   *Client
	chats Chats
	cfg   SenderConfig
	pr    *i18n.Printer
}

// NewSender returns a Sender calling api, mapping the outbox's chat ids
// back to the platform's with chats.
func NewSender(api *Client, chats Chats, cfg SenderConfig) *Sender {
	if cfg.PerSecond <= 0 {
		cfg.PerSecond = 5
	}
	if cfg.ChatEvery <= 0 {
		cfg.ChatEvery = time.Second
	}
	if cfg.PartEvery == 0 {
		cfg.PartEvery = cfg.ChatEvery
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Minute
	}
	return &Sender{api: api, chats: chats, cfg: cfg, pr: i18n.New(cfg.Language)}
}

var _ channel.Sender = (*Sender)(nil)

// Channel is Channel ("zalo").
func (s *Sender) Channel() channel.Name { return Channel }

// Limits are the platform's: plain text of MaxText characters, photos
// only when a publisher is set, no buttons, documents or replies; the
// configured pace (group chats, in beta, as private ones).
func (s *Sender) Limits() channel.Limits {
	return channel.Limits{
		MaxText:    MaxText,
		MaxCaption: MaxText,
		Photos:     s.cfg.Photos != nil,
		PerSecond:  s.cfg.PerSecond,
		ChatEvery:  s.cfg.ChatEvery,
		GroupEvery: 3 * time.Second,
	}
}

// Probe asks getMe.
func (s *Sender) Probe(ctx context.Context) error {
	if _, err := s.api.GetMe(ctx); err != nil {
		return s.Classify(err)
	}
	return nil
}

// Send delivers p to the chat whose surrogate is chat: its text in parts
// (Parts of PlainText), then its photo by URL with no caption; a photo
// whose text fits a caption goes alone with it. What the platform cannot
// carry never refuses the message; the text gets a last paragraph for
// each (compose). The receipt's message id is 0: the platform's ids are
// strings and replies cannot point at a message.
func (s *Sender) Send(ctx context.Context, chat int64, p store.Payload) (channel.Receipt, error) {
	if err := s.send(ctx, chat, p); err != nil {
		return channel.Receipt{}, s.Classify(err)
	}
	return channel.Receipt{}, nil
}

// send is Send with the client's errors.
func (s *Sender) send(ctx context.Context, chat int64, p store.Payload) error {
	id, err := s.chats.PlatformID(ctx, chat)
	if err != nil {
		return &kindError{kind: channel.ErrRejected, err: fmt.Errorf("zalo: send to %d: %w", chat, err)}
	}
	text, photo, err := s.compose(ctx, p)
	if err != nil {
		return err
	}
	if photo != "" && Length(text) <= MaxText {
		if _, err := s.api.SendPhoto(ctx, id, photo, strings.TrimSpace(text)); err != nil {
			return fmt.Errorf("zalo: send photo to %d: %w", chat, err)
		}
		return nil
	}
	parts := Parts(text, MaxText)
	if len(parts) == 0 && photo == "" {
		return &kindError{kind: channel.ErrRejected, err: fmt.Errorf("zalo: send to %d: empty payload", chat)}
	}
	for i, part := range parts {
		if i > 0 {
			if err := s.pause(ctx); err != nil {
				return err
			}
		}
		if _, err := s.api.SendMessage(ctx, id, part); err != nil {
			return fmt.Errorf("zalo: send part %d of %d to %d: %w", i+1, len(parts), chat, err)
		}
	}
	if photo != "" {
		if len(parts) > 0 {
			if err := s.pause(ctx); err != nil {
				return err
			}
		}
		if _, err := s.api.SendPhoto(ctx, id, photo, ""); err != nil {
			return fmt.Errorf("zalo: send photo to %d: %w", chat, err)
		}
	}
	return nil
}

// pause waits PartEvery between two parts of one message to one chat, so
// that a message in parts keeps the per-chat pace the lane keeps between
// messages (a platform enforcing it would refuse the second part, and the
// whole message would be sent again).
func (s *Sender) pause(ctx context.Context) error {
	if s.cfg.PartEvery <= 0 {
		return nil
	}
	t := time.NewTimer(s.cfg.PartEvery)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// LaneRate is the send budget the Zalo lane keeps for a configured
// zalo.rate_per_second: 2 % below it. Had the lane sent at exactly the
// platform's quota, a request reaching it a little sooner after the
// previous one than the lane released them (the jitter of the round trip)
// would find less than a whole token and be answered 429; docs/BENCHMARKS.md,
// "Zalo delivery", measures both.
func LaneRate(configured float64) float64 { return configured * 0.98 }

// compose is what Send sends of p: its plain text, and the URL of its photo
// when a publisher published it. To the text are added, each as a last
// paragraph, in the sender's language:
//
//   - for a document (a workbook, a report), the line giving its URL and
//     until when it answers (Files), or, without a publisher, the line
//     saying that it is not sent on Zalo and where to get it;
//   - for a photo without a publisher, a line saying it was left out;
//   - when p has buttons, its Hint (plain text): what to type instead.
//
// Its error is a publisher's, transient: the message is tried again.
func (s *Sender) compose(ctx context.Context, p store.Payload) (text, photo string, err error) {
	text = PlainText(p.Text)
	var more []string
	if a := p.Attachment; a != nil {
		switch {
		case a.Kind == store.EvidencePhoto && s.cfg.Photos != nil:
			photo, err = s.cfg.Photos.PhotoURL(ctx, a)
			if err != nil {
				return "", "", fmt.Errorf("zalo: publish photo %q: %w", a.Filename, err)
			}
		case a.Kind == store.EvidencePhoto:
			more = append(more, s.pr.T("zalo.photo_unsent"))
		case s.cfg.Files != nil:
			u, expires, err := s.cfg.Files.FileURL(ctx, a)
			if err != nil {
				return "", "", fmt.Errorf("zalo: publish file %q: %w", a.Filename, err)
			}
			more = append(more, s.pr.T("zalo.file_link", a.Filename, s.instant(expires), u))
		default:
			more = append(more, s.pr.T("zalo.file_unsent", a.Filename))
		}
	}
	if hint := strings.TrimSpace(p.Hint); hint != "" && len(p.Buttons) > 0 {
		more = append(more, hint)
	}
	for _, m := range more {
		if text = strings.TrimRight(text, " \t\n"); text != "" {
			text += "\n\n"
		}
		text += m
	}
	return text, photo, nil
}

// instant is t as the lines of the sender write it: its time and date
// (DD/MM/YYYY) in the configured zone.
func (s *Sender) instant(t time.Time) string {
	if s.cfg.Location != nil {
		t = t.In(s.cfg.Location)
	}
	return s.pr.T("zalo.until", t.Format("15:04"), t.Format("02/01/2006"))
}

// Classify sorts an error of the client into the channel's kinds, its
// text kept:
//
//   - 429 (quota exceeded) is a channel.RetryAfterError of
//     SenderConfig.RetryAfter: the platform gives no retry-after;
//   - 401 (token invalid or reset) is channel.ErrUnauthorized: the
//     channel stops until the token is fixed;
//   - 400 (bad request: a text too long or empty, a bad chat id, an
//     unknown method) is channel.ErrRejected: sending it again cannot
//     help;
//   - 403 is documented by the platform as an internal server error, not
//     as a refusal by the person: it stays transient, like 404, 408, a
//     5xx, a timeout or the network; the delivery worker retries it and,
//     when getMe fails too, holds the channel. (A person who blocked the
//     bot is not documented; no error is sorted as
//     channel.ErrUnreachable until the platform says which one means it.)
func (s *Sender) Classify(err error) error {
	if err == nil {
		return nil
	}
	var k *kindError
	if errors.As(err, &k) {
		return err
	}
	var a *APIError
	if !errors.As(err, &a) {
		return err
	}
	switch a.Code {
	case CodeTooManyRequest:
		return &channel.RetryAfterError{After: s.cfg.RetryAfter, Err: err}
	case CodeUnauthorized:
		return &kindError{kind: channel.ErrUnauthorized, err: err}
	case CodeBadRequest:
		return &kindError{kind: channel.ErrRejected, err: err}
	}
	return err
}

// kindError is err sorted into one of the channel's error kinds; its text
// is err's.
type kindError struct {
	kind, err error
}

func (e *kindError) Error() string { return e.err.Error() }

func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }
