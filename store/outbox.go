package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// The channels of outbox rows (the outbox's channel column): package
// channel names them for the senders.
const (
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
)

// OutboxChannel is the LISTEN/NOTIFY channel signalled whenever a Telegram
// message is enqueued; the notification is delivered when the enqueuing
// transaction commits. WakeChannel names those of the other channels.
const OutboxChannel = "nhacviec_outbox"

// WakeChannel is the LISTEN/NOTIFY channel signalled whenever a row of the
// outbox channel is enqueued: OutboxChannel for Telegram,
// "nhacviec_outbox_<channel>" for the others.
func WakeChannel(channel string) string {
	if channel == ChannelTelegram || channel == "" {
		return OutboxChannel
	}
	return OutboxChannel + "_" + channel
}

// Button is one inline-keyboard button of an outgoing message.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"` // callback data, at most 64 bytes
}

// Attachment is a file sent with (or instead of) a message's text.
type Attachment struct {
	Kind     string `json:"kind"` // "photo" or "document"
	Filename string `json:"filename"`
	Data     []byte `json:"data"`
}

// Payload is what the delivery worker sends for an outbox row. A Telegram
// message uses Text (Telegram HTML), Buttons, ReplyTo, Attachment and
// Refs; an e-mail uses Text (plain text), To, Subject, Attachments and
// MessageKey.
type Payload struct {
	Text       string      `json:"text"` // Telegram HTML, at most 4096 characters; an e-mail's plain-text body
	Buttons    [][]Button  `json:"buttons,omitempty"`
	ReplyTo    int64       `json:"reply_to,omitempty"` // Telegram message id to reply to
	Attachment *Attachment `json:"attachment,omitempty"`
	// Refs are the occurrence ids a message lists, in order, so that a reply
	// "2: 60%" to it maps back to the second one. A message about a single
	// occurrence uses OutMessage.OccurrenceID instead.
	Refs []int64 `json:"refs,omitempty"`
	// Hint says, on a channel without buttons (Zalo), what to type instead
	// of pressing them ("Trả lời: đồng ý 12 hoặc không đồng ý 12"), in the
	// recipient's language; a channel with buttons ignores it.
	Hint string `json:"hint,omitempty"`

	// To are an e-mail's recipients (RFC 5322 addresses).
	To []string `json:"to,omitempty"`
	// Subject is an e-mail's subject.
	Subject string `json:"subject,omitempty"`
	// Attachments are an e-mail's files.
	Attachments []Attachment `json:"attachments,omitempty"`
	// MessageKey identifies an e-mail across retries: its Message-ID is
	// derived from it, so that a copy sent twice after a crash is seen as
	// one by mail clients.
	MessageKey string `json:"message_key,omitempty"`
}

// Outbox priorities: a reply to what an official just did is claimed before
// the scheduled messages, and before those pending for its own chat.
const (
	PriorityScheduled = 0
	PriorityReply     = 1
)

// priorityOf returns the priority of a message of the given kind.
func priorityOf(kind string) int {
	if kind == "reply" {
		return PriorityReply
	}
	return PriorityScheduled
}

// OutMessage is a message decided by a job or the bot, to be delivered by
// the delivery worker's lane of its channel.
type OutMessage struct {
	// Channel is the channel the message goes out on (ChannelTelegram,
	// ChannelEmail, ChannelZalo); empty means the channel of ChatID
	// (ChatChannel).
	Channel      string
	UnitID       *int64
	OfficialID   *int64
	ChatID       int64  // the channel's id of the chat; 0 for none (an e-mail)
	DedupeKey    string // unique: the same decision twice enqueues once
	Kind         string // reminder, nag, escalation, progress_request, reading_request, digest, reply, notice
	OccurrenceID *int64
	TargetID     *int64
	Payload      Payload
	NotBefore    time.Time // first delivery attempt; the decision's "now"
	// Bot names the Telegram bot that sends the message (config
	// telegram.bots, DefaultBot for telegram.token). Empty: the bot the
	// chat's official is linked through (officials.telegram_bot), or
	// DefaultBot for a chat no official is linked to. The bot answering an
	// update sets its own name on its answers to that chat. Other
	// channels ignore it.
	Bot string
}

// DefaultBot names the bot of telegram.token (config.DefaultBot).
const DefaultBot = "default"

// botOf is the SQL of the bot of a row to insert: the explicit bot $bot
// when not empty, else for a Telegram row the bot the official of chat
// $chat is linked through, else DefaultBot.
func botOf(bot, channel, chat string) string {
	return `CASE WHEN ` + bot + ` <> '' THEN ` + bot + `
	             WHEN ` + channel + ` = 'telegram' THEN coalesce((SELECT ob.telegram_bot FROM officials ob WHERE ob.telegram_chat_id = ` + chat + `), 'default')
	             ELSE 'default' END`
}

// Enqueue inserts m into the outbox through wr (a transaction, so that the
// message commits with the decision that caused it). It reports false when a
// message with the same dedupe key already exists, which is not an error.
func Enqueue(ctx context.Context, wr Writer, m OutMessage) (bool, error) {
	q := wr.execer()
	if m.DedupeKey == "" {
		return false, fmt.Errorf("store: enqueue %s: empty dedupe key", m.Kind)
	}
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s: encode payload: %w", m.DedupeKey, err)
	}
	ch := channelOf(m)
	// One statement: the notification is raised only when the row was
	// inserted, and delivered when the transaction commits.
	rows, err := q.QueryContext(ctx, `
		WITH ins AS (
			INSERT INTO outbox (channel, unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
			                    target_id, payload, next_attempt_at, created_at, priority, bot)
			VALUES ($12, $1, $2, nullif($3::bigint, 0), $4, $5, $6, $7, $8, $9, $9, $11,
			        `+botOf("$13::text", "$12::text", "$3::bigint")+`)
			ON CONFLICT (channel, dedupe_key) DO NOTHING
			RETURNING 1)
		SELECT pg_notify($10, '') FROM ins`,
		m.UnitID, m.OfficialID, m.ChatID, m.DedupeKey, m.Kind, m.OccurrenceID,
		m.TargetID, payload, m.NotBefore, WakeChannel(ch), priorityOf(m.Kind), ch, m.Bot)
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s: %w", m.DedupeKey, err)
	}
	defer rows.Close()
	inserted := rows.Next()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("store: enqueue %s: %w", m.DedupeKey, err)
	}
	if err := rows.Close(); err != nil {
		return false, fmt.Errorf("store: enqueue %s: %w", m.DedupeKey, err)
	}
	return inserted, nil
}

// channelOf is m's channel: when not set, the channel of its chat id
// (ChatChannel: Telegram, or Zalo for a Zalo surrogate), so that a message
// decided for an official goes to the channel the official is linked on.
func channelOf(m OutMessage) string {
	if m.Channel == "" {
		return ChatChannel(m.ChatID)
	}
	return m.Channel
}

// EnqueueMany inserts msgs into the outbox through wr (the transaction of
// the decisions that caused them), in order (EnqueueManyIndexed); a message
// whose dedupe key already exists is skipped, which is not an error. It
// returns the number of rows inserted.
func EnqueueMany(ctx context.Context, wr Writer, msgs []OutMessage) (int, error) {
	inserted, err := EnqueueManyIndexed(ctx, wr, msgs)
	return len(inserted), err
}

// idOrZero returns the optional id v, or 0 for none.
func idOrZero(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
