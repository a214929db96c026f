-- One row per run of a server task (issue #6 item 5), keyed by work request and attempt: a
-- redelivered work-request.server-task.v1 command finds its row and never runs the task twice.
-- state: 'running' (claimed by a runner), 'done' (result recorded, not yet accepted by the
-- scheduler), 'reported' (the scheduler has it).
CREATE TABLE server_task_run (
    work_request_id bigint      NOT NULL,
    attempt         integer     NOT NULL,
    task_name       text        NOT NULL,
    workspace       text        NOT NULL,
    event_id        uuid        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('running', 'done', 'reported')),
    result          text CHECK (result IN ('success', 'failure', 'error', 'skipped')),
    output_data     jsonb,
    runner          text        NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    reported_at     timestamptz,
    PRIMARY KEY (work_request_id, attempt)
);
CREATE INDEX server_task_run_unreported ON server_task_run (finished_at) WHERE state = 'done';
