-- +goose Up
-- An invite code no longer takes over an official linked to another chat:
-- only a code issued with `invite KEY --relink` (relink = true) may move
-- the official, and the previous chat is told. Issuing a code revokes the
-- official's older unused codes, and `invite revoke KEY` revokes them all
-- (revoked_at). A revoked code links nobody.
ALTER TABLE invites ADD COLUMN relink boolean NOT NULL DEFAULT false;
ALTER TABLE invites ADD COLUMN revoked_at timestamptz;

-- +goose Down
ALTER TABLE invites DROP COLUMN revoked_at;
ALTER TABLE invites DROP COLUMN relink;
