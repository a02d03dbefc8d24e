-- +goose Up
-- Several Telegram bots (config telegram.bots): a unit and the units below
-- it are served by the bot that lists it, the others by the default bot
-- (telegram.token), named 'default'. A bot can only write to a chat that
-- has started it, so an official is reached through the bot the official
-- started when linking (officials.telegram_bot), which may lag behind the
-- bot the configuration gives the official's unit (units.telegram_bot,
-- written by serve from the configuration) until the official starts the
-- new bot. Every outbox row names the bot that sends it; each bot's lane
-- claims its own rows.
ALTER TABLE units ADD COLUMN telegram_bot text NOT NULL DEFAULT 'default' CHECK (telegram_bot <> '');
ALTER TABLE officials ADD COLUMN telegram_bot text NOT NULL DEFAULT 'default' CHECK (telegram_bot <> '');
ALTER TABLE outbox ADD COLUMN bot text NOT NULL DEFAULT 'default' CHECK (bot <> '');

-- The claim scans one bot's pending rows of one channel; "the oldest
-- pending row of its chat" is per bot.
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (channel, bot, priority DESC, next_attempt_at, chat_rank, id) WHERE status = 'pending';

-- The bots serve has run, with their usernames (getMe), so that `invite`
-- and the bots themselves can name a unit's bot.
CREATE TABLE telegram_bots (
    name       text PRIMARY KEY CHECK (name <> ''),
    username   text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL
);

-- The chats that started each bot (sent it /start): an official of a unit
-- moved to another bot is moved only once the new bot may write to them.
CREATE TABLE bot_starts (
    bot        text NOT NULL CHECK (bot <> ''),
    chat_id    bigint NOT NULL,
    started_at timestamptz NOT NULL,
    PRIMARY KEY (bot, chat_id)
);

-- Telegram numbers each bot's updates on its own: an update is processed
-- once per bot. (Zalo's updates, negative ids, are the default bot's.)
ALTER TABLE processed_updates ADD COLUMN bot text NOT NULL DEFAULT 'default';
ALTER TABLE processed_updates DROP CONSTRAINT processed_updates_pkey;
ALTER TABLE processed_updates ADD PRIMARY KEY (bot, update_id);

-- Likewise a report or a reading is recorded once per update of a bot.
ALTER TABLE progress_reports ADD COLUMN telegram_bot text NOT NULL DEFAULT 'default';
ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_telegram_update_id_occurrence_id_key;
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_telegram_update_key UNIQUE (telegram_bot, telegram_update_id, occurrence_id);
ALTER TABLE target_readings ADD COLUMN telegram_bot text NOT NULL DEFAULT 'default';
ALTER TABLE target_readings DROP CONSTRAINT target_readings_telegram_update_id_key;
ALTER TABLE target_readings ADD CONSTRAINT target_readings_telegram_update_key UNIQUE (telegram_bot, telegram_update_id);

-- +goose Down
ALTER TABLE target_readings DROP CONSTRAINT target_readings_telegram_update_key;
ALTER TABLE target_readings ADD CONSTRAINT target_readings_telegram_update_id_key UNIQUE (telegram_update_id);
ALTER TABLE target_readings DROP COLUMN telegram_bot;
ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_telegram_update_key;
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_telegram_update_id_occurrence_id_key UNIQUE (telegram_update_id, occurrence_id);
ALTER TABLE progress_reports DROP COLUMN telegram_bot;
DELETE FROM processed_updates WHERE bot <> 'default';
ALTER TABLE processed_updates DROP CONSTRAINT processed_updates_pkey;
ALTER TABLE processed_updates ADD PRIMARY KEY (update_id);
ALTER TABLE processed_updates DROP COLUMN bot;
DROP TABLE bot_starts;
DROP TABLE telegram_bots;
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (channel, priority DESC, next_attempt_at, chat_rank, id) WHERE status = 'pending';
ALTER TABLE outbox DROP COLUMN bot;
ALTER TABLE officials DROP COLUMN telegram_bot;
ALTER TABLE units DROP COLUMN telegram_bot;
