-- The expiry reaper looks for ended roots whose expiry has passed, oldest first: without this
-- index that is a scan of every work request once a minute.
CREATE INDEX work_request_expiring_roots ON work_request (expires_at)
    WHERE root_id IS NULL AND expires_at IS NOT NULL AND status IN ('completed', 'aborted');
