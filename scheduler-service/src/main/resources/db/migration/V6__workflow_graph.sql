-- The workflow graph (issue #6): the workflow service grows a root workflow's graph with
-- idempotent mutations of children named by stable keys.

ALTER TABLE work_request
    -- The child's stable key, unique in its root workflow (`<sub-workflow key>/<local key>` for a
    -- sub-workflow's children); null for work requests not created by a graph mutation.
    ADD COLUMN workflow_key   text,
    -- SHA-256 of the child's canonical spec (parent key, task type and name, task data, workflow
    -- data, reactions): the same key with another spec is a conflict.
    ADD COLUMN spec_sha256    text,
    -- Event reactions run by the workflow service when the child succeeds
    -- ([{"action": "update-collection-with-artifacts", ...}]).
    ADD COLUMN on_success     jsonb NOT NULL DEFAULT '[]',
    ADD CONSTRAINT work_request_key_has_spec
        CHECK ((workflow_key IS NULL) = (spec_sha256 IS NULL)),
    ADD CONSTRAINT work_request_key_has_root
        CHECK (workflow_key IS NULL OR root_id IS NOT NULL);

CREATE UNIQUE INDEX work_request_workflow_key ON work_request (root_id, workflow_key)
    WHERE workflow_key IS NOT NULL;

-- Workflow completion looks for the unfinished children of the parents of what just finished.
CREATE INDEX work_request_unfinished_children ON work_request (parent_id)
    WHERE status IN ('blocked', 'pending', 'running');

-- Applied graph mutations: a repeated idempotency key answers what the first application did.
CREATE TABLE workflow_graph_mutation (
    root_id         bigint      NOT NULL REFERENCES work_request (id),
    idempotency_key text        NOT NULL,
    -- SHA-256 of the canonical mutation: the same key with another body is a conflict.
    request_sha256  text        NOT NULL,
    -- The stored answer: {"created": N, "children": {"<key>": <id>, ...}}.
    answer          jsonb       NOT NULL,
    applied_by      text        NOT NULL,
    applied_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (root_id, idempotency_key)
);
