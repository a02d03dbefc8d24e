-- +goose Up
-- Outgoing e-mail copies (digests with their workbook), delivered by the
-- mail worker over SMTP. Like outbox, a row is inserted in the transaction
-- of the decision that caused it and dedupe_key makes that idempotent.
CREATE TABLE email_outbox (
    id              bigserial PRIMARY KEY,
    unit_id         bigint REFERENCES units (id) ON DELETE RESTRICT,
    dedupe_key      text NOT NULL UNIQUE CHECK (dedupe_key <> ''),
    recipients      text[] NOT NULL CHECK (cardinality(recipients) > 0),
    subject         text NOT NULL,
    body            text NOT NULL,
    attachments     jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX email_outbox_pending_idx ON email_outbox (next_attempt_at, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE email_outbox;
