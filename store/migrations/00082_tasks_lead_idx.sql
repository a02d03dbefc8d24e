-- +goose Up
-- An official's open items (/viec, the leave handover, a reply naming an
-- item) are found from the official's tasks: those they lead, are assigned,
-- support or co-lead. Every other way in had an index; the lead had none,
-- so the query read every open occurrence of the installation instead —
-- 10 s a /viec at 3,300 units, run by each official who asks.
CREATE INDEX tasks_lead_idx ON tasks (lead_id);

-- +goose Down
DROP INDEX tasks_lead_idx;
