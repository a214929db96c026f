-- Dispatch by tag class (issue #5): worker tags with provenance, per-request time limits.

-- A worker's tags, each with who set it: `worker` (reported in Hello, replaced at every
-- connection), `admin` (worker admin API) or `system`. TagPolicy decides which count.
CREATE TABLE worker_tag (
    worker_id  bigint NOT NULL REFERENCES worker (id) ON DELETE CASCADE,
    -- provided: offered to work requests' requirements; required: narrows what the worker takes.
    kind       text   NOT NULL CHECK (kind IN ('provided', 'required')),
    value      text   NOT NULL CHECK (value <> ''),
    provenance text   NOT NULL CHECK (provenance IN ('system', 'admin', 'worker')),
    PRIMARY KEY (worker_id, kind, value, provenance)
);

-- Raised by every change of a worker's tags, so each replica recomputes the effective class of
-- the workers connected to it without reading their tags every round.
ALTER TABLE worker ADD COLUMN tags_version bigint NOT NULL DEFAULT 0;

-- Optional: a running work request older than this ends `error` (time-limit-exceeded).
ALTER TABLE work_request ADD COLUMN time_limit interval CHECK (time_limit > interval '0');
CREATE INDEX work_request_time_limit ON work_request (started_at)
    WHERE status = 'running' AND time_limit IS NOT NULL;

-- Queue depth by task type and tag class, read by the metrics timer with one GROUP BY.
CREATE INDEX work_request_pending_by_class ON work_request (task_type, tag_class_id)
    WHERE status = 'pending';

-- Wakes the dispatchers of every replica when work becomes dispatchable (prepared, or back to
-- pending), whoever made it so; NOTIFY folds the notifications of one transaction into one.
CREATE FUNCTION notify_work_available() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kiln_work_available', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER work_request_available
    AFTER INSERT OR UPDATE OF status, prepared_at ON work_request
    FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.prepared_at IS NOT NULL)
    EXECUTE FUNCTION notify_work_available();
