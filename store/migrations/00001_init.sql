-- +goose Up
-- The whole plan model. Every row belongs to a unit, directly or through
-- its plan; wrong states are made impossible with keys and checks.

CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name        text NOT NULL CHECK (name <> ''),
    parent_id   bigint REFERENCES units (id) ON DELETE RESTRICT,
    timezone    text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE officials (
    id                bigserial PRIMARY KEY,
    unit_id           bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    key               text NOT NULL CHECK (key ~ '^[a-z0-9-]+$'),
    name              text NOT NULL CHECK (name <> ''),
    position          text NOT NULL DEFAULT '',
    roles             text[] NOT NULL DEFAULT '{member}'
                      CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['chairman', 'office', 'member']),
    email             text NOT NULL DEFAULT '',
    language          text NOT NULL DEFAULT '' CHECK (language IN ('', 'vi', 'en')),
    telegram_user_id  bigint UNIQUE,
    telegram_chat_id  bigint UNIQUE,
    telegram_username text NOT NULL DEFAULT '',
    linked_at         timestamptz,
    unreachable_at    timestamptz,
    unreachable_error text NOT NULL DEFAULT '',
    archived_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (unit_id, key),
    UNIQUE (unit_id, id),
    CHECK ((telegram_chat_id IS NULL) = (linked_at IS NULL))
);

CREATE TABLE plans (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    code        text NOT NULL CHECK (code <> ''),
    title       text NOT NULL CHECK (title <> ''),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    source      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (unit_id, code),
    UNIQUE (unit_id, id)
);

CREATE TABLE areas (
    id          bigserial PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL CHECK (name <> ''),
    position    integer NOT NULL DEFAULT 0,
    archived_at timestamptz,
    UNIQUE (plan_id, code),
    UNIQUE (plan_id, id)
);

CREATE TABLE targets (
    id          bigserial PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    area_id     bigint NOT NULL,
    key         text NOT NULL CHECK (key ~ '^[a-z0-9-]+$'),
    text        text NOT NULL CHECK (text <> ''),
    measure     text NOT NULL CHECK (measure IN ('percent', 'count', 'yesno')),
    goal        double precision NOT NULL,
    comparator  text NOT NULL CHECK (comparator IN ('>=', '<=', '=', '>', '<')),
    owner_id    bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    every       text NOT NULL CHECK (every IN ('weekly', 'monthly', 'quarterly', 'half-yearly', 'yearly')),
    position    integer NOT NULL DEFAULT 0,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (plan_id, key),
    FOREIGN KEY (plan_id, area_id) REFERENCES areas (plan_id, id) ON DELETE RESTRICT,
    CHECK (measure <> 'percent' OR goal BETWEEN 0 AND 100),
    CHECK (measure <> 'yesno' OR goal IN (0, 1))
);

-- Readings are append-only; the latest per (target, period) counts.
CREATE TABLE target_readings (
    id                  bigserial PRIMARY KEY,
    target_id           bigint NOT NULL REFERENCES targets (id) ON DELETE RESTRICT,
    period_key          text NOT NULL CHECK (period_key <> ''),
    value               double precision NOT NULL,
    official_id         bigint REFERENCES officials (id) ON DELETE RESTRICT,
    note                text NOT NULL DEFAULT '',
    source              text NOT NULL CHECK (source IN ('telegram', 'cli', 'import', 'demo', 'generator')),
    telegram_chat_id    bigint,
    telegram_message_id bigint,
    telegram_update_id  bigint UNIQUE,
    reported_at         timestamptz NOT NULL
);
CREATE INDEX target_readings_target_idx ON target_readings (target_id, reported_at DESC);

CREATE TABLE tasks (
    id          bigserial PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    area_id     bigint NOT NULL,
    key         text NOT NULL CHECK (key ~ '^[a-z0-9-]+$'),
    title       text NOT NULL CHECK (title <> ''),
    lead_id     bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    due         date,
    every       text CHECK (every IN ('weekly', 'monthly', 'quarterly', 'half-yearly', 'yearly')),
    due_day     integer,
    start_date  date,
    end_date    date,
    position    integer NOT NULL DEFAULT 0,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (plan_id, key),
    FOREIGN KEY (plan_id, area_id) REFERENCES areas (plan_id, id) ON DELETE RESTRICT,
    -- one-off: a due date; recurring: a cadence and a due day
    CHECK ((every IS NULL AND due IS NOT NULL AND due_day IS NULL AND start_date IS NULL)
        OR (every IS NOT NULL AND due IS NULL AND due_day IS NOT NULL AND start_date IS NOT NULL)),
    CHECK (every <> 'weekly' OR due_day BETWEEN 1 AND 7),
    CHECK (every IS NULL OR every = 'weekly' OR (due_day BETWEEN -31 AND 31 AND due_day <> 0)),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);

CREATE TABLE task_supporters (
    task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    official_id bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    PRIMARY KEY (task_id, official_id)
);
CREATE INDEX task_supporters_official_idx ON task_supporters (official_id);

