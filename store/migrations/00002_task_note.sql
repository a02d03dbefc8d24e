-- +goose Up
-- A free-text note kept with a task: the plan file's optional tasks[].note
-- (for example the reference of the document a task comes from).
ALTER TABLE tasks ADD COLUMN note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tasks DROP COLUMN note;
