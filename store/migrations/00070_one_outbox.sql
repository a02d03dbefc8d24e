-- +goose Up
-- One outbox for every channel. A row names its channel (telegram, email);
-- the delivery worker runs one lane per channel and a claim takes the rows
-- of one channel. chat_id is the channel's id of the chat: Telegram's, or a
-- surrogate integer id kept by a later channel whose ids are strings. An
-- e-mail has no chat (NULL): its recipients, subject, plain-text body and
-- attachments travel in the payload.
ALTER TABLE outbox ADD COLUMN channel text NOT NULL DEFAULT 'telegram'
    CHECK (channel IN ('telegram', 'email'));
ALTER TABLE outbox ALTER COLUMN chat_id DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_chat_check CHECK (channel = 'email' OR chat_id IS NOT NULL);

-- A decision enqueues once per channel: the same key may name a Telegram
-- message and an e-mail.
ALTER TABLE outbox DROP CONSTRAINT outbox_dedupe_key_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_dedupe_key_key UNIQUE (channel, dedupe_key);

-- The claim scans one channel's pending rows.
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (channel, priority DESC, next_attempt_at, chat_rank, id) WHERE status = 'pending';
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (channel, chat_id, priority DESC, id) WHERE status = 'pending';
DROP INDEX outbox_dead_idx;
CREATE INDEX outbox_dead_idx ON outbox (channel, created_at) WHERE status = 'dead';
-- /metrics counts the rows of the channels other than Telegram (a digest
-- e-mail a period) exactly, without reading Telegram's sent rows.
CREATE INDEX outbox_other_channel_idx ON outbox (channel, status) WHERE channel <> 'telegram';

-- A 429 holds back a chat of one channel.
ALTER TABLE chat_backoff ADD COLUMN channel text NOT NULL DEFAULT 'telegram';
ALTER TABLE chat_backoff DROP CONSTRAINT chat_backoff_pkey;
ALTER TABLE chat_backoff ADD PRIMARY KEY (channel, chat_id);

-- The e-mails of email_outbox move over, with their state; sent and dead
-- ones too, so that /metrics and retention count them as before.
INSERT INTO outbox (channel, unit_id, chat_id, dedupe_key, kind, payload, status, attempts,
                    next_attempt_at, last_error, created_at, sent_at)
SELECT 'email', e.unit_id, NULL, e.dedupe_key, 'email',
       jsonb_build_object('text', e.body, 'to', to_jsonb(e.recipients), 'subject', e.subject,
                          'attachments', e.attachments,
                          'message_key', e.dedupe_key || '|' || to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
       e.status, e.attempts, e.next_attempt_at, e.last_error, e.created_at, e.sent_at
FROM email_outbox e
ORDER BY e.id;
DROP TABLE email_outbox;

-- +goose Down
CREATE TABLE email_outbox (
    id              bigserial PRIMARY KEY,
    unit_id         bigint REFERENCES units (id) ON DELETE RESTRICT,
    dedupe_key      text NOT NULL UNIQUE CHECK (dedupe_key <> ''),
    recipients      text[] NOT NULL CHECK (cardinality(recipients) > 0),
    subject         text NOT NULL,
    body            text NOT NULL,
    attachments     jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX email_outbox_pending_idx ON email_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX email_outbox_dead_idx ON email_outbox (created_at) WHERE status = 'dead';
INSERT INTO email_outbox (unit_id, dedupe_key, recipients, subject, body, attachments, status,
                          attempts, next_attempt_at, last_error, created_at, sent_at)
SELECT o.unit_id, o.dedupe_key,
       ARRAY(SELECT jsonb_array_elements_text(o.payload -> 'to')),
       o.payload ->> 'subject', o.payload ->> 'text', COALESCE(o.payload -> 'attachments', '[]'),
       o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at
FROM outbox o
WHERE o.channel = 'email'
ORDER BY o.id;
DELETE FROM outbox WHERE channel <> 'telegram';

DELETE FROM chat_backoff WHERE channel <> 'telegram';
ALTER TABLE chat_backoff DROP CONSTRAINT chat_backoff_pkey;
ALTER TABLE chat_backoff ADD PRIMARY KEY (chat_id);
ALTER TABLE chat_backoff DROP COLUMN channel;

DROP INDEX outbox_other_channel_idx;
DROP INDEX outbox_dead_idx;
CREATE INDEX outbox_dead_idx ON outbox (created_at) WHERE status = 'dead';
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, priority DESC, id) WHERE status = 'pending';
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (priority DESC, next_attempt_at, chat_rank, id) WHERE status = 'pending';
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_dedupe_key_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_dedupe_key_key UNIQUE (dedupe_key);
ALTER TABLE outbox DROP CONSTRAINT outbox_chat_check;
ALTER TABLE outbox ALTER COLUMN chat_id SET NOT NULL;
ALTER TABLE outbox DROP COLUMN channel;
