-- +goose Up
-- Inbound limits, decided in the database so that every replica of serve
-- shares them (bot: "Inbound limits"). One row per chat that wrote to the
-- bot: the token bucket of its messages (tokens left at tokens_at), when an
-- unlinked chat (or a sender locked out of linking) was last answered, and
-- when the chat was last told to slow down. The row is locked by the
-- update's transaction that reads it, so two updates of one chat handled
-- by two processes decide one after the other.
CREATE TABLE chat_limits (
    chat_id     bigint PRIMARY KEY,
    tokens      double precision NOT NULL,
    tokens_at   timestamptz NOT NULL,
    answered_at timestamptz,
    noticed_at  timestamptz
);

-- +goose Down
DROP TABLE chat_limits;
