-- Events this service has applied, by id: every consumer is idempotent.
CREATE TABLE processed_event (
    event_id     uuid PRIMARY KEY,
    event_type   text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- Completions of work requests as the scheduler announced them.
CREATE TABLE work_request_completion (
    id               bigserial PRIMARY KEY,
    event_id         uuid        NOT NULL UNIQUE REFERENCES processed_event (event_id),
    work_request_id  bigint      NOT NULL,
    root_workflow_id bigint,
    task_type        text        NOT NULL,
    task_name        text        NOT NULL,
    result           text        NOT NULL,
    attempt          integer,
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_request_completion_wr ON work_request_completion (work_request_id);
