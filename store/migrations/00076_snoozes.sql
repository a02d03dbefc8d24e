-- +goose Up
-- The morning brief and snooze.
--
-- 1. A snooze: the official (the one who pressed ⏰) gets no reminder or
--    nag about the occurrence on days before until (a working day, never
--    after the due date when pressed before it). One row per official
--    and occurrence: a later press moves until. overdue_used records that
--    the official snoozed the occurrence's overdue nags, which is allowed
--    once per occurrence.
CREATE TABLE snoozes (
    occurrence_id bigint NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    official_id   bigint NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
    until         date NOT NULL,
    overdue_used  boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (occurrence_id, official_id)
);

-- 2. The partners reminded of an occurrence in a morning brief: a partner
--    is reminded once per occurrence, the row claimed in the fan-out's
--    transaction (a replayed fan-out finds it and leaves the item out).
CREATE TABLE partner_reminders (
    occurrence_id bigint NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    official_id   bigint NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
    reminded_at   timestamptz NOT NULL,
    PRIMARY KEY (occurrence_id, official_id)
);

-- +goose Down
DROP TABLE partner_reminders;
DROP TABLE snoozes;
