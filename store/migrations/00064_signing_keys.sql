-- +goose Up
-- Versioned keys signing inline-button data (package callback). The
-- newest key signs; an older one verifies the buttons it signed until its
-- retire_at (set by `nhacviec rotate-key`), then answers them as expired.
CREATE TABLE signing_keys (
    id         integer PRIMARY KEY CHECK (id >= 0),
    secret     bytea NOT NULL CHECK (length(secret) = 32),
    created_at timestamptz NOT NULL,
    retire_at  timestamptz
);

-- The unversioned key of earlier releases becomes key 0: it goes on
-- signing (now with its id), and the buttons it signed before the upgrade,
-- which carry no key id and no issue time, verify with it as if issued at
-- the upgrade.
INSERT INTO signing_keys (id, secret, created_at)
SELECT 0, value, now() FROM settings
WHERE key = 'callback_key' AND length(value) = 32;

-- +goose Down
DROP TABLE signing_keys;
