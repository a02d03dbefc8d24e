-- +goose Up
-- Files published at unguessable, expiring URLs (/f/<token>): the Zalo
-- platform sends a photo only by a URL it fetches, and no documents at
-- all, so charts, workbooks and reports are served from here. The token
-- is 256 random bits, given out once in the URL and kept only as its
-- SHA-256: a copy of the database names no URL. A file answers until
-- expires_at; the retention sweep deletes it after that.
CREATE TABLE published_files (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    filename     text NOT NULL CHECK (filename <> ''),
    content_type text NOT NULL CHECK (content_type <> ''),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);

-- +goose Down
DROP TABLE published_files;
