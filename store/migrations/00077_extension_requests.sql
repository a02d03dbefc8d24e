-- +goose Up
-- Extension requests (gia hạn): an official who may update a task asks,
-- before its due date, for a later one; the area's supervisor (else the
-- chairman, or who covers them on leave) approves or rejects it.
--
-- 1. Every request is kept, with its decision and who made it. One
--    pending request per occurrence: a second one replaces the first
--    (status 'replaced'). decided_due is the due date an approval set
--    (the requested date rolled forward to a working day).
CREATE TABLE extension_requests (
    id            bigserial PRIMARY KEY,
    occurrence_id bigint NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    requester_id  bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    requested_at  timestamptz NOT NULL,
    current_due   date NOT NULL,
    requested_due date NOT NULL,
    reason        text NOT NULL DEFAULT '',
    approver_id   bigint REFERENCES officials (id) ON DELETE RESTRICT,
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'replaced')),
    decided_by    bigint REFERENCES officials (id) ON DELETE RESTRICT,
    decided_at    timestamptz,
    decided_due   date,
    CONSTRAINT extension_reason_length CHECK (char_length(reason) <= 500),
    CONSTRAINT extension_decided CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL))
);
CREATE UNIQUE INDEX extension_requests_pending_idx ON extension_requests (occurrence_id) WHERE status = 'pending';
CREATE INDEX extension_requests_occurrence_idx ON extension_requests (occurrence_id, id);

-- 2. The due date of the plan, kept on the first approved extension (and
--    on later ones); NULL when the occurrence was never extended. A plan
--    re-import and a calendar re-dating leave an extended occurrence's
--    due date alone.
ALTER TABLE occurrences ADD COLUMN original_due date;

-- +goose Down
ALTER TABLE occurrences DROP COLUMN original_due;
DROP TABLE extension_requests;
