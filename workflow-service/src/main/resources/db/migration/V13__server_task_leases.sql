-- Server-task runs get a lease: the runner that claimed a run renews it while the run goes on, and
-- a run whose lease expired (its runner died mid-run) is taken over by another runner, which
-- re-runs it when its task declares that safe, else ends it `error` naming the dead runner.
-- command: the work-request.server-task.v1 event the run was claimed for (to run it again).
-- takeovers: how many times the run was taken over from a dead runner.
ALTER TABLE server_task_run
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN command          jsonb,
    ADD COLUMN takeovers        integer NOT NULL DEFAULT 0;
-- runs claimed before leases existed have no runner renewing them: taken over at once
UPDATE server_task_run SET lease_expires_at = now() WHERE state = 'running';
CREATE INDEX server_task_run_lease ON server_task_run (lease_expires_at) WHERE state = 'running';
