-- +goose Up
-- A 429 answer delays the chat it was for, and only that chat: the
-- delivery claim skips every pending message of a chat whose not_before
-- is still ahead, replies included, while the other chats go on. The row
-- outlives the worker that wrote it (another replica, or serve after a
-- restart, honours it) and is deleted when a message to the chat is
-- delivered. too_many counts the chat's consecutive 429 answers: past a
-- bound (notify.Options.FreeTooMany, 5) each one counts as an attempt of
-- the message, so a chat Telegram never lets through ends in a dead
-- letter instead of being retried for ever.
CREATE TABLE chat_backoff (
    chat_id    bigint PRIMARY KEY,
    not_before timestamptz NOT NULL,
    too_many   integer NOT NULL DEFAULT 0 CHECK (too_many >= 0),
    last_error text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE chat_backoff;