-- One instance of a task: a one-off task has exactly one, keyed by its
-- nominal due date; a recurring one has one per period, keyed by period.
CREATE TABLE occurrences (
    id          bigserial PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    key         text NOT NULL CHECK (key <> ''),
    nominal_due date NOT NULL,
    due         date NOT NULL,           -- rolled to a working day
    percent     integer NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    done_at     timestamptz,
    done_by     bigint REFERENCES officials (id) ON DELETE RESTRICT,
    last_report_at timestamptz,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (task_id, key),
    CHECK (due >= nominal_due),
    CHECK (done_at IS NULL OR percent = 100)
);
CREATE INDEX occurrences_open_due_idx ON occurrences (due) WHERE done_at IS NULL AND archived_at IS NULL;
CREATE INDEX occurrences_due_idx ON occurrences (due);

-- Append-only history of what officials said about an occurrence.
CREATE TABLE progress_reports (
    id                  bigserial PRIMARY KEY,
    occurrence_id       bigint NOT NULL REFERENCES occurrences (id) ON DELETE RESTRICT,
    official_id         bigint REFERENCES officials (id) ON DELETE RESTRICT,
    percent             integer CHECK (percent BETWEEN 0 AND 100),
    done                boolean NOT NULL DEFAULT false,
    note                text NOT NULL DEFAULT '',
    evidence_kind       text NOT NULL DEFAULT '' CHECK (evidence_kind IN ('', 'photo', 'document')),
    evidence_file_id    text NOT NULL DEFAULT '',
    source              text NOT NULL CHECK (source IN ('telegram', 'cli', 'import', 'demo', 'generator')),
    telegram_chat_id    bigint,
    telegram_message_id bigint,
    telegram_update_id  bigint,
    reported_at         timestamptz NOT NULL,
    UNIQUE (telegram_update_id, occurrence_id)
);
CREATE INDEX progress_reports_occurrence_idx ON progress_reports (occurrence_id, reported_at DESC);
CREATE INDEX progress_reports_official_idx ON progress_reports (official_id, reported_at);

CREATE TABLE invites (
    id          bigserial PRIMARY KEY,
    official_id bigint NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    code_hash   bytea NOT NULL UNIQUE CHECK (length(code_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     bigint,
    CHECK (expires_at > created_at),
    CHECK ((used_at IS NULL) = (used_by IS NULL))
);
CREATE INDEX invites_official_idx ON invites (official_id);

-- Failed /start attempts per Telegram user, for rate limiting guesses.
CREATE TABLE link_attempts (
    telegram_user_id bigint NOT NULL,
    attempted_at     timestamptz NOT NULL
);
CREATE INDEX link_attempts_user_idx ON link_attempts (telegram_user_id, attempted_at);

-- Every outgoing message. Inserted in the same transaction as the decision
-- that caused it; dedupe_key makes the decision idempotent.
CREATE TABLE outbox (
    id                  bigserial PRIMARY KEY,
    unit_id             bigint REFERENCES units (id) ON DELETE RESTRICT,
    official_id         bigint REFERENCES officials (id) ON DELETE RESTRICT,
    chat_id             bigint NOT NULL,
    dedupe_key          text NOT NULL UNIQUE,
    kind                text NOT NULL,
    occurrence_id       bigint REFERENCES occurrences (id) ON DELETE RESTRICT,
    target_id           bigint REFERENCES targets (id) ON DELETE RESTRICT,
    payload             jsonb NOT NULL,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at     timestamptz NOT NULL,
    last_error          text NOT NULL DEFAULT '',
    telegram_message_id bigint,
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_message_idx ON outbox (chat_id, telegram_message_id) WHERE telegram_message_id IS NOT NULL;
CREATE INDEX outbox_official_idx ON outbox (official_id, created_at);

-- A job run is claimed by its (job, scheduled instant); a second claim fails.
CREATE TABLE job_runs (
    id           bigserial PRIMARY KEY,
    job          text NOT NULL,
    scheduled_at timestamptz NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'skipped')),
    messages     integer NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    UNIQUE (job, scheduled_at)
);

-- Inbound Telegram updates whose effects are committed.
CREATE TABLE processed_updates (
    update_id    bigint PRIMARY KEY,
    processed_at timestamptz NOT NULL
);

-- State of a multi-step conversation (e.g. /baocao) per chat.
CREATE TABLE chat_states (
    chat_id     bigint PRIMARY KEY,
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE chat_states;
DROP TABLE processed_updates;
DROP TABLE job_runs;
DROP TABLE outbox;
DROP TABLE link_attempts;
DROP TABLE invites;
DROP TABLE progress_reports;
DROP TABLE occurrences;
DROP TABLE task_supporters;
DROP TABLE tasks;
DROP TABLE target_readings;
DROP TABLE targets;
DROP TABLE areas;
DROP TABLE plans;
DROP TABLE officials;
DROP TABLE units;
