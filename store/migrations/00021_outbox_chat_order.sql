-- +goose Up
-- The delivery worker claims only the oldest pending message of each chat,
-- to keep per-chat order; this index answers "is there an older one?".
CREATE INDEX outbox_pending_chat_idx ON outbox (chat_id, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX outbox_pending_chat_idx;
