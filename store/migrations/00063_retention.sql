-- +goose Up
-- Retention (store.Sweep, the "retention" job): processed_updates, sent
-- and dead outbox rows, link_attempts and fanned-out remind_batches are
-- deleted once older than their configured age, in batches.
--
-- 1. How many rows the sweeper deleted, per table and status: added to in
--    the transaction of each batch, so the count is exact, and read by
--    /metrics (nhacviec_retention_deleted_total; the processed-updates
--    total is these plus the rows left).
CREATE TABLE retention_deleted (
    name text PRIMARY KEY CHECK (name <> ''),
    rows bigint NOT NULL DEFAULT 0 CHECK (rows >= 0)
);

-- 2. /metrics counts dead messages exactly (alerts rely on them) without
--    reading the sent ones: a partial index, as the pending rows have.
CREATE INDEX outbox_dead_idx ON outbox (created_at) WHERE status = 'dead';
CREATE INDEX email_outbox_dead_idx ON email_outbox (created_at) WHERE status = 'dead';

-- +goose Down
DROP INDEX email_outbox_dead_idx;
DROP INDEX outbox_dead_idx;
DROP TABLE retention_deleted;
