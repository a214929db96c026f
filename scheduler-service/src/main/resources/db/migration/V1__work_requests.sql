-- Workers: external agents (worker-agent) and signing agents. Only the SHA-256 of a token is kept.
CREATE TABLE worker (
    id            bigserial PRIMARY KEY,
    name          text        NOT NULL UNIQUE,
    worker_type   text        NOT NULL CHECK (worker_type IN ('worker', 'signing')),
    token_sha256  text        NOT NULL UNIQUE,
    enabled       boolean     NOT NULL DEFAULT true,
    concurrency   integer     NOT NULL DEFAULT 1 CHECK (concurrency > 0),
    provided_tags text[]      NOT NULL DEFAULT '{}',
    registered_at timestamptz NOT NULL DEFAULT now(),
    connected_at  timestamptz,
    last_seen_at  timestamptz
);

CREATE TABLE work_request (
    id                   bigserial PRIMARY KEY,
    workspace            text        NOT NULL,
    created_by           text        NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    started_at           timestamptz,
    completed_at         timestamptz,
    status               text        NOT NULL
        CHECK (status IN ('blocked', 'pending', 'running', 'completed', 'aborted')),
    result               text        NOT NULL DEFAULT ''
        CHECK (result IN ('', 'success', 'failure', 'error', 'skipped')),
    task_type            text        NOT NULL
        CHECK (task_type IN ('worker', 'server', 'internal', 'workflow', 'signing', 'wait')),
    task_name            text        NOT NULL,
    task_data            jsonb       NOT NULL DEFAULT '{}',
    dynamic_task_data    jsonb,
    workflow_data        jsonb       NOT NULL DEFAULT '{}',
    output_data          jsonb,
    priority_base        integer     NOT NULL DEFAULT 0,
    priority_adjustment  integer     NOT NULL DEFAULT 0,
    unblock_strategy     text        NOT NULL DEFAULT 'deps' CHECK (unblock_strategy IN ('deps', 'manual')),
    parent_id            bigint REFERENCES work_request (id),
    root_id              bigint REFERENCES work_request (id),
    supersedes_id        bigint UNIQUE REFERENCES work_request (id),
    expiration_delay     interval,
    worker_id            bigint REFERENCES worker (id),
    -- Fencing: incremented by every assignment; every report must carry it.
    attempt              integer     NOT NULL DEFAULT 0,
    lease_expires_at     timestamptz,
    retry_count          integer     NOT NULL DEFAULT 0,
    CHECK ((status = 'completed') = (result <> ''))
);

-- The dispatch query: pending, unassigned, by effective priority then age.
CREATE INDEX work_request_dispatch
    ON work_request ((priority_base + priority_adjustment) DESC, created_at, id)
    WHERE status = 'pending';
CREATE INDEX work_request_worker ON work_request (worker_id) WHERE status IN ('pending', 'running');
CREATE INDEX work_request_lease ON work_request (lease_expires_at) WHERE status = 'running';
CREATE INDEX work_request_parent ON work_request (parent_id);

-- Transactional outbox: written in the same transaction as the change it announces,
-- published to Kafka by OutboxRelay, in id order.
CREATE TABLE outbox_event (
    id           bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;
