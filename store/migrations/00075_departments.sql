-- +goose Up
-- The two-tier organisation: departments (phòng, ban) with a head and
-- members, tasks led or supported by departments and by several leads, the
-- roles vice_chairman and partner, and an area's supervisor.

-- The roles check was declared on the column in 00001, so PostgreSQL named
-- it officials_roles_check.
ALTER TABLE officials DROP CONSTRAINT officials_roles_check;
ALTER TABLE officials ADD CONSTRAINT officials_roles_check
    CHECK (cardinality(roles) > 0
           AND roles <@ ARRAY['chairman', 'vice_chairman', 'office', 'member', 'partner']);

CREATE TABLE departments (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    key         text NOT NULL CHECK (key ~ '^[a-z0-9-]+$'),
    name        text NOT NULL CHECK (name <> ''),
    head_id     bigint NOT NULL,
    position    integer NOT NULL DEFAULT 0,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (unit_id, key),
    UNIQUE (unit_id, id),
    FOREIGN KEY (unit_id, head_id) REFERENCES officials (unit_id, id) ON DELETE RESTRICT
);

-- A department's key and an official's key name one thing in a plan file
-- (lead: KEY): among the live rows of a unit, no key is both.
-- +goose StatementBegin
CREATE FUNCTION unit_keys_distinct() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.archived_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'departments' THEN
        IF EXISTS (SELECT 1 FROM officials
                   WHERE unit_id = NEW.unit_id AND key = NEW.key AND archived_at IS NULL) THEN
            RAISE EXCEPTION 'department key % is an official''s key in unit %', NEW.key, NEW.unit_id
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'unit_keys_distinct';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM departments
                  WHERE unit_id = NEW.unit_id AND key = NEW.key AND archived_at IS NULL) THEN
        RAISE EXCEPTION 'official key % is a department''s key in unit %', NEW.key, NEW.unit_id
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'unit_keys_distinct';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER departments_key_distinct BEFORE INSERT OR UPDATE OF key, unit_id, archived_at ON departments
    FOR EACH ROW EXECUTE FUNCTION unit_keys_distinct();
CREATE TRIGGER officials_key_distinct BEFORE INSERT OR UPDATE OF key, unit_id, archived_at ON officials
    FOR EACH ROW EXECUTE FUNCTION unit_keys_distinct();

-- Membership with its history: a move closes one row (left_at) and opens
-- another. The head is a member of the department too. An official is a
-- current member of at most one department.
CREATE TABLE department_members (
    id            bigserial PRIMARY KEY,
    unit_id       bigint NOT NULL,
    department_id bigint NOT NULL,
    official_id   bigint NOT NULL,
    joined_at     timestamptz NOT NULL,
    left_at       timestamptz,
    FOREIGN KEY (unit_id, department_id) REFERENCES departments (unit_id, id) ON DELETE RESTRICT,
    FOREIGN KEY (unit_id, official_id) REFERENCES officials (unit_id, id) ON DELETE RESTRICT,
    CHECK (left_at IS NULL OR left_at >= joined_at)
);
CREATE UNIQUE INDEX department_members_current_idx ON department_members (official_id) WHERE left_at IS NULL;
CREATE INDEX department_members_department_idx ON department_members (department_id) WHERE left_at IS NULL;

-- The leads of a task, in order: each an official or a department.
-- tasks.lead_id stays the task's accountable official for the queries that
-- read one person: the first official lead, else the head of the first lead
-- department (the import keeps it so).
CREATE TABLE task_leads (
    task_id       bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position      integer NOT NULL CHECK (position > 0),
    official_id   bigint REFERENCES officials (id) ON DELETE RESTRICT,
    department_id bigint REFERENCES departments (id) ON DELETE RESTRICT,
    PRIMARY KEY (task_id, position),
    UNIQUE (task_id, official_id),
    UNIQUE (task_id, department_id),
    CHECK ((official_id IS NULL) <> (department_id IS NULL))
);
CREATE INDEX task_leads_official_idx ON task_leads (official_id) WHERE official_id IS NOT NULL;
CREATE INDEX task_leads_department_idx ON task_leads (department_id) WHERE department_id IS NOT NULL;
INSERT INTO task_leads (task_id, position, official_id)
SELECT id, 1, lead_id FROM tasks;

-- Departments supporting a task (officials stay in task_supporters).
CREATE TABLE task_support_departments (
    task_id       bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    department_id bigint NOT NULL REFERENCES departments (id) ON DELETE RESTRICT,
    PRIMARY KEY (task_id, department_id)
);
CREATE INDEX task_support_departments_department_idx ON task_support_departments (department_id);

-- The member a department head assigned the task to (giao KEY).
ALTER TABLE tasks
    ADD COLUMN assignee_id bigint REFERENCES officials (id) ON DELETE RESTRICT,
    ADD COLUMN assigned_by bigint REFERENCES officials (id) ON DELETE RESTRICT,
    ADD COLUMN assigned_at timestamptz,
    ADD CONSTRAINT tasks_assignment_complete
        CHECK ((assignee_id IS NULL) = (assigned_at IS NULL));
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id) WHERE assignee_id IS NOT NULL;

-- The official (chairman or vice-chairman) in charge of an area: its
-- escalations go to them instead of the chairman.
ALTER TABLE areas ADD COLUMN supervisor_id bigint REFERENCES officials (id) ON DELETE RESTRICT;

-- +goose Down
ALTER TABLE areas DROP COLUMN supervisor_id;
DROP INDEX tasks_assignee_idx;
ALTER TABLE tasks
    DROP CONSTRAINT tasks_assignment_complete,
    DROP COLUMN assigned_at,
    DROP COLUMN assigned_by,
    DROP COLUMN assignee_id;
DROP TABLE task_support_departments;
DROP TABLE task_leads;
DROP TABLE department_members;
DROP TRIGGER officials_key_distinct ON officials;
DROP TRIGGER departments_key_distinct ON departments;
DROP TABLE departments;
DROP FUNCTION unit_keys_distinct();
ALTER TABLE officials DROP CONSTRAINT officials_roles_check;
ALTER TABLE officials ADD CONSTRAINT officials_roles_check
    CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['chairman', 'office', 'member']);
