-- +goose Up
-- Found by tools/bench: a working morning at 3,300 units enqueues some
-- 59,000 reminders, half an hour of Telegram's 30 messages a second, and
-- the bot's replies to officials (the confirmation of a progress report, a
-- command's answer) queued behind them. A reply now has priority 1 and is
-- claimed before scheduled messages (priority 0), and goes before the
-- scheduled messages already pending for its own chat; messages of one
-- priority keep their order within a chat.
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
UPDATE outbox SET priority = 1 WHERE kind = 'reply' AND status = 'pending';
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (priority DESC, next_attempt_at, id) WHERE status = 'pending';
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, priority DESC, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, id) WHERE status = 'pending';
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
ALTER TABLE outbox DROP COLUMN priority;
