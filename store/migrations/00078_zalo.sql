-- +goose Up
-- Zalo, a second messenger. The platform's ids of chats and users are
-- opaque strings; the product keeps an integer surrogate per id, issued
-- from 2^62 up, so that a chat id names its channel by itself: below 2^62
-- it is Telegram's (private chats and groups, far below), from 2^62 it is
-- a Zalo surrogate (store.ChatChannel). An official's chat
-- (officials.telegram_chat_id, telegram_user_id) and the outbox's chat_id
-- hold either, so that linking, relinking and every message decided for
-- an official go to the channel the official is on without a channel
-- column to keep in step.
CREATE SEQUENCE zalo_chat_seq START WITH 4611686018427387904 MINVALUE 4611686018427387904;
CREATE TABLE zalo_chats (
    id          bigint PRIMARY KEY DEFAULT nextval('zalo_chat_seq'),
    platform_id text NOT NULL UNIQUE CHECK (platform_id <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE zalo_chat_seq OWNED BY zalo_chats.id;

ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('telegram', 'email', 'zalo'));

-- A typed reply on Zalo ("2 xong") names an item of the last message sent
-- to the chat that named items: the platform has no reply-to.
CREATE INDEX outbox_zalo_sent_idx ON outbox (chat_id, sent_at DESC, id DESC)
    WHERE channel = 'zalo' AND status = 'sent';

-- A progress report or a reading typed on Zalo says so.
ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_source_check;
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_source_check
    CHECK (source IN ('telegram', 'zalo', 'cli', 'import', 'demo', 'generator'));
ALTER TABLE target_readings DROP CONSTRAINT target_readings_source_check;
ALTER TABLE target_readings ADD CONSTRAINT target_readings_source_check
    CHECK (source IN ('telegram', 'zalo', 'cli', 'import', 'demo', 'generator'));

-- +goose Down
UPDATE progress_reports SET source = 'telegram' WHERE source = 'zalo';
UPDATE target_readings SET source = 'telegram' WHERE source = 'zalo';
ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_source_check;
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_source_check
    CHECK (source IN ('telegram', 'cli', 'import', 'demo', 'generator'));
ALTER TABLE target_readings DROP CONSTRAINT target_readings_source_check;
ALTER TABLE target_readings ADD CONSTRAINT target_readings_source_check
    CHECK (source IN ('telegram', 'cli', 'import', 'demo', 'generator'));
DROP INDEX outbox_zalo_sent_idx;
DELETE FROM outbox WHERE channel = 'zalo';
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('telegram', 'email'));
UPDATE officials SET telegram_chat_id = NULL, telegram_user_id = NULL, telegram_username = '', linked_at = NULL
WHERE telegram_chat_id >= 4611686018427387904;
DROP TABLE zalo_chats;
