package zalo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/channel"
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
	// RetryAfter is how long a chat waits after a 429, which carries no
	// retry-after; default 60 s.
	RetryAfter time.Duration
	// Photos publishes a photo at a URL the platform can fetch (served by
	// serve under http.public_url); nil when there is none, and then a
	// photo is refused.
	Photos PhotoPublisher
}

// PhotoPublisher publishes a photo at an unguessable, expiring URL the
// platform fetches (sendPhoto takes a URL, not a file).
type PhotoPublisher interface {
	PhotoURL(ctx context.Context, a *store.Attachment) (string, error)
}

// Sender delivers outbox payloads to Zalo (a channel.Sender): the
// payload's Telegram HTML as plain text (PlainText), split into numbered
// parts of at most MaxText characters (Parts), sent in order; a photo by
// URL. Buttons and reply-to are dropped (the platform has neither; Limits
// says so). Its errors are the channel's kinds (Classify).
type Sender struct {
	api   *Client
	chats Chats
	cfg   SenderConfig
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
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Minute
	}
	return &Sender{api: api, chats: chats, cfg: cfg}
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

// ErrUnsupported is the cause of refusing what the platform cannot carry
// (a document, or a photo without a publisher); it is sorted as
// channel.ErrRejected.
var ErrUnsupported = errors.New("zalo: not supported by the platform")

// Send delivers p to the chat whose surrogate is chat: the text in parts
// (Parts of PlainText), then the photo by URL with no caption; a photo
// whose text fits a caption goes alone with it. The receipt's message id
// is 0: the platform's ids are strings and replies cannot point at a
// message.
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
	text := PlainText(p.Text)
	var photo string
	if a := p.Attachment; a != nil {
		if a.Kind != store.EvidencePhoto || s.cfg.Photos == nil {
			return &kindError{kind: channel.ErrRejected, err: fmt.Errorf("%w: %s %q to %d", ErrUnsupported, a.Kind, a.Filename, chat)}
		}
		photo, err = s.cfg.Photos.PhotoURL(ctx, a)
		if err != nil {
			return fmt.Errorf("zalo: publish photo %q: %w", a.Filename, err)
		}
		if Length(text) <= MaxText {
			if _, err := s.api.SendPhoto(ctx, id, photo, strings.TrimSpace(text)); err != nil {
				return fmt.Errorf("zalo: send photo to %d: %w", chat, err)
			}
			return nil
		}
	}
	parts := Parts(text, MaxText)
	if len(parts) == 0 && photo == "" {
		return &kindError{kind: channel.ErrRejected, err: fmt.Errorf("zalo: send to %d: empty payload", chat)}
	}
	for i, part := range parts {
		if _, err := s.api.SendMessage(ctx, id, part); err != nil {
			return fmt.Errorf("zalo: send part %d of %d to %d: %w", i+1, len(parts), chat, err)
		}
	}
	if photo != "" {
		if _, err := s.api.SendPhoto(ctx, id, photo, ""); err != nil {
			return fmt.Errorf("zalo: send photo to %d: %w", chat, err)
		}
	}
	return nil
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
