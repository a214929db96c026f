-- The dispatch wake-up names the tag class of the work that became dispatchable (issue #5): a
-- replica that knows the class already dispatches without re-reading work_request_tag_class first
-- (one statement less per pass: the latency bench makes a hundred passes a second).
-- Notifications of one transaction still fold into one per distinct class; no class (not expected
-- for dispatched work) reads as ''.
CREATE OR REPLACE FUNCTION notify_work_available() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kiln_work_available', coalesce(NEW.tag_class_id::text, ''));
    RETURN NULL;
END
$$;
