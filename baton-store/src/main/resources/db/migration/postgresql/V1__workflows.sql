-- Baton store, PostgreSQL dialect.
-- Instants are TIMESTAMPTZ (microseconds); the small JSON lists are TEXT, event payloads JSONB.
-- Work and task ids are unique only inside their workflow, hence the composite keys.

CREATE TABLE workflows (
    id             TEXT        NOT NULL PRIMARY KEY,
    name           TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    correlation_id TEXT,
    repositories   TEXT        NOT NULL, -- JSON array of {"name", "path"}
    spec_path      TEXT,
    version        BIGINT      NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ,
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    error          TEXT
);
CREATE INDEX workflows_by_status ON workflows (status);
CREATE INDEX workflows_newest_first ON workflows (created_at DESC, id DESC);

CREATE TABLE works (
    workflow_id TEXT    NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    sequence    INTEGER NOT NULL, -- not unique: a reorder saves works one by one
    name        TEXT,
    agent       TEXT,
    model       TEXT,
    mcp_servers TEXT    NOT NULL, -- JSON array of names
    status      TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    error       TEXT,
    PRIMARY KEY (workflow_id, id)
);

CREATE TABLE tasks (
    workflow_id TEXT    NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    work_id     TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    query       TEXT,
    assigned_to TEXT,
    status      TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    exit_code   INTEGER,
    error       TEXT,
    version     BIGINT  NOT NULL,
    PRIMARY KEY (workflow_id, id),
    FOREIGN KEY (workflow_id, work_id) REFERENCES works (workflow_id, id) ON DELETE CASCADE
);
CREATE INDEX tasks_by_work ON tasks (workflow_id, work_id, ord);

CREATE TABLE checkpoints (
    id             TEXT        NOT NULL PRIMARY KEY,
    workflow_id    TEXT        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    work_id        TEXT        NOT NULL,
    work_sequence  INTEGER     NOT NULL,
    repository     TEXT        NOT NULL,
    commit_sha     TEXT        NOT NULL,
    valid          BOOLEAN     NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    invalidated_at TIMESTAMPTZ
);
CREATE INDEX checkpoints_by_workflow ON checkpoints (workflow_id, created_at);
CREATE INDEX checkpoints_by_invalidation ON checkpoints (invalidated_at);

CREATE TABLE reports (
    id          TEXT        NOT NULL PRIMARY KEY,
    workflow_id TEXT        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    work_id     TEXT,
    task_id     TEXT,
    path        TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_by_workflow ON reports (workflow_id, created_at);

-- Append-only; no foreign key so that appending never waits on or fails for the workflow row.
CREATE TABLE events (
    sequence       BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id    TEXT        NOT NULL,
    type           TEXT        NOT NULL,
    correlation_id TEXT,
    occurred_at    TIMESTAMPTZ NOT NULL,
    payload        JSONB       NOT NULL
);
CREATE INDEX events_by_workflow ON events (workflow_id, sequence);
