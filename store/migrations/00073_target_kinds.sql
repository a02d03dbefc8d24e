-- +goose Up
-- Targets of several kinds: how readings are judged (level, cumulative,
-- year_end, external) and an optional deadline by which the goal must be met.
ALTER TABLE targets
    ADD COLUMN kind text NOT NULL DEFAULT 'level'
        CHECK (kind IN ('level', 'cumulative', 'year_end', 'external')),
    ADD COLUMN due date,
    ADD CONSTRAINT targets_cumulative_grows
        CHECK (kind <> 'cumulative' OR (comparator IN ('>=', '>') AND measure <> 'yesno'));

-- +goose Down
ALTER TABLE targets
    DROP CONSTRAINT targets_cumulative_grows,
    DROP COLUMN due,
    DROP COLUMN kind;
