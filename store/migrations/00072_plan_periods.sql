-- +goose Up
-- Deadlines as plans write them.
--
-- A one-off task's due may be a period key (due_period: 2026-Q1, its due
-- the last day of that calendar period) or ongoing (thường xuyên: no
-- deadline; due is the last day of the plan year, due_period the year).
ALTER TABLE tasks
    ADD COLUMN due_period text CHECK (due_period <> ''),
    ADD COLUMN ongoing boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT tasks_period_one_off CHECK (every IS NULL OR (due_period IS NULL AND NOT ongoing)),
    ADD CONSTRAINT tasks_ongoing_period CHECK (NOT ongoing OR due_period IS NOT NULL);

-- Every occurrence has a plan period: its recurrence key, the key its task
-- gives as due, or none (NULL) for a task due on a date. A digest covers
-- the occurrences whose plan period lies within the calendar period it
-- names, whatever their due dates. An ongoing occurrence has no deadline:
-- no reminder, no nag, no escalation, outside the on-time rate.
ALTER TABLE occurrences
    ADD COLUMN period text CHECK (period <> ''),
    ADD COLUMN ongoing boolean NOT NULL DEFAULT false;

UPDATE occurrences o SET period = o.key
FROM tasks t
WHERE t.id = o.task_id AND t.every IS NOT NULL;

-- Recurring tasks end with their plan year unless they say otherwise: a
-- 2025 plan's recurring tasks produce no 2026 occurrences. The open ones
-- already created past that end are archived, as an import does.
UPDATE tasks t SET end_date = make_date(p.year, 12, 31)
FROM plans p
WHERE p.id = t.plan_id AND t.every IS NOT NULL AND t.end_date IS NULL
  AND t.start_date <= make_date(p.year, 12, 31);

UPDATE occurrences o SET archived_at = now(), updated_at = now()
FROM tasks t
WHERE t.id = o.task_id AND t.every IS NOT NULL AND t.end_date IS NOT NULL
  AND o.nominal_due > t.end_date AND o.done_at IS NULL AND o.archived_at IS NULL;

-- The digest looks occurrences up by plan period too.
CREATE INDEX occurrences_period_idx ON occurrences (task_id, period) WHERE period IS NOT NULL;

-- The reminder run reads open occurrences that have a deadline.
DROP INDEX occurrences_open_remind_idx;
CREATE INDEX occurrences_open_remind_idx ON occurrences (due) INCLUDE (id, unit_id, escalated_at)
    WHERE done_at IS NULL AND archived_at IS NULL AND NOT ongoing;

-- +goose Down
DROP INDEX occurrences_open_remind_idx;
CREATE INDEX occurrences_open_remind_idx ON occurrences (due) INCLUDE (id, unit_id, escalated_at)
    WHERE done_at IS NULL AND archived_at IS NULL;
DROP INDEX occurrences_period_idx;
ALTER TABLE occurrences DROP COLUMN ongoing, DROP COLUMN period;
ALTER TABLE tasks DROP CONSTRAINT tasks_ongoing_period, DROP CONSTRAINT tasks_period_one_off,
    DROP COLUMN ongoing, DROP COLUMN due_period;
