-- Task preparation (issue #4): when a worker, signing or server work request becomes pending the
-- scheduler applies the task configuration, resolves the dynamic data and computes the tags.

-- A tag class: one distinct (required, provided) pair of tag sets, with provenance. Many work
-- requests share one (every sbuild of a workspace for amd64, say), so matching can be decided per
-- class and the dispatch query filters on tag_class_id = ANY(:compatible).
CREATE TABLE work_request_tag_class (
    id            bigserial PRIMARY KEY,
    -- SHA-256 of the canonical form (sorted "value provenance" lines of both sets).
    fingerprint   text        NOT NULL UNIQUE,
    -- The tag values alone, sorted and distinct, for set operators in SQL (<@, @>, &&).
    required_tags text[]      NOT NULL,
    provided_tags text[]      NOT NULL,
    -- The tags with provenance: [{"value": "arch:amd64", "provenance": "user"}, ...], sorted.
    required      jsonb       NOT NULL,
    provided      jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE work_request
    -- task_data with the task configuration applied: what the agent receives.
    ADD COLUMN configured_task_data jsonb,
    ADD COLUMN tag_class_id         bigint REFERENCES work_request_tag_class (id),
    -- Set once configuration, dynamic data and tags are stored; only prepared requests dispatch.
    ADD COLUMN prepared_at          timestamptz,
    -- After a transport failure of the lookup service: not before this time again.
    ADD COLUMN prepare_after        timestamptz;

-- The preparation query: pending and not prepared yet, oldest first.
CREATE INDEX work_request_unprepared ON work_request (id)
    WHERE status = 'pending' AND prepared_at IS NULL;

-- The dispatch query now only sees prepared requests; by class for tag matching (issue #5).
DROP INDEX work_request_dispatch;
CREATE INDEX work_request_dispatch
    ON work_request ((priority_base + priority_adjustment) DESC, created_at, id)
    WHERE status = 'pending' AND prepared_at IS NOT NULL;
CREATE INDEX work_request_dispatch_by_class
    ON work_request (tag_class_id, (priority_base + priority_adjustment) DESC, created_at, id)
    WHERE status = 'pending' AND prepared_at IS NOT NULL;
