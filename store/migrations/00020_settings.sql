-- +goose Up
-- Installation-wide secrets and settings, created once by the first
-- process that needs them (e.g. the key signing inline-button data).
CREATE TABLE settings (
    key   text PRIMARY KEY CHECK (key <> ''),
    value bytea NOT NULL
);

-- +goose Down
DROP TABLE settings;
