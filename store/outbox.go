package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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

// enqueueChunk is the number of rows EnqueueMany inserts per statement.
const enqueueChunk = 2000

// EnqueueMany inserts msgs into the outbox through wr (the transaction of
// the decisions that caused them), in order, with one INSERT per
// enqueueChunk rows; a message whose dedupe key already exists is skipped,
// which is not an error. It signals the WakeChannel of each channel once when any row was
// inserted and returns the number of rows inserted.
func EnqueueMany(ctx context.Context, wr Writer, msgs []OutMessage) (int, error) {
	inserted, err := EnqueueManyIndexed(ctx, wr, msgs)
	return len(inserted), err
}

// EnqueueManyIndexed is EnqueueMany, returning the indexes in msgs of the
// messages inserted, in increasing order.
//
// Each message is ranked among those of msgs to its chat (0 for the
// first): the delivery worker claims every chat's first message before any
// chat's second, so that a long run's backlog is claimed without scanning
// past the later messages of the chats it just sent to (see ClaimOutbox).
func EnqueueManyIndexed(ctx context.Context, wr Writer, msgs []OutMessage) ([]int, error) {
	q := wr.execer()
	type chat struct {
		channel string
		id      int64
	}
	ranks := make(pq.Int64Array, len(msgs))
	perChat := make(map[chat]int64, len(msgs))
	for i, m := range msgs {
		c := chat{channelOf(m), m.ChatID}
		ranks[i] = perChat[c]
		perChat[c]++
	}
	var inserted []int
	for start := 0; start < len(msgs); start += enqueueChunk {
		end := min(start+enqueueChunk, len(msgs))
		idx, err := enqueueChunkOf(ctx, q, msgs[start:end], ranks[start:end])
		if err != nil {
			return inserted, err
		}
		for _, i := range idx {
			inserted = append(inserted, start+i)
		}
	}
	if len(inserted) == 0 {
		return nil, nil
	}
	woken := make(map[string]bool)
	for _, i := range inserted {
		ch := WakeChannel(channelOf(msgs[i]))
		if woken[ch] {
			continue
		}
		woken[ch] = true
		if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, '')`, ch); err != nil {
			return inserted, fmt.Errorf("store: enqueue %d messages: notify: %w", len(inserted), err)
		}
	}
	return inserted, nil
}

// enqueueChunkOf inserts msgs, ranked ranks among the messages to their
// chats, with one INSERT … SELECT FROM unnest(…) and returns the indexes in
// msgs of the rows inserted, in increasing order.
func enqueueChunkOf(ctx context.Context, q sqlx.ExtContext, msgs []OutMessage, ranks pq.Int64Array) ([]int, error) {
	var (
		// Optional ids travel as 0 (ids are positive) and become NULL
		// again in SQL: an int64 array encodes much faster than a generic
		// array of nullable values.
		channels = make(pq.StringArray, len(msgs))
		units    = make(pq.Int64Array, len(msgs))
		offs     = make(pq.Int64Array, len(msgs))
		chats    = make(pq.Int64Array, len(msgs))
		keys     = make(pq.StringArray, len(msgs))
		kinds    = make(pq.StringArray, len(msgs))
		occs     = make(pq.Int64Array, len(msgs))
		targets  = make(pq.Int64Array, len(msgs))
		ats      = make(pq.StringArray, len(msgs))
		prios    = make(pq.Int64Array, len(msgs))
		bots     = make(pq.StringArray, len(msgs))
		payloads bytes.Buffer // a JSON array: no text[] quoting of the JSON
	)
	payloads.WriteByte('[')
	for i, m := range msgs {
		if m.DedupeKey == "" {
			return nil, fmt.Errorf("store: enqueue %s: empty dedupe key", m.Kind)
		}
		payload, err := json.Marshal(m.Payload)
		if err != nil {
			return nil, fmt.Errorf("store: enqueue %s: encode payload: %w", m.DedupeKey, err)
		}
		channels[i] = channelOf(m)
		units[i] = idOrZero(m.UnitID)
		offs[i] = idOrZero(m.OfficialID)
		chats[i] = m.ChatID
		keys[i] = m.DedupeKey
		kinds[i] = m.Kind
		occs[i] = idOrZero(m.OccurrenceID)
		targets[i] = idOrZero(m.TargetID)
		if i > 0 {
			payloads.WriteByte(',')
		}
		payloads.Write(payload)
		ats[i] = m.NotBefore.Format(time.RFC3339Nano)
		prios[i] = int64(priorityOf(m.Kind))
		bots[i] = m.Bot
	}
	payloads.WriteByte(']')
	var ordinals []int
	err := sqlx.SelectContext(ctx, q, &ordinals, `
		WITH ins AS (
			INSERT INTO outbox (channel, unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
			                    target_id, payload, next_attempt_at, created_at, priority, chat_rank, bot)
			SELECT m.channel, nullif(m.unit_id, 0), nullif(m.official_id, 0), nullif(m.chat_id, 0), m.dedupe_key, m.kind,
			       nullif(m.occurrence_id, 0), nullif(m.target_id, 0), p.payload, m.at, m.at, m.priority,
			       m.chat_rank,
			       CASE WHEN m.bot <> '' THEN m.bot
			            WHEN m.channel = 'telegram' THEN coalesce(ob.telegram_bot, 'default')
			            ELSE 'default' END
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
			            $6::bigint[], $7::bigint[], $9::timestamptz[], $10::smallint[], $11::integer[], $12::text[],
			            $13::text[])
			     WITH ORDINALITY AS m(unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
			                          target_id, at, priority, chat_rank, channel, bot, n)
			JOIN jsonb_array_elements($8::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = m.n
			LEFT JOIN officials ob ON ob.telegram_chat_id = m.chat_id AND m.channel = 'telegram' AND m.bot = ''
			ORDER BY m.n
			ON CONFLICT (channel, dedupe_key) DO NOTHING
			RETURNING channel, dedupe_key)
		SELECT min(m.n) - 1
		FROM ins JOIN unnest($12::text[], $4::text[]) WITH ORDINALITY AS m(channel, dedupe_key, n)
		  ON m.channel = ins.channel AND m.dedupe_key = ins.dedupe_key
		GROUP BY ins.channel, ins.dedupe_key
		ORDER BY 1`,
		units, offs, chats, keys, kinds, occs, targets, payloads.String(), ats, prios, ranks, channels, bots)
	if err != nil {
		return nil, fmt.Errorf("store: enqueue %d messages (first %s): %w", len(msgs), msgs[0].DedupeKey, err)
	}
	return ordinals, nil
}

// idOrZero returns the optional id v, or 0 for none.
func idOrZero(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
