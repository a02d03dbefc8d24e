-- +goose Up
-- Found by tools/bench: a working morning at 3,300 units enqueues some
-- 59,000 reminders, half an hour of Telegram's 30 messages a second, and
-- the bot's replies to officials (the confirmation of a progress report, a
-- command's answer) queued behind them. A reply now has priority 1 and is
-- claimed before scheduled messages (priority 0), and goes before the
-- scheduled messages already pending for its own chat; messages of one
-- priority keep their order within a chat.
--
-- And the claim walked the whole backlog: it takes only the oldest pending
-- message of each chat, and after the first message of every chat its scan
-- in (next_attempt_at, id) order passed over all the chats' later ones
-- (600,000 rows behind a catch-up: 28 messages delivered in 20 s). A row
-- now carries its rank among the messages to its chat that its decision
-- enqueued (0 for the first, 1 for the second...), and the claim scans
-- rank before id: every chat's first message, then every chat's second.
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN chat_rank integer NOT NULL DEFAULT 0;
UPDATE outbox SET priority = 1 WHERE kind = 'reply' AND status = 'pending';
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (priority DESC, next_attempt_at, chat_rank, id) WHERE status = 'pending';
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, priority DESC, id) WHERE status = 'pending';
-- The claim's plan depends on how many rows are pending. With statistics
-- taken when none were (the usual state), a backlog of 600,000 made the
-- planner look a chat's oldest message up by scanning every pending row:
-- 6.5 s a claim. The fan-out analyzes the table after a large run
-- (jobs.Scheduler.FanOut), and autovacuum analyzes it after 1% changes
-- instead of 10%.
ALTER TABLE outbox SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);

-- +goose Down
ALTER TABLE outbox RESET (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
DROP INDEX outbox_pending_chat_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, id) WHERE status = 'pending';
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
ALTER TABLE outbox DROP COLUMN chat_rank;
ALTER TABLE outbox DROP COLUMN priority;
