-- Live logs (issue #7): the lines an agent streams while a work request runs, readable through
-- GET /api/v1/work-requests/{id}/log. Bounded per work request; deleted with it. Numbered V4_1 so
-- that it sorts after V4 whatever other branches add as V5 and later.

-- One row per work request with a live log: the next cursor value, what was stored and dropped,
-- and the attempt and agent line number the stored lines have reached (to drop re-sent lines).
CREATE TABLE work_request_log (
    work_request_id bigint      PRIMARY KEY REFERENCES work_request (id) ON DELETE CASCADE,
    next_seq        bigint      NOT NULL DEFAULT 1,
    byte_count      bigint      NOT NULL DEFAULT 0,
    dropped_lines   bigint      NOT NULL DEFAULT 0,
    attempt         integer     NOT NULL DEFAULT 0,
    next_line       bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The lines, numbered per work request (seq from 1, no gaps, in the order they were stored).
CREATE TABLE work_request_log_line (
    work_request_id bigint      NOT NULL REFERENCES work_request_log (work_request_id) ON DELETE CASCADE,
    seq             bigint      NOT NULL,
    attempt         integer     NOT NULL,
    line            text        NOT NULL,
    logged_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (work_request_id, seq)
);
