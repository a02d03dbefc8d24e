package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// maxCaption is the longest caption Telegram accepts, in characters after
// entity parsing.
const maxCaption = 1024

// limits are Telegram's: 4096 characters a message, 1024 a caption, HTML,
// buttons, photos, documents and replies; about 30 messages a second
// across all chats (25 leaves a margin), one a second per chat and 20 a
// minute per group.
func limits() channel.Limits {
	return channel.Limits{
		MaxText:    tghtml.MaxMessage,
		MaxCaption: maxCaption,
		HTML:       true,
		Buttons:    true,
		Photos:     true,
		Documents:  true,
		Replies:    true,
		PerSecond:  25,
		ChatEvery:  time.Second,
		GroupEvery: 3 * time.Second,
	}
}

// Sender sends payloads through the Telegram Bot API with go-telegram/bot
// (a channel.Sender). Texts are Telegram HTML. Its errors are the channel's
// kinds (Classify).
type Sender struct {
	b *tgbot.Bot
}

// NewSender returns a Sender using the bot client b.
func NewSender(b *tgbot.Bot) *Sender {
	return &Sender{b: b}
}

// Channel is channel.Telegram.
func (s *Sender) Channel() channel.Name { return channel.Telegram }

// Limits are Telegram's.
func (s *Sender) Limits() channel.Limits { return limits() }

// Probe asks Telegram's getMe: whether the Bot API answers this token at
// all.
func (s *Sender) Probe(ctx context.Context) error {
	if _, err := s.b.GetMe(ctx); err != nil {
		return Classify(fmt.Errorf("telegram: getMe: %w", err))
	}
	return nil
}

