-- +goose Up
-- Leave and stand-ins.
--
-- 1. An official's leave (nghỉ phép): from and to inclusive, an optional
--    stand-in of the same unit (the composite keys make another unit's
--    official impossible), who entered it (NULL: the office at the
--    command line), and cancelled_at when it was called off. Active
--    leaves of one official never overlap: the exclusion constraint
--    compares the official as a one-point range, so no extension is
--    needed.
CREATE TABLE leaves (
    id           bigserial PRIMARY KEY,
    unit_id      bigint NOT NULL,
    official_id  bigint NOT NULL,
    from_date    date NOT NULL,
    to_date      date NOT NULL,
    standin_id   bigint,
    created_by   bigint REFERENCES officials (id) ON DELETE RESTRICT,
    cancelled_at timestamptz,
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (unit_id, official_id) REFERENCES officials (unit_id, id) ON DELETE RESTRICT,
    FOREIGN KEY (unit_id, standin_id) REFERENCES officials (unit_id, id) ON DELETE RESTRICT,
    CONSTRAINT leaves_dates CHECK (to_date >= from_date),
    CONSTRAINT leaves_standin_not_self CHECK (standin_id IS NULL OR standin_id <> official_id),
    CONSTRAINT leaves_no_overlap EXCLUDE USING gist (
        int8range(official_id, official_id, '[]') WITH &&,
        daterange(from_date, to_date, '[]') WITH &&
    ) WHERE (cancelled_at IS NULL)
);
-- The reminder fan-out reads the leaves of its units covering a day.
CREATE INDEX leaves_unit_idx ON leaves (unit_id, to_date) WHERE cancelled_at IS NULL;
CREATE INDEX leaves_standin_idx ON leaves (standin_id, to_date) WHERE cancelled_at IS NULL AND standin_id IS NOT NULL;

-- 2. Reminders held for an official on leave without a stand-in: written
--    in the fan-out's transaction instead of the message, released (sent
--    to the official, or to a stand-in of a later leave) by the first
--    reminder run of a working day when someone can receive them. One
--    pending row per official, occurrence and kind: what the run sends
--    then is the occurrence as it stands, not each missed reminder.
CREATE TABLE held_reminders (
    id            bigserial PRIMARY KEY,
    unit_id       bigint NOT NULL,
    official_id   bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    occurrence_id bigint NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('team', 'escalation')),
    held_at       timestamptz NOT NULL,
    released_at   timestamptz
);
CREATE UNIQUE INDEX held_reminders_pending_idx ON held_reminders (official_id, occurrence_id, kind)
    WHERE released_at IS NULL;
CREATE INDEX held_reminders_unit_idx ON held_reminders (unit_id) WHERE released_at IS NULL;

-- +goose Down
DROP TABLE held_reminders;
DROP TABLE leaves;
