-- The work request lifecycle (issue #5): dependencies, wait timers, callbacks one at a time,
-- idempotent creation.

-- work_request_id depends on depends_on_id. Both belong to one root workflow (checked by the
-- service with DependencyGraph before the insert).
CREATE TABLE work_request_dependency (
    work_request_id bigint NOT NULL REFERENCES work_request (id),
    depends_on_id   bigint NOT NULL REFERENCES work_request (id),
    PRIMARY KEY (work_request_id, depends_on_id),
    CHECK (work_request_id <> depends_on_id)
);
-- Propagation walks the edges backwards: from a finished work request to its dependents.
CREATE INDEX work_request_dependency_reverse ON work_request_dependency (depends_on_id);

ALTER TABLE work_request
    -- wait/delay: task_data.delay_until, copied so the timer is one indexed UPDATE.
    ADD COLUMN delay_until timestamptz,
    -- When it stops being useful and may be removed (created_at + expiration_delay).
    ADD COLUMN expires_at  timestamptz;

CREATE INDEX work_request_delay ON work_request (delay_until)
    WHERE status = 'running' AND task_type = 'wait' AND task_name = 'delay';
-- The lifecycle router: pending work requests that need no worker.
CREATE INDEX work_request_routable ON work_request (id)
    WHERE status = 'pending' AND task_type IN ('server', 'internal', 'workflow', 'wait');
CREATE INDEX work_request_root ON work_request (root_id);
-- Never two callbacks of the same workflow in flight, whatever the number of replicas.
CREATE UNIQUE INDEX work_request_one_callback_running ON work_request (parent_id)
    WHERE status = 'running' AND task_type = 'internal' AND task_name = 'workflow';

-- Idempotent creation: a caller's key names one request body and the work requests it created.
CREATE TABLE work_request_idempotency (
    caller         text        NOT NULL,
    client_key     text        NOT NULL,
    request_sha256 text        NOT NULL,
    work_request_ids bigint[]  NOT NULL DEFAULT '{}',
    -- The node keys of a graph, in the order of work_request_ids.
    node_keys      text[]      NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, client_key)
);
