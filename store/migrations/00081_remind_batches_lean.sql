-- +goose Up
-- The reminder run's transaction writes one remind batch per unit (3,300
-- rows at national scale), and that write was most of its time: each row's
-- two foreign keys ran a FOR KEY SHARE probe, the one of units locking (and
-- so writing) each unit's row, about 100 ms a run; and each batch's
-- decisions were built into a jsonb document, about 80 ms, only to be read
-- back whole by the fan-out. Job runs and units are never deleted (the
-- retention sweep keeps the job ledger; units are archived), so the keys
-- guarded nothing; the decisions are kept as json, validated but stored as
-- written.
ALTER TABLE remind_batches
    DROP CONSTRAINT remind_batches_job_run_id_fkey,
    DROP CONSTRAINT remind_batches_unit_id_fkey;
ALTER TABLE remind_batches ALTER COLUMN decisions TYPE json;

-- +goose Down
ALTER TABLE remind_batches ALTER COLUMN decisions TYPE jsonb;
ALTER TABLE remind_batches
    ADD CONSTRAINT remind_batches_job_run_id_fkey FOREIGN KEY (job_run_id) REFERENCES job_runs (id) ON DELETE CASCADE,
    ADD CONSTRAINT remind_batches_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units (id) ON DELETE CASCADE;
