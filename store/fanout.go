package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/lib/pq"
)

// fanOutChunk is the number of rows EnqueueManyIndexed inserts per statement:
// lib/pq copies each statement's parameters into one buffer, grown by
// doubling, so a statement of a few thousand payloads allocates megabytes.
const fanOutChunk = 2000

// EnqueueManyIndexed inserts msgs into the outbox through wr (the
// transaction of the decisions that caused them; the reminder fan-out's
// write thousands each), in order, skips those whose dedupe key already
// exists (or repeats an earlier one of msgs), signals the WakeChannel of
// each channel that received a row, and returns the indexes in msgs of the
// messages inserted, in increasing order.
//
// Each message is ranked among those of msgs to its chat (0 for the
// first): the delivery worker claims every chat's first message before any
// chat's second, so that a long run's backlog is claimed without scanning
// past the later messages of the chats it just sent to (see ClaimOutbox).
// A Telegram row is sent by its OutMessage.Bot, else by the bot its
// official linked on (officials.telegram_bot), else by that of its chat's
// official, else by the default bot (looked up row by row, by primary or
// unique key: as a join, the planner may hash every official of the
// installation for a statement of a few thousand rows); any other row by
// the default bot.
//
// What it saves over EnqueueManyIndexed, per message: the payloads travel
// as one text, one JSON document a line (encoding/json escapes every
// control character inside strings, so a line break only ends a
// document), each parsed into its own jsonb, rather than as one jsonb
// array parsed whole and then split; the instants travel as microseconds
// rather than as text; and the rows inserted are named by RETURNING
// rather than by a join, a sort and a grouping in SQL.
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
	woken := make(map[string]bool)
	for start := 0; start < len(msgs); start += fanOutChunk {
		end := min(start+fanOutChunk, len(msgs))
		idx, err := fanOutChunkOf(ctx, wr, msgs[start:end], ranks[start:end])
		if err != nil {
			return inserted, err
		}
		for _, i := range idx {
			inserted = append(inserted, start+i)
			woken[WakeChannel(channelOf(msgs[start+i]))] = true
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(woken)) {
		if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, '')`, ch); err != nil {
			return inserted, fmt.Errorf("store: enqueue %d messages: notify: %w", len(inserted), err)
		}
	}
	return inserted, nil
}

// fanOutChunkOf inserts msgs, ranked ranks among the messages to their
// chats, with one INSERT … SELECT and returns the indexes in msgs of the
// rows inserted, in increasing order.
func fanOutChunkOf(ctx context.Context, wr Writer, msgs []OutMessage, ranks pq.Int64Array) ([]int, error) {
	var (
		// Optional ids travel as 0 (ids are positive) and become NULL
		// again in SQL.
		channels = make(pq.StringArray, len(msgs))
		units    = make(pq.Int64Array, len(msgs))
		offs     = make(pq.Int64Array, len(msgs))
		chats    = make(pq.Int64Array, len(msgs))
		keys     = make(pq.StringArray, len(msgs))
		kinds    = make(pq.StringArray, len(msgs))
		occs     = make(pq.Int64Array, len(msgs))
		targets  = make(pq.Int64Array, len(msgs))
		ats      = make(pq.Int64Array, len(msgs)) // microseconds since the Unix epoch
		prios    = make(pq.Int64Array, len(msgs))
		bots     = make(pq.StringArray, len(msgs))
		payloads bytes.Buffer
	)
	payloads.Grow(len(msgs) * 1024)
	enc := json.NewEncoder(&payloads)
	// Stored as jsonb, whose strings are decoded: "<" and "\u003c" store
	// the same document, and the shorter one is cheaper to ship and parse.
	enc.SetEscapeHTML(false)
	first := make(map[outboxKey]int, len(msgs))
	for i, m := range msgs {
		if m.DedupeKey == "" {
			return nil, fmt.Errorf("store: enqueue %s: empty dedupe key", m.Kind)
		}
		// Encode writes the document and a line break.
		if err := enc.Encode(m.Payload); err != nil {
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
		ats[i] = m.NotBefore.Round(time.Microsecond).UnixMicro() // as PostgreSQL rounds a text instant
		prios[i] = int64(priorityOf(m.Kind))
		bots[i] = m.Bot
		if _, ok := first[outboxKey{channels[i], m.DedupeKey}]; !ok {
			first[outboxKey{channels[i], m.DedupeKey}] = i
		}
	}
	rows, err := wr.execer().QueryContext(ctx, `
		INSERT INTO outbox (channel, bot, unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
		                    target_id, payload, next_attempt_at, created_at, priority, chat_rank)
		SELECT m.channel,
		       CASE WHEN m.channel <> 'telegram' THEN 'default'
		            WHEN m.bot <> '' THEN m.bot
		            ELSE COALESCE((SELECT f.telegram_bot FROM officials f WHERE f.id = m.official_id),
		                          (SELECT f.telegram_bot FROM officials f WHERE f.telegram_chat_id = m.chat_id),
		                          'default') END,
		       nullif(m.unit_id, 0), nullif(m.official_id, 0), nullif(m.chat_id, 0), m.dedupe_key, m.kind,
		       nullif(m.occurrence_id, 0), nullif(m.target_id, 0), p.payload::jsonb,
		       'epoch'::timestamptz + m.at * interval '1 microsecond',
		       'epoch'::timestamptz + m.at * interval '1 microsecond', m.priority, m.chat_rank
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
		            $6::bigint[], $7::bigint[], $9::bigint[], $10::smallint[], $11::integer[], $12::text[],
		            $13::text[])
		     WITH ORDINALITY AS m(unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
		                          target_id, at, priority, chat_rank, channel, bot, n)
		JOIN string_to_table($8::text, E'\n') WITH ORDINALITY AS p(payload, n) ON p.n = m.n
		ORDER BY m.n
		ON CONFLICT (channel, dedupe_key) DO NOTHING
		RETURNING channel, dedupe_key`,
		units, offs, chats, keys, kinds, occs, targets, payloads.Bytes(), ats, prios, ranks, channels, bots)
	if err != nil {
		return nil, fmt.Errorf("store: enqueue %d messages (first %s): %w", len(msgs), msgs[0].DedupeKey, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var k outboxKey
		if err := rows.Scan(&k.channel, &k.key); err != nil {
			return nil, fmt.Errorf("store: enqueue %d messages (first %s): %w", len(msgs), msgs[0].DedupeKey, err)
		}
		i, ok := first[k]
		if !ok {
			return nil, fmt.Errorf("store: enqueue %d messages: inserted %s %q, which was not sent", len(msgs), k.channel, k.key)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: enqueue %d messages (first %s): %w", len(msgs), msgs[0].DedupeKey, err)
	}
	slices.Sort(out)
	return out, nil
}

// outboxKey is an outbox row's unique key: its channel and dedupe key.
type outboxKey struct {
	channel, key string
}

// AnalyzeOutboxClaim refreshes the planner's statistics of the outbox
// columns the delivery claim filters and orders by, after the fan-out
// enqueued many rows at once: the claim's plan depends on how many rows
// are pending. It samples the same rows as a whole
// ANALYZE but skips the statistics of the payloads and dedupe keys, a
// third to a half of its time on a large outbox; autovacuum keeps those.
func (s *Store) AnalyzeOutboxClaim(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `
		ANALYZE outbox (id, channel, bot, status, chat_id, priority, next_attempt_at, chat_rank)`); err != nil {
		return fmt.Errorf("store: analyze outbox: %w", err)
	}
	return nil
}
