package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/channel"
)

// Channel is the name of the Zalo channel (the outbox's channel column,
// once the store knows it).
const Channel = channel.Zalo

// The event names the platform documents.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventUnsupported = "message.unsupported.received" // content withheld by law
)

// Event is one event of the platform, as getUpdates returns it and the
// webhook posts it (the envelope's result).
type Event struct {
	Name    string   `json:"event_name"`
	Message *Message `json:"message,omitempty"`

	// raw is the event as received, for an id when it has no message id.
	raw []byte
}

// Message is an event's message.
type Message struct {
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text,omitempty"`
	Photo     string `json:"photo,omitempty"` // a URL
	Caption   string `json:"caption,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
	URL       string `json:"url,omitempty"`
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"` // milliseconds since the epoch
}

// User is a message's sender.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// Chat is a message's chat.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"` // PRIVATE or GROUP
}

// Chat types.
const (
	ChatPrivate = "PRIVATE"
	ChatGroup   = "GROUP"
)

// parseResult decodes an event from a result: the object itself, or an
// array holding it (tolerated; the platform documents one object).
func parseResult(raw json.RawMessage) (*Event, error) {
	if len(raw) > 0 && raw[0] == '[' {
		var evs []json.RawMessage
		if err := json.Unmarshal(raw, &evs); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		if len(evs) == 0 {
			return nil, nil
		}
		raw = evs[0]
	}
	var ev Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	if ev.Name == "" {
		return nil, errors.New("event without event_name")
	}
	ev.raw = append([]byte(nil), raw...)
	return &ev, nil
}

// ParseWebhook decodes the body of a webhook request: the documented
// envelope {"ok": true, "result": {event}}, or the bare event object.
func ParseWebhook(body []byte) (*Event, error) {
	var env struct {
		OK     *bool           `json:"ok"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("zalo: webhook: %w", err)
	}
	raw := json.RawMessage(body)
	if env.OK != nil && len(env.Result) > 0 {
		raw = env.Result
	}
	ev, err := parseResult(raw)
	if err != nil {
		return nil, fmt.Errorf("zalo: webhook: %w", err)
	}
	if ev == nil {
		return nil, errors.New("zalo: webhook: no event")
	}
	return ev, nil
}

// MessageID is the event's message id, "" when it has none.
func (e *Event) MessageID() string {
	if e.Message == nil {
		return ""
	}
	return e.Message.MessageID
}

// Key is what de-duplicates the event: its message id, or for an event
// without one the event as received.
func (e *Event) Key() string {
	if id := e.MessageID(); id != "" {
		return "m:" + id
	}
	return "r:" + string(e.raw)
}

// UpdateID maps an event's Key to the channel.Update id the bot
// de-duplicates by: a 63-bit FNV-1a hash, negated and minus one, so that
// it is never 0 and never collides with Telegram's update ids, which are
// positive. The platform's message ids are opaque strings (hexadecimal in
// the examples seen, 80 bits), so they cannot be used as integers.
func UpdateID(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte("zalo:" + key))
	return -int64(h.Sum64()>>1) - 1
}

// Chats maps the platform's string ids of chats and users to the integer
// ids the product keeps (channel.Update, the outbox's chat_id): a
// surrogate per id, created on first sight. The store will keep them; the
// Sender maps back.
type Chats interface {
	// Surrogate returns the integer id of the platform's id, creating it
	// on first sight.
	Surrogate(ctx context.Context, platformID string) (int64, error)
	// PlatformID returns the platform's id of a surrogate; an error when
	// it is unknown.
	PlatformID(ctx context.Context, surrogate int64) (string, error)
}

// MemoryChats is a Chats held in memory (tests, and the channel before
// the store keeps the mapping): surrogates count up from 1. The zero
// value is ready.
type MemoryChats struct {
	mu   sync.Mutex
	ids  map[string]int64
	back map[int64]string
}

// ErrUnknownChat is returned by PlatformID for a surrogate never issued.
var ErrUnknownChat = errors.New("zalo: unknown chat")

// Surrogate implements Chats.
func (m *MemoryChats) Surrogate(_ context.Context, id string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids, m.back = make(map[string]int64), make(map[int64]string)
	}
	if s, ok := m.ids[id]; ok {
		return s, nil
	}
	s := int64(len(m.ids) + 1)
	m.ids[id], m.back[s] = s, id
	return s, nil
}

// PlatformID implements Chats.
func (m *MemoryChats) PlatformID(_ context.Context, s int64) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.back[s]; ok {
		return id, nil
	}
	return "", fmt.Errorf("%w: %d", ErrUnknownChat, s)
}

// ToUpdate converts an event into the channel's neutral form:
//
//   - ID and MessageID are UpdateID(e.Key()): the bot de-duplicates by
//     them (the platform's message id itself is e.MessageID());
//   - the chat and the sender are mapped to surrogates by chats; a
//     message from a bot keeps no sender (recorded and ignored);
//   - a text message gives Text; an image gives File (its URL, kind
//     "photo") and Caption; a sticker gives only FileKind "sticker" (the
//     bot answers what to send instead); a withheld message
//     (message.unsupported.received) or an unknown event give neither:
//     the bot records and ignores them;
//   - there is no reply-to on the platform, no button, no membership.
func ToUpdate(ctx context.Context, e *Event, chats Chats) (channel.Update, error) {
	u := channel.Update{Channel: Channel, ID: UpdateID(e.Key())}
	u.MessageID = u.ID
	m := e.Message
	if m == nil {
		return u, nil
	}
	if m.Chat.ID != "" {
		id, err := chats.Surrogate(ctx, m.Chat.ID)
		if err != nil {
			return u, fmt.Errorf("zalo: chat %q: %w", m.Chat.ID, err)
		}
		u.ChatID = id
		u.PrivateChat = m.Chat.ChatType == ChatPrivate
	}
	if m.From.ID != "" && !m.From.IsBot {
		id, err := chats.Surrogate(ctx, m.From.ID)
		if err != nil {
			return u, fmt.Errorf("zalo: user %q: %w", m.From.ID, err)
		}
		u.UserID, u.Username = id, m.From.DisplayName
	}
	switch e.Name {
	case EventText:
		u.Text = m.Text
	case EventImage:
		u.File, u.FileKind, u.Caption = m.Photo, "photo", m.Caption
	case EventSticker:
		// No file the bot keeps: the kind alone, so that the bot answers
		// what to send instead (a withheld message gets nothing).
		u.FileKind = "sticker"
	}
	return u, nil
}

// Time is when the message was sent.
func (m *Message) Time() time.Time { return time.UnixMilli(m.Date) }
