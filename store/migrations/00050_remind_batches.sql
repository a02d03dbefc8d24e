-- +goose Up
-- Found by tools/bench (remind tick at 3,300 units).
--
-- 1. An occurrence is escalated to the chairman and office officials once;
--    escalated_at records it, so that a reminder run no longer builds the
--    escalations of every long-overdue occurrence again only to have the
--    outbox's dedupe key drop them (32,000 of 91,000 messages a run).
ALTER TABLE occurrences ADD COLUMN escalated_at timestamptz;
UPDATE occurrences o SET escalated_at = e.first
FROM (SELECT occurrence_id, min(created_at) AS first FROM outbox
      WHERE kind = 'escalation' AND occurrence_id IS NOT NULL GROUP BY occurrence_id) e
WHERE o.id = e.occurrence_id;

-- 2. The unit of an occurrence (that of its task's plan), kept on the row
--    by a trigger, and an index the reminder run reads alone: it decides
--    from the open occurrences' unit, due date and escalation, with an
--    index-only scan, whatever the number of tasks and plan years.
ALTER TABLE occurrences ADD COLUMN unit_id bigint;
UPDATE occurrences o SET unit_id = p.unit_id
FROM tasks t JOIN plans p ON p.id = t.plan_id
WHERE t.id = o.task_id;
ALTER TABLE occurrences ALTER COLUMN unit_id SET NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION occurrences_set_unit_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.unit_id IS NULL THEN
        SELECT p.unit_id INTO NEW.unit_id
        FROM tasks t JOIN plans p ON p.id = t.plan_id
        WHERE t.id = NEW.task_id;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER occurrences_set_unit_id BEFORE INSERT ON occurrences
    FOR EACH ROW EXECUTE FUNCTION occurrences_set_unit_id();

CREATE INDEX occurrences_open_remind_idx ON occurrences (due) INCLUDE (id, unit_id, escalated_at)
    WHERE done_at IS NULL AND archived_at IS NULL;
DROP INDEX occurrences_open_due_idx;

-- 3. The reminder run's decisions, one row per unit: the run's transaction
--    claims the run and writes these; the fan-out (jobs.Scheduler.FanOut)
--    turns each into outbox messages in transactions of its own and marks
--    it fanned out. A row still pending after a crash is fanned out by the
--    next scheduler that starts or runs a job.
CREATE TABLE remind_batches (
    id            bigserial PRIMARY KEY,
    job_run_id    bigint NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
    unit_id       bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    run_at        timestamptz NOT NULL,  -- the run's scheduled instant
    decided_at    timestamptz NOT NULL,  -- the clock at the decision: the messages' first attempt
    day           date NOT NULL,         -- the unit's local date of the run
    decisions     jsonb NOT NULL,        -- [{"o": occurrence id, "k": kind, "p": dedupe prefix, "e": escalate}]
    fanned_out_at timestamptz,
    messages      integer NOT NULL DEFAULT 0
);
CREATE INDEX remind_batches_pending_idx ON remind_batches (id) WHERE fanned_out_at IS NULL;
CREATE INDEX remind_batches_job_run_idx ON remind_batches (job_run_id);

-- 4. The outbox is a log of messages: its foreign keys cost a
--    FOR KEY SHARE probe of four tables per inserted row (1.4 s of a
--    59,000-message run) and guarded nothing, since units, officials,
--    occurrences and targets are archived, never deleted. Its index by
--    official served no query.
ALTER TABLE outbox
    DROP CONSTRAINT outbox_unit_id_fkey,
    DROP CONSTRAINT outbox_official_id_fkey,
    DROP CONSTRAINT outbox_occurrence_id_fkey,
    DROP CONSTRAINT outbox_target_id_fkey;
DROP INDEX outbox_official_idx;

-- +goose Down
CREATE INDEX outbox_official_idx ON outbox (official_id, created_at);
ALTER TABLE outbox
    ADD CONSTRAINT outbox_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units (id) ON DELETE RESTRICT,
    ADD CONSTRAINT outbox_official_id_fkey FOREIGN KEY (official_id) REFERENCES officials (id) ON DELETE RESTRICT,
    ADD CONSTRAINT outbox_occurrence_id_fkey FOREIGN KEY (occurrence_id) REFERENCES occurrences (id) ON DELETE RESTRICT,
    ADD CONSTRAINT outbox_target_id_fkey FOREIGN KEY (target_id) REFERENCES targets (id) ON DELETE RESTRICT;
DROP TABLE remind_batches;
CREATE INDEX occurrences_open_due_idx ON occurrences (due) WHERE done_at IS NULL AND archived_at IS NULL;
DROP INDEX occurrences_open_remind_idx;
DROP TRIGGER occurrences_set_unit_id ON occurrences;
DROP FUNCTION occurrences_set_unit_id();
ALTER TABLE occurrences DROP COLUMN unit_id;
ALTER TABLE occurrences DROP COLUMN escalated_at;