// Classify sorts an error of go-telegram/bot into the channel's kinds: 429
// is a channel.RetryAfterError, a group upgraded to a supergroup a
// channel.MigratedError, 403 (the user blocked the bot, or it left the
// group) channel.ErrUnreachable, any other 400 channel.ErrRejected, 401
// channel.ErrUnauthorized. Any other error (5xx, 404, a timeout, the
// network) is returned as it is: transient. The error's text stays err's.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var (
		tooMany *tgbot.TooManyRequestsError
		migrate *tgbot.MigrateError
	)
	switch {
	case errors.As(err, &tooMany):
		return &channel.RetryAfterError{After: time.Duration(tooMany.RetryAfter) * time.Second, Err: err}
	case errors.As(err, &migrate):
		return &channel.MigratedError{To: int64(migrate.MigrateToChatID), Err: err}
	case errors.Is(err, tgbot.ErrorForbidden):
		return &kindError{kind: channel.ErrUnreachable, err: err}
	case errors.Is(err, tgbot.ErrorBadRequest):
		return &kindError{kind: channel.ErrRejected, err: err}
	case errors.Is(err, tgbot.ErrorUnauthorized):
		return &kindError{kind: channel.ErrUnauthorized, err: err}
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

// inlineKeyboard is the reply_markup of a message with callback buttons.
// It is ours rather than models.InlineKeyboardMarkup, which serialises an
// empty copy_text object on every button.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

// inlineButton is a callback button.
type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// keyboard converts the payload's buttons; nil when there are none.
func keyboard(rows [][]store.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := inlineKeyboard{InlineKeyboard: make([][]inlineButton, 0, len(rows))}
	for _, row := range rows {
		r := make([]inlineButton, 0, len(row))
		for _, b := range row {
			r = append(r, inlineButton{Text: b.Text, CallbackData: b.Data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// replyTo builds reply parameters; nil when the message replies to nothing.
func replyTo(id int64) *models.ReplyParameters {
	if id == 0 {
		return nil
	}
	return &models.ReplyParameters{MessageID: int(id), AllowSendingWithoutReply: true}
}

// Send delivers p to chatID. A text longer than a Telegram message is split
// at line boundaries; the buttons go with the last part, whose message id
// is the receipt's. An attachment is sent as a photo or document with the
// text as caption when it fits, else after the text. Its error is one of
// the channel's kinds (Classify).
func (s *Sender) Send(ctx context.Context, chatID int64, p store.Payload) (channel.Receipt, error) {
	id, err := s.send(ctx, chatID, p)
	if err != nil {
		return channel.Receipt{}, Classify(err)
	}
	return channel.Receipt{MessageID: id}, nil
}

// send is Send with go-telegram/bot's errors.
func (s *Sender) send(ctx context.Context, chatID int64, p store.Payload) (int64, error) {
	if p.Attachment != nil && tghtml.Len(p.Text) <= maxCaption {
		return s.sendAttachment(ctx, chatID, p.Attachment, p.Text, keyboard(p.Buttons), replyTo(p.ReplyTo))
	}
	var last int64
	if strings.TrimSpace(p.Text) != "" {
		parts := tghtml.Messages(p.Text)
		for i, part := range parts {
			params := &tgbot.SendMessageParams{
				ChatID:             chatID,
				Text:               part,
				ParseMode:          models.ParseModeHTML,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
			}
			if i == 0 {
				params.ReplyParameters = replyTo(p.ReplyTo)
			}
			if i == len(parts)-1 {
				params.ReplyMarkup = keyboard(p.Buttons)
			}
			m, err := s.b.SendMessage(ctx, params)
			if err != nil {
				return 0, fmt.Errorf("telegram: send message to %d: %w", chatID, err)
			}
			last = int64(m.ID)
		}
	}
	if p.Attachment != nil {
		id, err := s.sendAttachment(ctx, chatID, p.Attachment, "", nil, nil)
		if err != nil {
			return 0, err
		}
		if last == 0 {
			last = id
		}
	}
	if last == 0 {
		return 0, fmt.Errorf("telegram: send to %d: empty payload", chatID)
	}
	return last, nil
}

// sendAttachment uploads a photo or a document.
func (s *Sender) sendAttachment(ctx context.Context, chatID int64, a *store.Attachment, caption string, markup models.ReplyMarkup, reply *models.ReplyParameters) (int64, error) {
	file := &models.InputFileUpload{Filename: a.Filename, Data: bytes.NewReader(a.Data)}
	var parseMode models.ParseMode
	if caption != "" {
		parseMode = models.ParseModeHTML
	}
	var (
		m   *models.Message
		err error
	)
	switch a.Kind {
	case store.EvidencePhoto:
		m, err = s.b.SendPhoto(ctx, &tgbot.SendPhotoParams{
			ChatID: chatID, Photo: file, Caption: caption, ParseMode: parseMode,
			ReplyMarkup: markup, ReplyParameters: reply,
		})
	default:
		m, err = s.b.SendDocument(ctx, &tgbot.SendDocumentParams{
			ChatID: chatID, Document: file, Caption: caption, ParseMode: parseMode,
			ReplyMarkup: markup, ReplyParameters: reply,
		})
	}
	if err != nil {
		return 0, fmt.Errorf("telegram: send %s %q to %d: %w", a.Kind, a.Filename, chatID, err)
	}
	return int64(m.ID), nil
}

// ConsoleSender prints messages instead of sending them, for
// telegram.mode console (a channel.Sender standing in for Telegram, with
// its limits): printing is then the channel the operator chose, so a
// printed message counts as accepted (and is marked sent). It is never a
// fallback for a missing token. Message ids count up per chat, as
// Telegram's do.
type ConsoleSender struct {
	mu   sync.Mutex
	w    io.Writer
	next map[int64]int64
}

// NewConsoleSender returns a ConsoleSender writing each message to w as its
// chat id, then its text without HTML tags.
func NewConsoleSender(w io.Writer) *ConsoleSender {
	return &ConsoleSender{w: w, next: make(map[int64]int64)}
}

// Channel is channel.Telegram: the console stands in for it.
func (c *ConsoleSender) Channel() channel.Name { return channel.Telegram }

// Limits are Telegram's.
func (c *ConsoleSender) Limits() channel.Limits { return limits() }

// Probe always succeeds: the console is there.
func (c *ConsoleSender) Probe(ctx context.Context) error { return nil }

// Send prints p.
func (c *ConsoleSender) Send(ctx context.Context, chatID int64, p store.Payload) (channel.Receipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[chatID]++
	id := c.next[chatID]
	var b strings.Builder
	fmt.Fprintf(&b, "── chat %d · message %d", chatID, id)
	if p.ReplyTo != 0 {
		fmt.Fprintf(&b, " · reply to %d", p.ReplyTo)
	}
	b.WriteString("\n")
	if p.Text != "" {
		b.WriteString(tghtml.StripTags(p.Text))
		b.WriteString("\n")
	}
	for _, row := range p.Buttons {
		labels := make([]string, 0, len(row))
		for _, btn := range row {
			labels = append(labels, "["+btn.Text+"]")
		}
		b.WriteString(strings.Join(labels, " ") + "\n")
	}
	if p.Attachment != nil {
		fmt.Fprintf(&b, "(%s: %s, %d bytes)\n", p.Attachment.Kind, p.Attachment.Filename, len(p.Attachment.Data))
	}
	if _, err := io.WriteString(c.w, b.String()); err != nil {
		return channel.Receipt{}, fmt.Errorf("telegram: console: %w", err)
	}
	return channel.Receipt{MessageID: id}, nil
}
