package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Sender delivers one outbox payload to a chat and returns the Telegram id
// of the message a reply to it should map back to (the message carrying
// the text and buttons).
type Sender interface {
	Send(ctx context.Context, chatID int64, p store.Payload) (messageID int64, err error)
}

// maxCaption is the longest caption Telegram accepts, in characters after
// entity parsing.
const maxCaption = 1024

// TelegramSender sends payloads through the Telegram Bot API with
// go-telegram/bot. Texts are Telegram HTML.
type TelegramSender struct {
	b *tgbot.Bot
}

// NewTelegramSender returns a Sender using the bot client b.
func NewTelegramSender(b *tgbot.Bot) *TelegramSender {
	return &TelegramSender{b: b}
}

// Probe asks Telegram's getMe: whether the Bot API answers this token at
// all.
func (s *TelegramSender) Probe(ctx context.Context) error {
	if _, err := s.b.GetMe(ctx); err != nil {
		return fmt.Errorf("notify: getMe: %w", err)
	}
	return nil
}

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
// at line boundaries; the buttons go with the last part, which is the
// message id returned. An attachment is sent as a photo or document with
// the text as caption when it fits, else after the text.
func (s *TelegramSender) Send(ctx context.Context, chatID int64, p store.Payload) (int64, error) {
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
				return 0, fmt.Errorf("notify: send message to %d: %w", chatID, err)
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
		return 0, fmt.Errorf("notify: send to %d: empty payload", chatID)
	}
	return last, nil
}

// sendAttachment uploads a photo or a document.
func (s *TelegramSender) sendAttachment(ctx context.Context, chatID int64, a *store.Attachment, caption string, markup models.ReplyMarkup, reply *models.ReplyParameters) (int64, error) {
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
		return 0, fmt.Errorf("notify: send %s %q to %d: %w", a.Kind, a.Filename, chatID, err)
	}
	return int64(m.ID), nil
}

// ConsoleSender prints messages instead of sending them, for
// telegram.mode console: printing is then the channel the operator chose,
// so a printed message counts as accepted (and is marked sent). It is never
// a fallback for a missing token. Message ids count up per chat, as
// Telegram's do.
type ConsoleSender struct {
	mu   sync.Mutex
	w    io.Writer
	next map[int64]int64
}

// NewConsoleSender returns a Sender writing each message to w as its chat
// id, then its text without HTML tags.
func NewConsoleSender(w io.Writer) *ConsoleSender {
	return &ConsoleSender{w: w, next: make(map[int64]int64)}
}

// Send prints p.
func (c *ConsoleSender) Send(ctx context.Context, chatID int64, p store.Payload) (int64, error) {
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
		return 0, fmt.Errorf("notify: console: %w", err)
	}
	return id, nil
}
